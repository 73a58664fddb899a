"""The web reader over HTTP: what each page says, what no page ever says, and its caching."""

from __future__ import annotations

import ast
import os
import re
import signal
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import httpx
import icalendar
import pytest

from bbs.models import GUEST, Role
from tests.web_support import (
    CLOSED,
    INERT_TEXT,
    OPEN,
    REQUEST,
    SECRET,
    WebWorld,
    build_world,
    running_web,
)

ROOT = Path(__file__).resolve().parent.parent
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> WebWorld:
    return build_world(tmp_path_factory.mktemp("web"))


@pytest.fixture(scope="module")
def web(world: WebWorld) -> Iterator[httpx.Client]:
    with running_web(world) as base, httpx.Client(base_url=base, timeout=10) as client:
        yield client


class Tags(HTMLParser):
    """Every start tag of a page with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags_of(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


class Text(HTMLParser):
    """What a page says, as a person reads it (entities decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def text_of(html: str) -> str:
    parser = Text()
    parser.feed(html)
    return "".join(parser.parts)


def assert_inert(html: str) -> None:
    """Nothing on the page can run, load or lead outside the board."""
    tags = tags_of(html)
    names = {tag for tag, _ in tags}
    assert not names & {"script", "img", "svg", "iframe", "style", "object", "embed"}, names
    for tag, attrs in tags:
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        for name in ("href", "src", "action"):
            value = attrs.get(name)
            assert value is None or value.startswith(("/", "#")), (tag, name, value)
    assert not BIDI.search(html)
    assert "\x1b" not in html and "\x07" not in html


# what a page says ------------------------------------------------------------------------
def test_directory_lists_every_community_with_description_and_rules(
    web: httpx.Client,
) -> None:
    page = web.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    for name in ("Night Gardeners", "Rare Threads", "Modular Club", "Quiet Readers"):
        assert name in page.text
    assert "No invasives." in page.text  # Night Gardeners' rules, as Markdown
    assert "By request" in page.text and "Invite only" in page.text
    assert '<html lang="en">' in page.text and "<title>Communities · " in page.text


def test_every_page_says_how_to_join_with_the_real_host_and_port(web: httpx.Client) -> None:
    for path in ("/", f"/c/{OPEN}/", f"/c/{CLOSED}/", f"/c/{OPEN}/t/1", "/search", "/nowhere"):
        text = web.get(path).text
        assert "ssh -p 2222 guest@127.0.0.1" in text, path
        assert "ssh-keygen -t ed25519" in text, path
        assert "ssh -p 2222 yourname@127.0.0.1" in text, path
    assert f"join {OPEN} --accept-rules" in web.get(f"/c/{OPEN}/").text
    assert f"join {CLOSED} --accept-rules --code CODE" in web.get(f"/c/{CLOSED}/").text


def test_a_community_shows_its_boards_meetups_and_feed(web: httpx.Client) -> None:
    text = web.get(f"/c/{OPEN}/").text
    for board in ("General", "Meetups", "Swaps"):
        assert f'<a href="/c/{OPEN}/b/{board.lower()}/">{board}</a>' in text
    assert "Autumn Seed and Cutting Swap" in text
    assert f'href="/c/{OPEN}/feed.atom"' in text and 'type="application/atom+xml"' in text


def test_a_thread_is_nested_lists_of_posts_under_headings(web: httpx.Client) -> None:
    text = web.get(f"/c/{OPEN}/t/2").text
    assert "<h1>Night-blooming plants that actually survive a hot balcony?</h1>" in text
    assert "Post 1 of 8, by fern</h2>" in text
    assert "Post 3 of 8, by fern, replying to mothlight</h2>" in text
    assert text.count('<ol class="posts">') >= 3  # replies nest inside their parents
    assert "<em>Mirabilis jalapa</em>" in text  # Markdown, as in the TUI


def test_a_deep_back_and_forth_nests_no_deeper_than_five(world: WebWorld) -> None:
    writer = world.writer()
    fern, kestrel = writer.person("fern"), writer.person("kestrel")
    assert fern and kestrel
    thread, parent = writer.start_thread(fern, OPEN, "swaps", "Deep", "Start")
    for depth in range(12):
        parent = writer.reply(kestrel if depth % 2 else fern, OPEN, parent, f"Reply {depth}")
    writer.close()
    with running_web(world) as base:
        text = httpx.get(f"{base}/c/{OPEN}/t/{thread}").text
    nesting = max(
        len(re.findall(r'<ol class="posts">', text[: m.start()]))
        - len(re.findall(r"</ol>", text[: m.start()]))
        for m in re.finditer("Reply 11", text)
    )
    assert "Post 13 of 13, by kestrel, replying to fern" in text
    assert nesting <= 5


def test_meetups_link_their_ics(web: httpx.Client) -> None:
    text = web.get(f"/c/{OPEN}/events").text
    assert "Autumn Seed and Cutting Swap" in text and "(Europe/London)" in text
    link = re.search(rf'href="(/c/{OPEN}/events/(\d+)\.ics)"', text)
    assert link
    ics = web.get(link.group(1))
    assert ics.status_code == 200
    assert ics.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in ics.text and "SUMMARY:" in ics.text
    (vevent,) = icalendar.Calendar.from_ical(ics.text).walk("VEVENT")  # a calendar reads it
    assert str(vevent["SUMMARY"]) == "Autumn Seed and Cutting Swap"


def test_atom_feeds_of_a_community_and_a_board(web: httpx.Client) -> None:
    ns = {"a": "http://www.w3.org/2005/Atom"}
    for path in (f"/c/{OPEN}/feed.atom", f"/c/{OPEN}/b/swaps/feed.atom"):
        feed = web.get(path)
        assert feed.status_code == 200
        assert feed.headers["content-type"].startswith("application/atom+xml")
        root = ET.fromstring(feed.content)
        entries = root.findall("a:entry", ns)
        assert entries, path
        link = entries[0].find("a:link", ns)
        assert link is not None and link.get("href", "").startswith("http://127.0.0.1:")
    swaps = web.get(f"/c/{OPEN}/b/swaps/feed.atom").text
    assert "How to swap" in swaps and "Rooftop beds" not in swaps


def test_search_finds_open_posts(web: httpx.Client) -> None:
    text = web.get("/search", params={"q": "moonflower"}).text
    assert "Offering: moonflower seeds" in text
    assert re.search(rf'href="/c/{OPEN}/t/\d+#post-\d+"', text)
    assert "The search is empty" not in web.get("/search").text
    too_long = web.get("/search", params={"q": "x" * 300})
    assert too_long.status_code == 200 and "the limit is 200" in too_long.text


def test_board_pages(web: httpx.Client) -> None:
    text = web.get(f"/c/{OPEN}/b/general/").text
    assert "Introduce yourself" in text
    assert web.get(f"/c/{OPEN}/b/general/", params={"page": "2"}).status_code == 404
    assert web.get(f"/c/{OPEN}/b/general/", params={"page": "x"}).status_code == 404
    assert web.get(f"/c/{OPEN}/b/nope/").status_code == 404


# what no page ever says -----------------------------------------------------------------
@pytest.mark.parametrize("which", ["hostile_thread", "raw_thread"])
def test_a_hostile_post_renders_inert(web: httpx.Client, world: WebWorld, which: str) -> None:
    page = web.get(f"/c/{OPEN}/t/{getattr(world, which)}")
    assert page.status_code == 200
    assert_inert(page.text)
    shown = text_of(page.text)
    assert "<script>window.__pwned = 'script'</script>" in shown  # as text
    for text in INERT_TEXT:
        assert text in shown
    assert "desrever" in shown  # the words stay, the override goes
    assert '<p class="body-heading"><strong>A heading in a post</strong></p>' in page.text
    assert "https://example.com/page?a=1&amp;b=2" in page.text  # the address, as text
    assert page.headers["content-security-policy"].startswith("default-src 'none'")


def test_hostile_text_in_feeds_and_search_is_inert(web: httpx.Client, world: WebWorld) -> None:
    feed = web.get(f"/c/{OPEN}/b/general/feed.atom")
    ET.fromstring(feed.content)  # well-formed, whatever was in the post
    for entry in ET.fromstring(feed.content).iter("{http://www.w3.org/2005/Atom}content"):
        assert_inert(entry.text or "")
    found = web.get("/search", params={"q": "pwned"})
    assert "window.__pwned" in found.text
    assert_inert(found.text)


def test_every_page_is_inert_and_links_only_inside(web: httpx.Client) -> None:
    for path in ("/", f"/c/{OPEN}/", f"/c/{OPEN}/b/general/", f"/c/{OPEN}/events", "/search"):
        assert_inert(web.get(path).text)


def _not_found_body(web: httpx.Client) -> str:
    page = web.get("/c/no-such-community/t/1")
    assert page.status_code == 404
    return page.text


def test_closed_communities_show_name_description_rules_only(
    web: httpx.Client, world: WebWorld
) -> None:
    for slug in (CLOSED, REQUEST):
        page = web.get(f"/c/{slug}/")
        assert page.status_code == 200
        assert '<h2 id="rules-heading">Rules</h2>' in page.text
        assert SECRET not in page.text
        assert "/b/" not in page.text and "/t/" not in page.text and "feed.atom" not in page.text


def test_closed_thread_urls_answer_the_same_404_as_nothing(
    web: httpx.Client, world: WebWorld
) -> None:
    nothing = _not_found_body(web)
    for slug, ids in ((CLOSED, world.closed_threads), (REQUEST, world.request_threads)):
        for path in [f"/c/{slug}/t/{i}" for i in (*ids, 999)] + [
            f"/c/{slug}/b/general/",
            f"/c/{slug}/feed.atom",
            f"/c/{slug}/b/general/feed.atom",
            f"/c/{slug}/events",
            f"/c/{slug}/events/1.ics",
        ]:
            page = web.get(path)
            assert page.status_code == 404, path
            assert page.text == nothing, path
            assert "etag" not in page.headers and "last-modified" not in page.headers


def test_thread_ids_guessed_across_communities_show_nothing_closed(
    web: httpx.Client, world: WebWorld
) -> None:
    """Ids are per community: a closed community's id in an open one's URL shows the open
    one's own thread or the 404, never the closed one's."""
    for thread_id in (*world.closed_threads, 10**18, 2**63, 10**30):
        page = web.get(f"/c/{OPEN}/t/{thread_id}")
        assert page.status_code in (200, 404)
        assert SECRET not in page.text
        if page.status_code == 404:
            assert page.text == _not_found_body(web)
    for path in (f"/c/{CLOSED}/", "/", f"/c/{OPEN}/feed.atom"):
        assert SECRET not in web.get(path).text, path
    searched = web.get("/search", params={"q": SECRET}).text
    assert "0 results for" in searched and f"The {SECRET} plan" not in searched


# caching --------------------------------------------------------------------------------
def test_pages_carry_validators_and_answer_304(web: httpx.Client, world: WebWorld) -> None:
    path = f"/c/{OPEN}/t/3"
    first = web.get(path)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert etag.startswith('W/"') and first.headers["cache-control"] == "no-cache"
    again = web.get(path)
    assert again.content == first.content and again.headers["etag"] == etag
    by_tag = web.get(path, headers={"if-none-match": etag})
    assert by_tag.status_code == 304 and by_tag.content == b""
    assert web.get(path, headers={"if-modified-since": modified}).status_code == 304
    assert web.get(path, headers={"if-none-match": 'W/"other"'}).status_code == 200
    # If-None-Match decides when both are given (RFC 9110 13.2.2)
    both = web.get(path, headers={"if-none-match": 'W/"other"', "if-modified-since": modified})
    assert both.status_code == 200


def _changes(world: WebWorld, web: httpx.Client, path: str, change, shows: str) -> None:  # noqa: ANN001
    before = web.get(path)
    etag = before.headers["etag"]
    writer = world.writer()
    try:
        change(writer)
    finally:
        writer.close()
    after = web.get(path, headers={"if-none-match": etag})
    assert after.status_code == 200, "a change in the community must change the page's ETag"
    assert after.headers["etag"] != etag
    assert shows in after.text or shows.startswith("!") and shows[1:] not in after.text


def test_a_new_reply_edit_or_hide_changes_the_validator(web: httpx.Client, world: WebWorld) -> None:
    path = f"/c/{OPEN}/t/4"
    thread = web.get(path).text
    post_id = int(re.findall(r'<li id="post-(\d+)">', thread)[-1])
    kestrel = world.writer().person("kestrel")
    assert kestrel is not None

    def reply(text: str):  # noqa: ANN202
        return lambda writer: writer.reply(kestrel, OPEN, post_id, text)

    _changes(world, web, path, reply("A brand new reply about shade"), "about shade")
    _changes(world, web, f"/c/{OPEN}/", reply("Another, for the board"), "!for the board")
    mine = int(re.findall(r'<li id="post-(\d+)">', web.get(path).text)[-1])

    def edit(writer) -> None:  # noqa: ANN001
        writer.edit_post(kestrel, OPEN, mine, "Edited: shade cloth at forty percent")

    _changes(world, web, path, edit, "Edited: shade cloth at forty percent")

    def hide(writer) -> None:  # noqa: ANN001
        moderator = writer.person("webmod") or writer.register("webmod", "Mod", role=Role.SYSOP)
        writer.hide_post(moderator, OPEN, mine, "Off topic")

    _changes(world, web, path, hide, "Hidden by a moderator: Off topic")
    assert "Edited: shade cloth" not in web.get(path).text


def test_a_community_that_closes_stops_answering_even_a_validator(
    web: httpx.Client, world: WebWorld
) -> None:
    path = "/c/rare-threads/t/1"
    page = web.get(path)
    assert page.status_code == 200
    writer = world.writer()
    try:
        writer.hub.update_community("rare-threads", visibility="invite")
        closed = web.get(path, headers={"if-none-match": page.headers["etag"]})
        assert closed.status_code == 404 and closed.text == _not_found_body(web)
    finally:
        writer.hub.update_community("rare-threads", visibility="open")
        writer.close()


def test_static_files_are_cached_for_good(web: httpx.Client) -> None:
    text = web.get("/").text
    css = re.search(r'href="(/static/style\.css\?v=[0-9a-f]+)"', text)
    assert css
    sheet = web.get(css.group(1))
    assert sheet.status_code == 200 and "immutable" in sheet.headers["cache-control"]
    assert web.get("/favicon.ico").headers["content-type"] == "image/svg+xml"


# the web reader holds no rule and no SQL of its own ----------------------------------------
def test_the_web_reader_runs_no_sql_and_reads_as_a_guest() -> None:
    banned = ("sqlite3", "sqlite_utils", "bbs.store", "bbs.ssh", "asyncssh", "textual", "screens")
    offenders = []
    for path in sorted((ROOT / "bbs" / "web").rglob("*.py")):
        source = path.read_text()
        for node in ast.walk(ast.parse(source)):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.startswith(banned)]
        offenders += [f"{path.name}: SQL" for m in re.finditer(r"\bSELECT\b|\.store\(", source)]
        offenders += [f"{path.name}: .hub" for m in re.finditer(r"\.hub\b", source)]
    assert offenders == []
    assert GUEST.is_guest


def test_bbs_web_command_serves_and_stops(world: WebWorld) -> None:
    """`bbs web` as a person starts it: prints its address, serves, stops on Ctrl+C."""
    env = {**os.environ, "BBS_PORT": "2323"}
    process = subprocess.Popen(
        [sys.executable, "-m", "bbs.cli", "web", "--data-dir", str(world.data_dir), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        address = re.search(r"Read on the web at (http://127\.0\.0\.1:\d+/)", line)
        assert address, line + (process.stderr.read() if process.stderr else "")
        page = httpx.get(address.group(1), timeout=10)
        assert page.status_code == 200 and "ssh -p 2323 guest@127.0.0.1" in page.text
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(10) == 0


def test_bbs_web_says_why_it_cannot_listen(world: WebWorld) -> None:
    with running_web(world) as base:
        port = base.rsplit(":", 1)[1]
        done = subprocess.run(
            [sys.executable, "-m", "bbs.cli", "web", "--data-dir", str(world.data_dir)]
            + ["--port", port],
            capture_output=True,
            text=True,
            timeout=30,
            cwd=ROOT,
        )
    assert done.returncode == 1
    assert f"Cannot listen on 127.0.0.1:{port}" in done.stderr


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_make_run_starts_the_web_reader_beside_the_ssh_server(tmp_path: Path) -> None:
    """`make run`'s launcher: the web address and the ssh command, both serving; SIGTERM
    to it stops both."""
    ssh_port, web_port = _free_port(), _free_port()
    env = {
        **os.environ,
        "BBS_DATA_DIR": str(tmp_path / "data"),
        "BBS_PORT": str(ssh_port),
        "BBS_WEB_PORT": str(web_port),
    }
    launcher = subprocess.Popen(
        [sys.executable, "-m", "bbs.web.launch"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert launcher.stdout is not None
    try:
        lines = [launcher.stdout.readline() for _ in range(3)]
        assert lines[0] == f"Read on the web at http://127.0.0.1:{web_port}/\n"
        assert f"Connect with: ssh -p {ssh_port} guest@127.0.0.1" in lines[2]
        page = httpx.get(f"http://127.0.0.1:{web_port}/", timeout=10)
        assert page.status_code == 200 and "Night Gardeners" in page.text  # seeded once
        children = _children(launcher.pid)
        assert len(children) == 2
    finally:
        launcher.terminate()
        launcher.wait(20)
    for pid in children:
        assert not Path(f"/proc/{pid}").exists(), "both children stop with the launcher"


def test_a_threads_poll_shows_its_results_read_only_as_text(web: httpx.Client) -> None:
    from tests.web_support import POLLED

    page = web.get(f"/c/{OPEN}/t/{POLLED}").text
    assert "Poll: Which &lt;b&gt;night&lt;/b&gt; suits?" in page  # escaped, never markup
    assert "1 person has voted; one choice; open." in page
    friday = re.search(r"<th scope=\"row\">Friday</th><td>0</td><td>(.*?)</td>", page)
    saturday = re.search(r"<th scope=\"row\">Saturday evil</th><td>1</td><td>(.*?)</td>", page)
    assert friday and saturday, page
    assert "░" * 10 in friday.group(1) and friday.group(1).endswith(" 0%")
    assert "█" * 10 in saturday.group(1) and saturday.group(1).endswith(" 100%")
    assert "<form" not in page.split("poll-question")[1].split("</section>")[0]  # read-only
    assert not BIDI.search(page)
