"""InputPicture: the network's current input (a 14x14 image, say) drawn as a picture."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

from emulator.slices import Slice
from emulator.tui.shared.heatmap import picture_lines
from emulator.tui.shared.plain import joined, plain
from emulator.values import Value


class InputPicture(Static):
    """A square slice, one pixel two cells wide, black 0 to white 1."""

    def show(self, s: Slice | None, items: Sequence[Value]) -> None:
        """Draw the slice from the live list."""
        if s is None:
            self.border_title = "input"
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
