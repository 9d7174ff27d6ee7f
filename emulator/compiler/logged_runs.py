"""A warp loop whose passes only write, logged as runs: its writes log their values alone (WriteLog.patterns)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from emulator.compiler.ir import (
    FallbackExpr,
    ListWriteStmt,
    Loop,
    SetVar,
    expressions,
    subexpressions,
)
from emulator.runtime.hooks import PATTERN_BASE

if TYPE_CHECKING:
    from emulator.compiler.emit import FunctionEmitter, Writer


@dataclass
class LoggedRun:
    """The writes of a loop's passes, in the order a pass makes them: every pass makes the same,
    at the same blocks past its start, and adds the same to the clock, so a run of passes logs its
    code and clock once (start) and each write its value (and item) alone. The run ends (end)
    wherever anything else may log: a yield, a call that tells the hooks, the log's slow path; it
    starts again after, at the write that comes next."""

    first: int  # the number (WriteLog.patterns) of its pattern that starts at a pass's first write
    sites: list[int] = field(default_factory=list)  # its writes' sites so far, in order

    def log_value(self, w: Writer, site: int, item: str | None, value: str) -> None:
        """A write of the pass, at `site`: its item (a list's) and value alone."""
        self.sites.append(site)
        if item is not None:
            w.line(f"_wl.items.append({item})")
        w.line(f"_wl.append({value})")

    def start(self, w: Writer, write: int | None = None) -> None:
        """Log a run starting at _b's pass, at its `write`-th write (None: the one after the last
        written so far)."""
        at = len(self.sites) if write is None else write
        w.line(f"_wc.append({PATTERN_BASE + self.first + at})")
        w.line("_wk.append(_b)")

    @staticmethod
    def end(w: Writer) -> None:
        """End the run: the log's length now is where it ends."""
        w.line("_wl.ends.append(len(_wl))")

    def patterns(self, stride: int) -> list[tuple[tuple[int, ...], int, int]]:
        """Its entries for WriteLog.patterns, one for each write a run may start at (the last:
        the first of the next pass), given the blocks a pass adds to the clock."""
        sites = tuple(self.sites)
        return [(sites, stride, write) for write in range(len(sites) + 1)]


def logs_runs(em: FunctionEmitter, loop: Loop) -> bool:
    """Whether a loop's passes are logged as runs (LoggedRun): code for hooks that hear writes
    alone, a repeat in warp (its passes yield only when the warp timer runs out), whose body sets
    variables and replaces items of lists the code holds, and nothing else: no branch, call or
    block of the interpreter's, so every write is at the same blocks past its pass's start."""
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
    return not any(isinstance(x, FallbackExpr) for e in exprs for x in subexpressions(e))
