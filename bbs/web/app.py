"""The web reader as an ASGI app (Starlette): routes, conditional GETs, the one 404.

Every refusal the forum makes (no such community, thread or board; a community a
guest may not read) is the same 404 page, which names nothing that was asked for,
so a guessed id tells nothing about what exists behind a closed door.
"""

from __future__ import annotations

import logging

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bbs.config import Config
from bbs.errors import Forbidden, NotFound
from bbs.forum import Forum
from bbs.web.caching import Rendered, http_date, not_modified
from bbs.web.pages import (
    BoardPage,
    CommunityPage,
    DirectoryPage,
    EventIcsPage,
    EventsPage,
    FeedPage,
    Page,
    SearchPage,
    ThreadPage,
)
from bbs.web.site import Site

log = logging.getLogger(__name__)

SECURITY_HEADERS = {
    # Nothing on a page runs: no script from anywhere, styles and the icon from here only.
    "content-security-policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}
REFUSALS = (NotFound, Forbidden)
"""What the forum (or a page) raises for a request that names nothing a guest may see."""


def _respond(site: Site, kind: type[Page]):  # noqa: ANN202 - a Starlette endpoint
    async def endpoint(request: Request) -> Response:
        try:
            page = kind(site, request)
            basis = (site.name(), page.basis())  # the board's name heads every page
        except REFUSALS:
            return not_found(site, request)
        url = str(request.url)
        etag = site.cache.etag(url, basis)
        seen = site.cache.seen(url, etag)
        headers = {
            "etag": etag,
            "last-modified": http_date(seen.first),
            "cache-control": "no-cache",
            **SECURITY_HEADERS,
        }
        if not_modified(request.headers, seen):
            return Response(status_code=304, headers=headers)
        rendered = site.cache.page(url, etag)
        if rendered is None:
            try:
                rendered = await run_in_threadpool(page.render)
            except REFUSALS:
                return not_found(site, request)
            site.cache.keep(url, etag, rendered)
        return _send(rendered, headers)

    return endpoint


def _send(rendered: Rendered, headers: dict[str, str]) -> Response:
    headers = headers | dict(rendered.headers)
    return Response(rendered.body, media_type=rendered.media_type, headers=headers)


def not_found(site: Site, request: Request) -> Response:
    """The one 404 page, the same for whatever was asked."""
    page = Page(site, request).html("not_found.html", crumbs=[("Communities", "/")])
    headers = {"cache-control": "no-store", **SECURITY_HEADERS}
    return Response(page.body, status_code=404, media_type=page.media_type, headers=headers)


def _static(site: Site, which: str):  # noqa: ANN202 - a Starlette endpoint
    async def endpoint(request: Request) -> Response:
        rendered: Rendered = getattr(site, which)
        headers = {"cache-control": "public, max-age=31536000, immutable", **SECURITY_HEADERS}
        return _send(rendered, headers)

    return endpoint


def make_app(forum: Forum, config: Config) -> Starlette:
    """The web reader on `forum`, read as a guest."""
    site = Site(forum, config)

    async def http_error(request: Request, exc: Exception) -> Response:
        if isinstance(exc, HTTPException) and exc.status_code != 404:
            return Response(exc.detail, status_code=exc.status_code, headers=SECURITY_HEADERS)
        return not_found(site, request)

    routes = [
        Route("/", _respond(site, DirectoryPage)),
        Route("/search", _respond(site, SearchPage)),
        Route("/c/{slug}/", _respond(site, CommunityPage)),
        Route("/c/{slug}/feed.atom", _respond(site, FeedPage)),
        Route("/c/{slug}/events", _respond(site, EventsPage)),
        Route("/c/{slug}/events/{event_id:int}.ics", _respond(site, EventIcsPage)),
        Route("/c/{slug}/b/{board}/", _respond(site, BoardPage)),
        Route("/c/{slug}/b/{board}/feed.atom", _respond(site, FeedPage)),
        Route("/c/{slug}/t/{thread_id:int}", _respond(site, ThreadPage)),
        Route("/static/style.css", _static(site, "css")),
        Route("/static/icon.svg", _static(site, "icon")),
        Route("/favicon.ico", _static(site, "icon")),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error})
    app.state.site = site
    return app
