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
