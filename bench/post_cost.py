"""What the limits cost a post: forum.reply in a loop, paced (a member) and exempt (the sysop).

    .venv/bin/python bench/post_cost.py [--replies 200]

Every reply by a member checks and records its pacing in the hub before the post is
written; the sysop's skip that. Each reply is also a committed, synced transaction in
the community (synchronous=FULL), so the difference between the two rows is what the
limits add. Prints median and p90 per reply; not a test.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bbs.config import Config  # noqa: E402
from bbs.forum import Forum  # noqa: E402
from bbs.models import Role  # noqa: E402
from bbs.seed import create_community  # noqa: E402

ROOMY = {"post_interval_s": 0.0, "reply_per_hour": 0, "reply_per_day": 0}
"""No figure stops the loop (figures a version of the code does not have are left out)."""


def make(data_dir: Path) -> Forum:
    names = {f.name for f in dataclasses.fields(Config)}
    config = Config(data_dir=data_dir, **{k: v for k, v in ROOMY.items() if k in names})
    forum = Forum(data_dir, config)
    ada = forum.register("ada", "Ada", role=Role.SYSOP)
    spec = {"slug": "garden", "name": "Garden", "boards": [{"slug": "general"}]}
    create_community(forum, spec, ada.id, time.time())
    for n in range(4):
        person = forum.register(f"member{n}", f"Member {n}")
        forum.hub.update_person(person.id, created=time.time() - 90 * 86_400)
        forum.hub.set_membership(person.id, "garden", "member", "active")
    return forum


def replies(forum: Forum, handles: list[str], count: int, round_: str) -> list[float]:
    """Milliseconds per reply, `count` of them, the writers taking turns."""
    ada = forum.person("ada")
    assert ada is not None
    _, root = forum.start_thread(ada, "garden", "general", "Bench", "Reply here")
    people = [forum.person(h) for h in handles]
    samples = []
    for n in range(count):
        who = people[n % len(people)]
        assert who is not None
        start = time.perf_counter()
        forum.reply(who, "garden", root, f"{round_} reply {n} from {who.handle}")
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replies", type=int, default=200)
    args = parser.parse_args()
    print(f"{'who':<28} {'replies':>7} {'median ms':>10} {'p90 ms':>8}")
    for label, handles in (
        ("members (paced)", [f"member{n}" for n in range(4)]),
        ("the sysop (exempt)", ["ada"]),
    ):
        with tempfile.TemporaryDirectory() as tmp:
            forum = make(Path(tmp))
            replies(forum, handles, 20, "warm-up")
            samples = replies(forum, handles, args.replies, "timed")
            forum.close()
        p90 = statistics.quantiles(samples, n=10)[-1]
        print(f"{label:<28} {len(samples):>7} {statistics.median(samples):>10.2f} {p90:>8.2f}")


if __name__ == "__main__":
    main()
