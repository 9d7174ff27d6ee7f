"""Handing a thread between compiled code and the interpreter: to the interpreter before a block,
its stack frames rebuilt from the generated code's state; back into compiled code at a custom block call."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from emulator.runtime.thread import COMPILED, DONE, JUMP, STOPPED, CompiledNode, Frame

if TYPE_CHECKING:
    from emulator.runtime.runtime import Runtime
    from emulator.runtime.thread import Thread
    from emulator.values import Value

Level = tuple[str, bool, Any]
"""One stack frame as generated code knows it: (block id, whether it is a loop's, its state)."""

Context = tuple[str, int, "Context"] | None
"""The custom blocks on the stack, innermost first: (proccode, frames below it in its caller, caller's)."""


class HandOff(Exception):
    """Raised by pausable compiled code before a block it is asked to stop at.

    It carries the thread's stack frames as the interpreter would have them there: the function
    that raised it gives its own, and each caller it passes through puts its frames below them.
    """

    def __init__(self, frames: list[Frame], params: dict[str, Value] | None) -> None:
        super().__init__("a compiled thread handed to the interpreter")
        self.frames = frames
        self.params = params  # the arguments of the custom block the innermost frames are in

    def called(self, below: list[Frame], params: dict[str, Value] | None) -> None:
        """Add a caller's frames below: the last is its call block's, which holds the callee's
        arguments as procedures_call keeps them."""
        call = below[-1]
        call.params, call.state = self.params, True
        self.frames = below + self.frames
        self.params = params


def frames_at(rt: Runtime, thread: Thread, levels: tuple[Level, ...], warp: bool) -> list[Frame]:
    """The interpreter's stack frames for one function's levels, outermost first."""
    linker = rt.linker_of(thread.target)
    frames = []
    for block_id, is_loop, state in levels:
        frame = Frame(linker.stmt(block_id), warp)
        frame.is_loop, frame.state = is_loop, state
        frames.append(frame)
    return frames


# ## Back into compiled code, from the interpreter's call block


@dataclass(frozen=True)
class CompiledCall:
    """A custom block's pausable compiled code, as a call block in the interpreter enters it."""

    function: Callable[..., Any]  # proc_N(thread, ctx, warp, *arguments)
    params: tuple[str, ...]  # its arguments' names, in the order it takes them
    generator: bool  # whether it can yield (then the sequencer runs it on the thread's stack)


def enter_compiled(thread: Thread, call: Frame, code: CompiledCall) -> int:
    """Run a custom block's compiled code from its call block, where the interpreter would push
    the definition's frame: what the call block tells the interpreter's loop.

    The code runs on a frame of its own above the interpreter's (its turns, idle re-checks and
    reporters use the top frame); when it ends, or hands the thread back, that frame goes.
    """
    params = call.params or {}
    arguments = [params.get(name, 0.0) for name in code.params]
    context = _context(thread.frames)
    thread.frames.append(Frame(CompiledNode(), call.warp))  # type: ignore[arg-type]
    try:
        result = code.function(thread, context, call.warp, *arguments)
    except HandOff as handed:
        take_back(thread, handed)
        return JUMP
    if code.generator:
        thread.compiled = [result]
        return COMPILED
    returned(thread, result)
    return JUMP


def returned(thread: Thread, result: Any) -> bool:
    """The compiled code's outermost function ended: its frame goes. Entered from a call block,
    the call block goes on as after a procedure (after "stop this script" it runs once more) and
    True is returned; a script's, the thread is done."""
    if thread.frames:  # a thread stopped meanwhile has none
        thread.frames.pop()
    thread.compiled = None
    if not thread.frames:
        thread.status = DONE
        return False
    if result != STOPPED:
        thread.frames[-1].advance()
    return True


def take_back(thread: Thread, handed: HandOff) -> None:
    """The compiled code handed the thread over: its frame goes, and the handed frames go on top
    of the interpreter's, if a call block entered it (that block's holding the arguments)."""
    thread.frames.pop()
    thread.compiled = None
    if thread.frames:
        handed.called(thread.frames, None)
    thread.frames[:] = handed.frames  # in place: the interpreter's loop holds the list


def _context(frames: list[Frame]) -> Context:
    """The custom blocks on a stack of interpreter frames, as compiled code passes them on."""
    context: Context = None
    below = -1
    for i, frame in enumerate(frames):
        node = frame.node
        if node is not None and node.proccode is not None:
            context = (node.proccode, i - below - 1, context)
            below = i
    return context
