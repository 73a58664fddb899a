"""`ssh host COMMAND`: exec commands, --json, exit statuses, and the real OpenSSH client."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.ssh_support import make_key, run_command, running_server, seed_small
from tests.test_ssh_e2e import FACTORIES


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[tuple]:
    async with running_server(tmp_path, FACTORIES) as (ctx, port):
        seed_small(ctx)
        yield ctx, port


async def test_post_read_thread_reply_new_whoami(server: tuple) -> None:
    ctx, port = server
    bob = make_key(ctx.forum, "bob")
    ada = make_key(ctx.forum, "ada")
    done = await run_command(port, "bob", "whoami --json", key=bob)
    assert done.exit_status == 0 and json.loads(done.stdout)["handle"] == "bob"
    done = await run_command(
        port,
        "bob",
        "post garden general --title 'Seed swap'",
        key=bob,
        stdin="Who has \x1b[31mbeans\x1b[0m?\n",
    )
    assert done.exit_status == 0, done.stderr
    ref = done.stdout.strip()
    assert ref.startswith("garden/")
    listing = await run_command(port, "ada", "read garden general", key=ada)
    assert "Seed swap" in listing.stdout and ref in listing.stdout
    thread = await run_command(port, "ada", f"thread {ref} --json", key=ada)
    data = json.loads(thread.stdout)
    assert data["posts"][0]["body"] == "Who has beans?"  # escape codes cleaned
    first_post = data["posts"][0]["id"]
    reply = await run_command(port, "ada", f"reply {first_post}", key=ada, stdin="Me!")
    assert reply.exit_status == 0, reply.stderr
    whole = await run_command(port, "bob", f"thread {ref.split('/')[1]}", key=bob)
    assert "Me!" in whole.stdout and "\x1b" not in whole.stdout
    new = await run_command(port, "bob", "new --json", key=bob)
    assert new.exit_status == 0 and any(p["author"] == "ada" for p in json.loads(new.stdout))
    again = await run_command(port, "bob", "new --json", key=bob)
    assert json.loads(again.stdout) == []
    communities = await run_command(port, "guest", "communities --json")
    assert [c["slug"] for c in json.loads(communities.stdout)] == ["garden"]


async def test_bad_arguments_and_refusals_exit_non_zero(server: tuple) -> None:
    ctx, port = server
    bob = make_key(ctx.forum, "bob")
    unknown = await run_command(port, "bob", "frobnicate", key=bob)
    assert unknown.exit_status == 2 and "usage:" in unknown.stderr
    missing = await run_command(port, "bob", "post garden", key=bob)
    assert missing.exit_status == 2 and "usage: post" in missing.stderr
    guest = await run_command(port, "guest", "post garden general --title Hi", stdin="x")
    assert guest.exit_status == 1 and "Guests" in guest.stderr
    nothing = await run_command(port, "bob", "thread garden/999", key=bob)
    assert nothing.exit_status == 1 and "no thread" in nothing.stderr
    bad_ref = await run_command(port, "bob", "thread abc", key=bob)
    assert bad_ref.exit_status == 2


async def test_session_without_pty_or_command_gets_plain_mode(server: tuple) -> None:
    import asyncssh

    ctx, port = server
    async with asyncssh.connect(
        "127.0.0.1", port, username="guest", known_hosts=None, agent_path=None, client_keys=[]
    ) as conn:
        done = await conn.run(input="quit\n", check=False)  # a shell, no pty: plain mode
    assert done.exit_status == 0 and "This is plain mode" in done.stdout


@pytest.mark.skipif(shutil.which("ssh") is None, reason="needs the OpenSSH client")
async def test_openssh_client_runs_a_command(server: tuple, tmp_path: Path) -> None:
    ctx, port = server
    key = make_key(ctx.forum, "bob")
    key_file = tmp_path / "id_ed25519"
    key.write_private_key(str(key_file))
    key_file.chmod(0o600)

    async def openssh(command: str) -> tuple[int | None, bytes, bytes]:
        proc = await asyncio.create_subprocess_exec(
            "ssh", "-p", str(port), "-i", str(key_file),
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
            "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR",
            "bob@127.0.0.1", command,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await asyncio.wait_for(proc.communicate(), 20)
        return proc.returncode, out, err

    status, out, err = await openssh("whoami")
    assert status == 0, err
    assert out.decode().startswith("bob (Bob)")
    status, _, err = await openssh("read")
    assert status == 2 and b"usage: read" in err
