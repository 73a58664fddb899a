"""Screens ask the app to go somewhere (`screens.places`); they never import each other.

Only the app and its routes (`screens/app.py`, `screens/routes.py`) import screen modules;
a screen module imports widgets, the engine, the places and the themes, and nothing in
the screens package imports in a cycle (every import counts, a late one in a function
too). Read with `ast`, as the import rules are.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCREENS = ROOT / "screens"
COMPOSITION = ("screens.app", "screens.routes")
"""The modules that know the screens: the app, and the routes it hands places to."""
SHARED = ("screens.widgets", "screens.engine", "screens.places", "screens.themes")
"""What any screen may import of the screens package."""


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def imports(path: Path) -> set[str]:
    """The screens modules `path` imports, anywhere in it."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    modules = {module_name(p) for p in SCREENS.rglob("*.py")}
    return {name for name in found if name in modules and name != "screens"}


def graph() -> dict[str, set[str]]:
    return {module_name(path): imports(path) for path in sorted(SCREENS.rglob("*.py"))}


def _is_screen_module(name: str) -> bool:
    return name.count(".") == 1 and not name.startswith(SHARED) and name not in COMPOSITION


def test_screen_modules_do_not_import_each_other() -> None:
    crossing = [
        f"{module} imports {target}"
        for module, targets in graph().items()
        if _is_screen_module(module) or module.startswith(SHARED)
        for target in sorted(targets)
        if _is_screen_module(target) or target in COMPOSITION
    ]
    assert crossing == [], "\n".join(["go through screens.places instead:", *crossing])


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan), and self-imports."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in edges.get(node, ()):
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_among_screens() -> None:
    assert cycles(graph()) == []


def test_the_checks_see_a_cycle_and_a_crossing() -> None:
    """The checks themselves, on a made-up graph and on main's three screens."""
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _is_screen_module("screens.thread") and not _is_screen_module("screens.places")
    assert not _is_screen_module("screens.widgets.bars") and not _is_screen_module("screens.app")
