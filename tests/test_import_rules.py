"""The one-way rule: nothing in bbs imports Textual (or screens); screens never touch SQL or SSH."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import importlib, pkgutil, sys
import bbs
names = [m.name for m in pkgutil.walk_packages(bbs.__path__, "bbs.")]
for name in names:
    importlib.import_module(name)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "rich", "screens"))
print(len(names), loaded[:5])
assert "textual" not in sys.modules, loaded[:5]
assert "screens" not in sys.modules, loaded[:5]
"""

PLAIN_SSH = ("bbs.ssh.login", "bbs.ssh.terminal", "bbs.ssh.input", "bbs.ssh.fairness")
"""The modules of bbs.ssh that hold no asyncssh: who is signing up (for the sign-up
screen), and the terminal, input and loop accounts the engine's SSH driver works with."""

ENGINE_ONLY = ("bbs.ssh.terminal", "bbs.ssh.input", "bbs.ssh.fairness")


def test_bbs_does_not_import_textual() -> None:
    """Every module of bbs, the SSH server included: the UI and its driver come from the CLI."""
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr + done.stdout
    assert int(done.stdout.split()[0]) > 10


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def test_screens_never_touch_sql_or_ssh() -> None:
    """Screens reach data only through bbs.forum: no SQL, no store, no asyncssh."""
    banned = ("sqlite3", "sqlite_utils", "asyncssh", "bbs.store", "bbs.ssh")
    offenders = []
    for path in sorted(ROOT.joinpath("screens").rglob("*.py")):
        engine = "engine" in path.relative_to(ROOT).parts
        allowed = PLAIN_SSH if engine else ("bbs.ssh.login",)
        offenders += [
            f"{path.relative_to(ROOT)}: {name}"
            for name in _imports(path)
            if name.startswith(banned) and name not in allowed
        ]
        if not engine:
            offenders += [
                f"{path.relative_to(ROOT)}: {name} (only the engine's driver uses it)"
                for name in _imports(path)
                if name in ENGINE_ONLY
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


def test_the_plain_ssh_modules_hold_no_asyncssh() -> None:
    """What screens may import of bbs.ssh loads neither asyncssh nor a store."""
    script = (
        f"import sys\nfor name in {PLAIN_SSH!r}: __import__(name)\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('asyncssh', 'bbs.store')))\n"
        "assert not bad, bad\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr + done.stdout
