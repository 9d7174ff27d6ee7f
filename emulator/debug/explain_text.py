"""explain's report as text: the tables, then the verdict, written from the diagnosis, most direct first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.debug.diagnosis import quirk_line
from emulator.debug.report import Diagnosis, GradientCheck, IndexQuirkRow, OutOfRange, Report
from emulator.value_text import safe_text

if TYPE_CHECKING:
    from emulator.debug.diagnosis import Evidence

LINE_WIDTH = 4000  # a line longer than this (a 1 MB name, say) is cut

# The lead line's words for each kind: what is wrong.
WHAT = {
    "mark_not_reached": "the mark was never reached",
    "lost_gradient": "the gradient is lost on its way (a plumbing bug), not vanishing",
    "wrong_gradient": "the update disagrees with the loss's gradient (a wrong gradient)",
    "reference_mismatch": "the run parts from the reference",
    "never_written": "an update reads items that nothing wrote",
    "out_of_range_read": "reads past the end of the list",
    "dropped_write": "writes dropped outside the list",
    "fractional_index": "fractional or non-numeric list indices (Scratch floors them silently)",
    "layer_overlap": "layers overlap in the list",
    "vanishing_gradient": "a vanishing (or zero) gradient, not a plumbing bug",
    "nonfinite": "NaN or Infinity stored",
}
ALL_CLEAR = (
    "Every named slice changed, no list access fell outside its list, and no NaN or "
    "Infinity was stored."
)


def verdict(diagnosis: tuple[Diagnosis, ...], e: Evidence) -> list[str]:
    """One line that says what is wrong and where to start, then the evidence, most direct first."""
    errors = [d for d in diagnosis if d.kind in WHAT]
    lines = [_lead(errors, e)] if errors else []
    origin = common_origin(e.out_of_range)
    lines += [d.detail for d in errors]
    lines += _stuck_lines(e, diagnosis)
    lines += [f"Layer map: {p}." for r in e.layers for p in r.problems if "overlap" not in p]
    if origin:
        lines.append(origin)
    if not errors:
        lines.append(ALL_CLEAR)
    lines += [d.detail for d in diagnosis if d.kind not in WHAT]
    return lines


def _lead(errors: list[Diagnosis], e: Evidence) -> str:
    kind = errors[0].kind
    subjects = list(dict.fromkeys(d.subject for d in errors if d.kind == kind))
    where = _start_here(errors, e)
    start = f" Start at {where}." if where else ""
    return f"{', '.join(subjects)}: {WHAT[kind]}.{start}"


def _start_here(errors: list[Diagnosis], e: Evidence) -> str | None:
    """The custom block every bad index came from, else the first block the diagnosis names."""
    quirks = tuple(q for q in e.index_quirks if not q.table)
    procedure = _common_procedure(e.out_of_range) or _common_procedure(quirks)
    if procedure is not None:
        name, lines = procedure
        return f"custom block {name!r}" + (f" ({', '.join(lines)})" if lines else "")
    for d in errors:
        if d.block is not None:
            return d.block.where()
    return None


def _stuck_lines(e: Evidence, diagnosis: tuple[Diagnosis, ...]) -> list[str]:
    """Slices that did not change and that no conclusion is about (no reference says why)."""
    named = {d.subject for d in diagnosis}
    return [
        f"{s.name} ({s.list} items {s.start}..{s.end}): no item changed since the mark "
        "(no reference to say whether it should have)."
        for s in e.slices
        if s.changed == 0 and s.total > 0 and s.name not in named
    ]


def _common_procedure(
    misses: tuple[OutOfRange, ...] | tuple[IndexQuirkRow, ...],
) -> tuple[str, list[str]] | None:
    """The custom block every such index was computed in, with its source lines, if one."""
    if not misses:
        return None
    # The same blocks (not just the same custom block) behind every index: by id, so that an
    # .sb3 with no source lines finds them too.
    shared = set.intersection(
        *({(o.block.procedure, o.block.block_id) for o in m.index_from} for m in misses)
    )
    procedures = sorted({p for p, _ in shared if p})
    if len(procedures) != 1:
        return None
    sources = {o.block.block_id: o.block.source for m in misses for o in m.index_from}
    lines = {sources[b] for _, b in shared if sources.get(b)}
    return procedures[0], sorted(lines, key=_line_number)  # type: ignore[arg-type]


def common_origin(misses: tuple[OutOfRange, ...]) -> str | None:
    """A sentence naming the custom block every out-of-range index was computed in, when there is one."""
    found = _common_procedure(misses)
    if found is None:
        return None
    name, lines = found
    where = f" ({', '.join(lines)})" if lines else ""
    return (
        f"Every out-of-range index was computed from what custom block {name!r} returned"
        f"{where}: start there."
    )


def _line_number(source: str) -> int:
    tail = source.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else 0


# ## Text


def render_text(report: Report) -> str:
    """The report for a person: slices, the reference, reads, the gradient check, then the verdict."""
    out = [f"explain {safe_text(report.target, 200)}: {report.blocks:,} blocks run"]
    if report.stopped:
        out.append(
            f"the run did not finish: {report.stopped}; what follows is what it showed until then"
        )
    out += _slices(report) + _reference(report) + _never_written(report) + _reads(report)
    out += _quirks(report) + _gradient(report.gradient_check) + _layers(report)
    if report.clamps:
        out += ["", "lookup-table clamps"]
        out += [
            f"  {c.variable} -> {c.limit} in {c.block.procedure}: {c.count:,} times"
            for c in report.clamps
        ]
    out += ["", "verdict"] + [f"  - {line}" for line in report.verdict]
    # Names come from the project: no control character of theirs reaches the terminal.
    return "\n".join(safe_text(line, LINE_WIDTH) for line in out)


def _number(x: float | None) -> str:
    return "-" if x is None else format(x, ".3g")


def _slices(report: Report) -> list[str]:
    if not report.slices:
        return []
    out = [
        "",
        "slices (changed since the mark; largest change; reference's largest change; "
        "largest |run - reference|)",
    ]
    for s in report.slices:
        out.append(
            f"  {s.list:<12} {s.name:<6} {s.start:>6}..{s.end:<6} "
            f"{s.changed:>6}/{s.total:<6} {s.max_abs_change:<10.3g} "
            f"{_number(s.reference_max_abs_change):<10} {_number(s.reference_max_abs_diff)}"
        )
    return out


def _reference(report: Report) -> list[str]:
    d = report.divergence
    if d is None:
        return []
    return [
        "",
        "the run against the reference, sample by sample",
        f"  first parts: {d.slice} "
        f"item {d.item} after epoch {d.epoch}, sample {d.sample}: {d.run:.6g} against "
        f"{d.reference:.6g} (tolerance {d.tolerance:g})"
        + (f", written by {d.block.where()}" if d.block else ""),
    ]


def _never_written(report: Report) -> list[str]:
    if not report.never_written:
        return []
    return ["", "never written since the mark"] + [
        f"  {r.list} items {r.start}..{r.end}" for r in report.never_written
    ]


def _reads(report: Report) -> list[str]:
    if not report.dataflow:
        return []
    out = ["", "what the suspect slices' updates read and got nothing from"]
    for r in report.dataflow:
        past = (
            f" past the end: items {r.past_end[0]:g}..{r.past_end[1]:g} ({r.past_end[2]:,} reads)"
            if r.past_end
            else ""
        )
        unwritten = ", ".join(f"{a}..{b}" for a, b in r.unwritten)
        never = f" never written: items {unwritten}" if unwritten else ""
        out.append(
            f"  {r.slice:<6} update block {r.write_block.block_id}, read by block "
            f"{r.read_block.block_id} from `{r.list}`:{past}{never}"
        )
    return out


def _quirks(report: Report) -> list[str]:
    if not report.index_quirks:
        return []
    return ["", "fractional or non-numeric list indices"] + [
        f"  {quirk_line(q)}" for q in report.index_quirks
    ]


def _gradient(check: GradientCheck | None) -> list[str]:
    if check is None:
        return []
    out = [
        "",
        f"gradient check (d {check.loss_variable} / d item by ±{check.step:g}, at "
        f"{check.sample or '-'}; {check.runs} runs): numeric gradient, update, cosine",
    ]
    for r in check.rows:
        if r.finding == "not read":
            continue
        cosine = "-" if r.cosine is None else f"{r.cosine:.2f}"
        note = f" ({r.note})" if r.note else ""
        sizes = [format(x, ".3g") if r.items else "-" for x in (r.gradient, r.update)]
        out.append(
            f"  {r.list:<12} {r.slice:<6} {sizes[0]:<10} {sizes[1]:<10} {cosine:>6}  "
            f"{r.finding}{note}"
        )
    unread = [r.slice for r in check.rows if r.finding == "not read"]
    if unread:
        out.append(f"  not read by the forward pass before the loss: {', '.join(unread)}")
    if check.note:
        out.append(f"  {check.note}")
    return out


def _layers(report: Report) -> list[str]:
    if not report.layer_map:
        return []
    return ["", "layer map (offsets as the program computed them)"] + [
        f"  {r.text}" for r in report.layer_map
    ]
