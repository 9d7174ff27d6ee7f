"""Where a slice's updates got their values: the list items each write read, directly or through variables.

A write to a slice's item takes the reads its own inputs made and, through the variables it reads,
the reads that set those variables. Each read is kept with whether its item had been written since
the mark when it was read, and reads past the end of a list are kept with their indices, so explain
can say "W1's update read deltas[43..62], past the end of `deltas`".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from emulator.opcodes import Opcode, list_access
from emulator.project import Block, Target
from emulator.runtime.origins import variables_read
from emulator.slices import Slice
from emulator.values import Value, to_number

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

Read = tuple[str, str, int, Value, bool]
"""(reading block, list, item or 0 past the end, the index, whether the item was written since the mark)."""


@dataclass
class ReadGroup:
    """What one block read from one list for the writes of one slice by one block."""

    write_block: str
    read_block: str
    list_name: str
    count: int = 0
    first: float = float("inf")
    last: float = float("-inf")
    unwritten: set[int] = field(default_factory=set)  # items read before anything wrote them
    past_end: list[float] = field(default_factory=lambda: [float("inf"), float("-inf"), 0])


class ReadTrail:
    """Attributes the watched reads to the slice items that the following writes wrote."""

    def __init__(
        self, slices: list[Slice], blocks: dict[str, dict[str, Block]], watched: Watched
    ) -> None:
        self._slices = slices
        self.watched = watched.reads  # the blocks whose reads are followed
        self.followed = watched.variables  # the variables whose writes carry reads on
        self._slice_at: dict[str, list[int]] = {}
        for n, s in enumerate(slices):
            at = self._slice_at.setdefault(s.list_name, [])
            at.extend([-1] * (s.end - len(at)))
            for i in range(s.start - 1, s.end):
                at[i] = n
        self._blocks = {b: block for t in blocks.values() for b, block in t.items()}
        self._changes = {  # the `change by` blocks: what they write keeps its old reads
            b for b, block in self._blocks.items() if block.opcode == Opcode.DATA_CHANGEVARIABLEBY
        }
        self._var_reads: dict[str, list[Read]] = {}
        self._block_vars: dict[str, tuple[str, ...]] = {}
        self.pending: list[Read] = []  # the watched reads since the last write or followed set
        self.groups: dict[tuple[int, str, str, str], ReadGroup] = {}

    def set_variable(self, block_id: str, name: str) -> None:
        """A followed variable was set (or changed: then it keeps what its old value was made of)."""
        reads = self.pending
        self.pending = []
        kept = self._var_reads.get(name)
        if kept is None or block_id not in self._changes:
            self._var_reads[name] = reads  # the pending list, which nothing else holds
        elif len(kept) < 4096:  # a long sum keeps its first terms: enough to name them
            kept.extend(reads)  # in place: copying the sum's reads on every change is quadratic

    def write(self, block_id: str, list_name: str, item: int) -> None:
        """A block wrote an item: if it lies in a slice, its reads are the slice's update's."""
        reads, self.pending = self.pending, []
        at = self._slice_at.get(list_name)
        n = at[item - 1] if at is not None and 0 < item <= len(at) else -1
        if n < 0:
            return
        names = self._followed_by(block_id)
        # The followed variables' reads are read where they are, not copied into one list per write.
        kept = [k for name in names if (k := self._var_reads.get(name))] if names else None
        self._attribute(n, block_id, list_name, item, [reads, *kept] if kept else (reads,))

    def _attribute(
        self, n: int, block_id: str, list_name: str, item: int, sources: Sequence[list[Read]]
    ) -> None:
        """Count the reads as inputs of slice n's write of `item` by `block_id` (as a ReadGroup
        adds them, inline: this runs for every read behind every slice write)."""
        groups = self.groups
        group = None
        last_block = last_list = None
        for reads in sources:
            for read_block, read_list, read_item, index, written in reads:
                if read_item == item and read_list == list_name:
                    continue  # an update reads the item it replaces: that is no input of it
                if read_block != last_block or read_list != last_list:
                    last_block, last_list = read_block, read_list
                    key = (n, block_id, read_block, read_list)
                    group = groups.get(key)
                    if group is None:
                        group = groups[key] = ReadGroup(block_id, read_block, read_list)
                assert group is not None
                group.count += 1
                if read_item == 0:  # past the end: the index is kept, as a number
                    i = index if type(index) is float else to_number(index)
                    end = group.past_end
                    if i < end[0]:
                        end[0] = i
                    if i > end[1]:
                        end[1] = i
                    end[2] += 1
                    continue
                if read_item < group.first:
                    group.first = read_item
                if read_item > group.last:
                    group.last = read_item
                if not written:
                    group.unwritten.add(read_item)

    def _followed_by(self, block_id: str) -> tuple[str, ...]:
        """The followed variables a block reads (only they carry reads), in its inputs' order."""
        found = self._block_vars.get(block_id)
        if found is None:
            block = self._blocks.get(block_id)
            names = variables_read(self._blocks, block) if block is not None else []
            found = self._block_vars[block_id] = tuple(n for n in names if n in self.followed)
        return found

    def of_slice(self, s: Slice) -> list[ReadGroup]:
        """The read groups of one slice's updates."""
        n = self._slices.index(s)
        return [g for (k, *_), g in self.groups.items() if k == n]


@dataclass(frozen=True)
class Watched:
    """The `item of` blocks whose reads can flow into a write of the slices' lists, and the variables between."""

    reads: set[str]
    variables: set[str]


def watched_reads(targets: Iterable[Target], lists: set[str]) -> Watched:
    """Reads inside a write of one of the lists, and inside a `set`/`change` of a variable that
    such a write reads (one step back: enough to reach a loop's running sum).

    The variables followed are those such a write reads that some `set` or `change` with a read
    inside writes: a loop's counter carries no reads, so its every change costs nothing."""
    targets = list(targets)
    names: set[str] = set()
    for target in targets:
        blocks = dict(target.blocks)
        names.update(
            n for b in blocks.values() if _writes(b, lists) for n in variables_read(blocks, b)
        )
    watched = Watched(set(), set())
    for target in targets:
        blocks = dict(target.blocks)
        for b in blocks.values():
            sets = _sets(b, names)
            if not sets and not _writes(b, lists):
                continue
            reads = _reads_under(blocks, b)
            watched.reads.update(reads)
            if reads and sets:
                watched.variables.add(str(b.fields["VARIABLE"].value))
    return watched


def _writes(block: Block, lists: set[str]) -> bool:
    rule = list_access(block.opcode)
    f = block.fields.get("LIST")
    return rule is not None and rule.writes and f is not None and str(f.value) in lists


def _sets(block: Block, names: set[str]) -> bool:
    if block.opcode not in (Opcode.DATA_SETVARIABLETO, Opcode.DATA_CHANGEVARIABLEBY):
        return False
    f = block.fields.get("VARIABLE")
    return f is not None and str(f.value) in names


def _reads_under(blocks: dict[str, Block], block: Block) -> set[str]:
    found: set[str] = set()
    todo = [inp.slot for name, inp in block.inputs.items() if not name.startswith("SUBSTACK")]
    while todo:
        slot = todo.pop()
        inner = blocks.get(slot) if isinstance(slot, str) else None
        if inner is None:
            continue
        if inner.opcode == Opcode.DATA_ITEMOFLIST:
            found.add(inner.id)
        todo.extend(inp.slot for inp in inner.inputs.values())
    return found
