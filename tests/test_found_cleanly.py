"""A found that fails leaves nothing behind: no file, no descriptors, the slug still free."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bbs.errors import TextError
from bbs.forum import Forum
from bbs.store.community import CommunityQueries
from tests.conftest import who
from tests.ssh_support import make_key, run_command, running_server, seed_small
from tests.test_ssh_e2e import FACTORIES
from tests.ui_helpers import app_for, on, screen_text, shows, until


def files_of(data_dir: Path, slug: str) -> list[str]:
    return sorted(p.name for p in (data_dir / "communities").glob(f"{slug}.db*"))


def descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[tuple]:
    async with running_server(tmp_path, FACTORIES) as (ctx, port):
        seed_small(ctx)
        yield ctx, port


async def test_exec_found_with_a_bad_name_then_a_good_one(server: tuple, tmp_path: Path) -> None:
    ctx, port = server
    bob = make_key(ctx.forum, "bob")
    bad = await run_command(port, "bob", "found knitters --name ''", key=bob, stdin="Be kind.")
    assert bad.exit_status == 1 and "name" in bad.stderr.lower(), bad.stderr
    assert files_of(tmp_path, "knitters") == []
    before = descriptors()
    for _ in range(5):
        long = "x" * 200
        again = await run_command(port, "bob", f"found knitters --name {long}", key=bob, stdin="Hi")
        assert again.exit_status == 1 and "limit is 60" in again.stderr, again.stderr
    assert descriptors() <= before + 1  # nothing held for the refused ones
    good = await run_command(port, "bob", "found knitters --name Knitters", key=bob, stdin="Hi")
    assert good.exit_status == 0 and "knitters: founded" in good.stdout, good.stderr
    listing = await run_command(port, "bob", "read knitters", key=bob)
    assert listing.exit_status == 0 and "general" in listing.stdout


async def test_found_screen_refuses_a_long_name_then_founds_it(forum: Forum) -> None:
    from screens.found import FoundCommunityScreen

    app = app_for(forum, who(forum, "bob"))
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(FoundCommunityScreen())
        await on(pilot, FoundCommunityScreen)
        app.screen.query_one("#name").value = "Seed Savers " * 6  # as if pasted
        await pilot.press("tab", *"seeds", "ctrl+s")
        await shows(pilot, "limit is 60")
        assert "limit is 60" in screen_text(app)
        assert files_of(forum.data_dir, "seeds") == []
        app.screen.query_one("#name").value = "Seed Savers"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, FoundCommunityScreen))
        assert not isinstance(app.screen, FoundCommunityScreen)
    assert forum.community(who(forum, "bob"), "seeds").my_role == "owner"


def test_a_failure_after_the_file_exists_removes_it(
    forum: Forum, monkeypatch: pytest.MonkeyPatch
) -> None:
    bob = who(forum, "bob")
    before = descriptors()

    def full_disk(self: CommunityQueries, *args: object, **kwargs: object) -> int:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(CommunityQueries, "add_board", full_disk)  # either backend
    with pytest.raises(sqlite3.OperationalError):
        forum.found_community(bob, "seeds", "Seeds")
    assert files_of(forum.data_dir, "seeds") == []
    assert "seeds" not in forum._stores and descriptors() == before
    assert forum.hub.community("seeds") is None and forum.member_role(bob, "seeds") is None
    monkeypatch.undo()
    assert forum.found_community(bob, "seeds", "Seeds") == "active"
    assert [b.slug for b in forum.boards(bob, "seeds")] == ["general"]


def test_a_file_a_crash_left_unlisted_does_not_hold_the_slug(forum: Forum) -> None:
    orphan = forum.backend.community("seeds")  # a file, or a schema
    orphan.add_board("general", "General")  # the file was made, the hub row never was
    orphan.close()
    assert forum.found_community(who(forum, "bob"), "seeds", "Seeds") == "active"
    assert [b.slug for b in forum.boards(who(forum, "bob"), "seeds")] == ["general"]


def test_every_value_is_checked_before_anything_is_made(forum: Forum) -> None:
    bob = who(forum, "bob")
    bad = [
        {"boards": ["general", "general"]},
        {"boards": ["ok", "Not A Slug!"]},
        {"boards": [f"b{n}" for n in range(30)]},
        {"member_cap": 0},
        {"visibility": "secret"},
        {"rules": "x" * 6000},
    ]
    for extra in bad:
        with pytest.raises(TextError):
            forum.found_community(bob, "seeds", "Seeds", **extra)  # type: ignore[arg-type]
        assert files_of(forum.data_dir, "seeds") == []
    assert forum.found_community(bob, "seeds", "Seeds", boards=["ab", "cd"]) == "active"
