"""Chat and polls in plain mode over SSH: read a room, say a line, /who, leave; see a poll
and vote. What others say arrives as text, between what one types; nothing else is sent."""

from __future__ import annotations

from bbs.chat.rooms import LOBBY, people_in
from bbs.polls.models import PollDraft
from tests.ssh_support import make_key, wait_until
from tests.test_plain_ssh import assert_only_text, open_plain, server  # noqa: F401
from tests.test_ssh_hostile import ESCAPES, MARKUP


async def test_two_people_chat_line_by_line(server: tuple) -> None:  # noqa: F811
    ctx, port = server
    forum = ctx.forum
    forum.say(forum.person("ada"), LOBBY, "said before anyone came")
    bob = await open_plain(port, "bob", key=make_key(forum, "bob"))
    await bob.wait_for("Main menu> ")
    await bob.say("chat", "Chat rooms: 2 rooms.")
    text = await bob.say("1", "The lobby chat> ")
    assert "The chat room of The lobby: 1 person here (bob)." in text
    assert "said before anyone came" in text
    fern = await open_plain(port, "fern", key=make_key(forum, "fern"), term=None)
    await fern.wait_for("Main menu> ")
    await fern.say("chat lobby", "The lobby chat> ")
    await fern.say("hello bob", "(said)")
    await bob.wait_for("fern: hello bob")  # arrived while bob typed nothing
    await bob.say("/who", "In the room, 2 people: bob, fern.")
    await bob.say("/me waves", "(said)")
    await fern.wait_for("* bob waves")
    await bob.say("@fern the frost is coming", "(said)")
    await fern.wait_for("bob (mentions you): @fern the frost is coming")
    await bob.say("/leave", "Chat rooms> ")
    await wait_until(
        lambda: "bob" not in [p.handle for p in people_in(ctx.presence.online(), LOBBY)]
    )
    forum.say(forum.person("ada"), LOBBY, "after bob left")
    await fern.wait_for("ada: after bob left")
    await bob.say("main", "Main menu> ")
    assert "after bob left" not in bob.since_mark()
    await bob.say("quit", "Goodbye.")
    await fern.close()
    assert_only_text(bytes(bob.session.raw))
    assert_only_text(bytes(fern.session.raw))


async def test_hostile_text_from_a_room_reaches_plain_mode_as_text(server: tuple) -> None:  # noqa: F811
    ctx, port = server
    forum = ctx.forum
    bob = await open_plain(port, "bob", key=make_key(forum, "bob"))
    await bob.wait_for("Main menu> ")
    await bob.say("chat garden", "Garden chat> ")
    forum.say(forum.person("fern"), "garden", f"H0stile{ESCAPES}{MARKUP}")
    await bob.wait_for("H0stile")
    await bob.wait_for("[@click=app.quit]Q")
    assert_only_text(bytes(bob.session.raw))
    await bob.close()


async def test_refusals_are_said_and_the_line_is_not(server: tuple) -> None:  # noqa: F811
    ctx, port = server
    guest = await open_plain(port, "guest", term=None)
    await guest.wait_for("Main menu> ")
    await guest.say("chat lobby", "The lobby is for people signed in")
    await guest.say("chat garden", "Garden chat> ")
    text = await guest.say("let me in", "Your line was not said.")
    assert "Guests can read but not speak" in text
    await guest.close()
    cy = await open_plain(port, "cy", key=make_key(ctx.forum, "cy"))
    await cy.wait_for("Main menu> ")
    text = await cy.say("chat garden", "Garden chat> ")
    assert "Join Garden to speak in its room." in text
    await cy.say("/leave", "Main menu> ")
    await cy.close()
    bob = await open_plain(port, "bob", key=make_key(ctx.forum, "bob"), term=None)
    await bob.wait_for("Main menu> ")
    await bob.say("chat lobby", "The lobby chat> ")
    for n in range(ctx.config.chat_burst):
        await bob.say(f"line {n}", f"bob: line {n}")
    text = await bob.say("one too many", "Your line was not said.")
    assert "you may speak again in" in text
    await bob.close()


async def test_a_poll_seen_and_voted_on_in_plain_mode(server: tuple) -> None:  # noqa: F811
    ctx, port = server
    forum = ctx.forum
    ada = forum.person("ada")
    thread = forum.threads(ada, "garden", "general")[0]
    forum.add_poll(ada, "garden", thread.id, PollDraft("Hazel or bamboo?", ("Hazel", "Bamboo")))
    forum.vote(ada, "garden", thread.id, [1])
    bob = await open_plain(port, "bob", key=make_key(forum, "bob"))
    await bob.wait_for("Main menu> ")
    await bob.say("communities", "Communities> ")
    await bob.say("1", "Garden> ")
    await bob.say("1", "General> ")
    text = await bob.say("1", "Post 1 of 2> ")
    assert "It has a poll, Hazel or bamboo?: type poll to see it and vote." in text
    text = await bob.say("poll", "Poll> ")
    assert "1 person has voted; one choice; open." in text
    assert "1 Hazel: 1 vote, 100 percent" in text and "2 Bamboo: no votes, 0 percent" in text
    text = await bob.say("2", "Poll> ")
    assert "Your vote is counted." in text
    assert "2 Bamboo: 1 vote, 50 percent, your vote" in text
    await bob.say("back", "Post 1 of 2> ")
    await bob.close()
    assert_only_text(bytes(bob.session.raw))
    poll = forum.poll(forum.person("bob"), "garden", thread.id)
    assert poll is not None and poll.mine == {2}
