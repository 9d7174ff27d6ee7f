"""ScriptView: the script or custom block being run, as scratchblocks text; current block and breakpoints marked."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding

from emulator.project import Target
from emulator.render_blocks import Line, render_script, script_top
from emulator.tui.shared.line_view import LineView
from emulator.tui.shared.messages import BreakpointToggled
from emulator.tui.shared.plain import joined, plain

INDENT = "  "
GUTTER = 3  # breakpoint dot, current-block arrow, a space


class ScriptView(LineView):
    """One script at a time: the one the paused block is in, or one the user jumped to."""

    BINDINGS = [Binding("enter", "toggle_breakpoint", "breakpoint", key_display="⏎")]
    DEFAULT_CSS = """
    ScriptView > .script-view--current { background: $warning 30%; text-style: bold; }
    """
    COMPONENT_CLASSES = LineView.COMPONENT_CLASSES | {"script-view--current"}

    def __init__(self, *, breakpoints: bool = True, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        # Replay has no breakpoints: there Enter and the gutter do nothing, and the footer says nothing.
        self.takes_breakpoints = breakpoints
        self.target: Target | None = None
        self.top_id: str | None = None
        self.lines: list[Line] = []
        self.current_id: str | None = None
        self.breakpoints: set[str] = set()
        self.browsing = False
        self._width = 0

    # ## What is shown

    def show_block(self, target: Target, block_id: str, *, current: bool) -> None:
        """Show the script holding this block, with the cursor on it; `current`: it is the paused block."""
        top = script_top(target.blocks, block_id)
        if self.target is not target or top != self.top_id:
            self.target, self.top_id = target, top
            self.lines = render_script(target.blocks, top)
            self._width = GUTTER + max(
                (len(INDENT) * ln.depth + len(ln.text) for ln in self.lines), default=0
            )
        if current:
            self.current_id = block_id
        row = self.row_of(block_id)
        shown = self.lines[row].block_id if row is not None else block_id
        self.browsing = not current and shown != self.current_id
        self.rows_changed()
        if row is not None:
            self.cursor = row
            # Centre once the new rows are laid out (on first paint the view has no size yet).
            self.call_after_refresh(self.scroll_to_row, row, True)
        self._retitle()

    def clear_current(self) -> None:
        """The run finished: no block is current."""
        self.current_id = None
        self.refresh()

    def set_breakpoints(self, breakpoints: set[str]) -> None:
        """Which blocks carry a breakpoint."""
        self.breakpoints = set(breakpoints)
        self.refresh()

    def row_of(self, block_id: str) -> int | None:
        """The row showing a block, or the stack block a reporter sits in, if this script has it."""
        rows = {line.block_id: i for i, line in enumerate(self.lines) if line.block_id is not None}
        blocks = self.target.blocks if self.target is not None else {}
        current: str | None = block_id
        while current is not None:
            if current in rows:
                return rows[current]
            current = blocks[current].parent if current in blocks else None
        return None

    @property
    def block_under_cursor(self) -> str | None:
        """The block on the cursor's row (None on `else` and `end` rows)."""
        if not self.lines:
            return None
        return self.lines[min(self.cursor, len(self.lines) - 1)].block_id

    def _retitle(self) -> None:
        if self.target is None or not self.lines:
            self.border_title = "script"
            return
        first = self.lines[0].text
        self.border_title = joined(plain(self.target.name), plain(first))
        self.border_subtitle = "browsing · . back to the current block" if self.browsing else ""

    # ## LineView

    @property
    def row_count(self) -> int:
        return len(self.lines)

    @property
    def row_width(self) -> int:
        return self._width

    def row(self, index: int) -> Text:
        line = self.lines[index]
        mark = "●" if line.block_id in self.breakpoints else " "
        arrow = "▶" if line.block_id is not None and line.block_id == self.current_id else " "
        text = Text(f"{mark}{arrow} ", style="bold red" if mark != " " else "")
        text.append(INDENT * line.depth + line.text, style=_syntax_style(line))
        if arrow != " ":
            text.stylize(self.get_component_rich_style("script-view--current"))
        return text

    def clicked(self, row: int, column: int) -> None:
        """A click in the gutter (before the line's text) toggles the row's breakpoint."""
        if column < GUTTER:
            self.action_toggle_breakpoint()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Without breakpoints (replay) the Enter binding is neither run nor shown in the footer."""
        return self.takes_breakpoints or action != "toggle_breakpoint"

    def action_toggle_breakpoint(self) -> None:
        block_id = self.block_under_cursor
        if block_id is not None and self.takes_breakpoints:
            self.post_message(BreakpointToggled(block_id))


def _syntax_style(line: Line) -> str:
    if line.block_id is None:
        return "dim"
    if line.text.startswith(("define ", "when ")):
        return "bold magenta"
    return ""
