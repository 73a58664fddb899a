"""Joining a community in plain mode: its rules said in full, accepted in words."""

from __future__ import annotations

from bbs.plain.session import PlainSession

YES = frozenset({"y", "yes", "i accept", "accept"})


async def join(s: PlainSession, slug: str) -> None:
    """Say the rules, ask for yes (and an invite code where one is needed), then join."""
    community = await s.call(s.forum.community, s.viewer, slug)
    rules = community.rules or "(none written)"
    s.say_long([f"Joining {community.name} means accepting its rules:", rules])
    answer = await s.ask("Do you accept these rules? Type yes to join, anything else not to: ")
    if answer is None or answer.strip().lower() not in YES:
        s.say("You did not join.")
        return
    code = None
    if str(community.visibility) == "invite":
        code = await s.ask("It is invite-only: your invite code (Enter if you were invited): ")
        code = (code or "").strip() or None
    status = await s.call(s.forum.join, s.viewer, slug, accept_rules=True, code=code)
    if status == "active":
        s.say(f"Welcome: you are a member of {community.name}.")
    else:
        s.say(f"Your request to join {community.name} went to its moderators.")
