"""Scratch values as the inspector prints them: numbers as Scratch prints them, strings quoted."""

from __future__ import annotations

from emulator.values import Value, number_to_string


def show_value(value: Value, width: int = 0) -> str:
    """A value for a cell: "0" (a string) and 0 (a number) look different, as they behave differently."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float):
        text = number_to_string(value)
    elif value is None:
        text = "-"
    else:
        text = '"' + value.replace("\n", "\\n") + '"'
    if width and len(text) > width:
        return text[: max(1, width - 1)] + "…"
    return text
