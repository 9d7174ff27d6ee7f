"""ReplayPainter: repaints every replay pane from a ReplayState after a move; list, slice and mode are DataPanes'."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import App

from emulator.tui.replay.event_log import EventLog
from emulator.tui.replay.state import ReplayState
from emulator.tui.replay.timeline import Timeline
from emulator.tui.replay.write_view import WriteView
from emulator.tui.shared.data_panes import DataPanes
from emulator.tui.shared.output_view import SHOWN_BUBBLES, CurvesView, OutputView
from emulator.tui.shared.plain import joined, plain
from emulator.tui.shared.script_view import ScriptView
from emulator.tui.shared.variables_view import VariablesView
from emulator.value_text import show_value


class ReplayPainter(DataPanes):
    """The panes' view of a replay; the app calls `moved` after every move."""

    def __init__(
        self, app: App[Any], state: ReplayState, stops_name: str, stops: list[int]
    ) -> None:
        super().__init__(app, state)
        self.state = state
        self.stops_name, self.stops = stops_name, stops

    def moved(self) -> None:
        """Repaint every pane for the state now shown."""
        state = self.state
        event = state.current()
        procedure = state.procedure()
        self.timeline()
        self.app.query_one(WriteView).show(event, state.overwritten, state.project, procedure)
        self.script()
        # Without the project, the written variable's own name tells which group to list first.
        current = procedure or (event.cell.name if event is not None else None)
        self.app.query_one(VariablesView).show(
            state, new_pause=True, current=current, procedure=procedure
        )
        self.list_table(state.access())
        self.slices()
        self.app.query_one(EventLog).show(state.trace, state.position)
        says = state.says()
        self.app.query_one(OutputView).show(says[-SHOWN_BUBBLES:], len(says))
        self.app.query_one(CurvesView).show(state.stage_lists())

    def timeline(self) -> None:
        """The bar and its line of numbers."""
        state = self.state
        trace = state.trace
        done = sum(1 for s in self.stops if s <= state.position)
        shown = state.program.status_variables if state.program is not None else ()
        values = {name: value for name, value in state.variable_values().values() if name in shown}
        parts: list[str | Text] = [
            Text.assemble((f"after {state.position:,}", "b"), f" of {trace.event_count:,} events"),
            f"step {state.step():,} of {trace.final_step:,}",
            plain(f"{self.stops_name} stop {done} of {len(self.stops)}"),
            *(plain(f"{name} {show_value(values[name])}") for name in shown if name in values),
            Text.assemble(("M", "magenta"), f" mark after {state.mark:,}"),
        ]
        self.app.query_one(Timeline).show(
            state.position,
            trace.event_count,
            mark=state.mark,
            ticks=self.stops,
            caption=joined(*parts),
        )

    def script(self) -> None:
        """The script holding the block that wrote, with that block marked (only with the program at hand)."""
        state, view = self.state, self.app.query_one(ScriptView)
        event = state.current()
        if state.project is None or event is None:
            view.clear_current()
            view.border_title = (
                "script" if state.project is not None else "script (the program is not at hand)"
            )
            return
        try:
            target = state.project.target(event.block.target)
        except KeyError:
            return
        view.show_block(target, event.block.id, current=True)
