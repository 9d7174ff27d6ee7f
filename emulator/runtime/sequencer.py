"""The frame/tick sequencer: runs a runtime's threads in Scratch's order, honours warp and yields, pauses at any block."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from typing import TYPE_CHECKING, Any

from emulator.errors import EmulatorError, ProgramError
from emulator.runtime.handoff import HandOff, returned, take_back
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


class Cursor:
    """Where the run is within its frame and tick: what a paused run needs to go on, or to be resumed."""

    __slots__ = (
        "first_tick",
        "frame_start",
        "tick_active",
        "tick_index",
        "tick_progress",
        "tick_stopped",
        "tick_threads",
        "turn_start",
    )

    def __init__(self) -> None:
        self.frame_start = 0  # the block count when the frame began: its work budget counts from it
        self.first_tick = True
        self.tick_threads: list[Thread] = []  # the thread list this tick goes through
        self.tick_index = 0  # the next thread's place in it
        self.tick_active = 0  # threads still running after their turn
        self.tick_stopped = False  # some thread ended: the list is pruned after the tick
        self.tick_progress = True  # some turn did more than re-check a wait
        self.turn_start = 0  # the block count when the current turn began

    def copy(self) -> Cursor:
        """A copy (the tick's thread list is copied too)."""
        other = Cursor()
        for name in self.__slots__:
            setattr(other, name, getattr(self, name))
        other.tick_threads = list(self.tick_threads)
        return other


class Sequencer:
    """scratch-vm's sequencer over one runtime: frames of ticks, a turn per thread per tick.

    The run is a generator that yields (thread, block) wherever the pause predicate holds, so a
    paused run resumes exactly where it stopped. The runtime's block counter is the clock.
    """

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.pause: Pause | None = None
        self.frame_limit: int | None = None
        self.paused_at: tuple[Thread, Stmt] | None = None  # where run_until or step last paused
        self._runner: Iterator[tuple[Thread, Stmt]] | None = None
        self.cursor = Cursor()  # where in its frame and tick the run is
        self.frame_lost = False  # a block threw in the VM: this frame ends now

    # ## Saving and resuming

    @property
    def started(self) -> bool:
        """Whether a run is under way (paused inside a turn), not yet begun or ended."""
        return self._runner is not None

    def resume_at(self, started: bool, paused_at: tuple[Thread, Stmt] | None) -> None:
        """Continue, on the next run, from a saved pause (the cursor already holds its frame and tick)."""
        self._runner = self._frames(resume=True) if started else None
        self.paused_at = paused_at

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
        rt = self.runtime
        counts = max_blocks is None or rt.hands_over_everywhere()  # compiled code counts no blocks
        compiled_cannot = not counts or not rt.may_pause_compiled()
        if pause is not None and rt.may_run_compiled() and compiled_cannot:
            raise EmulatorError(
                "compiled code cannot pause at a block or count blocks one by one: "
                "run this with the interpreter engine"
            )
        self.pause = pause
        self.frame_limit = max_blocks
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

    def _frames(self, resume: bool = False) -> Iterator[tuple[Thread, Stmt]]:
        rt = self.runtime
        if resume:
            yield from self._frame(resume=True)
        while rt.running:
            # The step limit counts frames too: frames in which threads only wait run no block.
            if self.frame_limit is not None and rt.frame_count >= self.frame_limit:
                raise StepLimitReached(
                    f"stopped after {rt.frame_count:,} frames (--max-steps {self.frame_limit:,})"
                )
            yield from self._frame()

    def _frame(self, resume: bool = False) -> Iterator[tuple[Thread, Stmt]]:
        """One frame: ticks until a redraw (unless turbo), the work budget, or no active thread."""
        rt, c = self.runtime, self.cursor
        if resume:
            # The tick paused in was already under way: finish it before testing for another.
            yield from self._tick(resume=True)
            c.first_tick = False
            if self._frame_ends():
                return
        else:
            rt.frame_count += 1
            rt.now_ms = frame_time_ms(rt.frame_count)
            rt.wake_threads()
            rt.deliver_inputs()
            rt.start_edge_hats()
            rt.redraw_requested = False
            c.frame_start, c.first_tick, c.tick_active, c.tick_progress = rt.blocks, True, 1, True
        while (
            c.tick_progress  # every thread only re-checked a wait: further ticks would repeat it
            and rt.threads
            and c.tick_active > 0
            and rt.blocks - c.frame_start < WORK_BLOCKS
            and (rt.turbo or not rt.redraw_requested)
        ):
            yield from self._tick()
            c.first_tick = False
            if self._frame_ends():
                break
        if rt.on_frame is not None:
            rt.on_frame()

    def _frame_ends(self) -> bool:
        """Whether a block lost the rest of the frame (and the frame is to end now)."""
        lost, self.frame_lost = self.frame_lost, False
        return lost

    def _tick(self, resume: bool = False) -> Iterator[tuple[Thread, Stmt]]:
        """Give every thread one turn; threads started during the tick run in it too."""
        rt, c = self.runtime, self.cursor
        if resume:
            thread = c.tick_threads[c.tick_index - 1]
            yield from self._turn(thread, resume=True)
            if self.frame_lost:
                rt.active_thread = None
                return
            self._after_turn(thread)
        else:
            # stop all replaces the list; this tick goes on with the old one.
            c.tick_threads, c.tick_index = rt.threads, 0
            c.tick_active, c.tick_stopped, c.tick_progress = 0, False, False
        threads = c.tick_threads
        while c.tick_index < len(threads):
            thread = threads[c.tick_index]
            c.tick_index += 1
            if thread.status == YIELD_TICK and c.first_tick:
                thread.status = RUNNING
            if thread.status == RUNNING and thread.frames:
                rt.active_thread = thread
                thread.idle = False
                c.turn_start = rt.blocks
                if thread.compiled is None or _compiled_turn(thread):
                    # Interpreted, or handed to the interpreter before a block: it goes on there.
                    yield from self._turn(thread)
                if self.frame_lost:
                    # Nothing else of the tick happens: not even the warp timer's reset or
                    # the removal of finished threads.
                    rt.active_thread = None
                    return
                self._after_turn(thread)
            else:
                self._count(thread)
        rt.active_thread = None
        if c.tick_stopped:
            rt.threads = [t for t in rt.threads if t.status != DONE and t.frames]

    def _after_turn(self, thread: Thread) -> None:
        rt, c = self.runtime, self.cursor
        thread.warp_start = -1
        c.tick_progress = (
            c.tick_progress
            or not thread.idle
            or not _only_rechecked_a_wait(thread, rt.blocks - c.turn_start)
        )
        if thread.killed:
            # stepThreads' `i--` for a killed thread: this slot is looked at again, and if
            # the thread restarted itself there before `stop all`, its new copy runs now.
            c.tick_index -= 1
        self._count(thread)

    def _count(self, thread: Thread) -> None:
        c = self.cursor
        if thread.status == RUNNING and thread.frames:
            c.tick_active += 1
        else:
            c.tick_stopped = c.tick_stopped or thread.status == DONE or not thread.frames

    def _turn(self, thread: Thread, resume: bool = False) -> Iterator[tuple[Thread, Stmt]]:
        """Run one thread until it yields: scratch-vm's stepThread, pausable before any block.

        With `resume`, the turn was paused before its top block: that block runs first, untested.
        """
        rt = self.runtime
        frames = thread.frames
        pause = self.pause
        if not resume and frames[-1].node is None and not self._unwind(thread):
            return
        skip = resume
        while True:
            frame = frames[-1]
            node: Stmt = frame.node  # type: ignore[assignment]  # never None here: _unwind saw to it
            warp = frame.warp
            if warp and thread.warp_start < 0:
                thread.warp_start = rt.blocks
            if skip:
                skip = False
            elif pause is not None and pause(thread, node):
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
            elif action == 5:  # COMPILED: the call block entered compiled code
                if not _compiled_turn(thread):
                    return  # its turn ended there (or the thread did)
                # It returned, or handed the thread back: the interpreter goes on from the frames.
            elif action != 2:  # END_TURN, or LOSE_FRAME
                if action == 4:
                    # The VM's exception leaves execute() before it counts the block, and
                    # _step before the tick ends: no other thread runs until the next frame.
                    rt.blocks -= node.cost
                    self.frame_lost = True
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


def next_turn_is_at_once(rt: Runtime, blocks: int) -> bool:
    """Whether a turn ending now, at clock `blocks`, would be followed at once by the same thread's next.

    So it is when the thread is the only one (none started, none left to prune), the frame's work
    budget is not spent, and no redraw ends the frame: the tick ends, the next begins, and nothing
    runs in between. Compiled loops ask it rather than yield, and skip the round trip; the turn
    ends all the same, and with it the thread's warp timer (as _after_turn stops it), so that a
    warp custom block called after it times its 500 ms from its own start.
    """
    if (
        len(rt.threads) == 1
        and blocks - rt.sequencer.cursor.frame_start < WORK_BLOCKS
        and (rt.turbo or not rt.redraw_requested)
    ):
        rt.threads[0].warp_start = -1
        return True
    return False


def _compiled_turn(thread: Thread) -> bool:
    """Resume a thread's compiled code until it yields None (its turn ends); True when the
    interpreter goes on with the thread instead: the code handed it over (see handoff.py), or,
    entered from a call block in the interpreter, returned to it.

    A custom block call yields the callee's generator: it runs on top of the caller, and what it
    returns is sent back to the caller. The thread ends when its script's generator returns.
    """
    stack: list[Generator[Any, Any, Any]] = thread.compiled  # type: ignore[assignment]
    value = None
    while True:
        try:
            request = stack[-1].send(value)
        except HandOff as handed:
            _hand_over(thread, handed)
            return True
        except StopIteration as stopped:
            stack.pop()
            if not stack:
                return returned(thread, stopped.value)
            value = stopped.value
            continue
        if request is None:
            return False
        stack.append(request)
        value = None


def _hand_over(thread: Thread, handed: HandOff) -> None:
    """The thread goes on in the interpreter: each suspended caller adds its frames below."""
    stack: list[Generator[Any, Any, Any]] = thread.compiled  # type: ignore[assignment]
    stack.pop()  # the generator that raised it has ended
    while stack:
        try:
            stack.pop().throw(handed)  # its call site adds its frames and raises it again
        except HandOff as again:
            handed = again
    take_back(thread, handed)


def _only_rechecked_a_wait(thread: Thread, used: int) -> bool:
    """Whether an idle turn (one that ended on an unfinished wait) did nothing but re-check it."""
    # A turn that ran blocks before reaching its wait may have changed what another thread, earlier
    # in the tick, waits for: scratch-vm's next tick would see that change within the same frame.
    return bool(thread.frames) and used == thread.frames[-1].node.cost  # type: ignore[union-attr]
