"""SSH end to end: the real server on loopback, asyncssh clients, screens read through pyte."""

from __future__ import annotations

import asyncio
import gc
import random
import sys
import weakref
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bbs.cli import ui_factories
from bbs.forum import Forum
from tests.ssh_support import connect, make_key, running_server, seed_small, wait_until

FACTORIES = ui_factories()  # what `bbs serve` hands the server


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[tuple]:
    async with running_server(tmp_path, FACTORIES) as (ctx, port):
        seed_small(ctx)
        yield ctx, port


@pytest.fixture
def forum(server: tuple) -> Forum:
    """The server's forum (for `elsewhere`: the live tests write from another process too)."""
    return server[0].forum


async def test_known_key_goes_straight_in_and_sessions_count_back(server: tuple) -> None:
    ctx, port = server
    key = make_key(ctx.forum, "bob")
    bob = await connect(port, "bob", key=key)
    await bob.wait_for("welcome, Bob")
    assert ctx.live_count == 1
    assert [e.handle for e in ctx.presence.online()] == ["bob"]
    app_ref = weakref.ref(ctx.sessions[next(iter(ctx.sessions))].app)
    await bob.close()
    await wait_until(lambda: ctx.live_count == 0)
    await wait_until(lambda: not ctx.presence.online())
    assert sys.stdout is sys.__stdout__ or "PrintCapture" not in type(sys.stdout).__name__
    # A settled session's objects are frozen; once no one types, the closed app is reclaimed.
    await wait_until(lambda: ctx.collector.full_collections >= 1)
    # collected once nothing holds it: collect until it is gone
    await wait_until(lambda: gc.collect() >= 0 and app_ref() is None, what="the app collected")
    assert app_ref() is None, gc.get_referrers(app_ref())[:3]


async def test_guest_reads_without_auth(server: tuple) -> None:
    ctx, port = server
    guest = await connect(port, "guest")
    text = await guest.wait_for("Guest")
    assert "Online now" in text
    await guest.close()
    await wait_until(lambda: ctx.live_count == 0)


async def test_new_key_registers_through_the_tui_then_goes_straight_in(server: tuple) -> None:
    ctx, port = server
    key = make_key()
    new = await connect(port, "newbie", key=key)
    await new.wait_for("Sign up")
    await new.wait_for("Be kind")
    await new.typing_in("Display name:")  # the display-name field takes focus on mount
    new.send("\x05\x15")  # ctrl+e, ctrl+u: clear it (a binding: let it run first)
    await new.wait_for(lambda t: "newbie" not in t.split("Display name:")[1][:300])
    new.send("Newbie Person")  # ctrl+u clears the display name, then type one
    new.send("\t")  # to the checkbox
    await new.tick("I have read and accept the rules")
    new.send("\t\r")  # the Sign up button
    await new.wait_for("welcome, Newbie Person")
    assert ctx.forum.person_by_key(key.get_fingerprint("sha256")).handle == "newbie"
    await new.close()
    again = await connect(port, "newbie", key=key)
    await again.wait_for("welcome, Newbie Person")
    await again.close()
    await wait_until(lambda: ctx.live_count == 0)


async def test_registration_refused_without_accepting_rules(server: tuple) -> None:
    ctx, port = server
    new = await connect(port, "carla", key=make_key())
    await new.wait_for("Sign up")
    new.send("\t\t\r")  # skip the checkbox, press Sign up
    await new.wait_for("tick the box")
    assert ctx.forum.person("carla") is None
    new.send("\x1b")
    await asyncio.wait_for(new.client.closed.wait(), 5)


async def test_live_oneliner_and_reply_reach_other_sessions(
    server: tuple, elsewhere: Forum
) -> None:
    ctx, port = server
    forum = ctx.forum
    ada = forum.person("ada")
    thread_id, post_id = forum.start_thread(
        ada, "garden", "general", "Tomato blight", "Anyone else?"
    )
    bob = await connect(port, "bob", key=make_key(forum, "bob"))
    ada_s = await connect(port, "ada", key=make_key(forum, "ada"))
    await bob.wait_for("welcome, Bob")
    await ada_s.wait_for("welcome, Ada")
    elsewhere.add_oneliner(ada, "hello from ada's session")
    await bob.wait_for("hello from ada", timeout=1.5)
    # bob opens the thread: directory, the garden, its thread
    bob.send("d")
    await bob.wait_for("Garden")
    bob.send("\r")
    await bob.wait_for("Tomato blight")
    await bob.press_until_lit("\r", "Tomato blight")  # the board: its threads take the focus
    bob.send("\r")
    await bob.wait_for("Anyone else?")
    elsewhere.reply(ada, "garden", post_id, "Yes, mine too: copper spray helped")
    await bob.wait_for("copper spray", timeout=1.5)
    await bob.close()
    await ada_s.close()
    await wait_until(lambda: ctx.live_count == 0)


async def test_resize_garbage_and_abrupt_disconnect_leave_others_working(server: tuple) -> None:
    ctx, port = server
    key = make_key(ctx.forum, "bob")
    calm = await connect(port, "bob", key=key)
    noisy = await connect(port, "bob", key=key, size=(100, 30))
    await calm.wait_for("welcome, Bob")
    await noisy.wait_for("welcome, Bob")
    noisy.resize(60, 20)
    await noisy.wait_for(
        lambda t: t.splitlines()[0].rstrip().endswith("BBS") or len(t.splitlines()) == 20
    )
    noisy.resize(120, 40)
    await noisy.wait_for(lambda t: len(t.splitlines()[0]) == 120 and "welcome, Bob" in t)
    rng = random.Random(7)
    junk = [bytes(rng.randrange(256) for _ in range(200)) for _ in range(10)]
    junk += [b"\x1b[", b"\x1b[<999;", b"\xff\xfe\xc3", b"\x1b]0;x", b"\x1b\x1b\x1b", b"\x1bO"]
    for chunk in junk:
        noisy.send(chunk)
    await noisy.wait_for(lambda t: "welcome, Bob" not in t)  # the junk is being chewed
    noisy.conn.abort()  # gone mid-screen, no goodbye
    calm.send("w")  # who's online still answers in the other session
    await calm.wait_for("Online")
    await wait_until(lambda: ctx.live_count == 1)
    late = await connect(port, "guest")
    await late.wait_for("Guest")
    await late.close()
    await calm.close()
    await wait_until(lambda: ctx.live_count == 0)


async def test_arrow_keys_and_lone_escape_arrive(server: tuple) -> None:
    ctx, port = server
    bob = await connect(port, "bob", key=make_key(ctx.forum, "bob"))
    await bob.wait_for("welcome, Bob")
    bob.send("d")
    await bob.wait_for("Garden")
    bob.send("\x1b[B")
    bob.send("\x1b[A")
    bob.send("\x1b")  # lone ESC: back to the welcome screen, needs the parser's tick
    await bob.wait_for(lambda t: "One-liners" in t)
    await bob.close()


async def test_monochrome_and_256_colour_terminals_get_a_readable_screen(server: tuple) -> None:
    ctx, port = server
    key = make_key(ctx.forum, "bob")
    for term, env in (("vt100", {}), ("xterm-256color", {}), ("xterm", {"NO_COLOR": "1"})):
        raw = bytearray()
        s = await connect(port, "bob", key=key, term=term, env=env)
        original = s.client.data_received
        s.client.data_received = lambda data, dt, o=original, r=raw: (r.extend(data), o(data, dt))
        await s.wait_for("welcome, Bob")
        s.send("w")
        await s.wait_for("Online")
        if term != "xterm-256color":
            assert b"38;5;" not in raw and b"38;2;" not in raw, term
        else:
            assert b"38;2;" not in raw
        await s.close()
    await wait_until(lambda: ctx.live_count == 0)


async def test_a_lone_escape_arrives_at_once(
    server: tuple, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Escape (Back) is not held for Textual's escape delay: set to 60 s here, it would hang."""
    from textual import constants

    monkeypatch.setattr(constants, "ESCAPE_DELAY", 60.0)
    ctx, port = server
    guest = await connect(port, "guest")
    await guest.wait_for("Online now")
    guest.send("d")
    await guest.wait_for("Communities")
    guest.send("\x1b")
    await guest.wait_for(lambda t: "Online now" in t, timeout=5)
    await guest.close()
    await wait_until(lambda: ctx.live_count == 0)
