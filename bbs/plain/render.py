"""Posts, threads, meetups and mail as lines of text: who, when, where, then the words."""

from __future__ import annotations

from bbs.models import MailMessage, Meetup, Post, ThreadView
from bbs.plain.markdown_text import markdown_to_text
from bbs.plain.wording import ago, count, when


def post_heading(view: ThreadView, index: int, now: float) -> str:
    """'post 4 of 9, by fern, replying to okra_pete, 2 weeks ago' (index from 0)."""
    posts = view.posts
    post = posts[index]
    parts = [f"post {index + 1} of {len(posts)}"]
    parts.append("by someone you blocked" if post.blocked else f"by {post.author}")
    if post.parent_id is not None:
        parent = next((p for p in posts if p.id == post.parent_id), None)
        if parent is not None:
            who = "someone you blocked" if parent.blocked else parent.author
            parts.append(f"replying to {who}")
    parts.append(ago(post.created, now))
    if post.edited_at:
        parts.append("edited")
    if post.unread:
        parts.append("new")
    return ", ".join(parts)


def post_body(post: Post, width: int) -> str:
    """The post's words as plain text (Markdown reduced), or why they are not shown."""
    if post.blocked:
        return "(Withheld: you blocked its author.)"
    if post.hidden and not post.body:
        return f"(Hidden by the moderators: {post.hidden_reason or 'no reason given'}.)"
    text = markdown_to_text(post.body, width)
    if post.hidden:
        text = f"(Hidden from members: {post.hidden_reason or 'no reason given'}.)\n{text}"
    return text


def thread_line(title: str, author: str, posts: int, unread: int, last: float, now: float) -> str:
    """One thread in a board's list."""
    new = f", {unread} new" if unread else ""
    return f"{title}, by {author}, {count(posts, 'post')}{new}, last post {ago(last, now)}"


def event_line(e: Meetup, community_name: str = "") -> str:
    """A meetup in a list: what, where, when, who is going."""
    where = f" in {community_name}" if community_name else ""
    mine = f"; you said {e.my_rsvp}" if e.my_rsvp else ""
    return (
        f"{e.title}{where}, {when(e.starts_at, e.tz)}, at {e.place}: "
        f"{e.going} going, {e.maybe} maybe{mine}"
    )


def mail_lines(messages: list[MailMessage], width: int, now: float) -> list[str]:
    """A conversation in order, each message with who, when and its subject."""
    lines = []
    total = len(messages)
    for n, m in enumerate(messages, 1):
        subject = f", subject: {m.subject}" if m.subject else ""
        lines.append(
            f"message {n} of {total}, from {m.sender} to {m.recipient}, {ago(m.sent, now)}{subject}"
        )
        lines.append(markdown_to_text(m.body, width))
        lines.append("")
    return lines
