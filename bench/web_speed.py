"""How many thread pages the web reader serves on one core. Prints a table; not a test.

    .venv/bin/python bench/web_speed.py [--posts 200] [--duration 10] [--connections 16]

Builds a temporary data dir with one thread of `--posts` posts (Markdown bodies of a
few paragraphs, replies at every depth), starts `bbs web` as its own process pinned
to one core (one uvicorn worker), and loads the thread page with wrk (Debian's
`wrk`, pinned to the other core) in three ways:

- rendered every time: no validator, the page cache off (`BBS_WEB_PAGE_CACHE=0`),
  what a page costs once something in its community changed (the thread read from
  the forum, the templates run; post bodies come from their Markdown cache);
- cold: no validator, as a first visit; the page comes from the page cache;
- If-None-Match: a returning visitor's browser; the answer is a 304.

It also prints how long the very first request took (nothing cached: every post's
Markdown rendered).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bigdata import add_thread_tree, make_forum  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BODY = """Thanks for this. On the *plot* we tried three things this year:

1. **Shade cloth** at about 40 percent, tied with bungee cords
2. Watering after 9pm, so the beds go into the heat with a full tank
3. A thick mulch of bark chips, which also keeps the weeds down

The second one made the most difference. See the notes at
[the allotment wiki](https://example.org/wiki/heat) if you want the details, and
`soak seeds overnight` before sowing anything with a hard coat.

> Lavender wants to be neglected.

Post number """


@dataclass(frozen=True)
class Result:
    mode: str
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: str


def build(data_dir: Path, posts: int) -> int:
    """A data dir with one open community and a thread of `posts` posts; its thread id."""
    forum = make_forum(data_dir)
    try:
        thread_id = add_thread_tree(forum, "threads", posts, "A long talk about heat")
        with forum.store("big").write() as db:
            db.execute("UPDATE posts SET body = ? || id WHERE thread_id = ?", (BODY, thread_id))
    finally:
        forum.close()
    return thread_id


def start_web(data_dir: Path, port: int, page_cache: int, core: int) -> subprocess.Popen[str]:
    env = {**os.environ, "BBS_WEB_PAGE_CACHE": str(page_cache)}
    command = [str(Path(sys.executable).with_name("bbs")), "web", "--data-dir", str(data_dir)]
    process = subprocess.Popen(
        [*command, "--port", str(port)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=lambda: os.sched_setaffinity(0, {core}),
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if "Read on the web at" not in line:
        process.kill()
        raise SystemExit(f"bbs web did not start: {line!r}")
    return process


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def wrk(url: str, args: argparse.Namespace, core: int, headers: dict[str, str]) -> Result:
    """One wrk run; its requests per second and latency percentiles."""
    command = ["taskset", "-c", str(core), "wrk", "-t1", f"-c{args.connections}"]
    command += [f"-d{args.duration}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    problems = (f"{bad.group(1)} non-2xx " if bad else "") + (errors.group(1) if errors else "")
    return Result("", rate, p50, p99, problems.strip() or "none")


def measure(
    data_dir: Path,
    path: str,
    args: argparse.Namespace,
    label: str,
    page_cache: int,
    validator: bool,
) -> tuple[Result, int, int]:
    """Start `bbs web` on core 0, check the page, load it from core 1."""
    process = start_web(data_dir, args.port, page_cache, core=0)
    try:
        url = f"http://127.0.0.1:{args.port}{path}"
        first = httpx.get(url, timeout=30)
        assert first.status_code == 200, first.status_code
        print(f"first request, {label}: {first.elapsed.total_seconds() * 1000:.0f} ms")
        headers = {"If-None-Match": first.headers["etag"]} if validator else {}
        check = httpx.get(url, headers=headers, timeout=30)
        assert check.status_code == (304 if validator else 200), check.status_code
        return wrk(url, args, 1, headers), len(first.content), len(check.content)
    finally:
        process.terminate()
        process.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--duration", type=int, default=10, help="seconds per run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--port", type=int, default=18765)
    args = parser.parse_args()
    if shutil.which("wrk") is None or shutil.which("taskset") is None:
        raise SystemExit("This bench needs wrk and taskset: apt-get install -y wrk util-linux")
    if len(os.sched_getaffinity(0)) < 2:
        raise SystemExit("This bench pins the server and wrk to one core each: it needs two.")
    modes = [
        ("rendered every time (page cache off)", 0, False),
        ("cold: no validator (page cache)", 256, False),
        ("If-None-Match: 304", 256, True),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        thread_id = build(Path(tmp), args.posts)
        path = f"/c/big/t/{thread_id}"
        print(f"Thread page of {args.posts} posts, {path}; bbs web on 1 core (one uvicorn")
        print(f"worker), wrk on the other: 1 thread, {args.connections} connections, ")
        print(f"{args.duration} s per row.\n")
        rows = []
        for label, cache, validator in modes:
            result, page_bytes, answer_bytes = measure(
                Path(tmp), path, args, label, cache, validator
            )
            rows.append(
                f"| {label} | {result.requests_per_s:,.0f} | {result.p50_ms:.1f} ms"
                f" | {result.p99_ms:.1f} ms | {answer_bytes:,} | {result.errors} |"
            )
        print("\n| request | req/s | p50 | p99 | bytes sent | errors |")
        print("| --- | ---: | ---: | ---: | ---: | --- |")
        print("\n".join(rows))
        print(f"\n(the page is {page_bytes:,} bytes)")


if __name__ == "__main__":
    main()
