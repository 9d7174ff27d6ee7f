"""What a trace's chunks must be when it is opened: one header first, tables whose indices hold, events and snapshots in order, one end last."""

from __future__ import annotations

import functools
import itertools

from emulator.trace.events import Bubble, ChunkInfo, Ending, Header, Site, Tables, ThreadInfo
from emulator.trace.format import ChunkReader
from emulator.trace.schema import (
    ShapeError,
    check_bubbles,
    check_sites,
    ending_from_json,
    tables_from_json,
)


def read_tables(reader: ChunkReader, header: Header) -> Tables:
    """The header's tables and every tables chunk's additions; each site's indices in range of what came before."""
    cells, blocks = list(header.cells), list(header.blocks)
    threads: list[ThreadInfo] = []
    sites: list[Site] = []
    bubbles: list[Bubble] = []
    read = functools.partial(tables_from_json, file_version=reader.version)
    for chunk in reader.chunks:
        if chunk.kind != "tables":
            continue
        more_cells, more_blocks, more_threads, more_sites, more_bubbles = reader.parsed(chunk, read)
        bubbles += more_bubbles
        cells += more_cells
        blocks += more_blocks
        threads += more_threads
        try:
            check_sites(more_sites, cells, len(blocks), len(threads))
        except ShapeError as exc:
            raise reader.fail(chunk.offset, f"damaged tables chunk ({exc})") from None
        sites += more_sites
    return Tables(tuple(cells), tuple(blocks), tuple(threads), tuple(sites), tuple(bubbles))


def check_bubbles_in(reader: ChunkReader, tables: Tables, event_count: int) -> None:
    """The bubbles in order, none after more events than the trace holds (named by the first tables chunk)."""
    try:
        check_bubbles(tables.bubbles, event_count)
    except ShapeError as exc:
        at = next((c.offset for c in reader.chunks if c.kind == "tables"), 0)
        raise reader.fail(at, f"damaged tables chunk ({exc})") from None


def read_ending(reader: ChunkReader, event_count: int) -> Ending | None:
    """The end chunk, which must be the last chunk and count the events the trace holds; None when cut short."""
    ends = [c for c in reader.chunks if c.kind == "end"]
    if not ends:
        return None
    last = reader.chunks[-1]
    if ends[0] is not last:
        raise reader.fail(ends[0].offset, "an end chunk before the last chunk")
    ending = reader.parsed(last, ending_from_json)
    if ending.events != event_count:
        raise reader.fail(
            last.offset,
            f"damaged end chunk (it counts {ending.events:,} events; the trace holds {event_count:,})",
        )
    return ending


def check_order(
    reader: ChunkReader, events: list[ChunkInfo], snapshots: list[ChunkInfo], event_count: int
) -> None:
    """One header, first; events chunks in order; snapshots in order from the initial state."""
    for chunk in reader.chunks[1:]:
        if chunk.kind == "header":
            raise reader.fail(chunk.offset, "a second header chunk")
    expected = 0
    for chunk in events:
        if chunk.first != expected:
            raise reader.fail(
                chunk.offset,
                f"events chunk out of order (starts at event {chunk.first:,}, expected {expected:,})",
            )
        expected += chunk.count
    if not snapshots or snapshots[0].first != 0:
        raise reader.fail(
            reader.chunks[0].offset, "not a whole trace (no snapshot of the initial state)"
        )
    for before, chunk in itertools.pairwise(snapshots):
        if not before.first < chunk.first <= event_count:
            raise reader.fail(chunk.offset, f"snapshot out of order (after event {chunk.first:,})")
