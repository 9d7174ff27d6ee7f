"""Handing a compiled thread to the interpreter before a block: its stack frames rebuilt from the generated code's state."""

from __future__ import annotations

from collections.abc import Container
from typing import TYPE_CHECKING, Any

from emulator.runtime.hooks import EVERY_BLOCK
from emulator.runtime.thread import Frame

if TYPE_CHECKING:
    from emulator.runtime.runtime import Runtime
    from emulator.runtime.thread import Thread
    from emulator.values import Value

Level = tuple[str, bool, Any]
"""One stack frame as generated code knows it: (block id, whether it is a loop's, its state)."""


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


class PauseSites:
    """The blocks before which one unit's pausable code hands its thread over: one flag per site."""

    def __init__(self, block_ids: list[str]) -> None:
        self.block_ids = tuple(block_ids)  # site number -> the block it stands before
        self.flags = bytearray(len(block_ids))  # the generated code reads these (PAUSE_AT)

    def flag(self, blocks: Container[str]) -> None:
        """Hand over before these blocks (EVERY_BLOCK: before any), and nowhere else."""
        if blocks is EVERY_BLOCK:
            self.flags[:] = b"\x01" * len(self.flags)
            return
        self.flags[:] = bytes(b in blocks for b in self.block_ids)
