"""The exp/log tables as Scratch holds them, and NumPy lookups that pick entries bit for bit as the program does."""

from functools import cache
from pathlib import Path

import numpy as np

LUT_DIR = Path(__file__).resolve().parent


@cache
def _items(name: str) -> tuple[str, ...]:
    # Split on "\n" only, as Scratch's list import does; the files end without a newline.
    return tuple((LUT_DIR / f"{name}.txt").read_text(encoding="ascii").split("\n"))


@cache
def _values(name: str) -> np.ndarray:
    # JS-printed shortest digits parse back to the very double Scratch's Number() gives.
    values = np.array([float(item) for item in _items(name)], dtype=np.float64)
    values.setflags(write=False)
    return values


def load_exp() -> list[str]:
    """The exp table's items as the strings Scratch imports, entry 1 first."""
    return list(_items("exp"))


def load_log() -> list[str]:
    """The log table's items as the strings Scratch imports, entry 1 first."""
    return list(_items("log"))


def scratch_clamp(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """`if x < lo then x = lo; if x > hi then x = hi`, as Scratch's `<` and `>` decide."""
    # Scratch compares NaN as the text "nan", which sorts after "-10", "0", "1" and "10":
    # `NaN < lo` is false and `NaN > hi` is true, so NaN clamps to the upper end.
    x = np.where(x < lo, lo, x)
    return np.where((x > hi) | np.isnan(x), hi, x)


def item_of(values: np.ndarray, index: np.ndarray) -> np.ndarray:
    """Scratch's `item (index) of list` for numeric indices: floor, 1-based, 0 past the ends."""
    # The block floors (not rounds, not truncates); NaN and out-of-range give "", read as 0.
    i = np.floor(index)
    inside = (i >= 1) & (i <= len(values))
    out = np.zeros(np.shape(index), dtype=np.float64)
    out[inside] = values[i[inside].astype(np.intp) - 1]
    return out


def exp_index(x: np.ndarray) -> np.ndarray:
    """The float index the program computes for an already clamped x: (x + 10) * 1000 + 1."""
    return (x + 10.0) * 1000.0 + 1.0


def log_index(x: np.ndarray) -> np.ndarray:
    """The float index the program computes for an already clamped x: x * 10000 + 1."""
    return x * 10000.0 + 1.0


def lookup_exp(x: np.ndarray) -> np.ndarray:
    """exp(x) as the Scratch program reads it from the exp table."""
    clamped = scratch_clamp(np.asarray(x, dtype=np.float64), -10.0, 10.0)
    return item_of(_values("exp"), exp_index(clamped))


def lookup_log(x: np.ndarray) -> np.ndarray:
    """ln(x) as the Scratch program reads it from the log table (entry 1 stands in for ln 0)."""
    clamped = scratch_clamp(np.asarray(x, dtype=np.float64), 0.0, 1.0)
    return item_of(_values("log"), log_index(clamped))


def lookup_sigmoid(z: np.ndarray) -> np.ndarray:
    """1 / (1 + lookup_exp(-z)), the operations in that order."""
    z = np.asarray(z, dtype=np.float64)
    # -z is an arithmetic block in Scratch, whose number cast turns NaN into 0.
    negated = -np.where(np.isnan(z), 0.0, z)
    return 1.0 / (1.0 + lookup_exp(negated))
