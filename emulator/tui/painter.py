"""Painter: repaints every pane from the session, and remembers what each shows (list, slice, heatmap mode)."""

from __future__ import annotations

import contextlib
from typing import Any

from textual.app import App

from emulator.debug.findings import procedure_of_blocks
from emulator.debug.session import DebugSession, ListAccess
from emulator.tui import evidence
from emulator.tui.block_view import BlockView
from emulator.tui.events_view import EventsView, LayerMapView
from emulator.tui.heatmap import MODES, Heatmap, picture_slice
from emulator.tui.lists_view import ListTable, list_cells, marked_items
from emulator.tui.picture_view import InputPicture
from emulator.tui.script_view import ScriptView
from emulator.tui.status_bar import StatusBar
from emulator.tui.variables_view import VariablesView, step_of


class Painter:
    """The panes' view of one session; the app calls it after a pause and, while running, on a timer."""

    def __init__(self, app: App[Any], session: DebugSession) -> None:
        self.app, self.session = app, session
        self.heatmap_mode = MODES[0]
        self.slice_index = 0
        self.list_name: str | None = None
        self.follow_access = True
        self._procedures: dict[str, dict[str, str]] = {}

    def paused(self, *, new_pause: bool) -> None:
        """Repaint every pane; `new_pause`: this is a new stop (changes are measured from the last one)."""
        session = self.session
        paused = session.paused
        script = self.app.query_one(ScriptView)
        if paused is not None and paused.stmt is not None:
            script.show_block(paused.stmt.target.source, paused.stmt.block.id, current=True)
        elif paused is not None and paused.finished:
            script.clear_current()
        script.set_breakpoints(session.breakpoints)
        self.app.query_one(BlockView).show(session)
        self.data(new_pause=new_pause, access=session.list_access())

    def running(self) -> None:
        """Repaint what the engine changes while it runs (it may add a variable under us: skip that tick)."""
        with contextlib.suppress(RuntimeError):
            self.data(new_pause=False, access=None)

    def data(self, *, new_pause: bool, access: ListAccess | None) -> None:
        """Variables, the list table, the slices, the events and the layer map."""
        session = self.session
        procedure = self.procedure()
        self.app.query_one(VariablesView).show(session, new_pause=new_pause, step=step_of(procedure),
                                               procedure=procedure)
        self.list_table(access)
        self.slices()
        self.app.query_one(EventsView).show(evidence.events(session))
        self.app.query_one(LayerMapView).show(evidence.layer_map(session))

    def status(self, state: str, rate: float | None, marks: list[str]) -> None:
        """The status line."""
        self.app.query_one(StatusBar).show(self.session, state=state, rate=rate, marks=" · ".join(marks))

    # ## The list table

    def list_table(self, access: ListAccess | None) -> None:
        """Show the chosen list, or the one the paused block touches when following."""
        cells = list_cells(self.session)
        if access is not None and self.follow_access:
            self.list_name = access.list_name
        cell = next((c for c in cells if c.name == self.list_name), None)
        if cell is None:
            # Nothing chosen or touched yet: the list the named slices cut up, else any non-empty one.
            wanted = self.session.slices[0].list_name if self.session.slices else None
            cell = next((c for c in cells if c.name == wanted), None) or next(
                (c for c in cells if c.items), cells[0] if cells else None)
            self.list_name = cell.name if cell is not None else None
        _, marked, written = self._list_data(cell.name if cell is not None else None)
        self.app.query_one(ListTable).show(cell, marked, written, access)

    def show_list(self, name: str) -> None:
        """Show a list by name (and stop following the paused block's list)."""
        self.list_name, self.follow_access = name, False
        self.list_table(None)

    def next_list(self) -> None:
        """Show the next list."""
        names = [c.name for c in list_cells(self.session)]
        if names:
            at = names.index(self.list_name) if self.list_name in names else -1
            self.show_list(names[(at + 1) % len(names)])

    # ## Slices

    def slices(self) -> None:
        """The heatmap of the chosen slice in the chosen mode, and the input picture."""
        slices = self.session.slices
        s = slices[self.slice_index % len(slices)] if slices else None
        items, marked, written = self._list_data(s.list_name if s else None)
        self.app.query_one(Heatmap).show(s, self.heatmap_mode, items, marked, written)
        picture = picture_slice(slices, evidence.layer_sizes(self.session))
        items = self._list_data(picture.list_name)[0] if picture is not None else []
        self.app.query_one(InputPicture).show(picture, items)

    def show_slice(self, index: int) -> None:
        """Show the slice with this index."""
        self.slice_index = index % max(1, len(self.session.slices))
        self.slices()

    def set_mode(self, mode: str) -> None:
        """Colour the slice by value, change since the mark, or writes since the mark."""
        self.heatmap_mode = mode
        self.slices()

    def next_mode(self) -> str:
        """Cycle the heatmap mode; the new one."""
        self.set_mode(MODES[(MODES.index(self.heatmap_mode) + 1) % len(MODES)])
        return self.heatmap_mode

    def _list_data(self, list_name: str | None) -> tuple[list[Any], list[Any] | None, bytearray | None]:
        """A list's live items, its items at the mark, and which were written since (None: no mark)."""
        cell = next((c for c in list_cells(self.session) if c.name == list_name), None)
        if cell is None:
            return [], None, None
        coverage = self.session.findings.written
        written = None if coverage is None else coverage.get(cell.name, bytearray())
        return cell.items, marked_items(self.session, cell), written

    def procedure(self) -> str | None:
        """The custom block the paused block sits in."""
        paused = self.session.paused
        if paused is None or paused.stmt is None:
            return None
        target = paused.stmt.target.source
        if target.name not in self._procedures:
            self._procedures[target.name] = procedure_of_blocks(target)
        return self._procedures[target.name].get(paused.stmt.block.id)
