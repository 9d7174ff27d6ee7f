"""Timeline: where the replay is in the trace, the mark, and where each sample starts; a click seeks."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widget import Widget

FILLED, EMPTY = "━", "─"
TICK_FILLED, TICK_EMPTY = "╋", "┼"


class Timeline(Widget, can_focus=True):
    """A bar over every event of the trace and a line of numbers; keys that move are the app's."""

    DEFAULT_CSS = "Timeline { height: 4; padding: 0 1; }"

    class Seek(Message):
        """The user clicked the bar: show the state after this many events."""

        def __init__(self, position: int) -> None:
            super().__init__()
            self.position = position

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.position = 0
        self.count = 0
        self.mark = 0
        self.ticks: Sequence[int] = ()
        self.caption = Text()

    def show(
        self, position: int, count: int, *, mark: int, ticks: Sequence[int], caption: Text
    ) -> None:
        """Where we are of how many events, the mark, the positions to tick (samples), and the line of numbers."""
        self.position, self.count, self.mark, self.ticks, self.caption = (
            position,
            count,
            mark,
            ticks,
            caption,
        )
        self.refresh()

    def column(self, position: int, width: int) -> int:
        """The bar's column for a position."""
        return position * (width - 1) // max(1, self.count) if width > 1 else 0

    def bar(self, width: int) -> Text:
        """The bar: filled up to here, ticks at the samples, M at the mark, ● here."""
        here = self.column(self.position, width)
        ticks = {self.column(t, width) for t in self.ticks}
        text = Text()
        for col in range(width):
            done = col < here
            glyph = (
                (TICK_FILLED if done else TICK_EMPTY)
                if col in ticks
                else (FILLED if done else EMPTY)
            )
            text.append(glyph, "bold cyan" if done else "dim")
        text = text[:width]
        mark = self.column(self.mark, width)
        text = _put(text, mark, "M", "bold magenta")
        return _put(text, here, "●", "bold yellow")

    def render(self) -> Text:
        width = self.content_region.width
        return Text("\n").join([self.bar(width), self.caption])

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        width = self.content_region.width
        if offset is None or offset.y != 0 or width < 2:
            return
        self.post_message(self.Seek(round(offset.x * self.count / (width - 1))))


def _put(text: Text, col: int, glyph: str, style: str) -> Text:
    if not 0 <= col < len(text):
        return text
    out = text[:col]
    out.append(glyph, style)
    out.append_text(text[col + 1 :])
    return out
