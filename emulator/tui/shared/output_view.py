"""The story, output and curves tabs of both inspectors: what the evidence says so far, what the program said, what it learned."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Label, Sparkline, Static

from emulator.program import Curve
from emulator.runtime.state import Say
from emulator.tui.shared.plain import plain
from emulator.value_text import safe_text
from emulator.values import Value, bubble_text, to_number

SHOWN_BUBBLES = 200  # the newest bubbles the pane draws


class OutputView(Static):
    """Each bubble as `12.300 s  Sprite1 says: text`; a run that said more counts the rest."""

    def show(self, says: Sequence[Say], total: int) -> None:
        """Draw the newest bubbles; `total` counts every bubble the run showed."""
        if not says:
            self.update(Text("nothing said yet", style="dim"))
            return
        shown = list(says)[-SHOWN_BUBBLES:]
        text = Text()
        if total > len(shown):
            text.append(f"({total - len(shown):,} earlier bubbles not shown)\n", style="dim")
        for i, say in enumerate(shown):
            if i:
                text.append("\n")
            text.append(f"{say.at_ms / 1000:9.3f} s  ", style="dim")
            text.append(plain(f"{say.target} {say.kind}s: ", 40, style="cyan"))
            text.append(safe_text(bubble_text(say.text), 300))
        self.update(text)


class CurvesView(VerticalScroll):
    """One sparkline per curve the program declares, with its latest figure."""

    def __init__(self, curves: Sequence[Curve], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.curves = list(curves)

    def compose(self) -> ComposeResult:
        if not self.curves:
            yield Label(Text("the program declares no curves", style="dim"))
        for i, curve in enumerate(self.curves):
            yield Label(plain(curve.label), id=f"curve-label-{i}")
            yield Sparkline([], id=f"curve-{i}")

    def show(self, lists: Mapping[str, Sequence[Value]]) -> None:
        """Redraw each curve from its list (the stage's lists by name)."""
        for i, curve in enumerate(self.curves):
            values = [to_number(v) for v in lists.get(curve.list_name, ())]
            self.query_one(f"#curve-{i}", Sparkline).data = values
            latest = f": {values[-1]:.4g} after {len(values)}" if values else ": no figure yet"
            self.query_one(f"#curve-label-{i}", Label).update(plain(curve.label + latest))


class StoryView(Static):
    """What the run shows so far: each slice's change since the mark, layer-map problems, bad accesses."""

    def show(self, lines: Sequence[tuple[str, str]]) -> None:
        """Draw the lines, problems in red."""
        text = Text()
        for i, (line, style) in enumerate(lines):
            if i:
                text.append("\n")
            text.append(plain(line, 0, style=style))
        self.update(text)
