"""explain: run a target under the debugger's hooks and report what went wrong, from the run's own evidence."""

from __future__ import annotations

from emulator.debug import findings
from emulator.debug.layer_map import layer_map
from emulator.debug.report import (
    BlockRef,
    Clamp,
    IndexOrigin,
    LayerRow,
    NeverWritten,
    NonFinite,
    OutOfRange,
    Report,
    SliceChange,
)
from emulator.debug.session import DebugSession
from emulator.runtime.sequencer import StepLimitReached
from emulator.runtime.state import lists_by_name
from emulator.slices import Slice
from emulator.value_text import safe_text
from emulator.values import Value, compare, to_number

LINE_WIDTH = 4000  # a line longer than this (a 1 MB name, say) is cut

# A reference change below this is a vanishing gradient, not a lost one (weights are O(1)).
TINY_CHANGE = 1e-9

Lists = dict[str, list[Value]]


def explain(session: DebugSession) -> Report:
    """Run the session from its start to the end and gather the report (see render_text)."""
    stopped = None
    try:
        session.run_to_mark()
        session.runtime.run_until(None, session.max_steps)
    except StepLimitReached as exc:
        stopped = str(exc)
    initial = _lists_at_mark(session)
    final = {c.name: list(c.items) for t in session.runtime.targets for c in t.lists.values()}
    reference = _reference(session, initial)
    slices = tuple(_slice_change(s, initial, final, reference) for s in session.slices)
    out_of_range = tuple(out_of_range_of(session, m) for m in sorted_misses(session))
    rows = layer_map(session)
    nonfinite = tuple(nonfinite_of(session, n) for n in session.findings.nonfinite.values())
    return Report(
        target=session.project.name,
        params={k: (list(v) if isinstance(v, tuple) else v) for k, v in session.params.items()},
        blocks=session.runtime.blocks,
        slices=slices,
        never_written=tuple(_never_written(session, final)),
        out_of_range=out_of_range,
        nonfinite=nonfinite,
        clamps=tuple(_clamp(session, c) for c in session.findings.clamps.values() if c.count),
        layer_map=tuple(rows),
        verdict=tuple(verdict(slices, rows, out_of_range, nonfinite)),
        stopped=stopped,
    )


def _lists_at_mark(session: DebugSession) -> Lists:
    marked = session.marked
    return lists_by_name(session.runtime.targets, marked) if marked is not None else {}


def _reference(session: DebugSession, initial: Lists) -> dict[str, list[float]] | None:
    fn = session.program.reference if session.program is not None else None
    return fn(session.params, initial) if fn is not None and initial else None


def _slice_change(
    s: Slice, initial: Lists, final: Lists, reference: dict[str, list[float]] | None
) -> SliceChange:
    before = initial.get(s.list_name, [])[s.start - 1 : s.end]
    after = final.get(s.list_name, [])[s.start - 1 : s.end]
    pairs = list(zip(before, after, strict=False))
    ref_change = None
    if reference is not None and s.list_name in reference:
        ref = reference[s.list_name][s.start - 1 : s.end]
        ref_change = max(
            (abs(r - to_number(a)) for a, r in zip(before, ref, strict=False)), default=0.0
        )
    return SliceChange(
        list=s.list_name,
        name=s.name,
        start=s.start,
        end=s.end,
        shape=s.shape,
        changed=sum(compare(a, b) != 0 for a, b in pairs),
        total=s.size,
        max_abs_change=max((abs(to_number(b) - to_number(a)) for a, b in pairs), default=0.0),
        reference_max_abs_change=ref_change,
    )


def _never_written(session: DebugSession, final: Lists) -> list[NeverWritten]:
    """Per list written since the mark, the runs of items no block wrote."""
    rows = []
    for name, bits in sorted((session.findings.written or {}).items()):
        length = len(final.get(name, []))
        start = None
        for i in range(1, length + 2):
            unwritten = i <= length and (i > len(bits) or not bits[i - 1])
            if unwritten and start is None:
                start = i
            elif not unwritten and start is not None:
                rows.append(NeverWritten(name, start, i - 1))
                start = None
    return rows


def sorted_misses(session: DebugSession) -> list[findings.Miss]:
    """The out-of-range groups, in the order they were first seen."""
    return sorted(session.findings.misses.values(), key=lambda m: m.first_block_count)


def block_ref(session: DebugSession, target: str, block_id: str) -> BlockRef:
    """A block by id, with what a person needs to find it."""
    found = session.project.target(target).blocks.get(block_id)
    return BlockRef(
        block_id=block_id,
        opcode=found.opcode if found else None,
        source=found.source if found else None,
        procedure=session.procedures.get(target, {}).get(block_id),
    )


def _number(x: float) -> float | int:
    return int(x) if float(x).is_integer() else x


def out_of_range_of(session: DebugSession, m: findings.Miss) -> OutOfRange:
    """One block's out-of-range accesses of one list, with the blocks behind its index."""
    return OutOfRange(
        list=m.list_name,
        kind=str(m.kind),  # plain text in the report, not the MissKind member
        first_index=_number(m.first_index),
        last_index=_number(m.last_index),
        length=m.length,
        count=m.count,
        block=block_ref(session, m.target, m.block_id),
        index_from=tuple(IndexOrigin(v, block_ref(session, m.target, b)) for b, v in m.index_from),
    )


def nonfinite_of(session: DebugSession, n: findings.NonFinite) -> NonFinite:
    """One block's stores of NaN or an infinity."""
    return NonFinite(n.what, n.count, repr(n.first), block_ref(session, n.target, n.block_id))


def _clamp(session: DebugSession, c: findings.Clamp) -> Clamp:
    return Clamp(c.variable, c.limit, c.count, block_ref(session, c.target, c.block_id))


# ## The verdict


def verdict(
    slices: tuple[SliceChange, ...],
    layers: list[LayerRow],
    out_of_range: tuple[OutOfRange, ...],
    nonfinite: tuple[NonFinite, ...],
) -> list[str]:
    """Short conclusions drawn only from the evidence."""
    lines = [_stuck_line(s) for s in slices if s.changed == 0 and s.total > 0]
    for row in layers:
        lines.extend(f"Layer map: {p}." for p in row.problems)
    common = _common_origin(out_of_range)
    if common:
        lines.append(common)
    lines += [miss_line(m) for m in out_of_range]
    for n in nonfinite:
        lines.append(f"{n.what} was set to {n.first} {n.count} time(s) by {n.block.where()}.")
    if not lines:
        lines.append(
            "Every named slice changed, no list access fell outside its list, and no NaN or "
            "Infinity was stored."
        )
    return lines


def _common_origin(misses: tuple[OutOfRange, ...]) -> str | None:
    """The custom block every out-of-range index was computed in, when there is one."""
    if not misses:
        return None
    shared = set.intersection(
        *(
            {(o.block.procedure, o.block.source) for o in m.index_from if o.block.procedure}
            for m in misses
        )
    )
    procedures = sorted({p for p, _ in shared if p})
    if len(procedures) != 1:
        return None
    lines = ", ".join(sorted({src for _, src in shared if src}, key=_line_number))
    where = f" ({lines})" if lines else ""
    return (
        f"Every out-of-range index was computed from what custom block {procedures[0]!r} returned"
        f"{where}: start there."
    )


def _line_number(source: str) -> int:
    tail = source.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def _stuck_line(s: SliceChange) -> str:
    name = f"{s.name} ({s.list} items {s.start}..{s.end})"
    ref = s.reference_max_abs_change
    if ref is None:
        return (
            f"{name}: no item changed since the mark (no reference to say whether it should have)."
        )
    if ref > TINY_CHANGE:
        return (
            f"{name}: no item changed, but the reference changes it by up to {ref:.3g} from the same "
            "start and samples: the gradient is lost on its way (a plumbing bug), not vanishing."
        )
    return (
        f"{name}: no item changed, and the reference changes it by at most {ref:.3g} too: "
        "a vanishing (or zero) gradient, not a plumbing bug."
    )


def miss_line(m: OutOfRange) -> str:
    """One out-of-range group as a sentence, with the chain of blocks behind its index."""
    what = "reads past the end of" if m.kind == "read" else "writes dropped outside"
    if m.first_index < 1:
        before = (
            "reads before the start of"
            if m.kind == "read"
            else "writes dropped before the start of"
        )
        what = before
    effect = 'each gave "" (0)' if m.kind == "read" else "Scratch ignored them"
    line = (
        f"{m.count:,} {what} `{m.list}` (items {m.first_index}..{m.last_index}, "
        f"length {m.length}) by {m.block.where()}; {effect}."
    )
    origins = [o for o in m.index_from if o.block.source]
    if origins:
        chain = "; ".join(
            f"{o.variable} from {o.block.opcode} at {o.block.source}" for o in origins[:8]
        )
        line += f" The index came from: {chain}."
    return line


# ## Text


def render_text(report: Report) -> str:
    """The report for a person: slices, out-of-range accesses, layer map, then the verdict."""
    out = [f"explain {safe_text(report.target, 200)}: {report.blocks:,} blocks run"]
    if report.stopped:
        out.append(
            f"the run did not finish: {report.stopped}; what follows is what it showed until then"
        )
    if report.slices:
        out += ["", "slices (changed since the mark; largest change; reference's largest change)"]
        for s in report.slices:
            ref = s.reference_max_abs_change
            out.append(
                f"  {s.list:<12} {s.name:<6} {s.start:>6}..{s.end:<6} "
                f"{s.changed:>6}/{s.total:<6} {s.max_abs_change:<10.3g} "
                f"{'-' if ref is None else format(ref, '.3g')}"
            )
    if report.never_written:
        out += ["", "never written since the mark"]
        out += [f"  {r.list} items {r.start}..{r.end}" for r in report.never_written]
    if report.layer_map:
        out += ["", "layer map (offsets as the program computed them)"]
        out += [f"  {r.text}" for r in report.layer_map]
    if report.clamps:
        out += ["", "lookup-table clamps"]
        out += [
            f"  {c.variable} -> {c.limit} in {c.block.procedure}: {c.count:,} times"
            for c in report.clamps
        ]
    out += ["", "verdict"] + [f"  - {line}" for line in report.verdict]
    # Names come from the project: no control character of theirs reaches the terminal.
    return "\n".join(safe_text(line, LINE_WIDTH) for line in out)
