"""Where a slice's updates got their values: the list items each write read, directly or through variables.

A write to a slice's item takes the reads its own inputs made and, through the variables it reads,
the reads that set those variables. Each read is kept with whether its item had been written since
the mark when it was read, and reads past the end of a list are kept with their indices, so explain
can say "W1's update read deltas[43..62], past the end of `deltas`".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from emulator.debug.trail_worker import MOVE_AFTER, SecondProcess
from emulator.opcodes import Opcode, list_access
from emulator.project import Block, Target
from emulator.runtime.hooks import ReadLog
from emulator.runtime.origins import variables_read
from emulator.second_process import has_second_core
from emulator.slices import Slice
from emulator.values import Value, to_number

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence


# What counting one block's reads of one list into one slice's writes needs: the list, whether
# the writes write that list too, its writes, and its ReadGroup once a read counted.
_Site = list[Any]

KEPT_READS = 4096  # a long sum keeps exactly its first terms' reads: enough to name them

Read = tuple[str, str, int, Value, int]
"""(reading block, list name, item or 0 past the end, the index, the trail's write count as it was read)."""

_Plan = tuple[str, list[int], list[int], tuple[str, ...]]


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


class _Writes:
    """One list's writes as the trail dates them: the stamp of each item's first write (0: none
    yet) since the start or the list's last clear, and each clear's stamp with the stamps before it."""

    __slots__ = ("cleared", "clears", "firsts", "name")

    def __init__(self, name: str) -> None:
        self.name = name
        self.firsts: list[int] = []
        self.cleared = 0  # the last clear's stamp
        self.clears: list[tuple[int, list[int]]] = []

    def first_write(self, item: int, stamp: int) -> int:
        """The stamp of the item's first write that a read stamped `stamp` could have seen."""
        firsts = self.firsts
        if stamp < self.cleared:  # read before a clear: the stamps before that clear decide
            firsts = next(before for cleared, before in self.clears if stamp < cleared)
        return firsts[item - 1] if item <= len(firsts) else 0


class ReadTrail:
    """Attributes the watched reads to the slice items that the following writes wrote.

    Reads, followed variables' writes and list writes arrive in `log` (compiled code appends
    them there itself), each read stamped with the number of list writes so far, and are taken
    in by `settle` (whoever also takes the log's list writes in calls it: Findings). Whether a
    read's item had been written when it was read is decided only for the reads a slice's write
    takes, from the write that first wrote the item. The counting (ReadCounts) moves to a second
    process once the run has handed it `move_after` batches, where there is a second core for it.
    """

    def __init__(
        self,
        slices: list[Slice],
        blocks: dict[str, dict[str, Block]],
        watched: Watched,
        move_after: int | None = MOVE_AFTER,
    ) -> None:
        self._slices = slices
        self.followed = watched.variables  # the variables whose writes carry reads on
        every = {b: block for t in blocks.values() for b, block in t.items()}
        self.log = ReadLog()  # the reads, followed writes and list writes not yet settled
        self._counts: ReadCounts | SecondProcess = ReadCounts(slices, every, self.followed)
        self._batches = 0
        self._move_after = move_after if move_after is not None and has_second_core() else None

    def written_before(self, written: dict[str, bytearray]) -> None:
        """The items written since the mark before the trail was attached: written from its start."""
        self.log.stamp += 1
        self._counts.written_before(written, self.log.stamp)

    def settle(self) -> None:
        """Hand the logged events and the reads before the last of them to the counting (see
        ReadCounts.take); the reads after the last event stay in the log."""
        log = self.log
        if not log.events:
            return
        start = log.events[-1][0]
        counts = self._counts
        if isinstance(counts, ReadCounts):
            counts.take(log.events, log.entries)
        else:  # sent as they are now: the log goes on filling
            counts.take(log.events, log.entries[:start])
        log.events.clear()
        del log.entries[:start]
        self._batches += 1
        if self._batches == self._move_after and isinstance(counts, ReadCounts):
            self._counts = SecondProcess.start(counts) or counts

    def clear(self, list_name: str) -> None:
        """Every item of a list was deleted: its items count as unwritten again from here (the
        events before it are settled first)."""
        self.settle()
        self.log.stamp += 1
        self._counts.clear(list_name, self.log.stamp)

    @property
    def groups(self) -> dict[tuple[int, str, str, str], ReadGroup]:
        """Per (slice, writing block, reading block, list read), what the writes read."""
        return self._counts.groups

    @property
    def moved(self) -> bool:
        """Whether the counting runs in a second process."""
        return not isinstance(self._counts, ReadCounts)

    def close(self) -> None:
        """Bring the counting back into this process (ending the second one, if any)."""
        if not isinstance(self._counts, ReadCounts):
            self._counts = self._counts.finish()

    def of_slice(self, s: Slice) -> list[ReadGroup]:
        """The read groups of one slice's updates."""
        n = self._slices.index(s)
        return [g for (k, *_), g in self.groups.items() if k == n]


class ReadCounts:
    """The trail's counting: takes the logged events in order and keeps the ReadGroups.

    It holds lists by their names (as the read log does), and the blocks only as what it needs of
    them: nothing of the run's own objects, so it moves to a second process as it is.
    """

    def __init__(self, slices: list[Slice], blocks: dict[str, Block], followed: set[str]) -> None:
        self._slice_at: dict[str, list[int]] = {}
        for n, s in enumerate(slices):
            at = self._slice_at.setdefault(s.list_name, [])
            at.extend([-1] * (s.end - len(at)))
            for i in range(s.start - 1, s.end):
                at[i] = n
        self._changes = {  # the `change by` blocks: what they write keeps its old reads
            b for b, block in blocks.items() if block.opcode == Opcode.DATA_CHANGEVARIABLEBY
        }
        self._followed_by = {  # per list-writing block, the followed variables it reads
            b: _followed_by(blocks, block, followed)
            for b, block in blocks.items()
            if (rule := list_access(block.opcode)) is not None and rule.writes
        }
        self._kept_reads = KEPT_READS  # kept with the counts: it goes where they go
        self._var_reads: dict[str, list[Read]] = {}
        self._plans: dict[str, _Plan] = {}  # per writing block
        self._stamp = 0  # the log's stamp as of the last event taken in
        self._writes: dict[str, _Writes] = {}
        # Per (slice, writing block): per reading block, its group and what the count needs.
        self._sites: dict[tuple[int, str], dict[str, _Site]] = {}
        self.groups: dict[tuple[int, str, str, str], ReadGroup] = {}

    def written_before(self, written: dict[str, bytearray], stamp: int) -> None:
        """The items written before the trail was attached count as written at `stamp`."""
        self._stamp = stamp
        for name, bits in written.items():
            self._writes_of(name).firsts[:] = [stamp if b else 0 for b in bits]

    def take(self, events: Sequence[tuple[Any, ...]], entries: list[Read]) -> None:
        """Take in the events in order: a followed variable's write takes the reads logged since
        the last event (a change keeps what the old value was made of too), a list write dates its
        item and, if the item lies in a slice, counts them and its variables' reads as the slice's
        update's. Each event's position counts entries from the first of `entries`."""
        var_reads, changes, kept_reads = self._var_reads, self._changes, self._kept_reads
        plans, start, stamp = self._plans, 0, self._stamp
        for event in events:
            if len(event) == 3:  # (position, block, variable): a followed variable's write
                # It keeps the first KEPT_READS reads, however the changes of a sum cut them: so
                # one event may stand for a block's changes in a row (emit_stmts.log_var_write).
                at, block_id, name = event
                kept = var_reads.get(name)
                if kept is None or block_id not in changes:
                    var_reads[name] = entries[start : min(at, start + kept_reads)]
                elif len(kept) < kept_reads:  # in place: copying the sum's reads is quadratic
                    kept.extend(entries[start : min(at, start + kept_reads - len(kept))])
            else:  # (position, block, list, item): a list write, taken in here (no call each)
                at, block_id, list_name, item = event
                stamp += 1
                plan = plans.get(block_id)
                if plan is None or plan[0] != list_name:
                    plan = plans[block_id] = self._plan(block_id, list_name)
                _, firsts, slice_at, names = plan
                if len(firsts) < item:
                    firsts.extend([0] * (item - len(firsts)))
                if not firsts[item - 1]:
                    firsts[item - 1] = stamp
                n = slice_at[item - 1] if item <= len(slice_at) else -1
                if n >= 0:  # in a slice: the reads since the last event and its variables'
                    sources = [entries[start:at]]
                    for name in names:  # a loop: a comprehension costs a call of its own
                        kept = var_reads.get(name)
                        if kept:
                            sources.append(kept)
                    self._attribute(n, block_id, list_name, item, sources)
            start = at
        self._stamp = stamp

    def _plan(self, block_id: str, list_name: str) -> _Plan:
        """What taking in a block's writes of a list needs: the list's name, its first-write
        stamps, the slice of each item (-1: none) and the followed variables the block reads."""
        writes = self._writes_of(list_name)
        followed = self._followed_by.get(block_id, ())
        return (list_name, writes.firsts, self._slice_at.get(list_name, []), followed)

    def clear(self, list_name: str, stamp: int) -> None:
        """Every item of a list was deleted at `stamp`: its items count as unwritten from here."""
        self._stamp = stamp
        writes = self._writes.get(list_name)
        if writes is not None and writes.firsts:
            writes.cleared = stamp
            writes.clears.append((stamp, writes.firsts[:]))
            writes.firsts.clear()

    def _attribute(
        self, n: int, block_id: str, list_name: str, item: int, sources: Sequence[list[Read]]
    ) -> None:
        """Count the reads as inputs of slice n's write of `item` by `block_id` (as a ReadGroup
        adds them, inline: this runs for every read behind every slice write)."""
        sites = self._sites.get((n, block_id))
        if sites is None:
            sites = self._sites[n, block_id] = {}
        for reads in sources:
            for read_block, read_list, read_item, index, stamp in reads:
                site = sites.get(read_block)
                if site is None or site[0] != read_list:
                    site = sites[read_block] = self._site(
                        n, block_id, list_name, read_block, read_list
                    )
                _, same_list, writes, group = site
                if same_list and read_item == item:
                    continue  # an update reads the item it replaces: that is no input of it
                if group is None:  # its first read that counts
                    group = site[3] = self._group((n, block_id, read_block, writes.name))
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
                if stamp < writes.cleared:
                    first = writes.first_write(read_item, stamp)
                else:  # first_write's common case, inline
                    firsts = writes.firsts
                    first = firsts[read_item - 1] if read_item <= len(firsts) else 0
                if not first or first > stamp:  # nothing had written the item when it was read
                    group.unwritten.add(read_item)

    def _site(
        self, n: int, block_id: str, list_name: str, read_block: str, read_list: str
    ) -> _Site:
        """What counting a block's reads of a list into slice n's writes by `block_id` needs."""
        group = self.groups.get((n, block_id, read_block, read_list))
        return [read_list, read_list == list_name, self._writes_of(read_list), group]

    def _group(self, key: tuple[int, str, str, str]) -> ReadGroup:
        group = self.groups.get(key)
        if group is None:
            _, block_id, read_block, read_list = key
            group = self.groups[key] = ReadGroup(block_id, read_block, read_list)
        return group

    def _writes_of(self, list_name: str) -> _Writes:
        writes = self._writes.get(list_name)
        if writes is None:
            writes = self._writes[list_name] = _Writes(list_name)
        return writes


def _followed_by(blocks: dict[str, Block], block: Block, followed: set[str]) -> tuple[str, ...]:
    """The followed variables a block reads (only they carry reads), in its inputs' order."""
    return tuple(n for n in variables_read(blocks, block) if n in followed)


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
