"""Compares two traces: the first event where they part, and how many list items differ at the end.

What "the same event" means across two programs: two variants of a program differ in a block or
two, and the DSL numbers blocks in the order it makes them, so one extra reporter block (the fixed
day3's `+ 1`) shifts the id of every block made after it. Raw block ids would then call every
later event a divergence. Events are therefore aligned by order and compared by what they did:
the block is known by (target, source line, opcode, how many blocks of that line and opcode came
before it), which survives a shift, together with the thread's script (known the same way), the
variable or list, the kind of write, the item and the value. Steps are not compared: an extra
block changes the clock without changing what the program computes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from emulator.slices import Slice
from emulator.trace import codec
from emulator.trace.events import Event, State
from emulator.trace.replay import Trace
from emulator.values import Value

WINDOW = 65_536  # events compared at a time


@dataclass(frozen=True)
class Divergence:
    """The first event where two traces part: its index, and each side's event (None past a trace's end)."""

    index: int
    a: Event | None
    b: Event | None
    same_write: bool  # the same block wrote the same variable or item; only the value differs


@dataclass(frozen=True)
class ItemCount:
    """How many items of a list (or of a named slice of one) differ between the two final states."""

    name: str
    differ: int
    size_a: int
    size_b: int


@dataclass(frozen=True)
class DiffReport:
    """Two traces compared."""

    events_a: int
    events_b: int
    divergence: Divergence | None
    variables: tuple[tuple[str, Value, Value], ...]  # variables whose final values differ
    lists: tuple[ItemCount, ...]
    slices: tuple[ItemCount, ...]


def diff(a: Trace, b: Trace) -> DiffReport:
    """The first divergence and the end-of-run differences of two traces."""
    end_a, end_b = a.state_at(a.event_count), b.state_at(b.event_count)
    slices = a.header.slices or b.header.slices
    return DiffReport(
        a.event_count,
        b.event_count,
        first_divergence(a, b),
        _variables(end_a, end_b),
        _list_counts(end_a, end_b),
        _slice_counts(end_a, end_b, slices),
    )


# ## The first divergence


def _block_keys(trace: Trace) -> list[tuple[object, ...]]:
    """Each block's id-free name: (target, source, opcode, occurrence); an .sb3's blocks have no source,
    so there it is (target, opcode, occurrence): one extra block shifts only its own opcode's count."""
    seen: dict[tuple[object, ...], int] = {}
    keys: list[tuple[object, ...]] = []
    for block in trace.tables.blocks:
        base = (block.target, block.source, block.opcode)
        seen[base] = seen.get(base, -1) + 1
        keys.append((*base, seen[base]))
    return keys


def _site_keys(trace: Trace) -> list[tuple[object, ...]]:
    blocks = _block_keys(trace)
    by_id = {(b.target, b.id): k for b, k in zip(trace.tables.blocks, blocks, strict=True)}
    keys: list[tuple[object, ...]] = []
    for site in trace.tables.sites:
        thread, cell = trace.tables.threads[site.thread], trace.tables.cells[site.cell]
        script = by_id.get((thread.target, thread.script), (thread.target, thread.script))
        keys.append((script, blocks[site.block], cell.owner, cell.name, cell.is_list, site.kind))
    return keys


def _columns(trace: Trace, start: int, stop: int) -> tuple[np.ndarray, ...]:
    """(site, item, value class, float bits) for events start..stop-1, and their values."""
    parts: list[tuple[np.ndarray, ...]] = []
    values: list[Value | None] = []
    n = start
    while n < stop:
        block, i = trace.block(n)
        end = min(block.count, i + stop - n)
        tags = block.tags[i:end]
        # A repeated float may be stored as a reference or afresh: compare floats as floats.
        cls = np.where(tags <= codec.TAG_REF, codec.TAG_FLOAT, tags)
        parts.append(
            (block.site[i:end], block.item[i:end], cls, block.floats[i:end].view(np.uint64))
        )
        values += block.values[i:end]
        n += end - i
    cols = (
        tuple(np.concatenate(c) for c in zip(*parts, strict=True)) if parts else (np.zeros(0),) * 4
    )
    return (*cols, np.array([*values, None], dtype=object)[:-1])


def first_divergence(a: Trace, b: Trace) -> Divergence | None:
    """The first event (by order) whose block, script, cell, kind, item or value differs; None when none does."""
    keys: dict[tuple[object, ...], int] = {}
    map_a = np.array([keys.setdefault(k, len(keys)) for k in _site_keys(a)] or [0], dtype=np.int64)
    map_b = np.array([keys.setdefault(k, len(keys)) for k in _site_keys(b)] or [0], dtype=np.int64)
    common = min(a.event_count, b.event_count)
    for start in range(0, common, WINDOW):
        stop = min(common, start + WINDOW)
        sa, ia, ca, fa, va = _columns(a, start, stop)
        sb, ib, cb, fb, vb = _columns(b, start, stop)
        differ = (
            (map_a[sa] != map_b[sb])
            | (ia != ib)
            | (ca != cb)
            | ((ca == codec.TAG_FLOAT) & (fa != fb))
        )
        strings = np.flatnonzero((ca == codec.TAG_STR) & (cb == codec.TAG_STR))
        differ[strings] |= np.array(
            [x != y for x, y in zip(va[strings], vb[strings], strict=True)], dtype=bool
        )
        hits = np.flatnonzero(differ)
        if hits.size:
            n = start + int(hits[0])
            j = int(hits[0])
            same = bool(map_a[sa[j]] == map_b[sb[j]] and ia[j] == ib[j])
            return Divergence(start + j, a.event(start + j), b.event(start + j), same)
    if a.event_count == b.event_count:
        return None
    n = common
    return Divergence(
        n,
        a.event(n) if n < a.event_count else None,
        b.event(n) if n < b.event_count else None,
        False,
    )


# ## The end of the run


def same_value(x: Value, y: Value) -> bool:
    """Identical Scratch values: same type and value; NaN is NaN, -0 is not 0."""
    if type(x) is not type(y):
        return False
    if type(x) is float:
        return (x == y and math.copysign(1.0, x) == math.copysign(1.0, y)) or (x != x and y != y)  # type: ignore[arg-type]
    return x == y


def _differ(xs: Sequence[Value], ys: Sequence[Value]) -> int:
    return sum(not same_value(x, y) for x, y in zip(xs, ys, strict=False)) + abs(len(xs) - len(ys))


def _variables(a: State, b: State) -> tuple[tuple[str, Value, Value], ...]:
    return tuple(
        (name, a.variables[name], b.variables[name])
        for name in a.variables
        if name in b.variables and not same_value(a.variables[name], b.variables[name])
    )


def _list_counts(a: State, b: State) -> tuple[ItemCount, ...]:
    return tuple(
        ItemCount(
            name, _differ(a.lists[name], b.lists[name]), len(a.lists[name]), len(b.lists[name])
        )
        for name in a.lists
        if name in b.lists
    )


def _slice_counts(a: State, b: State, slices: Sequence[Slice]) -> tuple[ItemCount, ...]:
    out = []
    for s in slices:
        if s.list_name in a.lists and s.list_name in b.lists:
            xs, ys = (
                a.lists[s.list_name][s.start - 1 : s.end],
                b.lists[s.list_name][s.start - 1 : s.end],
            )
            out.append(ItemCount(s.name, _differ(xs, ys), len(xs), len(ys)))
    return tuple(out)
