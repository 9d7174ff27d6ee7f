"""Evaluating a block's inputs in its project.json key order, where that order can be seen at all."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from emulator.opcodes import RANDOM_REPORTERS, STACK_INPUTS
from emulator.project import Block, Slot
from emulator.runtime.nodes import Reporter
from emulator.values import Value

if TYPE_CHECKING:
    from emulator.runtime.thread import Thread


class InputOrder:
    """A block's rng-drawing inputs, evaluated in JSON key order even if its handler asks otherwise.

    scratch-vm evaluates every input of a block before the block runs, in the key order of its
    `inputs` object (execute.js). A handler here asks for its inputs in its own order, which is
    the editor's order; only a hand-written project can store them otherwise, and only inputs that
    may draw random numbers can tell. While the handler asks in JSON order, its inputs are handed
    out untouched, so the usual block pays nothing. From the first input asked out of order, the
    rest are evaluated together, in JSON order, by that input, and the others hand back what it
    computed. A block's inputs are evaluated without yielding, so one set of values suffices.
    """

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.in_order = (
            0  # how many inputs were asked for in JSON order before the first that was not
        )
        self.group: list[str] = []
        self.reporters: dict[str, Reporter] = {}
        self.values: dict[str, Value] = {}

    def wrap(self, name: str, report: Reporter) -> Reporter:
        """The reporter a handler gets for this input (asked for in the order it will call them)."""
        if not self.group and name == self.names[self.in_order]:
            self.in_order += 1
            return report
        leads = not self.group
        if leads:
            self.group = self.names[self.in_order :]
        self.reporters[name] = report
        values = self.values
        return self._lead(name) if leads else lambda t: values[name]

    def _lead(self, name: str) -> Reporter:
        group, reporters, values = self.group, self.reporters, self.values

        def lead(t: Thread) -> Value:
            for other in group:
                values[other] = reporters[other](t)
            return values[name]

        return lead


def input_order(block: Block, blocks: Mapping[str, Block]) -> InputOrder | None:
    """An InputOrder for a block with two or more rng-drawing inputs; None when order cannot matter."""
    names = [
        name
        for name, inp in block.inputs.items()
        if name not in STACK_INPUTS and _draws(inp.slot, blocks, set())
    ]
    return InputOrder(names) if len(names) > 1 else None


def draws_random(block: Block, blocks: Mapping[str, Block]) -> bool:
    """Whether evaluating a block's inputs may draw a random number."""
    return any(
        _draws(inp.slot, blocks, set())
        for name, inp in block.inputs.items()
        if name not in STACK_INPUTS
    )


def _draws(slot: Slot, blocks: Mapping[str, Block], seen: set[str]) -> bool:
    """Whether the reporter in a slot, or any reporter inside it, draws from the rng."""
    if not isinstance(slot, str) or slot in seen or slot not in blocks:
        return False
    seen.add(slot)
    block = blocks[slot]
    # These depend on when they run relative to each other: they draw from the run's generator.
    if block.opcode in RANDOM_REPORTERS:
        return True
    return any(_draws(inp.slot, blocks, seen) for inp in block.inputs.values())
