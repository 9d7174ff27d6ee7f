"""DebuggerApp: composes the panels, maps keys to the session, and runs the engine in a worker thread."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, TabbedContent, TabPane

from emulator.debug.findings import procedure_of_blocks
from emulator.debug.session import DebugSession
from emulator.errors import EmulatorError, ProgramError
from emulator.runtime.scheduler import Runtime
from emulator.tui import evidence
from emulator.tui.block_view import BlockView
from emulator.tui.events_view import EventsView, LayerMapView
from emulator.tui.heatmap import MODE_TITLES, MODES, Heatmap, picture_slice
from emulator.tui.lists_view import ListTable, list_cells, marked_items
from emulator.tui.messages import BreakpointToggled, JumpToBlock, RunFailed, RunStopped
from emulator.tui.picture_view import InputPicture
from emulator.tui.prompts import HelpScreen, Prompt
from emulator.tui.script_view import ScriptView
from emulator.tui.session_actions import (
    add_watch,
    describe_target,
    find_text,
    mark_condition,
    out_of_range_condition,
    state_text,
    watch_text,
)
from emulator.tui.status_bar import StatusBar
from emulator.tui.variables_view import VariablesView, step_of

LIVE_REFRESH_S = 0.3  # while running, panes repaint about three times a second


class DebuggerApp(App[None]):
    """The inspector: script, block, variables, lists and slices, events; the session does the work."""

    CSS_PATH = Path(__file__).with_name("debugger.tcss")
    TITLE = "scratch-emu debug"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "run('step')", "step"),
        Binding("n", "run('step_over')", "over"),
        Binding("o", "run('step_out')", "out"),
        Binding("c", "run('continue_')", "continue"),
        Binding("p", "pause", "pause"),
        Binding("b", "breakpoint", "breakpoint"),
        Binding("w", "watch", "watch"),
        Binding("slash", "search", "search"),
        Binding("full_stop", "current", "current block", show=False),
        Binding("x", "break_out_of_range", "break on out-of-range", show=False),
        Binding("m", "mode", "heatmap mode"),
        Binding("left_square_bracket", "slice(-1)", "slice", show=False),
        Binding("right_square_bracket", "slice(1)", "next slice", show=False),
        Binding("l", "next_list", "list"),
        Binding("e", "events", "events", show=False),
        Binding("t", "next_tab", "events/layers", show=False),
        Binding("question_mark", "help", "help"),
        Binding("q", "quit", "quit"),
    ]
    KEYS_HELP: ClassVar[list[tuple[str, str]]] = [
        ("s", "step: run the block, pause before the next one"),
        ("n", "step over: a custom block call runs to its end"),
        ("o", "step out: run until the current custom block returns"),
        ("c", "continue: run to a breakpoint, watchpoint, condition, or the end"),
        ("p", "pause a running program (takes effect before the next block)"),
        ("b / Enter", "toggle a breakpoint on the block under the script cursor"),
        ("w", "watch a variable (NAME) or list items (LIST:START-END); pauses after a write"),
        ("x", "toggle: pause before any list access outside its list"),
        ("/", "search the scripts' text; again to find the next match"),
        (".", "show the current block again after browsing"),
        ("m", "heatmap mode: value / change since the mark / never written"),
        ("[ ]", "previous / next named slice"),
        ("l", "next list in the list table (it follows the paused block's list item)"),
        ("e", "events: filter box; f cycles the kind; Enter on a row shows its block"),
        ("t", "switch the bottom-right tab: events / layer map"),
        ("Tab", "next pane; arrows, PgUp/PgDn, Home/End move inside it"),
        ("ctrl+p", "command palette: lists, slices, modes, mark, breakpoints"),
        ("q", "quit"),
    ]

    def __init__(self, session: DebugSession, *, live_refresh_s: float = LIVE_REFRESH_S) -> None:
        super().__init__()
        self.session = session
        self.live_refresh_s = live_refresh_s
        self.running = False
        self.state = "paused"
        self.rate: float | None = None
        self.heatmap_mode = MODES[0]
        self.slice_index = 0
        self.list_name: str | None = None
        self.follow_access = True
        self.search_query = ""
        self._procedures: dict[str, dict[str, str]] = {}
        self._ticker: Timer | None = None
        self._tick_at = (0.0, 0)
        self._mark_condition: Callable[[Runtime], bool] | None = None
        self._range_condition: Callable[[Runtime], bool] | None = None
        self.sub_title = describe_target(session)

    # ## Layout

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="top"):
            yield ScriptView(id="script")
            with Vertical(id="side"):
                yield BlockView(id="block")
                yield VariablesView(id="variables")
        with Horizontal(id="bottom"):
            yield ListTable(id="list")
            yield Heatmap(id="heatmap")
            yield InputPicture(id="picture")
            with TabbedContent(id="tabs"):
                with TabPane("events", id="events-tab"):
                    yield EventsView(id="events")
                with TabPane("layer map", id="layers-tab"):
                    yield LayerMapView(id="layers")
        yield StatusBar(id="status")
        yield Footer()

    def on_mount(self) -> None:
        for pane_id, title in (("block", "block"), ("variables", "variables"), ("events", "events")):
            self.query_one(f"#{pane_id}").border_title = title
        self._ticker = self.set_interval(self.live_refresh_s, self._live, pause=True)
        session = self.session
        if session.paused is None:
            # A fresh session's first step stops before the script's first block has run.
            session.step()
        if session.paused is not None:
            self.state = state_text(session.paused)
        self._arm_mark()
        self.query_one(ScriptView).focus()
        self.refresh_panes(new_pause=True)

    def _arm_mark(self) -> None:
        """Changes and coverage count from the program's mark (day3: training starts), else from now."""
        session = self.session
        if session.marked is not None:
            return
        self._mark_condition = mark_condition(session)
        if self._mark_condition is None:
            session.set_mark()
        else:
            session.break_when(self._mark_condition)

    # ## Running the engine

    def action_run(self, command: str) -> None:
        if self.running:
            self.notify("running: p pauses", severity="warning")
            return
        if self.session.paused is not None and self.session.paused.finished:
            self.notify("the run has finished", severity="warning")
            return
        self.running = True
        self.state = "running"
        self.rate = None
        self._tick_at = (time.monotonic(), self.session.runtime.blocks)
        if self._ticker is not None:
            self._ticker.resume()
        self.query_one(BlockView).update("[dim]running… p pauses[/]")
        self._status()
        self._drive(command)

    @work(thread=True, exclusive=True, group="engine", exit_on_error=False)
    def _drive(self, command: str) -> None:
        """Runs in a worker thread: the engine, until it pauses; touches no widget, only posts."""
        try:
            paused = getattr(self.session, command)()
        except (ProgramError, EmulatorError) as exc:
            self.post_message(RunFailed(str(exc)))
            return
        self.post_message(RunStopped(paused, command))

    def action_pause(self) -> None:
        if self.running:
            self.session.request_pause()

    def on_run_stopped(self, message: RunStopped) -> None:
        self._stopped()
        paused = message.paused
        self.state = state_text(paused)
        if paused.reason == "condition" and self._range_condition is not None:
            access = self.session.list_access()
            if access is not None and not access.in_range:
                self.state = "paused (out-of-range list access)"
        if paused.reason == "watch":
            self.notify(paused.detail, title="watchpoint")
        elif paused.finished:
            self.notify("the run has finished")
        self.refresh_panes(new_pause=True)

    def on_run_failed(self, message: RunFailed) -> None:
        self._stopped()
        self.state = "stopped by an error"
        self.notify(message.error, title="the run stopped", severity="error", timeout=30)
        self.refresh_panes(new_pause=True)

    def _stopped(self) -> None:
        self.running = False
        if self._ticker is not None:
            self._ticker.pause()
        conditions = self.session.conditions
        if self._mark_condition in conditions and self.session.marked is not None:
            conditions.remove(self._mark_condition)

    def _live(self) -> None:
        """While running: measure the speed and repaint what the engine changes, a few times a second."""
        if not self.running:
            return
        now, blocks = time.monotonic(), self.session.runtime.blocks
        then, before = self._tick_at
        if now > then:
            self.rate = (blocks - before) / (now - then)
        self._tick_at = (now, blocks)
        # A dict may grow under us (the engine creating a variable); the next tick repaints.
        with contextlib.suppress(RuntimeError):
            self._refresh_data(new_pause=False)
        self._status()

    # ## Painting

    def refresh_panes(self, *, new_pause: bool) -> None:
        """Repaint every pane from the session (after a pause)."""
        session = self.session
        paused = session.paused
        script = self.query_one(ScriptView)
        if paused is not None and paused.stmt is not None:
            script.show_block(paused.stmt.target.source, paused.stmt.block.id, current=True)
        elif paused is not None and paused.finished:
            script.clear_current()
        script.set_breakpoints(session.breakpoints)
        self.query_one(BlockView).show(session)
        self._refresh_data(new_pause=new_pause)
        self._status()

    def _refresh_data(self, *, new_pause: bool) -> None:
        session = self.session
        procedure = self._procedure()
        self.query_one(VariablesView).show(session, new_pause=new_pause, step=step_of(procedure),
                                           procedure=procedure)
        self._refresh_list(access=session.list_access() if not self.running else None)
        self._refresh_slices()
        self.query_one(EventsView).show(evidence.events(session))
        self.query_one(LayerMapView).show(evidence.layer_map(session))

    def _refresh_list(self, access: Any) -> None:
        cells = list_cells(self.session)
        if access is not None and self.follow_access:
            self.list_name = access.list_name
        cell = next((c for c in cells if c.name == self.list_name), None)
        if cell is None:
            # Nothing chosen or touched yet: the list the named slices cut up, else any non-empty one.
            wanted = self.session.slices[0].list_name if self.session.slices else None
            cell = next((c for c in cells if c.name == wanted), None) or next(
                (c for c in cells if c.items), cells[0] if cells else None)
            self.list_name = cell.name if cell is not None else None
        written = (self.session.findings.written or {}).get(cell.name) if cell is not None else None
        if cell is not None and written is None and self.session.findings.written is not None:
            written = bytearray()
        marked = marked_items(self.session, cell) if cell is not None else None
        self.query_one(ListTable).show(cell, marked, written, access)

    def _refresh_slices(self) -> None:
        session = self.session
        slices = session.slices
        s = slices[self.slice_index % len(slices)] if slices else None
        items, marked, written = self._slice_data(s.list_name if s else None)
        self.query_one(Heatmap).show(s, self.heatmap_mode, items, marked, written)
        picture = picture_slice(slices, evidence.layer_sizes(session))
        self.query_one(InputPicture).show(picture, self._slice_data(picture.list_name)[0] if picture else [])

    def _slice_data(self, list_name: str | None) -> tuple[list[Any], list[Any] | None, bytearray | None]:
        cell = next((c for c in list_cells(self.session) if c.name == list_name), None)
        if cell is None:
            return [], None, None
        coverage = self.session.findings.written
        written = None if coverage is None else coverage.get(cell.name, bytearray())
        return cell.items, marked_items(self.session, cell), written

    def _status(self) -> None:
        session = self.session
        marks = [f"{len(session.breakpoints)} breakpoint(s)"] if session.breakpoints else []
        marks += [watch_text(w) for w in session.findings.watches]
        if self._range_condition is not None:
            marks.append("x: out-of-range")
        marks.append("marked" if session.marked is not None else "mark pending")
        self.query_one(StatusBar).show(session, state=self.state, rate=self.rate if self.running else None,
                                       marks=" · ".join(marks))

    def _procedure(self) -> str | None:
        paused = self.session.paused
        if paused is None or paused.stmt is None:
            return None
        target = paused.stmt.target.source
        if target.name not in self._procedures:
            self._procedures[target.name] = procedure_of_blocks(target)
        return self._procedures[target.name].get(paused.stmt.block.id)

    # ## Breakpoints, watches, conditions

    def action_breakpoint(self) -> None:
        self.query_one(ScriptView).action_toggle_breakpoint()

    def on_breakpoint_toggled(self, message: BreakpointToggled) -> None:
        now_set = self.session.toggle_breakpoint(message.block_id)
        self.query_one(ScriptView).set_breakpoints(self.session.breakpoints)
        self.notify(f"breakpoint {'set on' if now_set else 'cleared from'} block {message.block_id}", timeout=2)
        self._status()

    def action_watch(self) -> None:
        self.push_screen(Prompt("watch: a variable NAME, or LIST:START-END", "weights:3941-4100"), self._watch)

    def _watch(self, text: str | None) -> None:
        if not text:
            return
        error = add_watch(self.session, text)
        if error:
            self.notify(error, severity="error")
        else:
            self.notify(f"watching {watch_text(self.session.findings.watches[-1])}", timeout=3)
        self._status()

    def action_break_out_of_range(self) -> None:
        session = self.session
        if self._range_condition is not None:
            session.conditions.remove(self._range_condition)
            self._range_condition = None
            self.notify("no longer pausing on out-of-range list access", timeout=3)
        else:
            self._range_condition = out_of_range_condition(session)
            session.break_when(self._range_condition)
            self.notify("pausing before any list access outside its list", timeout=3)
        self._status()

    # ## Browsing

    def action_current(self) -> None:
        paused = self.session.paused
        if paused is not None and paused.stmt is not None:
            self.query_one(ScriptView).show_block(paused.stmt.target.source, paused.stmt.block.id, current=True)
            self.query_one(ScriptView).focus()

    def on_jump_to_block(self, message: JumpToBlock) -> None:
        try:
            target = self.session.project.target(message.target)
        except KeyError:
            return
        script = self.query_one(ScriptView)
        script.show_block(target, message.block_id, current=False)
        script.focus()

    def action_search(self) -> None:
        self.push_screen(Prompt("search the scripts", "text, e.g. get_delta_offset", self.search_query), self._search)

    def _search(self, text: str | None) -> None:
        if not text:
            return
        self.search_query = text
        found = find_text(self.session, text, self._search_position())
        if found is None:
            self.notify(f"no block says {text!r}", severity="warning")
            return
        self.post_message(JumpToBlock(*found))

    def _search_position(self) -> tuple[str, str] | None:
        script = self.query_one(ScriptView)
        block = script.block_under_cursor
        return (script.target.name, block) if script.target is not None and block is not None else None

    def action_next_tab(self) -> None:
        tabs = self.query_one(TabbedContent)
        tabs.active = "layers-tab" if tabs.active == "events-tab" else "events-tab"

    def action_events(self) -> None:
        self.query_one(TabbedContent).active = "events-tab"
        self.query_one(EventsView).focus_filter()

    # ## Lists and slices

    def action_mode(self) -> None:
        self.heatmap_mode = MODES[(MODES.index(self.heatmap_mode) + 1) % len(MODES)]
        self._refresh_slices()
        self.notify(f"heatmap: {MODE_TITLES[self.heatmap_mode]}", timeout=2)

    def action_slice(self, delta: int) -> None:
        if self.session.slices:
            self.slice_index = (self.slice_index + delta) % len(self.session.slices)
            self._refresh_slices()

    def action_next_list(self) -> None:
        names = [c.name for c in list_cells(self.session)]
        if names:
            at = names.index(self.list_name) if self.list_name in names else -1
            self.show_list(names[(at + 1) % len(names)])

    def show_list(self, name: str) -> None:
        """Show a list in the list table (and stop following the paused block's list)."""
        self.list_name, self.follow_access = name, False
        self._refresh_list(access=None)

    def show_slice(self, index: int) -> None:
        """Show the slice with this index in the heatmap."""
        self.slice_index = index
        self._refresh_slices()

    def set_mode(self, mode: str) -> None:
        """Set the heatmap mode."""
        self.heatmap_mode = mode
        self._refresh_slices()

    # ## Palette, help, quit

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        session = self.session
        for i, s in enumerate(session.slices):
            yield SystemCommand(f"Slice {s.name}", f"heatmap of {s.list_name} items {s.start}..{s.end}",
                                partial(self.show_slice, i))
        for cell in list_cells(session):
            yield SystemCommand(f"List {cell.name}", f"show `{cell.name}` in the list table",
                                partial(self.show_list, cell.name))
        for mode in MODES:
            yield SystemCommand(f"Heatmap: {MODE_TITLES[mode]}", "colour the slice by this", partial(self.set_mode, mode))
        yield SystemCommand("Follow the paused block's list", "the list table jumps to the item the block touches",
                            self._follow)
        yield SystemCommand("Set the mark here", "changes and coverage count from this block", self._mark_here)
        yield SystemCommand("Break on out-of-range list access", "toggle (x)", self.action_break_out_of_range)
        yield SystemCommand("Clear breakpoints", "remove every breakpoint", self._clear_breakpoints)
        yield SystemCommand("Clear watches", "remove every watchpoint", self._clear_watches)

    def _follow(self) -> None:
        self.follow_access = True
        self.refresh_panes(new_pause=False)

    def _mark_here(self) -> None:
        self.session.set_mark()
        self.refresh_panes(new_pause=False)

    def _clear_breakpoints(self) -> None:
        self.session.breakpoints.clear()
        self.refresh_panes(new_pause=False)

    def _clear_watches(self) -> None:
        self.session.findings.watches.clear()
        self._status()

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.KEYS_HELP))

    async def action_quit(self) -> None:
        self.session.request_pause()  # the worker thread must end before the process can
        self.exit()


def run_app(session: DebugSession) -> None:
    """Open the inspector on a session (the `scratch-emu debug` command)."""
    DebuggerApp(session).run()
