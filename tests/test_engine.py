"""The engine's pieces (screens/engine/) change what drawing costs, never what is drawn."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from bbs.config import Config
from bbs.forum import Forum
from bbs.models import Role
from bbs.seed import create_community
from screens.engine.process import install, uninstall
from tests.conftest import NO_PACING
from tests.ui_helpers import app_for, settle


def _work(strip: Strip) -> list[object]:
    """Every cached Strip operation, as comparable values."""
    bold = Style(bold=True)
    return [
        strip.crop(1, 5).text,
        [s.text for s in strip.divide([2, 4, 9])],
        list(strip.apply_style(bold)),
        list(strip.crop_extend(0, 12, bold)),
        list(strip.adjust_cell_length(3)),
        strip.cell_length,
        strip.render(_console()),
    ]


def _console():  # noqa: ANN202
    from rich.console import Console

    return Console(width=20, color_system="truecolor", force_terminal=True)


@pytest.fixture
def patches() -> Iterator[None]:
    install()
    yield
    install()  # the app factory puts them in place; leave the process so


def test_strips_draw_the_same_with_lazy_caches(patches: None) -> None:
    segments = [Segment("hello ", Style(color="red")), Segment("world")]
    uninstall()
    plain = _work(Strip(segments))
    install()
    lazy = Strip(segments)
    assert _work(lazy) == plain
    assert _work(lazy) == plain  # second time from the caches


def test_strip_caches_are_made_on_first_use_and_then_kept(patches: None) -> None:
    strip = Strip([Segment("hello world")])
    slot = Strip.__dict__["_crop_cache"].slot
    with pytest.raises(AttributeError):
        slot.__get__(strip, Strip)  # no cache made by __init__
    first = strip.crop(0, 5)
    assert strip.crop(0, 5) is first  # the cache, made on first use, answers the second time
    assert len(slot.__get__(strip, Strip)) == 1


DOCUMENT = """# Seeds

Swap **beans** for ~~tomatoes~~ *chard*, see [the list](https://example.org/seeds).

| seed | packets |
| --- | --- |
| beans | 3 |

```python
print("sow")
```

- one
- two
"""


def test_post_bodies_draw_as_rich_markdown_does() -> None:
    """One parser for the process draws the same as Rich making its own for each document."""
    from rich.console import Console
    from rich.markdown import Markdown
    from rich.style import Style

    from screens.widgets.body import CODE_THEME, body_lines, markdown

    console = Console(width=60, color_system="truecolor", force_terminal=True)
    ours = console.render_lines(markdown(DOCUMENT), pad=True)
    rich = console.render_lines(
        Markdown(DOCUMENT, code_theme=CODE_THEME, hyperlinks=False), pad=True
    )
    assert ours == rich
    assert "(https://example.org/seeds)" in "".join(s.text for line in ours for s in line)
    style = Style(bgcolor="black")
    first = body_lines(DOCUMENT, 60, style, console)
    assert body_lines(DOCUMENT, 60, style, console) is first  # drawn once, then shared
    assert [strip.text for strip in first] == ["".join(s.text for s in line) for line in ours]


async def test_handlers_run_the_same_when_found_from_a_plan(patches: None) -> None:
    """Plain handlers, @on handlers with and without selectors, bubbling, prevent_default."""
    from textual import on
    from textual.app import App, ComposeResult
    from textual.containers import Vertical
    from textual.widgets import Button

    class Box(Vertical):
        def __init__(self, seen: list[str]) -> None:
            super().__init__()
            self.seen = seen

        def compose(self) -> ComposeResult:
            yield Button("a", id="a")
            yield Button("b", id="b")

        def on_button_pressed(self, event: Button.Pressed) -> None:
            self.seen.append(f"box named {event.button.id}")
            if event.button.id == "b":
                event.prevent_default()

        @on(Button.Pressed, "#a")
        def pressed_a(self) -> None:
            self.seen.append("box @on #a")

    class Bigger(Box):
        @on(Button.Pressed)
        def any_press(self, event: Button.Pressed) -> None:
            self.seen.append(f"bigger @on {event.button.id}")

    class Demo(App[None]):
        def __init__(self) -> None:
            super().__init__()
            self.seen: list[str] = []

        def compose(self) -> ComposeResult:
            yield Bigger(self.seen)

        def on_button_pressed(self, event: Button.Pressed) -> None:
            self.seen.append(f"app {event.button.id}")

    async def run() -> list[str]:
        app = Demo()
        async with app.run_test() as pilot:
            for button in ("a", "b"):
                await pilot.click(f"#{button}")
                await pilot.pause()
        return app.seen

    uninstall()
    textual_own = await run()
    install()
    planned = await run()
    assert planned == textual_own and "box @on #a" in planned and "app a" in planned


async def test_scroll_bars_draw_as_textual_draws_them(patches: None) -> None:
    """Shared scroll-bar lines: the same as Textual's for every position, in every app."""
    from textual.app import App, ComposeResult
    from textual.containers import VerticalScroll
    from textual.widgets import Static

    class Long(App[None]):
        def compose(self) -> ComposeResult:
            with VerticalScroll():
                for n in range(60):
                    yield Static(f"line {n}")

    async def bars(monochrome: bool) -> list[list[str]]:
        app = Long()
        if monochrome:
            from textual.filter import Monochrome

            app._filters.append(Monochrome())
        drawn = []
        async with app.run_test(size=(30, 10)) as pilot:
            scroll = app.query_one(VerticalScroll)
            bar = scroll.vertical_scrollbar
            for y in (0, 10, 25, 50):
                scroll.scroll_to(y=y, animate=False)
                await pilot.pause()
                crop = bar.size.region
                drawn.append([str(list(strip)) for strip in bar.render_lines(crop)])
        return drawn

    uninstall()
    textual_own = [await bars(False), await bars(True)]
    install()
    shared = [await bars(False), await bars(True)]
    again = [await bars(False), await bars(True)]  # from the cache, in new apps
    assert shared == textual_own == again
    assert len({tuple(lines) for lines in shared[0]}) == 4  # the thumb moved each time
    assert shared[0] != shared[1]  # monochrome bars are not the coloured ones


def _tour_forum(path: Path) -> Forum:
    """The same small forum for every tour: a community, a thread with a reply, two people."""
    forum = Forum(path, replace(Config(data_dir=path, post_interval_s=0), **NO_PACING))
    ada = forum.register("ada", "Ada", role=Role.SYSOP)
    bob = forum.register("bob", "Bob")
    board = {"slug": "general", "name": "General"}
    community = {"slug": "garden", "name": "Garden", "description": "Growing", "boards": [board]}
    create_community(forum, community, ada.id, time.time())
    forum.hub.set_membership(bob.id, "garden", "member", "active")
    thread_id, root = forum.start_thread(ada, "garden", "general", "Tour", "a **tour** " * 40)
    forum.reply(ada, "garden", root, "Second, with a [link](https://example.org)")
    return forum


async def _tour(
    path: Path, theme: str = "textual-dark", added: list[str] | None = None
) -> list[str]:
    """Every main screen as the terminal would get it whole (characters and colours), and
    the last again after a theme change: what the app draws, in a fresh forum. `added`
    gets the CSS sources the stylesheet was given after the first screen was up."""
    from rich.console import Console

    from screens.composer import ComposerScreen
    from screens.directory import DirectoryScreen
    from screens.help import HelpScreen
    from screens.online import OnlineScreen
    from screens.search import SearchScreen
    from screens.thread import ThreadScreen

    forum = _tour_forum(path)
    bob = forum.person("bob")
    assert bob is not None
    app = app_for(forum, bob)
    console = Console(width=80, height=24, color_system="truecolor", force_terminal=True)
    drawn: list[str] = []

    def draw() -> None:
        update = app.screen._compositor.render_update(full=True)
        drawn.append(update.render_segments(console))

    try:
        async with app.run_test(size=(80, 24)) as pilot:
            app.theme = theme
            await settle(pilot)
            draw()
            sources = set(app.stylesheet.source)
            thread = forum.read_thread(bob, "garden", 1)
            for screen in (
                DirectoryScreen(),
                ThreadScreen("garden", thread.thread.id),
                ComposerScreen.reply("garden", thread.posts[0]),
                SearchScreen(),
                OnlineScreen(),
                HelpScreen(),
            ):
                await app.push_screen(screen)
                await settle(pilot)
                draw()
            await app.pop_screen()  # help is a dialog: app keys wait until it is closed
            await pilot.press("ctrl+t")  # another theme: the stylesheet's variables change
            await settle(pilot)
            draw()
            if added is not None:
                added += sorted(str(where) for where in set(app.stylesheet.source) - sources)
    finally:
        forum.close()
    return drawn


async def test_shared_css_rules_style_every_widget_as_textual_does(
    patches: None, tmp_path: Path
) -> None:
    """Rules parsed once for the process (and first parsed for another theme's app) draw
    every screen exactly as rules each app parses itself."""
    from screens.engine import css_rules

    css_rules.install(False)
    textual_own = await _tour(tmp_path / "own")
    css_rules.install(True)
    await _tour(tmp_path / "light", theme="textual-light")  # the shared cache, other colours
    shared = await _tour(tmp_path / "shared")
    assert len(shared) == 8 and len(set(shared)) == 8
    assert shared == textual_own


async def test_preloaded_css_styles_every_screen_as_textual_does(
    patches: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every screen's CSS read at app start draws every screen exactly as reading each
    screen's CSS when it is first pushed (Textual's way)."""
    from screens.engine import switches

    monkeypatch.setattr(switches, "OFF", frozenset({"css_preload"}))
    textual_own = await _tour(tmp_path / "own")
    monkeypatch.setattr(switches, "OFF", frozenset())
    preloaded = await _tour(tmp_path / "preloaded")
    assert len(set(preloaded)) == 8
    assert preloaded == textual_own


async def test_every_screen_css_is_preloaded(patches: None, tmp_path: Path) -> None:
    """No screen, dialog or widget of the tour adds CSS once the app has started (each new
    piece would make Textual parse and apply the whole stylesheet again); without the
    preload, they do."""
    from screens.engine import switches

    added: list[str] = []
    await _tour(tmp_path / "preloaded", added=added)
    assert added == [], added
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(switches, "OFF", frozenset({"css_preload"}))
        await _tour(tmp_path / "own", added=added)
    assert any("thread.tcss" in where for where in added)
    assert any("PostTree.DEFAULT_CSS" in where for where in added)
