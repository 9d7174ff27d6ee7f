"""Writes exp.txt, log.txt and meta.json (`python -m emulator.lut.generate`); log entry 1 is ln(0.00005), finite for ln 0: the log of the midpoint of the [0, 0.0001) it serves."""

import argparse
import hashlib
import json
from collections.abc import Callable
from decimal import Decimal, localcontext
from pathlib import Path

from emulator.values import number_to_string

LUT_DIR = Path(__file__).resolve().parent

EXP_LO, EXP_HI, EXP_STEP, EXP_SIZE = -10.0, 10.0, 0.001, 20001
LOG_LO, LOG_HI, LOG_STEP, LOG_SIZE = 0.0, 1.0, 0.0001, 10001

# log(0) is -Infinity, which a table cannot usefully hold. Entry 1 serves every x in [0, 0.0001),
# so it holds the log of that interval's midpoint: finite, below entry 2 (the table stays
# increasing), and off by at most ln 2 for x in [0.00005, 0.0001).
LOG_ZERO_X = LOG_STEP / 2  # exact: halving a double only changes its exponent

# Decimal digits kept before rounding to a double: far past the 17 a double needs, so the
# double rounding that follows is a non-event and every entry is the correctly rounded value.
PRECISION = 50


GRID_WHY = (
    "of the two ways to write the grid in doubles, (k-1)*step first (-10 + (k-1)*0.001, "
    "(k-1)*0.0001) is the better inverse of the index formula: 18,604 of 20,001 exp grid "
    "doubles and all 10,001 log grid doubles floor to their own entry, against 18,444 and "
    "9,428 for (k-1)/1000 - 10 and (k-1)/10000; a grid double that misses sits a few ulps "
    "below the index boundary and takes the entry before"
)

# Upper bounds that follow from flooring to a grid of the stated step; lut.report measures the
# actual figures and the tests check them against these.
ERROR_BOUNDS: dict[str, tuple[float, str]] = {
    "exp_max_rel_error": (0.001, "1 - e^-0.001 < 0.001"),
    "log_max_abs_error_from_0.0001": (
        0.6932,
        "x in [x_k, x_k+1) is at most ln(k/(k-1)) <= ln 2 off",
    ),
    "log_max_abs_error_from_sigmoid_min": (
        0.6932,
        "inputs >= 1/(1+e^10), the least value the LUT sigmoid gives, stay within ln 2",
    ),
    "sigmoid_max_abs_error": (0.00025, "|sigmoid'| <= 1/4 times a 0.001 step"),
    "sigmoid_max_rel_error": (0.00101, "e^0.001 - 1"),
    "sigmoid_max_abs_error_outside": (0.0000454, "clamped at |z| = 10: 1/(1+e^10) = 4.5398e-5"),
}


def exp_grid(k: int) -> float:
    """The double whose exp entry k (1-based) holds: -10 + (k-1)*0.001, in that order."""
    # Rather than (k-1)/1000 - 10: this is the better inverse of the index formula (GRID_WHY).
    return EXP_LO + (k - 1) * EXP_STEP


def log_grid(k: int) -> float:
    """The double whose log entry k (1-based) holds: (k-1)*0.0001 (entry 1 is special)."""
    # Rather than (k-1)/10000: every one of these floors to its own entry (GRID_WHY).
    return (k - 1) * LOG_STEP


def exact_exp(x: float) -> float:
    """exp(x) correctly rounded to a double, the same on every platform (libm's exp is not)."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return float(Decimal(x).exp())


def exact_log(x: float) -> float:
    """ln(x) correctly rounded to a double, for x > 0."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return float(Decimal(x).ln())


def exp_values() -> list[float]:
    """The exp table as doubles, entry 1 first."""
    return [exact_exp(exp_grid(k)) for k in range(1, EXP_SIZE + 1)]


def log_values() -> list[float]:
    """The log table as doubles, entry 1 (the finite stand-in for log 0) first."""
    return [exact_log(LOG_ZERO_X)] + [exact_log(log_grid(k)) for k in range(2, LOG_SIZE + 1)]


def table_text(values: list[float]) -> str:
    """One JS-formatted item per line, with no newline after the last one."""
    # The Scratch editor's list import can turn a trailing newline into an extra empty item.
    return "\n".join(number_to_string(v) for v in values)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def table_meta(lo: float, hi: float, step: float, size: int, index: str, grid: str) -> dict:
    """The parameters a reader needs to look an x up exactly as the Scratch program does."""
    return {
        "domain": [lo, hi],
        "step": step,
        "size": size,
        "grid": grid,
        "lookup": f"clamp x to [{lo:g}, {hi:g}], then item floor({index}) of the list (1-based)",
        "index_formula": index,
    }


def meta(exp_sha: str, log_sha: str) -> dict:
    """The content of meta.json for tables with the given sha256 digests."""
    exp = table_meta(
        EXP_LO, EXP_HI, EXP_STEP, EXP_SIZE, "(x + 10) * 1000 + 1", "x_k = -10 + (k-1)*0.001"
    )
    log = table_meta(LOG_LO, LOG_HI, LOG_STEP, LOG_SIZE, "x * 10000 + 1", "x_k = (k-1)*0.0001")
    exp |= {
        "file": "exp.txt",
        "sha256": exp_sha,
        "note": "1,397 grid doubles, x = 2.13 among them, lie a few ulps below their index "
        "boundary and read the entry before (exp(2.129)); a reference must do the same",
    }
    log |= {
        "file": "log.txt",
        "sha256": log_sha,
        "log0": {
            "value": number_to_string(exact_log(LOG_ZERO_X)),
            "is": "ln(0.00005), the log of half a step",
            "why": "ln 0 is -Infinity; entry 1 serves x in [0, 0.0001), so it holds the log of that "
            "interval's midpoint: finite (a loss built on it stays finite), below entry 2 "
            "(ln 0.0001) so the table stays increasing, and at most ln 2 off for x >= 0.00005",
        },
    }
    return {
        "about": "Scratch lookup tables for exp and natural log; regenerate: python -m emulator.lut.generate",
        "format": "one item per line, '\\n' between items and none after the last; each item is "
        "the double as JavaScript's String(x) prints it",
        "values": "entry k holds f(x_k) correctly rounded to a double (decimal arithmetic at "
        f"{PRECISION} digits), x_k computed in doubles as written under grid",
        "index_arithmetic": "IEEE doubles in the order written; Scratch's item block floors the "
        "index, and an index outside 1..size gives '' (0 in arithmetic)",
        "grid_choice": GRID_WHY,
        "exp": exp,
        "log": log,
        "error_bounds": {key: {"bound": b, "why": why} for key, (b, why) in ERROR_BOUNDS.items()},
    }


def write(out_dir: Path) -> dict[str, Path]:
    """Write exp.txt, log.txt and meta.json into out_dir; return their paths by name."""
    out_dir.mkdir(parents=True, exist_ok=True)
    tables: dict[str, Callable[[], list[float]]] = {"exp": exp_values, "log": log_values}
    data = {name: table_text(make()).encode("ascii") for name, make in tables.items()}
    paths = {name: out_dir / f"{name}.txt" for name in tables}
    for name, path in paths.items():
        path.write_bytes(data[name])
    text = json.dumps(meta(sha256_of(data["exp"]), sha256_of(data["log"])), indent=2) + "\n"
    paths["meta"] = out_dir / "meta.json"
    paths["meta"].write_text(text, encoding="utf-8", newline="\n")
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m emulator.lut.generate", description=__doc__)
    parser.add_argument(
        "--out", type=Path, default=LUT_DIR, help="directory to write (default: lut/)"
    )
    args = parser.parse_args(argv)
    for path in write(args.out).values():
        print(f"wrote {path.name} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
