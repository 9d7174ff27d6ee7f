"""A Scratch value as people read it in a terminal: its type visible, its text escaped, long text cut."""

from __future__ import annotations

import math
import unicodedata

from emulator.values import Value, number_to_string

ELLIPSIS = "…"
_CONTROL_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_ESCAPES = {"\\": "\\\\", '"': '\\"', **_CONTROL_ESCAPES}


def show_value(value: Value | None, width: int = 0) -> str:
    """Numbers as Scratch prints them (but -0 kept), strings quoted and escaped, true/false, "-" for none.

    "0" (a string) and 0 (a number) look different because they behave differently. With a
    width, longer text is cut to that width and ends in an ellipsis.
    """
    if value is None:
        text = "-"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float):
        text = "-0" if value == 0 and math.copysign(1.0, value) < 0 else number_to_string(value)
    else:
        text = '"' + "".join(_escape(c) for c in value) + '"'
    return cut(text, width)


def cut(text: str, width: int) -> str:
    """The text, or its start and an ellipsis when it is longer than width (0: no limit)."""
    if width and len(text) > width:
        return text[: width - 1] + ELLIPSIS
    return text


def safe_text(text: str, width: int = 0) -> str:
    """A name or path read from a file, fit for one terminal line: control and format characters and
    lone surrogates shown by code, long text cut. Unlike a value it is not quoted.

    Only the part that can be shown is looked at, so a megabyte of text costs no more than a line.
    """
    shown = text[: width + 1] if width else text
    if not shown.isprintable():  # printable text has nothing to escape: most names skip the loop
        shown = "".join(_control(c) for c in shown)
    return cut(shown, width)


def _escape(c: str) -> str:
    return _ESCAPES.get(c) or _control(c)


def _control(c: str) -> str:
    if c in _CONTROL_ESCAPES:
        return _CONTROL_ESCAPES[c]
    # Control characters would move the cursor or restyle the terminal: show their code instead.
    if ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0:
        return f"\\x{ord(c):02x}"
    # Format characters (a bidi override can reorder what a line seems to say), line and paragraph
    # separators, and lone surrogates (which no terminal encoding can write) are shown by code too.
    if unicodedata.category(c) in ("Cf", "Zl", "Zp", "Cs"):
        return f"\\u{ord(c):04x}"
    return c
