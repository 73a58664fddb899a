"""The `bbs` command line: backup and restore round trip, and clear refusals."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from bbs.cli import main
from bbs.config import load_config
from bbs.forum import Forum
from tests.conftest import use_store, who


def test_backup_then_restore_round_trip(forum: Forum, tmp_path: Path, empty_store: str) -> None:
    forum.start_thread(who(forum, "bob"), "garden", "general", "Keep me", "safe")
    runner = CliRunner()
    dest = tmp_path / "bk"
    done = runner.invoke(main, ["backup", str(dest), "--data-dir", str(forum.data_dir)])
    assert done.exit_code == 0 and "backed up 2 databases" in done.output
    again = runner.invoke(main, ["backup", str(dest), "--data-dir", str(forum.data_dir)])
    assert again.exit_code == 1 and "not empty" in again.output
    target = tmp_path / "new-home"
    use_store(target, empty_store)  # SQLite in the new data dir, or an empty database
    back = runner.invoke(main, ["restore", str(dest), "--data-dir", str(target)])
    assert back.exit_code == 0 and "restored 2 databases" in back.output
    restored = Forum(target, load_config(target))
    try:
        assert restored.threads(who(restored, "bob"), "garden", "general")[0].title == "Keep me"
    finally:
        restored.close()


def test_restore_refuses_what_is_not_a_backup(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["restore", str(tmp_path), "--data-dir", str(tmp_path)])
    assert result.exit_code == 1 and "not a bbs backup" in result.output


def test_admin_ban_bulletin_and_approve(forum: Forum) -> None:
    runner = CliRunner()
    data = ["--data-dir", str(forum.data_dir)]
    banned = runner.invoke(main, ["admin", "ban", "--address", "203.0.113.5", *data])
    assert banned.exit_code == 0 and forum.is_banned(address="203.0.113.5")
    vague = runner.invoke(main, ["admin", "ban", "203.0.113.5", *data])
    assert vague.exit_code == 2 and "--key, --name or --address" in vague.output
    lifted = runner.invoke(main, ["admin", "ban", "--address", "203.0.113.5", "--lift", *data])
    assert lifted.exit_code == 0 and not forum.is_banned(address="203.0.113.5")
    said = runner.invoke(main, ["admin", "bulletin", *data], input="Frost tonight: fleece!\n")
    assert said.exit_code == 0 and forum.bulletin() == "Frost tonight: fleece!"
    forum.hub.set_setting("require_community_approval", "1")
    forum.found_community(who(forum, "bob"), "bees", "Bees")
    assert runner.invoke(main, ["admin", "approve", *data]).output.strip() == "bees"
    assert runner.invoke(main, ["admin", "approve", "bees", *data]).exit_code == 0
    assert "bees" in {c.slug for c in forum.list_communities(who(forum, "bob"))}
    missing = runner.invoke(main, ["admin", "approve", "nope", *data])
    assert missing.exit_code == 1 and "no community" in missing.output


def test_admin_add_user_with_key_and_set_password(forum: Forum, tmp_path: Path) -> None:
    import asyncssh

    from bbs.passwords import verify_password

    key = asyncssh.generate_private_key("ssh-ed25519")
    key_file = tmp_path / "id.pub"
    key_file.write_bytes(key.export_public_key())
    data = ["--data-dir", str(forum.data_dir)]
    runner = CliRunner()
    added = runner.invoke(
        main, ["admin", "add-user", "dana", "--key-file", str(key_file), "--sysop", *data]
    )
    assert added.exit_code == 0, added.output
    dana = forum.person_by_key(key.get_fingerprint("sha256"))
    assert dana is not None and dana.handle == "dana" and dana.is_sysop
    taken = runner.invoke(main, ["admin", "add-user", "dana", "--key-file", str(key_file), *data])
    assert taken.exit_code == 1 and "taken" in taken.output
    key_file.write_text("not a key")
    bad = runner.invoke(main, ["admin", "add-user", "eve", "--key-file", str(key_file), *data])
    assert bad.exit_code == 1 and "Not an OpenSSH public key" in bad.output
    short = runner.invoke(main, ["admin", "set-password", "dana", *data], input="short\n")
    assert short.exit_code == 1 and "at least 8" in short.output
    done = runner.invoke(main, ["admin", "set-password", "dana", *data], input="long enough pw\n")
    assert done.exit_code == 0
    assert verify_password(forum.password_hash_of("dana"), "long enough pw")
