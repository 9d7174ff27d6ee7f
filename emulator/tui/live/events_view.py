"""EventsView: out-of-range accesses, NaN and clamps, filtered and searched; Enter shows the block. LayerMapView."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Static

from emulator.debug.report import LayerRow
from emulator.tui.live.evidence import KIND_FILTERS, KIND_TITLES, Event, filtered
from emulator.tui.shared.messages import JumpToBlock
from emulator.tui.shared.plain import plain


class EventTable(DataTable[Any]):
    """The events as rows; Enter on a row jumps to its block."""

    BINDINGS = [Binding("enter", "jump", "show block", key_display="⏎")]

    def action_jump(self) -> None:
        parent = self.parent
        if isinstance(parent, EventsView):
            parent.jump()


class EventsView(Vertical):
    """A filter box over a table of findings; f cycles the kind shown."""

    BINDINGS = [Binding("f", "cycle_kind", "kind filter")]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rows: list[Event] = []
        self.shown: list[Event] = []
        self.kind = KIND_FILTERS[0]

    def compose(self) -> ComposeResult:
        yield Input(placeholder="filter events (words)", id="event-filter")
        table = EventTable(id="event-table", cursor_type="row", zebra_stripes=True)
        table.add_columns("kind", "of", "count", "where", "block")
        yield table

    def show(self, rows: list[Event]) -> None:
        """Replace the findings (keeps the filter)."""
        if rows == self.rows:
            return
        self.rows = rows
        self._fill()

    def _fill(self) -> None:
        query = self.query_one("#event-filter", Input).value
        self.shown = filtered(self.rows, self.kind, query)
        table = self.query_one(EventTable)
        table.clear()
        for e in self.shown:
            style = "red" if e.kind in ("read", "write", "nonfinite") else "yellow"
            table.add_row(
                Text(KIND_TITLES[e.kind], style=style),
                plain(e.subject),
                f"{e.count:,}",
                plain(e.where),
                plain(e.block_id),
            )
        self.border_subtitle = f"{len(self.shown)} of {len(self.rows)} · f: {self.kind}"

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one(EventTable).focus()

    def action_cycle_kind(self) -> None:
        self.kind = KIND_FILTERS[(KIND_FILTERS.index(self.kind) + 1) % len(KIND_FILTERS)]
        self._fill()

    def focus_filter(self) -> None:
        """Put the cursor in the filter box."""
        self.query_one("#event-filter", Input).focus()

    def jump(self) -> None:
        """Ask for the selected event's block to be shown."""
        table = self.query_one(EventTable)
        if 0 <= table.cursor_row < len(self.shown):
            e = self.shown[table.cursor_row]
            self.post_message(JumpToBlock(e.target, e.block_id))

    def selected(self) -> Event | None:
        """The event under the table's cursor."""
        row = self.query_one(EventTable).cursor_row
        return self.shown[row] if 0 <= row < len(self.shown) else None


class LayerMapView(Static):
    """explain's layer map: each layer's ranges as the program computed them; problems in red."""

    def show(self, rows: list[LayerRow]) -> None:
        """Draw the rows."""
        if not rows:
            self.update(
                Text(
                    "no layer map (the program has none, or no offset was computed yet)",
                    style="dim",
                )
            )
            return
        text = Text()
        for i, row in enumerate(rows):
            if i:
                text.append("\n")
            text.append(row.text, style="bold red" if row.problems else "")
        self.update(text)
