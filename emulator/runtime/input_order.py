"""Evaluating a block's inputs in its project.json key order, where that order can be seen at all."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
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
        self.handed: set[str] = set()
        self.reporters: dict[str, Reporter] = {}
        self.values: dict[str, Value] = {}

    def wrap(self, name: str, report: Reporter) -> Reporter:
        """The reporter a handler gets for this input (asked for in the order it will call them)."""
        if name in self.handed:
            return report  # asked again after linking (a debugger's preview): nothing to order
        self.handed.add(name)
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


def input_order(
    block: Block, blocks: Mapping[str, Block], memo: dict[str, bool] | None = None
) -> InputOrder | None:
    """An InputOrder for a block with two or more rng-drawing inputs; None when order cannot matter."""
    memo = {} if memo is None else memo
    names = [
        name
        for name, inp in block.inputs.items()
        if name not in STACK_INPUTS and _draws(inp.slot, blocks, memo)
    ]
    return InputOrder(names) if len(names) > 1 else None


def draws_random(
    block: Block, blocks: Mapping[str, Block], memo: dict[str, bool] | None = None
) -> bool:
    """Whether evaluating a block's inputs may draw a random number."""
    memo = {} if memo is None else memo
    return any(
        _draws(inp.slot, blocks, memo)
        for name, inp in block.inputs.items()
        if name not in STACK_INPUTS
    )


def _draws(slot: Slot, blocks: Mapping[str, Block], memo: dict[str, bool]) -> bool:
    """Whether the reporter in a slot, or any reporter inside it, draws from the rng.

    The walk keeps its own stack, however deep blocks nest, and `memo` keeps each answer it is
    sure of, so asking about every block of a script takes time linear in the script.
    """
    if not isinstance(slot, str) or slot not in blocks:
        return False
    if slot in memo:
        return memo[slot]
    # These depend on when they run relative to each other: they draw from the run's generator.
    if blocks[slot].opcode in RANDOM_REPORTERS:
        memo[slot] = True
        return True
    seen, on_path, finished, looped = {slot}, {slot}, [], False
    todo = [(slot, _inner_ids(blocks[slot], blocks))]
    while todo:
        block_id, inner = todo[-1]
        child = next(inner, None)
        if child is None:
            todo.pop()
            on_path.discard(block_id)
            finished.append(block_id)
        elif memo.get(child) or (child not in seen and blocks[child].opcode in RANDOM_REPORTERS):
            for outer, _ in todo:  # every block on the way holds the one that draws
                memo[outer] = True
            return True
        elif child not in seen and child not in memo:
            seen.add(child)
            on_path.add(child)
            todo.append((child, _inner_ids(blocks[child], blocks)))
        else:
            looped = looped or child in on_path
    if not looped:  # in a loop of links, a block's answer can depend on where the walk began
        memo.update(dict.fromkeys(finished, False))
    return False


def _inner_ids(block: Block, blocks: Mapping[str, Block]) -> Iterator[str]:
    return (
        inp.slot
        for inp in block.inputs.values()
        if isinstance(inp.slot, str) and inp.slot in blocks
    )
