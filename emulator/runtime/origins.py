"""Where a variable's value came from: the block that wrote it, and the origins of what that block read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

from emulator.opcodes import Opcode, list_access
from emulator.project import VARIABLE, Block, Primitive, Target

if TYPE_CHECKING:
    from emulator.runtime.state import RuntimeTarget, VarCell

MAX_DEPTH = 24  # a chain of writes through different blocks keeps its recent part

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


def index_variables(targets: Iterable[Target]) -> frozenset[str]:
    """Names of the variables whose values can reach a list's index: those an index reads and,
    back through each `set` or `change` of one, the variables that block reads.

    Only their origins are ever asked for (an index's provenance), so only they keep one: a
    running sum, written on every pass of a loop, costs the hooks nothing."""
    blocks = [(dict(t.blocks), b) for t in targets for b in t.blocks.values()]
    names = {
        n
        for source, b in blocks
        if list_access(b.opcode) is not None
        for n in variables_read(source, b, ("INDEX",))
    }
    setters = [
        (source, b, str(b.fields["VARIABLE"].value))
        for source, b in blocks
        if b.opcode in (Opcode.DATA_SETVARIABLETO, Opcode.DATA_CHANGEVARIABLEBY)
        and "VARIABLE" in b.fields
    ]
    grown = True
    while grown:
        before = len(names)
        for source, b, name in setters:
            if name in names:
                names.update(variables_read(source, b))
        grown = len(names) > before
    return frozenset(names)


def cells_named(target: RuntimeTarget, names: list[str]) -> list[VarCell]:
    """The variables these names find from `target` (its own, then the stage's); a name that
    finds none is left out."""
    return [c for n in names if (c := target.find_variable(None, n)) is not None]


def joined(block_id: str, name: str, parents: tuple[WriteOrigin | None, ...]) -> WriteOrigin:
    """The origin of a write by `block_id` of the variable `name` from values of these origins
    (None: a variable nothing wrote). A chain longer than MAX_DEPTH starts again.

    A running sum (`change z by ...`, its own origin first) whose last write was this block's,
    from the same other origins, keeps that origin: another link would only repeat it."""
    last = parents[0] if parents else None
    if (
        last is not None
        and last[0] == block_id
        and len(last[2]) == len(parents)
        and last[2][1:] == parents[1:]
    ):
        return last
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
    """Keeps on each written cell of a variable that can reach a list's index (index_variables)
    the origin of its value (VarCell.origin), while the hooks attached want them
    (RunHooks.wants_origins).

    Compiled code keeps them itself, the same way, from the cells cells_read names.
    """

    def __init__(self, targets: Iterable[Target]) -> None:
        self._targets = targets
        self._kept: frozenset[str] | None = None  # index_variables, found on first use
        # Per target, per block id: the cells the block's inputs read, its own first for `change by`.
        self._reads: dict[RuntimeTarget, dict[str, tuple[VarCell, ...]]] = {}

    def keeps(self, name: str) -> bool:
        """Whether writes of the variable `name` keep their origin."""
        if self._kept is None:
            self._kept = index_variables(self._targets)
        return name in self._kept

    def wrote(self, target: RuntimeTarget, block_id: str, cell: VarCell) -> None:
        """`block_id`, run by `target`, wrote `cell`: its origin is the block and its reads' origins."""
        if not self.keeps(cell.name):
            return
        by_block = self._reads.get(target)
        if by_block is None:
            by_block = self._reads[target] = {}
        reads = by_block.get(block_id)
        if reads is None:
            reads = by_block[block_id] = self.cells_read(target, block_id, cell)
        if len(reads) == 1:  # a counter, or a copy: as compiled code does it, without a call
            parent = reads[0].origin
            if reads[0] is cell and parent is not None and parent[0] == block_id:
                return  # a counter this block wrote last: another link would only repeat it
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
