"""First start of a data dir: create it, make the local sysop, seed the demo communities."""

from __future__ import annotations

import getpass
import logging

from bbs.config import Config
from bbs.errors import TextError
from bbs.forum import Forum
from bbs.live import LiveBus
from bbs.models import Person, Role
from bbs.seed import seed
from bbs.text import clean_handle

log = logging.getLogger(__name__)

LOCAL_HANDLE_KEY = "local_handle"
DEMO_JOINS = ("night-gardeners", "rare-threads")


def open_forum(config: Config, *, empty: bool = False, bus: LiveBus | None = None) -> Forum:
    """Open the forum on `config.data_dir`, seeding the demo on its first start unless `empty`."""
    config.data_dir.mkdir(parents=True, exist_ok=True)
    forum = Forum(config.data_dir, config, bus)
    if forum.first_start and not forum.hub.setting("initialised"):
        if not empty:
            log.info("seeding the demo communities into %s", config.data_dir)
            seed(forum)
        forum.hub.set_setting("initialised", "1")
    return forum


def _local_handle() -> str:
    try:
        handle = clean_handle(getpass.getuser())
    except (TextError, OSError, KeyError):
        return "local"
    return "local" if handle in ("root", "guest", "admin", "sysop", "new") else handle


def local_person(forum: Forum) -> Person:
    """The single person of `bbs local`: made sysop on first run, and a member of the demo."""
    handle = forum.hub.setting(LOCAL_HANDLE_KEY)
    if handle and (found := forum.person(handle)):
        return found
    handle = _local_handle()
    existing = forum.person(handle)
    person = existing or forum.register(handle, handle, role=Role.SYSOP)
    if existing and not existing.is_sysop:
        forum.hub.update_person(existing.id, role=str(Role.SYSOP))
    forum.hub.set_setting(LOCAL_HANDLE_KEY, handle)
    for slug in DEMO_JOINS:
        if forum.hub.community(slug) and not forum.hub.membership(person.id, slug):
            forum.hub.set_membership(person.id, slug, "member", "active")
    return forum.person(handle) or person
