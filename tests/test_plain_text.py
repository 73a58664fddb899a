"""Plain mode's words: Markdown reduced to text, times and counts, a post's heading."""

from __future__ import annotations

import time

from bbs.forum import Forum
from bbs.plain.markdown_text import markdown_to_text
from bbs.plain.render import post_body, post_heading
from bbs.plain.wording import ago, count
from tests.conftest import who

DAY = 86_400.0


def test_markdown_is_reduced_to_text_and_links_show_their_address() -> None:
    text = markdown_to_text(
        "**Frost** is _due_: see [the guide](https://example.org/frost).\n\n"
        "- fleece\n- straw\n\n> quoted *words*\n\n```\ncode stays\n```\n\n"
        "![a bean](https://example.org/bean.png) and <https://example.org>"
    )
    assert text.splitlines() == [
        "Frost is due: see the guide (https://example.org/frost).",
        "",
        "- fleece",
        "- straw",
        "",
        "> quoted words",
        "",
        "    code stays",
        "",
        "[image: a bean] (https://example.org/bean.png) and https://example.org",
    ]
    assert "*" not in text and "_due_" not in text


def test_markdown_wraps_to_the_width_and_keeps_list_marks_once() -> None:
    text = markdown_to_text("1. " + "word " * 30, 40)
    lines = text.splitlines()
    assert all(len(line) <= 40 for line in lines) and len(lines) > 2
    assert lines[0].startswith("1. word") and lines[1].startswith("   word")


def test_hostile_markdown_stays_text() -> None:
    text = markdown_to_text(
        "[click](javascript:alert(1)) <script>alert(2)</script> [bold red]x[/] [@click=app.quit]"
    )
    assert "javascript:alert(1)" in text  # shown, as text: nothing here can be followed
    assert "<script>alert(2)</script>" in text
    assert "[bold red]x[/]" in text and "[@click=app.quit]" in text


def test_times_and_counts_read_as_words() -> None:
    now = 1_000_000_000.0
    assert ago(now - 30, now) == "just now"
    assert ago(now - 300, now) == "5 minutes ago"
    assert ago(now - 3 * 3600, now) == "3 hours ago"
    assert ago(now - DAY - 60, now) == "yesterday"
    assert ago(now - 15 * DAY, now) == "2 weeks ago"
    assert ago(now - 400 * DAY, now) == "1 year ago"
    assert ago(now + 3 * DAY, now) == "in 3 days"
    assert [count(0, "post"), count(1, "post"), count(1200, "post")] == [
        "no posts",
        "1 post",
        "1,200 posts",
    ]


def test_a_post_heading_says_its_place_author_parent_and_age(forum: Forum) -> None:
    bob, ada = who(forum, "bob"), who(forum, "ada")
    now = time.time()
    forum.clock = lambda: now - 15 * DAY
    _, root = forum.start_thread(bob, "garden", "general", "Beans", "Poles?")
    forum.reply(ada, "garden", root, "Hazel.")
    forum.clock = time.time
    view = forum.read_thread(bob, "garden", 1)
    assert post_heading(view, 1, now) == "post 2 of 2, by ada, replying to bob, 2 weeks ago, new"
    assert post_heading(view, 0, now) == "post 1 of 2, by bob, 2 weeks ago"
    assert post_body(view.posts[1], 80) == "Hazel."
