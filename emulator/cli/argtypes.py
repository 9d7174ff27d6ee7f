"""Argparse pieces that keep a bad option to one line: types that check a range, and a parser that raises."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from typing import NoReturn

from emulator.errors import InputFileError


class UsageError(InputFileError):
    """A bad option or argument: argparse's own message, raised instead of printed with the usage."""


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors raise UsageError, so the command prints one line and exits 2."""

    def error(self, message: str) -> NoReturn:
        command = self.prog.partition(" ")[2]  # "scratch-emu run day3" -> "run day3"
        raise UsageError(f"{command}: {message}" if command else message)


def int_in_range(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number from `low` to `high` (no upper bound when None)."""

    def whole_number(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"{value} is less than {low}")
        if high is not None and value > high:
            raise argparse.ArgumentTypeError(f"{value} is more than {high}")
        return value

    return whole_number


positive_int = int_in_range(1)


def _finite(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text} is not a finite number")
    return value


def finite_positive_float(text: str) -> float:
    """An argparse type: a finite number more than 0."""
    value = _finite(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text} is not more than 0")
    return value


def finite_non_negative_float(text: str) -> float:
    """An argparse type: a finite number, 0 or more."""
    value = _finite(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is less than 0")
    return value
