"""The `bbs` command line: backup and restore round trip, and clear refusals."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from bbs.cli import main
from bbs.forum import Forum
from tests.conftest import who


def test_backup_then_restore_round_trip(forum: Forum, tmp_path: Path) -> None:
    forum.start_thread(who(forum, "bob"), "garden", "general", "Keep me", "safe")
    runner = CliRunner()
    dest = tmp_path / "bk"
    done = runner.invoke(main, ["backup", str(dest), "--data-dir", str(forum.data_dir)])
    assert done.exit_code == 0 and "backed up 2 databases" in done.output
    again = runner.invoke(main, ["backup", str(dest), "--data-dir", str(forum.data_dir)])
    assert again.exit_code == 1 and "not empty" in again.output
    target = tmp_path / "new-home"
    back = runner.invoke(main, ["restore", str(dest), "--data-dir", str(target)])
    assert back.exit_code == 0 and "restored 2 databases" in back.output
    restored = Forum(target)
    try:
        assert restored.threads(who(restored, "bob"), "garden", "general")[0].title == "Keep me"
    finally:
        restored.close()


def test_restore_refuses_what_is_not_a_backup(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["restore", str(tmp_path), "--data-dir", str(tmp_path)])
    assert result.exit_code == 1 and "not a bbs backup" in result.output
