"""The engine's process-wide patches: put in place once per process, by the app factory.

Each is a module of this package that replaces one Textual function for every app in
the process; `install()` puts in place those that are on (`screens.engine.switches`),
`uninstall()` gives Textual its own back (for a test's or a bench's before and after).
"""

from __future__ import annotations

from collections.abc import Callable

from screens.engine import (
    colour_codes,
    compositor,
    css_rules,
    dispatch,
    scroll_rows,
    scrollbars,
    strips,
)
from screens.engine.switches import on

PATCHES: dict[str, Callable[[bool], None]] = {
    "css_rules": css_rules.install,
    "strip_caches": strips.install,
    "dispatch_plans": dispatch.install,
    "scrollbar_lines": scrollbars.install_lines,
    "scrollbar_in_frame": scrollbars.install_in_frame,
    "renders_in_crop": compositor.install,
    "scroll_rows": scroll_rows.install,
}
"""Every process-wide patch, by its switch name."""


def install() -> None:
    """Put every patch that is on in place (idempotent), and the fixes, always."""
    colour_codes.install()
    for name, put in PATCHES.items():
        put(on(name))


def uninstall() -> None:
    """Back to Textual's own behaviour everywhere the economies are (for a before and
    after); the fixes (colour_codes) stay."""
    for put in PATCHES.values():
        put(False)
