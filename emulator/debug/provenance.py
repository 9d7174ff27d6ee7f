"""Which blocks computed a value, for the debugger: the origins the runtime keeps on cells, nearest first."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from emulator.runtime.state import VarCell


class Origin(NamedTuple):
    """A variable write: the block that did it (what the debugger reports)."""

    block_id: str
    variable: str


def origins(cells: list[VarCell], limit: int = 40, visits: int = 400) -> Iterator[Origin]:
    """The writes behind these cells' current values (VarCell.origin), nearest first, each block once."""
    shown: set[tuple[str, str]] = set()
    visited: set[int] = set()
    queue = [c.origin for c in dict.fromkeys(cells) if c.origin is not None]
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
