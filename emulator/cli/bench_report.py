"""What `scratch-emu bench` prints: the medians as a plain table or as JSON, and the ratios between engines."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# (faster?, than what): "compiled vs vm" is how many times faster compiled ran than the VM.
PAIRS = (("compiled", "vm"), ("interpreter", "vm"), ("compiled", "interpreter"))


@dataclass(frozen=True)
class Row:
    """One engine on one case: median seconds of the run alone and of the whole process, and blocks."""

    case: str
    engine: str
    seconds: float
    process_seconds: float | None  # None where no process of its own was timed (NumPy)
    blocks: int | None  # None when not counted, or when runs disagreed


def ratios(rows: list[Row]) -> dict[str, dict[str, float]]:
    """Per case, "A vs B": B's seconds over A's (above 1 when A is faster), run alone and whole process."""
    by_case: dict[str, dict[str, Row]] = {}
    for row in rows:
        by_case.setdefault(row.case, {})[row.engine] = row
    found: dict[str, dict[str, float]] = {}
    for case, engines in by_case.items():
        pairs: dict[str, float] = {}
        for a, b in PAIRS:
            if a in engines and b in engines:
                first, second = engines[a], engines[b]
                pairs[f"{a} vs {b}"] = second.seconds / max(first.seconds, 1e-9)
                if first.process_seconds and second.process_seconds:
                    pairs[f"{a} vs {b}, whole process"] = (
                        second.process_seconds / first.process_seconds
                    )
        found[case] = pairs
    return found


def as_json(
    rows: list[Row], found: dict[str, dict[str, float]], repeat: int, vm_absent: str | None
) -> dict[str, Any]:
    """{"cases": [{"name", "engine", "seconds", "blocks", "process_seconds"}], "ratios": {...}}."""
    return {
        "cases": [
            {
                "name": r.case,
                "engine": r.engine,
                "seconds": r.seconds,
                "blocks": r.blocks,
                "process_seconds": r.process_seconds,
            }
            for r in rows
        ],
        "ratios": found,
        "repeat": repeat,
        "vm": vm_absent or "present",
    }


def table(
    rows: list[Row], found: dict[str, dict[str, float]], repeat: int, vm_absent: str | None
) -> str:
    """The figures as a plain table, then the ratios, one case a line."""
    width = max([len(r.case) for r in rows] + [4])
    lines = [
        f"medians of {repeat} run(s) per engine, engines in turns, turbo mode, each run a fresh "
        "process: `run` is the run alone (green flag to the end), `process` the whole process",
        "",
        f"{'case':<{width}}  {'engine':<11}  {'run s':>8}  {'process s':>9}  {'blocks':>13}  {'M blocks/s':>10}",
    ]
    for r in rows:
        process = f"{r.process_seconds:9.3f}" if r.process_seconds is not None else f"{'-':>9}"
        blocks = f"{r.blocks:13,}" if r.blocks is not None else f"{'-':>13}"
        rate = f"{r.blocks / max(r.seconds, 1e-9) / 1e6:10.2f}" if r.blocks else f"{'-':>10}"
        lines.append(
            f"{r.case:<{width}}  {r.engine:<11}  {r.seconds:8.3f}  {process}  {blocks}  {rate}"
        )
    if vm_absent is not None:
        lines.append(f"official VM: {vm_absent}")
    lines += ["", "how many times faster (run alone; whole process in brackets):"]
    for case, pairs in found.items():
        shown = []
        for a, b in PAIRS:
            key = f"{a} vs {b}"
            if key in pairs:
                whole = pairs.get(f"{key}, whole process")
                shown.append(f"{key} {pairs[key]:.2f}x" + (f" ({whole:.2f}x)" if whole else ""))
        lines.append(f"{case}: {', '.join(shown)}")
    return "\n".join(lines)
