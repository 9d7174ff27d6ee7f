"""Runnable forms of blocks: a Stmt per stack block, a Reporter closure per reporter block."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from emulator.values import Value

if TYPE_CHECKING:
    from emulator.project import Block
    from emulator.runtime.state import RuntimeTarget
    from emulator.runtime.thread import Frame, Thread

Reporter = Callable[["Thread"], Value]
"""A reporter block made runnable: thread in, Scratch value out."""

Run = Callable[["Thread", "Frame"], int]
"""A stack block made runnable: returns NEXT, YIELD, JUMP or END_TURN (see thread.py)."""


class Stmt:
    """A stack block ready to run, linked to the block after it."""

    __slots__ = ("block", "cost", "inputs", "next", "proccode", "run", "target")

    def __init__(self, block: Block, target: RuntimeTarget) -> None:
        self.block = block
        self.target = target
        self.run: Run = _not_ready
        self.next: Stmt | None = None
        self.cost = 1  # this block plus every reporter block in its inputs
        self.inputs: tuple[tuple[str, Reporter], ...] = ()  # for showing input values when paused
        self.proccode: str | None = None  # set on procedures_call only

    @property
    def id(self) -> str:
        """The block id."""
        return self.block.id

    @property
    def opcode(self) -> str:
        """The block opcode."""
        return self.block.opcode

    def __repr__(self) -> str:
        return f"<Stmt {self.block.opcode} {self.block.id!r} of {self.target.name!r}>"


def _not_ready(thread: Thread, frame: Frame) -> int:
    raise RuntimeError("statement used before it was built")
