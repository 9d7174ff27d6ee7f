"""EventLog: every write of the trace, one a row, drawn a screenful at a time; Enter replays to the row's write."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.message import Message

from emulator.trace.events import CLEAR, DELETE, Event
from emulator.trace.replay import Trace
from emulator.tui.shared.line_view import LineView
from emulator.value_text import safe_text, show_value

ROW_WIDTH = 46


class EventLog(LineView):
    """`#index  what was written`; the current write is marked, writes still to come are dim."""

    BINDINGS = [Binding("enter", "go", "replay to here", key_display="⏎")]

    class Go(Message):
        """Show the state just after a write."""

        def __init__(self, position: int) -> None:
            super().__init__()
            self.position = position

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.trace: Trace | None = None
        self.current = -1

    def show(self, trace: Trace, position: int) -> None:
        """Point at the write that made the state after `position` events."""
        if trace is not self.trace:
            self.trace = trace
            self.rows_changed()
        self.current = position - 1
        self.cursor = max(0, self.current)
        # Centre once laid out (on first paint the view has no size yet).
        self.call_after_refresh(self.scroll_to_row, self.cursor, True)
        self.border_title = f"writes · {trace.event_count:,}"
        self.border_subtitle = "Enter: replay to the row"
        self.refresh()

    @property
    def row_count(self) -> int:
        return self.trace.event_count if self.trace is not None else 0

    @property
    def row_width(self) -> int:
        return ROW_WIDTH

    def row(self, index: int) -> Text:
        assert self.trace is not None
        event = self.trace.event(index)
        mark = "▶" if index == self.current else " "
        text = Text(f"{mark}#{index:<8,}", style="bold yellow" if mark != " " else "dim")
        text.append(write_text(event), style="dim" if index > self.current else "")
        return text

    def action_go(self) -> None:
        self.post_message(self.Go(self.cursor + 1))


def write_text(event: Event) -> str:
    """'weights[17] = 0.25', 'u_k = 5', 'delete all of deltas'."""
    name = safe_text(event.cell.name, 40)
    if event.kind == CLEAR:
        return f"delete all of {name}"
    if event.kind == DELETE:
        return f"delete {name}[{event.item}]"
    where = f"{name}[{event.item}]" if event.cell.is_list else name
    return f"{where} = {show_value(event.value, 14)}"
