"""Hostile input over SSH: payloads reach nobody, bad input loses nothing, abuse stays cheap."""

from __future__ import annotations

import asyncio
import os
import re
import shlex
import sys
import time
import unicodedata
from collections.abc import AsyncIterator
from contextlib import suppress
from pathlib import Path
from typing import Any

import asyncssh
import pytest

from bbs import passwords
from bbs.config import Config
from bbs.ssh.terminal import WRITE_BUFFER_LIMIT
from tests.ssh_support import (
    Person,
    connect,
    make_key,
    run_command,
    running_server,
    seed_small,
    wait_until,
)
from tests.test_ssh_e2e import FACTORIES

PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"

# One of every way text could steer a terminal, with a visible marker to find it by.
ESCAPES = (
    "\x1b]0;pwned\x07"  # OSC 0: window title
    "\x1b]52;c;cm0gLXJmIH4=\x07"  # OSC 52: write the clipboard
    "\x1b]8;;http://evil.example/x\x1b\\link\x1b]8;;\x1b\\"  # OSC 8 hyperlink
    "\x1b[6n\x1b[21t\x1b[999;999H\x1b[2J"  # CSI: report cursor and title, move, clear
    "\x1bP1$r0m\x1b\\"  # DCS
    "\x9b6n\x9d0;pwned\x9c"  # C1 CSI and OSC, as code points
    "\x00\x7f\u202e\u2066"  # NUL, DEL, bidi override and isolate
)
MARKUP = "[bold]B[/bold][@click=app.quit]Q[link=https://markup.example]L[/link]"
TITLE = f"T1tle{ESCAPES}{MARKUP}"
BODY = f"B0dy{ESCAPES}\n{MARKUP}\nend"
ONELINER = "0ne\x1b]0;pwned\x07\x9b6n\u202e[@click=app.quit]\x00"  # fits the 100-char field
NAME = "Nym\x1b]0;pwned\x07\u202e[@click=app.quit]\x9b6n"  # fits the 40-char field
EXEC_TITLE = f"Ex3c{ESCAPES}{MARKUP}"
EXEC_BODY = f"Ex3cbody{ESCAPES}\n{MARKUP}"

BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def paste(text: str) -> str:
    """What a terminal sends when `text` is pasted (bracketed paste)."""
    return f"{PASTE_START}{text}{PASTE_END}"


def record_raw(person: Person) -> bytearray:
    """Keep every byte the server sends this client, as well as feeding its screen."""
    raw = bytearray()
    original = person.client.data_received

    def received(data: bytes, datatype: Any) -> None:
        raw.extend(data)
        original(data, datatype)

    person.client.data_received = received  # type: ignore[method-assign]
    return raw


def assert_harmless(raw: bytes) -> None:
    """None of the payload's sequences, controls or bidi characters is in what was sent."""
    # Textual's own OSC is 22 (the mouse pointer's shape); every other OSC came from a payload.
    assert not re.search(rb"\x1b\](?!22;[a-z-]+\x07)", raw)
    for needle in (b"\x1bP", b"\x1b[6n", b"\x1b[21t", b"\x1b[999;999H", b"\x00"):
        assert needle not in raw, needle
    text = raw.decode("utf-8", "replace")
    c1 = [hex(ord(ch)) for ch in text if 0x80 <= ord(ch) <= 0x9F or ch == "\x7f"]
    assert not c1, c1
    assert not BIDI & set(text)
    assert not [ch for ch in text if unicodedata.category(ch) == "Cs"]


OPEN = "garden/general  ·"  # a thread's title line


async def open_thread(person: Person, marker: str) -> str:
    """From a community's thread list, open the thread showing `marker` (focus races aside)."""
    for keys in ("\r", "\x1b[B\r", "\x1b[A\r") * 3:
        person.send(keys)
        with suppress(AssertionError):
            await person.wait_for(lambda t: marker in t or OPEN in t, timeout=1.5)
        text = person.text
        if OPEN in text:
            person.send("\x1b")
            await person.wait_for("Active")
            if marker in text:
                return text
    raise AssertionError(f"could not open the thread showing {marker!r}")


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[tuple]:
    async with running_server(tmp_path, FACTORIES) as (ctx, port):
        seed_small(ctx)
        yield ctx, port


async def register_mallory(ctx: Any, port: int) -> tuple[Person, Any]:
    """A new key signs up with a hostile display name pasted into the form."""
    key = make_key()
    mallory = await connect(port, "mallory", key=key)
    await mallory.wait_for("Be kind")
    await mallory.typing_in("Display name:")  # the display-name field takes focus on mount
    mallory.send("\x05\x15")  # ctrl+e, ctrl+u: clear it
    await mallory.wait_for(lambda t: "mallory" not in t.split("Display name:")[1][:300])
    mallory.send(paste(NAME))
    await mallory.wait_for("Nym")
    mallory.send("\t")
    await mallory.tick("I have read and accept the rules")
    mallory.send("\t\r")
    await mallory.wait_for(lambda t: "welcome," in t and "Nym" in t)
    person = ctx.forum.person("mallory")
    ctx.forum.hub.set_membership(person.id, "garden", "member", "active")
    return mallory, key


async def open_new_thread(person: Person) -> None:
    """From the welcome screen: the directory, the garden, and its New thread composer."""
    person.send("d")
    await person.wait_for("Garden")
    person.send("\r")
    await person.wait_for("General")
    person.send("t")
    await person.wait_for("New thread in")


async def post_everything(ctx: Any, port: int) -> None:
    """Mallory pastes payloads as a one-liner, a thread title and body, and posts over exec."""
    mallory, key = await register_mallory(ctx, port)
    mallory.send("o")
    await mallory.wait_for("Your one-liner")
    mallory.send(paste(ONELINER))
    mallory.send("\r")
    await wait_until(lambda: ctx.forum.welcome(ctx.forum.person("bob")).oneliners)
    await open_new_thread(mallory)
    mallory.send(paste(TITLE))
    await mallory.wait_for("T1tle")
    await mallory.tab_to_next_field()
    mallory.send(paste(BODY))
    await mallory.wait_for("end")
    mallory.send("\x13")  # ctrl+s
    viewer = ctx.forum.person("ada")
    await mallory.wait_for(lambda t: bool(ctx.forum.threads(viewer, "garden", "general")))
    done = await run_command(
        port,
        "mallory",
        f"post garden general --title {shlex.quote(EXEC_TITLE)}",
        key=key,
        stdin=EXEC_BODY,
    )
    assert done.exit_status == 0, done.stderr
    await mallory.close()


async def test_payloads_posted_every_way_reach_another_session_as_plain_text(
    server: tuple,
) -> None:
    ctx, port = server
    await post_everything(ctx, port)
    ada = ctx.forum.person("ada")
    threads = ctx.forum.threads(ada, "garden", "general")
    assert len(threads) == 2
    name = ctx.forum.person("mallory").display_name
    assert "Nym" in name and "[@click=app.quit]" in name and name.isprintable()

    bob = await connect(port, "bob", key=make_key(ctx.forum, "bob"), size=(160, 50))
    raw = record_raw(bob)
    await bob.wait_for("welcome, Bob")
    await bob.wait_for("0ne[@click=app.quit]")  # the one-liner, markup shown as text
    bob.send("d")
    await bob.wait_for("Garden")
    bob.send("\r")
    await bob.wait_for("General")
    bob.send("\r")  # into the thread list
    await bob.wait_for("T1tle")
    await bob.wait_for("Ex3c")
    for marker in ("Ex3cbody", "B0dy"):  # open each thread: its title and its body
        text = await open_thread(bob, marker)
        assert "[@click=app.quit]" in text and "[bold]B[/bold]" in text
    bob.send("p")  # the community's members: mallory's display name
    await bob.wait_for(lambda t: "Nym" in t and t.count("[@click=app.quit]") >= 1)
    bob.send("\x1b")  # one key, one step back: members -> the community's threads
    await bob.wait_for("Active")
    bob.send("\x1b")
    await bob.wait_for("Communities")
    bob.send("\x1b")  # the app ignored every [@click=app.quit]: still here, still answering
    await bob.wait_for("One-liners")
    assert ctx.live_count == 1
    assert_harmless(bytes(raw))
    await bob.close()
    await wait_until(lambda: ctx.live_count == 0)


# bad input loses nothing -------------------------------------------------------------
def server_app(ctx: Any, handle: str) -> Any:
    """The running app of `handle`'s (only) TUI session."""
    return next(s.app for s in ctx.sessions.values() if s.handle == handle)


async def into_composer(person: Person, title: str) -> None:
    """Directory, the garden, New thread; the title typed and the focus on the body."""
    await open_new_thread(person)
    person.send(title)
    await person.wait_for(title)
    await person.tab_to_next_field()


async def echo_latency(person: Person, text: str) -> float:
    """The slowest key of `text` to show on `person`'s screen (typed into a focused field)."""
    worst = 0.0
    for i in range(1, len(text) + 1):
        started = time.monotonic()
        person.send(text[i - 1])
        await person.wait_for(text[:i], timeout=30)
        worst = max(worst, time.monotonic() - started)
    return worst


async def test_oversized_post_is_refused_with_the_limit_and_the_draft_kept(server: tuple) -> None:
    ctx, port = server
    bob = await connect(port, "bob", key=make_key(ctx.forum, "bob"))
    await bob.wait_for("welcome, Bob")
    await into_composer(bob, "Too long")
    draft = "word " * 4001
    bob.send(paste(draft))
    await bob.wait_for("word word")
    bob.send("\x13")  # ctrl+s
    await bob.wait_for("the limit is 20,000")
    body = server_app(ctx, "bob").screen.query_one("#body")
    assert body.text == draft.strip() or body.text == draft
    assert not ctx.forum.threads(ctx.forum.person("ada"), "garden", "general")
    await bob.close()


async def test_megabyte_paste_and_key_flood_stall_no_one_else(server: tuple) -> None:
    ctx, port = server
    bob = await connect(port, "bob", key=make_key(ctx.forum, "bob"))
    ada = await connect(port, "ada", key=make_key(ctx.forum, "ada"))
    await bob.wait_for("welcome, Bob")
    await ada.wait_for("welcome, Ada")
    ada.send("o")
    await ada.wait_for("Your one-liner")
    await into_composer(bob, "Huge")
    bob.send(paste("0123456789" * 100_000))  # 1 MB
    paste_wait = await echo_latency(ada, "calm")
    bob.send("\x13")  # the paste was cut at 25,000 characters, and the composer refuses it
    await bob.wait_for("The body is 25,000 characters; the limit is 20,000")
    terminal = server_app(ctx, "bob")._driver.terminal
    bob.send("x" * 200_000)  # a flood of typed keys, no paste brackets
    await wait_until(lambda: terminal.input_held, what="the flood arriving, held back")
    flood_wait = await echo_latency(ada, " still here")
    assert terminal.input_held  # SSH flow control holds the rest of the flood back
    print(
        f"\nkey echo while pasting {paste_wait:.3f} s, while flooding {flood_wait:.3f} s",
        file=sys.__stderr__,
    )
    assert paste_wait < 1.0 and flood_wait < 1.0
    bob.conn.abort()
    await wait_until(lambda: ctx.live_count == 1)
    await ada.close()


async def test_invalid_utf8_arrives_replaced_and_is_posted(server: tuple) -> None:
    ctx, port = server
    bob = await connect(port, "bob", key=make_key(ctx.forum, "bob"))
    await bob.wait_for("welcome, Bob")
    await into_composer(bob, "Bytes")
    bob.send(b"ok \xff\xfe\xc3( \xed\xa0\x80 done")
    await bob.wait_for("done")
    bob.send("\x13")
    ada = ctx.forum.person("ada")
    await wait_until(lambda: bool(ctx.forum.threads(ada, "garden", "general")))
    thread = ctx.forum.threads(ada, "garden", "general")[0]
    body = ctx.forum.read_thread(ada, "garden", thread.id).posts[0].body
    assert body.startswith("ok ") and body.endswith(" done") and "\ufffd" in body
    assert body.isprintable()
    await bob.close()


async def test_any_terminal_size_and_a_resize_storm_leave_everyone_working(server: tuple) -> None:
    ctx, port = server
    key = make_key(ctx.forum, "bob")
    ada = await connect(port, "ada", key=make_key(ctx.forum, "ada"))
    await ada.wait_for("welcome, Ada")
    for size in ((1, 1), (500, 200)):
        odd = await connect(port, "bob", key=key, size=size)
        await wait_until(lambda: any(s.handle == "bob" for s in ctx.sessions.values()))
        await odd.wait_until(lambda odd=odd: odd.client.reads >= 2, "a first frame at this size")
        await odd.close()
    bob = await connect(port, "bob", key=key, size=(1, 1))
    await wait_until(lambda: any(s.handle == "bob" for s in ctx.sessions.values()))
    for i in range(300):
        bob.resize(1 + (i * 37) % 500, 1 + (i * 17) % 200)
    bob.resize(100, 30)
    await bob.wait_for(lambda t: "welcome, Bob" in t and len(t.splitlines()[0]) == 100)
    # the client's screen is resized at once; the server's app once the last resize arrives
    await wait_until(lambda: server_app(ctx, "bob").size == (100, 30))
    ada.send("w")
    await ada.wait_for("Online", timeout=5)
    await bob.close()
    await ada.close()
    await wait_until(lambda: ctx.live_count == 0)


def rss_bytes() -> int:
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")


async def test_a_client_that_stops_reading_costs_bounded_memory(server: tuple) -> None:
    ctx, port = server
    forum = ctx.forum
    ada = await connect(port, "ada", key=make_key(forum, "ada"))
    stuck = await connect(port, "bob", key=make_key(forum, "bob"), size=(300, 100))
    await stuck.wait_for("welcome, Bob")
    await ada.wait_for("welcome, Ada")
    terminal = server_app(ctx, "bob")._driver.terminal
    stuck.chan.pause_reading()  # reads nothing more, but keeps asking for repaints
    before = rss_bytes()
    peak = 0
    for i in range(60):
        stuck.chan.change_terminal_size(300 - i % 2, 100)
        forum.add_oneliner(forum.person("ada"), f"live line {i}")
        await wait_until(lambda w=300 - i % 2: server_app(ctx, "bob").size.width == w)
        peak = max(peak, terminal.chan.get_write_buffer_size())
    grown = rss_bytes() - before
    print(
        f"\nstuck client: {terminal.frames_dropped} frames dropped, write buffer peak"
        f" {peak / 1024:.0f} KiB, RSS +{grown / 2**20:.1f} MiB",
        file=sys.__stderr__,
    )
    assert terminal.frames_dropped > 0
    assert peak <= WRITE_BUFFER_LIMIT + 2 * 2**20  # the limit plus the frame that crossed it
    assert grown < 64 * 2**20
    ada.send("w")
    await ada.wait_for("Online", timeout=5)  # others unaffected
    stuck.chan.resume_reading()  # reading again: a fresh repaint shows the latest
    await stuck.wait_for("live line 59", timeout=10)
    await stuck.close()
    await ada.close()


@pytest.mark.parametrize(
    "command",
    [
        "post garden general --title 'unbalanced",
        "frobnicate --now",
        "read " + "x" * 100_000,
        "thread garden/1 \x00\x1b]0;pwned\x07\x9b\xff\xfe",
        "".join(chr(c) for c in range(1, 256)),
    ],
    ids=["quotes", "unknown", "huge", "control", "garbage"],
)
async def test_malformed_exec_commands_get_usage_and_fail(server: tuple, command: str) -> None:
    ctx, port = server
    done = await run_command(port, "bob", command, key=make_key(ctx.forum, "bob"))
    assert done.exit_status not in (0, None)
    err = str(done.stderr)
    assert any(words in err for words in ("usage:", "ids look like", "There is no community"))
    assert "\x1b" not in err and "\x9b" not in err and "\x00" not in err


# faults and abuse ----------------------------------------------------------------------
async def test_a_crash_in_one_session_is_logged_shown_and_noticed_by_no_one_else(
    server: tuple, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx, port = server
    ada = await connect(port, "ada", key=make_key(ctx.forum, "ada"))
    await ada.wait_for("welcome, Ada")
    from screens.welcome import WelcomeScreen
    from screens.widgets.session import session_of

    show = WelcomeScreen._show

    def broken_for_bob(screen: Any, *args: Any) -> Any:
        # A bug in drawing the screen (the forum's own errors are caught and told in words)
        if session_of(screen).person.handle == "bob":
            raise RuntimeError("a bug that only bob meets")
        return show(screen, *args)

    monkeypatch.setattr(WelcomeScreen, "_show", broken_for_bob)
    bob = await connect(port, "bob", key=make_key(ctx.forum, "bob"))
    text = await bob.wait_for("something went wrong on our side")
    session_id = re.search(r"\(session(s\d+-\d+)\)", re.sub(r"\s+", "", text))
    assert session_id is not None
    assert f"session {session_id[1]}: app crashed" in caplog.text
    assert "a bug that only bob meets" in caplog.text
    await asyncio.wait_for(bob.client.closed.wait(), 10)
    ada.send("w")
    await ada.wait_for("Online", timeout=5)
    assert ctx.live_count == 1
    await ada.close()


def test_keepalives_are_configured_to_drop_a_dead_client_within_45_s() -> None:
    config = Config()
    assert 0 < config.keepalive_interval_s * config.keepalive_count_max <= 45


async def test_a_client_that_stops_answering_is_dropped_by_keepalives(tmp_path: Path) -> None:
    interval, count = 0.3, 2
    async with running_server(
        tmp_path, FACTORIES, keepalive_interval_s=interval, keepalive_count_max=count
    ) as (ctx, port):
        seed_small(ctx)
        bob = await connect(port, "bob", key=make_key(ctx.forum, "bob"))
        await bob.wait_for("welcome, Bob")
        bob.conn._transport.pause_reading()  # alive to TCP, deaf to SSH: keepalives go unanswered
        started = time.monotonic()
        await wait_until(lambda: ctx.live_count == 0, timeout=10)
        took = time.monotonic() - started
        assert took <= interval * (count + 1) + 2.0, took
        bob.conn.abort()


async def test_one_session_at_a_time_per_connection(server: tuple) -> None:
    ctx, port = server
    key = make_key(ctx.forum, "bob")
    bob = await connect(port, "bob", key=key)
    await bob.wait_for("welcome, Bob")
    with pytest.raises(asyncssh.ChannelOpenError):
        await bob.conn.run("whoami", check=False)
    assert ctx.live_count == 1
    await bob.close()
    async with await asyncssh.connect(
        "127.0.0.1", port, username="bob", client_keys=[key], known_hosts=None, agent_path=None
    ) as conn:  # one after another on one connection is fine
        for _ in range(3):
            assert (await conn.run("whoami", check=False)).exit_status == 0


async def test_wrong_password_burst_runs_off_the_loop(server: tuple) -> None:
    ctx, port = server
    forum = ctx.forum
    forum.set_password(forum.person("bob"), "correct horse battery")
    stored = forum.password_hash_of("bob")
    params = dict(p.split("=") for p in stored.split("$")[3].split(","))
    assert stored.startswith("$argon2id$") and int(params["m"]) >= 19 * 1024
    assert int(params["t"]) >= 2
    ada = await connect(port, "ada", key=make_key(forum, "ada"))
    await ada.wait_for("welcome, Ada")
    ada.send("o")
    await ada.wait_for("Your one-liner")

    async def wrong(i: int) -> bool:
        try:
            conn = await asyncssh.connect(
                "127.0.0.1",
                port,
                username="bob" if i % 2 else f"nobody{i}",
                password=f"wrong {i}",
                known_hosts=None,
                agent_path=None,
                client_keys=[],
                preferred_auth=["password"],
            )
        except (asyncssh.PermissionDenied, asyncssh.DisconnectError):
            return True
        conn.close()
        return False

    attempts = asyncio.gather(*(wrong(i) for i in range(10)))
    worst = await echo_latency(ada, "typing on")
    refused = await attempts
    print(f"\n{sum(refused)} wrong passwords refused; key echo {worst:.3f} s", file=sys.__stderr__)
    assert all(refused) and worst < 1.0
    await ada.close()


async def test_a_name_without_a_password_costs_a_verification_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    checked: list[str] = []
    real = passwords.verify_password

    def counting(stored_hash: str | None, password: str) -> bool:
        checked.append(stored_hash or "")
        return real(stored_hash, password)

    monkeypatch.setattr(passwords, "verify_password", counting)
    assert not await passwords.verify_password_async(None, "guess")
    assert checked and checked[0].startswith("$argon2id$")
