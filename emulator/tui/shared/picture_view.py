"""InputPicture: the network's current input (a 14x14 image, say) drawn as a picture with the labels the
program declares, else the stage."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from rich.text import Text
from textual.widgets import Static

from emulator.program import PictureLabel
from emulator.runtime.pen import RGB
from emulator.slices import Slice
from emulator.tui.shared.heatmap import picture_lines
from emulator.tui.shared.plain import joined, plain
from emulator.values import Value, to_number, to_string

Stage = Callable[[int, int], "list[list[RGB | None]] | None"]
"""The stage drawn on a columns x rows grid, or None when there is nothing on it."""


class InputPicture(Static):
    """A square slice, one pixel two cells wide, black 0 to white 1."""

    def show(
        self,
        s: Slice | None,
        items: Sequence[Value],
        labels: Sequence[tuple[str, str]] = (),
        stage: Stage | None = None,
    ) -> None:
        """Draw the slice from the live list, the labels ("true", "7") under it; with no such slice,
        the stage (its sprites and what the pens drew) if there is anything on it."""
        self.border_subtitle = joined(*(plain(f"{name} {value}", 30) for name, value in labels))
        if s is None:
            self.border_title = "input"
            grid = self._stage_grid(stage) if stage is not None else None
            if grid is not None:
                self.border_title = "stage"
                self.update(_half_blocks(grid))
                return
            self.update(Text("no square input slice", style="dim"))
            return
        self.border_title = joined(plain(s.name), plain(f"{s.list_name} {s.start}..{s.end}"))
        text = Text()
        for i, line in enumerate(picture_lines(s, items)):
            if i:
                text.append("\n")
            for segment in line:
                text.append(segment.text, segment.style)
        self.update(text)

    def _stage_grid(self, stage: Stage) -> list[list[RGB | None]] | None:
        """The stage at the pane's size, two pixels a cell (upper and lower half blocks)."""
        width, height = self.content_size.width or 28, self.content_size.height or 11
        columns = max(4, min(width, height * 2 * 4 // 3))  # the stage is 4:3
        return stage(columns, columns * 3 // 4)


def _half_blocks(grid: list[list[RGB | None]]) -> Text:
    """Two rows of the grid a line: the upper pixel as the foreground, the lower as the background."""
    text = Text()
    columns = len(grid[0]) if grid else 0
    for top in range(0, len(grid), 2):
        if top:
            text.append("\n")
        bottom = grid[top + 1] if top + 1 < len(grid) else [None] * columns
        for upper, lower in zip(grid[top], bottom, strict=True):
            text.append("▀", f"{_colour(upper)} on {_colour(lower)}")
    return text


def _colour(rgb: RGB | None) -> str:
    """A Rich colour: white where the pen drew nothing (the stage's backdrop)."""
    r, g, b = rgb if rgb is not None else (1.0, 1.0, 1.0)
    return f"rgb({round(r * 255)},{round(g * 255)},{round(b * 255)})"


def label_values(
    labels: Sequence[PictureLabel],
    slices: Sequence[Slice],
    variables: Mapping[str, Value],
    items_of: Callable[[str], Sequence[Value]],
) -> list[tuple[str, str]]:
    """Each declared label with its value now ("-" when its variable or slice has none yet)."""
    out = []
    for label in labels:
        value = "-"
        if label.variable is not None and label.variable in variables:
            value = to_string(variables[label.variable])
        elif label.argmax_slice is not None:
            s = next((x for x in slices if x.name == label.argmax_slice), None)
            part = list(items_of(s.list_name)[s.start - 1 : s.end]) if s is not None else []
            if part:
                numbers = [to_number(v) for v in part]
                value = str(numbers.index(max(numbers)) + label.first)
        out.append((label.label, value))
    return out
