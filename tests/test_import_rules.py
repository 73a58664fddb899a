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


def test_the_import_contracts_are_kept() -> None:
    """The arrows of pyproject.toml's [tool.importlinter] (layers, who may import screens
    and Textual, where SQL may live, no cycles in bbs), as `make lint` checks them."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    lint = Path(sys.executable).with_name("lint-imports")
    assert lint.exists(), "import-linter is missing: pip install -e '.[dev]'"
    done = subprocess.run(
        [str(lint), "--no-cache"], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "BROKEN" not in done.stdout and "KEPT" in done.stdout
