"""Reads a trace back: its header, any event, the state after any number of events, and who wrote what.

State after n events = the last snapshot at or before n, then at most one chunk of events applied.
A Cursor steps forward and backward one event at a time; stepping back undoes exactly, because
every applied event keeps what it overwrote.
"""

from __future__ import annotations

import bisect
import functools
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from emulator.trace import layout
from emulator.trace.events import (
    ADD,
    CLEAR,
    DELETE,
    INSERT,
    REPLACE,
    SET,
    CellInfo,
    ChunkInfo,
    Ending,
    Event,
    Header,
    State,
)
from emulator.trace.format import (
    ChunkReader,
    EventBlock,
    Snapshot,
    TraceError,
    read_snapshot,
    read_trace_file,
)
from emulator.trace.schema import header_from_json
from emulator.values import LIST_ITEM_LIMIT, Value

T = TypeVar("T")
CACHE_CHUNKS = 4  # decoded chunks kept: a cursor moving about one boundary never decodes twice

Undo = tuple[int, int, int, Any]  # (kind, cell, item, what the event overwrote)


class Live:
    """Mutable variables and lists by cell index, as replay rebuilds them."""

    __slots__ = ("lists", "variables")

    def __init__(self, variables: dict[int, Value], lists: dict[int, list[Value]]) -> None:
        self.variables = variables
        self.lists = lists


class Trace:
    """An open trace: header, tables, chunk index, and the queries replay and diff are built on."""

    def __init__(self, reader: ChunkReader) -> None:
        self.reader = reader
        chunks = reader.chunks
        if not chunks or chunks[0].kind != "header":
            raise reader.fail(
                len(reader.data) if not chunks else chunks[0].offset,
                "not a whole trace (its header chunk is missing or cut short)",
            )
        self.header: Header = reader.parsed(
            chunks[0], functools.partial(header_from_json, file_version=reader.version)
        )
        self.tables = layout.read_tables(reader, self.header)
        self.event_chunks = [c for c in chunks if c.kind == "events"]
        self.snapshots = [c for c in chunks if c.kind == "snapshot"]
        self.event_count = sum(c.count for c in self.event_chunks)
        self.ending: Ending | None = layout.read_ending(reader, self.event_count)
        layout.check_order(reader, self.event_chunks, self.snapshots, self.event_count)
        layout.check_bubbles_in(reader, self.tables, self.event_count)
        self._firsts = [c.first for c in self.event_chunks]
        self._snap_firsts = [c.first for c in self.snapshots]
        self.snapshot_positions = frozenset(self._snap_firsts)
        self._by_offset = {c.offset: c for c in chunks}
        self._site_kind = np.array([s.kind for s in self.tables.sites], dtype=np.int64)
        self._site_cell = np.array([s.cell for s in self.tables.sites] or [0], dtype=np.int64)
        self._kinds = [s.kind for s in self.tables.sites]
        self._cells = [s.cell for s in self.tables.sites]
        self._labels = _labels(self.tables.cells)
        self._cache: OrderedDict[tuple[str, int], Any] = OrderedDict()
        self.verified = False

    # ## Opening

    @classmethod
    def open(cls, path: str | Path) -> Trace:
        """Open a trace file (raises TraceError, one line, when it cannot be read)."""
        return cls(ChunkReader(read_trace_file(path), str(path)))

    @classmethod
    def from_bytes(cls, data: bytes, name: str = "<trace>") -> Trace:
        """Open a trace held in memory."""
        return cls(ChunkReader(data, name))

    def verify(self) -> None:
        """Read every snapshot and events chunk once: a damaged one raises TraceError now, not when it is reached.

        Opening checks the header, tables and end; the other chunks are checked as they are read,
        which keeps opening a trace of millions of events fast. This reads them all (about 0.1 s
        per million events). The trace is held in memory, so what was read once reads the same again.
        """
        if self.verified:
            return
        for i in range(len(self.event_chunks)):
            self.events_block(i)
        for chunk in self.snapshots:
            self._snapshot(chunk)
        self.verified = True

    @property
    def truncated(self) -> bool:
        """Whether the file ends inside a chunk or without its end chunk (a run killed half way)."""
        return self.reader.truncated_at is not None or self.ending is None

    @property
    def final_step(self) -> int:
        """The step of the last event (or of the end of the run, when the trace is whole)."""
        if self.ending is not None:
            return self.ending.step
        return int(self.block(self.event_count - 1)[0].step[-1]) if self.event_count else 0

    # ## Names

    def label(self, cell: int) -> str:
        """A cell's name, with its owner when another cell of the same kind has the same name."""
        return self._labels[cell]

    def cell(self, name: str, is_list: bool | None = None) -> int:
        """The cell a name means: 'name' or 'owner:name' (the stage's when several targets have it)."""
        cells = self.tables.cells
        matches = [
            i
            for i, c in enumerate(cells)
            if (is_list is None or c.is_list == is_list)
            and (c.name == name or f"{c.owner}:{c.name}" == name)
        ]
        if len(matches) > 1:
            exact = [i for i in matches if self.label(i) == name] or [
                i for i in matches if cells[i].owner == cells[0].owner
            ]
            matches = exact or matches
        if not matches:
            kind = "list" if is_list else "variable" if is_list is False else "variable or list"
            raise KeyError(f"the trace records no {kind} named {name!r}")
        return matches[0]

    def sites_of(self, cell: int) -> np.ndarray:
        """The site numbers that write a cell."""
        return (
            np.flatnonzero(self._site_cell == cell)
            if self.tables.sites
            else np.zeros(0, dtype=np.int64)
        )

    # ## Chunks

    def block(self, n: int) -> tuple[EventBlock, int]:
        """The decoded events chunk holding event n, and n's place in it."""
        if not 0 <= n < self.event_count:
            raise IndexError(f"event {n} is outside the trace (0..{self.event_count - 1})")
        i = bisect.bisect_right(self._firsts, n) - 1
        return self.events_block(i), n - self._firsts[i]

    def events_block(self, i: int) -> EventBlock:
        """Events chunk number i, decoded (cached)."""
        chunk = self.event_chunks[i]
        return self._cached(
            ("events", chunk.offset), lambda: EventBlock(self.reader, chunk, self._site_kind)
        )

    def _cached(self, key: tuple[str, int], make: Callable[[], T]) -> T:
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]  # type: ignore[no-any-return]
        value = make()
        self._cache[key] = value
        if len(self._cache) > CACHE_CHUNKS:
            self._cache.popitem(last=False)
        return value

    def _snapshot(self, chunk: ChunkInfo) -> Live:
        """The state a snapshot holds, as fresh mutable lists."""
        variables, lists, refs = self._snapshot_data(chunk)
        full = {cell: list(items) for cell, items in lists.items()}
        held: dict[int, dict[int, list[Value]]] = {}  # each snapshot referred to is read once
        for cell, offset in refs.items():
            if offset not in held:
                held[offset] = self._stored_before(chunk, offset)
            if cell not in held[offset]:
                raise self.reader.fail(
                    chunk.offset, "damaged snapshot chunk (refers to a snapshot that lacks a list)"
                )
            full[cell] = list(held[offset][cell])
        return Live(dict(variables), full)

    def _stored_before(self, chunk: ChunkInfo, offset: int) -> dict[int, list[Value]]:
        """The lists stored by the snapshot at offset, when it is one and comes before chunk; else none."""
        # A snapshot refers back: a reference to itself, a later chunk or another kind is crafted.
        source = self._by_offset.get(offset)
        if source is None or source.kind != "snapshot" or offset >= chunk.offset:
            return {}
        return self._snapshot_data(source)[1]

    def _snapshot_data(self, chunk: ChunkInfo) -> Snapshot:
        return self._cached(
            ("snapshot", chunk.offset),
            lambda: read_snapshot(self.reader, chunk, self.tables.cells),
        )

    # ## Events

    def event(self, n: int) -> Event:
        """Event number n (0-based)."""
        block, i = self.block(n)
        return self._event(block, i)

    def _event(self, block: EventBlock, i: int) -> Event:
        t = self.tables
        site = t.sites[int(block.site[i])]
        return Event(
            block.first + i,
            int(block.step[i]),
            site.kind,
            t.threads[site.thread],
            t.blocks[site.block],
            t.cells[site.cell],
            int(block.item[i]),
            block.values[i],
        )

    def events(self, start: int = 0, stop: int | None = None) -> Iterator[Event]:
        """Events start..stop-1 in order."""
        stop = self.event_count if stop is None else min(stop, self.event_count)
        n = max(0, start)
        while n < stop:
            block, i = self.block(n)
            end = min(block.count, i + stop - n)
            for j in range(i, end):
                yield self._event(block, j)
            n += end - i

    def event_at_step(self, step: int) -> int:
        """How many events happened at or before this step (so state_at of it is the state at that step)."""
        i = bisect.bisect_right([c.step for c in self.event_chunks], step) - 1
        if i < 0:
            return 0
        block = self.events_block(i)
        return block.first + int(np.searchsorted(block.step, step, side="right"))

    # ## State

    def live_at(self, n: int, undo: list[Undo] | None = None) -> tuple[Live, int]:
        """The mutable state after n events, and where it started (the snapshot used); undo gets each applied event's undo."""
        n = max(0, min(n, self.event_count))
        snap = self.snapshots[bisect.bisect_right(self._snap_firsts, n) - 1]
        live = self._snapshot(snap)
        self.apply(live, snap.first, n, undo)
        return live, snap.first

    def apply(self, live: Live, start: int, stop: int, undo: list[Undo] | None = None) -> None:
        """Apply events start..stop-1 to a state."""
        n = start
        while n < stop:
            block, i = self.block(n)
            end = min(block.count, i + stop - n)
            try:
                _apply(live, block, i, end, self._kinds, self._cells, undo)
            except (IndexError, KeyError) as exc:
                raise TraceError(
                    f"{self.reader.name}: event {n:,}..{n + end - i:,} does not fit the state it "
                    f"applies to ({exc}): the trace is damaged"
                ) from None
            n += end - i

    def state_at(self, n: int) -> State:
        """Every recorded variable and list after n events (0 = before the first; event_count = the end)."""
        live, _ = self.live_at(n)
        return self.freeze(live, n)

    def freeze(self, live: Live, n: int) -> State:
        """A frozen copy of a live state, with names for keys."""
        step = self.event(n - 1).step if n > 0 else self.snapshots[0].step
        return State(
            n,
            step,
            {self.label(c): v for c, v in live.variables.items()},
            {self.label(c): tuple(items) for c, items in live.lists.items()},
        )

    def cursor(self, n: int = 0) -> Cursor:
        """A cursor at event n, for stepping."""
        cursor = Cursor(self)
        cursor.seek(n)
        return cursor

    # ## Who wrote what

    def writes_to(self, name: str, item: int | None = None) -> Iterator[Event]:
        """Every write to a variable, or to a list (to one item number, as the write named it, when given)."""
        sites = self.sites_of(self.cell(name))
        for i in range(len(self.event_chunks)):
            block = self.events_block(i)
            mask = np.isin(block.site, sites)
            if item is not None:
                mask &= block.item == item
            for j in np.flatnonzero(mask).tolist():
                yield self._event(block, j)

    def last_write_before(
        self, n: int, name: str, items: int | tuple[int, int] | None = None
    ) -> Event | None:
        """The last event before event n that wrote the variable, or the value now at a list item (or any in start..end).

        Inserts and deletes move items: an item now at 17 may have been written at 16 before a later
        insert, so the items followed are moved back through each insert and delete on the way.
        """
        cell = self.cell(name)
        sites = self.sites_of(cell)
        wanted: list[tuple[int, int]] | None = None
        if items is not None:
            wanted = [(items, items)] if isinstance(items, int) else [(items[0], items[1])]
        n = min(n, self.event_count)
        for i in range(bisect.bisect_right(self._firsts, n - 1) - 1, -1, -1):
            block = self.events_block(i)
            hi = min(block.count, n - block.first)
            hits = np.flatnonzero(np.isin(block.site[:hi], sites))
            if hits.size == 0:
                continue
            if wanted is None:
                return self._event(block, int(hits[-1]))
            found, wanted = self._last_hit(block, hits, wanted)
            if found is not None:
                return self._event(block, found)
        return None

    def _last_hit(
        self, block: EventBlock, hits: np.ndarray, wanted: list[tuple[int, int]]
    ) -> tuple[int | None, list[tuple[int, int]]]:
        kinds = self._site_kind[block.site[hits]]
        if not np.isin(kinds, [INSERT, DELETE, CLEAR]).any():
            item = block.item[hits]
            inside = np.zeros(hits.size, dtype=bool)
            for a, b in wanted:
                inside |= (item >= a) & (item <= b)
            found = np.flatnonzero(inside)
            return (int(hits[found[-1]]) if found.size else None), wanted
        for j, kind in zip(hits[::-1].tolist(), kinds[::-1].tolist(), strict=True):
            k = int(block.item[j])
            if kind == CLEAR or (kind != DELETE and any(a <= k <= b for a, b in wanted)):
                return j, wanted
            if kind in (INSERT, DELETE):
                wanted = _moved_back(wanted, k, kind)
        return None, wanted


def _labels(cells: Sequence[CellInfo]) -> list[str]:
    """Each cell's name, with its owner when another cell of the same kind has the same name."""
    names = Counter((c.name, c.is_list) for c in cells)
    return [c.name if names[(c.name, c.is_list)] == 1 else f"{c.owner}:{c.name}" for c in cells]


def _moved_back(wanted: list[tuple[int, int]], k: int, kind: int) -> list[tuple[int, int]]:
    """Item ranges after an insert or delete at k, as they were before it."""
    out = []
    for a, b in wanted:
        if b < k:
            out.append((a, b))
        elif kind == INSERT:  # items after k moved up by one; k itself was checked by the caller
            out.append((a - 1 if a > k else a, b - 1))
        elif a >= k:  # after a delete at k, item p >= k was item p + 1
            out.append((a + 1, b + 1))
        else:
            out += [(a, k - 1), (k + 1, b + 1)]
    return out


def _apply(
    live: Live,
    block: EventBlock,
    lo: int,
    hi: int,
    kinds: list[int],
    cells: list[int],
    undo: list[Undo] | None,
) -> None:
    """Apply a run of one chunk's events, keeping what each overwrote when undo is a list."""
    variables, lists = live.variables, live.lists
    for s, k, v in zip(
        block.site[lo:hi].tolist(), block.item[lo:hi].tolist(), block.values[lo:hi], strict=True
    ):
        kind, cell = kinds[s], cells[s]
        old: object = None
        if kind == SET:
            old = variables.get(cell)
            variables[cell] = v
        elif kind == REPLACE:
            items = lists[cell]
            old = items[k - 1]
            items[k - 1] = v
        elif kind == ADD:
            lists[cell].append(v)
        elif kind == INSERT:
            items = lists[cell]
            if k > len(items) + 1:
                raise IndexError(f"insert at {k} into {len(items)} items")
            items.insert(k - 1, v)
            if len(items) > LIST_ITEM_LIMIT:
                old = (items.pop(),)  # Scratch drops the last item to stay within the limit
        elif kind == DELETE:
            old = lists[cell].pop(k - 1)
        elif kind == CLEAR:
            old = lists[cell][:]
            lists[cell].clear()
        if undo is not None:
            undo.append((kind, cell, k, old))


def _undo(live: Live, entry: Undo) -> None:
    kind, cell, k, old = entry
    if kind == SET:
        live.variables[cell] = old
    elif kind == REPLACE:
        live.lists[cell][k - 1] = old
    elif kind == ADD:
        live.lists[cell].pop()
    elif kind == INSERT:
        del live.lists[cell][k - 1]
        if old is not None:
            live.lists[cell].append(old[0])
    elif kind == DELETE:
        live.lists[cell].insert(k - 1, old)
    elif kind == CLEAR:
        live.lists[cell][:] = old


class Cursor:
    """A position in a trace with the state there: seek, forward and back, one event at a time."""

    def __init__(self, trace: Trace) -> None:
        self.trace = trace
        self.position = 0
        self.live = Live({}, {})
        self._base = 0
        self._undo: list[Undo] = []

    def seek(self, n: int) -> None:
        """Go to the state after n events."""
        n = max(0, min(n, self.trace.event_count))
        self._undo = []
        self.live, self._base = self.trace.live_at(n, self._undo)
        self.position = n

    def forward(self) -> Event | None:
        """Apply the next event and return it (None at the end)."""
        if self.position >= self.trace.event_count:
            return None
        n = self.position
        self.trace.apply(self.live, n, n + 1, self._undo)
        self.position = n + 1
        if self.position in self.trace.snapshot_positions:
            self._base, self._undo = self.position, []  # past a snapshot: undo starts again there
        return self.trace.event(n)

    def back(self) -> Event | None:
        """Undo the last applied event and return it (None at the start)."""
        if self.position == 0:
            return None
        n = self.position - 1
        if self._undo and self.position > self._base:
            _undo(self.live, self._undo.pop())
            self.position = n
        else:
            self.seek(n)
        return self.trace.event(n)

    def state(self) -> State:
        """A frozen copy of the state here."""
        return self.trace.freeze(self.live, self.position)

    def value(self, name: str) -> Value:
        """A variable's value here."""
        return self.live.variables[self.trace.cell(name, is_list=False)]

    def items(self, name: str) -> list[Value]:
        """A list's items here (the live list: read, do not change)."""
        return self.live.lists[self.trace.cell(name, is_list=True)]
