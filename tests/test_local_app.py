"""`bbs local` builds its app through the factory `bbs serve` hands the server, with the
same engine: the process-wide patches in place, NO_COLOR as no colour codes at all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from textual.css.stylesheet import Stylesheet

import screens.app
from bbs.cli import main, ui_factories
from screens.engine import css_rules, process
from screens.engine.no_colour import NoColour


def test_bbs_local_and_bbs_serve_build_the_app_with_one_factory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[Any] = []
    ran: list[Any] = []
    factory = screens.app.make_app

    def noting(*args: Any, **kwargs: Any) -> Any:
        app = factory(*args, **kwargs)
        made.append(app)
        return app

    monkeypatch.setattr(screens.app, "make_app", noting)
    monkeypatch.setattr(screens.app.BBSApp, "run", lambda app, *a, **k: ran.append(app))
    monkeypatch.setenv("NO_COLOR", "1")
    process.uninstall()  # as in a fresh `bbs local` process
    try:
        done = CliRunner().invoke(main, ["local", "--data-dir", str(tmp_path), "--empty"])
        assert done.exit_code == 0, done.output
        assert ran and made == ran  # the app that ran is the one the factory made
        app = ran[0]
        assert any(isinstance(f, NoColour) for f in app.get_line_filters())
        assert Stylesheet._parse_rules is css_rules._shared_parse_rules  # the engine's in place
        assert ui_factories().app is noting  # what `bbs serve` hands the server
    finally:
        process.install()
