"""IR to Python source: one generator function per script and custom block, meant to be read.

Variables live in Python locals (v_N) between the points where other code can run: a yield, a call,
the interpreter. There they are written back to their cells (V_N), and read again when next used.
The virtual clock is a local too (_b), written back to the runtime at the same points.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from emulator.compiler import counted_misses
from emulator.compiler.emit_expr import ExprEmitter, constant
from emulator.compiler.ir import (
    NUMBER,
    After,
    Body,
    Cast,
    Expr,
    FallbackExpr,
    Function,
    Loop,
    ReadVar,
    calls_out,
    expressions,
    has_effect,
    reads,
    reports,
    subexpressions,
    walk,
    writes,
)
from emulator.compiler.logged_runs import LoggedRun
from emulator.compiler.lower import Unit
from emulator.compiler.origin_memo import OriginMemo
from emulator.compiler.whole_index import WholeGuard
from emulator.runtime.hooks import ListWrite, RunPattern

Vars = dict[int, bool]  # a loaded variable -> whether its local is newer than its cell


@dataclass
class Sites:
    """One unit's flagged sites so far, in order: the blocks its pausable code may hand its thread
    over before (PAUSE_AT), the blocks whose reads its hooked code may report (each site's flags
    are globals: block_flags.READ_FLAG and the others), and the writes its hooked code may append
    to a WriteLog (numbered from first_write on, as Runtime.write_sites holds them)."""

    pauses: list[str]
    reads: dict[str, int]  # block id -> its read site's number, in the order they came
    # (block id, the unit's variable, or list with how it is written, the clock's lead there)
    writes: list[tuple[str, int, ListWrite | None, int]] = field(default_factory=list)
    first_write: int = 0
    # Its loops' runs of writes (LoggedRun.patterns), numbered from first_pattern on, as
    # Runtime.write_patterns holds them.
    patterns: list[RunPattern] = field(default_factory=list)
    first_pattern: int = 0

    def read(self, block_id: str) -> int:
        """The read site of a block's `item of` (one per block, however often it is emitted)."""
        return self.reads.setdefault(block_id, len(self.reads))

    def write(self, block_id: str, index: int, op: ListWrite | None, ahead: int) -> int:
        """A new write site's number: the block writes the unit's variable there (or with `op`,
        its list), with the clock `ahead` blocks past the code's _b."""
        self.writes.append((block_id, index, op, ahead))
        return self.first_write + len(self.writes) - 1


class Writer:
    """Indented lines of source."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.depth = 1

    def line(self, text: str) -> None:
        """Append a line at the current indentation."""
        self.lines.append("    " * self.depth + text)

    @contextmanager
    def block(self, header: str) -> Iterator[None]:
        """A header line and the lines indented under it."""
        self.line(header)
        self.depth += 1
        yield
        self.depth -= 1

    @contextmanager
    def unless(self, usual: str) -> Iterator[None]:
        """Lines that run only when the test `usual` (as a rule true) is false, written as
        `if usual: pass` and `else:`. CPython 3.11 fuses a comparison with the conditional jump
        after it, for the types it sees, only when that jump is short (no EXTENDED_ARG before it);
        over a long body, `if _b > _lim:` stayed an unspecialised comparison in every pass of a
        loop. Here the long jump is the unconditional one after `pass`."""
        with self.block(f"if {usual}:"):
            self.line("pass  # as a rule")
        with self.block("else:"):
            yield


class FunctionEmitter:
    """Writes one Function. Statement kinds live in emit_stmts; this holds the state they share."""

    def __init__(self, unit: Unit, fn: Function, sites: Sites) -> None:
        self.unit = unit
        self.fn = fn
        self.sites = sites  # the unit's flagged sites so far
        self.levels: list[str] = []  # the enclosing C-blocks' stack frames (handoff.Level)
        self.w = Writer()
        self.pending = 0  # block costs run but not yet added to _b
        self.vars: Vars = {}
        self.lazy = unit.tables.lazy_variables
        self.loops: list[set[int]] = []  # the variables loaded at the head of each enclosing loop
        self.invariants: list[int] = []  # the variables cast once before an enclosing loop (n_N)
        self.numbers: set[int] = set()  # those of them whose writes in the loop set n_N again
        self.constants: list[tuple[int, Expr]] = []  # enclosing loops' LoopConstants (c_N)
        self.memos: dict[str, OriginMemo] = {}  # by block id: running sums' memos in the loops here
        self.memo_scopes: list[list[str]] = []  # each enclosing loop's memo locals
        self.procs = {f.name: f for f in unit.functions}
        hoisted = {ref.index for ref in fn.hoisted}
        self.hooks = unit.hooks  # report to the runtime's hooks what the interpreter reports
        self.reads_reported = unit.hooks and not unit.writes_only  # and its reads too
        # Its writes are appended to the hooks' log in _wl, which is checked only once _b passes
        # _full (hooked.room): both are read again wherever _b is (resync), given the most any
        # write here runs ahead of _b (_ah, set once the function's writes are known).
        self.logs_alone = unit.hears_every_write and unit.writes_only
        self.most_ahead = 0
        self.run: LoggedRun | None = None  # the loop whose passes' writes are logged as runs
        self.strides: dict[str, int] = {}  # by local (LoggedRun.stride_name): its loop's stride
        self.marks: list[counted_misses.Mark] = []  # where counted misses are flushed, in order
        reported = self.reads_reported
        self.ex = ExprEmitter(
            self._var,
            lambda i: _items(unit, i, hoisted),
            self._params_source(),
            (lambda i: list_cell(unit, i)) if reported else None,
            (lambda i: list_name(unit, i)) if reported else None,
            sites.read if reported else None,
        )
        # Scripts never run in warp mode; a warp block without waits outside the tick loop always does.
        self.warp: bool | None = False if fn.proccode is None else (True if fn.warp_fixed else None)

    def _params_source(self) -> str:
        if not self.fn.params:
            return "None"
        pairs = ", ".join(f"{constant(n)}: a_{i}" for i, n in enumerate(self.fn.params))
        return "{" + pairs + "}"

    def _var(self, e: ReadVar) -> str:
        i = e.var.index
        return f"VG_{i}().value" if i in self.lazy else f"v_{i}"

    # ## The clock

    def flush_clock(self) -> None:
        """Add the costs counted so far to _b."""
        if self.pending:
            self.w.line(f"_b += {self.pending}")
            self.pending = 0

    def sync(self, ahead: int = 0) -> None:
        """Write the clock back to the runtime (before anything outside this function reads it).

        `ahead` is a cost the block about to run counts before it runs, not yet in _b.
        """
        self.flush_clock()
        line = f"_rt.blocks = _b + {ahead}" if ahead else "_rt.blocks = _b"
        if not self._synced(line):
            self.w.line(line)
        self.flush_misses()

    def _synced(self, sync: str) -> bool:
        """Whether the same write of the clock was the last line to touch it, at this depth and
        with nothing but straight-line code after it (a report between leaves the clock alone)."""
        indent = "    " * self.w.depth
        for text in reversed(self.w.lines):
            if not text.startswith(indent) or text[len(indent) : len(indent) + 1] == " ":
                return False  # a block ended or began since: control may arrive another way
            if text == indent + sync:
                return True
            if "_b " in text or "_rt.blocks" in text or "yield" in text or "HandOff" in text:
                return False
        return False

    # ## Variables in locals

    def load(self, indices: list[int]) -> None:
        """Read these variables into their locals, where they are not there already."""
        for i in indices:
            if i not in self.vars and i not in self.lazy:
                self.w.line(f"v_{i} = V_{i}.value")
                self.vars[i] = False

    def store(self, keep: bool) -> None:
        """Write changed locals back to their cells; with keep=False forget every local."""
        for i, dirty in sorted(self.vars.items()):
            if dirty:
                self.w.line(f"V_{i}.value = v_{i}")
        self.vars = {i: False for i in self.vars} if keep else {}

    def normalize(self, wanted: set[int]) -> None:
        """Bring the locals to a loop head's state: exactly `wanted` loaded."""
        for i in sorted(set(self.vars) - wanted):
            if self.vars[i]:
                self.w.line(f"V_{i}.value = v_{i}")
            del self.vars[i]
        self.load(sorted(wanted))

    def prepare(
        self, exprs: tuple[Expr, ...] | list[Expr], ahead: int = 0, at_once: bool = False
    ) -> None:
        """Before a statement evaluates these: interpreter closures see cells and the clock (a
        read's report has them written from inside the expression, only when it is made: seen,
        given _observed_state); variables are loaded; what they hold twice is computed once.
        A statement that evaluates them `at_once` (nothing emitted between) leaves the costs
        counted so far pending: the reports add them to the clock they are given."""
        self.ex.share(list(exprs))
        if any(isinstance(x, FallbackExpr) for e in exprs for x in subexpressions(e)):
            self.store(keep=True)
            self.sync(ahead)
        elif self.reads_reported and any(reports(e) for e in exprs):
            if not at_once:
                self.flush_clock()
            self.ex.observe = self._observed_state(self.pending + ahead)
        self.load([v.index for e in exprs for v in reads(e)])

    def _observed_state(self, ahead: int) -> str:
        """The clock and the changed variables' cells and locals as they are here: what seen()
        writes, as observed() would, before a report inside an expression the statement evaluates next."""
        pairs = "".join(f", V_{i}, v_{i}" for i, dirty in sorted(self.vars.items()) if dirty)
        return f"_b + {ahead}{pairs}" if ahead else f"_b{pairs}"

    def observed(self) -> None:
        """Before a report to hooks: they see every cell and the clock as the interpreter has them."""
        self.store(keep=True)
        self.sync()

    def observed_here(self) -> None:
        """observed() on one branch only: the cells and the clock written there, while the code
        after the branch still holds them in locals as before it."""
        for i, dirty in sorted(self.vars.items()):
            if dirty:
                self.w.line(f"V_{i}.value = v_{i}")
        self.w.line(f"_rt.blocks = _b + {self.pending}" if self.pending else "_rt.blocks = _b")
        self.flush_misses()

    def flush_misses(self) -> None:
        """Where anything outside this function may look at the hooks' tallies (a yield, a call
        out, a report to the hooks) or a loop that keeps a list's length ends: misses counted in
        locals (ExprEmitter.counted_miss) are added to their tallies here (counted_misses)."""
        if self.reads_reported:
            self.w.line(f"{counted_misses.MARK}{len(self.marks)}")
            self.marks.append(counted_misses.Mark(len(self.ex.counted_misses), self.ex.loop_path))

    def observable(self, e: Expr) -> bool:
        """Whether evaluating it again can be seen: a random draw, the interpreter, or a report."""
        return has_effect(e) or (self.reads_reported and reports(e))

    def resync(self, line: str = "_b = _rt.blocks") -> None:
        """Read the clock back from the runtime (other code has run), and the hooks' log with it."""
        self.w.line(line)
        if self.logs_alone:
            self.w.line("_wl, _wc, _wk, _full = room(WRITE_LOG, thread, _b, _ah)")

    def log_site(self, block_id: str, index: int, op: ListWrite | None) -> int:
        """A write site in this function, `pending` blocks past _b."""
        self.most_ahead = max(self.most_ahead, self.pending)
        return self.sites.write(block_id, index, op, self.pending)

    @contextmanager
    def run_broken(self, write: int | None = None, through: int | None = None) -> Iterator[None]:
        """Around code that may tell the hooks of a write, take their log in or yield: inside a
        loop whose writes are logged as runs, the run ends before it, the pass at _b's first
        `through` writes made (None: those written so far), and starts again after, at the
        pass's `write`-th write (None: the one after the last written so far; LoggedRun)."""
        if self.run is not None:
            self.run.end(self.w, len(self.run.sites) if through is None else through)
        yield
        if self.run is not None:
            self.run.start(self.w, write)

    # ## Yields

    def restart_warp(self) -> None:
        """After a yield: in warp mode the warp timer starts again with the thread's next turn."""
        if self.warp is True:
            self.w.line("thread.warp_start = _b")
            self.w.line("_lim = _b + WARP_BLOCKS")
        elif self.warp is None:
            with self.w.block("if _warp:"):
                self.w.line("thread.warp_start = _b")
                self.w.line("_lim = _b + WARP_BLOCKS")

    def suspend(self, why: str, restart: bool = True) -> None:
        """End the thread's turn here; it goes on from here on its next turn."""
        self.store(keep=False)
        self.sync()
        self.w.line(f"yield  # {why}")
        self.resync()
        self.forget_memos()
        if restart:
            self.restart_warp()

    def forget_memos(self) -> None:
        """Forget every enclosing loop's origin memos: other scripts may have run (OriginMemo)."""
        for scope in self.memo_scopes:
            for name in scope:
                self.w.line(f"{name} = False")

    def maybe_suspend(self, why: str, idle: bool) -> None:
        """A block that yields (scratch-vm's STATUS_YIELD): in warp with time left it runs again at once."""
        self.store(keep=False)
        if self.warp is False:
            self.suspend(why)
        elif idle:
            # A wait inside warp busy-waits until the warp timer runs out.
            condition = "if _warp:" if self.warp is None else None
            if condition:
                with self.w.block(condition):
                    self.w.line("_b = max(_b, warp_end(thread))")
            else:
                self.w.line("_b = max(_b, warp_end(thread))")
            self.suspend(why)
        else:
            self.flush_clock()
            with self.w.unless(self.warp_time_left()):
                self.suspend(why)

    def warp_time_left(self) -> str:
        """The test that the code goes on without yielding: in warp (or, where that is known
        only at run time, if in warp) with time left on the warp timer."""
        return "_b <= _lim" if self.warp else "_warp and _b <= _lim"

    def loop_end(self, head: set[int], block_id: str) -> None:
        """The end of a pass: a loop yields unless it runs in warp with time left."""
        self.flush_clock()
        self.normalize(head)
        saved = dict(self.vars)
        if self.warp is False:
            # The yield's round trip through the sequencer is most of a short pass's time.
            yields = self.w.block("if not next_turn_is_at_once(_rt, _b):")
            why = "a loop without warp yields after every pass"
        else:
            yields = self.w.unless(self.warp_time_left())
            why = "the warp timer ran out: yield at the end of this pass"
        # The next pass's first write starts the run again, once the numbers are read again
        # (its counters' among them: LoggedRun.start).
        with yields, self.run_broken(write=0, through=0):  # _b is the next pass's
            self.suspend(why)
            self.load(sorted(head))
            self.cast_invariants(self.invariants)
            self.check_wholes(self.ex.guards)
            self.compute_constants(self.constants)
            self.measure_lists(sorted(self.ex.lengths))
            self.guard_limits(self.ex.guards)
        self.vars = saved
        # Before the loop block runs again for the next pass: its own frame is on top.
        self.pause_site(block_id, own_frame=False)

    def cast_invariants(self, indices: list[int]) -> None:
        """Cast, once for the passes to come, the variables a loop only reads or keeps numbers."""
        for i in indices:
            source = f"v_{i}" if i in self.vars else f"V_{i}.value"
            why = "it writes only numbers to it" if i in self.numbers else "it never writes it"
            self.w.line(f"n_{i} = {self.ex.any_number(source)}  # {why}")

    def check_wholes(self, guards: Iterable[WholeGuard]) -> None:
        """Compute, once for the passes to come, whether the list indices a loop's guard covers
        are whole (WholeGuard)."""
        for guard in guards:
            self.w.line(f"{guard.name} = {guard.source()}  # the indices it covers are whole")

    def guard_limits(self, guards: Iterable[WholeGuard]) -> None:
        """Set, once for the passes to come, the guards' limits of the lists whose lengths the
        loops keep (WholeGuard.limit)."""
        for guard in guards:
            for name, value in guard.limits():
                self.w.line(f"{name} = {value}")

    def compute_constants(self, constants: Iterable[tuple[int, Expr]]) -> None:
        """Compute, once for the passes to come, the arithmetic a loop never changes (c_N)."""
        for index, e in constants:
            self.ex.share([e])
            self.w.line(f"c_{index} = {self.ex(e)}")

    def keep_number(self, i: int, value: Expr) -> None:
        """After v_N is set in a loop that keeps its numeric cast in n_N: set n_N too."""
        if i in self.numbers:
            nan_to_zero = "" if value.type is NUMBER else f" if v_{i} == v_{i} else 0.0"
            self.w.line(f"n_{i} = v_{i}{nan_to_zero}")

    def measure_lists(self, indices: list[int]) -> None:
        """Read, once for the passes to come, the lengths a loop does not change."""
        for i in indices:
            self.w.line(f"z_{i} = len({self.ex.items(i)}) + 1  # the loop keeps its length")

    def continue_after(self, after: After) -> None:
        """Go on after a wait outside the tick loop, as scratch-vm rebuilds the stack (see After)."""
        if after.kind == "return":
            self.w.line("return WAITED")
            return
        if after.warp_reset and self.warp is not False:
            self.w.line("_warp = warp  # the rest of the body runs in the caller's warp mode")
        self.restart_warp()
        if after.kind == "loop":
            self.normalize(self.loops[-1])
            self.w.line("continue  # the loop runs again at once: this pass has yielded already")

    # ## Handing the thread to the interpreter (pausable code only)

    @property
    def warp_source(self) -> str:
        """Whether this function's blocks run in warp mode, as source."""
        return {True: "True", False: "False", None: "_warp"}[self.warp]

    @property
    def params_source(self) -> str:
        """The arguments of the custom block this function is, as procedures_call keeps them."""
        return "{}" if self.fn.proccode is not None and not self.fn.params else self.ex.params

    def frames_source(self, levels: str) -> str:
        """The interpreter's frames for these levels, built when a hand-over happens."""
        return f"frames_at(_rt, thread, {levels}, {self.warp_source})"

    def levels_source(self, last: str | None, state: str = "None") -> str:
        """The stack frames here, with `last`'s block (a frame not in a loop) on top."""
        top = [f"({constant(last)}, False, {state})"] if last is not None else []
        levels = self.levels + top
        return "(" + "".join(f"{level}, " for level in levels) + ")"

    def pause_site(self, block_id: str, state: str = "None", own_frame: bool = True) -> None:
        """Before a block: hand the thread to the interpreter when the site is flagged.

        The block runs in a frame of its own on top of the levels, holding `state` (a wait's),
        unless it is the innermost level itself (a loop before its next pass).
        """
        if not self.unit.pausable:
            return
        site = len(self.sites.pauses)
        self.sites.pauses.append(block_id)
        levels = self.levels_source(block_id if own_frame else None, state)
        with self.w.block(f"if _at[{site}]:"):
            self.observed_here()
            self.w.line(f"raise HandOff({self.frames_source(levels)}, {self.params_source})")

    @contextmanager
    def level(self, block_id: str, is_loop: bool, state: str) -> Iterator[None]:
        """Inside a C-block's mouth: its frame is one of the levels (and a loop's block one of
        the loops around the code, ExprEmitter.loop_path)."""
        self.levels.append(f"({constant(block_id)}, {is_loop}, {state})")
        around = self.ex.loop_path
        if is_loop:
            self.ex.loop_path = (*around, block_id)
        try:
            yield
        finally:
            self.levels.pop()
            self.ex.loop_path = around

    # ## Statements

    def body(self, body: Body) -> None:
        """Every statement of a body, each under a comment naming its block."""
        from emulator.compiler.emit_stmts import statement

        for stmt in body:
            self.w.line(f"# {stmt.info.opcode} {stmt.info.id!a}")
            self.pause_site(stmt.info.id)
            statement(self, stmt)

    def branches(self, headers: list[str], bodies: list[Body]) -> None:
        """An if/else: each branch starts from the same locals; they agree again after it."""
        start, start_pending = dict(self.vars), self.pending
        outs: list[tuple[list[str], Vars]] = []
        for body in bodies:
            self.vars, self.pending = dict(start), start_pending
            saved, self.w.lines = self.w.lines, []
            self.w.depth += 1
            self.body(body)
            self.flush_clock()
            outs.append((self.w.lines, self.vars))
            self.w.depth -= 1
            self.w.lines = saved
        common = set.intersection(*(set(v) for _, v in outs))
        for lines, state in outs:
            for i in sorted(set(state) - common):
                if state[i]:
                    lines.append("    " * (self.w.depth + 1) + f"V_{i}.value = v_{i}")
        for header, (lines, _) in zip(headers, outs, strict=True):
            if lines or header.startswith("if"):
                self.w.line(header)
                self.w.lines.extend(lines or ["    " * (self.w.depth + 1) + "pass"])
        self.vars = {i: any(state[i] for _, state in outs) for i in common}
        self.pending = 0

    def loop_head(self, loop: Loop) -> set[int]:
        """The variables kept in locals across the passes of a loop (none if its body calls out)."""
        stmts = [loop, *walk(loop.body)]
        written = {i for s in stmts for i in writes(s)}
        if any(calls_out(s) for s in stmts[1:]):
            head: set[int] = set()
        else:
            head = {v.index for s in stmts[1:] for e in expressions(s) for v in reads(e)}
            if loop.arg is not None and (loop.kind != "repeat" or loop.arg_has_effect):
                head |= {v.index for v in reads(loop.arg)}
            head = (head | written) - self.lazy
        self.flush_clock()
        self.normalize(head)
        for i in head & written:
            self.vars[i] = True  # a pass may end with it changed in its local
        return head

    def number(self, e: Expr) -> str:
        """An expression cast to a number."""
        return self.ex(Cast(NUMBER, e, NUMBER)) if e.type is not NUMBER else self.ex(e)

    def effects(self, exprs: tuple[Expr, ...], ahead: int = 0) -> None:
        """Evaluate again, for their random draws (and reports) only, the expressions that have them."""
        drawing = [e for e in exprs if self.observable(e)]
        self.prepare(drawing, ahead)
        why = "its random draws and reports" if self.reads_reported else "its random draws"
        for e in drawing:
            self.w.line(f"{self.ex(e)}  # evaluated again for {why}")


def list_cell(unit: Unit, index: int) -> str:
    """Source of a list's cell (what hooks are told of)."""
    return f"LG_{index}()" if index in unit.tables.lazy_lists else f"LC_{index}"


def list_name(unit: Unit, index: int) -> str:
    """Source of a list's name (what the hooks' read log holds)."""
    return f"LG_{index}().name" if index in unit.tables.lazy_lists else f"LN_{index}"


def _items(unit: Unit, index: int, hoisted: set[int]) -> str:
    if index in unit.tables.lazy_lists:
        return f"LG_{index}().items"
    return f"l_{index}" if index in hoisted else f"L_{index}"


# ## Functions and units


@dataclass(frozen=True)
class Source:
    """One function's generated source and the synthetic file name it is compiled under."""

    name: str
    filename: str
    text: str


def emit_unit(
    unit: Unit, first_write: int = 0, first_pattern: int = 0
) -> tuple[list[Source], Sites]:
    """Every function of a unit, each as its own source; and its flagged sites."""
    sites = Sites([], {}, first_write=first_write, first_pattern=first_pattern)
    sources = [
        Source(fn.name, filename(unit.target, fn.title), emit_function(unit, fn, sites))
        for fn in unit.functions
    ]
    return sources, sites


def filename(target: str, title: str) -> str:
    """`<scratch Sprite1/whenflagclicked#0>`, with project text escaped to printable ASCII."""
    text = ascii(f"{target}/{title}")[1:-1].replace("<", "_").replace(">", "_")
    return f"<scratch {text}>"


def emit_function(unit: Unit, fn: Function, sites: Sites) -> str:
    """The source of one function: header comment, prologue, body, epilogue."""
    em = FunctionEmitter(unit, fn, sites)
    w = em.w
    w.depth = 0
    w.line(f"# generated from {unit.target!a} / {fn.title!a}: do not edit")
    if fn.proccode is None:
        w.line(f"def {fn.name}(thread):")
    else:
        params = "".join(f", a_{i}" for i in range(len(fn.params)))
        w.line(f"def {fn.name}(thread, ctx, warp{params}):")
    w.depth = 1
    for i, name in enumerate(fn.params):
        w.line(f"# a_{i}: argument {name!a}")
    prologue_from = len(w.lines)
    _prologue(em)
    em.body(fn.body)
    em.store(keep=False)
    em.sync()
    w.line("return")
    if em.marks:
        w.lines = counted_misses.placed(w.lines, em.ex.counted_misses, em.marks)
    if em.ex.counted_misses:
        w.lines.insert(prologue_from, counted_misses.start(em.ex.counted_misses))
    if em.logs_alone:
        w.lines.insert(
            prologue_from, f"    _ah = {em.most_ahead}  # the most a write runs ahead of _b"
        )
    for name, stride in em.strides.items():
        w.lines.insert(prologue_from, f"    {name} = {stride}  # the blocks a pass of a run adds")
    if fn.generator and fn.proccode is None:
        w.line("yield  # never reached: a script is a generator, resumed by the sequencer")
    elif fn.generator and not any("yield" in line for line in w.lines):
        w.line("yield  # never reached: its callers resume it with `yield from`")
    return "\n".join(w.lines) + "\n"


def _prologue(em: FunctionEmitter) -> None:
    w, fn = em.w, em.fn
    if em.unit.pausable:
        w.line("_at = PAUSE_AT  # the pause sites' flags")
    if fn.proccode is None:
        w.line("ctx = None  # no custom block is running")
        em.resync()
    else:
        if em.warp is None:
            w.line(f"_warp = {'True' if fn.warp else 'warp'}")
            with w.block("if _warp:"):
                _start_warp_timer(em)
        elif em.warp:
            _start_warp_timer(em)
        if em.unit.pausable and fn.definition is not None:
            w.line("_b = _rt.blocks")
            em.pause_site(fn.definition)
            w.line(f"_b += {fn.entry_cost}  # the definition hat")
        else:
            em.resync(f"_b = _rt.blocks + {fn.entry_cost}  # the definition hat")
    for ref in fn.hoisted:
        if ref.index not in em.unit.tables.lazy_lists:
            w.line(f"l_{ref.index} = L_{ref.index}  # list {ref.name!a}")


def _start_warp_timer(em: FunctionEmitter) -> None:
    # The warp timer starts with the first block a turn runs in warp mode.
    with em.w.block("if thread.warp_start < 0:"):
        em.w.line("thread.warp_start = _rt.blocks")
    if em.fn.generator:
        em.w.line("_lim = warp_limit(thread)")


def unit_header(unit: Unit) -> str:
    """A comment listing what the unit's names stand for (printed by `scratch-emu compile`)."""
    lines = [f"# target {unit.target!a}: compiled by scratch-emu"]
    t = unit.tables
    for i, cell in enumerate(t.variables):
        kind = "created at run time" if i in t.lazy_variables else f"of {cell.owner!a}"
        lines.append(f"#   V_{i}: variable {_name(cell)!a} {kind}")
    for i, cell in enumerate(t.lists):
        kind = "created at run time" if i in t.lazy_lists else f"of {cell.owner!a}"
        lines.append(f"#   L_{i}: list {_name(cell)!a} {kind}")
    for fn in unit.functions:
        if fn.proccode is not None:
            lines.append(f"#   {fn.name}: custom block {fn.proccode!a}")
    return "\n".join(lines) + "\n"


def _name(cell: object) -> str:
    return str(getattr(cell, "name", "?"))
