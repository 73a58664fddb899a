"""Roles over SSH as a script does it: role, hand-over, members, leave, and the refusals."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.ssh_support import make_key, run_command, running_server, seed_small
from tests.test_ssh_e2e import FACTORIES


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[tuple]:
    async with running_server(tmp_path, FACTORIES) as (ctx, port):
        seed_small(ctx)
        ctx.forum.register("cy", "Cy")
        yield ctx, port


async def test_the_owner_appoints_and_hands_over_and_everyone_else_is_refused(
    server: tuple,
) -> None:
    ctx, port = server
    keys = {handle: make_key(ctx.forum, handle) for handle in ("ada", "bob", "cy")}

    async def run(who: str, command: str, stdin: str | None = None) -> tuple[int, str, str]:
        done = await run_command(port, who, command, key=keys[who], stdin=stdin)
        return int(done.exit_status or 0), str(done.stdout), str(done.stderr)

    assert (await run("bob", "found knit --name Knitters", "Be kind."))[0] == 0
    assert (await run("cy", "join knit --accept-rules"))[0] == 0
    status, _, err = await run("cy", "role knit cy moderator")
    assert status == 1 and "Only the owner of Knitters can appoint moderators." in err
    status, out, _ = await run("bob", "role knit @cy moderator --json")
    assert status == 0 and json.loads(out) == {"slug": "knit", "handle": "cy", "role": "moderator"}
    status, _, err = await run("cy", "hand-over knit cy --yes")
    assert status == 1 and "Only the owner of Knitters can hand it over." in err
    status, out, _ = await run("bob", "members knit --json")
    assert {m["handle"]: m["role"] for m in json.loads(out)} == {"bob": "owner", "cy": "moderator"}
    status, _, err = await run("bob", "role knit cy owner")
    assert status == 2 and "invalid choice" in err  # a usage line: owners hand over
    status, _, err = await run("bob", "leave knit")
    assert status == 1 and "You own Knitters: hand it over" in err
    status, _, err = await run("bob", "hand-over knit ada --yes")
    assert status == 1 and "ada is not a member of Knitters." in err
    status, out, _ = await run("bob", "hand-over knit cy")
    assert status == 3 and "hand-over knit cy --yes" in out  # said what it does, did nothing
    status, out, _ = await run("bob", "hand-over knit cy --yes")
    assert status == 0 and "cy is its owner now; you are a moderator" in out
    status, out, _ = await run("cy", "inbox --json")
    assert [c["subject"] for c in json.loads(out) if c["kind"] == "notice"] == [
        "Knitters is yours now",
        "Knitters: you are a moderator",
    ]
    assert (await run("bob", "leave knit"))[0] == 0
    status, out, _ = await run("ada", "members knit")
    assert status == 0 and "cy" in out and "owner" in out and "bob" not in out
    status, out, _ = await run("ada", "help")
    assert all(word in out for word in ("role", "hand-over", "members", "leave"))
