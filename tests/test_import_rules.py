"""The one-way rule: nothing in bbs imports Textual except bbs.ssh.driver."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import importlib, pkgutil, sys
import bbs
names = [m.name for m in pkgutil.walk_packages(bbs.__path__, "bbs.")]
for name in names:
    if name != "bbs.ssh.driver":
        importlib.import_module(name)
loaded = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
print(len(names), loaded[:5])
assert "textual" not in sys.modules, loaded[:5]
assert "screens" not in sys.modules
"""


def test_bbs_does_not_import_textual() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr + done.stdout
    assert int(done.stdout.split()[0]) > 10


def test_screens_never_touch_sql_or_ssh() -> None:
    """Screens reach data only through bbs.forum: no SQL, no store, no asyncssh."""
    import ast
    from pathlib import Path

    banned = ("sqlite3", "sqlite_utils", "asyncssh", "bbs.store", "bbs.ssh")
    offenders = []
    for path in sorted(Path(__file__).resolve().parent.parent.joinpath("screens").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            # bbs.ssh.login is a plain model of who is signing up (no asyncssh inside).
            offenders += [
                f"{path.name}: {n}" for n in names if n.startswith(banned) and n != "bbs.ssh.login"
            ]
    assert offenders == []
