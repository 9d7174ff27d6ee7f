"""A gradient check that needs no reference: nudge items by ±h, re-run the forward pass, compare with the update.

The loss variable's writes delimit samples. From the state just after the last write into any
slice before a loss write (the forward pass of that sample reads the slices from there on), each
sampled item is nudged by +h and by -h and the program runs on, from a restored copy of the whole
runtime, to its next write of the loss variable: (L+ - L-) / 2h estimates d loss / d item. The
program's own update of the same items in that sample (their change up to the next loss write but
one) should point against that gradient.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from emulator.debug.report import GradientCheck, GradientRow
from emulator.errors import ProgramError
from emulator.runtime.hooks import EVERY_BLOCK, ListWrite, RunHooks
from emulator.runtime.saved import SavedRuntime, restore_runtime, save_runtime
from emulator.slices import Slice
from emulator.values import Value, to_number

if TYPE_CHECKING:
    from emulator.debug.session import DebugSession
    from emulator.runtime.state import ListCell, VarCell
    from emulator.runtime.thread import Thread

STEP = 1e-4  # the nudge h: small against weights of order 0.01..1, large against rounding
ITEMS = 4  # items nudged per slice (more, up to twice this, while none moved the loss)
AGREE = 0.5  # a cosine of update and descent direction below this is a wrong gradient
VANISHING = 1e-3  # a slice's gradient this much smaller than its list's largest one vanishes
RUN_LIMIT = 50_000_000  # blocks a forward pass may take before the check gives up on it


@dataclass
class _Probe(RunHooks):
    """The hooks during re-runs: the loss write ends a run; first accesses are kept when asked."""

    loss: str
    hit: list[float] = field(default_factory=list)
    first_access: dict[str, dict[int, str]] | None = None

    def __post_init__(self) -> None:
        self.reported_writes = frozenset({self.loss})  # no other variable's write is looked at

    def on_var_set(self, thread: Thread, block_id: str, cell: VarCell, value: Value) -> None:
        if cell.name == self.loss and not self.hit:
            self.hit.append(to_number(value))

    def on_list_write(
        self,
        thread: Thread,
        block_id: str,
        cell: ListCell,
        op: ListWrite,
        index: int,
        old: Value,
        new: Value,
    ) -> None:
        if self.first_access is not None and not self.hit:
            self.first_access.setdefault(cell.name, {}).setdefault(index, "write")

    def on_list_read(
        self, thread: Thread, block_id: str, cell: ListCell, index: Value, item: int
    ) -> None:
        if self.first_access is not None and not self.hit and item:
            self.first_access.setdefault(cell.name, {}).setdefault(item, "read")


class GradientChecker:
    """Follows the main run to a sample after the mark, then runs the nudges from saved states."""

    def __init__(self, session: DebugSession, loss: str) -> None:
        self.session = session
        self.loss = loss
        self.slices = [s for s in session.slices if s.size > 0]
        self._lists = {s.list_name for s in self.slices}
        self._writes_seen = 0
        self.pause = False  # the main run should pause before its next block
        self.loss_writes = 0
        self._last_write: dict[str, int] = {}  # per list, the block count after its last write
        self._s0: SavedRuntime | None = None
        self._after_update: dict[str, int] = {}  # the same, up to the sample's loss write
        self._v2: dict[str, list[Value]] = {}
        self.result: GradientCheck | None = None
        self.done = False
        self.by_sample = False  # samples start at the sample variable's writes, not the loss's
        self._event = ""

    # ## Following the main run

    def on_loss(self, cell: VarCell, value: Value) -> None:
        """The main run wrote the loss variable."""
        if not self.done:
            self.loss_writes += 1
            self._pause_at("loss")

    def on_boundary(self, cell: VarCell, value: Value) -> None:
        """The main run wrote the sample variable (declared by the program): a sample starts."""
        if not self.done:
            self.by_sample = True
            self._pause_at("boundary")

    def _pause_at(self, event: str) -> None:
        """Pause before the next block: compiled code hands its thread to the interpreter there,
        and, until the run goes on, before every block (the check's re-runs count theirs)."""
        self._event, self.pause = event, True
        self.session.runtime.pause_before(EVERY_BLOCK)

    def on_write(self, list_name: str, index: int) -> None:
        """The main run wrote a list item."""
        if list_name in self._lists:
            self._last_write[list_name] = self.session.runtime.blocks

    def at_pause(self) -> None:
        """The main run paused just after a loss (or sample) write: take the next step of the check."""
        self.pause = False
        if self.by_sample:
            self._at_sample_event()
        else:
            self._at_loss_event()

    def _at_sample_event(self) -> None:
        # Save at each sample boundary; a sample qualifies when it wrote the loss and then
        # changed the slices (an update) before the next boundary: a training sample.
        if self._event == "loss":
            if self._s0 is not None and not self._v2:
                self._v2 = self._values()
            return
        if self._v2 and self._values() != self._v2:
            self._finish()
            return
        self._s0, self._v2, self._after_update = save_runtime(self.session.runtime), {}, {}

    def _at_loss_event(self) -> None:
        # With loss writes alone: from the first, each list is nudged from just after its last
        # write before the second, and the third ends the sample's update.
        if self._event != "loss":
            return
        if self._s0 is None:
            self._s0 = save_runtime(self.session.runtime)
            self._last_write = {}
        elif not self._v2:
            self._after_update = dict(self._last_write)
            self._v2 = self._values()
        else:
            self._finish()

    def _finish(self) -> None:
        rt = self.session.runtime
        v3, p3 = self._values(), save_runtime(rt)
        hooks, reads = rt.hooks, rt.reported_reads
        try:
            self.result = self._check(v3)
        finally:
            rt.attach(hooks)
            restore_runtime(rt, p3)
            rt.watch_reads(reads)
        self.done = True

    def _values(self) -> dict[str, list[Value]]:
        cells = [c for t in self.session.runtime.targets for c in t.lists.values()]
        return {c.name: list(c.items) for c in cells if c.name in self._lists}

    # ## The check

    def _check(self, v3: dict[str, list[Value]]) -> GradientCheck:
        probe = _Probe(self.loss)
        self.session.runtime.attach(probe)
        rows: list[GradientRow] = []
        count, bases = 0, []
        for name in dict.fromkeys(s.list_name for s in self.slices):
            runs = self._runs_for(name, probe)
            bases.append(runs.base)
            rows += [self._row(s, runs, v3) for s in self.slices if s.list_name == name]
            count += runs.count
        return GradientCheck(
            loss_variable=self.loss,
            sample=self._sample_text(),
            step=STEP,
            runs=count,
            rows=_relative(tuple(rows)),
            note=_note(tuple(rows), bases, self.session),
        )

    def _runs_for(self, list_name: str, probe: _Probe) -> _Runs:
        """Nudge runs for one list, from just after its last write before the sample's loss write.

        From there on, until the loss, the program only reads the list (its forward pass), so a
        nudge there changes the loss and nothing else.
        """
        rt = self.session.runtime
        assert self._s0 is not None
        restore_runtime(rt, self._s0)
        target = self._after_update.get(list_name)
        if target is not None:
            rt.run_until(lambda t, s: rt.blocks >= target)
        start = save_runtime(rt)
        probe.first_access = {}
        rt.watch_reads(EVERY_BLOCK)
        base = self._run_to_loss(start, probe, RUN_LIMIT)
        access, probe.first_access = probe.first_access.get(list_name, {}), None
        rt.watch_reads(set())
        budget = (
            4 * (rt.blocks - start.clock[1]) + 10_000
        )  # a nudge may change control flow a little
        return _Runs(self, start, probe, budget, math.nan if base is None else base, access)

    def _run_to_loss(self, start: SavedRuntime | None, probe: _Probe, budget: int) -> float | None:
        """From `start` (or from here), run to the loss variable's next write and give its value."""
        rt = self.session.runtime
        if start is not None:
            restore_runtime(rt, start)
        probe.hit.clear()
        limit = rt.blocks + budget
        try:
            rt.run_until(lambda t, s: bool(probe.hit), limit)
        except ProgramError:  # the step limit, or a nudge that made the program fail
            return None
        return probe.hit[0] if probe.hit else None

    def _sample_text(self) -> str:
        program = self.session.program
        name = program.sample_variable if program is not None else None
        if name is None:
            return f"the sample after loss write {self.loss_writes - 1}"
        cell = self.session.runtime.stage.find_variable(None, name)
        return f"{name} = {cell.value}" if cell is not None else "?"

    def _row(self, s: Slice, runs: _Runs, v3: dict[str, list[Value]]) -> GradientRow:
        read = [i for i in range(s.start, s.end + 1) if runs.access.get(i) == "read"]
        if not read:
            return GradientRow(s.name, s.list_name, (), 0.0, 0.0, None, "not read", _NOT_READ)
        v2 = self._v2.get(s.list_name, [])
        after = v3.get(s.list_name, [])
        update = {i: _at(after, i) - _at(v2, i) for i in read}
        grads = runs.gradients(s.list_name, _choose(read, update))
        return _judge(s, grads, update)


_NOT_READ = "the forward pass does not read it before the loss (written first, or not at all)"


def _at(items: list[Value], i: int) -> float:
    return to_number(items[i - 1]) if i <= len(items) else 0.0


def _choose(read: list[int], update: dict[int, float]) -> list[int]:
    """Items to nudge: spread over those the update moved, then over the rest; twice ITEMS at most."""
    moved = [i for i in read if update[i] != 0]
    picks = _spread(moved, ITEMS)
    rest = [i for i in _spread(read, 2 * ITEMS) if i not in picks]
    return picks + rest


def _spread(items: list[int], k: int) -> list[int]:
    if len(items) <= k:
        return list(items)
    return [items[(2 * n + 1) * len(items) // (2 * k)] for n in range(k)]


class _Runs:
    """Nudge runs from one saved state: each item by +h and -h, until enough of them moved the loss."""

    def __init__(
        self,
        checker: GradientChecker,
        start: SavedRuntime,
        probe: _Probe,
        budget: int,
        base: float,
        access: dict[int, str],
    ) -> None:
        self.checker, self.start, self.probe, self.budget = checker, start, probe, budget
        self.base = base  # the loss with nothing nudged
        self.access = access  # item -> "read" or "write": how the forward pass first touched it
        self.count = 0
        self.still = 0  # nudged items that left the loss exactly as it was
        self.moved = 0
        # With lookup tables in the program, a list whose first nudges never moved the loss will
        # not move it in its other slices either: stop paying for forward passes then.
        self.tables = bool(checker.session.findings.clamps)

    def given_up(self) -> bool:
        """Whether the loss is too coarse for this list's nudges to be worth more runs."""
        return self.tables and self.moved == 0 and self.still >= 2 * ITEMS

    def gradients(self, list_name: str, items: list[int]) -> dict[int, tuple[float, bool]]:
        """item -> (estimated gradient, whether the two nudges moved the loss evenly)."""
        found: dict[int, tuple[float, bool]] = {}
        for n, item in enumerate(items):
            if (n >= ITEMS and any(g for g, _ in found.values())) or self.given_up():
                break
            found[item] = self._central(list_name, item)
        return found

    def _central(self, list_name: str, item: int) -> tuple[float, bool]:
        up, down = self._nudged(list_name, item, STEP), self._nudged(list_name, item, -STEP)
        if up == down == self.base:
            self.still += 1
        else:
            self.moved += 1
        return (up - down) / (2 * STEP), _even(up - self.base, self.base - down)

    def _nudged(self, list_name: str, item: int, h: float) -> float:
        rt = self.checker.session.runtime
        restore_runtime(rt, self.start)
        cell = next(c for t in rt.targets for c in t.lists.values() if c.name == list_name)
        if item <= len(cell.items):
            cell.items[item - 1] = to_number(cell.items[item - 1]) + h
        self.count += 1
        loss = self.checker._run_to_loss(None, self.probe, self.budget)
        return math.nan if loss is None else loss


def _even(a: float, b: float) -> bool:
    """Whether the loss moved by about the same on both sides: smooth at this step, not in stairs."""
    # Smooth: a - b is the curvature's h**2, small beside either; stairs: one side 0, or far apart.
    return abs(a - b) <= 0.5 * max(abs(a), abs(b)) + 1e-9


def _judge(s: Slice, grads: dict[int, tuple[float, bool]], update: dict[int, float]) -> GradientRow:
    items = tuple(grads)
    g = [grads[i][0] for i in items]
    u = [update[i] for i in items]
    g_size, u_size = max(map(abs, g), default=0.0), max(map(abs, u), default=0.0)
    cosine = _cosine(u, [-x for x in g])
    row = GradientRow(s.name, s.list_name, items, g_size, u_size, cosine, "agrees", "")
    if not items:
        return _with(row, "inconclusive", "no nudge of its list changed the loss")
    if not all(even for _, even in grads.values()) or any(math.isnan(x) for x in g):
        return _with(row, "inconclusive", "the loss moves in steps at this h, not smoothly")
    if g_size == 0:
        return _with(row, "inconclusive", "no nudge of ±h changed the loss")
    if u_size == 0:
        return _with(row, "lost", "the update is 0 where the loss has a gradient")
    if cosine is not None and cosine < AGREE:
        return _with(
            row, "wrong", f"the update and the descent direction disagree (cosine {cosine:.2f})"
        )
    return row


def _with(row: GradientRow, finding: str, note: str) -> GradientRow:
    return GradientRow(
        row.slice, row.list, row.items, row.gradient, row.update, row.cosine, finding, note
    )


def _cosine(a: list[float], b: list[float]) -> float | None:
    na, nb = math.sqrt(sum(x * x for x in a)), math.sqrt(sum(x * x for x in b))
    if na == 0 or nb == 0 or math.isnan(na * nb):
        return None
    return sum(x * y for x, y in zip(a, b, strict=True)) / (na * nb)


def _relative(rows: tuple[GradientRow, ...]) -> tuple[GradientRow, ...]:
    """Mark as vanishing the agreeing slices whose gradient and update are tiny beside their list's largest."""
    largest: dict[str, tuple[float, float]] = {}
    for r in rows:
        g, u = largest.get(r.list, (0.0, 0.0))
        largest[r.list] = (max(g, r.gradient), max(u, r.update))
    out = []
    for r in rows:
        g, u = largest[r.list]
        if r.finding == "agrees" and r.gradient < VANISHING * g and r.update < VANISHING * u:
            r = _with(
                r, "vanishing", f"gradient and update under {VANISHING:g} of the list's largest"
            )
        out.append(r)
    return tuple(out)


def _note(rows: tuple[GradientRow, ...], bases: list[float], session: DebugSession) -> str:
    if any(math.isnan(b) for b in bases):
        return "a re-run from a saved state never wrote the loss again"
    coarse = [
        name
        for name in dict.fromkeys(r.list for r in rows)
        if (nudged := [r for r in rows if r.list == name and r.finding != "not read"])
        and all(r.finding == "inconclusive" for r in nudged)
    ]
    if not coarse:
        return ""
    procedures = sorted({str(c.procedure) for c in session.findings.clamps.values()})
    why = (
        f"the loss goes through lookup tables (clamped in {', '.join(procedures)}), which "
        "quantise it more coarsely than h"
        if procedures
        else "the loss is computed more coarsely than h"
    )
    lists = ", ".join(f"`{name}`" for name in coarse)
    return (
        f"cannot conclude at this resolution for {lists}: no nudge of ±{STEP:g} moved the loss "
        f"smoothly; {why} (a run with exact math would decide)"
    )
