"""The upgrade guard: the source of every Textual, Rich and asyncio piece the engine replaces
or leans on is fingerprinted; when any changes, one failure names all of them.

Each module of screens/engine/ lists what it leans on in `LEANS_ON` ("module:qualname").
After an upgrade that changes one, re-read the piece (its docstring says what it replaces
and which test guards it), run its guards, measure it (`BBS_ENGINE_OFF`), and then write
the new fingerprints here: `.venv/bin/python -m tests.test_engine_fingerprints` prints them.
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import inspect
import pkgutil
import re
import sys
import tomllib
from functools import cache
from importlib.metadata import version
from pathlib import Path
from types import ModuleType

import screens.engine

ROOT = Path(__file__).resolve().parent.parent

FINGERPRINTS = {  # textual 8.2.8, rich 15.0.0, CPython 3.11
    "asyncio.events:Handle.__init__": "b7bf38d8a973919a",
    "asyncio.events:Handle._run": "ca93f9e79902ae84",
    "rich.markdown:Markdown.__init__": "b095604e8bf4de1c",
    "rich.markdown:Markdown.__rich_console__": "46519e4d8af064e0",
    "rich.style:Style.meta": "e15bb40e76ce9a1e",
    "textual._compositor:ChopsUpdate": "7c7d3e0bf714e836",
    "textual._compositor:Compositor._get_renders": "c5f86e10abeff84b",
    "textual._compositor:Compositor._render_chops": "12a7979c94d3dbb9",
    "textual._compositor:Compositor.render_update": "0ad323b7518105ce",
    "textual._compositor:Compositor.visible_widgets": "5800db0bf3727a32",
    "textual._compositor:CompositorUpdate": "3c3ba1394893c395",
    "textual._on:on": "345c8f501bcd4b59",
    "textual._parser:Parser": "5e97a0be1bb08455",
    "textual._styles_cache:StylesCache.render": "41a402e58b23ce64",
    "textual._styles_cache:StylesCache.render_line": "1a5a0244a4028e98",
    "textual._styles_cache:StylesCache.render_widget": "f75ee33a87886cb1",
    "textual._xterm_parser:XTermParser": "fc1e32fb7a4ae5a0",
    "textual.app:App.__init__": "c7c9165bbb6390aa",
    "textual.app:App._background_screens": "35815044ee3280b4",
    "textual.app:App._check_bindings": "b6850e10de3d48ad",
    "textual.app:App._context": "2283d89e5304213b",
    "textual.app:App._print_error_renderables": "67bc29e19ae8b257",
    "textual.app:App.get_line_filters": "1b56c183e2c4162b",
    "textual.app:App.on_event": "4f6086b413d10597",
    "textual.app:App.run_async": "568a2b1cdacf799c",
    "textual.app:_NullFile": "51e12a10290de743",
    "textual.css.stylesheet:Stylesheet._parse_rules": "01a7957fb176d1ba",
    "textual.driver:Driver": "da5e0cb615051aaf",
    "textual.events:Key.name_aliases": "765984de3affd094",
    "textual.filter:LineFilter": "989383b7e09ab9a2",
    "textual.filter:Monochrome": "a2f2b429e90d5313",
    "textual.filter:NoColor": "c4c240a7812ad3f8",
    "textual.message_pump:MessagePump._get_dispatch_methods": "da069c0e9734f280",
    "textual.message_pump:_MessagePumpMeta.__new__": "f527aac8c23a8e5e",
    "textual.screen:Screen._compositor_refresh": "30c01d22baee5fa4",
    "textual.screen:Screen._extend_compose": "8a2b97fce7ea6c09",
    "textual.screen:Screen._on_idle": "90bcadb26d1333d3",
    "textual.screen:Screen._on_timer_update": "b429ac0230009b4f",
    "textual.screen:Screen._on_update": "ea306183f2ed9080",
    "textual.scroll_view:ScrollView._size_updated": "641e3f6ed6fb76ed",
    "textual.scroll_view:ScrollView.watch_scroll_y": "c202afae71fc0a8c",
    "textual.scrollbar:ScrollBar.refresh": "9224b76d276f4834",
    "textual.scrollbar:ScrollBar.render": "dc05103a78bcbf1f",
    "textual.scrollbar:ScrollBar.render_lines": "d3a6999d1182b2ec",
    "textual.scrollbar:ScrollBarRender": "06b0fe6f3d3ffcf9",
    "textual.strip:Strip": "456b4d7abd33e332",
    "textual.strip:Strip.__init__": "466b535b5e38cc72",
    "textual.strip:Strip.render_ansi": "531cd73d82e2dbcc",
    "textual.strip:Strip.render_style": "1c9d39eec67991a5",
    "textual.widget:Widget._check_refresh": "a3731b142875c20c",
    "textual.widget:Widget._on_key": "7991ea46c1d7b08c",
    "textual.widget:Widget._scroll_update": "14e335e8d272bf97",
    "textual.widget:Widget._set_dirty": "c594af460d1324fb",
    "textual.widget:Widget.handle_key": "1424fe9ad1289611",
    "textual.widget:Widget.notify_style_update": "007cb6a2ee1f4607",
    "textual.widget:Widget.refresh": "9224b76d276f4834",
    "textual.widget:Widget.render_lines": "d3a6999d1182b2ec",
    "textual.widget:Widget.virtual_size": "257eb7a4d13171cb",
}


def engine_modules() -> list[ModuleType]:
    return [
        importlib.import_module(info.name)
        for info in pkgutil.iter_modules(screens.engine.__path__, "screens.engine.")
    ]


def _member_source(cls: type, member: str) -> str | None:
    """The source of `member` where the first class of `cls`'s MRO that defines it does."""
    for base in cls.__mro__:
        path = inspect.getsourcefile(base) if base.__module__ != "builtins" else None
        if path is None:
            continue
        text = Path(path).read_text()
        node: ast.AST = ast.parse(text)
        for part in base.__qualname__.split("."):
            node = next(
                (n for n in ast.iter_child_nodes(node) if getattr(n, "name", None) == part),
                ast.Module(body=[], type_ignores=[]),
            )
        for item in getattr(node, "body", []):
            names = [getattr(item, "name", None)]
            if isinstance(item, ast.Assign | ast.AnnAssign):
                targets = item.targets if isinstance(item, ast.Assign) else [item.target]
                names = [t.id for t in targets if isinstance(t, ast.Name)]
            if member in names:
                return ast.get_source_segment(text, item)
    return None


def source_of(target: str) -> str:
    """The library's own source for `module:qualname`, read from its file: what the engine
    has put in place of a function (once the app factory has run) is not what is hashed."""
    module_name, _, qualname = target.partition(":")
    found: object = importlib.import_module(module_name)
    parts = qualname.split(".")
    for n, part in enumerate(parts):
        if isinstance(found, type) and n == len(parts) - 1:
            source = _member_source(found, part)
            if source is None:
                raise AttributeError(f"{target}: not found in the source")
            return source
        found = getattr(found, part)
    return inspect.getsource(found)  # type: ignore[arg-type]


def fingerprint(target: str) -> str:
    """A short hash of the library's source for `target`."""
    return hashlib.sha256(source_of(target).encode()).hexdigest()[:16]


@cache
def leaned_on() -> dict[str, list[str]]:
    """Each target the engine leans on, and the engine modules that do."""
    users: dict[str, list[str]] = {}
    for module in engine_modules():
        for target in getattr(module, "LEANS_ON", ()):
            users.setdefault(target, []).append(module.__name__)
    return users


def guard_of(module_name: str) -> str:
    """What a piece's docstring names as its guard."""
    doc = sys.modules[module_name].__doc__ or ""
    found = re.search(r"Guarded by:(.*?)(?:\n\n|\Z)", doc, re.S)
    return " ".join(found.group(1).split()) if found else "(no guard named)"


def test_nothing_the_engine_leans_on_has_changed() -> None:
    changed = []
    for target, users in sorted(leaned_on().items()):
        try:
            now = fingerprint(target)
        except (ImportError, AttributeError) as error:
            now = f"gone ({error})"
        if FINGERPRINTS.get(target) != now:
            pieces = "; ".join(f"{name}, guarded by {guard_of(name)}" for name in users)
            changed.append(f"- {target} ({now}): re-check {pieces}")
    stale = sorted(set(FINGERPRINTS) - set(leaned_on()))
    report = [f"- {target}: no piece leans on it any more" for target in stale]
    assert not changed and not report, "\n".join(
        ["Textual, Rich or asyncio changed under the engine:", *changed, *report]
    )


def test_every_piece_says_what_it_replaces_why_what_it_saves_and_its_guard() -> None:
    missing = []
    for module in engine_modules():
        name = module.__name__
        if name in ("screens.engine.switches", "screens.engine.process"):
            continue  # the switches and the list of patches, not pieces
        doc = module.__doc__ or ""
        for part in ("Replaces", "Why:", "Saves:", "Guarded by:"):
            if part not in doc:
                missing.append(f"{name}: no {part!r} in its docstring")
        if not getattr(module, "LEANS_ON", ()):
            missing.append(f"{name}: no LEANS_ON")
    assert missing == []


def test_textual_and_rich_are_pinned_exactly_and_installed_as_pinned() -> None:
    pins = {}
    for line in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]:
        name, _, pinned = line.partition("==")
        pins[name.strip()] = pinned.strip()
    assert pins.get("textual") == version("textual")
    assert pins.get("rich") == version("rich")


def test_a_change_is_reported_with_the_piece_and_its_guard(monkeypatch: object) -> None:
    """The guard itself: a changed fingerprint fails, naming the piece that leans on it."""
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    target = "textual.css.stylesheet:Stylesheet._parse_rules"
    monkeypatch.setitem(FINGERPRINTS, target, "0" * 16)
    with pytest.raises(AssertionError) as failed:
        test_nothing_the_engine_leans_on_has_changed()
    message = str(failed.value)
    assert target in message and "screens.engine.css_rules" in message
    assert "test_shared_css_rules_style_every_widget_as_textual_does" in message


if __name__ == "__main__":
    sys.stdout.write("FINGERPRINTS = {\n")
    for target in sorted(leaned_on()):
        sys.stdout.write(f'    "{target}": "{fingerprint(target)}",\n')
    sys.stdout.write("}\n")
