"""The `bbs` command: local, serve, admin, backup."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from bbs.bootstrap import local_person, open_forum
from bbs.config import load_config


@click.group()
@click.version_option(package_name="bbs")
def main() -> None:
    """A terminal forum for micro-communities."""


@main.command()
@click.option("--data-dir", type=click.Path(path_type=Path), help="Data dir (default ./data).")
@click.option("--empty", is_flag=True, help="On first start, do not seed the demo communities.")
def local(data_dir: Path | None, empty: bool) -> None:
    """Open the forum for one person on this machine, as its sysop."""
    from bbs.presence import Presence
    from bbs.session import Session
    from screens.app import BBSApp

    logging.basicConfig(level=logging.WARNING)
    config = load_config(data_dir)
    forum = open_forum(config, empty=empty)
    person = forum.sign_in(local_person(forum))
    presence = Presence(forum.bus)
    session = Session(forum=forum, person=person, presence=presence)
    presence.arrive(session.id, person.handle)
    try:
        BBSApp(session).run()
    finally:
        presence.leave(session.id)
        forum.close()


if __name__ == "__main__":
    sys.exit(main())
