"""Two hosts that share nothing but the host key, one PostgreSQL database and one NATS
server (real `bbs serve --store postgresql://... --bus nats://...` processes, each with
an empty data dir of its own): who registers on A signs in on B with the same key, and a
thread posted on A is in B's thread list, in B's search, and live on B's open screen."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncssh
import pytest

from tests.hosts_support import open_thread, two_hosts

pytestmark = pytest.mark.backends("postgresql")


async def sign_up(host: object, handle: str, key: asyncssh.SSHKey, name: str) -> None:
    """A new key's first visit: the sign-up form, filled in and sent, as a person does it."""
    from tests.ssh_support import connect

    new = await connect(host.port, handle, key=key, host=host.address)  # type: ignore[attr-defined]
    await new.wait_for("Sign up")
    await new.wait_for("Be kind")
    await asyncio.sleep(0.3)  # the display-name field takes focus on mount
    new.send("\x05\x15")  # ctrl+e, ctrl+u: clear it (a binding: let it run first)
    await new.wait_for(lambda t: handle not in t.split("Display name:")[1][:300])
    new.send(name)
    new.send("\t")  # to the checkbox
    await asyncio.sleep(0.2)
    new.send(" ")  # tick it
    await asyncio.sleep(0.2)
    new.send("\t\r")  # the Sign up button
    await new.wait_for(f"welcome, {name}")
    await new.close()


async def test_two_hosts_on_one_database_serve_the_same_forum(
    tmp_path: Path, empty_store: str
) -> None:
    async with two_hosts(tmp_path, store=empty_store) as board:
        a, b = board.hosts
        assert a.data_dir != b.data_dir  # a data dir each, with nothing of the forum in it
        for host in board.hosts:
            assert not list(host.data_dir.glob("*.db")), list(host.data_dir.iterdir())

        key = asyncssh.generate_private_key("ssh-ed25519")
        await sign_up(a, "newbie", key, "Newbie Person")
        from tests.ssh_support import connect

        again = await connect(b.port, "newbie", key=key, host=b.address)
        await again.wait_for("welcome, Newbie Person")  # B knows the key A took
        await again.close()

        bob = await b.connect("bob")
        await open_thread(bob, "Tomatoes")  # bob reads on B: garden, its board, a thread
        bob.send("\x1b")  # back to the board's thread list
        await bob.wait_for(lambda t: "Tomatoes" in t and "Who grows what" not in t)

        done = await a.run("ada", "post garden general --title 'Night jasmine'", stdin="Sown")
        assert done.exit_status == 0, done.stderr
        await bob.wait_for("Night jasmine", timeout=5)  # live, on B's open screen

        listed = await b.run("cy", "read garden general")
        assert listed.exit_status == 0 and "Night jasmine" in listed.stdout, listed.stderr

        cy = await b.connect("cy")
        await cy.wait_for("Online now")
        cy.send("s")
        await cy.wait_for("Search posts")
        cy.send("jasmine\r")
        await cy.wait_for("Night jasmine")  # B's search finds what A wrote
        await cy.close()
        await bob.close()
        for host in board.hosts:  # still nothing of the forum on either host's disk
            assert not list(host.data_dir.rglob("*.db")), list(host.data_dir.rglob("*"))
