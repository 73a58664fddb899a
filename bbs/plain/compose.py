"""Writing a text line by line, as in mail(1): it ends with a line holding only a dot."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bbs.plain.line_io import CTRL_C, CTRL_D

if TYPE_CHECKING:
    from bbs.plain.session import PlainSession

END = "."
DROP = "~q"


async def write_text(s: PlainSession, what: str) -> str | None:
    """Lines until one holding only "." (or Ctrl+D); None if dropped (~q, Ctrl+C) or cut off."""
    s.say(f"Write your {what}. End it with a line holding only a dot; {DROP} on its own drops it.")
    lines: list[str] = []
    while True:
        line = await s.ask("")
        if line is None:
            s.say(f"The input ended before the closing dot: your {what} was not sent.")
            return None
        if line == CTRL_D or line.strip() == END:
            break
        if line == CTRL_C or line.strip() == DROP:
            s.say(f"Dropped your {what}.")
            return None
        lines.append(line.rstrip())
    text = "\n".join(lines).strip("\n")
    if not text.strip():
        s.say(f"Your {what} is empty: nothing was sent.")
        return None
    return text


async def ask_line(s: PlainSession, prompt: str) -> str | None:
    """One line of text (a title, a subject); None if left empty or cancelled."""
    line = await s.ask(prompt)
    if line is None or line in (CTRL_C, CTRL_D) or not line.strip():
        s.say("Cancelled.")
        return None
    return line.strip()
