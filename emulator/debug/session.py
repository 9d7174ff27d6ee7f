"""DebugSession: load a target, set breakpoints and watchpoints, step, continue, pause, and inspect."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from emulator import opcodes
from emulator.debug.findings import Findings, Watch, procedure_of_blocks
from emulator.debug.preview import preview, preview_inputs
from emulator.debug.slices import Slice
from emulator.loading import load_target
from emulator.opcodes import ListIndex
from emulator.project import Block, Project
from emulator.runtime.nodes import Stmt
from emulator.runtime.runtime import Runtime
from emulator.runtime.state import Snapshot, snapshot
from emulator.runtime.thread import Thread
from emulator.values import LIST_INVALID, Value, compare, to_list_index


@dataclass(frozen=True)
class ListAccess:
    """A list item the paused block reads or writes."""

    list_name: str
    kind: str  # "read" or "write" (a replay names the trace event: "replace", "insert", ...)
    index: Value
    resolved: int  # 1-based item, or 0 when the index falls outside the list
    length: int
    value: Value

    @property
    def in_range(self) -> bool:
        """Whether Scratch will find the item (else it reads "" or drops the write)."""
        return self.resolved != LIST_INVALID


@dataclass(frozen=True)
class Paused:
    """Where the run stopped: why, and the block about to run."""

    reason: str  # "step", "breakpoint", "watch", "condition", "pause", "mark", "finished", "limit"
    thread: Thread | None
    stmt: Stmt | None
    detail: str = ""

    @property
    def finished(self) -> bool:
        """Whether the run has ended."""
        return self.reason == "finished"


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
        mark: tuple[str, str] | None = None,
        start: bool = True,
    ) -> None:
        self.params = dict(params or {})
        if isinstance(target, Project):
            self.project, self.module = target, None
        else:
            self.project, self.module = load_target(target, self.params)
        self.findings = Findings(list(self.project.targets))
        self.runtime = Runtime(
            self.project, seed=seed, turbo=turbo, answers=answers, hooks=self.findings
        )
        self.findings.block_count = lambda: self.runtime.blocks
        self.slices = list(slices or []) + self._program_slices()
        self.breakpoints: set[str] = set()
        self.conditions: list[Callable[[Runtime], bool]] = []
        self.marked: Snapshot | None = None
        self.mark_when = mark  # (variable, value): the mark, for programs that do not define one
        self.paused: Paused | None = None
        self._pause_requested = threading.Event()
        self.procedures = {t.name: procedure_of_blocks(t) for t in self.project.targets}
        self._probe_offsets()
        if start:
            self.runtime.green_flag()

    # ## Program knowledge

    def _program_slices(self) -> list[Slice]:
        fn = getattr(self.module, "slices", None)
        return list(fn(self.params)) if fn is not None else []

    def _probe_offsets(self) -> None:
        probes = getattr(self.module, "OFFSET_PROBES", None)
        if not probes:
            return
        wanted: dict[tuple[str, str], tuple[str, str, str]] = {}
        for target in self.project.targets:
            for block_id, proccode in self.procedures[target.name].items():
                if proccode in probes:
                    list_name, arg, result = probes[proccode]
                    wanted[(target.name, block_id)] = (list_name, arg, result)
        self.findings.probe_offsets(wanted)

    # ## Running

    def _predicate(
        self, extra: Callable[[Thread, Stmt], str | None] | None
    ) -> Callable[[Thread, Stmt], bool]:
        findings, breakpoints, requested = self.findings, self.breakpoints, self._pause_requested
        conditions, runtime = self.conditions, self.runtime
        why: list[str] = []
        self._why = why

        def pause(thread: Thread, stmt: Stmt) -> bool:
            if requested.is_set():
                requested.clear()
                why.append("pause")
            elif findings.watch_hit is not None:
                why.append("watch")
            elif stmt.block.id in breakpoints:
                why.append("breakpoint")
            elif conditions and any(c(runtime) for c in conditions):
                why.append("condition")
            elif extra is not None:
                reason = extra(thread, stmt)
                if reason is None:
                    return False
                why.append(reason)
            else:
                return False
            return True

        return pause

    def _go(
        self, extra: Callable[[Thread, Stmt], str | None] | None = None, skip_current: bool = True
    ) -> Paused:
        start = self.paused.stmt if self.paused is not None and skip_current else None
        predicate = self._predicate(extra)
        first = [start is not None]

        def guarded(thread: Thread, stmt: Stmt) -> bool:
            # Do not stop again, before it runs, on the block we are paused at.
            if first[0]:
                first[0] = False
                if stmt is start:
                    return False
            return predicate(thread, stmt)

        hit = self.runtime.run_until(guarded)
        if hit is None:
            self.paused = Paused("finished", None, None)
        else:
            reason = self._why[-1] if self._why else "step"
            detail = self.findings.watch_hit or "" if reason == "watch" else ""
            if reason == "watch":
                self.findings.watch_hit = None
            self.paused = Paused(reason, hit[0], hit[1], detail)
        return self.paused

    def step(self) -> Paused:
        """Run the block we are paused at, and pause before the next one."""
        return self._go(lambda thread, stmt: "step")

    def step_over(self) -> Paused:
        """Like step, but a custom block call runs to its end."""
        current = self.paused
        if current is None or current.stmt is None or current.thread is None:
            return self.step()
        thread, call, depth = current.thread, current.stmt, len(current.thread.frames)
        return self._go(
            lambda t, s: (
                "step" if t is thread and len(t.frames) <= depth and s is not call else None
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
                "step" if t is thread and len(t.frames) <= depth + 1 and s is not call else None
            )
        )

    def continue_(self) -> Paused:
        """Run until a breakpoint, watchpoint, condition or pause request, or the end."""
        return self._go(None)

    def run_to_mark(self) -> Paused:
        """Run to the mark (the program's, e.g. the start of training, or --mark VAR=VALUE), snapshot there,
        and count coverage from then on. With no mark, the mark is the start."""
        reached = self._mark_predicate()
        if reached is not None:
            self._go(lambda t, s: "mark" if reached(t, s) else None, skip_current=False)
        self.set_mark()
        return self.paused or Paused("mark", None, None)

    def _mark_predicate(self) -> Callable[[Thread, Stmt], bool] | None:
        if self.mark_when is not None:
            name, wanted = self.mark_when
            cell = self.runtime.stage.variable(None, name)
            return lambda t, s: compare(cell.value, wanted) == 0
        mark = getattr(self.module, "mark", None)
        return mark(self.runtime) if mark is not None else None

    def set_mark(self) -> None:
        """Changes and coverage count from now."""
        self.marked = snapshot(self.runtime.targets)
        self.findings.start_coverage()

    def request_pause(self) -> None:
        """Ask a run in another thread to pause before its next block."""
        self._pause_requested.set()

    # ## Breakpoints and watchpoints

    def toggle_breakpoint(self, block_id: str) -> bool:
        """Add or remove a breakpoint on a block; returns whether it is now set."""
        if block_id in self.breakpoints:
            self.breakpoints.discard(block_id)
            return False
        self.breakpoints.add(block_id)
        return True

    def watch_variable(self, name: str) -> None:
        """Pause after any write to this variable."""
        self.findings.watches.append(Watch(name))

    def watch_list(self, name: str, start: int, end: int) -> None:
        """Pause after any write to items start..end of this list."""
        self.findings.watches.append(Watch(name, start, end, is_list=True))

    def break_when(self, condition: Callable[[Runtime], bool]) -> None:
        """Pause before the first block at which the condition holds."""
        self.conditions.append(condition)

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
        return self.list_access_at(p.thread, p.stmt)

    def list_access_at(self, thread: Thread, stmt: Stmt) -> ListAccess | None:
        """The list item a block would read or write if it ran now in this thread (for conditions mid-run)."""
        for block in _blocks_under(stmt.block, stmt.target.source.blocks):
            rule = opcodes.list_access(block.opcode)
            if rule is not None:
                return self._access(thread, block, rule)
        return None

    def _access(self, thread: Thread, block: Block, rule: ListIndex) -> ListAccess:
        linker = self.runtime.linkers[thread.target.name]
        field = block.fields["LIST"]
        cell = thread.target.list(field.ref_id, str(field.value))
        [(_, index)] = preview(self.runtime, thread, [("INDEX", linker.input(block, "INDEX"))])
        items = cell.items
        size = len(items) + rule.past_end
        resolved = to_list_index(index, size, rule.accepts_all, _Frozen())
        value = items[resolved - 1] if 1 <= resolved <= len(items) else ""
        kind = "write" if rule.writes else "read"
        return ListAccess(cell.name, kind, index, resolved, len(items), value)

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


class _Frozen:
    """A random source for previews that never advances the run's own generator."""

    def random(self) -> float:
        return 0.0


def _blocks_under(block: Block, blocks: dict[str, Block] | Any) -> list[Block]:
    """The block and the reporter blocks in its inputs (not its branches), outermost first."""
    out, todo = [], [block]
    while todo:
        b = todo.pop(0)
        out.append(b)
        for name, inp in b.inputs.items():
            if name.startswith("SUBSTACK") or not isinstance(inp.slot, str):
                continue
            inner = blocks.get(inp.slot)
            if inner is not None:
                todo.append(inner)
    return out
