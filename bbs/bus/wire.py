"""What crosses the bus: subjects (per community and kind, board-wide, per person), JSON bodies.

Subjects follow NATS's dotted form, so a host subscribes to what its sessions can show:
  bbs.c.<community>.<kind>   posts, edits, moderation, meetups ... of one community
  bbs.b.<kind>               board-wide: who's online, one-liners, callers, new communities
  bbs.m.<from>.<to>          mail (and notices) between two people
  bbs.h.beat|roster|bye      hosts announcing themselves; bbs.h.sync.<host> asks one for its list
"""

from __future__ import annotations

import json
import re
from typing import Any

from bbs.live_events import (
    PRESENCE_KINDS,
    Kind,
    LiveEvent,
    MailSent,
    Paged,
    payload_fields,
    payload_from,
)
from bbs.text import LIMITS

PREFIX = "bbs"
BOARD_KINDS = frozenset({Kind.ONELINER, Kind.CALLER, Kind.FOUNDED}) | PRESENCE_KINDS
"""Kinds every host hears, whatever its sessions show (FOUNDED: a community just founded,
which nobody can have subscribed to yet)."""
BEAT = f"{PREFIX}.h.beat"
ROSTER = f"{PREFIX}.h.roster"
BYE = f"{PREFIX}.h.bye"
BOARD = f"{PREFIX}.b.>"
HOST_SUBJECTS = (BEAT, ROSTER, BYE)
EVERYTHING = (f"{PREFIX}.c.>", f"{PREFIX}.m.>")
"""For a host with no forum to ask what its sessions can show (tests, benches)."""

_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")

# The largest event: a reply's body at its limit, each code point escaped as JSON's worst
# (\\u001f, 6 bytes; ensure_ascii=False leaves other characters as UTF-8, at most 4), plus
# the short fields (kind, community, handles, where, session: well under 200 characters
# each) and the numbers and keys around them (the payload's among them).
MAX_EVENT_BYTES = 6 * (LIMITS["body"] + 5 * 200) + 1024


def token(text: str) -> str:
    """`text` as one subject token: handles and slugs as they are, anything else in hex."""
    if _TOKEN.fullmatch(text):
        return text
    return "_x" + text.encode("utf-8", "surrogatepass").hex()[:120]


def untoken(part: str) -> str:
    """The text a subject token stands for (the inverse of `token`)."""
    if part.startswith("_x"):
        try:
            return bytes.fromhex(part[2:]).decode("utf-8", "surrogatepass")
        except ValueError:
            return part
    return part


def community_subject(slug: str) -> str:
    """Everything that happens in one community."""
    return f"{PREFIX}.c.{token(slug)}.>"


def mail_subjects(handle: str) -> tuple[str, str]:
    """Mail from and to one person (a conversation screen shows both sides)."""
    mine = token(handle)
    return f"{PREFIX}.m.{mine}.*", f"{PREFIX}.m.*.{mine}"


def sync_subject(host: str) -> str:
    return f"{PREFIX}.h.sync.{token(host)}"


def subject_for(event: LiveEvent) -> str:
    kind = token(event.kind)
    if isinstance(event.payload, MailSent | Paged):
        return f"{PREFIX}.m.{token(event.actor or '-')}.{token(event.payload.to or '-')}"
    if event.community and event.kind not in BOARD_KINDS:
        return f"{PREFIX}.c.{token(event.community)}.{kind}"
    return f"{PREFIX}.b.{kind}"


def dumps(data: dict[str, Any]) -> bytes:
    """Compact JSON, UTF-8 (a lone surrogate in text survives the trip)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8", "surrogatepass")


def loads(payload: bytes) -> Any:
    return json.loads(payload.decode("utf-8", "surrogatepass"))


def encode_event(event: LiveEvent, host: str, since: float | None = None) -> bytes:
    """An event as it travels: its kind's value, its fields and its payload's, the host it
    comes from, and for presence `since`."""
    data: dict[str, Any] = {
        "kind": str(event.kind),
        "community": event.community,
        "actor": event.actor,
        "payload": payload_fields(event.payload),
        "host": host,
    }
    if since is not None:
        data["since"] = since
    return dumps(data)


def decode_event(payload: bytes) -> tuple[LiveEvent, str, float | None]:
    """(event, origin host, since), the payload rebuilt as its kind's type; ValueError or
    TypeError for anything unreadable (a kind this version does not know among them)."""
    data = loads(payload)
    if not isinstance(data, dict):
        raise ValueError("not an event")
    kind = Kind(str(data.get("kind")))
    community, actor = data.get("community", ""), data.get("actor", "")
    if not isinstance(community, str) or not isinstance(actor, str):
        raise ValueError("an event's community and actor are text")
    event = LiveEvent(kind, community, actor, payload_from(kind, data.get("payload")))
    host = str(data.get("host", ""))
    since = data.get("since")
    return event, host, float(since) if since is not None else None
