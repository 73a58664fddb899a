"""The web reader as a browser sees it: Debian's Chromium, headless, driven by Playwright.

One browser for the whole run. Every kind of page, at 1280 and 360 px wide: no
console error, no sideways scrolling on a phone, Tab reaches every link with a
visible focus ring, and axe-core (from npm, run inside the page) finds nothing
serious or critical. Screenshots go to test-output/web/ for a person to look at.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from tests.web_support import CLOSED, OPEN, WebWorld, build_world, running_web

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("BBS_CHROMIUM", "/usr/bin/chromium"))
AXE = ROOT / ".npm-test" / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "test-output" / "web"
WIDTHS = (1280, 360)
CHROMIUM_ARGS = [
    # As root in a container: no sandbox, no GPU, nothing fetched from outside.
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
KINDS = {
    "directory": "/",
    "community": f"/c/{OPEN}/",
    "closed-community": f"/c/{CLOSED}/",
    "board": f"/c/{OPEN}/b/general/",
    "thread": f"/c/{OPEN}/t/2",
    "hostile-thread": "hostile",
    "meetups": f"/c/{OPEN}/events",
    "search": "/search?q=seed",
    "not-found": f"/c/{CLOSED}/t/1",
}
NOT_FOUND_LOG = "Failed to load resource: the server responded with a status of 404 (Not Found)"


def _missing(what: str, how: str) -> None:
    pytest.fail(f"{what} is missing: {how} (bash .ci/run installs both).", pytrace=False)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium (never a browser Playwright would download), a fresh profile each
    run (Playwright's launch makes a temporary --user-data-dir)."""
    if not CHROMIUM.exists():
        _missing(f"Chromium ({CHROMIUM})", "apt-get install -y chromium")
    if not AXE.exists():
        _missing(f"axe-core ({AXE})", "npm install --prefix .npm-test axe-core@4")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> WebWorld:
    return build_world(tmp_path_factory.mktemp("web-browser"))


@pytest.fixture(scope="module")
def base(world: WebWorld) -> Iterator[str]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with running_web(world) as address:
        yield address


class Visit:
    """One page in a fresh tab, with every console error and page error it caused."""

    def __init__(self, browser: Browser, url: str, width: int) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": 800})
        self.page: Page = self.context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        self.page.on(
            "dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss())
        )
        response = self.page.goto(url, wait_until="load")
        assert response is not None
        self.status = response.status

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def close(self) -> None:
        self.context.close()


def _url(base: str, world: WebWorld, kind: str) -> str:
    path = KINDS[kind]
    return base + (f"/c/{OPEN}/t/{world.hostile_thread}" if path == "hostile" else path)


@pytest.fixture
def visit(browser: Browser, base: str, world: WebWorld, request: pytest.FixtureRequest):  # noqa: ANN201
    opened: list[Visit] = []

    def open_page(kind: str, width: int) -> Visit:
        opened.append(Visit(browser, _url(base, world, kind), width))
        return opened[-1]

    yield open_page
    for page in opened:
        page.close()


def _axe(page: Page) -> list[dict[str, object]]:
    """axe-core's violations on the page (evaluated over DevTools: the page's own policy
    lets no script in, which is the point)."""
    page.evaluate(AXE.read_text())
    return page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
            .map(v => ({id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))"""
    )


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", list(KINDS))
def test_every_page_kind_renders_cleanly_and_accessibly(visit, kind: str, width: int) -> None:  # noqa: ANN001
    seen = visit(kind, width)
    page = seen.page
    assert seen.status == (404 if kind == "not-found" else 200)
    page.screenshot(path=str(SHOTS / f"{kind}-{width}.png"), full_page=True)
    errors = [e for e in seen.errors if not (kind == "not-found" and e == NOT_FOUND_LOG)]
    assert errors == [] and seen.dialogs == []
    if width == 360:
        overflow = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert overflow[0] <= overflow[1], f"scrolls sideways at 360 px: {overflow}"
    assert page.evaluate("() => document.scripts.length") == 0
    assert page.title().endswith("· The Commons BBS")
    assert page.evaluate("() => document.documentElement.lang") == "en"
    for scheme in ("light", "dark") if width == 1280 else ("light",):
        page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
        violations = _axe(page)
        bad = [v for v in violations if v["impact"] in ("serious", "critical")]
        assert bad == [], (scheme, json.dumps(bad, indent=1))
        assert violations == [], (scheme, json.dumps(violations, indent=1))  # none at all


TAB_WALK = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {href: el.getAttribute("href"), tag: el.tagName, text: el.textContent.trim(),
          outline: style.outlineStyle, width: parseFloat(style.outlineWidth)};
}"""


@pytest.mark.parametrize("kind", list(KINDS))
def test_tab_reaches_every_link_with_a_visible_focus(visit, kind: str) -> None:  # noqa: ANN001
    page = visit(kind, 1280).page
    links = page.evaluate("() => [...document.querySelectorAll('a[href]')].length")
    reached: list[dict[str, object]] = []
    for _ in range(links + 20):
        page.keyboard.press("Tab")
        focused = page.evaluate(TAB_WALK)
        if focused["tag"] == "BODY" or (reached and focused == reached[0]):
            break
        reached.append(focused)
    reached_links = [r for r in reached if r["tag"] == "A"]
    assert len(reached_links) == links, (links, [r["text"] for r in reached])
    assert reached[0]["text"] == "Skip to content"
    hidden = [r["text"] for r in reached if r["outline"] == "none" or not r["width"]]
    assert hidden == [], "focus must be visible"


def test_the_skip_link_goes_to_the_content(visit) -> None:  # noqa: ANN001
    page = visit("thread", 360).page
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Skip to content"
    box = page.evaluate("() => document.activeElement.getBoundingClientRect().top")
    assert box >= 0, "the skip link shows when it has focus"
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#main"


@pytest.mark.parametrize("which", ["hostile_thread", "raw_thread"])
def test_a_hostile_post_is_inert_in_the_browser(
    browser: Browser, base: str, world: WebWorld, which: str
) -> None:
    seen = Visit(browser, f"{base}/c/{OPEN}/t/{getattr(world, which)}", 1280)
    try:
        page = seen.page
        for target in page.locator("article .body .link, article .body .address").all():
            target.click()
        assert page.url.endswith(f"/t/{getattr(world, which)}")
        state = page.evaluate(
            """() => ({pwned: window.__pwned ?? null, scripts: document.scripts.length,
                 handlers: document.querySelectorAll("[onload],[onerror],[onclick]").length,
                 foreign: [...document.querySelectorAll("[href],[src]")]
                   .map(e => e.getAttribute("href") ?? e.getAttribute("src"))
                   .filter(a => !a.startsWith("/") && !a.startsWith("#")),
                 shown: document.body.innerText})"""
        )
        assert state["pwned"] is None and state["scripts"] == 0 and state["handlers"] == 0
        assert state["foreign"] == []
        assert "<script>window.__pwned = 'script'</script>" in state["shown"]
        assert "\u202e" not in state["shown"] and "desrever" in state["shown"]
        assert seen.errors == [] and seen.dialogs == []
    finally:
        seen.close()
