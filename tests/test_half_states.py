"""Races and half states: one key signed up twice at once, a community waiting for approval,
a notice that cannot be stored."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bbs.errors import TextError
from bbs.forum import Forum
from tests.conftest import who
from tests.ssh_support import Person, connect, make_key, running_server, seed_small
from tests.test_ssh_e2e import FACTORIES
from tests.ui_helpers import app_for, notices, on, screen_text, shows, toast

KEY = ("SHA256:the-same-new-key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB3wGY the-same")


def test_one_new_key_signed_up_twice_at_once_makes_one_account(forum: Forum) -> None:
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def sign_up(handle: str) -> None:
        start.wait()
        try:
            forum.register(handle, handle.title(), public_key=KEY)
            outcomes.append("made")
        except TextError as refused:
            outcomes.append(str(refused))

    threads = [threading.Thread(target=sign_up, args=(h,)) for h in ("fern", "fernie")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("made") == 1
    (refusal,) = [o for o in outcomes if o != "made"]
    assert "That key is taken" in refusal and "Connect again" in refusal
    owner = forum.person_by_key(KEY[0])
    assert owner is not None and owner.handle in ("fern", "fernie")
    assert forum.person("fern" if owner.handle == "fernie" else "fernie") is None  # no orphan


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[tuple]:
    async with running_server(tmp_path, FACTORIES) as (ctx, port):
        seed_small(ctx)
        yield ctx, port


async def _to_sign_up(session: Person) -> None:
    await session.wait_for("Sign up")
    await session.wait_for("Be kind")
    await session.typing_in("Display name:")  # the display-name field takes focus on mount
    session.send("\t")  # to the checkbox
    await session.tick("I have read and accept the rules")
    session.send("\t")  # to the Sign up button


async def test_two_sessions_sign_the_same_new_key_up(server: tuple) -> None:
    ctx, port = server
    key = make_key()
    first = await connect(port, "fern", key=key)
    second = await connect(port, "fernie", key=key)
    await asyncio.gather(_to_sign_up(first), _to_sign_up(second))
    first.send("\r")
    second.send("\r")
    sessions = {"fern": first, "fernie": second}
    signed_in = "welcome, fern"  # the one that won; the other is told
    await asyncio.gather(
        *(s.wait_for(lambda t: signed_in in t or "key is taken" in t) for s in sessions.values())
    )
    won = ctx.forum.person_by_key(key.get_fingerprint("sha256")).handle
    lost = "fernie" if won == "fern" else "fern"
    assert signed_in in sessions[won].text
    text = await sessions[lost].wait_for("That key is taken")
    assert "went wrong" not in text and "Sign up" in text  # still on the sign-up screen
    assert ctx.forum.person(lost) is None  # no account without its key
    await first.close()
    await second.close()


async def test_a_founders_screens_open_while_the_community_waits_for_approval(
    forum: Forum,
) -> None:
    forum.hub.set_setting("require_community_approval", "1")
    cy = who(forum, "cy")
    forum.found_community(cy, "waiting", "Waiting Room")
    forum.join(cy, "garden", accept_rules=True)
    forum.start_thread(who(forum, "bob"), "garden", "general", "News", "in garden")
    # every list that walks cy's memberships meets the pending community
    assert forum.unread_count(cy) >= 1 and forum.new_since_last_visit(cy)
    assert forum.related_communities(cy) == [] and forum.profile(cy, "cy").communities
    assert forum.upcoming_events(cy) == [] and forum.welcome(cy).new_posts >= 0
    app = app_for(forum, cy)
    async with app.run_test(size=(80, 24)) as pilot:
        await shows(pilot, "welcome, Cy")
        text = screen_text(app)
        assert "welcome, Cy" in text and "went wrong" not in text
        await pilot.press("r")  # the new scan walks the same memberships
        await shows(pilot, "News")
        assert "News" in screen_text(app)


async def test_founding_a_waiting_community_returns_to_the_welcome_screen(
    forum: Forum,
) -> None:
    from screens.found import FoundCommunityScreen
    from screens.welcome import WelcomeScreen

    forum.hub.set_setting("require_community_approval", "1")
    app = app_for(forum, who(forum, "cy"))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await shows(pilot, "Online now")
        await pilot.press("n")
        await on(pilot, FoundCommunityScreen)
        assert isinstance(app.screen, FoundCommunityScreen)
        await pilot.press(*"Waiting Room", "enter", *"waiting", "ctrl+s")
        await toast(pilot, "waits for the sysop")
        assert isinstance(app.screen, WelcomeScreen)
        assert "waits for the sysop" in notices(app)


def test_a_notice_that_cannot_be_stored_is_logged(
    forum: Forum, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    ada = who(forum, "ada")

    def failing(*args: object, **kwargs: object) -> int:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(forum.hub, "add_mail", failing)
    with caplog.at_level(logging.ERROR):
        code = forum.invite(ada, "garden", "cy")
    assert code  # the invitation stands
    (record,) = [r for r in caplog.records if "notice" in r.getMessage()]
    assert "ada" in record.getMessage() and "cy" in record.getMessage()
    assert record.exc_info is not None and "disk I/O error" in str(record.exc_info[1])
