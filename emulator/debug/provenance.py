"""Which blocks computed a value: for each variable, its last writer and, through it, theirs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from emulator.project import VARIABLE, Block, Primitive

MAX_DEPTH = 24  # a loop counter's history is a chain; keep the recent part


@dataclass(frozen=True, slots=True)
class Origin:
    """A variable write: the block that did it, and the origins of the variables it read."""

    block_id: str
    variable: str
    parents: tuple[Origin, ...]
    depth: int


def variables_read(blocks: dict[str, Block], block: Block, inputs: tuple[str, ...] | None = None) -> list[str]:
    """Names of the variables a block's inputs read (all inputs, or the named ones), in order."""
    names: list[str] = []
    todo = [block.inputs[n] for n in (inputs or tuple(block.inputs)) if n in block.inputs]
    while todo:
        inp = todo.pop()
        for slot in (inp.slot,):
            if isinstance(slot, Primitive) and slot.kind == VARIABLE:
                names.append(str(slot.value))
            elif isinstance(slot, str) and slot in blocks:
                inner = blocks[slot]
                if inner.opcode == "data_variable" and "VARIABLE" in inner.fields:
                    names.append(str(inner.fields["VARIABLE"].value))
                todo.extend(inner.inputs.values())
    return names


class Provenance:
    """Keeps, per variable, the Origin of its current value."""

    def __init__(self) -> None:
        self.latest: dict[str, Origin] = {}

    def record(self, variable: str, block_id: str, reads: list[str]) -> None:
        """`block_id` wrote `variable` from the values of `reads`."""
        parents = tuple(self.latest[r] for r in dict.fromkeys(reads) if r in self.latest)
        depth = 1 + max((p.depth for p in parents), default=0)
        if depth > MAX_DEPTH:
            parents, depth = (), 1
        self.latest[variable] = Origin(block_id, variable, parents, depth)

    def origins(self, reads: list[str], limit: int = 40, visits: int = 400) -> Iterator[Origin]:
        """The writes behind these variables' current values, nearest first, each block once."""
        shown: set[tuple[str, str]] = set()
        visited: set[int] = set()
        queue = [self.latest[r] for r in dict.fromkeys(reads) if r in self.latest]
        while queue and len(shown) < limit and len(visited) < visits:
            origin = queue.pop(0)
            if id(origin) in visited:
                continue
            visited.add(id(origin))
            key = (origin.block_id, origin.variable)
            if key not in shown:
                shown.add(key)
                yield origin
            queue.extend(origin.parents)
