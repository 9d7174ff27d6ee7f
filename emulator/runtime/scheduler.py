"""The frame loop: runs threads in Scratch's order, honours warp and yields, and can pause at any block."""

from __future__ import annotations

import math
from collections.abc import Callable, Generator, Iterable, Iterator

from emulator.errors import ProgramError
from emulator.opcodes import RESTARTING_HATS, Opcode
from emulator.project import Block, Project
from emulator.rng import JsRandom
from emulator.runtime.hooks import RunHooks
from emulator.runtime.linker import Linker
from emulator.runtime.nodes import Reporter, Stmt
from emulator.runtime.questions import Questions
from emulator.runtime.reconcile import reconcile_references
from emulator.runtime.state import ListCell, RuntimeTarget, Say, VarCell
from emulator.runtime.thread import DONE, RUNNING, WAITING, YIELD_TICK, Frame, Thread
from emulator.values import Value, js_lower

# Virtual time. scratch-vm measures real time; here time is counted, so runs are reproducible.
FRAME_MS = 1000.0 / 30.0  # the editor runs the VM in compatibility mode: 30 frames a second
MS_PER_BLOCK = 1e-4  # one block costs 0.1 us of virtual time: about the official VM's speed
WORK_BLOCKS = int(0.75 * FRAME_MS / MS_PER_BLOCK)  # a frame's work budget is 75 % of the frame
WARP_BLOCKS = int(500.0 / MS_PER_BLOCK)  # warp mode yields once its timer passes 500 ms

Pause = Callable[[Thread, Stmt], bool]


def frame_time_ms(frame: int) -> float:
    """The clock in frame `frame` (1, 2, ...): whole milliseconds since the flag, as Date.now() gives."""
    # n * (1000 / 30) in doubles drifts: `wait 1` from frame 51 would see 999.99... ms after 30
    # frames and take 31. Whole milliseconds, as the VM reads them, never drift.
    return float(frame * 1000 // 30)


class StepLimitReached(ProgramError):
    """The run executed as many blocks as it was allowed to."""


class Script:
    """A hat block of a target and the first block under it."""

    __slots__ = ("first", "hat", "target")

    def __init__(self, target: RuntimeTarget, hat: Block, first: Stmt | None) -> None:
        self.target = target
        self.hat = hat
        self.first = first


class Runtime:
    """A project loaded to run: targets, threads, the virtual clock, and the frame/tick sequencer."""

    def __init__(
        self,
        project: Project,
        *,
        seed: int = 0,
        turbo: bool = False,
        answers: Iterable[str] = (),
        hooks: RunHooks | None = None,
    ) -> None:
        # Loading repairs dangling references as the official VM does; the caller's project is untouched.
        project = self.project = reconcile_references(project)
        self.rng = JsRandom(seed)  # the same generator the VM oracle installs as Math.random
        self.turbo = turbo
        self.hooks = hooks
        self.blocks = 0  # blocks executed so far: the virtual clock's work counter
        self.frame_count = 0
        self.now_ms = 0.0  # frozen within a frame, as scratch-vm's currentMSecs; the flag is at 0
        self.timer_start_ms = 0.0
        self.redraw_requested = False
        self.threads: list[Thread] = []
        self.says: list[Say] = []
        self.bubbles: dict[str, int] = {}  # target name -> index in says of its current bubble
        self.questions = Questions(answers, lambda t, b, text: self.say(t, b, "say", text))
        self.on_say: Callable[[Say], None] | None = None
        self.on_frame: Callable[[], None] | None = (
            None  # called after every frame (progress displays)
        )
        self.active_thread: Thread | None = None
        self._waking: dict[int, Callable[[], bool]] = {}
        self._pause: Pause | None = None
        self._runner: Iterator[tuple[Thread, Stmt]] | None = None
        self.paused_at: tuple[Thread, Stmt] | None = None  # where run_until or step last paused
        self._finish_reported = False
        self.targets = self._make_targets(project)
        self.broadcasts = self._referenced_broadcasts(project)
        self.scripts: list[Script] = []
        self.linkers: dict[str, Linker] = {}
        self._link()

    # ## Setup

    @staticmethod
    def _make_targets(project: Project) -> list[RuntimeTarget]:
        stage = RuntimeTarget(project.stage, None)
        return [stage] + [RuntimeTarget(t, stage) for t in project.sprites()]

    @staticmethod
    def _referenced_broadcasts(project: Project) -> dict[str, str]:
        # On load, scratch-vm deletes stage broadcast messages no BROADCAST_OPTION field names.
        used = _broadcast_ids_in_use(project)
        return {i: name for i, name in project.stage.broadcasts.items() if i in used}

    def _link(self) -> None:
        # Hats start topmost sprite first, stage last; within a target in script order.
        for target in sorted(self.targets, key=lambda t: t.layer_order, reverse=True):
            linker = Linker(self, target)
            self.linkers[target.name] = linker
            for hat in target.source.top_blocks():
                first = (
                    linker.chain(hat.next) if hat.opcode != Opcode.PROCEDURES_DEFINITION else None
                )
                self.scripts.append(Script(target, hat, first))

    @property
    def stage(self) -> RuntimeTarget:
        """The stage while it runs."""
        return self.targets[0]

    def target(self, name: str) -> RuntimeTarget:
        """The running target with this name."""
        for t in self.targets:
            if t.name == name:
                return t
        raise KeyError(name)

    def stmt(self, block_id: str) -> Stmt | None:
        """The runnable form of a block, by id, if some script contains it."""
        for linker in self.linkers.values():
            if block_id in linker._stmts:
                return linker._stmts[block_id]
        return None

    # ## Hats and broadcasts

    def green_flag(self) -> list[Thread]:
        """Click the green flag: stop everything, reset the timer, start the flag scripts."""
        self.stop_all()
        self.questions.answer = ""  # PROJECT_START resets the answer
        self.timer_start_ms = self.now_ms
        return self.start_hats(Opcode.EVENT_WHENFLAGCLICKED)

    def start_hats(self, opcode: str, message: str | None = None) -> list[Thread]:
        """Start (or restart) every script under a hat of this kind, in Scratch's order."""
        started = []
        for script in self.scripts:
            if script.hat.opcode != opcode:
                continue
            if message is not None and _hat_message(script.hat) != message.upper():
                continue
            started.append(self._start(script, restart=opcode in RESTARTING_HATS))
        return started

    def _start(self, script: Script, restart: bool) -> Thread:
        self.blocks += 1  # the hat itself runs as the thread starts
        self._finish_reported = False
        thread = Thread(script.target, script.hat.id, script.first)
        for i, existing in enumerate(self.threads):
            if existing.script_id == script.hat.id and existing.target is script.target:
                if restart:
                    # A fresh thread takes the old one's place in the list.
                    self.threads[i] = thread
                    self._waking.pop(id(existing), None)
                    return thread
                return existing
        self.threads.append(thread)
        return thread

    def broadcast_by_id(self, message_id: str | None) -> str | None:
        """The stage's message name for a broadcast menu's id."""
        return self.broadcasts.get(message_id) if message_id is not None else None

    def broadcast_by_name(self, text: str) -> str | None:
        """The stage's message whose name equals the text, ignoring case."""
        if not text:
            return None  # lookupBroadcastMsg ignores an empty name: it is falsy in JavaScript
        wanted = js_lower(text)
        for name in self.broadcasts.values():
            if js_lower(name) == wanted:
                return name
        return None

    def start_broadcast(self, message: str) -> list[Thread]:
        """Start the receivers of a message; they run later in this same tick."""
        return self.start_hats(Opcode.EVENT_WHENBROADCASTRECEIVED, message)

    def has_thread(self, thread: Thread) -> bool:
        """Whether the thread is still in the thread list."""
        return any(t is thread for t in self.threads)

    def is_waiting(self, thread: Thread) -> bool:
        """scratch-vm isWaitingThread: waiting on something, or no longer active."""
        if thread.status in (WAITING, YIELD_TICK):
            return True
        return not thread.frames or not self.has_thread(thread)

    # ## Stopping

    def stop_all(self) -> None:
        """Stop every thread; the rest of the current tick still runs the threads after this one."""
        if self.active_thread is not None:
            self.active_thread.stop()
        self.threads = []
        self._waking.clear()
        self.questions.clear()

    def stop_for_target(self, target: RuntimeTarget, except_thread: Thread | None) -> None:
        """Stop the other threads of one target."""
        for thread in self.threads:
            if thread is not except_thread and thread.target is target:
                thread.stop()
                self._waking.pop(id(thread), None)
        self.questions.clear_target(target)

    # ## Output, questions and waits outside the tick loop

    def say(self, thread: Thread, block_id: str, kind: str, text: Value) -> int:
        """Show a bubble; returns its number, so a timed bubble can clear only itself."""
        record = Say(thread.target.name, kind, text)
        self.says.append(record)
        self.bubbles[thread.target.name] = len(self.says)
        if self.hooks is not None:
            self.hooks.on_say(thread, block_id, kind, text)
        if self.on_say is not None:
            self.on_say(record)
        return len(self.says)

    def clear_bubble(self, target: RuntimeTarget, shown: int) -> None:
        """Clear a target's bubble if it is still the one shown (no output: nothing is said)."""
        if self.bubbles.get(target.name) == shown:
            del self.bubbles[target.name]

    def ask(self, thread: Thread, block_id: str, question: Value) -> None:
        """Ask and wait: the thread waits until its question, queued behind others, is answered."""
        asked = self.questions.ask(thread, block_id, question)
        self.wait_outside(thread, lambda: asked.answered)

    def wait_outside(self, thread: Thread, wake: Callable[[], bool]) -> None:
        """Park a thread until `wake()` is true at the start of a frame (a promise in scratch-vm)."""
        thread.status = WAITING
        self._waking[id(thread)] = wake

    def _wake_threads(self) -> None:
        self.questions.answer_next()
        for thread in self.threads:
            wake = self._waking.get(id(thread))
            if wake is not None and thread.status == WAITING and wake():
                del self._waking[id(thread)]
                thread.status = RUNNING
                _step_past_wait(thread)

    # ## Reports to hooks

    def report_var(self, thread: Thread, block_id: str, cell: VarCell, value: Value) -> None:
        """Tell the hooks a variable was written."""
        assert self.hooks is not None
        self.hooks.on_var_set(thread, block_id, cell, value)
        if type(value) is float and not math.isfinite(value):
            self.hooks.on_nonfinite(thread, block_id, cell.name, value)

    def report_list(
        self,
        thread: Thread,
        block_id: str,
        cell: ListCell,
        op: str,
        index: int,
        old: Value,
        new: Value,
    ) -> None:
        """Tell the hooks a list item was written."""
        assert self.hooks is not None
        self.hooks.on_list_write(thread, block_id, cell, op, index, old, new)
        if type(new) is float and not math.isfinite(new):
            self.hooks.on_nonfinite(thread, block_id, cell.name, new)

    # ## Running

    def warp_expired(self, thread: Thread) -> bool:
        """Whether a warp-mode thread has used up its 500 ms for this turn."""
        return thread.warp_start >= 0 and self.blocks - thread.warp_start > WARP_BLOCKS

    @property
    def running(self) -> bool:
        """Whether any thread is left."""
        return bool(self.threads)

    def run(self, max_blocks: int | None = None) -> None:
        """Run until no thread is left (or raise StepLimitReached after max_blocks blocks)."""
        self.run_until(None, max_blocks)

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
        self._pause = pause
        if self._runner is None:
            self._runner = self._frames()
        try:
            self.paused_at = next(self._runner)
        except StopIteration:
            self._runner = None
            self.paused_at = None
            if self.hooks is not None and not self._finish_reported:
                self.hooks.on_finish()
            self._finish_reported = True  # once per run, however often it is resumed after its end
        return self.paused_at

    def _limited(self, pause: Pause | None, limit: int) -> Pause:
        def limited(thread: Thread, stmt: Stmt) -> bool:
            if self.blocks + stmt.cost > limit:
                raise StepLimitReached(
                    f"stopped after {self.blocks:,} blocks (--max-steps {limit:,})"
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

    def preview_inputs(self, thread: Thread, stmt: Stmt) -> list[tuple[str, Value]]:
        """The values of a block's inputs (a paused one's, say), evaluated without changing the run."""
        return self.preview(thread, stmt.inputs)

    def preview(
        self, thread: Thread, reporters: Iterable[tuple[str, Reporter]]
    ) -> list[tuple[str, Value]]:
        """Evaluate named reporters on a thread without changing the run."""
        rng_state, hooks = self.rng.getstate(), self.hooks
        known = [(t, set(t.variables), set(t.lists)) for t in self.targets]
        self.hooks = None  # reads outside a list would be reported as the program's
        try:
            return [(name, report(thread)) for name, report in reporters]
        finally:
            self.hooks = hooks
            self.rng.setstate(rng_state)  # "pick random" and item "random" draw from it
            for target, variables, lists in known:  # lookups create missing variables and lists
                for var_id in set(target.variables) - variables:
                    del target.variables[var_id]
                for list_id in set(target.lists) - lists:
                    del target.lists[list_id]

    def _frames(self) -> Iterator[tuple[Thread, Stmt]]:
        while self.threads:
            yield from self._frame()

    def _frame(self) -> Iterator[tuple[Thread, Stmt]]:
        """One frame: ticks until a redraw (unless turbo), the work budget, or no active thread."""
        self.frame_count += 1
        self.now_ms = frame_time_ms(self.frame_count)
        self._wake_threads()
        self.redraw_requested = False
        start = self.blocks
        first_tick, active = True, 1
        while (
            self.threads
            and active > 0
            and self.blocks - start < WORK_BLOCKS
            and (self.turbo or not self.redraw_requested)
        ):
            active, progress = yield from self._tick(first_tick)
            first_tick = False
            if not progress:
                break  # every thread only re-checked a wait: further ticks would repeat it
        if self.on_frame is not None:
            self.on_frame()

    def _tick(self, first_tick: bool) -> Generator[tuple[Thread, Stmt], None, tuple[int, bool]]:
        """Give every thread one turn; threads started during the tick run in it too."""
        threads = self.threads  # stop all replaces the list; this tick goes on with the old one
        active, stopped, progress = 0, False, False
        i = 0
        while i < len(threads):
            thread = threads[i]
            i += 1
            if thread.status == YIELD_TICK and first_tick:
                thread.status = RUNNING
            if thread.status == RUNNING and thread.frames:
                self.active_thread = thread
                thread.idle = False
                start = self.blocks
                yield from self._turn(thread)
                thread.warp_start = -1
                progress = (
                    progress
                    or not thread.idle
                    or not _only_rechecked_a_wait(thread, self.blocks - start)
                )
                if thread.killed:
                    # stepThreads' `i--` for a killed thread: this slot is looked at again, and if
                    # the thread restarted itself there before `stop all`, its new copy runs now.
                    i -= 1
            if thread.status == RUNNING and thread.frames:
                active += 1
            else:
                stopped = stopped or thread.status == DONE or not thread.frames
        self.active_thread = None
        if stopped:
            self.threads = [t for t in self.threads if t.status != DONE and t.frames]
        return active, progress

    def _turn(self, thread: Thread) -> Iterator[tuple[Thread, Stmt]]:
        """Run one thread until it yields: scratch-vm's stepThread, pausable before any block."""
        frames = thread.frames
        pause = self._pause
        if frames[-1].node is None and not self._unwind(thread):
            return
        while True:
            frame = frames[-1]
            node: Stmt = frame.node  # type: ignore[assignment]  # never None here: _unwind saw to it
            warp = frame.warp
            if warp and thread.warp_start < 0:
                thread.warp_start = self.blocks
            if pause is not None and pause(thread, node):
                yield thread, node
                pause = self._pause
            self.blocks += node.cost
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
                        self.blocks = max(self.blocks, thread.warp_start + WARP_BLOCKS + 1)
                        return
                    if self.blocks - thread.warp_start <= WARP_BLOCKS:
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
                return top.warp and self.blocks - thread.warp_start <= WARP_BLOCKS
            top.advance()
        return True


def _step_past_wait(thread: Thread) -> None:
    """Move a thread past the block it waited on outside the tick loop (execute.js handlePromise)."""
    frames = thread.frames
    while True:
        popped = frames.pop()
        after = popped.node.next if popped.node is not None else None
        if after is not None:
            # pushStack: a new entry that copies its warp mode from the entry below. So after a
            # timed bubble in a warp block's own body, the rest of that body runs without warp.
            frames.append(Frame(after, frames[-1].warp if frames else False))
            return
        if not frames:
            # An empty entry: the thread still counts as running (to a broadcast and wait, say)
            # until its next turn ends it.
            frames.append(Frame(None, False))
            return
        if frames[-1].is_loop:
            return  # the loop block runs again on the thread's next turn, with no yield first


def _only_rechecked_a_wait(thread: Thread, used: int) -> bool:
    """Whether an idle turn (one that ended on an unfinished wait) did nothing but re-check it."""
    # A turn that ran blocks before reaching its wait may have changed what another thread, earlier
    # in the tick, waits for: scratch-vm's next tick would see that change within the same frame.
    return bool(thread.frames) and used == thread.frames[-1].node.cost  # type: ignore[union-attr]


def _hat_message(hat: Block) -> str:
    f = hat.fields.get("BROADCAST_OPTION")
    return str(f.value).upper() if f is not None else ""


def _broadcast_ids_in_use(project: Project) -> set[str]:
    from emulator.project import BROADCAST, Primitive

    used: set[str] = set()
    for target in project.targets:
        for block in target.blocks.values():
            f = block.fields.get("BROADCAST_OPTION")
            if f is not None and f.ref_id is not None:
                used.add(f.ref_id)
            for inp in block.inputs.values():
                for slot in (inp.slot, inp.shadow):
                    if isinstance(slot, Primitive) and slot.kind == BROADCAST and slot.ref_id:
                        used.add(slot.ref_id)
    return used
