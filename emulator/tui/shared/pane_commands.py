"""Palette entries both inspectors offer for their data panes: each slice, each list, each heatmap mode."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from textual.app import SystemCommand

from emulator.tui.shared.data_panes import DataPanes
from emulator.tui.shared.heatmap import MODE_TITLES, MODES


def pane_commands(panes: DataPanes) -> Iterator[SystemCommand]:
    """Named so that typing part of a list's or slice's name finds it."""
    for i, s in enumerate(panes.source.slices):
        yield SystemCommand(
            f"Slice {s.name}",
            f"heatmap of {s.list_name} items {s.start}..{s.end}",
            partial(panes.show_slice, i),
        )
    for cell in panes.source.list_cells():
        yield SystemCommand(
            f"List {cell.name}",
            f"show `{cell.name}` in the list table",
            partial(panes.show_list, cell.name),
        )
    for mode in MODES:
        yield SystemCommand(
            f"Heatmap: {MODE_TITLES[mode]}",
            "colour the slice by this",
            partial(panes.set_mode, mode),
        )
