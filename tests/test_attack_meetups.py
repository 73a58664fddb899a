"""Attacks on meetups: times and zones nothing can show, bad rows already stored, cancelling
and deleting, and the .ics every calendar must be able to read back."""

from __future__ import annotations

import logging
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

import icalendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bbs.actions.meetups import AHEAD_S, PAST_GRACE_S
from bbs.errors import Forbidden, NotFound, TextError
from bbs.forum import Forum
from bbs.models import GUEST
from screens.meetups import MeetupScreen, MeetupsScreen, NewMeetupScreen, detail_text
from screens.widgets.meetup_lines import upcoming_text
from tests.conftest import who
from tests.test_commands_life import run
from tests.ui_helpers import app_for, idle, notices, on, screen_text, shows, toast
from tests.when import in_days


def raw_event(forum: Forum, slug: str, **values: object) -> int:
    """Write an event row straight into the file, as an older version or a hand edit could."""
    row = {
        "title": "Raw",
        "starts_at": time.time() + 86_400,
        "tz": "UTC",
        "place": "x",
        "description": "",
        "author_id": who(forum, "ada").id,
        "author": "ada",
        "created": time.time(),
        **values,
    }
    conn = sqlite3.connect(forum.data_dir / "communities" / f"{slug}.db")
    with conn:
        cur = conn.execute(
            f"INSERT INTO events({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})",
            tuple(row.values()),
        )
    conn.close()
    return int(cur.lastrowid or 0)


def good_event(forum: Forum, title: str = "Seed swap") -> int:
    bob = who(forum, "bob")
    return forum.create_event(bob, "garden", title, in_days(3), "Europe/London", "The shed")


# what a person may enter ------------------------------------------------------------
@pytest.mark.parametrize(
    ("when", "words"),
    [
        ("9999-12-31 23:00", "five years"),
        ("2020-01-01 10:00", "passed"),
        ("0001-01-01 00:00", "passed"),
    ],
)
def test_a_time_nothing_can_show_is_refused_before_it_is_stored(
    forum: Forum, when: str, words: str
) -> None:
    with pytest.raises(TextError, match=words):
        forum.create_event(who(forum, "bob"), "garden", "Far", when, "America/New_York", "x")
    assert forum.store("garden").events(0, 0, 100) == []


@pytest.mark.parametrize(
    "zone", ["Europe", "a" * 300, "../etc/passwd", "UTC\x00", "localtime", "posixrules", "", " "]
)
def test_a_zone_that_is_not_a_zone_is_refused_in_words(forum: Forum, zone: str) -> None:
    with pytest.raises(TextError, match="not a time zone"):
        forum.create_event(who(forum, "bob"), "garden", "Walk", in_days(2), zone, "x")


def test_a_zone_is_kept_as_iana_spells_it(forum: Forum) -> None:
    event_id = forum.create_event(
        who(forum, "bob"), "garden", "Walk", in_days(2), " europe/london ", "x"
    )
    assert forum.event(who(forum, "bob"), "garden", event_id).event.tz == "Europe/London"


def test_a_time_the_clocks_skip_is_refused(forum: Forum) -> None:
    forum.clock = lambda: datetime(2027, 3, 1, tzinfo=UTC).timestamp()
    with pytest.raises(TextError, match="does not exist in Europe/London"):
        forum.create_event(
            who(forum, "bob"), "garden", "Walk", "2027-03-28 01:30", "Europe/London", "x"
        )


async def test_a_bad_zone_in_the_form_keeps_the_session_and_the_draft(forum: Forum) -> None:
    app = app_for(forum, who(forum, "bob"))
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(NewMeetupScreen("garden"))
        await on(pilot, NewMeetupScreen)
        form = app.screen
        form.query_one("#title").value = "Bee walk"
        form.query_one("#when").value = in_days(5, "10:00")
        form.query_one("#tz").value = "Europe"  # a folder of zones: it ended the session
        await pilot.press("ctrl+s")
        await shows(pilot, "not a time zone")
        assert app.is_running and app.screen is form
        assert "not a time zone" in screen_text(app)
        assert form.query_one("#title").value == "Bee walk"
        assert form.query_one("#when").value == in_days(5, "10:00")
        assert form.query_one("#tz").value == "Europe"
    assert forum.events(who(forum, "bob"), "garden") == []


# rows already stored that cannot be shown -----------------------------------------------
BAD_EVENTS = [
    {"starts_at": 1e300},  # far past year 9999
    {"starts_at": 4e11},  # year 14,645: upcoming, and past every calendar
    {"tz": "Mars/Olympus"},
    {"tz": "Europe"},
    {"starts_at": "soon"},  # text sorts after every number: always "upcoming"
    {"title": b"\x00\xff"},  # a BLOB where words belong
]


def bad_rows(forum: Forum) -> list[int]:
    return [raw_event(forum, "garden", **values) for values in BAD_EVENTS]


@pytest.mark.backends("sqlite")  # rows of the wrong type: only SQLite's loose typing keeps them
async def test_welcome_shows_the_rest_when_an_event_cannot_be_shown(
    forum: Forum, caplog: pytest.LogCaptureFixture
) -> None:
    good_event(forum)
    bad_rows(forum)
    caplog.set_level(logging.WARNING)
    for handle in ("bob", "ada", "bob"):  # several people, several views
        app = app_for(forum, who(forum, handle))
        async with app.run_test(size=(100, 30)) as pilot:
            await shows(pilot, "Seed swap", "events could not be shown")
            text = screen_text(app)
            assert "Sorry" not in text and "Seed swap" in text, text
            assert "4 events could not be shown" in text, text  # of the first five
    logged = [r.getMessage() for r in caplog.records if "cannot show event" in r.getMessage()]
    assert len(logged) == len(set(logged)) == 4  # once each, not per person per view
    assert not any(r.exc_info for r in caplog.records)


@pytest.mark.backends("sqlite")  # rows of the wrong type: only SQLite's loose typing keeps them
async def test_the_events_screen_shows_the_rest(forum: Forum) -> None:
    good_event(forum)
    bad_rows(forum)
    app = app_for(forum, GUEST)
    async with app.run_test(size=(100, 24)) as pilot:
        app.push_screen(MeetupsScreen("garden"))
        await shows(pilot, "Seed swap", "events could not be shown")
        text = screen_text(app)
        assert "Seed swap" in text and f"{len(BAD_EVENTS)} events could not be shown" in text


@pytest.mark.backends("sqlite")  # rows of the wrong type: only SQLite's loose typing keeps them
def test_events_and_ics_for_guests_survive_a_bad_row(forum: Forum) -> None:
    good = good_event(forum)
    bad = bad_rows(forum)
    listed = run(forum, GUEST, "events garden")
    assert listed.status == 0 and "Seed swap" in listed.stdout
    assert f"{len(BAD_EVENTS)} events could not be shown" in listed.stderr
    assert run(forum, GUEST, "events garden --json").status == 0
    assert "BEGIN:VEVENT" in run(forum, GUEST, f"ics garden/e{good}").stdout
    for event_id in bad:
        refused = run(forum, GUEST, f"ics garden/e{event_id}")
        assert refused.status == 1 and "cannot be shown" in refused.stderr
        assert run(forum, who(forum, "bob"), f"rsvp garden/e{event_id} going").status == 1


# cancelling and deleting --------------------------------------------------------------
def test_the_author_cancels_and_it_stays_only_for_those_who_answered(forum: Forum) -> None:
    bob, ada, cy = who(forum, "bob"), who(forum, "ada"), who(forum, "cy")
    event_id = good_event(forum)
    forum.rsvp(ada, "garden", event_id, "going")
    forum.cancel_event(bob, "garden", event_id, "Rain")
    (kept,) = forum.events(ada, "garden")
    assert kept.cancelled and kept.cancel_reason == "Rain"
    assert forum.events(bob, "garden") == [] and forum.events(GUEST, "garden") == []
    assert [e.title for e in forum.upcoming_events(ada)] == ["Seed swap"]
    with pytest.raises(Forbidden, match="cancelled"):
        forum.rsvp(ada, "garden", event_id, "maybe")
    (entry, *_) = forum.moderation_log(ada, "garden")
    assert (entry.actor, entry.action, entry.reason) == ("bob", "cancel event", "Rain")
    ics = forum.event_ics(cy, "garden", event_id)
    (vevent,) = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert vevent["STATUS"] == "CANCELLED"


def test_only_the_author_and_moderators_may_cancel_or_delete(forum: Forum) -> None:
    event_id = forum.create_event(who(forum, "ada"), "garden", "Ada's walk", in_days(3), "UTC", "x")
    for person in (who(forum, "bob"), who(forum, "cy"), GUEST):
        for act in (forum.cancel_event, forum.delete_event):
            with pytest.raises(Forbidden):
                act(person, "garden", event_id, "mine now")
    bob_event = good_event(forum, "Bob's swap")
    with pytest.raises(TextError, match="reason"):  # a moderator says why, in the public log
        forum.delete_event(who(forum, "ada"), "garden", bob_event, "")
    forum.delete_event(who(forum, "ada"), "garden", bob_event, "Spam")
    with pytest.raises(NotFound):
        forum.event(who(forum, "bob"), "garden", bob_event)
    entry = forum.moderation_log(who(forum, "bob"), "garden")[0]
    assert (entry.action, entry.reason) == ("delete event", "Spam") and "by bob" in entry.target


def test_cancel_and_delete_by_exec(forum: Forum) -> None:
    bob, cy = who(forum, "bob"), who(forum, "cy")
    event_id = good_event(forum)
    refused = run(forum, cy, f"cancel-event garden/e{event_id}")
    assert refused.status == 1 and "Only the person who planned" in refused.stderr
    done = run(forum, bob, f"cancel-event garden/e{event_id} --reason 'Too wet'")
    assert done.status == 0 and f"garden/e{event_id}: cancelled" in done.stdout
    assert "STATUS:CANCELLED" in run(forum, bob, f"ics garden/e{event_id}").stdout
    assert run(forum, bob, f"delete-event garden/e{event_id}").status == 0
    assert run(forum, bob, f"ics garden/e{event_id}").status == 1


async def test_cancel_from_the_event_screen_with_a_reason(forum: Forum) -> None:
    event_id = good_event(forum)
    forum.rsvp(who(forum, "ada"), "garden", event_id, "going")
    app = app_for(forum, who(forum, "bob"))
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        app.push_screen(MeetupsScreen("garden"))
        await shows(pilot, "Seed swap")
        await pilot.press("enter")
        await on(pilot, MeetupScreen, "Cancel event")
        assert isinstance(app.screen, MeetupScreen) and "Cancel event" in screen_text(app)
        await pilot.press("c")
        await shows(pilot, "Enter: confirm")
        await pilot.press(*"Storm warning", "enter")
        await shows(pilot, "CANCELLED: Storm warning")
        await toast(pilot, "Cancelled")
        assert "CANCELLED: Storm warning" in screen_text(app)
        assert "Cancelled" in notices(app)
    assert forum.event(who(forum, "ada"), "garden", event_id).event.cancelled


async def test_members_see_no_cancel_key_on_others_events(forum: Forum) -> None:
    event_id = forum.create_event(who(forum, "ada"), "garden", "Walk", in_days(3), "UTC", "x")
    app = app_for(forum, who(forum, "bob"))
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(MeetupScreen("garden", event_id))
        await on(pilot, MeetupScreen, "Walk")
        assert "Cancel event" not in screen_text(app)
        await pilot.press("c")
        await idle(pilot)  # the key handled, nothing left to run: nothing was cancelled
        assert not forum.event(who(forum, "bob"), "garden", event_id).event.cancelled


# every time one may enter shows everywhere and exports ----------------------------------
ZONES = sorted(available_timezones() - {"localtime", "posixrules", "Factory"})


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    ahead=st.floats(min_value=-PAST_GRACE_S + 60, max_value=AHEAD_S - 86_400),
    zone=st.sampled_from(ZONES),
)
def test_any_time_one_can_enter_shows_everywhere_and_parses_back(
    forum: Forum, ahead: float, zone: str
) -> None:
    now = forum.clock()
    local = datetime.fromtimestamp(now + ahead, ZoneInfo(zone))
    when = f"{local:%Y-%m-%d %H:%M}"
    try:
        event_id = forum.create_event(who(forum, "bob"), "garden", "Any", when, zone, "x")
    except TextError as error:  # the hour the clocks skip, or the window's very edges
        assert "does not exist" in str(error) or "passed" in str(error) or "five" in str(error)
        return
    detail = forum.event(who(forum, "bob"), "garden", event_id)
    assert f"{local:%H:%M}" in detail_text(detail).plain
    assert zone in upcoming_text([detail.event]).plain
    assert run(forum, GUEST, "events garden").status == 0
    exported = run(forum, GUEST, f"ics garden/e{event_id}")
    (vevent,) = icalendar.Calendar.from_ical(exported.stdout).walk("VEVENT")
    assert vevent.decoded("DTSTART").timestamp() == detail.event.starts_at
    assert vevent.decoded("DTEND") - vevent.decoded("DTSTART") == timedelta(hours=2)
    assert str(vevent["SUMMARY"]) == "Any"
    forum.delete_event(who(forum, "bob"), "garden", event_id)


def test_text_that_ics_must_escape_parses_back(forum: Forum) -> None:
    title = "Swap; bring jars, seeds \\ and 種"
    place = "Shed, row 3; by the gate"
    description = "Line one\nLine two, with ; and , and \\" + "x" * 200
    event_id = forum.create_event(
        who(forum, "bob"), "garden", title, in_days(2), "Asia/Tokyo", place, description
    )
    text = forum.event_ics(GUEST, "garden", event_id)
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    (vevent,) = icalendar.Calendar.from_ical(text).walk("VEVENT")
    assert (str(vevent["SUMMARY"]), str(vevent["LOCATION"])) == (title, place)
    assert str(vevent["DESCRIPTION"]).startswith(description)
    assert vevent["STATUS"] == "CONFIRMED"


async def test_a_part_of_the_welcome_page_that_fails_leaves_the_rest(
    forum: Forum, monkeypatch: pytest.MonkeyPatch
) -> None:
    good_event(forum)

    def broken() -> list[object]:
        raise RuntimeError("one-liners table damaged")

    monkeypatch.setattr(forum, "oneliners", broken)
    app = app_for(forum, who(forum, "bob"))
    async with app.run_test(size=(100, 30)) as pilot:
        await shows(pilot, "one-liners: could not be shown", "Seed swap")
        text = screen_text(app)
        assert "one-liners: could not be shown" in text and "Seed swap" in text
        assert "welcome, Bob" in text
