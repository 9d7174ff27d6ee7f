"""One Scratch thread: its stack of frames, its status, and its warp timer."""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

from emulator.values import Value

if TYPE_CHECKING:
    from emulator.runtime.nodes import Stmt
    from emulator.runtime.state import RuntimeTarget

# Thread status, as the sequencer sees it after a turn.
RUNNING = 0  # will run next tick; counts as active
YIELD_TICK = 1  # skipped until the next frame
WAITING = 2  # waits for something outside the tick loop (a timed bubble, an answer)
DONE = 3

# What a statement tells the thread loop after it ran.
NEXT = 0  # go on to the next block
YIELD = 1  # end the turn here; the same block runs again (re-runs at once in warp mode)
JUMP = 2  # the block changed the stack itself (pushed a branch or a procedure, or returned)
END_TURN = 3  # the thread's status says why (YIELD_TICK, WAITING, DONE)
LOSE_FRAME = 4  # the block throws in the VM: the rest of the frame is lost, the block runs again
COMPILED = 5  # a call block entered its custom block's compiled code (thread.compiled): run that on

# What a compiled custom block returns to its caller (None: its blocks ran to the end).
STOPPED = 1  # "stop this script": scratch-vm runs the call block once more, then goes on
WAITED = 2  # it ended in a wait outside the tick loop, which took its stack frames with it


class CompiledNode:
    """The node of a compiled thread's one frame: it holds what its last idle re-check cost."""

    __slots__ = ("cost",)
    proccode = None  # never a procedure call: compiled code finds its own recursion
    next = None

    def __init__(self) -> None:
        self.cost = 0


# How many stack entries below a procedure call Scratch looks at to detect recursion
# (thread.js isRecursiveCall: callCount starts at 5 and stops below 0, so 6 entries).
RECURSION_WINDOW = 6


class Frame:
    """One stack entry: the block to run, and that block's per-execution state."""

    __slots__ = ("is_loop", "node", "params", "state", "warp")

    def __init__(self, node: Stmt | None, warp: bool) -> None:
        self.node = node
        self.warp = warp
        self.is_loop = False
        self.params: dict[str, Value] | None = None
        self.state: Any = None

    def advance(self) -> None:
        """Move to the next block, resetting per-block state as scratch-vm's frame reuse does."""
        node = self.node
        self.node = node.next if node is not None else None
        self.is_loop = False
        self.params = None
        self.state = None


class Thread:
    """A running script: a stack of frames on one target."""

    __slots__ = (
        "compiled",
        "frames",
        "idle",
        "killed",
        "script_id",
        "status",
        "target",
        "warp_start",
    )

    def __init__(self, target: RuntimeTarget, script_id: str, first: Stmt | None) -> None:
        self.target = target
        self.script_id = script_id
        self.frames = [Frame(first, False)]
        self.status = RUNNING
        self.warp_start = -1  # block count when the warp timer started; -1 when not running
        self.idle = False  # the last yield was a wait that has not finished
        self.killed = False  # stopped by stop all or stop other scripts
        # Compiled code: the generators of the script and of the custom blocks it is in, innermost last.
        self.compiled: list[Generator[Any, Any, Any]] | None = None

    def run_compiled(self, script: Callable[[Thread], Generator[Any, Any, Any]]) -> None:
        """Run the script's compiled code: one frame, whose node the generators stand in for."""
        self.frames[0].node = CompiledNode()  # type: ignore[assignment]
        self.compiled = [script(self)]

    def push(self, frame: Frame, node: Stmt | None, is_loop: bool) -> None:
        """Start a branch of the block on `frame` (scratch-vm stepToBranch)."""
        frame.is_loop = is_loop
        self.frames.append(Frame(node, frame.warp))

    def param(self, name: str) -> Value:
        """A custom block argument: the innermost call's value, or the number 0."""
        # Scratch's getParam stops at the first frame with params and answers 0 for an
        # unknown name, even outside any procedure.
        for frame in reversed(self.frames):
            if frame.params is not None:
                return frame.params.get(name, 0.0)
        return 0.0

    def is_recursive_call(self, proccode: str) -> bool:
        """Whether a call of `proccode` sits in the few stack entries below the current one."""
        frames = self.frames
        for frame in frames[-2 : -2 - RECURSION_WINDOW : -1]:
            node = frame.node
            if node is not None and node.proccode == proccode:
                return True
        return False

    def stop_this_script(self) -> None:
        """Pop frames up to the calling procedure block, or end the thread (control_stop 'this script')."""
        frames = self.frames
        while frames and (frames[-1].node is None or frames[-1].node.proccode is None):
            frames.pop()
        if not frames:
            self.status = DONE

    def stop(self) -> None:
        """End this thread now (scratch-vm _stopThread: retired and marked killed)."""
        self.frames.clear()
        self.status = DONE
        self.killed = True

    @property
    def current(self) -> Stmt | None:
        """The block this thread runs next."""
        return self.frames[-1].node if self.frames else None
