"""What every page of one web process shares: the forum, the templates, the caches."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from importlib.resources import files

from jinja2 import Environment
from starlette.requests import Request

from bbs.config import Config
from bbs.forum import Forum
from bbs.web.caching import PageCache, Rendered
from bbs.web.join import JoinHelp, join_help
from bbs.web.templating import environment


def _static(name: str, media_type: str) -> Rendered:
    return Rendered(files("bbs.web").joinpath("static").joinpath(name).read_bytes(), media_type)


@dataclass
class Site:
    """One web reader: a forum read as a guest, its templates and its page cache."""

    forum: Forum
    config: Config
    templates: Environment = field(default_factory=environment)
    cache: PageCache = field(init=False)
    css: Rendered = field(init=False)
    icon: Rendered = field(init=False)
    css_url: str = field(init=False)
    """The stylesheet's address carries its hash, so browsers keep it for good."""

    def __post_init__(self) -> None:
        self.cache = PageCache(self.config.web_page_cache, clock=self.forum.clock)
        self.css = _static("style.css", "text/css; charset=utf-8")
        self.icon = _static("icon.svg", "image/svg+xml")
        version = hashlib.blake2b(self.css.body, digest_size=6).hexdigest()
        self.css_url = f"/static/style.css?v={version}"

    def name(self) -> str:
        return self.forum.board_name()

    def join_help(self, request: Request) -> JoinHelp:
        return join_help(self.config, request.url.hostname)
