"""explain: run a target under the debugger's hooks and report what went wrong, from the run's own evidence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from emulator.debug.dataflow import ReadGroup, ReadTrail, watched_reads
from emulator.debug.diagnosis import Evidence, diagnose, miss_line
from emulator.debug.explain_text import render_text, verdict
from emulator.debug.forked import Forked
from emulator.debug.gradient_check import GradientChecker
from emulator.debug.layer_map import layer_map
from emulator.debug.records import (
    block_ref_by_id,
    clamp_of,
    index_quirk_of,
    nonfinite_of,
    out_of_range_of,
    sorted_misses,
)
from emulator.debug.reference_check import SampleComparer, largest_difference
from emulator.debug.report import (
    Diagnosis,
    Divergence,
    GradientCheck,
    NeverWritten,
    ReadRow,
    Report,
    SliceChange,
)
from emulator.debug.session import DebugSession
from emulator.program import RANDOM_AT_MARK
from emulator.runtime.saved import InCompiledCode
from emulator.runtime.sequencer import StepLimitReached
from emulator.runtime.state import lists_by_name
from emulator.slices import Slice
from emulator.values import Value, compare, to_number

if TYPE_CHECKING:
    from emulator.runtime.state import VarCell

__all__ = [
    "diagnosis_so_far",
    "explain",
    "miss_line",
    "nonfinite_of",
    "out_of_range_of",
    "render_text",
    "sorted_misses",
]

Lists = dict[str, list[Value]]


class _Watch:
    """What explain attaches at the mark: the reference comparison, the gradient check, the read trail."""

    def __init__(self, session: DebugSession, loss: str | None) -> None:
        self.session = session
        self.loss = loss
        self.initial: Lists = {}
        self.reference: dict[str, Any] | None = None
        self.comparer: SampleComparer | None = None
        self.checker: GradientChecker | None = None
        self.checked: Checked | None = None  # a check done elsewhere (in a twin), if any

    def start(self, reference: bool = True, trail: bool = True) -> None:
        """At the mark: compute the reference's run and hook the comparisons and the read trail
        in (each unless not wanted)."""
        session, findings = self.session, self.session.findings
        marked = session.marked
        self.initial = lists_by_name(session.runtime.targets, marked) if marked else {}
        self.reference = self._reference() if reference else None
        program = session.program
        sample = program.sample_variable if program is not None else None
        if self.loss is not None and session.slices:
            self.checker = GradientChecker(session, self.loss)
            findings.listen(self.loss, self.checker.on_loss)
            findings.listen_to_writes(self.checker.on_write)
        if sample is not None:
            findings.listen(sample, lambda c, v: self._boundary(c, v))
        if not trail:
            return
        lists = {s.list_name for s in session.slices}
        watched = watched_reads(session.project.targets, lists)
        blocks = {t.name: dict(t.blocks) for t in session.project.targets}
        findings.follow(ReadTrail(session.slices, blocks, watched))
        session.runtime.watch_reads(watched.reads)

    def _boundary(self, cell: VarCell, value: Value) -> None:
        if self.comparer is not None:
            self.comparer.boundary()
        if self.checker is not None:
            self.checker.on_boundary(cell, value)

    def _reference(self) -> dict[str, Any] | None:
        program, session = self.session.program, self.session
        if program is None or not self.initial:
            return None
        # The generator's state now, at the mark: what the program draws from here on.
        params = {**session.params, RANDOM_AT_MARK: session.runtime.rng.getstate()}
        if program.reference_steps is not None:
            steps = program.reference_steps(params, self.initial)
            self.comparer = SampleComparer(session, steps, program.tolerance_for(session.params))
            if steps:
                return {k: list(v) for k, v in steps[-1].lists.items()}
        if program.reference is not None:
            return dict(program.reference(params, self.initial))
        return None

    def run(self, until_checked: bool = False) -> None:
        """From the mark to the end (or until the gradient check is done), pausing where the check wants to."""
        rt, checker = self.session.runtime, self.checker
        while True:
            if checker is not None and not checker.done:
                rt.pause_before(frozenset())  # compiled code runs on until the check pauses it
                hit = rt.run_until(lambda t, s: checker.pause, self.session.max_steps)
            elif until_checked:
                return
            else:
                hit = rt.run_until(None, self.session.max_steps)
            if hit is None:
                return
            if checker is not None and checker.pause:
                checker.at_pause()

    def gradient_check(self) -> GradientCheck | None:
        """The check's result, or why it did not run."""
        checked = self.checked
        if checked is None and self.checker is not None:
            checked = Checked(self.checker.result, self.checker.loss_writes)
        if checked is None:
            return None
        if checked.result is not None:
            return checked.result
        note = (
            f"the run wrote {self.loss} {checked.loss_writes} time(s) after the mark; "
            "the check needs three writes (a sample before, the sample, the one after)"
        )
        return GradientCheck(self.loss or "", "", 0.0, 0, (), note)


def explain(session: DebugSession, loss: str | None = None) -> Report:
    """Run the session from its start to the end and gather the report (see render_text).

    `loss` names the variable a sample's loss is stored in (default: the program's declaration);
    with it, a gradient check runs at a sample after the mark.
    """
    program = session.program
    loss = loss or (program.loss_variable if program else None)
    if session.runtime.may_run_compiled():
        return _explain_compiled(session, loss)
    watch = _Watch(session, loss)
    stopped = None
    try:
        session.run_to_mark()
        if session.mark_reached:
            watch.start()
            watch.run()
    except StepLimitReached as exc:
        stopped = str(exc)
    if watch.comparer is not None and stopped is None:
        watch.comparer.finish()
    return _report(session, watch, stopped)


def _explain_compiled(session: DebugSession, loss: str | None) -> Report:
    """explain on compiled code, which cannot pause: the mark is set at the write that reaches it,
    everything but the gradient check rides on the hooks, and the check (which pauses, saves and
    restores the run) runs in a twin session, from the start until it is done, beside this run
    in a forked copy where it can (Forked). Runs are reproducible and both engines compute the
    same, so the twin passes through the same states; the report is the one explain makes in
    the interpreter."""
    watch = _Watch(session, None)
    twin = (
        Forked(lambda: _twin_check(session, loss)) if loss is not None and session.slices else None
    )
    session.mark_on_write(watch.start)
    session.runtime.run()
    if watch.comparer is not None:
        watch.comparer.finish()
    if twin is not None and session.mark_reached:
        watch.loss, watch.checked = loss, twin.result()
    return _report(session, watch, None)


@dataclass(frozen=True)
class Checked:
    """What the report takes of a gradient check: its result, and how often the loss was written."""

    result: GradientCheck | None
    loss_writes: int


def _twin_check(session: DebugSession, loss: str) -> Checked | None:
    """The gradient check in a twin: pausable compiled code where it can save the run, else the interpreter."""
    try:
        checker = _check_in_twin(session, loss, "compiled")
    except InCompiledCode:  # another thread was in compiled code where the check saves the run
        checker = _check_in_twin(session, loss, "interpreter")
    return None if checker is None else Checked(checker.result, checker.loss_writes)


def _check_in_twin(session: DebugSession, loss: str, engine: str) -> GradientChecker | None:
    """The gradient check, in a twin session from the start: pausable compiled code runs it to
    each pause the check asks for, and the interpreter from there (the check saves and restores
    the run there); only the check is reported, so the twin keeps no origins and follows no reads."""
    twin = session.twin(engine, pausable=True)
    twin.findings.wants_origins = False
    twin.findings.hearing_changed()
    checking = _Watch(twin, loss)
    twin.run_to_mark()
    if twin.mark_reached:
        checking.start(reference=False, trail=False)
        checking.run(until_checked=True)
    return checking.checker


def diagnosis_so_far(session: DebugSession) -> tuple[Diagnosis, ...]:
    """explain's conclusions from the run as it stands, without running on (no reference, no gradient check).

    The inspector lists them while the program is paused: what changed since the mark, the
    out-of-range accesses, fractional indices, the layer map, non-finite values and clamps so far.
    """
    marked = session.marked
    if marked is None:
        return ()  # before the mark nothing is "since the mark", and the mark may yet come
    final = {c.name: list(c.items) for t in session.runtime.targets for c in t.lists.values()}
    watch = _Watch(session, None)
    watch.initial = lists_by_name(session.runtime.targets, marked)
    return diagnose(_evidence(session, watch, final))


def _report(session: DebugSession, watch: _Watch, stopped: str | None) -> Report:
    final = {c.name: list(c.items) for t in session.runtime.targets for c in t.lists.values()}
    e = _evidence(session, watch, final)
    trail = session.findings.trail
    if trail is not None:  # the run is over: the counting comes back (its process, if any, ends)
        trail.close()
    diagnosis = diagnose(e)
    return Report(
        target=session.project.name,
        params={k: (list(v) if isinstance(v, tuple) else v) for k, v in session.params.items()},
        blocks=session.runtime.blocks,
        slices=e.slices,
        never_written=tuple(_never_written(session, final)) if e.mark_reached else (),
        out_of_range=e.out_of_range,
        nonfinite=e.nonfinite,
        clamps=e.clamps,
        layer_map=e.layers,
        verdict=tuple(verdict(diagnosis, e)),
        stopped=stopped,
        index_quirks=e.index_quirks,
        divergence=e.divergence,
        dataflow=e.dataflow,
        gradient_check=e.gradient,
        diagnosis=diagnosis,
        mark_reached=e.mark_reached,
    )


def _evidence(session: DebugSession, watch: _Watch, final: Lists) -> Evidence:
    """The run's findings as report records: what the diagnosis is drawn from."""
    reached = bool(session.mark_reached)
    # Without the mark there is no "since the mark": no slice is said to have changed or not.
    slices = (
        tuple(_slice_change(s, watch.initial, final, watch.reference) for s in session.slices)
        if reached
        else ()
    )
    findings = session.findings
    divergence = watch.comparer.first if watch.comparer is not None else None
    gradient = watch.gradient_check()
    mark = session.mark
    return Evidence(
        mark=f"{mark.variable} = {mark.value}" if mark else None,
        mark_reached=reached,
        slices=slices,
        divergence=divergence,
        gradient=gradient,
        dataflow=tuple(_dataflow(session, _suspects(slices, divergence, gradient))),
        out_of_range=tuple(out_of_range_of(session, m) for m in sorted_misses(session)),
        index_quirks=tuple(index_quirk_of(session, q) for q in findings.index_quirks.values()),
        layers=tuple(layer_map(session)),
        nonfinite=tuple(nonfinite_of(session, n) for n in findings.nonfinite.values()),
        clamps=tuple(clamp_of(session, c) for c in findings.clamps.values() if c.count),
    )


def _slice_change(
    s: Slice, initial: Lists, final: Lists, reference: dict[str, list[float]] | None
) -> SliceChange:
    before = initial.get(s.list_name, [])[s.start - 1 : s.end]
    after = final.get(s.list_name, [])[s.start - 1 : s.end]
    pairs = list(zip(before, after, strict=False))
    ref_change = diff = None
    if reference is not None and s.list_name in reference:
        ref = reference[s.list_name][s.start - 1 : s.end]
        ref_change = max(
            (abs(r - to_number(a)) for a, r in zip(before, ref, strict=False)), default=0.0
        )
        diff = largest_difference(s, final, reference)
    return SliceChange(
        list=s.list_name,
        name=s.name,
        start=s.start,
        end=s.end,
        shape=s.shape,
        # An item the list did not have at the mark and has now changed too.
        changed=sum(compare(a, b) != 0 for a, b in pairs) + max(0, len(after) - len(before)),
        total=s.size,
        max_abs_change=max((abs(to_number(b) - to_number(a)) for a, b in pairs), default=0.0),
        reference_max_abs_change=ref_change,
        reference_max_abs_diff=diff,
    )


def _never_written(session: DebugSession, final: Lists) -> list[NeverWritten]:
    """Per list written since the mark, the runs of items no block wrote."""
    rows = []
    for name, bits in sorted((session.findings.written or {}).items()):
        length = len(final.get(name, []))
        unwritten = [i for i in range(1, length + 1) if i > len(bits) or not bits[i - 1]]
        rows += [NeverWritten(name, a, b) for a, b in runs(unwritten)]
    return rows


def runs(items: list[int]) -> list[tuple[int, int]]:
    """Sorted item numbers as runs of consecutive ones: [1, 2, 3, 7] -> [(1, 3), (7, 7)]."""
    out: list[tuple[int, int]] = []
    for i in sorted(items):
        if out and out[-1][1] == i - 1:
            out[-1] = (out[-1][0], i)
        else:
            out.append((i, i))
    return out


# ## What slice updates read


def _suspects(
    slices: tuple[SliceChange, ...], divergence: Divergence | None, gradient: GradientCheck | None
) -> set[str]:
    """Slices that did not change, or changed otherwise than the reference or the loss says."""
    names = {s.name for s in slices if s.total and s.changed == 0}
    names |= {s.name for s in slices if s.reference_max_abs_change and s.max_abs_change == 0}
    if divergence is not None:
        names |= set(divergence.slices)
    if gradient is not None:
        names |= {r.slice for r in gradient.rows if r.finding in ("lost", "wrong")}
    return names


def _dataflow(session: DebugSession, names: set[str]) -> list[ReadRow]:
    """For each suspect slice, the reads of its updates that got nothing: past an end, or never written."""
    trail = session.findings.trail
    if trail is None:
        return []
    rows = []
    for s in session.slices:
        if s.name not in names:
            continue
        for group in trail.of_slice(s):
            row = _read_row(session, s, group)
            if row.unwritten or row.past_end:
                rows.append(row)
    return rows


def _read_row(session: DebugSession, s: Slice, g: ReadGroup) -> ReadRow:
    first, last, count = g.past_end
    # Items read before anything wrote them, and that nothing wrote later either.
    # A list nothing wrote since the mark is a constant (a table, the data): reading it is no fault.
    bits = (session.findings.written or {}).get(g.list_name)
    unwritten = [i for i in g.unwritten if bits and (i > len(bits) or not bits[i - 1])]
    return ReadRow(
        slice=s.name,
        write_block=block_ref_by_id(session, g.write_block),
        read_block=block_ref_by_id(session, g.read_block),
        list=g.list_name,
        count=g.count,
        first=int(g.first) if g.count > count else None,
        last=int(g.last) if g.count > count else None,
        unwritten=tuple(runs(unwritten)),
        past_end=(first, last, int(count)) if count else None,
    )
