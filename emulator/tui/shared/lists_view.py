"""ListTable: any Scratch list, 200,000 items or more, drawn a screenful at a time from the live list."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from emulator.debug.list_access import ListAccess
from emulator.debug.session import DebugSession
from emulator.runtime.state import ListCell
from emulator.tui.shared.line_view import LineView
from emulator.tui.shared.plain import joined, plain
from emulator.value_text import show_value
from emulator.values import compare

VALUE_WIDTH = 13
ACCESS_OK = Style(color="black", bgcolor="green", bold=True)
ACCESS_BAD = Style(color="white", bgcolor="red", bold=True)
CHANGED = Style(color="yellow")
DIM = Style(dim=True)
WRITTEN = Style(color="green")


class ListTable(LineView):
    """item · value · value at the mark (when different) · written since the mark; nothing is copied."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.cell: ListCell | None = None
        self.marked: list[object] | None = None
        self.written: bytearray | None = None
        self.access: ListAccess | None = None

    def show(
        self,
        cell: ListCell | None,
        marked: list[object] | None,
        written: bytearray | None,
        access: ListAccess | None,
    ) -> None:
        """Point at a list (the live one, not a copy) and what to compare it with."""
        switched = cell is not self.cell
        self.cell, self.marked, self.written = cell, marked, written
        self.access = (
            access
            if access is not None and cell is not None and access.list_name == cell.name
            else None
        )
        self.rows_changed()
        if switched:
            self.cursor = 0
            self.scroll_to(0, 0, animate=False, immediate=True)
        if self.access is not None and self.access.in_range:
            self.cursor = self.access.resolved - 1
            self.scroll_to_row(self.cursor, center=True)
        self._retitle()

    def _retitle(self) -> None:
        if self.cell is None:
            self.border_title = "lists"
            self.border_subtitle = ""
            return
        self.border_title = joined(plain(self.cell.name), f"{len(self.cell.items):,} items")
        if self.access is not None and not self.access.in_range:
            index = show_value(self.access.index, 30)
            self.border_subtitle = Text(
                f"item {index} is outside 1..{self.access.length}", style="b red"
            )
        elif self.has_focus and 0 <= self.cursor < len(self.cell.items):
            # Focused, the subtitle holds the cursor item's value whole (the rows cut long ones).
            width = max(10, self.size.width - 4)
            value = show_value(self.cell.items[self.cursor])
            self.border_subtitle = plain(f"item {self.cursor + 1}: {value}", width)
        else:
            self.border_subtitle = (
                "l: next list" if self.written is None else "w = written since the mark"
            )

    def watch_cursor(self, old: int, new: int) -> None:
        super().watch_cursor(old, new)
        self._retitle()

    def on_focus(self) -> None:
        self._retitle()

    def on_blur(self) -> None:
        self._retitle()

    @property
    def row_count(self) -> int:
        return len(self.cell.items) if self.cell is not None else 0

    @property
    def row_width(self) -> int:
        return len(str(self.row_count)) + 2 * VALUE_WIDTH + 8

    def row(self, index: int) -> list[Segment]:
        assert self.cell is not None
        items = self.cell.items
        # The engine may shrink the list while we paint (a running `delete all`).
        value = items[index] if index < len(items) else ""
        number = index + 1
        style = ACCESS_OK if self.access is not None and self.access.resolved == number else Style()
        segments = [Segment(f"{number:>{len(str(self.row_count))}} ", style or DIM)]
        if self.written is not None:
            hit = index < len(self.written) and self.written[index]
            segments.append(Segment("w " if hit else "· ", WRITTEN if hit else DIM))
        segments.append(Segment(f"{show_value(value, VALUE_WIDTH):<{VALUE_WIDTH}} ", style))
        marked = self.marked
        if marked is not None and index < len(marked) and compare(marked[index], value) != 0:  # type: ignore[arg-type]
            segments.append(Segment(f"was {show_value(marked[index], VALUE_WIDTH)}", CHANGED))  # type: ignore[arg-type]
        return segments


def list_cells(session: DebugSession) -> list[ListCell]:
    """Every list of every target, stage first."""
    return [cell for target in session.runtime.targets for cell in list(target.lists.values())]


def marked_items(session: DebugSession, cell: ListCell) -> list[object] | None:
    """The list's items at the mark, if a mark was set."""
    if session.marked is None:
        return None
    return session.marked.lists.get((cell.owner, cell.id))  # type: ignore[return-value]
