"""Pacing and ceilings for everything a person makes, as a hostile first-day account tries it."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import asyncssh
import pytest

from bbs.config import Config, load_config
from bbs.errors import RateLimited, TextError
from bbs.forum import Forum
from bbs.models import Person, Role
from bbs.seed import create_community

DAY = 86_400.0


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def paced(tmp_path: Path) -> Iterator[tuple[Forum, Clock]]:
    """The default figures; ada the sysop, bob an old hand, newbie signed up just now."""
    clock = Clock()
    forum = Forum(tmp_path, Config(data_dir=tmp_path), clock=clock)
    ada = forum.register("ada", "Ada", role=Role.SYSOP)
    bob = forum.register("bob", "Bob")
    forum.hub.update_person(bob.id, created=clock.now - 90 * DAY)
    for slug in ("garden", "circle"):
        spec = {"slug": slug, "name": slug.title(), "boards": [{"slug": "general"}]}
        create_community(forum, spec, ada.id, clock.now)
        forum.hub.set_membership(ada.id, slug, "owner", "active")
        forum.hub.set_membership(bob.id, slug, "member", "active")
    newbie = forum.register("newbie", "New Person")
    for slug in ("garden", "circle"):
        forum.hub.set_membership(newbie.id, slug, "moderator", "active")
    yield forum, clock
    forum.close()


def someone(forum: Forum, handle: str) -> Person:
    found = forum.person(handle)
    assert found is not None
    return found


def own_post(forum: Forum, who: Person, n: int) -> int:
    """A post by `who` written straight into the store (not counted as made by them)."""
    store = forum.store("garden")
    board = store.board("general")
    assert board is not None
    return store.add_thread(board["id"], f"Old {n}", who.id, who.handle, f"old {n}")[1]


def a_key() -> str:
    return asyncssh.generate_private_key("ssh-ed25519").export_public_key().decode()


def bobs_thread(forum: Forum, n: int) -> int:
    post = forum.store("garden").post(own_post(forum, someone(forum, "bob"), n))
    assert post is not None
    return int(post["thread_id"])


WHEN = time.strftime("%Y-%m-%d 18:00", time.gmtime(time.time() + 30 * DAY))


def in_days(days: int) -> str:
    return time.strftime("%Y-%m-%d 10:00", time.gmtime(time.time() + days * DAY))


Maker = Callable[[Forum, Person, int], Any]
MAKERS: dict[str, Maker] = {
    "thread": lambda f, p, n: f.start_thread(p, "garden", "general", f"T{n}", f"body {n}"),
    "reply": lambda f, p, n: f.reply(p, "garden", f.ROOT, f"reply {n}"),
    "edit": lambda f, p, n: f.edit_post(p, "garden", f.OWN, f"edited {n}"),
    "mail": lambda f, p, n: f.send_mail(p, "bob", f"hello {n}"),
    "oneliner": lambda f, p, n: f.add_oneliner(p, f"line {n}"),
    "event": lambda f, p, n: f.create_event(p, "garden", f"M{n}", WHEN, "UTC", "Park"),
    "rsvp": lambda f, p, n: f.rsvp(p, "garden", f.EVENT, ("going", "maybe")[n % 2]),
    "flag": lambda f, p, n: f.flag_post(p, "garden", own_post(f, someone(f, "bob"), n), "spam"),
    "invite": lambda f, p, n: f.invite(p, "garden"),
    "crosspost": lambda f, p, n: f.cross_post(p, "garden", bobs_thread(f, n), "circle"),
    "community": lambda f, p, n: f.found_community(p, f"new{n}", f"New {n}"),
    "join": lambda f, p, n: (f.leave(p, "circle"), f.join(p, "circle", accept_rules=True)),
    "key": lambda f, p, n: f.add_public_key(p, a_key()),
    "block": lambda f, p, n: (f.block(p, "bob", False), f.block(p, "bob")),
    "profile": lambda f, p, n: f.update_profile(p, bio=f"bio {n}"),
    "password": lambda f, p, n: f.set_password(p, f"password-{n}"),
}


def allowed(config: Config, kind: str) -> tuple[int, str]:
    """What stops a first-day account first: (how many pass, the words of the refusal)."""
    first = getattr(config, f"{kind}_first_day")
    if first:
        return first, "first day"
    hour = getattr(config, f"{kind}_per_hour")
    return (hour, "in an hour") if hour else (getattr(config, f"{kind}_per_day"), "in a day")


def gap(config: Config, kind: str) -> float:
    name = "post_interval_s" if kind in ("thread", "reply") else f"{kind}_interval_s"
    return float(getattr(config, name))


@pytest.mark.parametrize("kind", sorted(MAKERS))
def test_a_first_day_account_meets_a_ceiling_for_every_kind(
    paced: tuple[Forum, Clock], kind: str
) -> None:
    forum, clock = paced
    newbie = someone(forum, "newbie")
    forum.ROOT = own_post(forum, someone(forum, "bob"), 0)  # type: ignore[attr-defined]
    forum.OWN = own_post(forum, newbie, 0)  # type: ignore[attr-defined]
    forum.EVENT = forum.store("garden").add_event(  # type: ignore[attr-defined]
        {
            "title": "Swap",
            "starts_at": clock.now + DAY,
            "tz": "UTC",
            "place": "Park",
            "description": "",
            "author_id": 1,
            "author": "ada",
            "created": clock.now,
        }
    )
    most, words = allowed(forum.config, kind)
    assert 0 < most <= 50
    for n in range(most):
        clock.now += gap(forum.config, kind) + 1
        MAKERS[kind](forum, newbie, n)
    clock.now += gap(forum.config, kind) + 1
    with pytest.raises(RateLimited, match="try again in") as refused:
        MAKERS[kind](forum, newbie, most)
    assert words in str(refused.value)
    if gap(forum.config, kind):  # and one right after another is paced
        with pytest.raises(RateLimited, match=r"every .*try again in"):
            clock.now += DAY
            MAKERS[kind](forum, newbie, most + 1)
            MAKERS[kind](forum, newbie, most + 2)


@pytest.mark.parametrize("kind", ["thread", "event", "invite", "community", "flag"])
def test_the_sysop_is_exempt(paced: tuple[Forum, Clock], kind: str) -> None:
    forum, clock = paced
    ada = someone(forum, "ada")
    most, _ = allowed(forum.config, kind)
    for n in range(most + 2):
        MAKERS[kind](forum, ada, n)


def test_one_person_cannot_fill_a_communitys_upcoming_list(paced: tuple[Forum, Clock]) -> None:
    forum, clock = paced
    bob, ada = someone(forum, "bob"), someone(forum, "ada")
    most = forum.config.events_upcoming_per_person
    for n in range(most):
        clock.now += forum.config.event_interval_s + 1
        forum.create_event(bob, "garden", f"Spam {n}", in_days(10 + n), "UTC", "x")
    clock.now += forum.config.event_interval_s + 1
    with pytest.raises(RateLimited, match="upcoming meetups"):
        forum.create_event(bob, "garden", "One more", in_days(20), "UTC", "x")
    forum.create_event(ada, "garden", "The real one", in_days(30), "UTC", "Hall")
    upcoming = forum.events(ada, "garden")
    assert len(upcoming) == most + 1 and upcoming[-1].title == "The real one"
    clock.now += forum.config.event_interval_s + 1
    forum.create_event(bob, "circle", "Elsewhere", in_days(5), "UTC", "x")  # per community


def test_a_refused_write_takes_its_record_back(
    paced: tuple[Forum, Clock], monkeypatch: pytest.MonkeyPatch
) -> None:
    forum, clock = paced
    bob = someone(forum, "bob")
    root = own_post(forum, someone(forum, "ada"), 0)
    store = forum.store("garden")

    def broken(*args: object, **kwargs: object) -> int:
        raise OSError("disk full")

    monkeypatch.setattr(store, "add_reply", broken)
    with pytest.raises(OSError):
        forum.reply(bob, "garden", root, "lost to the disk")
    monkeypatch.undo()
    forum.reply(bob, "garden", root, "lost to the disk")  # not "slow down": nothing was made


def test_mentions_per_post_follow_discourse(paced: tuple[Forum, Clock]) -> None:
    forum, clock = paced
    newbie, bob = someone(forum, "newbie"), someone(forum, "bob")
    for handle in ("cy", "dee", "eve"):
        forum.register(handle, handle)
    with pytest.raises(TextError, match="mention 2 people"):
        forum.start_thread(newbie, "garden", "general", "Hi", "@cy @dee @eve hello")
    forum.start_thread(newbie, "garden", "general", "Hi", "@cy @dee hello")
    forum.start_thread(bob, "garden", "general", "Hi", "@cy @dee @eve hello")


def test_the_sysop_changes_every_figure_in_bbs_toml(tmp_path: Path) -> None:
    (tmp_path / "bbs.toml").write_text(
        "[bbs]\nevent_per_day = 50\nflag_first_day = 1\ncommunities_per_person = 9\n"
    )
    config = load_config(tmp_path)
    assert (config.event_per_day, config.flag_first_day, config.communities_per_person) == (
        50,
        1,
        9,
    )
    for kind in MAKERS:  # every kind has its four figures
        for figure in ("per_hour", "per_day", "first_day"):
            assert isinstance(getattr(config, f"{kind}_{figure}"), int)
        assert isinstance(gap(config, kind), float)
