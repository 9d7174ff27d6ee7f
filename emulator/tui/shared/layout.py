"""How both inspectors fit any terminal: size classes, one bottom pane at a time when narrow, a maximise key, a too-small notice."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.app import App
from textual.css.query import NoMatches
from textual.widgets import Static

from emulator.tui.shared.data_panes import DataPanes
from emulator.tui.shared.heatmap import MODE_TITLES

# Screen classes by terminal size; debugger.tcss lays the panes out for each.
HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-medium"), (160, "-wide")]
VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-normal"), (45, "-tall")]
MIN_WIDTH, MIN_HEIGHT = 60, 18  # below this no layout leaves every shown pane a usable size
SHOWN = "-shown"  # the bottom pane shown when there is room for only one


class TooSmall(Static):
    """Says the terminal is too small, and what size is needed; hidden otherwise."""


class Responsive(App[Any]):
    """An inspector whose layout follows the terminal's size, with the keys of its data panes."""

    painter: DataPanes

    HORIZONTAL_BREAKPOINTS = HORIZONTAL_BREAKPOINTS
    VERTICAL_BREAKPOINTS = VERTICAL_BREAKPOINTS

    def on_resize(self, event: events.Resize) -> None:
        small = event.size.width < MIN_WIDTH or event.size.height < MIN_HEIGHT
        self.screen.set_class(small, "-too-small")
        if small:
            have = f"{event.size.width}x{event.size.height}"
            self.query_one(TooSmall).update(
                f"terminal too small: need {MIN_WIDTH}x{MIN_HEIGHT}, have {have}"
            )

    def bottom_panes(self) -> list[Any]:
        """The panes of the bottom row, left to right."""
        try:
            return list(self.query_one("#bottom").children)
        except NoMatches:
            return []

    def show_bottom(self, pane_id: str) -> None:
        """Make this the bottom pane shown when the terminal is narrow (wide ones show them all)."""
        for pane in self.bottom_panes():
            pane.set_class(pane.id == pane_id, SHOWN)

    def action_next_bottom(self) -> None:
        """Show the next bottom pane (narrow terminals show one at a time), and focus it."""
        panes = self.bottom_panes()
        if not panes:
            return
        now = next((i for i, p in enumerate(panes) if p.has_class(SHOWN)), -1)
        pane = panes[(now + 1) % len(panes)]
        self.show_bottom(pane.id)
        if pane.focusable:
            pane.focus()

    def action_maximize_pane(self) -> None:
        """Fill the screen with the focused pane, or put it back."""
        if self.screen.maximized is not None:
            self.screen.minimize()
        elif self.focused is not None:
            self.screen.maximize(self.focused)

    # ## The data panes' keys (both inspectors have a `painter`, the DataPanes they paint)

    def action_mode(self) -> None:
        """The next heatmap mode."""
        self.show_bottom("heatmap")
        mode = self.painter.next_mode()
        self.notify(f"heatmap: {MODE_TITLES[mode]}", timeout=2)

    def action_slice(self, delta: int) -> None:
        """The previous or next named slice."""
        self.show_bottom("heatmap")
        self.painter.show_slice(self.painter.slice_index + delta)

    def action_next_list(self) -> None:
        """The next list in the list table."""
        self.show_bottom("list")
        self.painter.next_list()

    def action_goto_item(self) -> None:
        """Ask for an item number and move the list table's cursor there."""
        from emulator.tui.shared.lists_view import ListTable
        from emulator.tui.shared.prompts import Prompt

        def go(text: str | None) -> None:
            if not text:
                return
            table = self.query_one(ListTable)
            if not text.strip().isdigit() or not 1 <= int(text) <= table.row_count:
                self.notify(f"want an item from 1 to {table.row_count:,}", severity="error")
                return
            self.show_bottom("list")
            table.cursor = int(text) - 1
            table.focus()

        self.push_screen(Prompt("go to item", "1"), go)
