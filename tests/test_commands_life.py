"""Exec commands for community life, run through the same parser and executor as over SSH."""

from __future__ import annotations

import json

from bbs.commands import CommandContext, Result, UsageError, execute, parse
from bbs.forum import Forum
from bbs.models import Person
from tests.conftest import who
from tests.when import in_days


def run(forum: Forum, viewer: Person, line: str, stdin: str = "") -> Result:
    try:
        spec, args = parse(line)
    except UsageError as error:  # the SSH channel exits 2 with this on stderr
        return Result(2, stderr=str(error))
    return execute(spec, args, CommandContext(forum, viewer, stdin))


def test_found_join_and_rules(forum: Forum) -> None:
    bob, cy = who(forum, "bob"), who(forum, "cy")
    out = run(forum, bob, "found knit --name Knitters --visibility request --json", "Be kind.")
    assert out.status == 0 and json.loads(out.stdout) == {"slug": "knit", "status": "active"}
    shown = run(forum, cy, "join knit")
    assert shown.status == 3 and "Be kind." in shown.stdout and "--accept-rules" in shown.stdout
    joined = run(forum, cy, "join knit --accept-rules --json")
    assert json.loads(joined.stdout)["status"] == "requested"


def test_mail_and_inbox(forum: Forum) -> None:
    bob, ada = who(forum, "bob"), who(forum, "ada")
    assert run(forum, bob, "mail ada --subject Hi", "hello there").status == 0
    box = json.loads(run(forum, ada, "inbox --json").stdout)
    assert box[0]["other"] == "bob" and box[0]["unread"] == 1
    convo = run(forum, ada, f"inbox {box[0]['conversation_id']}")
    assert "hello there" in convo.stdout
    bad = run(forum, bob, "mail nobody", "x")
    assert bad.status == 1 and "nobody" in bad.stderr


def test_events_rsvp_ics_and_oneliner(forum: Forum) -> None:
    bob = who(forum, "bob")
    event_id = forum.create_event(
        bob, "garden", "Swap", in_days(30, "18:00"), "Europe/Paris", "Parc"
    )
    listed = run(forum, bob, "events garden")
    assert "Swap" in listed.stdout and "Europe/Paris" in listed.stdout
    answered = json.loads(run(forum, bob, f"rsvp {event_id} going --json").stdout)
    assert answered["rsvps"] == [{"handle": "bob", "answer": "going"}]
    assert run(forum, bob, f"rsvp garden/{event_id} perhaps").status == 2
    assert "BEGIN:VEVENT" in run(forum, bob, f"ics {event_id}").stdout
    assert run(forum, bob, "oneliner hello from the shell").status == 0
    assert forum.oneliners()[0].text == "hello from the shell"
    again = run(forum, bob, "oneliner too soon")
    assert again.status == 1 and "try again in" in again.stderr
