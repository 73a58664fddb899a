"""Pilot tests for chat: the room's screen, its /commands, its refusals, and the counts of who
is in each room on the welcome screen and the directory."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from textual.pilot import Pilot

from bbs.chat.rooms import LOBBY, place
from bbs.forum import Forum
from screens.app import BBSApp
from screens.chat import ChatScreen
from screens.widgets.chat_log import ChatLog
from screens.widgets.forum_call import ErrorLine
from screens.widgets.quiet import QuietInput
from tests.conftest import who
from tests.ui_helpers import frames_sent, idle, screen_text, settle, terminal_of, toast, until
from tests.ui_waits import app_for


def log_text(app: BBSApp) -> str:
    return app.screen.query_one(ChatLog).text


def error_text(app: BBSApp) -> str:
    line = app.screen.query_one(ErrorLine)
    return str(line.render()) if line.display else ""


async def open_room(pilot: Pilot[None], room: str) -> None:
    pilot.app.push_screen(ChatScreen(room))
    await until(pilot, lambda: isinstance(pilot.app.screen, ChatScreen))
    await settle(pilot)


async def say(pilot: Pilot[None], words: str) -> None:
    await pilot.press(*words)
    await pilot.press("enter")


async def test_c_on_the_welcome_screen_opens_the_lobby_and_lines_arrive_live(forum: Forum) -> None:
    forum.say(who(forum, "ada"), LOBBY, "said before you came")
    app = app_for(forum, "bob")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await until(pilot, lambda: "said before you came" in log_text(app))
        assert "The lobby chat" in screen_text(app)
        await say(pilot, "hello everyone")
        await until(pilot, lambda: "bob: hello everyone" in log_text(app))
        assert app.screen.query_one(QuietInput).value == ""
        forum.say(who(forum, "cy"), LOBBY, "hi bob")  # someone else, on the same bus
        await until(pilot, lambda: "cy: hi bob" in log_text(app))
        assert [line.text for line in forum.chat_lines(who(forum, "cy"), LOBBY)][-2:] == [
            "hello everyone",
            "hi bob",
        ]


async def test_c_on_a_community_opens_its_room(forum: Forum) -> None:
    from screens.community import CommunityScreen

    forum.say(who(forum, "bob"), "garden", "beans are up")
    app = app_for(forum, "bob")
    async with app.run_test(size=(80, 24)) as pilot:
        CommunityScreen.open(app, "garden")
        await settle(pilot)
        await pilot.press("c")
        await until(pilot, lambda: "beans are up" in log_text(app))
        assert "Garden chat" in screen_text(app)


async def test_me_who_and_a_mention_marked_without_colour(forum: Forum) -> None:
    app = app_for(forum, "bob")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_room(pilot, LOBBY)
        await say(pilot, "/me waves")
        await until(pilot, lambda: "* bob waves" in log_text(app))
        await say(pilot, "/who")
        await until(pilot, lambda: "In the room (1): bob" in log_text(app))
        forum.say(who(forum, "cy"), LOBBY, "@bob look at this")
        await until(pilot, lambda: "cy: @bob look at this" in log_text(app))
        line = next(row for row in log_text(app).splitlines() if "look at this" in row)
        assert line.startswith("»")  # a mark a monochrome screen shows
        assert "» " not in next(row for row in log_text(app).splitlines() if "waves" in row)
        assert "1 here: bob" in screen_text(app)


async def test_help_lists_the_commands_and_an_unknown_one_is_refused(forum: Forum) -> None:
    app = app_for(forum, "bob")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_room(pilot, LOBBY)
        await say(pilot, "/help")
        await until(pilot, lambda: "/msg HANDLE TEXT" in log_text(app))
        assert "/hide ID REASON" not in log_text(app)  # for moderators
        await say(pilot, "/dance")
        await until(pilot, lambda: "There is no command /dance" in error_text(app))
        assert app.screen.query_one(QuietInput).value == "/dance"  # kept
        app.screen.query_one(QuietInput).value = ""
        await say(pilot, "//slash at the start")
        await until(pilot, lambda: "bob: /slash at the start" in log_text(app))


async def test_too_soon_is_refused_with_when_and_the_line_is_kept(forum: Forum) -> None:
    forum.config = replace(forum.config, chat_interval_s=60.0, chat_burst=2)
    app = app_for(forum, "bob")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_room(pilot, LOBBY)
        for n in range(2):
            await say(pilot, f"line {n}")
            await until(pilot, lambda n=n: f"bob: line {n}" in log_text(app))
        await say(pilot, "one too many")
        await until(pilot, lambda: "you may speak again in" in error_text(app))
        assert "One line every 60 s here (2 at once)" in error_text(app)
        assert app.screen.query_one(QuietInput).value == "one too many"
        assert "one too many" not in log_text(app)


async def test_a_guest_reads_an_open_room_but_may_not_speak(forum: Forum) -> None:
    forum.say(who(forum, "bob"), "garden", "welcome, readers")
    app = app_for(forum, "guest")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "c Chat" not in screen_text(app)  # the lobby is for people signed in
        await open_room(pilot, "garden")
        assert "welcome, readers" in log_text(app)
        assert "Guests can read but not speak" in error_text(app)
        await say(pilot, "let me in")
        await until(pilot, lambda: error_text(app).count("Guests can read but not speak") == 1)
        await settle(pilot)
        assert "let me in" not in log_text(app)
        assert forum.chat_lines(who(forum, "bob"), "garden")[-1].text == "welcome, readers"


async def test_a_non_member_is_told_to_join_and_the_lobby_refuses_guests(forum: Forum) -> None:
    app = app_for(forum, "cy")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_room(pilot, "garden")
        assert "Join Garden to speak in its room." in error_text(app)
    guest = app_for(forum, "guest")
    async with guest.run_test(size=(80, 24), notifications=True) as pilot:
        guest.push_screen(ChatScreen(LOBBY))
        await until(pilot, lambda: not isinstance(guest.screen, ChatScreen))
        await toast(pilot, "The lobby is for people signed in")


async def test_a_moderator_hides_a_line_and_it_is_gone_for_everyone(forum: Forum) -> None:
    rude = forum.say(who(forum, "bob"), "garden", "something rude")
    forum.say(who(forum, "bob"), "garden", "something kind")
    cy, ada = app_for(forum, "cy"), app_for(forum, "ada")
    async with cy.run_test(size=(80, 24)) as cy_pilot:
        await open_room(cy_pilot, "garden")
        assert "something rude" in log_text(cy) and f"#{rude.id}" not in log_text(cy)
        async with ada.run_test(size=(80, 24)) as pilot:
            await open_room(pilot, "garden")
            assert f"#{rude.id} " in log_text(ada)  # moderators see the ids
            await say(pilot, f"/hide {rude.id} Unkind")
            await until(pilot, lambda: "[hidden: Unkind]" in log_text(ada))
        await until(cy_pilot, lambda: "something rude" not in log_text(cy))
        assert "something kind" in log_text(cy)
    assert forum.moderation_log(who(forum, "bob"), "garden")[0].reason == "Unkind"


async def test_hide_refused_to_those_who_do_not_moderate(forum: Forum) -> None:
    line = forum.say(who(forum, "ada"), "garden", "mine")
    app = app_for(forum, "bob")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_room(pilot, "garden")
        await say(pilot, f"/hide {line.id} no")
        await until(pilot, lambda: "Only its moderators can do that" in error_text(app))


async def test_a_muted_person_is_told_until_when(forum: Forum) -> None:
    app = app_for(forum, "bob")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_room(pilot, "garden")
        forum.mute_in_room(who(forum, "ada"), "garden", "bob", 15, "Cool off")
        await until(pilot, lambda: "you are muted until" in screen_text(app))
        await say(pilot, "but why")
        await until(pilot, lambda: "A moderator muted you in this room until" in error_text(app))


async def test_moderators_mute_from_the_room(forum: Forum) -> None:
    app = app_for(forum, "ada")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_room(pilot, "garden")
        await say(pilot, "/mute bob 10 Shouting")
        await until(pilot, lambda: "bob is muted here until" in log_text(app))
        assert forum.chat_room(who(forum, "bob"), "garden").silenced_until is not None
        await say(pilot, "/unmute bob")
        await until(pilot, lambda: "bob may speak here again" in log_text(app))


async def test_a_blocked_persons_lines_do_not_reach_the_one_who_blocked_them(
    forum: Forum,
) -> None:
    forum.block(who(forum, "bob"), "cy")
    app = app_for(forum, "bob")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_room(pilot, LOBBY)
        forum.say(who(forum, "cy"), LOBBY, "from cy")
        forum.say(who(forum, "ada"), LOBBY, "from ada")
        await until(pilot, lambda: "from ada" in log_text(app))
        assert "from cy" not in log_text(app)


async def test_a_page_reaches_the_person_in_a_room_and_is_refused_for_one_elsewhere(
    forum: Forum,
) -> None:
    app = app_for(forum, "bob")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_room(pilot, LOBBY)
        forum.page(who(forum, "cy"), LOBBY, "bob", "psst, over here")
        await until(pilot, lambda: "[page from cy] psst, over here" in log_text(app))
        await say(pilot, "/msg cy are you there")
        await until(pilot, lambda: "cy is not in a chat room now" in error_text(app))
        app.session.presence.arrive("s-cy", "cy", place("garden"))  # cy's own session
        app.screen.query_one(QuietInput).value = ""
        await say(pilot, "/msg cy are you there")
        await until(pilot, lambda: "[page to cy] are you there" in log_text(app))


async def test_away_and_mute_the_room_for_oneself(forum: Forum) -> None:
    app = app_for(forum, "bob")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_room(pilot, LOBBY)
        await say(pilot, "/away lunch")
        await until(pilot, lambda: "You are away" in log_text(app))
        assert app.session.where == "lobby (chat, away: lunch)"
        await say(pilot, "/who")
        await until(pilot, lambda: "bob (away: lunch)" in log_text(app))
        await say(pilot, "back now")  # speaking is being back
        await until(pilot, lambda: "You are back." in log_text(app))
        assert app.session.where == "lobby (chat)"
        await until(pilot, lambda: app.screen.query_one(QuietInput).value == "", "the line said")
        await say(pilot, "/mute")
        await until(pilot, lambda: "muted by you" in screen_text(app))
        assert LOBBY in forum.muted_rooms(who(forum, "bob"))


async def test_hostile_text_in_a_line_is_shown_as_the_characters_it_is(forum: Forum) -> None:
    app = app_for(forum, "bob")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_room(pilot, LOBBY)
        forum.say(who(forum, "cy"), LOBBY, "[@click=app.quit]press[/] [bold]x[/bold] \x1b[31mred")
        await until(pilot, lambda: "[@click=app.quit]press[/]" in log_text(app))
        assert "[bold]x[/bold] red" in log_text(app)
        assert app.is_running


async def test_the_welcome_screen_and_the_directory_count_who_is_in_each_room(
    forum: Forum,
) -> None:
    from screens.directory import DirectoryScreen

    app = app_for(forum, "bob")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "The lobby: 0 people" in screen_text(app)
        app.session.presence.arrive("s-cy", "cy", place(LOBBY))
        app.session.presence.arrive("s-ada", "ada", place(LOBBY, "tea"))
        app.session.presence.arrive("s-ada2", "ada", place("garden"))
        await until(pilot, lambda: "The lobby: 2 people" in screen_text(app))
        assert "Garden: 1 person" in screen_text(app)
        DirectoryScreen.open(app)
        await until(pilot, lambda: "Chat" in screen_text(app) and "Growing" in screen_text(app))
        garden = next(row for row in screen_text(app).splitlines() if "Growing" in row)
        assert garden.rstrip().endswith("1")
        app.session.presence.arrive("s-cy2", "cy", place("garden"))
        await until(
            pilot,
            lambda: (
                next(r for r in screen_text(app).splitlines() if "Growing" in r)
                .rstrip()
                .endswith("2")
            ),
        )


async def test_lines_said_in_another_process_arrive_on_every_transport(
    forum: Forum, elsewhere: Forum
) -> None:
    """One mechanism everywhere: the live bus, here, over the relay and over NATS (the
    community's room on its community's subject, the lobby board-wide)."""
    app = app_for(forum, "bob")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_room(pilot, "garden")
        elsewhere.say(who(elsewhere, "ada"), "garden", "from another process")
        await until(pilot, lambda: "ada: from another process" in log_text(app))
        app.screen.dismiss()
        await open_room(pilot, LOBBY)
        elsewhere.say(who(elsewhere, "cy"), LOBBY, "the lobby is board-wide")
        await until(pilot, lambda: "cy: the lobby is board-wide" in log_text(app))


async def test_a_ban_takes_someone_out_of_the_room_at_once(forum: Forum) -> None:
    app = app_for(forum, "bob")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_room(pilot, "garden")
        forum.ban_member(who(forum, "ada"), "garden", "bob", "Spam")
        await until(pilot, lambda: not isinstance(app.screen, ChatScreen))
        await toast(pilot, "Garden is only readable by its members.")


@pytest.fixture
def answered(forum: Forum, monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """The forum says a line only once this is set: the line stays on its way till then."""
    event = threading.Event()
    say_now = forum.say

    def slow_say(*args: object, **kwargs: object) -> object:
        event.wait(10)
        return say_now(*args, **kwargs)

    monkeypatch.setattr(forum, "say", slow_say)
    return event


async def test_what_is_typed_while_a_line_is_on_its_way_stays_in_the_field(
    forum: Forum, answered: threading.Event
) -> None:
    app = app_for(forum, "bob")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_room(pilot, LOBBY)
        await say(pilot, "back now")
        await pilot.press(*"/mute")  # typed on before the forum has answered
        field = app.screen.query_one(QuietInput)
        assert field.value == "back now/mute"
        answered.set()
        await until(pilot, lambda: "bob: back now" in log_text(app))
        await until(pilot, lambda: field.value == "/mute", "the said line taken off the front")
        assert "back now/mute" not in log_text(app)


async def test_enter_pressed_while_a_line_is_on_its_way_says_what_follows_once_it_has_gone(
    forum: Forum, answered: threading.Event
) -> None:
    app = app_for(forum, "bob")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_room(pilot, LOBBY)
        await say(pilot, "first line")
        await say(pilot, " second line")  # typed and sent on before the first has gone
        answered.set()
        await until(pilot, lambda: "bob: second line" in log_text(app), "the second line said")
        lines = [line for line in log_text(app).splitlines() if "bob:" in line]
        assert [line.split("bob: ")[1] for line in lines] == ["first line", "second line"]
        assert app.screen.query_one(QuietInput).value == ""


def moved_rows(update: object) -> int:
    """How many rows a frame had the terminal move (0: none; drawn the usual way)."""
    prefix = getattr(update, "prefix", "")
    return prefix.count("\x1bD")


def rows_drawn(update: object) -> set[int]:
    """The screen rows a frame draws from the left edge (not only the scroll bar's cells)."""
    chops = getattr(update, "update", update)
    return {y for y, x1, _x2 in getattr(chops, "spans", []) if x1 == 0}


async def test_lines_arriving_leave_the_terminal_as_a_full_redraw_would(
    forum: Forum, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At the bottom of a full log a line moves the rows above it up on the terminal and is
    drawn alone; what the frames add up to is the whole screen, also once the oldest lines
    are forgotten (KEEP) and for a line that wraps."""
    monkeypatch.setattr("screens.widgets.chat_log.KEEP", 40)
    forum.config = replace(forum.config, chat_interval_s=0.0)
    cy = who(forum, "cy")
    for n in range(30):  # more than the log shows: it follows the newest at its bottom
        forum.say(cy, LOBBY, f"said before {n}")
    app = app_for(forum, "bob")
    updates = frames_sent(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_room(pilot, LOBBY)
        await until(pilot, lambda: "said before 29" in log_text(app))
        await idle(pilot)
        for n in range(14):  # past KEEP: the oldest go as new ones come
            before = len(updates)
            words = f"line {n}." + (" and on" * 14 if n == 5 else "")  # line 5 wraps: 2 rows
            forum.say(cy, LOBBY, words)
            await until(pilot, lambda n=n: f"cy: line {n}." in log_text(app))
            await idle(pilot)
            frames = updates[before:]
            assert [moved_rows(frame) for frame in frames] == [2 if n == 5 else 1]
            assert len(rows_drawn(frames[0])) == (2 if n == 5 else 1)  # the new rows alone
        assert "said before 0" not in log_text(app)  # forgotten: KEEP lines at most
        full = app.screen._compositor.render_update(full=True)
        assert terminal_of(updates) == terminal_of([full])
        assert "cy: line 13" in screen_text(app)


async def test_lines_arriving_in_a_log_that_fits_draw_their_rows_alone(forum: Forum) -> None:
    """A room with a few lines: each new one is drawn below the others, alone (no layout,
    no whole screen), until the log is full and then scrolls; what the frames add up to is
    the whole screen."""
    forum.config = replace(forum.config, chat_interval_s=0.0)
    cy = who(forum, "cy")
    forum.say(cy, LOBBY, "said before 0")
    app = app_for(forum, "bob")
    updates = frames_sent(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_room(pilot, LOBBY)
        await until(pilot, lambda: "said before 0" in log_text(app))
        await idle(pilot)
        log = app.screen.query_one(ChatLog)
        drawn_alone = 0
        for n in range(log.size.height + 2):  # past full: the last ones scroll
            before, fitted = len(updates), log.virtual_size.height < log.size.height
            forum.say(cy, LOBBY, f"line {n}.")
            await until(pilot, lambda n=n: f"cy: line {n}." in log_text(app))
            await idle(pilot)
            frames = updates[before:]
            if fitted and log.virtual_size.height <= log.size.height:
                row = log.region.y + log.virtual_size.height - 1
                assert [rows_drawn(frame) for frame in frames] == [{row}]
                drawn_alone += 1
        assert drawn_alone == log.size.height - 1
        assert log.scroll_y == log.max_scroll_y > 0
        full = app.screen._compositor.render_update(full=True)
        assert terminal_of(updates) == terminal_of([full])


async def test_a_toast_over_the_log_gets_the_whole_log_repainted(
    forum: Forum, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows cannot move under something drawn over them: then the log is drawn whole, and
    the terminal still shows what a full redraw would."""
    forum.config = replace(forum.config, chat_interval_s=0.0)
    cy = who(forum, "cy")
    for n in range(30):
        forum.say(cy, LOBBY, f"said before {n}")
    app = app_for(forum, "bob")
    updates = frames_sent(app)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_room(pilot, LOBBY)
        await until(pilot, lambda: "said before 29" in log_text(app))
        app.notify("A toast\nover\nthe\nlog", timeout=30)  # tall: up over the log's rows
        await toast(pilot, "A toast over the log")
        await idle(pilot)
        before = len(updates)
        forum.say(cy, LOBBY, "under the toast")
        await until(pilot, lambda: "cy: under the toast" in log_text(app))
        await idle(pilot)
        assert [moved_rows(frame) for frame in updates[before:]] == [0]
        full = app.screen._compositor.render_update(full=True)
        assert terminal_of(updates) == terminal_of([full])
