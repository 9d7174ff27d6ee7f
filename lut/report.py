"""Measures how far the table lookups (lut.tables) are from exact exp, log and sigmoid; `python -m emulator.lut.report`."""

import argparse
from collections.abc import Callable

import numpy as np

from emulator.lut.generate import ERROR_BOUNDS, EXP_LO, EXP_SIZE, EXP_STEP, LOG_SIZE, LOG_STEP
from emulator.lut.tables import exp_index, log_index, lookup_exp, lookup_log, lookup_sigmoid

EVEN_SAMPLES = 2_000_001
NEAR_ZERO_SAMPLES = 100_001
OUTSIDE_SAMPLES = 300_001
OUTSIDE_REACH = 40.0  # sigmoid's clamped tails are sampled out to |z| = 40, then at ±1e300, ±inf

SAMPLING = (
    f"{EVEN_SAMPLES:,} evenly spaced points over each domain, plus every grid point, the "
    "double just below each, and for every entry the first double whose floored index picks "
    f"it and the double before (the true worst cases); log near 0 adds {NEAR_ZERO_SAMPLES:,} even points over "
    f"[sigmoid_min, 0.0001); sigmoid outside samples {OUTSIDE_SAMPLES:,} even points on each "
    f"side out to |z| = {OUTSIDE_REACH:g}, plus ±1e300 and ±inf. Lookups floor the index as "
    "Scratch does; exact values are np.exp, np.log and a stable double sigmoid"
)


def exp_grid() -> np.ndarray:
    """The exp table's grid doubles, computed in the generator's order."""
    return EXP_LO + np.arange(EXP_SIZE) * EXP_STEP


def log_grid() -> np.ndarray:
    """The log table's grid doubles, computed in the generator's order."""
    return np.arange(LOG_SIZE) * LOG_STEP


def to_ordinal(x: np.ndarray) -> np.ndarray:
    """Doubles as int64 in the same order, adjacent doubles one apart."""
    bits = x.view(np.int64)
    return np.where(bits < 0, -(bits & np.int64(0x7FFF_FFFF_FFFF_FFFF)), bits)


def from_ordinal(n: np.ndarray) -> np.ndarray:
    return np.where(n < 0, -n | np.int64(-0x8000_0000_0000_0000), n).view(np.float64)


def first_doubles(index: Callable[[np.ndarray], np.ndarray], grid: np.ndarray) -> np.ndarray:
    """For each grid point x_k, the least double whose floored index is at least k."""
    # The index formula rounds, so an entry's real boundary can sit some ulps off its grid
    # point; errors peak just before it. Bisect on adjacent doubles to find it.
    k = np.arange(1, grid.size + 1)
    lo, hi = to_ordinal(grid - 1e-6), to_ordinal(grid + 1e-6)
    if not (
        (np.floor(index(from_ordinal(lo))) < k).all()
        and (np.floor(index(from_ordinal(hi))) >= k).all()
    ):
        raise ValueError("an entry's boundary is not within 1e-6 of its grid point")
    while (hi - lo > 1).any():
        mid = lo + (hi - lo) // 2
        picks = np.floor(index(from_ordinal(mid))) >= k
        lo, hi = np.where(picks, lo, mid), np.where(picks, mid, hi)
    return from_ordinal(hi)


def samples(
    lo: float, hi: float, grid: np.ndarray, index: Callable[[np.ndarray], np.ndarray]
) -> np.ndarray:
    """Even points over [lo, hi], each grid point, each entry's first double, and the doubles before."""
    edges = np.concatenate([grid, first_doubles(index, grid)])
    points = np.concatenate(
        [np.linspace(lo, hi, EVEN_SAMPLES), edges, np.nextafter(edges, -np.inf)]
    )
    return np.unique(points[(points >= lo) & (points <= hi)])


def exact_sigmoid(z: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-z) without overflow, to within an ulp or two."""
    with np.errstate(over="ignore"):
        e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_min() -> float:
    """The least value lookup_sigmoid can return, so the least input log sees from it."""
    return float(lookup_sigmoid(np.array(-np.inf)))


def worst(x: np.ndarray, approx: np.ndarray, exact: np.ndarray, relative: bool = True) -> dict:
    """Largest absolute (and relative, where exact != 0) error over the samples, and where."""
    error = np.abs(approx - exact)
    i = int(np.argmax(error))
    found = {"samples": int(x.size), "max_abs_error": float(error[i]), "max_abs_at": float(x[i])}
    if relative:
        nonzero = exact != 0
        rel = error[nonzero] / np.abs(exact[nonzero])
        j = int(np.argmax(rel))
        found |= {"max_rel_error": float(rel[j]), "max_rel_at": float(x[nonzero][j])}
    return found


def bound(key: str) -> float:
    return ERROR_BOUNDS[key][0]


def exp_section() -> dict:
    x = samples(-10.0, 10.0, exp_grid(), exp_index)
    found = worst(x, lookup_exp(x), np.exp(x))
    return {
        "name": "exp",
        "range": "[-10, 10]",
        **found,
        "bounds": {"max_rel_error": bound("exp_max_rel_error")},
    }


def log_sections() -> list[dict]:
    """log over [0.0001, 1], its relative error away from x = 1, and near 0."""
    x = samples(0.0, 1.0, log_grid(), log_index)
    x = x[x >= LOG_STEP]
    main = worst(x, lookup_log(x), np.log(x))
    near_one_note = "relative error is unbounded as x -> 1 because ln 1 = 0; see the next line"
    cut = x[x <= 0.99]
    away = worst(cut, lookup_log(cut), np.log(cut))
    low = sigmoid_min()
    edge = first_doubles(log_index, log_grid())[1:2]  # where entry 2 takes over from entry 1
    z = np.concatenate([np.linspace(low, LOG_STEP, NEAR_ZERO_SAMPLES)[:-1], np.nextafter(edge, 0)])
    near = worst(z, lookup_log(z), np.log(z), relative=False)
    zero_note = (
        f"entry 1 = ln(0.00005) = {float(lookup_log(np.array(0.0))):.10g} serves [0, 0.0001); "
        f"its error |ln(x / 0.00005)| grows without bound as x -> 0 (3.912 at x = 1e-6)"
    )
    return [
        {"name": "log", "range": "[0.0001, 1]", **main, "note": near_one_note,
         "bounds": {"max_abs_error": bound("log_max_abs_error_from_0.0001")}},
        {"name": "log", "range": "[0.0001, 0.99] (relative)",
         "samples": away["samples"], "max_rel_error": away["max_rel_error"], "max_rel_at": away["max_rel_at"]},
        {"name": "log near 0", "range": f"[{low:.6g} (sigmoid_min), 0.0001)", **near, "note": zero_note,
         "bounds": {"max_abs_error": bound("log_max_abs_error_from_sigmoid_min")}},
    ]  # fmt: skip


def sigmoid_sections() -> list[dict]:
    """Sigmoid over z in [-10, 10] and over the clamped tails outside it."""
    # sigmoid looks up -z, so its worst cases sit at the negated exp edges
    z = -samples(-10.0, 10.0, exp_grid(), exp_index)
    inside = worst(z, lookup_sigmoid(z), exact_sigmoid(z))
    tail = np.linspace(10.0, OUTSIDE_REACH, OUTSIDE_SAMPLES)[1:]
    far = np.array([1e300, np.inf])
    right, left = np.concatenate([tail, far]), -np.concatenate([tail, far])
    out = worst(np.concatenate([left, right]), lookup_sigmoid(np.concatenate([left, right])),
                exact_sigmoid(np.concatenate([left, right])), relative=False)  # fmt: skip
    upper = worst(right, lookup_sigmoid(right), exact_sigmoid(right))
    tail_note = (
        f"relative error above z = 10 is at most {upper['max_rel_error']:.4g} (at z = "
        f"{upper['max_rel_at']:.6g}); below z = -10 it is unbounded, as the table holds "
        "sigmoid(-10) while sigmoid(z) -> 0"
    )
    return [
        {"name": "sigmoid", "variable": "z", "range": "[-10, 10]", **inside,
         "bounds": {"max_abs_error": bound("sigmoid_max_abs_error"), "max_rel_error": bound("sigmoid_max_rel_error")}},
        {"name": "sigmoid outside", "variable": "z", "range": f"|z| > 10 (clamped), to |z| = {OUTSIDE_REACH:g}, ±1e300, ±inf",
         **out, "note": tail_note, "bounds": {"max_abs_error": bound("sigmoid_max_abs_error_outside")}},
    ]  # fmt: skip


def error_report() -> dict:
    """Worst absolute and relative errors of the LUT exp, log and sigmoid, with where they occur."""
    return {"sampling": SAMPLING, "sections": [exp_section(), *log_sections(), *sigmoid_sections()]}


def format_figure(section: dict, kind: str) -> str:
    """One 'max abs error ... at x = ... (bound ...)' phrase, or '' when not measured."""
    if f"max_{kind}_error" not in section:
        return ""
    where = f"{section.get('variable', 'x')} = {section[f'max_{kind}_at']!r}"
    text = f"max {kind} error {section[f'max_{kind}_error']:.6g} at {where}"
    limit = section.get("bounds", {}).get(f"max_{kind}_error")
    return text if limit is None else f"{text} (bound {limit:g})"


def format_report(d: dict) -> str:
    """The report as plain text, one block per function and range."""
    lines = ["Lookup-table error against exact functions", f"Sampling: {d['sampling']}.", ""]
    for section in d["sections"]:
        lines.append(f"{section['name']} on {section['range']}, {section['samples']:,} samples:")
        lines += [f"  {fig}" for kind in ("abs", "rel") if (fig := format_figure(section, kind))]
        if "note" in section:
            lines.append(f"  note: {section['note']}")
    return "\n".join(lines)


HELP = "the exp/log lookup tables"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """`scratch-emu lut --report`."""
    parser.add_argument(
        "--report", action="store_true", help="print the tables' error against exact math"
    )


def run(args: argparse.Namespace) -> int:
    """Print the error report (the only thing the subcommand does)."""
    main()
    return 0


def main() -> None:
    print(format_report(error_report()))


if __name__ == "__main__":
    main()
