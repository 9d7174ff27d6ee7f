"""Where a variable's value came from: the block that wrote it, and the origins of what that block read."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from emulator.opcodes import Opcode
from emulator.project import VARIABLE, Block, Primitive

if TYPE_CHECKING:
    from emulator.runtime.state import RuntimeTarget, VarCell

MAX_DEPTH = 24  # a loop counter's history is a chain; keep the recent part

# An origin (VarCell.origin): the block that wrote the value, the variable's name, the origins of
# what the block read then, and the length of that chain. A plain tuple: millions are made in a run.
WriteOrigin = tuple[str, str, tuple[Any, ...], int]


def variables_read(
    blocks: Mapping[str, Block], block: Block, inputs: tuple[str, ...] | None = None
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


def cells_named(target: RuntimeTarget, names: list[str]) -> list[VarCell]:
    """The variables these names find from `target` (its own, then the stage's); a name that
    finds none is left out."""
    return [c for n in names if (c := target.find_variable(None, n)) is not None]


def joined(block_id: str, name: str, parents: tuple[WriteOrigin | None, ...]) -> WriteOrigin:
    """The origin of a write by `block_id` of the variable `name` from values of these origins
    (None: a variable nothing wrote). A chain longer than MAX_DEPTH starts again."""
    # This runs for writes: the common case, every read variable written before, builds no tuple.
    kept = (
        tuple([p for p in parents if p is not None])
        if None in parents
        else cast("tuple[WriteOrigin, ...]", parents)
    )
    depth = 0
    for p in kept:  # a loop, not max() over a generator
        if p[3] > depth:
            depth = p[3]
    if depth == 0 or depth >= MAX_DEPTH:
        return (block_id, name, (), 1)
    return (block_id, name, kept, depth + 1)


class Origins:
    """Keeps on each written cell the origin of its value (VarCell.origin), while the hooks
    attached want them (RunHooks.wants_origins).

    Compiled code keeps them itself, the same way, from the cells cells_read names.
    """

    def __init__(self) -> None:
        # Per target, per block id: the cells the block's inputs read, its own first for `change by`.
        self._reads: dict[RuntimeTarget, dict[str, tuple[VarCell, ...]]] = {}

    def wrote(self, target: RuntimeTarget, block_id: str, cell: VarCell) -> None:
        """`block_id`, run by `target`, wrote `cell`: its origin is the block and its reads' origins."""
        by_block = self._reads.get(target)
        if by_block is None:
            by_block = self._reads[target] = {}
        reads = by_block.get(block_id)
        if reads is None:
            reads = by_block[block_id] = self.cells_read(target, block_id, cell)
        if len(reads) == 1:  # a counter, or a copy: as compiled code does it, without a call
            parent = reads[0].origin
            if parent is not None and parent[3] < MAX_DEPTH:
                cell.origin = (block_id, cell.name, (parent,), parent[3] + 1)
            else:
                cell.origin = (block_id, cell.name, (), 1)
        else:
            cell.origin = joined(block_id, cell.name, tuple([c.origin for c in reads]))

    def cells_read(
        self, target: RuntimeTarget, block_id: str, cell: VarCell
    ) -> tuple[VarCell, ...]:
        """The cells a block that wrote `cell` read, as `target` finds them by name, each once."""
        blocks = target.source.blocks
        block = blocks.get(block_id)
        if block is None:
            return ()
        cells = cells_named(target, variables_read(blocks, block))
        if block.opcode == Opcode.DATA_CHANGEVARIABLEBY:
            cells.insert(0, cell)  # change by reads the old value too
        return tuple(dict.fromkeys(cells))
