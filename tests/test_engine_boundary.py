"""Only the engine room (screens/engine/) uses a private name of Textual, Rich or asyncio.

Every module of bbs/, screens/ (but the engine) and bench/ is parsed with `ast`, as the
import rules are checked, and these are refused:
- importing a private module or name (`textual._compositor`, `from textual.app import _X`);
- overriding a private name a Textual or Rich base class defines (`_background_screens`);
- `self._x` where a Textual or Rich base of the class defines `_x` (`self._check_bindings`);
- `obj._x` where `_x` is a private name of Textual or Rich and not one of our own
  (`screen._compositor`, `app._context()`); a name both use is refused unless it is
  listed below as ours, with why;
- anything private reached through the `asyncio` module (`asyncio.events.Handle._run`).
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import re
import sys
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIBRARIES = ("textual", "rich")
CHECKED = ("bbs", "screens", "bench")
ENGINE = ROOT / "screens" / "engine"

OURS_TOO = {
    ("bbs/plain/line_io.py", "_text"): "the line editor's own buffer, not Rich's Text",
}
"""Private names Textual or Rich also use, that these modules use for their own."""


def private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


@cache
def _parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text())


@cache
def _stored_by_class(path: Path) -> dict[str, frozenset[str]]:
    """Private names each class of a library file stores on `self`, by qualified name."""
    found: dict[str, frozenset[str]] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                qualname = f"{prefix}{child.name}"
                found[qualname] = frozenset(
                    item.attr
                    for item in ast.walk(child)
                    if isinstance(item, ast.Attribute)
                    and isinstance(item.ctx, ast.Store)
                    and isinstance(item.value, ast.Name)
                    and item.value.id == "self"
                    and private(item.attr)
                )
                visit(child, qualname + ".")

    visit(_parsed(path), "")
    return found


_DEFINED = re.compile(r"\.(_\w+)|\bdef (_\w+)|\bclass (_\w+)|^\s*(_\w+)\s*[:=]", re.M)


@cache
def library_names() -> frozenset[str]:
    """Every private name Textual and Rich define or reach (attributes, functions, classes,
    globals): a regular expression over their source, a superset that costs no parse."""
    names: set[str] = set()
    for library in LIBRARIES:
        spec = importlib.util.find_spec(library)
        assert spec is not None and spec.origin is not None
        for path in Path(spec.origin).parent.rglob("*.py"):
            for match in _DEFINED.finditer(path.read_text()):
                names.add(next(group for group in match.groups() if group))
    return frozenset(name for name in names if private(name))


def _from_library(cls: type) -> bool:
    return cls.__module__.split(".")[0] in LIBRARIES


@cache
def library_private(cls: type) -> frozenset[str]:
    """The private names the Textual and Rich classes of `cls`'s MRO define or store."""
    names: set[str] = set()
    for base in cls.__mro__:
        if not _from_library(base):
            continue
        names.update(name for name in vars(base) if private(name))
        source = getattr(sys.modules[base.__module__], "__file__", None)
        if source and source.endswith(".py"):
            names |= _stored_by_class(Path(source)).get(base.__qualname__, frozenset())
    return frozenset(names)


def _module(path: Path) -> object:
    name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
    return importlib.import_module(name)


def checked_paths() -> list[Path]:
    return [
        path
        for top in CHECKED
        for path in sorted((ROOT / top).rglob("*.py"))
        if ENGINE not in path.parents
    ]


def _runtime_class(module: object, node: ast.ClassDef, outer: type | None) -> type | None:
    found = getattr(outer if outer is not None else module, node.name, None)
    return found if isinstance(found, type) else None


def _defined(node: ast.ClassDef) -> list[tuple[int, str]]:
    """The names a class body defines itself (methods, attributes)."""
    out = []
    for item in node.body:
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
            out.append((item.lineno, item.name))
        elif isinstance(item, ast.Assign):
            out += [(item.lineno, t.id) for t in item.targets if isinstance(t, ast.Name)]
        elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            out.append((item.lineno, item.target.id))
    return out


def _defined_by_us(
    module: object, node: ast.AST, outer: type | None, theirs: frozenset[str]
) -> set[str]:
    """The private names defined under `node` that no library base of their class defines."""
    names: set[str] = set()
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.ClassDef):
            cls = _runtime_class(module, child, outer)
            names |= _defined_by_us(
                module, child, cls, library_private(cls) if cls else frozenset()
            )
            continue
        name = None
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            name = child.name
        elif isinstance(child, ast.Attribute) and isinstance(child.ctx, ast.Store):
            name = child.attr
        elif isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
            name = child.id
        if name and private(name) and name not in theirs:
            names.add(name)
        names |= _defined_by_us(module, child, outer, theirs)
    return names


@cache
def our_names() -> frozenset[str]:
    """Private names our own code defines where no Textual or Rich base of its class does."""
    names: set[str] = set()
    for path in checked_paths():
        names |= _defined_by_us(_module(path), _parsed(path), None, frozenset())
    return frozenset(names)


def _is_self(node: ast.expr) -> bool:
    if isinstance(node, ast.Name):
        return node.id in ("self", "cls")
    return (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super"
    )


def _root_name(node: ast.expr) -> str | None:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def offences(path: Path) -> list[str]:
    """Every use of a private name of Textual, Rich or asyncio in one module."""
    where = str(path.relative_to(ROOT))
    module = _module(path)
    found: list[str] = []

    def attribute(node: ast.Attribute, cls: type | None) -> None:
        name = node.attr
        if _root_name(node) == "asyncio":
            found.append(f"{where}:{node.lineno}: asyncio's {name}")
        elif _is_self(node.value) and cls is not None and any(map(_from_library, cls.__mro__)):
            if name in library_private(cls):
                found.append(f"{where}:{node.lineno}: self.{name} ({cls.__name__}'s library base)")
        elif (
            name in library_names()
            and (name not in our_names() or not _is_self(node.value))
            and (where, name) not in OURS_TOO
        ):
            found.append(f"{where}:{node.lineno}: .{name}")

    def imported(node: ast.Import | ast.ImportFrom) -> None:
        if isinstance(node, ast.ImportFrom):
            parts = (node.module or "").split(".")
            names = [alias.name for alias in node.names]
            if parts[0] in (*LIBRARIES, "asyncio") and (
                any(map(private, parts)) or any(map(private, names))
            ):
                found.append(f"{where}:{node.lineno}: from {node.module} import {names}")
        else:
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] in LIBRARIES and any(map(private, parts)):
                    found.append(f"{where}:{node.lineno}: import {alias.name}")

    def visit(node: ast.AST, cls: type | None) -> None:
        for child in ast.iter_child_nodes(node):
            inner = cls
            if isinstance(child, ast.ClassDef):
                inner = _runtime_class(module, child, cls)
                theirs = library_private(inner) if inner else frozenset()
                found.extend(
                    f"{where}:{line}: {child.name} overrides {name}"
                    for line, name in _defined(child)
                    if name in theirs
                )
            elif isinstance(child, ast.Import | ast.ImportFrom):
                imported(child)
            elif isinstance(child, ast.Attribute) and private(child.attr):
                attribute(child, cls)
            visit(child, inner)

    visit(_parsed(path), None)
    return found


def test_no_private_name_of_textual_rich_or_asyncio_outside_the_engine() -> None:
    sys.path.insert(0, str(ROOT))
    found = [line for path in checked_paths() for line in offences(path)]
    assert found == [], "\n".join(["private names outside screens/engine/:", *found])


def test_the_check_finds_each_kind_of_private_use(tmp_path: Path) -> None:
    """The checker itself: each kind of use it refuses, in a module made for the test."""
    sample = ROOT / "screens" / "_boundary_sample.py"
    sample.write_text(
        "import asyncio\n"
        "from textual._compositor import Compositor\n"
        "from textual.app import App, _NullFile\n"
        "class Demo(App[None]):\n"
        "    _background_screens = []\n"
        "    def go(self) -> None:\n"
        "        self._check_bindings('down')\n"
        "        self.screen._compositor.size\n"
        "        asyncio.events.Handle._run\n"
    )
    try:
        found = offences(sample)
    finally:
        sample.unlink()
        sys.modules.pop("screens._boundary_sample", None)
    assert [line.split(": ", 1)[1] for line in found] == [
        "from textual._compositor import ['Compositor']",
        "from textual.app import ['App', '_NullFile']",
        "Demo overrides _background_screens",
        "self._check_bindings (Demo's library base)",
        "._compositor",
        "asyncio's _run",
    ]
