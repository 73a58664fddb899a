"""MaxStartups and PerSourcePenalties rules, on a limits store with a fake clock."""

from __future__ import annotations

from pathlib import Path

import pytest

from bbs.ssh.penalties import MaxStartups, PerSourcePenalties
from bbs.store.limits import LimitsStore


def test_max_startups_10_30_60() -> None:
    rule = MaxStartups.parse("10:30:60")
    assert not rule.refuse(9, roll=lambda: 0.0)
    assert rule.refuse(10, roll=lambda: 0.29) and not rule.refuse(10, roll=lambda: 0.30)
    assert rule.refuse(35, roll=lambda: 0.64) and not rule.refuse(35, roll=lambda: 0.66)
    assert rule.refuse(60, roll=lambda: 0.999)
    assert MaxStartups.parse("5") == MaxStartups(5, 100, 5)
    with pytest.raises(ValueError):
        MaxStartups.parse("60:30:10")


def test_early_drops_fall_on_the_sources_already_signing_in(tmp_path: Path) -> None:
    """A flood from a few addresses fills MaxStartups' early-drop range; a person from
    another address is still let in (only the hard cap stops a source with none pending)."""
    from bbs.store.limits import Cap

    store = LimitsStore(tmp_path / "limits.db", "w1", clock=lambda: 0.0)
    always = Cap(per_key=10, total=60, early=lambda pending: pending >= 10)  # drop every time
    for n in range(4):  # four flooding addresses, ten pending each
        for i in range(10):
            assert store.take_lease("unauth", f"198.51.100.{n}", f"f{n}-{i}", always) in (
                None,
                "early",
            )
    flooding = [store.take_lease("unauth", "198.51.100.0", f"again{i}", always) for i in range(3)]
    assert flooding == ["key"] * 3  # their own cap, before any early drop
    assert store.take_lease("unauth", "203.0.113.9", "person", always) is None
    assert store.take_lease("unauth", "203.0.113.9", "person-2", always) == "early"
    full = Cap(per_key=10, total=3)
    for i in range(3):
        assert store.take_lease("other", f"192.0.2.{i}", f"h{i}", full) is None
    assert store.take_lease("other", "203.0.113.9", "late", full) == "total"  # the hard cap


def test_penalties_grow_with_failures_and_cap_and_expire(tmp_path: Path) -> None:
    now = [1000.0]
    store = LimitsStore(tmp_path / "limits.db", "w1", clock=lambda: now[0])
    rules = PerSourcePenalties(store, authfail_s=5, max_s=600)
    assert rules.penalised_for("203.0.113.7") == 0
    assert rules.auth_failed("203.0.113.7") == 5
    assert rules.auth_failed("203.0.113.7") == 10
    assert rules.penalised_for("203.0.113.7") == 10
    assert rules.penalised_for("203.0.113.8") == 0  # another source is unaffected
    for _ in range(500):
        rules.auth_failed("203.0.113.7")
    assert rules.penalised_for("203.0.113.7") == 600
    now[0] += 601
    assert rules.penalised_for("203.0.113.7") == 0


def test_ipv6_is_grouped_by_64_and_exempt_networks_pass(tmp_path: Path) -> None:
    store = LimitsStore(tmp_path / "limits.db", "w1", clock=lambda: 0.0)
    rules = PerSourcePenalties(store, exempt=["127.0.0.0/8", "2001:db8:1::/48"])
    rules.auth_failed("2001:db8:2::1")
    assert rules.penalised_for("2001:db8:2::ffff") == 5
    assert rules.auth_failed("127.0.0.1") == 0 and rules.penalised_for("127.0.0.1") == 0
    assert rules.auth_failed("2001:db8:1::5") == 0
