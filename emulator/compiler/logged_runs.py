"""A warp loop whose passes only write, logged as runs: its writes log their values alone (WriteLog.patterns)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from emulator.compiler.ir import (
    Const,
    FallbackExpr,
    Invariant,
    ListWriteStmt,
    Loop,
    Op,
    SetVar,
    expressions,
    subexpressions,
)
from emulator.runtime.hooks import PATTERN_BASE, RunPattern

if TYPE_CHECKING:
    from emulator.compiler.emit import FunctionEmitter, Writer


@dataclass
class LoggedRun:
    """The writes of a loop's passes, in the order a pass makes them: every pass makes the same,
    at the same blocks past its start, and adds the same to the clock, so a run of passes logs its
    code and clock once (start) and each write its value (and item) alone. The run ends (end)
    wherever anything else may log: a yield, a call that tells the hooks, the log's slow path; it
    starts again after, at the write that comes next. A counter's change (counters) logs nothing:
    the run logs the counter's value as it starts instead (WriteLog.bases), and where it ends, how
    many such writes it made (WriteLog.skipped), which it tells from the clock: the pass at _b is
    the ((_b - _r0) / stride)-th since the one it started in (at _r0), at its write _k0 counts the
    counters before."""

    first: int  # the number (WriteLog.patterns) of its pattern that starts at a pass's first write
    counters: dict[int, float]  # by variable: what its change adds each pass (counters)
    sites: list[int] = field(default_factory=list)  # its writes' sites so far, in order
    steps: list[float | None] = field(default_factory=list)  # by write: its counter's step
    stride: int | None = None  # the blocks a pass adds to the clock, once the pass is written

    def log_value(
        self, w: Writer, site: int, item: str | None, value: str, variable: int | None
    ) -> None:
        """A write of the pass, at `site`: its item (a list's) and value alone; nothing for a
        counter's change."""
        step = self.counters.get(variable) if item is None and variable is not None else None
        self.sites.append(site)
        self.steps.append(step)
        if item is not None:
            w.line(f"_wl.items.append({item})")
        if step is None:
            w.line(f"_wl.append({value})")

    @property
    def stride_name(self) -> str:
        """The local that holds the stride, which code inside the pass is written before it is
        known (the function's prologue sets it: FunctionEmitter.strides)."""
        return f"_stride{self.first}"

    def skipped(self, through: int) -> str:
        """The counters' writes the run has made since it started, the pass at _b's first
        `through` writes made (0: none of it), as an expression."""
        if not self.counters:
            return "0"
        made = f"(_b - _r0) // {self.stride_name}"
        if len(self.counters) > 1:
            made += f" * {len(self.counters)}"
        counted = self._counted(through)
        return f"{made} + {counted} - _k0" if counted else f"{made} - _k0"

    def _counted(self, writes: int) -> int:
        """How many of a pass's first `writes` writes are counters' changes."""
        return sum(step is not None for step in self.steps[:writes])

    def start(self, w: Writer, write: int | None = None) -> None:
        """Log a run starting at _b's pass, at its `write`-th write (None: the one after the last
        written so far), and its counters' values (their numbers, n_N, held up to date)."""
        at = len(self.sites) if write is None else write
        w.line(f"_wc.append({PATTERN_BASE + self.first + at})")
        w.line("_wk.append(_b)")
        for variable in self.counters:
            w.line(f"_wl.bases.append(n_{variable})")
        if self.counters:
            w.line("_r0 = _b")
            w.line(f"_k0 = {self._counted(at)}")

    def end(self, w: Writer, through: int) -> None:
        """End the run, the pass at _b's first `through` writes made: the log's writes now (with
        the counters' writes it made) are where it ends, and those are added to its skipped ones
        (in this order: Ctrl-C may come at len's call, which leaves neither done)."""
        if not self.counters:
            w.line("_wl.ends.append(len(_wl) + _wl.skipped)")
            return
        w.line(f"_k = {self.skipped(through)}")
        w.line("_wl.ends.append(len(_wl) + _wl.skipped + _k)")
        w.line("_wl.skipped += _k")

    def patterns(self) -> list[RunPattern]:
        """Its entries for WriteLog.patterns, one for each write a run may start at (the last:
        the first of the next pass), once the pass is written."""
        assert self.stride is not None
        sites, steps, stride = tuple(self.sites), tuple(self.steps), self.stride
        return [RunPattern(sites, stride, write, steps) for write in range(len(sites) + 1)]


def logs_runs(em: FunctionEmitter, loop: Loop) -> bool:
    """Whether a loop's passes are logged as runs (LoggedRun): code for hooks that hear writes
    alone, a repeat in warp (its passes yield only when the warp timer runs out), whose body sets
    variables and replaces items of lists the code holds, and nothing else: no branch, call or
    block of the interpreter's, so every write is at the same blocks past its pass's start; and
    not every one of them a counter's change, for a run Ctrl-C cuts short holds the writes
    through its last value (trace/log_runs.py), and such a run logs none."""
    if not (em.logs_alone and em.warp is True and not em.unit.pausable):
        return False
    if loop.kind != "repeat" or not loop.body or loop.arg is None:
        return False
    lazy_lists = em.unit.tables.lazy_lists
    for stmt in loop.body:
        if isinstance(stmt, SetVar):
            if stmt.var.index in em.lazy:
                return False
        elif isinstance(stmt, ListWriteStmt) and stmt.op == "replace":
            if stmt.list.index in lazy_lists:
                return False
        else:
            return False
    exprs = [loop.arg, *(e for stmt in loop.body for e in expressions(stmt))]
    if any(isinstance(x, FallbackExpr) for e in exprs for x in subexpressions(e)):
        return False
    return len(counters(em, loop)) < len(loop.body)


def counters(em: FunctionEmitter, loop: Loop) -> dict[int, float]:
    """The variables of a loop logged as runs whose one write in a pass is `change by` a number
    (finite: NaN never comes of it), by what it adds: the loop keeps each one's number (n_N) up
    to date, so a run knows their values from the one it starts with."""
    writes = [stmt.var.index for stmt in loop.body if isinstance(stmt, SetVar)]
    found: dict[int, float] = {}
    for stmt in loop.body:
        if not isinstance(stmt, SetVar) or writes.count(stmt.var.index) != 1:
            continue
        value = stmt.value
        if not (isinstance(value, Op) and value.op == "add" and len(value.args) == 2):
            continue
        counter, step = value.args
        if (
            isinstance(counter, Invariant)
            and counter.var.index == stmt.var.index
            and stmt.var.index in em.numbers
            and isinstance(step, Const)
            and type(step.value) is float
            and math.isfinite(step.value)
        ):
            found[stmt.var.index] = step.value
    return found
