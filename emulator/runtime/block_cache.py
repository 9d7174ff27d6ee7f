"""A reporter block that two inputs name, run as the VM's block cache runs it (the editor never makes one).

scratch-vm builds one BlockCached per block of a sprite (its clones share it) when a statement
first runs, its inputs' blocks first, and tells each input block where to write its value: the
input of the block being built. A block two inputs name is told twice, so only the input built
last receives its value, each time it runs; the other keeps what it last received (undefined, if
never). Generated projects do have such blocks, and the VM's answers follow from this.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from emulator.opcodes import STACK_INPUTS
from emulator.project import Block
from emulator.runtime.nodes import Reporter
from emulator.values import Value

if TYPE_CHECKING:
    from emulator.runtime.thread import Thread

InputKey = tuple[str, str]  # (block id, input name)
CacheState = tuple[frozenset[str], dict[str, InputKey], dict[InputKey, Value]]


def shared_reporters(blocks: Mapping[str, Block]) -> frozenset[str]:
    """The blocks that more than one value input names."""
    named = Counter(
        inp.slot
        for block in blocks.values()
        for name, inp in block.inputs.items()
        if isinstance(inp.slot, str) and name not in STACK_INPUTS
    )
    return frozenset(block_id for block_id, n in named.items() if n > 1 and block_id in blocks)


class BlockCache:
    """What the VM's cached blocks of one sprite remember: which are built, where each block's
    value goes, and what each input last received."""

    def __init__(self, blocks: Mapping[str, Block]) -> None:
        self.blocks = blocks
        self.built: set[str] = set()
        self.sends_to: dict[str, InputKey] = {}
        self.received: dict[InputKey, Value] = {}

    def build(self, block_id: str) -> None:
        """BlockCached.getCached for a block about to run: build it and, first, each input's block
        not built yet; each input's block then sends its value to that input."""
        if block_id in self.built:
            return
        self.built.add(block_id)
        stack: list[tuple[str, Iterator[tuple[str, str]], InputKey | None]] = [
            (block_id, self._inputs(block_id), None)
        ]
        while stack:
            parent, inputs, sends_to = stack[-1]
            step = next(inputs, None)
            if step is None:
                stack.pop()
                if sends_to is not None:
                    self.sends_to[parent] = sends_to
                continue
            name, child = step
            if child in self.built:
                self.sends_to[child] = (parent, name)
            else:
                self.built.add(child)
                stack.append((child, self._inputs(child), (parent, name)))

    def input(self, parent: str, name: str, child: str, report: Reporter) -> Reporter:
        """The input `name` of `parent`, which names the shared block `child` (run by `report`)."""
        key = (parent, name)
        sends_to, received = self.sends_to, self.received

        def shared(thread: Thread) -> Value:
            received[sends_to.get(child, key)] = report(thread)
            return received.get(key)

        return shared

    def saved(self) -> CacheState:
        """A copy of what the cache remembers, for restore."""
        return frozenset(self.built), dict(self.sends_to), dict(self.received)

    def restore(self, state: CacheState | None) -> None:
        """Remember what it did when `state` was saved (None: nothing); in place, since the
        linked inputs hold these very dicts."""
        built, sends_to, received = state or (frozenset(), {}, {})
        self.built.clear()
        self.built.update(built)
        self.sends_to.clear()
        self.sends_to.update(sends_to)
        self.received.clear()
        self.received.update(received)

    def _inputs(self, block_id: str) -> Iterator[tuple[str, str]]:
        block = self.blocks.get(block_id)
        if block is None:
            return
        for name, inp in block.inputs.items():
            if isinstance(inp.slot, str) and inp.slot in self.blocks and name not in STACK_INPUTS:
                yield name, inp.slot
