"""The frame/tick sequencer: runs a runtime's threads in Scratch's order, honours warp and yields, pauses at any block."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from typing import TYPE_CHECKING, Any

from emulator.errors import EmulatorError, ProgramError
from emulator.runtime.nodes import Stmt
from emulator.runtime.thread import DONE, RUNNING, YIELD_TICK, Thread

if TYPE_CHECKING:
    from emulator.runtime.runtime import Runtime

# Virtual time. scratch-vm measures real time; here time is counted, so runs are reproducible.
FRAME_MS = 1000.0 / 30.0  # the editor runs the VM in compatibility mode: 30 frames a second
MS_PER_BLOCK = 1e-4  # one block costs 0.1 us of virtual time: about the official VM's speed
WORK_BLOCKS = int(0.75 * FRAME_MS / MS_PER_BLOCK)  # a frame's work budget is 75 % of the frame
WARP_BLOCKS = int(500.0 / MS_PER_BLOCK)  # warp mode yields once its timer passes 500 ms

Pause = Callable[[Thread, Stmt], bool]
"""A predicate asked before each block runs: True pauses the run there."""


def frame_time_ms(frame: int) -> float:
    """The clock in frame `frame` (1, 2, ...): whole milliseconds since the flag, as Date.now() gives."""
    # n * (1000 / 30) in doubles drifts: `wait 1` from frame 51 would see 999.99... ms after 30
    # frames and take 31. Whole milliseconds, as the VM reads them, never drift.
    return float(frame * 1000 // 30)


class StepLimitReached(ProgramError):
    """The run executed as many blocks as it was allowed to."""


class Sequencer:
    """scratch-vm's sequencer over one runtime: frames of ticks, a turn per thread per tick.

    The run is a generator that yields (thread, block) wherever the pause predicate holds, so a
    paused run resumes exactly where it stopped. The runtime's block counter is the clock.
    """

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.pause: Pause | None = None
        self.paused_at: tuple[Thread, Stmt] | None = None  # where run_until or step last paused
        self._runner: Iterator[tuple[Thread, Stmt]] | None = None

    # ## Running and stepping

    def run_until(
        self, pause: Pause | None, max_blocks: int | None = None
    ) -> tuple[Thread, Stmt] | None:
        """Run until `pause(thread, block)` holds before a block runs; None when the run ended.

        When paused, the block paused at runs first without being tested, so a predicate that
        still holds there does not pin the run in place. With max_blocks, raise StepLimitReached
        rather than run a block past that count.
        """
        if max_blocks is not None:
            pause = self._limited(pause, max_blocks)
        if pause is not None and self.runtime.may_run_compiled():
            raise EmulatorError(
                "compiled code cannot pause at a block or count blocks one by one: "
                "run this with the interpreter engine"
            )
        self.pause = pause
        if self._runner is None:
            self._runner = self._frames()
        try:
            self.paused_at = next(self._runner)
        except StopIteration:
            self._runner = None
            self.paused_at = None
            self.runtime.report_finish()
        return self.paused_at

    def _limited(self, pause: Pause | None, limit: int) -> Pause:
        runtime = self.runtime

        def limited(thread: Thread, stmt: Stmt) -> bool:
            if runtime.blocks + stmt.cost > limit:
                raise StepLimitReached(
                    f"stopped after {runtime.blocks:,} blocks (--max-steps {limit:,})"
                )
            return pause is not None and pause(thread, stmt)

        return limited

    def step(self, count: int = 1) -> tuple[Thread, Stmt] | None:
        """Run `count` blocks and pause before the next one; None when the run ended."""
        if count <= 0 and self.paused_at is not None:
            return self.paused_at
        # A paused block is the first of the `count` to run; it is not shown to the predicate.
        remaining = [count - 1 if self.paused_at is not None else count]

        def countdown(thread: Thread, stmt: Stmt) -> bool:
            remaining[0] -= 1
            return remaining[0] < 0

        return self.run_until(countdown)

    def warp_expired(self, thread: Thread) -> bool:
        """Whether a warp-mode thread has used up its 500 ms for this turn."""
        return thread.warp_start >= 0 and self.runtime.blocks - thread.warp_start > WARP_BLOCKS

    # ## Frames, ticks and turns

    def _frames(self) -> Iterator[tuple[Thread, Stmt]]:
        while self.runtime.threads:
            yield from self._frame()

    def _frame(self) -> Iterator[tuple[Thread, Stmt]]:
        """One frame: ticks until a redraw (unless turbo), the work budget, or no active thread."""
        rt = self.runtime
        rt.frame_count += 1
        rt.now_ms = frame_time_ms(rt.frame_count)
        rt.wake_threads()
        rt.redraw_requested = False
        start = rt.blocks
        first_tick, active = True, 1
        while (
            rt.threads
            and active > 0
            and rt.blocks - start < WORK_BLOCKS
            and (rt.turbo or not rt.redraw_requested)
        ):
            active, progress = yield from self._tick(first_tick)
            first_tick = False
            if not progress:
                break  # every thread only re-checked a wait: further ticks would repeat it
        if rt.on_frame is not None:
            rt.on_frame()

    def _tick(self, first_tick: bool) -> Generator[tuple[Thread, Stmt], None, tuple[int, bool]]:
        """Give every thread one turn; threads started during the tick run in it too."""
        rt = self.runtime
        threads = rt.threads  # stop all replaces the list; this tick goes on with the old one
        active, stopped, progress = 0, False, False
        i = 0
        while i < len(threads):
            thread = threads[i]
            i += 1
            if thread.status == YIELD_TICK and first_tick:
                thread.status = RUNNING
            if thread.status == RUNNING and thread.frames:
                rt.active_thread = thread
                thread.idle = False
                start = rt.blocks
                if thread.compiled is None:
                    yield from self._turn(thread)
                else:
                    _compiled_turn(thread)
                thread.warp_start = -1
                progress = (
                    progress
                    or not thread.idle
                    or not _only_rechecked_a_wait(thread, rt.blocks - start)
                )
                if thread.killed:
                    # stepThreads' `i--` for a killed thread: this slot is looked at again, and if
                    # the thread restarted itself there before `stop all`, its new copy runs now.
                    i -= 1
            if thread.status == RUNNING and thread.frames:
                active += 1
            else:
                stopped = stopped or thread.status == DONE or not thread.frames
        rt.active_thread = None
        if stopped:
            rt.threads = [t for t in rt.threads if t.status != DONE and t.frames]
        return active, progress

    def _turn(self, thread: Thread) -> Iterator[tuple[Thread, Stmt]]:
        """Run one thread until it yields: scratch-vm's stepThread, pausable before any block."""
        rt = self.runtime
        frames = thread.frames
        pause = self.pause
        if frames[-1].node is None and not self._unwind(thread):
            return
        while True:
            frame = frames[-1]
            node: Stmt = frame.node  # type: ignore[assignment]  # never None here: _unwind saw to it
            warp = frame.warp
            if warp and thread.warp_start < 0:
                thread.warp_start = rt.blocks
            if pause is not None and pause(thread, node):
                yield thread, node
                pause = self.pause
            rt.blocks += node.cost
            action = node.run(thread, frame)
            if action == 0:  # NEXT
                node = node.next  # type: ignore[assignment]
                frame.node = node
                frame.is_loop = False
                frame.params = None
                frame.state = None
                if node is not None:
                    continue
            elif action == 1:  # YIELD: the same block runs again
                if warp:
                    if thread.idle:
                        # A wait inside warp busy-waits until the warp timer runs out.
                        rt.blocks = max(rt.blocks, thread.warp_start + WARP_BLOCKS + 1)
                        return
                    if rt.blocks - thread.warp_start <= WARP_BLOCKS:
                        continue
                return
            elif action != 2:  # END_TURN
                return
            if not self._unwind(thread):
                return

    def _unwind(self, thread: Thread) -> bool:
        """Pop finished branches; False when the thread's turn ends (loop yield or thread done)."""
        frames = thread.frames
        while frames[-1].node is None:
            frames.pop()
            if not frames:
                thread.status = DONE
                return False
            top = frames[-1]
            if top.is_loop:
                # A loop yields after each pass unless it runs in warp with time left.
                return top.warp and self.runtime.blocks - thread.warp_start <= WARP_BLOCKS
            top.advance()
        return True


def _compiled_turn(thread: Thread) -> None:
    """Resume a thread's compiled code until it yields None (its turn ends).

    A custom block call yields the callee's generator: it runs on top of the caller, and what it
    returns is sent back to the caller. The thread ends when its script's generator returns.
    """
    stack: list[Generator[Any, Any, Any]] = thread.compiled  # type: ignore[assignment]
    value = None
    while True:
        try:
            request = stack[-1].send(value)
        except StopIteration as returned:
            stack.pop()
            if not stack:
                thread.frames.clear()
                thread.status = DONE
                return
            value = returned.value
            continue
        if request is None:
            return
        stack.append(request)
        value = None


def _only_rechecked_a_wait(thread: Thread, used: int) -> bool:
    """Whether an idle turn (one that ended on an unfinished wait) did nothing but re-check it."""
    # A turn that ran blocks before reaching its wait may have changed what another thread, earlier
    # in the tick, waits for: scratch-vm's next tick would see that change within the same frame.
    return bool(thread.frames) and used == thread.frames[-1].node.cost  # type: ignore[union-attr]
