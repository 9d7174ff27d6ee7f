"""A warp loop whose passes only write, logged as runs: its writes log their values alone (WriteLog.patterns)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from emulator.compiler.ir import (
    Body,
    FallbackExpr,
    ListWriteStmt,
    Loop,
    SetVar,
    expressions,
    subexpressions,
)
from emulator.runtime.hooks import PATTERN_BASE

# Locals of a loop logged as runs: whether the pass about to run looks at the log's room at each
# write (it begins with _b past _full: the log may fill, or take no writes, in it), and the clock
# past which a pass's end looks again (the warp timer's or the log's, whichever comes first).
CAREFUL, LOOK_AGAIN = "_cf", "_le"

if TYPE_CHECKING:
    from emulator.compiler.emit import FunctionEmitter, Vars, Writer


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


def room_for_passes(w: Writer) -> None:
    """Before a loop logged as runs, and at a pass's end once _b passes LOOK_AGAIN: whether the
    next pass has room for its writes. Each of them runs at most _ah blocks past the pass's _b,
    which stays the same through it, as does _full (a pass neither yields nor calls out:
    logs_runs); so one that begins with _b not past _full cannot fill the log (hooked.room), and
    its writes need not look at it."""
    w.line(f"{CAREFUL} = _b > _full")
    w.line(f"{LOOK_AGAIN} = min(_lim, _full)")


def logged_pass(em: FunctionEmitter, body: Body) -> None:
    """A pass of a loop logged as runs, emitted twice from the same state: a copy whose writes
    look at the log's room (for a pass that begins without room for all of them: CAREFUL), and
    one whose writes do not. The copy emitted first takes the write sites; the other is given
    the same (FunctionEmitter.log_site), so both log the same runs."""
    run, start = em.run, em.sites.first_write + len(em.sites.writes)
    assert run is not None
    fast = _copy(em, body, has_room=True)
    em.replay = iter(range(start, em.sites.first_write + len(em.sites.writes)))
    careful = _copy(em, body, has_room=False)
    assert next(em.replay, None) is None and fast[1:] == careful[1:]  # the same writes and state
    em.replay = None
    _, run.sites, em.vars, em.pending = fast
    em.w.line(f"if {CAREFUL}:")
    em.w.lines.extend(careful[0])
    em.w.line("else:")
    em.w.lines.extend(fast[0])


def _copy(
    em: FunctionEmitter, body: Body, has_room: bool
) -> tuple[list[str], list[int], Vars, int]:
    """One copy of the pass (logged_pass): its lines, one level in; its writes' sites; and the
    locals' state and the clock's pending blocks at its end. The emitter is left as it was."""
    w, run = em.w, em.run
    assert run is not None
    outer, state, pending, sites = w.lines, dict(em.vars), em.pending, list(run.sites)
    w.lines = []
    w.depth += 1
    em.pass_has_room = has_room
    em.body(body)
    copy = (w.lines, run.sites, em.vars, em.pending)
    em.pass_has_room = False
    w.depth -= 1
    w.lines, em.vars, em.pending, run.sites = outer, state, pending, sites
    return copy
