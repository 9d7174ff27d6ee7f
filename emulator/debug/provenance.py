"""Which blocks computed a value: for each variable, its last writer and, through it, theirs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from emulator.opcodes import Opcode
from emulator.project import VARIABLE, Block, Primitive

MAX_DEPTH = 24  # a loop counter's history is a chain; keep the recent part

# An origin is a plain tuple (block id, variable, parent origins, depth): millions are made in a
# run, and a tuple is the cheapest thing Python builds.
OriginTuple = tuple[str, str, tuple, int]


class Origin(NamedTuple):
    """A variable write: the block that did it (what the debugger reports)."""

    block_id: str
    variable: str


def variables_read(
    blocks: dict[str, Block], block: Block, inputs: tuple[str, ...] | None = None
) -> list[str]:
    """Names of the variables a block's inputs read (all inputs, or the named ones), each once."""
    names: list[str] = []
    todo = [block.inputs[n] for n in (inputs or tuple(block.inputs)) if n in block.inputs]
    while todo:
        slot = todo.pop().slot
        if isinstance(slot, Primitive) and slot.kind == VARIABLE:
            names.append(str(slot.value))
        elif isinstance(slot, str) and slot in blocks:
            inner = blocks[slot]
            if inner.opcode == Opcode.DATA_VARIABLE and "VARIABLE" in inner.fields:
                names.append(str(inner.fields["VARIABLE"].value))
            todo.extend(inner.inputs.values())
    return list(dict.fromkeys(names))


class Provenance:
    """Keeps, per variable, the origin of its current value."""

    def __init__(self) -> None:
        self.latest: dict[str, OriginTuple] = {}

    def record(self, variable: str, block_id: str, reads: tuple[str, ...]) -> None:
        """`block_id` wrote `variable` from the values of `reads` (each name once)."""
        latest = self.latest
        parents = tuple([latest[r] for r in reads if r in latest])
        if not parents:
            latest[variable] = (block_id, variable, (), 1)
            return
        depth = parents[0][3]
        for p in parents:  # a loop, not max() over a generator: this runs for every write
            if p[3] > depth:
                depth = p[3]
        depth += 1
        if depth > MAX_DEPTH:
            latest[variable] = (block_id, variable, (), 1)
        else:
            latest[variable] = (block_id, variable, parents, depth)

    def origins(self, reads: list[str], limit: int = 40, visits: int = 400) -> Iterator[Origin]:
        """The writes behind these variables' current values, nearest first, each block once."""
        shown: set[tuple[str, str]] = set()
        visited: set[int] = set()
        queue = [self.latest[r] for r in dict.fromkeys(reads) if r in self.latest]
        while queue and len(shown) < limit and len(visited) < visits:
            node = queue.pop(0)
            if id(node) in visited:
                continue
            visited.add(id(node))
            key = (node[0], node[1])
            if key not in shown:
                shown.add(key)
                yield Origin(node[0], node[1])
            queue.extend(node[2])
