"""The one renderer of a Scratch value as text: Scratch's number printing, types visible, nothing raw."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from emulator.value_text import show_value
from emulator.values import number_to_string


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_numbers_print_as_scratch_prints_them(x: float) -> None:
    """A number is shown exactly as values.number_to_string prints it; only -0 keeps its sign."""
    expected = "-0" if x == 0 and math.copysign(1.0, x) < 0 else number_to_string(x)
    assert show_value(x) == expected


@given(st.text())
def test_strings_are_quoted_and_carry_no_control_characters(text: str) -> None:
    """A string is quoted, and no character that steers a terminal reaches it raw."""
    shown = show_value(text)
    assert shown.startswith('"') and shown.endswith('"')
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in shown)


@given(st.text(), st.integers(min_value=1, max_value=50))
def test_width_bounds_the_text(text: str, width: int) -> None:
    """With a width, the shown text is never longer than it."""
    assert len(show_value(text, width)) <= max(width, 1)


def test_types_are_visible() -> None:
    """The string "0" and the number 0 look different; so do booleans and a missing value."""
    assert [show_value(v) for v in ("0", 0.0, True, None, 'a"b\n')] == [
        '"0"',
        "0",
        "true",
        "-",
        '"a\\"b\\n"',
    ]
