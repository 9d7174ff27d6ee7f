"""DebugSession: load a target, set breakpoints and watchpoints, step, continue, pause, and inspect."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Container
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from emulator.debug.conditions import Comparison, parse_condition
from emulator.debug.findings import Findings, Watch, procedure_of_blocks
from emulator.debug.list_access import (
    ListAccess,
    fractional_index_check,
    list_access_at,
    out_of_range_check,
)
from emulator.debug.preview import preview_inputs
from emulator.loading import load_target
from emulator.program import Mark, OffsetProbe, ProgramSpec
from emulator.project import Project
from emulator.render_blocks import render_block
from emulator.runtime.hooks import EVERY_BLOCK
from emulator.runtime.nodes import Stmt
from emulator.runtime.runtime import Runtime
from emulator.runtime.state import Snapshot, VarCell, snapshot
from emulator.runtime.thread import Thread
from emulator.slices import Slice, split_named_range
from emulator.values import Value

Condition = Callable[[Runtime], bool]


class PauseReason(StrEnum):
    """Why the run stopped where it did."""

    STEP = "step"
    BREAKPOINT = "breakpoint"
    WATCH = "watch"
    CONDITION = "condition"
    OUT_OF_RANGE = "out-of-range list access"
    FRACTIONAL_INDEX = "fractional or non-numeric list index"
    PAUSE = "pause"
    MARK = "mark"
    FINISHED = "finished"


Reason = Callable[[Thread, Stmt], PauseReason | None]
"""Why to pause before a block, or None to go on: a command's own stopping rule."""


@dataclass(frozen=True)
class Paused:
    """Where the run stopped: why, and the block about to run."""

    reason: PauseReason
    thread: Thread | None
    stmt: Stmt | None
    detail: str = ""

    @property
    def finished(self) -> bool:
        """Whether the run has ended."""
        return self.reason == PauseReason.FINISHED


class DebugSession:
    """The debugger without a screen; the CLI's explain and the Textual inspector are views of it."""

    def __init__(
        self,
        target: str | Project,
        params: dict[str, Any] | None = None,
        *,
        seed: int = 0,
        turbo: bool = False,
        answers: tuple[str, ...] = (),
        slices: list[Slice] | None = None,
        mark: Mark | None = None,
        program: ProgramSpec | None = None,
        max_steps: int | None = None,
        start: bool = True,
        devices: dict[str, Any] | None = None,
        engine: str = "interpreter",
        pausable: bool = False,
        assets: dict[str, bytes] | None = None,
    ) -> None:
        self.params = dict(params or {})
        self.assets = assets or {}  # the project's costume files by name, for the stage picture
        # A run past this many blocks (or frames) raises StepLimitReached.
        self.max_steps = max_steps
        self._options: dict[str, Any] = dict(
            seed=seed,
            turbo=turbo,
            answers=answers,
            slices=slices,
            mark=mark,
            max_steps=max_steps,
            devices=devices,
            engine=engine,
            pausable=pausable,
            assets=assets,
        )
        # Rebuilds the project from its file (for restart); None when the session has no file.
        self.reload: Callable[[], tuple[Project, ProgramSpec | None]] | None = None
        self.program: ProgramSpec | None
        if isinstance(target, Project):
            self.project, self.program = target, program
        else:
            self.project, self.program = load_target(target, self.params)
        self.findings = Findings(list(self.project.targets))
        # Injected input, the virtual date and the user name (Runtime's inputs, date, username).
        self.runtime = Runtime(
            self.project,
            seed=seed,
            turbo=turbo,
            answers=answers,
            hooks=self.findings,
            engine=engine,
            # Compiled code that hands a thread to the interpreter before a block it may pause at.
            pausable=pausable,
            **(devices or {}),
        )
        self.findings.on_hit = lambda: self.runtime.pause_before(EVERY_BLOCK)
        self.findings.block_count = lambda: self.runtime.blocks
        self.slices = list(slices or []) + self._program_slices()
        self.breakpoints: set[str] = set()
        self.conditions: list[Condition] = []
        self._mark_condition: Condition | None = None
        self._mark_armed = False  # arm_mark set the mark to be taken at a write (compiled code)
        self._out_of_range: Callable[[Thread, Stmt], bool] | None = None
        self._fractional: Callable[[Thread, Stmt], bool] | None = None
        self.marked: Snapshot | None = None
        self.mark_reached: bool | None = None  # None until the run gets there or ends
        # The mark asked for on the command line, else the program's own (None: the start).
        self.mark = mark or (self.program.mark if self.program is not None else None)
        self.paused: Paused | None = None
        self._pause_requested = threading.Event()
        self.procedures = {t.name: procedure_of_blocks(t) for t in self.project.targets}
        self._probe_offsets()
        if start:
            self.runtime.green_flag()

    # ## Restart

    def twin(self, engine: str, pausable: bool = False) -> DebugSession:
        """A fresh session on the same project with the same options, in the given engine (with
        `pausable` compiled code, if compiled), at its start."""
        options = {**self._options, "engine": engine, "pausable": pausable}
        return DebugSession(self.project, self.params, program=self.program, **options)

    def restarted(self) -> DebugSession:
        """A fresh session on the program as its file now is, keeping breakpoints, watches and conditions.

        A breakpoint follows its block by what the block reads (not its id, which an edit above it
        shifts). ValueError when there is no file to reload.
        """
        if self.reload is None:
            raise ValueError("this session was not loaded from a file, so it cannot be reloaded")
        project, program = self.reload()
        fresh = DebugSession(project, self.params, program=program, **self._options)
        fresh.reload = self.reload
        fresh.breakpoints = carried_breakpoints(self.project, project, self.breakpoints)
        for watch in self.findings.watches:
            fresh.findings.add_watch(watch)
        for comparison in self.comparisons:
            with contextlib.suppress(ValueError):  # a variable the edit removed
                fresh.break_when_text(comparison.text)
        fresh.pause_on_out_of_range(self.pauses_on_out_of_range)
        return fresh

    # ## Program knowledge

    def _program_slices(self) -> list[Slice]:
        return self.program.slices_for(self.params) if self.program is not None else []

    def _probe_offsets(self) -> None:
        layer_map = self.program.layer_map if self.program is not None else None
        if layer_map is None:
            return
        probes = {p.procedure: p for p in layer_map.probes}
        wanted: dict[tuple[str, str], OffsetProbe] = {}
        for target in self.project.targets:
            for block_id, proccode in self.procedures[target.name].items():
                if proccode in probes:
                    wanted[(target.name, block_id)] = probes[proccode]
        self.findings.probe_offsets(wanted)

    # ## Running

    def _predicate(self, extra: Reason | None) -> Callable[[Thread, Stmt], bool]:
        findings, breakpoints, requested = self.findings, self.breakpoints, self._pause_requested
        conditions, runtime = self.conditions, self.runtime
        why: list[PauseReason] = []
        self._why = why

        def pause(thread: Thread, stmt: Stmt) -> bool:
            if requested.is_set():
                requested.clear()
                why.append(PauseReason.PAUSE)
            elif findings.watch_hit is not None:
                why.append(PauseReason.WATCH)
            elif stmt.block.id in breakpoints:
                why.append(PauseReason.BREAKPOINT)
            elif conditions and any(c(runtime) for c in conditions):
                why.append(PauseReason.CONDITION)
            elif self._out_of_range is not None and self._out_of_range(thread, stmt):
                why.append(PauseReason.OUT_OF_RANGE)
            elif self._fractional is not None and self._fractional(thread, stmt):
                why.append(PauseReason.FRACTIONAL_INDEX)
            elif extra is not None:
                reason = extra(thread, stmt)
                if reason is None:
                    return False
                why.append(reason)
            else:
                return False
            return True

        return pause

    def _go(self, extra: Reason | None = None, skip_current: bool = True) -> Paused:
        start = self.paused.stmt if self.paused is not None and skip_current else None
        held = self.runtime.paused_at
        if held is not None and held[1] is start:
            start = None  # the sequencer runs the block it paused at untested: nothing to skip
        predicate = self._predicate(extra)
        self.runtime.pause_before(self._blocks_to_check(extra))
        first = [start is not None]

        def guarded(thread: Thread, stmt: Stmt) -> bool:
            # Do not stop again, before it runs, on the block we are paused at (a pause the
            # session made without the sequencer, before the run began).
            if first[0]:
                first[0] = False
                if stmt is start:
                    return False
            return predicate(thread, stmt)

        hit = self.runtime.run_until(guarded, self.max_steps)
        if hit is None:
            self.paused = Paused(PauseReason.FINISHED, None, None)
        else:
            reason = self._why[-1] if self._why else PauseReason.STEP
            detail = self.findings.watch_hit or "" if reason == PauseReason.WATCH else ""
            if reason == PauseReason.WATCH:
                self.findings.watch_hit = None
            self.paused = Paused(reason, hit[0], hit[1], detail)
        self._drop_spent_mark_condition()
        return self.paused

    def _blocks_to_check(self, extra: Reason | None) -> Container[str]:
        """The blocks before which the predicate may hold: the breakpoints', unless some rule
        is asked before every block (then compiled code hands a thread over at its next block)."""
        if (
            extra is not None
            or self.conditions
            or self._out_of_range is not None
            or self._fractional is not None
            or self._pause_requested.is_set()
            or self.findings.watch_hit is not None
        ):
            return EVERY_BLOCK
        return frozenset(self.breakpoints)

    def pause_at_start(self) -> Paused:
        """Before a run has begun: pause before the first thread's first block, running nothing.

        A step would run up to there in the interpreter, and a thread that compiled code hands
        to the interpreter stays there: so every thread still runs compiled when the run goes on.
        """
        rt = self.runtime
        thread = rt.threads[0] if rt.threads else None
        found = self.project.find_block(thread.script_id) if thread is not None else None
        first = found[1].next if found is not None else None
        if self.paused is not None or rt.sequencer.started or thread is None or first is None:
            return self.step()
        self.paused = Paused(PauseReason.STEP, thread, rt.linker_of(thread.target).stmt(first))
        return self.paused

    def step(self) -> Paused:
        """Run the block we are paused at, and pause before the next one."""
        return self._go(lambda thread, stmt: PauseReason.STEP)

    def step_over(self) -> Paused:
        """Like step, but a custom block call runs to its end."""
        current = self.paused
        if current is None or current.stmt is None or current.thread is None:
            return self.step()
        thread, call, depth = current.thread, current.stmt, len(current.thread.frames)
        return self._go(
            lambda t, s: (
                PauseReason.STEP
                if t is thread and len(t.frames) <= depth and s is not call
                else None
            )
        )

    def step_out(self) -> Paused:
        """Run until the custom block we are in returns to its caller."""
        current = self.paused
        if current is None or current.thread is None:
            return self.step()
        thread = current.thread
        depth = max((i for i, f in enumerate(thread.frames) if f.params is not None), default=-1)
        if depth < 0:
            return self.continue_()
        call = thread.frames[depth].node
        return self._go(
            lambda t, s: (
                PauseReason.STEP
                if t is thread and len(t.frames) <= depth + 1 and s is not call
                else None
            )
        )

    def continue_(self) -> Paused:
        """Run until a breakpoint, watchpoint, condition or pause request, or the end."""
        return self._go(None)

    def request_pause(self) -> None:
        """Ask a run in another thread to pause before its next block."""
        self._pause_requested.set()
        self.runtime.pause_before(EVERY_BLOCK)

    def run_to_story(self) -> Paused:
        """The guided start: run to the first list access outside its list, then on to the end of
        that sample, so that the slices its update changed stand beside those it did not."""
        self.arm_mark()
        was_on = self.pauses_on_out_of_range
        self.pause_on_out_of_range(True)
        first = self.continue_()
        self.pause_on_out_of_range(was_on)
        sample = self.program.sample_variable if self.program is not None else None
        if first.finished or sample is None:
            return first
        watch = Watch(sample)
        self.findings.add_watch(watch)
        try:
            return self.continue_()
        finally:
            self.findings.remove_watch(watch)

    # ## The mark

    def run_to_mark(self) -> Paused:
        """Run to the mark (the program's, e.g. the start of training, or --mark VAR=VALUE), snapshot there,
        and count coverage from then on. With no mark, the mark is the start."""
        reached = self.mark_predicate()
        if reached is not None:
            self._go(lambda t, s: PauseReason.MARK if reached(t, s) else None, skip_current=False)
            if self.paused is not None and self.paused.finished:
                # The run ended and the mark never held: nothing counts "since the mark".
                self.mark_reached = False
                return self.paused
        self.mark_reached = True
        self.set_mark()
        return self.paused or Paused(PauseReason.MARK, None, None)

    def mark_on_write(self, then: Callable[[], None]) -> None:
        """Set the mark, then call `then`, at the write that makes the mark hold (now, if it holds now).

        For compiled code, which cannot pause before a block: a variable is stored before its
        write is reported, so the state there is the state before the next block, where
        run_to_mark would pause. A run that ends without it leaves mark_reached False.
        """
        mark = self.mark
        if mark is None or mark.holds(self.runtime):
            self._reached_mark(then)
            return
        self.mark_reached = False
        findings, cell = self.findings, self.runtime.stage.variable(None, mark.variable)
        before = findings.var_listeners.get(mark.variable)

        def on_write(written: VarCell, value: Value) -> None:
            if before is not None:
                before(written, value)
            if written is cell and mark.holds(self.runtime):
                findings.listen(mark.variable, before)
                self._reached_mark(then)

        findings.listen(mark.variable, on_write)

    def _reached_mark(self, then: Callable[[], None]) -> None:
        self.mark_reached = True
        self.set_mark()
        then()

    def mark_predicate(self) -> Callable[[Thread, Stmt], bool] | None:
        """Whether the run has reached the mark, before a block; None when there is no mark."""
        return self.mark.reached(self.runtime) if self.mark is not None else None

    def set_mark(self) -> None:
        """Changes and coverage count from now."""
        self.marked = snapshot(self.runtime.targets)
        self.findings.start_coverage()

    def arm_mark(self) -> None:
        """Set the mark where the run reaches it, whichever command runs there (now, with no mark)."""
        reached = self.mark_predicate()
        if self.marked is not None or self._mark_condition is not None or self._mark_armed:
            return
        if reached is None:
            self.set_mark()
            return
        if self.runtime.may_pause_compiled():
            # A condition is asked before every block, which would hand every thread over.
            self._mark_armed = True
            self.mark_on_write(lambda: None)
            return

        def at_mark(runtime: Runtime) -> bool:
            # Before each block, in the engine's thread: take the snapshot once, never stop the run.
            thread = runtime.active_thread
            stmt = thread.current if thread is not None else None
            if self.marked is None and thread and stmt and reached(thread, stmt):
                self.set_mark()
            return False

        self._mark_condition = at_mark
        self.conditions.append(at_mark)

    def _drop_spent_mark_condition(self) -> None:
        if self._mark_condition is not None and self.marked is not None:
            self.conditions.remove(self._mark_condition)
            self._mark_condition = None

    # ## Breakpoints, watchpoints and conditions

    def toggle_breakpoint(self, block_id: str) -> bool:
        """Add or remove a breakpoint on a block; returns whether it is now set."""
        if block_id in self.breakpoints:
            self.breakpoints.discard(block_id)
            return False
        self.breakpoints.add(block_id)
        return True

    def clear_breakpoints(self) -> None:
        """Remove every breakpoint."""
        self.breakpoints.clear()

    @property
    def watches(self) -> tuple[Watch, ...]:
        """The watchpoints, oldest first."""
        return tuple(self.findings.watches)

    def watch(self, text: str) -> Watch:
        """Watch `NAME` or `LIST:START-END` (also `LIST START..END`, `LIST:N`); ValueError naming the problem."""
        targets = self.runtime.targets
        named = split_named_range(text)
        if named is not None and any(t.find_list(None, named[0]) for t in targets):
            name, (start, end) = named
            self.watch_list(name, start, end)
        elif any(t.find_variable(None, text) for t in targets):
            self.watch_variable(text)
        else:
            raise ValueError(f"no variable or list called {text.split(':')[0]!r}")
        return self.findings.watches[-1]

    def watch_variable(self, name: str) -> None:
        """Pause after any write to this variable."""
        self.findings.add_watch(Watch(name))

    def watch_list(self, name: str, start: int, end: int) -> None:
        """Pause after any write to items start..end of this list."""
        self.findings.add_watch(Watch(name, start, end, is_list=True))

    def clear_watches(self) -> None:
        """Remove every watchpoint."""
        self.findings.clear_watches()

    def break_when(self, condition: Condition) -> None:
        """Pause before the first block at which the condition holds."""
        self.conditions.append(condition)

    def break_when_text(self, text: str) -> None:
        """Pause before the first block at which `NAME OP VALUE` (or `LIST[N] OP VALUE`) holds."""
        self.conditions.append(parse_condition(text, self.runtime.targets))

    @property
    def comparisons(self) -> list[Comparison]:
        """The conditional breakpoints typed in (`loss_sum > 100`), oldest first."""
        return [c for c in self.conditions if isinstance(c, Comparison)]

    def remove_condition(self, condition: Condition) -> None:
        """Stop pausing on a condition given to break_when."""
        self.conditions.remove(condition)

    @property
    def pauses_on_out_of_range(self) -> bool:
        """Whether the run pauses before any list access outside its list."""
        return self._out_of_range is not None

    def pause_on_out_of_range(self, on: bool) -> None:
        """Pause (or no longer) before a block whose list item falls outside its list."""
        self._out_of_range = out_of_range_check(self.runtime) if on else None

    @property
    def pauses_on_fractional_index(self) -> bool:
        """Whether the run pauses before a list access whose index is fractional or not a number."""
        return self._fractional is not None

    def pause_on_fractional_index(self, on: bool) -> None:
        """Pause (or no longer) before a block whose list index Scratch would floor or read as 0."""
        self._fractional = fractional_index_check(self.runtime) if on else None

    # ## Inspecting

    def inputs(self) -> list[tuple[str, Value]]:
        """The paused block's input values, computed without disturbing the run."""
        p = self.paused
        if p is None or p.stmt is None or p.thread is None:
            return []
        return preview_inputs(self.runtime, p.thread, p.stmt)

    def list_access(self) -> ListAccess | None:
        """The list item the paused block reads or writes (the first such, when several)."""
        p = self.paused
        if p is None or p.stmt is None or p.thread is None:
            return None
        return list_access_at(self.runtime, p.thread, p.stmt)

    def procedure_arguments(self) -> dict[str, Value]:
        """The current custom block's arguments (innermost call)."""
        p = self.paused
        if p is None or p.thread is None:
            return {}
        for frame in reversed(p.thread.frames):
            if frame.params is not None:
                return dict(frame.params)
        return {}

    def source_of(self, block_id: str) -> str | None:
        """The DSL line that made a block, if any."""
        found = self.project.find_block(block_id)
        return found[1].source if found else None


def carried_breakpoints(old: Project, new: Project, breakpoints: set[str]) -> set[str]:
    """The breakpoints of `old` placed in `new`: on the same block id while it is the same block,
    else on the block that reads the same (target, text, and which of the blocks reading so)."""
    old_keys, new_ids = _block_keys(old), {key: i for i, key in _block_keys(new).items()}
    kept = set()
    for block_id in breakpoints:
        key = old_keys.get(block_id)
        if key is not None and key in new_ids:
            kept.add(new_ids[key])
    return kept


def _block_keys(project: Project) -> dict[str, tuple[str, str, int]]:
    """Block id -> (target, the block's text, how many blocks of that target read so before it)."""
    keys: dict[str, tuple[str, str, int]] = {}
    for target in project.targets:
        seen: dict[str, int] = {}
        for block_id in target.blocks:
            text = render_block(target.blocks, block_id)
            seen[text] = seen.get(text, -1) + 1
            keys[block_id] = (target.name, text, seen[text])
    return keys
