"""Where the replay keys go, from the trace alone: 'go to', by sample, and back or forward to a write of something."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

import numpy as np

from emulator.slices import ItemRef, parse_item_ref
from emulator.trace.events import CLEAR
from emulator.trace.replay import Trace

_STEP = re.compile(r"^(?:s|step)\s*(\d+)$")
_EVENT = re.compile(r"^(#?)(\d+)$")


@dataclass(frozen=True)
class Watched(ItemRef):
    """Something to find writes of, and the text the user wrote for it."""

    text: str = ""


def parse_goto(trace: Trace, text: str) -> int:
    """A position from 'N' (after N events), '#N' (just after event #N), 'sN' or 'step N'; ValueError if not."""
    plain = text.strip().lower().replace(",", "").replace("_", "")
    step = _STEP.match(plain)
    if step:
        return trace.event_at_step(int(step.group(1)))
    event = _EVENT.match(plain.replace(" ", ""))
    if event is None:
        raise ValueError(f"go to {text!r}: want N (after N events), #N (event N), or sN / step N")
    n = int(event.group(2)) + (1 if event.group(1) else 0)
    if not 0 <= n <= trace.event_count:
        raise ValueError(f"go to {text!r}: the trace has events 0..{trace.event_count - 1:,}")
    return n


def parse_watched(trace: Trace, text: str) -> Watched:
    """'weights[17]', 'weights[1..3920]', a slice name such as 'W1', or a variable or list name."""
    text = text.strip()
    ref = parse_item_ref(text, trace.header.slices)
    try:
        trace.cell(ref.name)
    except KeyError as exc:
        raise ValueError(str(exc.args[0])) from None
    return Watched(ref.name, ref.items, text)


def previous_write(trace: Trace, position: int, watched: Watched) -> int | None:
    """The position just after the last write of it before the current write (event position - 1)."""
    if position < 2:
        return None
    event = trace.last_write_before(position - 1, watched.name, watched.items)
    return event.index + 1 if event is not None else None


def next_write(trace: Trace, position: int, watched: Watched) -> int | None:
    """The position just after the next write of it not yet applied (items as the write numbered them)."""
    sites = trace.sites_of(trace.cell(watched.name))
    clears = [s for s in sites.tolist() if trace.tables.sites[s].kind == CLEAR]
    bounds = watched.bounds
    for i, chunk in enumerate(trace.event_chunks):
        if chunk.first + chunk.count <= position:
            continue
        block = trace.events_block(i)
        lo = max(0, position - chunk.first)
        site = block.site[lo:]
        hit = np.isin(site, sites)
        if bounds is not None:
            item = block.item[lo:]
            hit &= ((item >= bounds[0]) & (item <= bounds[1])) | np.isin(site, clears)
        found = np.flatnonzero(hit)
        if found.size:
            return chunk.first + lo + int(found[0]) + 1
    return None


# ## Samples


def sample_stops(trace: Trace, sample_variable: str | None) -> tuple[str, list[int]]:
    """Where by-sample stepping stops: just after each write to the sample variable, else at each snapshot."""
    if sample_variable:
        try:
            writes = [e.index + 1 for e in trace.writes_to(sample_variable)]
        except KeyError:
            writes = []
        if writes:
            return sample_variable, writes
    return "snapshot", sorted(set(trace.snapshot_positions) | {0, trace.event_count})


def previous_stop(stops: list[int], position: int) -> int | None:
    """The last stop before a position."""
    i = bisect.bisect_left(stops, position)
    return stops[i - 1] if i > 0 else None


def next_stop(stops: list[int], position: int) -> int | None:
    """The first stop after a position."""
    i = bisect.bisect_right(stops, position)
    return stops[i] if i < len(stops) else None


# ## Blocks


def first_write_by(trace: Trace, block_ids: list[str]) -> int | None:
    """The position just after the first write made by the first of these blocks that wrote at all."""
    tables = trace.tables
    for block_id in block_ids:
        blocks = {i for i, b in enumerate(tables.blocks) if b.id == block_id}
        sites = [i for i, s in enumerate(tables.sites) if s.block in blocks]
        if not sites:
            continue
        for i, chunk in enumerate(trace.event_chunks):
            found = np.flatnonzero(np.isin(trace.events_block(i).site, sites))
            if found.size:
                return chunk.first + int(found[0]) + 1
    return None
