"""The cleaner: no control character survives, cleaning is idempotent, limits speak plainly."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bbs.errors import TextError
from bbs.text import clean, clean_field, clean_handle, clean_line

PAYLOADS = {
    "osc0 title": "\x1b]0;owned\x07",
    "osc8 link": "\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\",
    "osc52 clipboard": "\x1b]52;c;cm0gLXJmIH4=\x07",
    "csi colour": "\x1b[31;1m",
    "csi clear": "\x1b[2J\x1b[H",
    "dcs": "\x1bP1$r0m\x1b\\",
    "c1 csi": "\x9b31m",
    "c1 osc": "\x9d0;title\x9c",
    "nul del": "\x00\x7f",
    "bidi": "\u202eevil\u202c\u2066x\u2069",
    "bell backspace": "\x07\x08",
}


def has_control(text: str, keep_newlines: bool = True) -> bool:
    allowed = "\n\t" if keep_newlines else ""
    return any(
        unicodedata.category(ch) in ("Cc", "Cs")
        and ch not in allowed
        or ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
        for ch in text
    )


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_each_payload_becomes_harmless(name: str) -> None:
    cleaned = clean(f"before {PAYLOADS[name]} after")
    assert "\x1b" not in cleaned and not has_control(cleaned)
    assert cleaned.startswith("before ") and cleaned.endswith(" after")


def test_markup_is_left_as_text_for_the_renderer_to_keep_literal() -> None:
    assert clean("[@click=app.quit]x[/] [bold]b[/bold]") == "[@click=app.quit]x[/] [bold]b[/bold]"


def test_newlines_and_tabs_survive_and_cr_becomes_newline() -> None:
    assert clean("a\r\nb\rc\td") == "a\nb\nc\td"
    assert clean_line("  a\nb\tc  ") == "a b c"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_property_no_control_survives_and_cleaning_twice_changes_nothing(text: str) -> None:
    once = clean(text)
    assert not has_control(once)
    assert "\x1b" not in once
    assert clean(once) == once
    line = clean_line(text)
    assert not has_control(line, keep_newlines=False)
    assert clean_line(line) == line


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([*PAYLOADS.values(), "a", " ", "\n", "[b]", "é"]), max_size=30))
def test_property_mixed_payloads(parts: list[str]) -> None:
    once = clean("".join(parts))
    assert not has_control(once) and clean(once) == once


def test_limits_name_the_limit() -> None:
    with pytest.raises(TextError, match="limit is 120"):
        clean_field("title", "t" * 121)
    with pytest.raises(TextError, match="empty"):
        clean_field("title", "\x1b[31m")
    assert clean_field("title", " ok ") == "ok"


def test_handles() -> None:
    assert clean_handle("Fern_99") == "fern_99"
    for bad in ("9lives", "a", "has space", "x" * 21, "dot.ted"):
        with pytest.raises(TextError):
            clean_handle(bad)


def test_a_megabyte_paste_is_cleaned_quickly() -> None:
    big = ("\x1b]0;" + "x" * 1000 + "\x07" + "ok ") * 1000
    assert clean(big) == "ok " * 1000
