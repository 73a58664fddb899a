"""Chat and polls over SSH, end to end: real clients on loopback, screens read through pyte.

Two people in one room on two workers (`bbs serve --workers 2`, real processes) see each
other's lines within a second; hostile text in a line reaches no other terminal as
control sequences; a moderator's hide is gone for everyone; pacing refuses a line with
its message; `chat --follow` streams, counts as a session and ends with its client; a
vote is counted once however often, and however concurrently, it is cast.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import asyncssh
import pytest

from bbs.chat.rooms import LOBBY, place
from bbs.polls.models import PollDraft
from tests.ssh_serve import Served, seed_people, serve
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
from tests.test_ssh_hostile import ESCAPES, MARKUP, assert_harmless, record_raw


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[tuple]:
    async with running_server(tmp_path, FACTORIES) as (ctx, port):
        seed_small(ctx)
        ctx.forum.register("cy", "Cy")
        yield ctx, port


async def into_room(person: Person, keys: str, title: str) -> None:
    """From the welcome screen, into a room with `keys` (c: the lobby)."""
    await person.wait_for("welcome,")
    person.send(keys)
    await person.wait_for(title)
    await asyncio.sleep(0.2)  # the line to type takes the focus as the room opens


async def type_line(person: Person, words: str) -> None:
    person.send(words + "\r")


# exec -----------------------------------------------------------------------------------
async def test_say_and_chat_print_the_room_by_exec(server: tuple) -> None:
    ctx, port = server
    key = make_key(ctx.forum, "bob")
    said = await run_command(port, "bob", "say garden", key=key, stdin="beans are up\n")
    assert said.exit_status == 0, said.stderr
    assert said.stdout.startswith("said in garden: line ")
    await run_command(port, "bob", "say garden --me", key=key, stdin="waters the beans")
    listed = await run_command(port, "guest", "chat garden")
    assert listed.exit_status == 0
    rows = listed.stdout.splitlines()
    assert re.fullmatch(r"1 \d{4}-\d\d-\d\d \d\d:\d\d bob: beans are up", rows[0])
    assert rows[1].endswith("* bob waters the beans")
    data = json.loads((await run_command(port, "guest", "chat garden --json --since 1")).stdout)
    assert [(d["id"], d["kind"], d["text"]) for d in data] == [(2, "me", "waters the beans")]


async def test_exec_refusals_say_why_and_exit_non_zero(server: tuple) -> None:
    ctx, port = server
    key = make_key(ctx.forum, "bob")
    guest = await run_command(port, "guest", "say garden", stdin="hi")
    assert guest.exit_status == 1 and "Guests can read but not speak" in guest.stderr
    lobby = await run_command(port, "guest", "chat lobby")
    assert lobby.exit_status == 1 and "The lobby is for people signed in" in lobby.stderr
    nowhere = await run_command(port, "bob", "chat nowhere", key=key)
    assert nowhere.exit_status == 1 and "no community called" in nowhere.stderr
    empty = await run_command(port, "bob", "say garden", key=key, stdin="\n")
    assert empty.exit_status == 1 and "empty" in empty.stderr
    usage = await run_command(port, "bob", "chat", key=key)
    assert usage.exit_status == 2 and "usage: chat" in usage.stderr


async def test_pacing_refuses_a_line_too_soon_with_its_message(server: tuple) -> None:
    ctx, port = server
    key = make_key(ctx.forum, "bob")  # bob signed up just now: a new account's pace
    for n in range(ctx.config.chat_new_burst):
        ok = await run_command(port, "bob", "say lobby", key=key, stdin=f"line {n}")
        assert ok.exit_status == 0, ok.stderr
    refused = await run_command(port, "bob", "say lobby", key=key, stdin="one too many")
    assert refused.exit_status == 1
    assert re.fullmatch(
        r"New accounts: one line every 3 s here \(3 at once\): you may speak again in \d s\.\n",
        refused.stderr,
    )
    said = [line.text for line in ctx.forum.chat_lines(ctx.forum.person("bob"), LOBBY)]
    assert "one too many" not in said and len(said) == ctx.config.chat_new_burst


async def test_pacing_in_the_room_says_when_and_keeps_the_line(server: tuple) -> None:
    ctx, port = server
    ctx.forum.config = replace(ctx.config, chat_new_burst=1)
    bob = await connect(port, "bob", key=make_key(ctx.forum, "bob"))
    await into_room(bob, "c", "The lobby chat")
    await type_line(bob, "first")
    await bob.wait_for("bob: first")
    await type_line(bob, "second")
    await bob.wait_for("you may speak again in")
    assert "bob: second" not in bob.text and "second" in bob.text  # still in the line
    await bob.close()


async def test_follow_streams_until_the_client_goes_and_counts_as_a_session(
    server: tuple,
) -> None:
    ctx, port = server
    forum = ctx.forum
    forum.say(forum.person("ada"), LOBBY, "before the bot came")
    key = make_key(forum, "bob")
    conn = await asyncssh.connect(
        "127.0.0.1", port, username="bob", client_keys=[key], known_hosts=None, agent_path=None
    )
    process = await conn.create_process("chat lobby --follow --json")
    first = json.loads(await asyncio.wait_for(process.stdout.readline(), 5))
    assert (first["type"], first["text"]) == ("line", "before the bot came")
    await wait_until(lambda: any(e.where == place(LOBBY) for e in ctx.presence.online()))
    forum.say(forum.person("ada"), LOBBY, "hello bot \x1b]0;pwned\x07")
    line = json.loads(await asyncio.wait_for(process.stdout.readline(), 5))
    assert line["text"] == "hello bot" and line["handle"] == "ada"
    forum.page(forum.person("ada"), LOBBY, "bob", "psst")
    page = json.loads(await asyncio.wait_for(process.stdout.readline(), 5))
    assert (page["type"], page["from"], page["text"]) == ("page", "ada", "psst")
    forum.hide_line(forum.person("ada"), LOBBY, line["id"], "Rude")
    hidden = json.loads(await asyncio.wait_for(process.stdout.readline(), 5))
    assert hidden == {"type": "hidden", "id": line["id"], "room": LOBBY}
    conn.close()
    await conn.wait_closed()
    await wait_until(lambda: not ctx.presence.online() and not ctx.sessions)


async def test_followers_hold_sessions_and_the_sixth_is_refused(server: tuple) -> None:
    ctx, port = server
    key = make_key(ctx.forum, "bob")
    conns, processes = [], []
    for _ in range(ctx.config.max_sessions_per_person):
        conn = await asyncssh.connect(
            "127.0.0.1", port, username="bob", client_keys=[key], known_hosts=None, agent_path=None
        )
        conns.append(conn)
        processes.append(await conn.create_process("chat lobby --follow"))
    await wait_until(lambda: len(ctx.sessions) == ctx.config.max_sessions_per_person)
    sixth = await run_command(port, "bob", "chat lobby --follow", key=key)
    assert sixth.exit_status == 1 and "sessions open" in sixth.stderr
    ctx.forum.say(ctx.forum.person("ada"), LOBBY, "to every bot")
    for process in processes:
        assert "ada: to every bot" in await asyncio.wait_for(process.stdout.readline(), 5)
    for conn in conns:
        conn.close()
    await wait_until(lambda: not ctx.sessions)
    again = await run_command(port, "bob", "say lobby", key=key, stdin="free again")
    assert again.exit_status == 0, again.stderr


# the room in a terminal -----------------------------------------------------------------
async def test_hostile_text_in_a_line_reaches_no_other_terminal(server: tuple) -> None:
    ctx, port = server
    bob = await connect(port, "bob", key=make_key(ctx.forum, "bob"))
    raw = record_raw(bob)
    await into_room(bob, "c", "The lobby chat")
    hostile = f"H0stile{ESCAPES}{MARKUP}"
    said = await run_command(port, "cy", "say lobby", key=make_key(ctx.forum, "cy"), stdin=hostile)
    assert said.exit_status == 0, said.stderr
    await bob.wait_for("H0stile")
    await bob.wait_for("[bold]B[/bold][@click=app.quit]Q")  # markup is shown, never read
    assert_harmless(bytes(raw))
    await bob.close()


async def test_a_moderator_hides_a_line_and_it_is_gone_for_everyone(server: tuple) -> None:
    ctx, port = server
    forum = ctx.forum
    rude = forum.say(forum.person("bob"), "garden", "a rude remark")
    forum.say(forum.person("bob"), "garden", "a kind remark")
    readers = []
    for handle in ("bob", "cy"):
        person = await connect(port, handle, key=make_key(forum, handle))
        await person.wait_for("welcome,")
        person.send("d")
        await person.wait_for("Growing things")
        person.send("\r")
        await person.wait_for("General")
        person.send("c")
        await person.wait_for("a rude remark")
        readers.append(person)
    ada = await connect(port, "ada", key=make_key(forum, "ada"))
    await ada.wait_for("welcome,")
    ada.send("d")
    await ada.wait_for("Growing things")
    ada.send("\r")
    await ada.wait_for("General")
    ada.send("c")
    await ada.wait_for(f"#{rude.id} ")
    await asyncio.sleep(0.2)
    await type_line(ada, f"/hide {rude.id} Unkind")
    await ada.wait_for("[hidden: Unkind]")
    for person in readers:
        await person.wait_for(lambda t: "a rude remark" not in t and "a kind remark" in t)
    listed = await run_command(port, "guest", "chat garden")
    assert "rude" not in listed.stdout and "a kind remark" in listed.stdout
    for person in (*readers, ada):
        await person.close()


# two workers ----------------------------------------------------------------------------
async def on_a_worker(served: Served, handle: str, key: asyncssh.SSHKey) -> tuple[Person, str]:
    """`handle` at their welcome screen, and the worker that took the connection."""
    before = len(served.log)
    person = await connect(served.port, handle, key=key)
    await person.wait_for("welcome,")
    found = re.findall(
        r"w(\d) bbs\.ssh\.connection: conn c\d+-\d+ from 127\.0\.0\.1", served.log[before:]
    )
    assert len(found) == 1, served.log[before:]
    return person, found[0]


async def test_two_people_on_two_workers_see_each_others_lines_within_a_second(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    keys = seed_people(data, "bob", "cy")
    with serve(data, workers=2) as served:
        bob, bobs = await on_a_worker(served, "bob", keys["bob"])
        for _ in range(20):  # the kernel picks the worker: until cy is on the other one
            cy, cys = await on_a_worker(served, "cy", keys["cy"])
            if cys != bobs:
                break
            await cy.close()
        assert cys != bobs, "cy never landed on the other worker"
        await into_room(bob, "c", "The lobby chat")
        await into_room(cy, "c", "The lobby chat")
        await bob.wait_for("2 here")
        for speaker, hearer, words in ((bob, cy, "hello from bob"), (cy, bob, "hi back from cy")):
            await type_line(speaker, words)
            await speaker.wait_for(f": {words}")
            started = time.monotonic()
            await hearer.wait_for(f": {words}", timeout=5)
            assert time.monotonic() - started < 1.0, time.monotonic() - started
        await bob.close()
        await cy.close()


# polls ----------------------------------------------------------------------------------
async def test_poll_and_vote_by_exec(server: tuple) -> None:
    ctx, port = server
    forum = ctx.forum
    bob, key = forum.person("bob"), make_key(forum, "bob")
    thread_id, _ = forum.start_thread(bob, "garden", "general", "Swap day", "When?")
    add = await run_command(
        port,
        "bob",
        f"poll garden/{thread_id} --add 'Which day?' --choice Saturday --choice Sunday",
        key=key,
    )
    assert add.exit_status == 0, add.stderr
    voted = await run_command(port, "bob", f"vote garden/{thread_id} 2", key=key)
    assert voted.exit_status == 0, voted.stderr
    assert re.search(r"\* 2\. Sunday\s+#+\s+1\s+100%", voted.stdout)
    shown = json.loads((await run_command(port, "guest", f"poll garden/{thread_id} --json")).stdout)
    assert [c["votes"] for c in shown["choices"]] == [0, 1] and shown["voters"] == 1
    guest = await run_command(port, "guest", f"vote garden/{thread_id} 1")
    assert guest.exit_status == 1 and "Guests" in guest.stderr
    bad = await run_command(port, "bob", f"vote garden/{thread_id} 1 2", key=key)
    assert bad.exit_status == 1 and "one choice" in bad.stderr


async def test_a_vote_cast_at_once_over_many_sessions_is_counted_once(server: tuple) -> None:
    ctx, port = server
    forum = ctx.forum
    forum.config = replace(forum.config, vote_per_hour=0)
    bob, key = forum.person("bob"), make_key(forum, "bob")
    thread_id, _ = forum.start_thread(bob, "garden", "general", "Plots", "Size?")
    forum.add_poll(bob, "garden", thread_id, PollDraft("Size?", ("Small", "Large")))
    results = await asyncio.gather(
        *(
            run_command(port, "bob", f"vote garden/{thread_id} {1 + n % 2}", key=key)
            for n in range(5)
        )
    )
    assert all(r.exit_status == 0 for r in results), [r.stderr for r in results]
    poll = forum.poll(bob, "garden", thread_id)
    assert poll is not None and poll.voters == 1 and sum(c.votes for c in poll.choices) == 1


async def test_a_follower_banned_from_the_community_is_let_go(server: tuple) -> None:
    ctx, port = server
    forum = ctx.forum
    key = make_key(forum, "bob")
    conn = await asyncssh.connect(
        "127.0.0.1", port, username="bob", client_keys=[key], known_hosts=None, agent_path=None
    )
    process = await conn.create_process("chat garden --follow")
    await wait_until(lambda: bool(ctx.sessions))
    forum.ban_member(forum.person("ada"), "garden", "bob", "Spam")
    done = await asyncio.wait_for(process.wait(), 5)
    assert done.exit_status == 1 and "only readable by its members" in done.stderr
    conn.close()
    await wait_until(lambda: not ctx.sessions)
