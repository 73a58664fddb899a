"""The `bbs` command: local, serve, admin, backup."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click

from bbs.bootstrap import local_person, open_forum
from bbs.config import Config, load_config
from bbs.errors import ForumError
from bbs.forum import Forum
from bbs.models import Person, Role

if TYPE_CHECKING:
    from bbs.ssh.server import Factories


@click.group()
@click.version_option(package_name="bbs")
def main() -> None:
    """A terminal forum for micro-communities."""


STORE_HELP = "The store: postgresql://USER@HOST/DB (default: SQLite files in the data dir)."


@main.command()
@click.option("--data-dir", type=click.Path(path_type=Path), help="Data dir (default ./data).")
@click.option("--empty", is_flag=True, help="On first start, do not seed the demo communities.")
@click.option("--store", help=STORE_HELP)
def local(data_dir: Path | None, empty: bool, store: str | None) -> None:
    """Open the forum for one person on this machine, as its sysop."""
    from bbs.presence import Presence
    from bbs.session import Session
    from screens.app import make_app  # the factory `bbs serve` hands the server too

    logging.basicConfig(level=logging.WARNING)
    config = load_config(data_dir, store=store)
    forum = _open_or_say(config, empty)
    person = forum.sign_in(local_person(forum))
    presence = Presence(forum.bus)
    session = Session(forum=forum, person=person, presence=presence)
    presence.arrive(session.id, person.handle)
    app = make_app(session)
    try:
        app.run()
    finally:
        presence.leave(session.id)
        forum.close()


def ui_factories() -> Factories:
    """The UI's app factories and SSH drivers, handed to the server so bbs never imports them.

    `make_app` is the one factory of the forum's app: `bbs local` builds its app with it too.
    """
    from bbs.ssh.server import Factories
    from screens.app import make_app
    from screens.engine.ssh_driver import SSH_DRIVERS
    from screens.register import make_register_app

    return Factories(app=make_app, register=make_register_app, drivers=SSH_DRIVERS)


@main.command()
@click.option("--data-dir", type=click.Path(path_type=Path), help="Data dir (default ./data).")
@click.option("--host", help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=int, help="Port to listen on (default 2222).")
@click.option("--workers", type=int, help="Worker processes sharing the port (default 1).")
@click.option("--bus", help="Live events between hosts: nats://HOST:PORT (default: one host).")
@click.option("--host-key", help="The host key file every host shares (default: the data dir's).")
@click.option("--empty", is_flag=True, help="On first start, do not seed the demo communities.")
@click.option("-v", "--verbose", is_flag=True, help="Log debug detail.")
@click.option("--store", help=STORE_HELP)
def serve(
    data_dir: Path | None,
    host: str | None,
    port: int | None,
    workers: int | None,
    bus: str | None,
    host_key: str | None,
    empty: bool,
    verbose: bool,
    store: str | None,
) -> None:
    """Serve the forum over SSH to many people at once."""
    from bbs.bus.relay import RelayInUse
    from bbs.bus.setup import BusSettingError
    from bbs.ssh.hostkey import HostKeyError
    from bbs.ssh.proxy_protocol import ProxySettingError
    from bbs.ssh.server import connect_hint
    from bbs.ssh.workers import serve as run_server
    from bbs.store.errors import StoreError

    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("asyncssh").setLevel(logging.WARNING)
    config = load_config(
        data_dir, host=host, port=port, workers=workers, bus=bus, host_key=host_key, store=store
    )
    factories = ui_factories()
    if (config.workers or 1) <= 1:
        _preload_and_tune_gc()
    click.echo(f"bbs: serving {config.data_dir} on {config.host}:{config.port}")
    click.echo(f"Connect with: {connect_hint(config)}")
    try:
        run_server(config, factories, empty=empty)
    except (HostKeyError, BusSettingError, RelayInUse, ProxySettingError, StoreError) as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise click.ClickException(
            f"Cannot listen on {config.host}:{config.port}: {error}"
        ) from None


def _preload_and_tune_gc() -> None:
    """Import the screens now and tune the collector for many apps in this process."""
    import screens.routes  # noqa: F401 - every screen, loaded before the freeze, not per session
    from bbs.ssh.gc_tuning import tune_gc

    tune_gc()


def _as_sysop() -> Person:
    """The machine's administrator acting as the board's sysop from the command line."""
    return Person(id=0, handle="sysop", display_name="Sysop (command line)", role=Role.SYSOP)


def _open_or_say(config: Config, empty: bool = False) -> Forum:
    """The forum of `config`; a store that cannot be opened is a one-line error."""
    from bbs.store.errors import StoreError

    try:
        return open_forum(config, empty=empty)
    except StoreError as error:
        raise click.ClickException(str(error)) from None


@contextmanager
def _forum_for_admin(data_dir: Path | None) -> Iterator[Forum]:
    """The forum on the data dir; a refusal becomes a one-line error and exit status 1."""
    forum = _open_or_say(load_config(data_dir))
    try:
        yield forum
    except ForumError as error:
        raise click.ClickException(str(error)) from None
    finally:
        forum.close()


@main.group()
def admin() -> None:
    """Sysop tools: people and their keys and passwords."""


@admin.command("add-user")
@click.argument("name")
@click.option("--key-file", type=click.File("r"), required=True, help="An OpenSSH public key.")
@click.option("--sysop", is_flag=True, help="Make them a sysop.")
@click.option("--display-name", help="Display name (default: NAME).")
@click.option("--data-dir", type=click.Path(path_type=Path), help="Data dir (default ./data).")
def add_user(
    name: str,
    key_file: TextIO,
    sysop: bool,
    display_name: str | None,
    data_dir: Path | None,
) -> None:
    """Add a person who signs in with the key in --key-file."""
    import asyncssh

    text = key_file.read().strip()
    try:
        key = asyncssh.import_public_key(text)
    except (asyncssh.KeyImportError, ValueError) as error:
        raise click.ClickException(f"Not an OpenSSH public key: {error}") from None
    with _forum_for_admin(data_dir) as forum:
        person = forum.register(
            name,
            display_name or name,
            role=Role.SYSOP if sysop else Role.USER,
            public_key=(key.get_fingerprint("sha256"), key.export_public_key().decode().strip()),
        )
    click.echo(f"Added {person.handle} ({person.role}) with key {key.get_fingerprint('sha256')}")


@admin.command("set-password")
@click.argument("name")
@click.option("--data-dir", type=click.Path(path_type=Path), help="Data dir (default ./data).")
def set_password(name: str, data_dir: Path | None) -> None:
    """Set NAME's password (read from stdin, or prompted on a terminal)."""
    if sys.stdin.isatty():
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    with _forum_for_admin(data_dir) as forum:
        person = forum.person(name)
        if person is None:
            raise click.ClickException(f"Nobody is called {name!r}.")
        forum.set_password(person, password)
    click.echo(f"Password set for {name}.")


@admin.command("ban")
@click.option("--key", "kind", flag_value="key", help="VALUE is a key fingerprint (SHA256:...).")
@click.option("--name", "kind", flag_value="name", help="VALUE is a handle.")
@click.option("--address", "kind", flag_value="address", help="VALUE is an IP address.")
@click.argument("value")
@click.option("--reason", default="", help="Why (kept with the ban).")
@click.option("--lift", is_flag=True, help="Lift the ban instead.")
@click.option("--data-dir", type=click.Path(path_type=Path), help="Data dir (default ./data).")
def ban(kind: str | None, value: str, reason: str, lift: bool, data_dir: Path | None) -> None:
    """Ban a key, a name or an address from the whole board (or --lift it)."""
    if kind is None:
        raise click.UsageError("Say what VALUE is: --key, --name or --address.")
    with _forum_for_admin(data_dir) as forum:
        forum.sysop_ban(_as_sysop(), kind, value, reason, banned=not lift)
    click.echo(f"{'Lifted the ban on' if lift else 'Banned'} {kind} {value}.")


@admin.command("bulletin")
@click.option("--data-dir", type=click.Path(path_type=Path), help="Data dir (default ./data).")
def bulletin(data_dir: Path | None) -> None:
    """Set the sysop's bulletin (Markdown, read from stdin) shown on every welcome screen."""
    text = sys.stdin.read()
    with _forum_for_admin(data_dir) as forum:
        forum.set_bulletin(_as_sysop(), text)
    click.echo("Bulletin updated.")


@admin.command("approve")
@click.argument("slug", required=False)
@click.option("--data-dir", type=click.Path(path_type=Path), help="Data dir (default ./data).")
def approve(slug: str | None, data_dir: Path | None) -> None:
    """List communities waiting for approval, or approve SLUG."""
    with _forum_for_admin(data_dir) as forum:
        if slug is None:
            waiting = forum.pending_communities(_as_sysop())
            click.echo("\n".join(waiting) if waiting else "No community is waiting.")
            return
        forum.approve_community(_as_sysop(), slug)
    click.echo(f"{slug} is open for business.")


@main.command("backup")
@click.argument("dest", type=click.Path(path_type=Path))
@click.option("--data-dir", type=click.Path(path_type=Path), help="Data dir (default ./data).")
@click.option("--store", help="The store: postgresql://... (default: the data dir's setting).")
def backup_command(dest: Path, data_dir: Path | None, store: str | None) -> None:
    """Copy the hub and every community into DEST, safely while the server runs."""
    from bbs.store.backup import backup

    config = load_config(data_dir, store=store)
    try:
        copies = backup(config.data_dir, dest, config.store, config.pg_bin_dir)
    except (FileExistsError, FileNotFoundError, RuntimeError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"backed up {len(copies)} databases from {_where(config)} to {dest}")


def _where(config: Config) -> str:
    """The forum's store in words: its data dir, or its PostgreSQL database (no password)."""
    from bbs.store.backends import is_postgres

    if is_postgres(config.store):
        from bbs.store.pg import redacted

        return redacted(config.store.strip())
    return str(config.data_dir)


@main.command("restore")
@click.argument("source", type=click.Path(path_type=Path, exists=True))
@click.option("--data-dir", type=click.Path(path_type=Path), help="Data dir (default ./data).")
@click.option("--store", help="The store: postgresql://... (default: the data dir's setting).")
def restore_command(source: Path, data_dir: Path | None, store: str | None) -> None:
    """Bring a backup back into the data dir (stop the server first)."""
    from bbs.store.backup import restore

    config = load_config(data_dir, store=store)
    try:
        restored = restore(source, config.data_dir, config.store, config.pg_bin_dir)
    except (FileNotFoundError, ValueError, RuntimeError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"restored {len(restored)} databases into {_where(config)}")


@main.group("store")
def store_group() -> None:
    """Move a forum between stores (SQLite data dir, PostgreSQL database)."""


@store_group.command("copy")
@click.argument("source")
@click.argument("dest")
def store_copy(source: str, dest: str) -> None:
    """Copy the whole forum at SOURCE into DEST, each a data dir or a postgresql://... DSN
    (stop the server first; DEST must hold no forum). Prints the row counts and checksum."""
    from bbs.store.copy import copy_forum
    from bbs.store.errors import StoreError

    try:
        before, after = copy_forum(source, dest)
    except StoreError as error:
        raise click.ClickException(str(error)) from None
    for unit, tables in before.tables.items():
        rows = sum(t.rows for t in tables.values())
        click.echo(f"{unit}: {len(tables)} tables, {rows} rows")
    for name, where, got in (("source", source, before), ("copy  ", dest, after)):
        shown = _where(Config(data_dir=Path(where), store=where if "://" in where else ""))
        click.echo(f"{name} {shown}: {got.total_rows()} rows, sha256 {got.checksum()}")
    click.echo("the copy matches its source")


@main.command()
@click.option("--data-dir", type=click.Path(path_type=Path), help="Data dir (default ./data).")
@click.option("--host", help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=int, help="Port to listen on (default 8080).")
@click.option("--store", help=STORE_HELP)
def web(data_dir: Path | None, host: str | None, port: int | None, store: str | None) -> None:
    """Serve the open communities read-only on the web, as a guest sees them."""
    from bbs.web.server import serve as serve_web

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    config = load_config(data_dir, web_host=host, web_port=port, store=store)
    try:
        serve_web(config, announce=click.echo)
    except OSError as error:
        raise click.ClickException(
            f"Cannot listen on {config.web_host}:{config.web_port}: {error}"
        ) from None


if __name__ == "__main__":
    sys.exit(main())
