"""DataPanes: the list table, the slice heatmap and the input picture painted from a StateSource, live or replayed."""

from __future__ import annotations

from typing import Any

from textual.app import App

from emulator.debug.list_access import ListAccess
from emulator.tui.shared.heatmap import MODES, Heatmap, picture_slice
from emulator.tui.shared.lists_view import ListTable
from emulator.tui.shared.picture_view import InputPicture, label_values
from emulator.tui.shared.state_source import StateSource
from emulator.values import Value


class DataPanes:
    """What the data panes show (which list, which slice, which heatmap mode), and painting them from a source."""

    def __init__(self, app: App[Any], source: StateSource) -> None:
        self.app, self.source = app, source
        self.heatmap_mode = MODES[0]
        self.slice_index = 0
        self.list_name: str | None = None
        self.follow_access = True

    # ## The list table

    def list_table(self, access: ListAccess | None) -> None:
        """Show the chosen list, or the one the block touches when following."""
        cells = self.source.list_cells()
        if access is not None and self.follow_access:
            self.list_name = access.list_name
        cell = next((c for c in cells if c.name == self.list_name), None)
        if cell is None:
            # Nothing chosen or touched yet: the list the named slices cut up, else any non-empty one.
            slices = self.source.slices
            wanted = slices[0].list_name if slices else None
            cell = next((c for c in cells if c.name == wanted), None) or next(
                (c for c in cells if c.items), cells[0] if cells else None
            )
            self.list_name = cell.name if cell is not None else None
        _, marked, written = self._list_data(cell.name if cell is not None else None)
        self.app.query_one(ListTable).show(cell, marked, written, access)

    def show_list(self, name: str) -> None:
        """Show a list by name (and stop following the block's list)."""
        self.list_name, self.follow_access = name, False
        self.list_table(None)

    def next_list(self) -> None:
        """Show the next list."""
        names = [c.name for c in self.source.list_cells()]
        if names:
            at = names.index(self.list_name) if self.list_name in names else -1
            self.show_list(names[(at + 1) % len(names)])

    # ## Slices

    def slices(self) -> None:
        """The heatmap of the chosen slice in the chosen mode, and the input picture."""
        slices = self.source.slices
        s = slices[self.slice_index % len(slices)] if slices else None
        items, marked, written = self._list_data(
            s.list_name if s else None, coverage=self.heatmap_mode == "written"
        )
        self.app.query_one(Heatmap).show(s, self.heatmap_mode, items, marked, written)
        picture = picture_slice(
            slices, self.source.program.picture if self.source.program else None
        )
        items = self._list_data(picture.list_name, coverage=False)[0] if picture is not None else []
        self.app.query_one(InputPicture).show(
            picture, items, self._picture_labels(), self.source.stage
        )

    def _picture_labels(self) -> list[tuple[str, str]]:
        """The labels the program declares beside the picture (the true label, the prediction)."""
        program = self.source.program
        if program is None or not program.picture_labels:
            return []
        variables: dict[str, Value] = {}
        for name, value in self.source.variable_values().values():
            variables.setdefault(name, value)
        return label_values(
            program.picture_labels,
            self.source.slices,
            variables,
            lambda name: self._list_data(name, coverage=False)[0],
        )

    def show_slice(self, index: int) -> None:
        """Show the slice with this index."""
        self.slice_index = index % max(1, len(self.source.slices))
        self.slices()

    def set_mode(self, mode: str) -> None:
        """Colour the slice by value, change since the mark, or writes since the mark."""
        self.heatmap_mode = mode
        self.slices()

    def next_mode(self) -> str:
        """Cycle the heatmap mode; the new one."""
        self.set_mode(MODES[(MODES.index(self.heatmap_mode) + 1) % len(MODES)])
        return self.heatmap_mode

    def _list_data(
        self, list_name: str | None, *, coverage: bool = True
    ) -> tuple[list[Any], list[Any] | None, bytearray | None]:
        """A list's items, its items at the mark, and which were written since (None: no mark, or not asked)."""
        cell = next((c for c in self.source.list_cells() if c.name == list_name), None)
        if cell is None:
            return [], None, None
        written = self.source.written(cell) if coverage else None
        return cell.items, self.source.marked_items(cell), written
