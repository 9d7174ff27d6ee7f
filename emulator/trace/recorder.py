"""Records a run through its hooks: every variable and list write, and a snapshot of the state every K events.

The recorder decides what to record and when to cut a chunk; cuts.py builds the chunk's columns
(in a second process, writer_process.py, from a recording's first chunk); format.py decides the bytes.
`Tee` lets it run beside another observer (the debugger's Findings).
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from collections.abc import Callable, Container, Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from operator import is_not
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, NamedTuple

import numpy as np

from emulator.inputs import Post
from emulator.project import Project
from emulator.runtime.hooks import (
    PATTERN_BASE,
    BubbleKind,
    ListWrite,
    MissKind,
    RunHooks,
    WriteLog,
)
from emulator.runtime.runtime import Runtime
from emulator.runtime.sequencer import StepLimitReached
from emulator.second_process import has_second_core
from emulator.slices import Slice
from emulator.trace.cuts import Cut, Writes, packed, write_cut
from emulator.trace.events import (
    ADD,
    CLEAR,
    DELETE,
    FORMAT_VERSION,
    INDEXED_KINDS,
    INSERT,
    REPLACE,
    SET,
    BlockInfo,
    Bubble,
    CellInfo,
    Ending,
    Header,
    Site,
    ThreadInfo,
)
from emulator.trace.format import TraceWriter
from emulator.trace.log_runs import LogPart, LogRuns
from emulator.trace.runs import Runs, int64s
from emulator.trace.writer_process import WriterInSecondProcess
from emulator.values import Value, bubble_text

if TYPE_CHECKING:
    from emulator.runtime.state import ListCell, VarCell
    from emulator.runtime.thread import Thread

# Measured (tests/bench/bench_trace.py): rebuilding any state = one snapshot + at most this many
# events, about 25 ms at 50,000; the snapshots it costs are small beside the events.
DEFAULT_CHUNK_EVENTS = 50_000
# Events recorded before the encoding moves to a second process (see writer_process): the chunk
# that brings the recording to this many is the first the second process writes (a recording of
# the default chunks: its first). The process starts with the recording, for it takes some 0.3 s
# to be ready (the run's compiling and start hide most of it), and a shorter recording ends it
# unused; the chunks cut before it is ready wait in the pipe and, beyond, in this process
# (WriterInSecondProcess._send).
MOVE_AFTER = DEFAULT_CHUNK_EVENTS
# The log is taken in parts of about this many writes (Recorder._limit_part): each part's codes,
# clocks and values are taken, and pickled for a second process, while the processor's cache
# still holds them. Measured on day3 (tests/bench/bench_compiled_hooks.py): taking 50,000 at
# once costs the recording some 0.03x more than parts of 5,000 to 20,000.
PART_EVENTS = 10_000
# Compiled code looks at its log only once its clock nears the first that could fill it
# (hooked.room), and ever more often as it fills: a part may end this many writes short of
# PART_EVENTS where the code looks (WriteLog.slack), which spares the looks close to the end
# (measured on day3 at 60 samples: 12,560 slow paths of the code to 4,769).
PART_SLACK = 1_000
# Where it looks, the code may let a part grow to this many times PART_EVENTS (never past the
# chunk's end) before it must look: its first looks come later, and fewer of them (hooked.room
# assumes a write each block, where day3 writes about one in ten). Measured on day3 (callgrind,
# a recording's training sample, 12 less 4 samples): 61.38 M instructions to 61.03 M.
PART_REACH = 2
# The sets of codes whose sites written at are kept (Recorder._written_at): more are let go.
WRITTEN_KEPT = 1_024
LIST_OPS = {
    ListWrite.ADD: ADD,
    ListWrite.INSERT: INSERT,
    ListWrite.REPLACE: REPLACE,
    ListWrite.DELETE: DELETE,
}
# Bound once: a member looked up on its class costs a call, and these are read per event.
_REPLACE = ListWrite.REPLACE
_UNSEEN = -2  # a thread's write at a place in the code not looked up yet (-1: not recorded)
_OWN = -3  # a write these hooks logged themselves holds _OWN - its site: below any place's number
ROOT = Path(__file__).resolve().parents[2]

Cell = Any  # a VarCell or a ListCell


class _Part(NamedTuple):
    """Writes taken from the log at once (Recorder._take)."""

    writes: int
    events: int  # those at a recorded cell (site 0 or more)
    written: np.ndarray  # the sites written at, each once
    logged: Writes


class Tee(RunHooks):
    """Passes every report to several observers, in order."""

    def __init__(self, *observers: RunHooks) -> None:
        self.observers = observers
        self.wants_origins = any(o.wants_origins for o in observers)
        self.hears_read_misses = any(o.hears_read_misses for o in observers)

    def on_var_set(self, thread: Thread, block_id: str, cell: VarCell, value: Value) -> None:
        for o in self.observers:
            if cell.name in o.reported_writes:  # each hears what it would hear alone
                o.on_var_set(thread, block_id, cell, value)

    def on_list_write(
        self,
        thread: Thread,
        block_id: str,
        cell: ListCell,
        op: ListWrite,
        index: int,
        old: Value,
        new: Value,
    ) -> None:
        for o in self.observers:
            o.on_list_write(thread, block_id, cell, op, index, old, new)

    def on_list_clear(
        self, thread: Thread, block_id: str, cell: ListCell, old: list[Value]
    ) -> None:
        for o in self.observers:
            o.on_list_clear(thread, block_id, cell, old)

    def on_list_miss(
        self,
        thread: Thread,
        block_id: str,
        cell: ListCell,
        kind: MissKind,
        index: Value,
        length: int,
    ) -> None:
        for o in self.observers:
            o.on_list_miss(thread, block_id, cell, kind, index, length)

    def on_nonfinite(self, thread: Thread, block_id: str, what: str, value: float) -> None:
        for o in self.observers:
            o.on_nonfinite(thread, block_id, what, value)

    def on_say(self, thread: Thread, block_id: str, kind: BubbleKind, text: Value) -> None:
        for o in self.observers:
            o.on_say(thread, block_id, kind, text)

    def on_finish(self) -> None:
        for o in self.observers:
            o.on_finish()


class Recorder(RunHooks):
    """Hooks that write a trace of one runtime's writes to a binary sink."""

    hears_read_misses = False  # a trace holds writes: reads past the end are not in it
    hears_writes_only = True  # and never anything else, which compiled code may count on

    def __init__(
        self,
        runtime: Runtime,
        sink: BinaryIO,
        *,
        program: str = "",
        params: dict[str, Any] | None = None,
        seed: int = 0,
        options: dict[str, Any] | None = None,
        slices: Iterable[Any] = (),
        chunk_events: int = DEFAULT_CHUNK_EVENTS,
        lists: Iterable[str] | None = None,
        variables: Iterable[str] | None = None,
        move_after: int | None = MOVE_AFTER,
    ) -> None:
        self.runtime = runtime
        self.chunk_events = max(1, chunk_events)
        # After how many events the encoding moves (None: it stays here).
        self._move_after = move_after if move_after is not None and has_second_core() else None
        self._lists = None if lists is None else set(lists)
        self._vars = None if variables is None else set(variables)
        if self._vars is not None:  # the others' writes need not be reported at all
            self.reported_writes = self._vars
        self._cells: dict[int, int] = {}  # id(cell) -> cell index; -1 when not recorded
        self._cell_objs: list[Cell] = []
        self._cell_rows: list[CellInfo] = []
        self._blocks: dict[tuple[str, str], int] = {}
        self._paths: dict[str, str] = {}  # each file's path a block's source names, made portable
        self._threads: dict[tuple[str, str], int] = {}
        self._sites: dict[tuple[Any, str, Any, int], int] = {}
        self._last_var: dict[str, tuple[Any, Any, int]] = {}
        self._last_list: dict[str, tuple[Any, Any, int, str]] = {}
        self._site_rows: list[Site] = []
        self._new: dict[str, list[Any]] = {"cells": [], "blocks": [], "threads": [], "sites": []}
        self._bubbles: list[Bubble] = []
        # What compiled code and these hooks append each event to, in order (see _take and _cut).
        self._log = self.write_log = WriteLog(
            self.chunk_events, lambda: self._full(None), lists=self._lists is None
        )
        # The chunk's writes taken from the log so far, part by part.
        self._parts: list[_Part] = []
        self._handing_over = False  # between a part's adding and its log's clearing (_hand_over)
        self._limit_part()
        # By script: its code table and how many places it has sites for (see _code_table).
        self._tables: dict[tuple[str, str], tuple[np.ndarray, int]] = {}
        # By script: the codes its writes may be logged with whose sites are known and recorded,
        # and those sites (a pattern's: all of its places'); a site once looked up stays.
        self._known: dict[tuple[str, str], dict[int, tuple[int, ...]]] = {}
        # By script and the set of codes a part was logged with: the sites written at
        # (_written_at).
        self._written_by_codes: dict[tuple[str, str, frozenset[int]], np.ndarray] = {}
        self._aheads = np.zeros(0, dtype=np.int32)  # see _ahead_table
        # The tables a LogPart carries and their pickle (_pickled_tables).
        self._tables_pickled: tuple[tuple[Any, ...], bytes] | None = None
        self._columns = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))  # _site_columns
        self._runs = LogRuns()  # reads the log's runs of writes (WriteLog.patterns)
        self.finished = False
        self.closed = False
        header = self._header(program, params or {}, seed, options or {}, slices)
        self.writer: TraceWriter | WriterInSecondProcess = TraceWriter(sink, header)
        self._new["cells"].clear()
        self._new["blocks"].clear()
        self.writer.snapshot(self.runtime.blocks, *self._state(None, None))
        # Started now, it gets through its start while the run is compiled and begins, ready for
        # the chunks by the time one reaches move_after (a shorter recording ends it unused).
        self._second = None if self._move_after is None else WriterInSecondProcess.start(sink)

    # ## Tables

    def _header(
        self,
        program: str,
        params: dict[str, Any],
        seed: int,
        options: dict[str, Any],
        slices: Iterable[Any],
    ) -> Header:
        for target in self.runtime.targets:
            for cell in [*target.variables.values(), *target.lists.values()]:
                self._cell(cell)
        project = self.runtime.project
        for source in project.targets:
            for block in source.blocks.values():
                self._block(source.name, block.id, block.opcode, block.source)
        options = {
            **options,
            "chunk_events": self.chunk_events,
            "lists": sorted(self._lists) if self._lists is not None else None,
            "vars": sorted(self._vars) if self._vars is not None else None,
        }
        return Header(
            FORMAT_VERSION,
            portable_path(program),
            project_sha256(project),
            self.runtime.engine,
            seed,
            _plain(params),
            _plain(options),
            tuple(self._cell_rows),
            tuple(BlockInfo(*row) for row in self._new["blocks"]),
            tuple(Slice(s.list_name, s.name, s.start, s.end, tuple(s.shape)) for s in slices),
        )

    def _cell(self, cell: Cell) -> int:
        index = self._cells.get(id(cell))
        if index is not None:
            return index
        is_list = hasattr(cell, "items")
        wanted = self._lists if is_list else self._vars
        if wanted is not None and cell.name not in wanted:
            self._cells[id(cell)] = -1
            self._cell_objs.append(cell)  # kept alive so its id is not reused
            return -1
        index = self._cells[id(cell)] = len(self._cell_rows)
        self._cell_objs.append(cell)
        row = CellInfo(cell.owner, cell.id, cell.name, is_list)
        self._cell_rows.append(row)
        self._new["cells"].append(row)
        return index

    def _block(
        self, target: str, block_id: str, opcode: str = "?", source: str | None = None
    ) -> int:
        index = self._blocks.get((target, block_id))
        if index is None:
            index = self._blocks[(target, block_id)] = len(self._blocks)
            self._new["blocks"].append(
                [target, block_id, opcode, portable_source(source, self._paths)]
            )
        return index

    def _site(
        self, thread: Thread, block_id: str, cell: Cell, kind: int, key: tuple[Any, str, Any, int]
    ) -> int:
        cell_index = self._cell(cell)
        if cell_index < 0:
            self._sites[key] = -1
            return -1
        script = (thread.target.name, thread.script_id)
        if script not in self._threads:
            self._threads[script] = len(self._threads)
            self._new["threads"].append(ThreadInfo(*script))
        site = Site(
            self._threads[script], self._block(thread.target.name, block_id), cell_index, kind
        )
        index = self._sites[key] = len(self._site_rows)
        self._site_rows.append(site)
        self._new["sites"].append(site)
        return index

    # ## Hooks: the hot path appends to the write log; chunks are cut every chunk_events events

    # These hooks log the writes they hear with their sites already looked up, as _OWN - site. A
    # block writes one cell in one way, so the last (thread, cell, site) seen per block id answers
    # almost every lookup with two identity checks; anything else takes the slow path.

    def on_var_set(self, thread: Thread, block_id: str, cell: VarCell, value: Value) -> None:
        entry = self._last_var.get(block_id)
        if entry is None or entry[0] is not thread or entry[1] is not cell:
            entry = self._last_var[block_id] = (
                thread,
                cell,
                self._heard_site(thread, block_id, cell, SET),
            )
        if entry[2] >= 0:
            log = self._log
            self._log_own(thread, entry[2], value)
            if log.events >= log.limit:
                self._full(None)

    def on_list_write(
        self,
        thread: Thread,
        block_id: str,
        cell: ListCell,
        op: ListWrite,
        index: int,
        old: Value,
        new: Value,
    ) -> None:
        entry = self._last_list.get(block_id)
        if entry is None or entry[0] is not thread or entry[1] is not cell or entry[3] != op:
            entry = self._last_list[block_id] = (
                thread,
                cell,
                self._heard_site(thread, block_id, cell, LIST_OPS[op]),
                op,
            )
        if entry[2] >= 0:
            log = self._log
            log.items.append(index)
            self._log_own(thread, entry[2], new)
            if log.events >= log.limit:
                # The runtime reports a replace before it stores it; the snapshot must include it.
                self._full((cell, index, new) if op == _REPLACE else None)

    def on_list_clear(
        self, thread: Thread, block_id: str, cell: ListCell, old: list[Value]
    ) -> None:
        site = self._heard_site(thread, block_id, cell, CLEAR)
        if site >= 0:
            log = self._log
            self._log_own(thread, site, "")
            if log.events >= log.limit:
                self._full(None)

    def _log_own(self, thread: Thread, site: int, value: Value) -> None:
        """Log a write these hooks heard, its site looked up (a list's write logs its item first)."""
        log = self._log
        if log.thread is not thread:
            log.mark(thread)
        log.codes.append(_OWN - site)
        log.clocks.append(self.runtime.blocks)
        log.append(value)

    def _lookup(self, thread: Thread, block_id: str, cell: Cell, kind: int) -> int:
        key = (thread, block_id, cell, kind)
        site = self._sites.get(key)
        return self._site(thread, block_id, cell, kind, key) if site is None else site

    def _heard_site(self, thread: Thread, block_id: str, cell: Cell, kind: int) -> int:
        """_lookup, for a write these hooks heard: a new site comes after those of the writes
        logged before it, as if each had been looked up as it was logged (see _look_up_new)."""
        if (thread, block_id, cell, kind) not in self._sites and self._log.events:
            log = self._log
            self._sites_of(self._runs.per_write(log, log.events)[0], log.marks)
        return self._lookup(thread, block_id, cell, kind)

    def on_say(self, thread: Thread, block_id: str, kind: BubbleKind, text: Value) -> None:
        # Shown after the events recorded so far, whether or not the chunk holding them is cut yet.
        event = self.writer.events + self._taken + self._log.events
        self._bubbles.append(
            Bubble(event, self.runtime.now_ms, thread.target.name, kind, bubble_text(text))
        )

    def on_finish(self) -> None:
        self.finished = True

    # ## Chunks

    def _write_tables(self) -> None:
        new = self._new
        if any(new.values()):
            self.writer.tables(
                new["cells"],
                [BlockInfo(*row) for row in new["blocks"]],
                new["threads"],
                new["sites"],
            )
            for rows in new.values():
                rows.clear()

    @property
    def _taken(self) -> int:
        """How many of the chunk's writes were taken from the log (in parts)."""
        return sum(part.writes for part in self._parts)

    def _limit_part(self) -> None:
        """Where the log's next part ends: exactly at the chunk's end if that comes within
        PART_EVENTS writes; else at PART_REACH times PART_EVENTS writes where each write is
        checked, and where compiled code looks now and then (hooked.checked), at the first look
        that finds PART_EVENTS - PART_SLACK or more (it looks before the part could pass that
        limit)."""
        left = self.chunk_events - self._taken
        log = self._log
        if left > PART_EVENTS:
            log.limit = min(left, PART_REACH * PART_EVENTS)
            log.slack = log.limit - max(PART_EVENTS - PART_SLACK, 1)
        else:
            log.limit, log.slack = left, 0

    def _full(self, pending: tuple[Cell, int, Value] | None) -> None:
        """The log holds its limit (or, where compiled code looked, is within its slack of it):
        take it as a part, and cut the chunk once it has every write."""
        self._take()
        if self._taken >= self.chunk_events:
            self._cut(pending)

    def _take(self, last: bool = False) -> None:
        """Take the logged writes as the chunk's next part and clear the log: where a second
        process writes the trace (or is starting to), as a rule as the log held them
        (_as_logged), which that process reads as runs; else their runs' sites looked up here,
        their steps, items and values kept (packed for a second process, which makes each write's
        site and step from the runs). The `last` take, as the recording ends, may find a write
        half logged, or a run not ended (Ctrl-C); the others come between writes and runs."""
        log = self._log
        if self._handing_over:  # Ctrl-C came inside _hand_over: the part is in, the log not clear
            log.clear()
            self._handing_over = False
            return
        n = log.events  # whose values are in, or skipped (an interrupt may leave one half logged)
        if last and log.ends:  # Ctrl-C may come between a run's end and its count (LoggedRun.end)
            n = max(n, log.ends[-1])
        if not n:
            return
        quick = None if last else self._as_logged(log, n)
        if quick is not None:
            self._hand_over(quick)
            return
        runs, values = self._runs.logged(log, n)
        runs, written = self._placed(runs, log.marks, n)
        items = int64s(log.items)
        events = n
        if last or (written < 0).any():  # as a rule, neither: each write's site is not needed
            sites = runs.expanded()[0]
            events = int(np.count_nonzero(sites >= 0))
            if last:  # only the items of the list writes whose values are in
                kinds = self._site_columns()[0][sites]
                items = items[: np.count_nonzero(np.isin(kinds, list(INDEXED_KINDS)))]
        writes = packed(runs, items, values) if self._for_second() else (runs, items, values)
        self._hand_over(_Part(n, events, written, writes))

    def _hand_over(self, part: _Part) -> None:
        """Add the part taken and clear the log: Ctrl-C may come in between, or inside the clear
        (not one step, and a log half cleared reads as other writes), and the last take then
        finds the log marked as handed over, and only clears it (no check of Ctrl-C comes
        between setting a flag and the call after it)."""
        self._handing_over = True
        self._parts.append(part)
        self._log.clear()
        self._handing_over = False
        self._limit_part()

    def _as_logged(self, log: WriteLog, writes: int) -> _Part | None:
        """The log's writes as a part the second process reads the runs of (LogPart), where it
        writes the trace (or is starting to) and one thread logged them all at places whose sites
        are recorded (those first written here looked up now): the recording then only pickles
        the log. None otherwise."""
        if not self._for_second():
            return None
        threads = {thread for at, thread in log.marks if at < writes}
        if len(threads) != 1:
            return None
        thread = threads.pop()
        written = self._written_at(thread, log, writes)
        if written is None:
            return None
        return _Part(writes, writes, written, LogPart.taken(log, self._pickled_tables(thread)))

    def _pickled_tables(self, thread: Thread) -> bytes:
        """The tables that place a LogPart's writes (LogPart.taken), pickled: made again only
        when one of them is new, or a code table was filled in place (_look_up_new forgets it)."""
        tables = (self._runs.table(self._log), self._code_table(thread), self._ahead_table())
        last = self._tables_pickled
        if last is None or any(map(is_not, last[0], tables)):
            last = self._tables_pickled = (tables, pickle.dumps(tables, pickle.HIGHEST_PROTOCOL))
        return last[1]

    def _for_second(self) -> bool:
        """Whether the parts are taken for a second process: one writes the trace, or has started
        and takes over at the first chunk's cut (the first chunk's parts go to it; should it not
        take over, this process reads them as well)."""
        return self._second is not None or isinstance(self.writer, WriterInSecondProcess)

    def _written_at(self, thread: Thread, log: WriteLog, writes: int) -> np.ndarray | None:
        """The sites the thread's writes in the log are at, each once, sorted (kept by script and
        the log's set of codes, for the next part logged with the same: a loop's parts as a rule
        are); None if one is not recorded. Places first written here are looked up in the order
        of their first writes, as the slow path (_placed) would number them."""
        script = (thread.target.name, thread.script_id)
        codes = frozenset(log.codes)
        written = self._written_by_codes.get((*script, codes))
        if written is not None:
            return written
        known = self._known.setdefault(script, {})  # codes whose places all have their sites
        new = codes - known.keys()
        if new and self._unseen(thread, new):
            self._sites_of(self._runs.per_write(log, writes)[0], log.marks)
        for code in new:
            sites = self._known_sites(thread, code)
            if sites is None:
                return None
            known[code] = sites
        written = np.array(sorted({site for code in codes for site in known[code]}), np.int64)
        if len(self._written_by_codes) >= WRITTEN_KEPT:
            self._written_by_codes.clear()
        self._written_by_codes[(*script, codes)] = written
        return written

    def _known_sites(self, thread: Thread, code: int) -> tuple[int, ...] | None:
        """The sites a write logged with `code` by the thread may be at (a run's: its pattern's
        places'), if all are known and recorded; None if not."""
        if code <= _OWN:
            return (_OWN - code,)  # these hooks log only recorded cells' writes
        sites = tuple(self._code_table(thread)[self._places(code)].tolist())
        return None if any(site < 0 for site in sites) else sites

    def _places(self, code: int) -> list[int]:
        """The places in the code a write logged with `code` may be at (a run's: its pattern's);
        none for one these hooks logged themselves."""
        if code <= _OWN:
            return []
        if code >= PATTERN_BASE:
            return list(self._log.patterns[code - PATTERN_BASE].sites)
        return [code]

    def _unseen(self, thread: Thread, codes: Iterable[int]) -> bool:
        """Whether a place the thread's writes logged with these codes may be at has no site
        looked up yet."""
        places = [place for code in codes for place in self._places(code)]
        return bool((self._code_table(thread)[places] == _UNSEEN).any())

    def _placed(
        self, runs: Runs, marks: list[tuple[int, Thread]], writes: int
    ) -> tuple[Runs, np.ndarray]:
        """The log's runs (their places holding codes) with each place's site and ahead looked
        up, and the sites written at. Where more than one thread wrote, or a place written at
        has no site yet, each write's site is looked up (_sites_of) and each is a run of its own."""
        groups = _by_thread(marks, writes)
        if len(groups) == 1:
            codes = runs.sites
            sites = self._code_table(groups[0][0])[codes]
            written = sites[runs.written()]
            if not (written == _UNSEEN).any():
                placed = replace(runs, sites=sites, aheads=self._ahead_table()[codes])
                return placed, np.unique(written)
        codes, clocks = runs.expanded()
        sites = self._sites_of(codes, marks)
        return Runs.alone(sites, clocks + self._ahead_table()[codes]), np.unique(sites)

    def _cut(self, pending: tuple[Cell, int, Value] | None, last: bool = False) -> None:
        """Hand the chunk's writes (the log's last part with them) to the writer as a chunk, with
        the state after them (`last`: as the recording ends)."""
        self._take(last)
        if not self._parts:
            return
        parts, self._parts = self._parts, []
        self._limit_part()
        events = sum(part.events for part in parts)
        if events == 0:  # compiled code logs every write; a cell not recorded has site -1
            return
        kinds_of, cells_of = self._site_columns()
        if self._move_after is not None and self.writer.events + events >= self._move_after:
            self._move_writer()
        self._write_tables()
        seen = np.unique(np.concatenate([part.written for part in parts]))
        variables, lists = self._state(pending, set(cells_of[seen[seen >= 0]].tolist()))
        cut = Cut(
            [part.logged for part in parts],
            events,
            kinds_of,
            cells_of,
            self.runtime.blocks,
            variables,
            lists,
            self._bubbles,
            last,
        )
        self._bubbles = []
        if isinstance(self.writer, WriterInSecondProcess):
            self.writer.cut(cut)
        else:
            write_cut(self.writer, cut)

    def _move_writer(self) -> None:
        """Hand the writer to the second process (it stays here if none started)."""
        assert isinstance(self.writer, TraceWriter)
        self._move_after = None
        moved, self._second = self._second, None
        if moved is not None and moved.take_over(self.writer):
            self.writer = moved

    def _site_columns(self) -> tuple[np.ndarray, np.ndarray]:
        """Each site's kind and cell, by site, and one more at the end for site -1 (a cell not
        recorded): CLEAR, an event with neither item nor value, and no cell. Made again only
        after sites were added."""
        if self._columns[0].size != len(self._site_rows) + 1:
            rows = self._site_rows
            self._columns = (
                np.array([row.kind for row in rows] + [CLEAR], dtype=np.int64),
                np.array([row.cell for row in rows] + [-1], dtype=np.int64),
            )
        return self._columns

    def _sites_of(self, codes: np.ndarray, marks: list[tuple[int, Thread]]) -> np.ndarray:
        """Each logged write's site: the site of its thread's write (WriteLog.marks) at that place
        in the code (WriteLog.sites), or the one it holds where these hooks logged it (below 0);
        one look-up in the thread's _code_table either way."""
        groups = _by_thread(marks, codes.size)
        found = self._found(codes, groups)
        if any((places == _UNSEEN).any() for _, places in found):
            unseen = [_positions(at, places == _UNSEEN) for at, places in found]
            self._look_up_new(codes, _threads(marks, codes.size), unseen)
            found = self._found(codes, groups)
        if len(found) == 1 and found[0][0] is None:
            return found[0][1]
        sites = np.empty(codes.size, dtype=np.int64)
        for at, places in found:
            sites[at] = places
        return sites

    def _found(
        self, codes: np.ndarray, groups: list[tuple[Thread, np.ndarray | None]]
    ) -> list[tuple[np.ndarray | None, np.ndarray]]:
        """The sites the code tables hold now for each thread's writes (at: their positions; None:
        all of them)."""
        return [
            (at, self._code_table(thread)[codes if at is None else codes[at]])
            for thread, at in groups
        ]

    def _look_up_new(
        self, codes: np.ndarray, threads: list[Thread], unseen: list[np.ndarray]
    ) -> None:
        """Look up the sites of the writes at places in the code not seen before (`unseen`: their
        positions, by thread), numbering new sites in the order of their first writes: the same
        however the writes were taken in parts, and from run to run."""
        at = np.sort(np.concatenate(unseen)).tolist()
        whose = [threads[k] for k in at]
        for thread, code in dict.fromkeys(zip(whose, codes[at].tolist(), strict=True)):
            table = self._code_table(thread)
            if table[code] == _UNSEEN:  # by script: another thread of it may have looked it up
                block_id, cell, op, _ = self._log.sites[code]
                kind = SET if op is None else LIST_OPS[op]
                table[code] = self._lookup(thread, block_id, cell, kind)
                self._tables_pickled = None  # filled in place: pickled again

    def _ahead_table(self) -> np.ndarray:
        """By code (as _code_table), what a logged write's clock lacks: its place's `ahead`
        (WriteLog.sites), or none for a write these hooks logged themselves, whose code below 0
        picks a 0 from the end of the table."""
        places, size = self._log.sites, self._codes()
        if self._aheads.size != size:
            aheads = [place[3] for place in places]
            self._aheads = np.array(aheads + [0] * (size - len(places)), dtype=np.int64)
        return self._aheads

    def _codes(self) -> int:
        """How many codes a write may be logged with, and so the size of the tables indexed by
        them: one for each place in the code, then, below 0 (_OWN - site), one for each site."""
        return len(self._log.sites) + len(self._site_rows) - _OWN

    def _code_table(self, thread: Thread) -> np.ndarray:
        """The sites of a thread's script by the code its writes were logged with: first by the
        number of the place in the code that wrote (_UNSEEN: not yet looked up), as many as the
        log's table of places; then, for the codes below 0 these hooks log their own writes with
        (_OWN - site), indexed from the end, each site (the codes -1 and -2 are never logged).
        By script, not by thread: a script started again and again (a broadcast's) writes the
        same sites, and compiled code runs originals only, whose cells stay theirs."""
        script = (thread.target.name, thread.script_id)
        places, own, size = len(self._log.sites), len(self._site_rows), self._codes()
        table, known = self._tables.get(script, (None, 0))
        if table is None or known != places or table.size != size:
            grown = np.full(size, _UNSEEN, dtype=np.int64)
            if table is not None:
                grown[:known] = table[:known]
            grown[places + 1 : places + 1 + own] = np.arange(own - 1, -1, -1)
            table = grown
            self._tables[script] = (table, places)
        return table

    def _write_bubbles(self) -> None:
        """The bubbles shown so far, after the events they follow (so a cut-short file never has one too early)."""
        if self._bubbles:
            self.writer.tables(bubbles=self._bubbles)
            self._bubbles = []

    def _state(
        self, pending: tuple[Cell, int, Value] | None, written: Container[int] | None
    ) -> tuple[dict[int, Value], dict[int, list[Value] | None]]:
        """The recorded cells now, by cell: each variable's value and the items of each list in
        `written` (None: every list; the others None, unchanged since the last snapshot), with a
        replace not yet stored (`pending`) in place."""
        variables: dict[int, Value] = {}
        lists: dict[int, list[Value] | None] = {}
        for index, (row, cell) in enumerate(zip(self._cell_rows, self._recorded(), strict=True)):
            if not row.is_list:
                variables[index] = cell.value
            elif written is None or index in written:
                lists[index] = list(cell.items)
            else:
                lists[index] = None
        if pending is not None:
            cell, item, value = pending
            items = lists[self._cells[id(cell)]]
            if items is not None:
                items[item - 1] = value
        return variables, lists

    def _recorded(self) -> list[Cell]:
        return [cell for cell in self._cell_objs if self._cells[id(cell)] >= 0]

    def close(self, reason: str | None = None) -> Ending:
        """Write what is buffered and the end chunk; `reason` defaults to "finished" or "stopped"."""
        if not self.closed:
            self._move_after = None  # the last chunk: not worth a second process
            if self._second is not None:
                self._second.discard()
                self._second = None
            self._cut(None, last=True)
            self._write_tables()
            self._write_bubbles()
            self.closed = True
            self.ending = Ending(
                self.writer.events,
                self.runtime.blocks,
                self.finished,
                reason or ("finished" if self.finished else "stopped"),
            )
            self.writer.end(self.ending)
        return self.ending


def _by_thread(
    marks: list[tuple[int, Thread]], writes: int
) -> list[tuple[Thread, np.ndarray | None]]:
    """The positions of the first `writes` writes by thread (None: all of them), from the log's
    marks."""
    marked = [(at, thread) for at, thread in marks if at < writes]
    if len({id(thread) for _, thread in marked}) == 1:  # one thread, as a rule
        return [(marked[0][1], None)]
    whose = np.array(_threads(marks, writes), dtype=object)
    return [(t, np.flatnonzero(whose == t)) for t in dict.fromkeys(t for _, t in marked)]


def _threads(marks: list[tuple[int, Thread]], writes: int) -> list[Thread]:
    """Each of the first `writes` writes' thread, from the log's marks."""
    threads: list[Thread] = []
    ends = [at for at, _ in marks[1:]] + [writes]
    for (at, thread), end in zip(marks, ends, strict=True):
        threads += [thread] * (min(end, writes) - at)
    return threads


def _positions(at: np.ndarray | None, chosen: np.ndarray) -> np.ndarray:
    """The positions of the chosen writes among all (`at`: those of the writes chosen from; None:
    all)."""
    return np.flatnonzero(chosen) if at is None else at[chosen]


# ## Portable header content


def portable_path(path: str) -> str:
    """A path as the header keeps it: relative to the project when inside it, else just the file name."""
    if not path or (os.sep not in path and "/" not in path):
        return path
    full = Path(path).resolve()
    try:
        return full.relative_to(ROOT).as_posix()
    except ValueError:
        return full.name


def portable_source(source: str | None, paths: dict[str, str]) -> str | None:
    """'path:line' with the path made portable (found in `paths`, else made and kept there: a
    file's blocks share its path, and resolving it asks the file system)."""
    if source is None or ":" not in source:
        return source
    path, line = source.rsplit(":", 1)
    if path not in paths:
        paths[path] = portable_path(path)
    return f"{paths[path]}:{line}"


def project_sha256(project: Project) -> str:
    """sha256 of the project.json this project saves as (keys sorted, no spaces)."""
    from emulator.sb3 import project_to_json

    text = json.dumps(
        project_to_json(project), sort_keys=True, separators=(",", ":"), ensure_ascii=True
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _plain(obj: Any) -> Any:
    """JSON-ready: tuples as lists, anything unusual as its text."""
    return json.loads(json.dumps(obj, default=str))


# ## Recording a whole run


def record_run(
    project: Project,
    sink: BinaryIO,
    *,
    program: str = "",
    params: dict[str, Any] | None = None,
    seed: int = 0,
    turbo: bool = False,
    answers: Sequence[str] = (),
    max_steps: int | None = None,
    slices: Iterable[Any] = (),
    chunk_events: int = DEFAULT_CHUNK_EVENTS,
    lists: Iterable[str] | None = None,
    variables: Iterable[str] | None = None,
    progress: Callable[[Runtime], AbstractContextManager[Any]] | None = None,
    inputs: Sequence[Post] = (),
    date: str | None = None,
    username: str = "",
    engine: str = "compiled",
    move_after: int | None = MOVE_AFTER,
) -> Ending:
    """Run a project from the green flag to its end (or max_steps blocks) and write its trace to sink.

    The compiled engine records the same events as the interpreter; a run bounded by max_steps
    needs the interpreter, which counts blocks one by one, and gets it. After move_after events
    (None: never) the chunks are encoded in a second process, where there is a second core.
    """
    if max_steps is not None:
        engine = "interpreter"
    runtime = Runtime(
        project,
        seed=seed,
        turbo=turbo,
        answers=answers,
        inputs=inputs,
        date=date,
        username=username,
        engine=engine,
    )
    options: dict[str, Any] = {"turbo": turbo, "answers": list(answers), "max_steps": max_steps}
    # What the devices were fed, only when something was: a diff re-runs the target with it.
    if inputs:
        options["inputs"] = [p.to_json() for p in inputs]
    if date is not None:
        options["date"] = date
    if username:
        options["username"] = username
    recorder = Recorder(
        runtime,
        sink,
        program=program,
        params=params,
        seed=seed,
        options=options,
        slices=slices,
        chunk_events=chunk_events,
        lists=lists,
        variables=variables,
        move_after=move_after,
    )
    runtime.attach(recorder)
    runtime.green_flag()
    reason = None
    try:
        with progress(runtime) if progress is not None else nullcontext():
            runtime.run(max_blocks=max_steps)
    except StepLimitReached:
        reason = "step limit"
    except KeyboardInterrupt:
        recorder.close("interrupted")
        raise
    return recorder.close(reason)
