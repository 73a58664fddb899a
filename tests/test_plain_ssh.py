"""Plain mode over a real SSH session: the transcript is text and line endings, nothing else.

Driven with asyncssh clients, with a pty (`ssh -t host plain`, TERM=dumb) and without
(a script of commands on stdin), typing only what a screen-reader user types: numbers,
words, lines of text and a closing dot.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncssh
import pytest

from bbs.models import Role
from tests.ssh_support import connect, make_key, running_server, seed_small, wait_until
from tests.test_ssh_e2e import FACTORIES


class Transcript(asyncssh.SSHClientSession):  # type: ignore[type-arg]
    """Every byte the server sends, kept as it came."""

    def __init__(self) -> None:
        self.raw = bytearray()
        self.changed = asyncio.Event()
        self.closed = asyncio.Event()
        self.status: int | None = None

    def data_received(self, data: bytes, datatype: Any) -> None:
        self.raw += data
        self.changed.set()

    def exit_status_received(self, status: int) -> None:
        self.status = status

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed.set()


class Plain:
    """One plain-mode session as a person has it: lines typed, a transcript read."""

    def __init__(self, conn: Any, chan: Any, session: Transcript, pty: bool) -> None:
        self.conn, self.chan, self.session, self.pty = conn, chan, session, pty
        self.mark = 0

    @property
    def text(self) -> str:
        return self.session.raw.decode("utf-8", "replace").replace("\r\n", "\n")

    def since_mark(self) -> str:
        return self.session.raw[self.mark :].decode("utf-8", "replace").replace("\r\n", "\n")

    def type(self, line: str) -> None:
        """A line and Enter (the Enter key on a pty, a newline on a pipe)."""
        self.mark = len(self.session.raw)
        self.chan.write((line + ("\r" if self.pty else "\n")).encode())

    async def wait_for(self, what: str, timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        while what not in self.since_mark():
            left = deadline - time.monotonic()
            if left <= 0 or self.session.closed.is_set() and what not in self.since_mark():
                raise AssertionError(f"no {what!r} in:\n{self.since_mark()[-3000:]}")
            self.session.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.session.changed.wait(), min(left, 0.2))
        return self.since_mark()

    async def say(self, line: str, then: str) -> str:
        """Type a line, wait for `then` in what comes back."""
        self.type(line)
        return await self.wait_for(then)

    async def close(self) -> None:
        self.conn.close()
        await self.conn.wait_closed()


async def open_plain(
    port: int,
    username: str,
    *,
    key: asyncssh.SSHKey | None = None,
    term: str | None = "xterm-256color",
    command: str | None = "plain",
    env: dict[str, str] | None = None,
) -> Plain:
    """`ssh -t host plain` (term given) or `ssh host plain` (term None)."""
    conn = await asyncssh.connect(
        "127.0.0.1",
        port,
        username=username,
        known_hosts=None,
        agent_path=None,
        client_keys=[key] if key else [],
    )
    options: dict[str, Any] = {"encoding": None, "env": env or {}}
    if term is not None:
        options.update(term_type=term, term_size=(80, 24))
    chan, session = await conn.create_session(Transcript, command, **options)
    return Plain(conn, chan, session, term is not None)


def assert_only_text(raw: bytes, also: str = "") -> None:
    """Nothing but printable text and line endings: no escape, control, bidi or box drawing.

    `also`: on TERM=dumb asyncssh's line editor echoes a typed line by backspacing over it
    and writing it again (it has no cursor movement there); that is its echo, not ours.
    """
    text = raw.decode("utf-8")  # strict: what we send is UTF-8
    odd = sorted({ch for ch in text if not (ch.isprintable() or ch in "\r\n" + also)})
    assert odd == [], odd
    assert not any("\u2500" <= ch <= "\u259f" for ch in text), "box drawing or blocks"
    assert not any(ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069" for ch in text)


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[tuple]:
    async with running_server(tmp_path, FACTORIES) as (ctx, port):
        seed_small(ctx)
        forum = ctx.forum
        ada, bob = forum.person("ada"), forum.person("bob")
        forum.hub.update_person(bob.id, created=time.time() - 90 * 86_400)
        fern = forum.register("fern", "Fern")
        forum.hub.set_membership(fern.id, "garden", "member", "active")
        forum.register("cy", "Cy")  # not a member of anything yet
        forum.set_bulletin(ada, "**Frost** on Friday: fleece the beans.")
        forum.add_oneliner(ada, "tomatoes survived")
        _, root = forum.start_thread(ada, "garden", "general", "Bean poles", "Hazel or *bamboo*?")
        forum.reply(forum.person("fern"), "garden", root, "Hazel: see [how](https://ex.org/h).")
        yield ctx, port


async def test_plain_over_a_pty_is_text_and_line_endings_only(server: tuple) -> None:
    ctx, port = server
    bob = await open_plain(port, "bob", key=make_key(ctx.forum, "bob"))
    await bob.wait_for("Main menu> ")
    assert "Welcome to The Commons BBS, Bob." in bob.text and "Frost on Friday" in bob.text
    assert "tomatoes survived" in bob.text and "2 new posts since your last visit" in bob.text
    assert ctx.live_count == 1 and [e.handle for e in ctx.presence.online()] == ["bob"]
    await bob.say("2", "Communities> ")
    await bob.say("1", "Garden> ")
    await bob.say("1", "General> ")
    text = await bob.say("1", "Post 1 of 2> ")
    assert "Garden, board General, thread 1 of 1: Bean poles. 2 posts, 2 new." in text
    assert "post 1 of 2, by ada, just now, new\nHazel or bamboo?" in text
    text = await bob.say("", "Post 2 of 2> ")  # Enter reads on
    assert "post 2 of 2, by fern, replying to ada, just now, new" in text
    assert "Hazel: see how (https://ex.org/h)." in text
    await bob.say("back", "General> ")
    await bob.say("main", "Main menu> ")
    await bob.say("quit", "Goodbye.")
    await asyncio.wait_for(bob.session.closed.wait(), 5)
    assert bob.session.status == 0
    assert_only_text(bytes(bob.session.raw))
    await wait_until(lambda: ctx.live_count == 0 and not ctx.presence.online())


async def test_every_main_menu_choice_is_reachable_by_number(server: tuple) -> None:
    ctx, port = server
    reached = {
        "1": "New since your last visit",
        "2": "Communities: 1 community",
        "3": "Search for: ",
        "4": "Mail: ",
        "5": "Upcoming meetups in your communities",
        "6": "One-liners, newest first.",
        "7": "Chat rooms: 2 rooms.",
        "8": "Your profile, Bob (@bob).",
        "9": "What you can type here:",
        "10": "Goodbye.",
    }
    bob = await open_plain(port, "bob", key=make_key(ctx.forum, "bob"))
    menu = await bob.wait_for("Main menu> ")
    for number in reached:
        assert f"  {number} " in menu
    for number, heading in reached.items():
        await bob.say(number, heading)
        if number == "3":
            await bob.say("hazel", "Search for hazel: 2 posts found")
        if number != "10":
            await bob.say("main", "Main menu> ")
    await asyncio.wait_for(bob.session.closed.wait(), 5)
    assert_only_text(bytes(bob.session.raw))
    guest = await open_plain(port, "guest", term=None)
    menu = await guest.wait_for("Main menu> ")
    assert "Mail" not in menu.split("Main menu.")[1]  # a guest's menu offers what they may do
    await guest.say("1", "Garden")  # a guest's first choice: the communities
    await guest.close()


async def test_community_and_meetup_menus_by_number(server: tuple) -> None:
    ctx, port = server
    forum = ctx.forum
    ada = forum.person("ada")
    forum.create_event(ada, "garden", "Seed swap", "2031-05-03 14:00", "Europe/London", "Library")
    cy = await open_plain(port, "cy", key=make_key(forum, "cy"), term=None)
    await cy.wait_for("Main menu> ")
    menu = await cy.say("communities", "Communities> ")
    assert "Garden (open, 3 members): Growing things" in menu
    menu = await cy.say("1", "Garden> ")
    assert "  1 Board General" in menu and "  2 The rules" in menu and "  3 Join" in menu
    await cy.say("2", "The rules of this community:")
    await cy.say("3", "Do you accept these rules?")
    text = await cy.say("yes", "Garden> ")
    assert "Welcome: you are a member of Garden." in text and "  3 Leave" in text
    assert forum.member_role(forum.person("cy"), "garden") is not None
    await cy.say("4", "Upcoming meetups of garden: 1 meetup")
    text = await cy.say("1", "Meetup> ")
    assert "Saturday 3 May 2031 at 14:00 (Europe/London)" in text and "Where: Library." in text
    await cy.say("1", "You said going.")
    assert forum.event(ada, "garden", 1).answered("going") == ["cy"]
    await cy.say("2", "You said maybe.")
    await cy.close()


async def test_dumb_and_unset_terminals_get_plain_mode_on_their_own(server: tuple) -> None:
    ctx, port = server
    key = make_key(ctx.forum, "bob")
    dumb = await open_plain(port, "bob", key=key, term="dumb", command=None)  # ssh -t, TERM=dumb
    await dumb.wait_for("This is plain mode")
    await dumb.say("quit", "Goodbye.")
    assert_only_text(bytes(dumb.session.raw), also="\b")
    unset = await open_plain(port, "bob", key=key, term="", command=None)  # TERM unset
    await unset.wait_for("This is plain mode")
    await unset.close()
    piped = await open_plain(port, "bob", key=key, term=None, command=None)  # ssh -T: no pty
    await piped.wait_for("Main menu> ")
    piped.chan.write(b"2\n")
    piped.chan.write_eof()  # the end of the script: the session ends by itself
    await asyncio.wait_for(piped.session.closed.wait(), 5)
    assert "Communities: 1 community" in piped.text and piped.text.endswith("Goodbye.\n")
    assert piped.session.status == 0
    assert "\r" not in piped.session.raw.decode()  # no pty: plain newlines


async def test_a_screen_reader_session_reads_replies_and_mails_by_script(server: tuple) -> None:
    """Only what a screen-reader user types, as a script on stdin (`ssh host plain < it`)."""
    ctx, port = server
    forum = ctx.forum
    script = "\n".join(
        [
            "new",  # the new scan first
            "2",  # the second new post: fern's
            "reply",
            "Hazel it is.",
            "Thank you, @fern!",
            ".",
            "main",
            "mail",
            "write fern",
            "Poles",  # the subject
            "Shall I bring some hazel on Saturday?",
            ".",
            "1",  # the conversation just started
            "quit",
        ]
    )
    async with asyncssh.connect(
        "127.0.0.1",
        port,
        username="bob",
        known_hosts=None,
        agent_path=None,
        client_keys=[make_key(forum, "bob")],
    ) as conn:
        done = await conn.run("plain", input=script + "\n", check=False)
    out = done.stdout
    assert done.exit_status == 0, done.stderr
    assert "New since your last visit: 2 posts" in out
    assert "post 2 of 2, by fern, replying to ada" in out
    assert "Sent: your reply is post 3 of 3." in out
    assert "Sent to fern." in out and "message 1 of 1, from bob to fern" in out
    thread = forum.read_thread(forum.person("ada"), "garden", 1)
    assert thread.posts[-1].author == "bob" and thread.posts[-1].body == (
        "Hazel it is.\nThank you, @fern!"
    )
    fern_mail = forum.inbox(forum.person("fern"))
    assert {c.subject for c in fern_mail} >= {"Poles"}
    assert any(c.kind == "mention" for c in fern_mail)  # the forum's own rules ran
    assert_only_text(out.encode())


async def test_a_refused_reply_is_kept_until_sent_or_dropped(tmp_path: Path) -> None:
    async with running_server(tmp_path, FACTORIES, post_interval_s=60) as (ctx, port):
        seed_small(ctx)
        forum = ctx.forum
        bob = forum.person("bob")
        forum.hub.update_person(bob.id, created=time.time() - 90 * 86_400)
        forum.start_thread(forum.person("ada"), "garden", "general", "Beans", "Poles?")
        s = await open_plain(port, "bob", key=make_key(forum, "bob"))
        await s.wait_for("Main menu> ")
        for line in ("2", "1", "1", "1", "reply", "First.", "."):
            s.type(line)
        await s.wait_for("Sent: your reply is post 2 of 2.")
        for line in ("reply", "Second, too soon.", "."):
            s.type(line)
        text = await s.wait_for("Your text is kept")
        assert "try again in" in text  # the forum's own words
        await s.say("show", "Second, too soon.")
        await s.say("drop", "Dropped your reply to")
        assert len(forum.read_thread(bob, "garden", 1).posts) == 2
        await s.close()


async def test_a_hostile_post_renders_inert(server: tuple) -> None:
    ctx, port = server
    forum = ctx.forum
    hostile = (
        "\x1b[2J\x1b]0;pwned\x07\x1b]8;;https://evil.example\x07click\x1b]8;;\x07 "
        "\u202eevil\u202c \x9b31m [bold red]loud[/] [@click=app.quit]quit[/] "
        "[run](javascript:alert(1)) <script>alert(2)</script>"
    )
    # written straight into the store, as a row from before the cleaning rules would be
    _, post_id = forum.start_thread(forum.person("ada"), "garden", "general", "Odd", "plain")
    forum.store("garden").edit_post(post_id, hostile, time.time())
    bob = await open_plain(port, "bob", key=make_key(forum, "bob"))
    await bob.wait_for("Main menu> ")
    await bob.say("search loud", "Search> ")
    text = (await bob.say("1", "Post 1 of 1> ")).replace("\n", " ")  # as one line, unwrapped
    assert "[bold red]loud[/] [@click=app.quit]quit[/]" in text  # markup shown as text
    assert "javascript:alert(1)" in text and "<script>alert(2)</script>" in text
    await bob.say("quit", "Goodbye.")
    assert_only_text(bytes(bob.session.raw))
    assert b"\x1b" not in bob.session.raw and "\u202e" not in bob.text


async def test_the_line_editor_is_asyncssh_s_on_a_pty(server: tuple) -> None:
    """Echo and editing come from asyncssh's line editor: a typo erased, Ctrl+C, history."""
    ctx, port = server
    bob = await open_plain(port, "bob", key=make_key(ctx.forum, "bob"), term="dumb")
    await bob.wait_for("Main menu> ")
    bob.mark = len(bob.session.raw)
    bob.chan.write(b"2x\x7f\r")  # a typo and Backspace: the server edits the line
    text = await bob.wait_for("Communities> ")
    assert text.startswith("2x\b") and "\x1b" not in text  # echoed; x rubbed out by backspace
    bob.mark = len(bob.session.raw)
    bob.chan.write(b"\x03")
    await bob.wait_for("(Type back to go up a level, or quit to leave.)")
    bob.mark = len(bob.session.raw)
    bob.chan.write(b"\x10\r")  # Ctrl+P: the last line ("2") again, from the editor's history
    await bob.wait_for("Choose 1 to 1.")  # 2 in a list of one community
    await bob.close()


async def test_profile_preference_gives_plain_mode_until_switched_off(server: tuple) -> None:
    ctx, port = server
    forum = ctx.forum
    key = make_key(forum, "bob")
    forum.update_profile(forum.person("bob"), plain_mode=True)
    s = await open_plain(port, "bob", key=key, command=None)  # ssh -t host: a usual terminal
    await s.wait_for("This is plain mode")
    text = await s.say("profile", "Profile> ")
    assert "  1 Plain mode at each sign-in: on" in text
    text = await s.say("1", "Profile> ")
    assert "Plain mode at each sign-in: off" in text
    assert not forum.prefers_plain(forum.person("bob"))
    await s.close()
    tui = await connect(port, "bob", key=key)
    await tui.wait_for("welcome, Bob")  # the full-screen TUI again
    await tui.close()
    await wait_until(lambda: ctx.live_count == 0)


async def test_a_new_key_signs_up_in_plain_mode_with_the_rules(server: tuple) -> None:
    ctx, port = server
    forum = ctx.forum
    key = make_key()
    s = await open_plain(port, "newbie", key=key, term=None)
    await s.wait_for("Handle, how others address you")
    await s.say("", "Display name")
    text = await s.say("Newbie Person", "Do you accept the rules?")
    assert "Be kind." in text
    text = await s.say("yes", "Main menu> ")
    assert "You are signed up as newbie." in text and "Welcome to The Commons BBS, Newbie" in text
    assert forum.person_by_key(key.get_fingerprint("sha256")).handle == "newbie"
    await s.close()
    refused = await open_plain(port, "carla", key=make_key(), term=None)
    await refused.wait_for("Handle")
    for line in ("", "", "no"):
        refused.type(line)
    await refused.wait_for("You did not sign up")
    await asyncio.wait_for(refused.session.closed.wait(), 5)
    assert forum.person("carla") is None


async def test_long_lists_page_and_idle_plain_sessions_time_out(tmp_path: Path) -> None:
    async with running_server(tmp_path, FACTORIES, idle_timeout_s=3, idle_warning_s=2) as (
        ctx,
        port,
    ):
        seed_small(ctx)
        forum = ctx.forum
        ada = forum.person("ada")
        forum.hub.update_person(ada.id, role=str(Role.SYSOP))
        for n in range(12):
            forum.start_thread(ada, "garden", "general", f"Thread {n:02}", "x " * 400)
        s = await open_plain(port, "bob", key=make_key(forum, "bob"))
        await s.wait_for("Main menu> ")
        for line in ("2", "1"):
            s.type(line)
        text = await s.say("1", "General> ")
        assert "(page 1 of 2)" in text and "  10 " in text and "  11 " not in text
        assert "Type more for the next 10." in text
        text = await s.say("more", "General> ")
        assert "  11 Thread 01" in text and "  12 Thread 00" in text
        await s.wait_for("Still there?", timeout=10)
        await s.wait_for("Disconnected: nothing typed for a while.", timeout=10)
        await asyncio.wait_for(s.session.closed.wait(), 5)
        await wait_until(lambda: ctx.live_count == 0)


async def test_new_thread_edit_one_liner_and_profile_by_words_and_numbers(server: tuple) -> None:
    ctx, port = server
    forum = ctx.forum
    bob = await open_plain(port, "bob", key=make_key(forum, "bob"), term=None)
    await bob.wait_for("Main menu> ")
    for line in ("communities", "1", "1"):
        bob.type(line)
    await bob.wait_for("General> ")
    await bob.say("post", "Title of the new thread: ")
    await bob.say("Frost cloth", "End it with a line holding only a dot")
    for line in ("Fleece or *straw*?", "Both work."):
        bob.type(line)
    text = await bob.say(".", "Post 1 of 1> ")
    assert "Your thread is started: Frost cloth." in text
    assert "Garden, board General: Frost cloth. 1 post, 0 new." in text
    await bob.say("edit", "Your post reads now:")
    await bob.say("Fleece, pegged down.", "")
    text = await bob.say(".", "Saved.")
    threads = forum.threads(forum.person("ada"), "garden", "general")
    frost = next(t for t in threads if t.title == "Frost cloth")
    assert forum.read_thread(forum.person("ada"), "garden", frost.id).posts[0].body == (
        "Fleece, pegged down."
    )
    await bob.say("main", "Main menu> ")
    await bob.say("6", "One-liners, newest first.")
    await bob.say("1", "Your one-liner: ")
    await bob.say("first frost tonight", "It is on the wall.")
    assert forum.oneliners()[0].text == "first frost tonight"
    await bob.say("main", "Main menu> ")
    await bob.say("8", "Profile> ")
    await bob.say("2", "Display name: ")
    text = await bob.say("Bob of the Beans", "Profile> ")
    assert "Your profile, Bob of the Beans (@bob)." in text
    assert forum.person("bob").display_name == "Bob of the Beans"
    await bob.say("quit", "Goodbye.")
    assert_only_text(bytes(bob.session.raw))
