"""StatusBar: where the run is (state, thread, blocks, speed) and where the program is (epoch, sample)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from emulator.debug.session import DebugSession
from emulator.tui.shared.plain import joined, plain
from emulator.value_text import show_value


class StatusBar(Static):
    """One line at the bottom of the screen."""

    def show(self, session: DebugSession, *, state: str, rate: float | None, marks: str) -> None:
        """`state` says paused (and why) or running; `rate` is blocks per second while running."""
        runtime = session.runtime
        paused = session.paused
        running = runtime.active_thread or (paused.thread if paused is not None else None)
        thread = running.target.name if running is not None else "-"
        parts: list[str | Text] = [Text(state, style="b"), plain(f"thread {thread}")]
        parts.append(f"blocks {runtime.blocks:,}")
        if rate is not None:
            parts.append(f"{rate / 1e6:.2f} M blocks/s")
        for name in session.program.status_variables if session.program is not None else ():
            cell = runtime.stage.find_variable(None, name)
            if cell is not None:
                parts.append(plain(f"{name} {show_value(cell.value)}"))
        if marks:
            parts.append(marks)
        self.update(joined(*parts))
