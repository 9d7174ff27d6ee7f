"""Heatmaps of named slices (value, change since the mark, never written) and the input drawn as a picture."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from emulator.slices import Slice
from emulator.tui.shared.plain import joined, plain
from emulator.value_text import show_value
from emulator.values import Value, compare, to_number

MODES = ("value", "change", "written")
MODE_TITLES = {
    "value": "value",
    "change": "change since mark",
    "written": "never written since mark",
}

BACKGROUND = Color.from_rgb(20, 20, 20)
UNCHANGED = Color.from_rgb(55, 55, 55)
MISSING = Color.from_rgb(0, 0, 0)
NONFINITE = Color.from_rgb(255, 0, 255)
WRITTEN = Color.from_rgb(40, 150, 60)
NEVER_WRITTEN = Color.from_rgb(200, 40, 40)
NO_COVERAGE = Color.from_rgb(90, 90, 90)


# ## The model: what colour each item of a slice gets


@dataclass(frozen=True)
class Cells:
    """A slice's items as coloured cells, in the orientation drawn (rows x cols), and a one-line summary."""

    rows: int
    cols: int
    colors: list[Color]
    items: list[int]  # the 1-based list item behind each cell
    summary: str
    transposed: bool
    marks: list[bool] | None = (
        None  # changed / written: drawn as filled, the rest as dots (readable as text)
    )


LEVELS = 48  # brightness steps per sign: finer than the eye tells apart in a terminal cell


def _level(t: float) -> int:
    return int(40 + 215 * math.sqrt(t))


_REDS = [Color.from_rgb(_level(i / LEVELS), 40, 40) for i in range(LEVELS + 1)]
_BLUES = [Color.from_rgb(40, 60, _level(i / LEVELS)) for i in range(LEVELS + 1)]


def diverging(t: float) -> Color:
    """-1 blue, 0 near-black, +1 red; the sign is the hue, the size the brightness."""
    t = max(-1.0, min(1.0, t))
    if t == 0:
        return BACKGROUND
    step = max(1, round(abs(t) * LEVELS))  # a nonzero value never rounds to the background
    return _REDS[step] if t > 0 else _BLUES[step]


_GREYS = [Color.from_rgb(v, v, v) for v in range(256)]


def grey(t: float) -> Color:
    """0 black .. 1 white, for pictures."""
    return _GREYS[int(255 * max(0.0, min(1.0, t)))]


def slice_cells(
    s: Slice,
    mode: str,
    items: Sequence[Value],
    marked: Sequence[Value] | None,
    written: bytearray | None,
) -> Cells:
    """Colour every item of the slice for a mode; items past the list's end are black."""
    indices = list(range(s.start, s.end + 1))
    live = list(items[s.start - 1 : s.end])  # one copy of the window: the engine may be appending
    values = live + [None] * (len(indices) - len(live))
    rows, cols = (s.shape[0], s.shape[1]) if len(s.shape) == 2 else (1, s.size)
    colors, summary = _colors(mode, indices, values, marked, written)
    marks = (
        None
        if mode == "value"
        else [c not in (UNCHANGED, NEVER_WRITTEN, NO_COVERAGE, MISSING) for c in colors]
    )
    transposed = rows > cols
    if transposed:
        order = [r * cols + c for c in range(cols) for r in range(rows)]
        colors, indices = [colors[i] for i in order], [indices[i] for i in order]
        marks = [marks[i] for i in order] if marks is not None else None
        rows, cols = cols, rows
    return Cells(rows, cols, colors, indices, summary, transposed, marks)


def _colors(
    mode: str,
    indices: list[int],
    values: list[Value],
    marked: Sequence[Value] | None,
    written: bytearray | None,
) -> tuple[list[Color], str]:
    if mode == "value":
        return _value_colors(values)
    if mode == "change":
        if marked is None:
            return [NO_COVERAGE] * len(values), "no mark yet"
        before = [marked[i - 1] if i <= len(marked) else None for i in indices]
        return _change_colors(values, before)
    if written is None:
        return [NO_COVERAGE] * len(values), "no mark yet: coverage counts from the mark"
    hits = [i <= len(written) and bool(written[i - 1]) for i in indices]
    colors = [WRITTEN if h else NEVER_WRITTEN for h in hits]
    colors = [MISSING if v is None else c for v, c in zip(values, colors, strict=True)]
    return colors, f"{sum(hits):,} of {len(hits):,} written since the mark"


def _value_colors(values: list[Value]) -> tuple[list[Color], str]:
    numbers = [None if v is None else to_number(v) for v in values]
    finite = [x for x in numbers if x is not None and math.isfinite(x)]
    scale = max((abs(x) for x in finite), default=0.0) or 1.0
    colors = [
        MISSING if x is None else NONFINITE if not math.isfinite(x) else diverging(x / scale)
        for x in numbers
    ]
    if not finite:
        return colors, "no items"
    return colors, f"min {min(finite):.4g} · max {max(finite):.4g}"


def _change_colors(values: list[Value], before: list[Value]) -> tuple[list[Color], str]:
    deltas = [
        None if a is None or b is None else to_number(a) - to_number(b)
        for a, b in zip(values, before, strict=True)
    ]
    same = [
        a is not None and b is not None and compare(a, b) == 0
        for a, b in zip(values, before, strict=True)
    ]
    scale = max((abs(d) for d in deltas if d is not None and math.isfinite(d)), default=0.0) or 1.0
    colors = []
    for d, unchanged in zip(deltas, same, strict=True):
        if d is None:
            colors.append(MISSING)
        elif unchanged:
            colors.append(UNCHANGED)
        elif not math.isfinite(d):
            colors.append(NONFINITE)
        else:
            # Even the smallest change must look different from none at all.
            t = d / scale
            colors.append(diverging(math.copysign(max(abs(t), 0.08), t)))
    changed = sum(1 for s, d in zip(same, deltas, strict=True) if d is not None and not s)
    return colors, f"{changed:,} of {len(values):,} changed · largest {scale:.3g}"


# ## Which slice is the input picture


def picture_slice(slices: Sequence[Slice], declared: str | None) -> Slice | None:
    """The input image: the slice the program declares as its picture (as a square), else a square 2-D slice."""
    for s in slices:
        if s.name == declared and _is_square(s.size):
            side = math.isqrt(s.size)
            return Slice(s.list_name, s.name, s.start, s.end, (side, side))
    for s in slices:
        if len(s.shape) == 2 and s.shape[0] == s.shape[1]:
            return s
    return None


def _is_square(n: int) -> bool:
    return n >= 4 and math.isqrt(n) ** 2 == n


def picture_lines(s: Slice, items: Sequence[Value]) -> list[list[Segment]]:
    """A square slice as a picture, two cells a pixel, 0 dark to 1 bright (values clipped).

    The glyph darkens with the colour, so the picture survives as plain text too.
    """
    side = s.shape[0]
    window = list(items[s.start - 1 : s.end])
    values = [to_number(v) for v in window] + [0.0] * (s.size - len(window))
    lines = []
    for r in range(side):
        row = [
            max(0.0, min(1.0, v)) if math.isfinite(v) else 0.0
            for v in values[r * side : (r + 1) * side]
        ]
        lines.append(
            [
                Segment(
                    SHADES[min(len(SHADES) - 1, int(v * len(SHADES)))] * 2,
                    Style(color=grey(0.25 + 0.75 * v)),
                )
                for v in row
            ]
        )
    return lines


SHADES = " ░▒▓█"


# ## The widget


class Heatmap(ScrollView, can_focus=True):
    """A slice as cells two to a character (▀: upper cell in front, lower behind); arrows move a cell cursor."""

    BINDINGS = [
        Binding("up", "move(0, -1)", show=False),
        Binding("down", "move(0, 1)", show=False),
        Binding("left", "move(-1, 0)", show=False),
        Binding("right", "move(1, 0)", show=False),
    ]
    DEFAULT_CSS = "Heatmap { overflow: auto auto; }"

    cell_cursor: reactive[tuple[int, int]] = reactive((0, 0), always_update=True)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.cells: Cells | None = None
        self.slice: Slice | None = None
        self.mode = MODES[0]
        self.values: Sequence[Value] = ()
        self.marked: Sequence[Value] | None = None

    def show(
        self,
        s: Slice | None,
        mode: str,
        items: Sequence[Value],
        marked: Sequence[Value] | None,
        written: bytearray | None,
    ) -> None:
        """Colour a slice for a mode and repaint."""
        self.slice, self.mode, self.values, self.marked = s, mode, items, marked
        self.cells = slice_cells(s, mode, items, marked, written) if s is not None else None
        rows, cols = (self.cells.rows, self.cells.cols) if self.cells else (0, 0)
        self.virtual_size = Size(cols, (rows + 1) // 2)
        self.cell_cursor = self.cell_cursor
        self._retitle()
        self.refresh()

    def _retitle(self) -> None:
        s, cells = self.slice, self.cells
        if s is None or cells is None:
            self.border_title, self.border_subtitle = "slices", "no named slices"
            return
        shape = "x".join(map(str, s.shape)) + (" transposed" if cells.transposed else "")
        self.border_title = joined(plain(f"{s.name} {shape}"), MODE_TITLES[self.mode])
        # Focused, the subtitle follows the cell cursor: which item, its value, its value at the mark.
        where = f"{s.list_name} {s.start}..{s.end}"
        self.border_subtitle = plain(
            self._cursor_text() if self.has_focus else f"{where} · {cells.summary}", 0
        )

    def on_focus(self) -> None:
        self._retitle()
        self.refresh()

    def on_blur(self) -> None:
        self._retitle()
        self.refresh()

    def _cursor_text(self) -> str:
        cells = self.cells
        if cells is None or not cells.items:
            return ""
        col, row = self.cell_cursor
        item = cells.items[min(row * cells.cols + col, len(cells.items) - 1)]
        value = self.values[item - 1] if item <= len(self.values) else None
        text = f"item {item} = {show_value(value)}"
        if self.marked is not None and item <= len(self.marked) and self.mode == "change":
            text += f" (was {show_value(self.marked[item - 1])})"
        return text

    def validate_cell_cursor(self, value: tuple[int, int]) -> tuple[int, int]:
        cells = self.cells
        if cells is None:
            return (0, 0)
        return (max(0, min(value[0], cells.cols - 1)), max(0, min(value[1], cells.rows - 1)))

    def watch_cell_cursor(self) -> None:
        col, row = self.cell_cursor
        self.scroll_to_region(
            Region(col, row // 2, 1, 1), animate=False, force=True, immediate=True
        )
        self._retitle()
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        """A click selects the cell under the pointer (a character holds two cells: the upper one)."""
        offset = event.get_content_offset(self)
        if offset is None or self.cells is None:
            return
        self.focus()
        self.cell_cursor = (self.scroll_offset.x + offset.x, (self.scroll_offset.y + offset.y) * 2)

    def action_move(self, dx: int, dy: int) -> None:
        col, row = self.cell_cursor
        self.cell_cursor = (col + dx, row + dy)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        cells = self.cells
        line = scroll_y + y
        if cells is None or line * 2 >= cells.rows:
            return Strip.blank(width, self.rich_style)
        cursor = self.cell_cursor if self.has_focus else None
        segments = [
            self._pair(cells, line * 2, col, cursor)
            for col in range(scroll_x, min(cells.cols, scroll_x + width))
        ]
        return Strip(segments).extend_cell_length(width, self.rich_style)

    def _pair(self, cells: Cells, row: int, col: int, cursor: tuple[int, int] | None) -> Segment:
        """Two vertically adjacent cells as one character."""
        top = _at(cells, row, col, cursor)
        has_bottom = row + 1 < cells.rows
        bottom = _at(cells, row + 1, col, cursor) if has_bottom else (BACKGROUND, False)
        if cells.marks is None:
            return Segment("▀", Style(color=top[0], bgcolor=bottom[0]))
        # Marked cells (changed, written) are filled and the rest are dots, so text captures show them too.
        glyph = {(True, True): "█", (True, False): "▀", (False, True): "▄", (False, False): "·"}[
            (top[1], bottom[1])
        ]
        color = top[0] if top[1] else bottom[0] if bottom[1] else top[0]
        return Segment(glyph, Style(color=color, bgcolor=BACKGROUND))


def _at(cells: Cells, row: int, col: int, cursor: tuple[int, int] | None) -> tuple[Color, bool]:
    i = row * cells.cols + col
    marked = cells.marks[i] if cells.marks is not None else True
    if cursor is not None and cursor == (col, row):
        return Color.from_rgb(255, 255, 0), True
    return cells.colors[i], marked
