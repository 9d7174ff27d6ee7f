"""Painter: repaints every pane from the session; what the data panes show (list, slice, mode) is DataPanes'."""

from __future__ import annotations

import contextlib
from typing import Any

from textual.app import App

from emulator.debug.explain import diagnosis_so_far
from emulator.debug.findings import procedure_of_blocks
from emulator.debug.layer_map import layer_map
from emulator.debug.list_access import ListAccess
from emulator.debug.session import DebugSession
from emulator.tui.live import evidence
from emulator.tui.live.events_view import EventsView, LayerMapView
from emulator.tui.live.status_bar import StatusBar
from emulator.tui.shared.block_view import BlockView
from emulator.tui.shared.data_panes import DataPanes
from emulator.tui.shared.findings_view import FindingsView
from emulator.tui.shared.output_view import CurvesView, OutputView, StoryView
from emulator.tui.shared.script_view import ScriptView
from emulator.tui.shared.state_source import SessionSource
from emulator.tui.shared.variables_view import VariablesView


class Painter(DataPanes):
    """The panes' view of one session; the app calls it after a pause and, while running, on a timer."""

    def __init__(self, app: App[Any], session: DebugSession) -> None:
        super().__init__(app, SessionSource(session))
        self.session = session
        self._procedures: dict[str, dict[str, str]] = {}

    def paused(self, *, new_pause: bool) -> None:
        """Repaint every pane; `new_pause`: this is a new stop (changes are measured from the last one)."""
        session = self.session
        paused = session.paused
        script = self.app.query_one(ScriptView)
        if paused is not None and paused.stmt is not None:
            script.show_block(paused.stmt.target.source, paused.stmt.block.id, current=True)
        elif paused is not None and paused.finished:
            script.clear_current()
        script.set_breakpoints(session.breakpoints)
        self.app.query_one(BlockView).show(session)
        self.data(new_pause=new_pause, access=session.list_access())
        # Only at a pause: drawing the conclusions walks every finding, too slow for each live tick.
        self.app.query_one(FindingsView).show(diagnosis_so_far(session))

    def running(self) -> None:
        """Repaint what the engine changes while it runs (it may add a variable under us: skip that tick)."""
        with contextlib.suppress(RuntimeError):
            self.data(new_pause=False, access=None)

    def data(self, *, new_pause: bool, access: ListAccess | None) -> None:
        """Variables, the list table, the slices, the events and the layer map."""
        session = self.session
        procedure = self.procedure()
        self.app.query_one(VariablesView).show(
            self.source, new_pause=new_pause, current=procedure, procedure=procedure
        )
        self.list_table(access)
        self.slices()
        self.app.query_one(EventsView).show(evidence.events(session))
        self.app.query_one(LayerMapView).show(layer_map(session))
        runtime = session.runtime
        self.app.query_one(OutputView).show(runtime.says, runtime.say_count)
        self.app.query_one(CurvesView).show({c.name: c.items for c in runtime.stage.lists.values()})
        self.app.query_one(StoryView).show(evidence.story_lines(session))

    def status(self, state: str, rate: float | None, marks: list[str]) -> None:
        """The status line."""
        self.app.query_one(StatusBar).show(
            self.session, state=state, rate=rate, marks=" · ".join(marks)
        )

    def procedure(self) -> str | None:
        """The custom block the paused block sits in."""
        paused = self.session.paused
        if paused is None or paused.stmt is None:
            return None
        target = paused.stmt.target.source
        if target.name not in self._procedures:
            self._procedures[target.name] = procedure_of_blocks(target)
        return self._procedures[target.name].get(paused.stmt.block.id)
