"""SSH hygiene: ssh-audit (from PyPI) reports no failure against the running server."""

from __future__ import annotations

import asyncio
import json
import shutil
import sys
from pathlib import Path

from tests.ssh_support import running_server
from tests.test_ssh_e2e import FACTORIES


def ssh_audit() -> str:
    found = shutil.which("ssh-audit") or str(Path(sys.executable).parent / "ssh-audit")
    assert Path(found).exists(), "ssh-audit is a dev dependency (pip install -e '.[dev]')"
    return found


def failures(report: dict) -> list[str]:
    """Every algorithm or finding ssh-audit marks as a failure."""
    found = []
    for section in ("kex", "key", "enc", "mac"):
        for alg in report.get(section, []):
            if alg.get("notes", {}).get("fail"):
                found.append(f"{section}:{alg['algorithm']}")
    found += [f"cve:{c.get('name')}" for c in report.get("cves", [])]
    return found


async def test_ssh_audit_reports_no_failures(tmp_path: Path) -> None:
    async with running_server(tmp_path, FACTORIES) as (_, port):
        proc = await asyncio.create_subprocess_exec(
            ssh_audit(),
            "-j",
            "--skip-rate-test",
            "-p",
            str(port),
            "127.0.0.1",
            stdout=asyncio.subprocess.PIPE,
        )
        out, _ = await asyncio.wait_for(proc.communicate(), 60)
    report = json.loads(out)
    offered = {alg["algorithm"] for alg in report["kex"] + report["mac"] + report["enc"]}
    assert "curve25519-sha256" in offered and "aes256-gcm@openssh.com" in offered
    assert not offered & {"hmac-sha1", "diffie-hellman-group14-sha1", "ecdh-sha2-nistp256"}
    assert [k["algorithm"] for k in report["key"]] == ["ssh-ed25519"]
    assert failures(report) == []
