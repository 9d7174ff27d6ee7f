"""LineView: a focusable, scrolling view that renders only the rows on screen, with a row cursor."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip


class LineView(ScrollView, can_focus=True):
    """Rows come from `row(index)` on demand, so a 200,000-row view costs one screenful per paint."""

    COMPONENT_CLASSES = {"line-view--cursor"}
    DEFAULT_CSS = """
    LineView { overflow: auto auto; }
    LineView > .line-view--cursor { background: $surface-lighten-2; }
    LineView:focus > .line-view--cursor { background: $accent 40%; }
    """
    BINDINGS = [
        Binding("up", "cursor(-1)", "up", show=False),
        Binding("down", "cursor(1)", "down", show=False),
        Binding("pageup", "page(-1)", "page up", show=False),
        Binding("pagedown", "page(1)", "page down", show=False),
        Binding("home", "jump(0)", "first", show=False),
        Binding("end", "jump(-1)", "last", show=False),
    ]

    cursor: reactive[int] = reactive(0, always_update=True)

    # ## What subclasses provide

    @property
    def row_count(self) -> int:
        """How many rows there are."""
        return 0

    def row(self, index: int) -> Text | list[Segment]:
        """Row `index` (0-based, always < row_count) as rich Text or segments."""
        return Text()

    @property
    def row_width(self) -> int:
        """The widest row, in cells (for horizontal scrolling)."""
        return 0

    # ## Size and cursor

    def rows_changed(self) -> None:
        """Call after rows were added or removed or widened: resizes the scroll area and repaints."""
        self.virtual_size = Size(self.row_width, self.row_count)
        if self.cursor >= self.row_count:
            self.cursor = max(0, self.row_count - 1)
        self.refresh()

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, self.row_count - 1)) if self.row_count else 0

    def watch_cursor(self, old: int, new: int) -> None:
        self.scroll_to_row(new)
        self.refresh()

    def scroll_to_row(self, index: int, center: bool = False) -> None:
        """Scroll so that row `index` is visible (in the middle, if `center`)."""
        self.scroll_to_region(
            Region(self.scroll_offset.x, index, 1, 1),
            animate=False,
            center=center,
            force=True,
            immediate=True,
        )

    def on_click(self, event: events.Click) -> None:
        """A click puts the cursor on the clicked row (and focuses the pane)."""
        offset = event.get_content_offset(self)
        if offset is None:
            return
        row = self.scroll_offset.y + offset.y
        if 0 <= row < self.row_count:
            self.cursor = row
            self.focus()
            self.clicked(row, self.scroll_offset.x + offset.x)

    def clicked(self, row: int, column: int) -> None:
        """What a click on a row does besides moving the cursor (nothing, unless a pane says)."""

    def action_cursor(self, delta: int) -> None:
        self.cursor += delta

    def action_page(self, direction: int) -> None:
        self.cursor += direction * max(1, self.scrollable_content_region.height - 1)

    def action_jump(self, where: int) -> None:
        self.cursor = where if where >= 0 else self.row_count - 1

    # ## Painting

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if index >= self.row_count:
            return Strip.blank(width, base)
        content = self.row(index)
        if isinstance(content, Text):
            content.no_wrap = True
            segments = list(content.render(self.app.console))
        else:
            segments = content
        strip = Strip(segments)
        if index == self.cursor:
            strip = strip.apply_style(self.get_component_rich_style("line-view--cursor"))
            strip = strip.crop_extend(scroll_x, scroll_x + width, base + self._cursor_fill())
        else:
            strip = strip.crop_extend(scroll_x, scroll_x + width, base)
        return strip.apply_style(base)

    def _cursor_fill(self) -> Style:
        return Style(bgcolor=self.get_component_rich_style("line-view--cursor").bgcolor)
