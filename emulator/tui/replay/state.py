"""ReplayState: a trace, a cursor in it and a mark; the inspector's panes read it as a StateSource.

Positions count events applied, as Trace.state_at does: position n shows the state after n events,
and "the current write" is event n - 1, the one that made that state (none at position 0).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from emulator.debug.findings import procedure_of_blocks
from emulator.debug.list_access import ListAccess
from emulator.errors import EmulatorError, ProgramError
from emulator.loading import PROJECT_SUFFIXES, installed_program, load_target
from emulator.program import ProgramSpec
from emulator.project import Project
from emulator.runtime.hooks import BubbleKind
from emulator.runtime.pen import RGB
from emulator.runtime.state import ListCell, Say
from emulator.sb3 import load_project
from emulator.slices import Slice
from emulator.trace.events import ADD, CLEAR, DELETE, INSERT, REPLACE, SET, Event
from emulator.trace.recorder import project_sha256
from emulator.trace.render import ROOT
from emulator.trace.replay import Trace
from emulator.tui.shared.state_source import Key
from emulator.values import Value

COVERED_KINDS = (ADD, INSERT, REPLACE)  # writes that put a value into an item


@dataclass(frozen=True)
class Overwritten:
    """What the current write replaced: the old value (None for a new item) and the list's length before."""

    value: Value | None
    length: int


class ReplayState:
    """The state after `position` events of a trace, with what the current write overwrote; a StateSource."""

    def __init__(self, trace: Trace, project: Project | None = None) -> None:
        self.trace = trace
        self.project = project
        self.program = trace_program(trace)
        self.cursor = trace.cursor(0)
        self._slices = [
            Slice(s.list_name, s.name, s.start, s.end, tuple(s.shape)) for s in trace.header.slices
        ]
        cells = trace.tables.cells
        self._index = {info: i for i, info in enumerate(cells)}
        # One ListCell per list for the life of the replay: the list table knows a list by its cell object.
        self._lists = {
            i: ListCell(c.id, trace.label(i), [], c.owner) for i, c in enumerate(cells) if c.is_list
        }
        self._list_index = {cell.name: i for i, cell in self._lists.items()}
        self._procedures: dict[str, dict[str, str]] = {}
        self._chunk_items: dict[tuple[int, int], np.ndarray] = {}
        self.overwritten: Overwritten | None = None
        self.mark = default_mark(trace, self.program)
        self._marked: dict[int, list[Value]] | None = None
        self._rebind()

    # ## Moving

    @property
    def position(self) -> int:
        """How many events have been applied."""
        return self.cursor.position

    @property
    def event_count(self) -> int:
        """How many events the trace holds."""
        return self.trace.event_count

    def go(self, n: int) -> None:
        """Show the state after n events (clamped to the trace)."""
        n = max(0, min(n, self.event_count))
        cursor = self.cursor
        if n == cursor.position + 1:
            cursor.forward()
        elif n == cursor.position - 1:
            cursor.back()
        elif n != cursor.position:
            cursor.seek(n)
        self.overwritten = self._overwritten()
        self._rebind()

    def current(self) -> Event | None:
        """The write that made the state shown (None at the start)."""
        return self.trace.event(self.position - 1) if self.position > 0 else None

    def step(self) -> int:
        """The step (blocks run) of the state shown."""
        event = self.current()
        return event.step if event is not None else self.trace.snapshots[0].step

    def _overwritten(self) -> Overwritten | None:
        """Step back over the current write, read what it replaced, and step forward again (undo is exact)."""
        event = self.current()
        if event is None:
            return None
        self.cursor.back()
        try:
            return self._before(event)
        finally:
            self.cursor.forward()

    def _before(self, event: Event) -> Overwritten:
        cell = self._index[event.cell]
        live = self.cursor.live
        if event.kind == SET:
            return Overwritten(live.variables.get(cell), 0)
        items = live.lists.get(cell, [])
        k = event.item
        old = items[k - 1] if event.kind in (REPLACE, DELETE) and 1 <= k <= len(items) else None
        return Overwritten(old, len(items))

    def _rebind(self) -> None:
        """Point each list cell at the cursor's items (a seek builds new lists)."""
        lists = self.cursor.live.lists
        for i, cell in self._lists.items():
            cell.items = lists.get(i, [])

    # ## The mark

    def set_mark(self, n: int) -> None:
        """Changes and writes count from the state after n events."""
        self.mark = max(0, min(n, self.event_count))
        self._marked = None

    # ## What the panes read (StateSource)

    @property
    def stage_name(self) -> str:
        cells = self.trace.tables.cells
        return cells[0].owner if cells else "Stage"

    @property
    def slices(self) -> Sequence[Slice]:
        return self._slices

    def variable_values(self) -> dict[Key, tuple[str, Value]]:
        variables = self.cursor.live.variables
        return {
            (c.owner, c.id): (c.name, variables[i])
            for i, c in enumerate(self.trace.tables.cells)
            if not c.is_list and i in variables
        }

    def procedure_arguments(self) -> dict[str, Value]:
        return {}  # a trace records variables and lists, not the arguments of custom blocks

    def list_cells(self) -> list[ListCell]:
        return list(self._lists.values())

    def stage(self, columns: int, rows: int) -> list[list[RGB | None]] | None:
        return None  # a trace records variables and lists, not sprites or what the pens drew

    def marked_items(self, cell: ListCell) -> list[Value] | None:
        if self._marked is None:
            self._marked = self.trace.live_at(self.mark)[0].lists
        return self._marked.get(self._list_index.get(cell.name, -1))

    def written(self, cell: ListCell) -> bytearray | None:
        """Items written between the mark and here (either way round), as the items were numbered then."""
        index = self._list_index.get(cell.name)
        if index is None:
            return None
        lo, hi = sorted((self.mark, self.position))
        out = np.zeros(len(cell.items), dtype=np.uint8)
        for items in self._written_items(index, lo, hi):
            items = items[(items >= 1) & (items <= out.size)]
            out[items - 1] = 1
        return bytearray(out.tobytes())

    def _written_items(self, cell: int, lo: int, hi: int) -> list[np.ndarray]:
        """The item numbers that events lo..hi-1 wrote into a list: a whole chunk's are kept, as the mark stays put."""
        trace = self.trace
        sites = [
            s for s in trace.sites_of(cell).tolist() if trace.tables.sites[s].kind in COVERED_KINDS
        ]
        found = []
        for i, chunk in enumerate(trace.event_chunks):
            a, b = max(lo, chunk.first), min(hi, chunk.first + chunk.count)
            if a >= b or not sites:
                continue
            whole = a == chunk.first and b == chunk.first + chunk.count
            if whole and (cell, i) in self._chunk_items:
                found.append(self._chunk_items[(cell, i)])
                continue
            block = trace.events_block(i)
            part = slice(a - chunk.first, b - chunk.first)
            items = np.unique(block.item[part][np.isin(block.site[part], sites)])
            if whole:
                self._chunk_items[(cell, i)] = items
            found.append(items)
        return found

    # ## The current write, for the panes

    def access(self) -> ListAccess | None:
        """The current write as a list access, so the list table follows it to its item."""
        event = self.current()
        if event is None or not event.cell.is_list or event.kind == CLEAR:
            return None
        cell = self._lists[self._index[event.cell]]
        k = min(
            event.item, len(cell.items)
        )  # a delete of the last item leaves the cursor on the new last
        if k < 1:
            return None
        return ListAccess(
            cell.name, event.kind_name, float(event.item), k, len(cell.items), cell.items[k - 1]
        )

    def says(self) -> list[Say]:
        """The bubbles shown by the current position, as the live run kept them."""
        bubbles = self.trace.tables.bubbles
        shown = bisect.bisect_right([b.event for b in bubbles], self.position)
        return [Say(b.target, BubbleKind(b.kind), b.text, b.at_ms) for b in bubbles[:shown]]

    def stage_lists(self) -> dict[str, list[Value]]:
        """Every list's items by name at the current position (the first list of a name wins)."""
        out: dict[str, list[Value]] = {}
        for cell in self.list_cells():
            out.setdefault(cell.name, cell.items)
        return out

    def procedure(self) -> str | None:
        """The custom block the current write's block sits in (known only with the program at hand)."""
        event = self.current()
        if event is None or self.project is None:
            return None
        target = event.block.target
        if target not in self._procedures:
            try:
                self._procedures[target] = procedure_of_blocks(self.project.target(target))
            except KeyError:
                self._procedures[target] = {}
        return self._procedures[target].get(event.block.id)


def default_mark(trace: Trace, program: ProgramSpec | None) -> int:
    """Where changes count from: just before the first write to the program's sample variable, else the start.

    In day3 that is where the live inspector's mark is too: the weights are set up and nothing is learned yet.
    """
    if program is None or program.sample_variable is None:
        return 0
    try:
        first = next(trace.writes_to(program.sample_variable), None)
    except KeyError:
        return 0
    return first.index if first is not None else 0


def trace_program(trace: Trace) -> ProgramSpec | None:
    """The declarations of the installed program a trace names (a file the trace names is never run)."""
    try:
        return installed_program(trace.header.program)
    except (ProgramError, EmulatorError, ImportError):
        return None


def program_project(trace: Trace) -> Project | None:
    """The program the trace was recorded from, rebuilt only when that is cheap and certain, else None.

    Cheap and certain: a program of the programs package by name, or a project file, whose
    project.json hashes to the sha256 in the header (so its blocks are the ones the trace names).
    A .py file named by a trace is never run: reading a trace must not execute code it points to.
    """
    header = trace.header
    name = header.program
    try:
        if installed_program(name) is not None:
            project, _ = load_target(name, dict(header.params))
        else:
            path = Path(name) if Path(name).is_absolute() else ROOT / name
            if not name or path.suffix.lower() not in PROJECT_SUFFIXES or not path.is_file():
                return None
            project = load_project(path)
    except (ProgramError, EmulatorError, TypeError, ValueError, OSError):
        return None
    return project if project_sha256(project) == header.program_sha256 else None
