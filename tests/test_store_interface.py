"""The stores' interface is written down (bbs/store/interface.py) and it is all the forum uses.

Both backends implement the same protocols: these tests keep the list honest. The
SQLite and the PostgreSQL stores match every signature; the forum (its actions, the seed,
the bootstrap, the bus's interest) calls nothing of a store that the protocols do not list; the SSH
side's limits ask nothing the LimitsBackend does not list; no SQL lives outside bbs/store.
"""

from __future__ import annotations

import ast
import inspect
import re
import typing
from pathlib import Path

import pytest

from bbs.actions.base import ForumBase
from bbs.store.community import CommunityStore
from bbs.store.hub import HubStore
from bbs.store.interface import CommunityBackend, HubBackend, LimitsBackend
from bbs.store.limits import LimitsStore
from bbs.store.pg_community import PgCommunityStore
from bbs.store.pg_hub import PgHubStore
from bbs.store.pg_limits import PgLimitsStore

ROOT = Path(__file__).resolve().parent.parent
PAIRS = [(HubBackend, HubStore), (CommunityBackend, CommunityStore), (LimitsBackend, LimitsStore)]
PAIRS += [(HubBackend, PgHubStore), (CommunityBackend, PgCommunityStore)]
PAIRS += [(LimitsBackend, PgLimitsStore)]
CONTEXTS = ("transaction", "paced")  # a @contextmanager returns an Iterator, as the protocol allows
FORUM_SIDE = [
    ROOT / "bbs" / "forum.py",
    *sorted((ROOT / "bbs" / "actions").glob("*.py")),
    ROOT / "bbs" / "seed.py",
    ROOT / "bbs" / "bootstrap.py",
    ROOT / "bbs" / "bus" / "interest.py",
]
LIMITS_SIDE = [ROOT / "bbs" / "ssh" / "limits.py", ROOT / "bbs" / "ssh" / "penalties.py"]


def members(protocol: type) -> set[str]:
    """What a protocol lists: its methods and its attributes."""
    names = {n for n, v in vars(protocol).items() if callable(v) and not n.startswith("_")}
    return names | set(getattr(protocol, "__annotations__", {}))


@pytest.mark.parametrize(("protocol", "store"), PAIRS, ids=lambda p: p.__name__)
def test_each_store_has_every_method_of_its_protocol_with_the_same_signature(
    protocol: type, store: type
) -> None:
    differ = []
    for name in sorted(members(protocol)):
        if name in getattr(protocol, "__annotations__", {}):
            continue  # an attribute: the store sets it in __init__ (checked by mypy)
        found = getattr(store, name, None)
        assert found is not None, f"{store.__name__} has no {name}"
        want, got = inspect.signature(getattr(protocol, name)), inspect.signature(found)
        if list(want.parameters.values()) != list(got.parameters.values()):
            differ.append(f"{name}: {want} != {got}")
        elif want.return_annotation != got.return_annotation and name not in CONTEXTS:
            differ.append(f"{name} returns {want.return_annotation}, not {got.return_annotation}")
    assert differ == []


def test_the_forum_knows_its_stores_only_as_the_protocols() -> None:
    """So mypy (make lint) refuses any call the protocols do not list."""
    source = inspect.getsource(ForumBase.__init__)
    assert "self.hub: HubBackend = " in source
    assert typing.get_type_hints(ForumBase.store)["return"] is CommunityBackend


def _store_expressions(tree: ast.AST) -> tuple[set[str], set[str]]:
    """Attribute names used on the hub and on community stores in one module: `X.hub.name`,
    `X.store(...).name`, and names bound to either (or annotated as a store) in a function."""
    hub: set[str] = set()
    community: set[str] = set()
    community_types = {"CommunityStore", "CommunityBackend"}
    for scope in ast.walk(tree):
        if not isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef | ast.Module):
            continue
        bound_hub: set[str] = set()
        bound_community: set[str] = set()
        if not isinstance(scope, ast.Module):
            for arg in scope.args.args + scope.args.kwonlyargs:
                if arg.annotation is not None and ast.unparse(arg.annotation) in community_types:
                    bound_community.add(arg.arg)
        for node in ast.walk(scope):
            if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
                if _is_hub(node.value):
                    bound_hub.add(node.targets[0].id)
                elif _is_store_call(node.value):
                    bound_community.add(node.targets[0].id)
        for node in ast.walk(scope):
            if not isinstance(node, ast.Attribute):
                continue
            value = node.value
            if _is_hub(value) or (isinstance(value, ast.Name) and value.id in bound_hub):
                hub.add(node.attr)
            elif _is_store_call(value) or (
                isinstance(value, ast.Name) and value.id in bound_community
            ):
                community.add(node.attr)
    return hub, community


def _is_hub(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "hub"


def _is_store_call(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "store"
    )


def test_the_forum_calls_nothing_of_a_store_but_what_the_protocols_list() -> None:
    hub: set[str] = set()
    community: set[str] = set()
    for path in FORUM_SIDE:
        found_hub, found_community = _store_expressions(ast.parse(path.read_text()))
        hub |= found_hub
        community |= found_community
    assert len(hub) > 40 and len(community) > 30  # the scan sees the forum's calls
    assert hub - members(HubBackend) == set()
    assert community - members(CommunityBackend) == set()
    unused = (members(HubBackend) - hub - {"close"}) | (
        members(CommunityBackend) - community - {"close"}
    )
    assert unused == set(), "listed in a protocol but called by nothing: drop it"


def test_the_board_limits_ask_nothing_of_their_store_but_the_protocol() -> None:
    asked: set[str] = set()
    for path in LIMITS_SIDE:
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Attribute)
                and node.value.attr == "store"
            ):
                asked.add(node.attr)
    assert len(asked) >= 6
    assert asked - members(LimitsBackend) == set()


SQL = re.compile(
    r"\b(SELECT\s.*\bFROM\b|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM"
    r"|PRAGMA\s+\w+|CREATE\s+(TABLE|INDEX)|BEGIN\s+IMMEDIATE)"
)


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def test_no_sql_and_no_sqlite_outside_the_store() -> None:
    """Everything but bbs/store/ speaks to data through named methods: no SQL text, no
    sqlite3 or sqlite_utils import (docstrings may name SQL, as this one does)."""
    offenders = []
    for path in sorted((ROOT / "bbs").rglob("*.py")):
        if path.relative_to(ROOT / "bbs").parts[0] == "store":
            continue
        tree = ast.parse(path.read_text())
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if id(node) not in docs and SQL.search(node.value):
                    offenders.append(f"{path.name}:{node.lineno}: {node.value[:60]!r}")
            elif isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
                names += [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
                offenders += [
                    f"{path.name}:{node.lineno}: import {n}"
                    for n in names
                    if n.split(".")[0] in ("sqlite3", "sqlite_utils")
                ]
    assert offenders == []
