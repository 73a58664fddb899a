"""Loading the demo communities from data/seed/ into a new data dir."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bbs.forum import Forum
from bbs.models import Role
from bbs.store.interface import CommunityBackend

SEED_DIR = Path(__file__).resolve().parent.parent / "data" / "seed"
HOUR = 3600.0


def seed(forum: Forum, seed_dir: Path = SEED_DIR, now: float | None = None) -> None:
    """Create the seed's people, communities, boards, threads, events and one-liners."""
    now = now or time.time()
    people = json.loads((seed_dir / "people.json").read_text())
    ids = {p["handle"]: _add_person(forum, p, now) for p in people}
    board = json.loads((seed_dir / "board.json").read_text())
    forum.hub.set_setting("board_name", board["board_name"])
    forum.hub.set_setting("bulletin", board["bulletin"])
    lines = board.get("oneliners", [])
    for age, line in zip(range(len(lines), 0, -1), lines, strict=True):
        forum.hub.add_oneliner(ids[line["handle"]], line["text"], now - age * 1800)
    for path in sorted((seed_dir / "communities").glob("*.json")):
        _seed_community(forum, json.loads(path.read_text()), ids, now)


def _add_person(forum: Forum, person: dict[str, Any], now: float) -> int:
    return forum.hub.add_person(
        person["handle"],
        person["display_name"],
        role=str(Role.USER),
        bio=person.get("bio", ""),
        interests=person.get("interests", ""),
        created=now - 60 * 24 * HOUR,
    )


def create_community(
    forum: Forum, spec: dict[str, Any], founder_id: int | None, now: float
) -> None:
    """The directory row and the community's own file with its boards."""
    forum.hub.add_community(
        {
            "slug": spec["slug"],
            "name": spec["name"],
            "description": spec.get("description", ""),
            "visibility": spec.get("visibility", "open"),
            "rules": spec.get("rules", ""),
            "welcome": spec.get("welcome", ""),
            "member_cap": spec.get("member_cap"),
            "sisters": ",".join(spec.get("sisters", [])),
            "founder_id": founder_id,
            "created": now,
            "status": "active",
        }
    )
    store = forum.store(spec["slug"])
    for position, board in enumerate(spec.get("boards") or [{"slug": "general"}]):
        store.add_board(
            board["slug"],
            board.get("name", board["slug"].title()),
            board.get("description", ""),
            position,
        )


def _seed_community(forum: Forum, spec: dict[str, Any], ids: dict[str, int], now: float) -> None:
    owner = next((m["handle"] for m in spec["members"] if m["role"] == "owner"), None)
    create_community(forum, spec, ids.get(owner) if owner else None, now - 30 * 24 * HOUR)
    for member in spec["members"]:
        forum.hub.set_membership(ids[member["handle"]], spec["slug"], member["role"], "active")
    store = forum.store(spec["slug"])
    for board in spec["boards"]:
        board_id = store.board(board["slug"])["id"]  # type: ignore[index]
        for thread in board.get("threads", []):
            _seed_thread(store, board_id, thread, ids, now)
    for event in spec.get("events", []):
        _seed_event(store, event, ids, owner or "", now)


def _seed_thread(
    store: CommunityBackend, board_id: int, thread: dict[str, Any], ids: dict[str, int], now: float
) -> None:
    author = thread["author"]
    _, post_id = store.add_thread(
        board_id,
        thread["title"],
        ids[author],
        author,
        thread["body"],
        now - thread["age_hours"] * HOUR,
    )
    _seed_replies(store, post_id, thread.get("replies", []), ids, now)


def _seed_replies(
    store: CommunityBackend,
    parent_id: int,
    replies: list[dict[str, Any]],
    ids: dict[str, int],
    now: float,
) -> None:
    for reply in replies:
        author = reply["author"]
        post_id = store.add_reply(
            parent_id, ids[author], author, reply["body"], now - reply["age_hours"] * HOUR
        )
        _seed_replies(store, post_id, reply.get("replies", []), ids, now)


def _seed_event(
    store: CommunityBackend, event: dict[str, Any], ids: dict[str, int], owner: str, now: float
) -> None:
    tz = ZoneInfo(event.get("tz", "UTC"))
    day = datetime.fromtimestamp(now, tz) + timedelta(days=event["in_days"])
    starts = day.replace(
        hour=event.get("hour", 19), minute=event.get("minute", 0), second=0, microsecond=0
    )
    event_id = store.add_event(
        {
            "title": event["title"],
            "starts_at": starts.timestamp(),
            "tz": event.get("tz", "UTC"),
            "place": event.get("place", ""),
            "description": event.get("description", ""),
            "author_id": ids.get(owner, 0),
            "author": owner,
            "created": now,
        }
    )
    for handle, answer in event.get("rsvps", {}).items():
        store.set_rsvp(event_id, ids[handle], handle, answer, now)
