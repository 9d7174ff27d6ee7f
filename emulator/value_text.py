"""A Scratch value as people read it in a terminal: its type visible, its text escaped, long text cut."""

from __future__ import annotations

import math

from emulator.values import Value, number_to_string

ELLIPSIS = "…"
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


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


def safe_text(text: str, width: int) -> str:
    """Text fit for one terminal line: control characters and lone surrogates escaped, cut to width.

    Control characters take _escape's form (\\n, \\t, \\x1b, ...); a lone surrogate, which no
    encoder can write, shows as \\udXXX. Other characters, backslashes and quotes included, stay.
    Only the part that can be shown is looked at, so a megabyte of text costs no more than a line.
    """
    shown = text[: width + 1] if width else text
    return cut("".join(_safe_char(c) for c in shown), width)


def _safe_char(c: str) -> str:
    if ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0:
        return _escape(c)
    if 0xD800 <= ord(c) <= 0xDFFF:
        return f"\\u{ord(c):04x}"
    return c


def _escape(c: str) -> str:
    if c in _ESCAPES:
        return _ESCAPES[c]
    # Control characters would move the cursor or restyle the terminal: show their code instead.
    if ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0:
        return f"\\x{ord(c):02x}"
    return c
