"""Two hosts, real processes: two `bbs serve --bus nats://...`, one NATS server, one data dir."""

from __future__ import annotations

import time
from pathlib import Path

import asyncssh

from tests.hosts_support import online_count, open_thread, two_hosts
from tests.ssh_support import wait_until


async def test_replies_presence_and_the_host_key_cross_hosts_and_a_dead_host_leaves(
    tmp_path: Path,
) -> None:
    async with two_hosts(tmp_path) as board:
        a, b = board.hosts
        shared = asyncssh.read_private_key(str(a.host_key)).get_fingerprint()
        for host in board.hosts:  # one key (--host-key), whichever host a client meets
            key = await asyncssh.get_server_host_key(host.address, host.port)
            assert key is not None and key.get_fingerprint() == shared

        bob = await b.connect("bob")
        ada = await a.connect("ada")
        await open_thread(bob, "Tomatoes")
        # who's online on A lists B's people (and where they are)
        await ada.wait_for(lambda t: online_count(t) == 2 and "bob" in t, timeout=5)

        done = await a.run("ada", "reply garden/1", stdin="Sungold, from host A")
        acknowledged = time.monotonic()
        assert done.exit_status == 0, done.stderr
        await bob.wait_for("Sungold, from host A", timeout=1.5)
        assert time.monotonic() - acknowledged < 1.5

        done = await b.run("bob", "oneliner hello from host B")
        assert done.exit_status == 0, done.stderr
        await ada.wait_for("hello from host B", timeout=1.5)

        b.kill()  # kill -9: nobody is told; A notices the silence
        killed = time.monotonic()
        await ada.wait_for(lambda t: online_count(t) == 1, timeout=6)
        assert time.monotonic() - killed < 2.5 + 2  # the heartbeat window, and a beat or two
        await ada.close()


async def test_a_stalled_nats_server_stalls_no_one_and_everything_heals_after(
    tmp_path: Path,
) -> None:
    async with two_hosts(tmp_path) as board:
        a, b = board.hosts
        bob = await b.connect("bob")
        ada = await a.connect("ada")
        cy = await a.connect("cy")
        await open_thread(bob, "Tomatoes")
        await open_thread(ada, "Tomatoes")
        await cy.wait_for(lambda t: online_count(t) == 3, timeout=5)

        board.nats.pause()  # SIGSTOP: connections stay up, nothing answers
        started = time.monotonic()
        done = await a.run("ada", "reply garden/1", stdin="Written while NATS slept")
        assert done.exit_status == 0, done.stderr  # A still acknowledges posts
        assert time.monotonic() - started < 3
        await ada.wait_for("Written while NATS slept", timeout=1.5)  # A's own stay live
        await ada.press_until_lit("\x1b[B", "Written while NATS slept")  # keys are answered
        await cy.wait_for(lambda t: online_count(t) == 2, timeout=8)  # B went quiet
        # B has noticed the stall: whatever could still have reached it has
        await wait_until(lambda: "link lost" in b.log_text(), timeout=10, what="B's link lost")
        assert "Written while NATS slept" not in bob.text

        board.nats.resume()
        await bob.wait_for("Written while NATS slept", timeout=10)  # B's screens reload
        await cy.wait_for(lambda t: online_count(t) == 3, timeout=10)  # presence whole
        assert "link restored" in b.log_text()
        done = await a.run("ada", "reply garden/1", stdin="And live again")
        assert done.exit_status == 0
        await bob.wait_for("And live again", timeout=1.5)
        for person in (bob, ada, cy):
            await person.close()
