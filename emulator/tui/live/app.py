"""DebuggerApp: composes the panels, maps keys to the session, and runs the engine in a worker thread."""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult, SystemCommand
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from emulator.debug.search import find_text
from emulator.debug.session import DebugSession, PauseReason
from emulator.errors import EmulatorError, ProgramError
from emulator.program import Curve
from emulator.tui.live.commands import palette_commands
from emulator.tui.live.events_view import EventsView, LayerMapView
from emulator.tui.live.evidence import changed_items
from emulator.tui.live.labels import describe_target, state_text
from emulator.tui.live.painter import Painter
from emulator.tui.live.status_bar import StatusBar
from emulator.tui.shared.block_view import BlockView
from emulator.tui.shared.findings_view import FindingsView, target_of_block
from emulator.tui.shared.heatmap import Heatmap
from emulator.tui.shared.keys import SHARED, help_rows, key
from emulator.tui.shared.layout import Responsive, TooSmall
from emulator.tui.shared.lists_view import ListTable
from emulator.tui.shared.messages import BreakpointToggled, JumpToBlock, RunFailed, RunStopped
from emulator.tui.shared.output_view import CurvesView, OutputView, StoryView
from emulator.tui.shared.picture_view import InputPicture
from emulator.tui.shared.prompts import HelpScreen, Prompt
from emulator.tui.shared.script_view import ScriptView
from emulator.tui.shared.variables_view import VariablesView
from emulator.value_text import safe_text

LIVE_REFRESH_S = (
    0.5  # while running, panes repaint twice a second: each repaint takes the GIL from the engine
)


class DebuggerApp(Responsive):
    """The inspector: script, block, variables, lists and slices, events; the session does the work."""

    painter: Painter  # the panes it paints

    CSS_PATH = Path(__file__).parent.parent / "shared" / "debugger.tcss"
    TITLE = "scratch-emu debug"
    BINDINGS: ClassVar[list[BindingType]] = [
        key("s", "run('step')", "step", "step: run the block, pause before the next one"),
        key("n", "run('step_over')", "over", "step over: a custom block call runs to its end"),
        key("o", "run('step_out')", "out", "step out: run until the current custom block returns"),
        key(
            "c",
            "run('continue_')",
            "continue",
            "continue: to a breakpoint, watchpoint, condition or the end",
        ),
        key("p", "pause", "pause", "pause a running program (before its next block)"),
        key(
            "ctrl+r",
            "restart",
            "restart",
            "reload the edited program; keep breakpoints and watches",
            False,
        ),
        key(
            "x",
            "break_out_of_range",
            "x out-of-range",
            "toggle: pause before any list access outside its list",
        ),
        key(
            "b",
            "breakpoint",
            "breakpoint",
            "toggle a breakpoint on the block under the script cursor",
        ),
        key("w", "watch", "watch", "watch NAME or LIST:START-END; pauses after a write to it"),
        key(
            "B",
            "break_when",
            "break when",
            "pause when NAME OP VALUE or LIST[N] OP VALUE holds",
            show=False,
        ),
        key(
            "i",
            "break_fractional_index",
            "i fractional index",
            "toggle: pause before a list index Scratch would floor (2.5) or read as 0 (text)",
            show=False,
        ),
        key("slash", "search", "search", "search the scripts' text; again for the next match"),
        key(
            "full_stop",
            "current",
            "current block",
            "show the current block again after browsing",
            show=False,
        ),
        key("e", "events", "events", "events: filter box; f cycles the kind", show=False),
        key(
            "t",
            "next_tab",
            "next tab",
            "next bottom-right tab: events, layer map, story, output, curves, findings",
            show=False,
        ),
        *SHARED,
    ]

    def __init__(
        self,
        session: DebugSession,
        *,
        live_refresh_s: float = LIVE_REFRESH_S,
        guided: bool = False,
    ) -> None:
        super().__init__()
        self.guided = guided  # open on the story: run to the first finding and set the panes for it
        self.session = session
        self.live_refresh_s = live_refresh_s
        self.running = False
        self.state = "paused"
        self.rate: float | None = None
        self.painter = Painter(self, session)
        self.search_query = ""
        self._ticker: Timer | None = None
        self._tick_at = (0.0, 0)
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
                with TabPane("story", id="story-tab"):
                    yield StoryView(id="story")
                with TabPane("output", id="output-tab"):
                    yield OutputView(id="output")
                with TabPane("curves", id="curves-tab"):
                    yield CurvesView(self._curves(), id="curves")
                with TabPane("findings", id="findings-tab"):
                    yield FindingsView(empty="no findings yet: the mark comes first", id="findings")
        yield StatusBar(id="status")
        yield Footer()
        yield TooSmall(id="too-small")

    def _curves(self) -> tuple[Curve, ...]:
        program = self.session.program
        return program.curves if program is not None else ()

    def on_mount(self) -> None:
        for pane_id, title in (
            ("block", "block"),
            ("variables", "variables"),
            ("events", "events"),
        ):
            self.query_one(f"#{pane_id}").border_title = title
        self.show_bottom("list")
        self._ticker = self.set_interval(self.live_refresh_s, self._live, pause=True)
        session = self.session
        if session.paused is None:
            # A fresh session stops before the script's first block, with nothing run yet.
            session.pause_at_start()
        if session.paused is not None:
            self.state = state_text(session.paused)
        session.arm_mark()
        self.query_one(ScriptView).focus()
        self.refresh_panes(new_pause=True)
        if self.guided:
            self.action_run("run_to_story")

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
        self.query_one(BlockView).update(Text("running… p pauses", style="dim"))
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

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # A bug of ours in the engine must not leave the screen "running" for ever.
        if event.worker.group == "engine" and event.state == WorkerState.ERROR:
            self.post_message(RunFailed(f"internal error: {event.worker.error!r}"))

    def action_pause(self) -> None:
        if self.running:
            self.session.request_pause()

    def on_run_stopped(self, message: RunStopped) -> None:
        self._stopped()
        if message.command == "run_to_story":
            self._tell_the_story()
        paused = message.paused
        self.state = state_text(paused)
        if paused.reason == PauseReason.WATCH:
            self._follow_watch_hit()
            self.notify(safe_text(paused.detail, 200), title="watchpoint", markup=False)
        elif paused.finished:
            self.notify("the run has finished")
        self.refresh_panes(new_pause=True)

    def _tell_the_story(self) -> None:
        """After the guided run: the story tab, and the heatmap of change on a slice that did not change."""
        self.query_one(TabbedContent).active = "story-tab"
        self.painter.heatmap_mode = "change"
        slices = self.session.slices
        stuck = [i for i, s in enumerate(slices) if changed_items(self.session, s) == 0]
        if stuck:
            self.painter.slice_index = stuck[0]
        self.show_bottom("tabs")

    def _follow_watch_hit(self) -> None:
        """The list table shows the item the watched write wrote."""
        hits = self.session.findings.watch_hits
        if hits and hits[-1].index is not None:
            self.painter.show_list(hits[-1].name)
            self.show_bottom("list")
            self.query_one(ListTable).cursor = hits[-1].index - 1

    def on_run_failed(self, message: RunFailed) -> None:
        self._stopped()
        self.state = "stopped by an error"
        error = safe_text(message.error, 300)
        self.notify(error, title="the run stopped", severity="error", timeout=30, markup=False)
        self.refresh_panes(new_pause=True)

    def _stopped(self) -> None:
        self.running = False
        if self._ticker is not None:
            self._ticker.pause()

    def _live(self) -> None:
        """While running: measure the speed and repaint what the engine changes, a few times a second."""
        if not self.running:
            return
        now, blocks = time.monotonic(), self.session.runtime.blocks
        then, before = self._tick_at
        if now > then:
            self.rate = (blocks - before) / (now - then)
        self._tick_at = (now, blocks)
        self.painter.running()
        self._status()

    # ## Painting

    def refresh_panes(self, *, new_pause: bool) -> None:
        """Repaint every pane from the session (after a pause)."""
        self.painter.paused(new_pause=new_pause)
        self._status()

    def _status(self) -> None:
        session = self.session
        marks = [f"{len(session.breakpoints)} breakpoint(s)"] if session.breakpoints else []
        marks += [f"watch {w.describe()}" for w in session.watches]
        marks += [f"when {safe_text(c.text, 40)}" for c in session.comparisons]
        if session.pauses_on_out_of_range:
            marks.append("x: out-of-range")
        if session.pauses_on_fractional_index:
            marks.append("i: fractional index")
        marks.append("marked" if session.marked is not None else "mark pending")
        self.painter.status(self.state, self.rate if self.running else None, marks)

    # ## Breakpoints, watches, conditions

    def action_breakpoint(self) -> None:
        self.query_one(ScriptView).action_toggle_breakpoint()

    def on_breakpoint_toggled(self, message: BreakpointToggled) -> None:
        now_set = self.session.toggle_breakpoint(message.block_id)
        self.query_one(ScriptView).set_breakpoints(self.session.breakpoints)
        self.notify(
            f"breakpoint {'set on' if now_set else 'cleared from'} block {message.block_id}",
            timeout=2,
        )
        self._status()

    def action_watch(self) -> None:
        self.push_screen(
            Prompt("watch: a variable NAME, or LIST:START-END", "weights:3941-4100"), self._watch
        )

    def action_restart(self) -> None:
        if self.running:
            self.notify("running: pause (p) before restarting", severity="warning")
            return
        try:
            fresh = self.session.restarted()
        except (ValueError, ProgramError, EmulatorError) as exc:
            self.notify(safe_text(str(exc), 300), title="restart", severity="error", markup=False)
            return
        self.session, self.painter = fresh, Painter(self, fresh)
        fresh.pause_at_start()
        fresh.arm_mark()
        self.state = state_text(fresh.paused) if fresh.paused is not None else "paused"
        self.refresh_panes(new_pause=True)
        kept = f"{len(fresh.breakpoints)} breakpoint(s), {len(fresh.watches)} watch(es)"
        self.notify(f"restarted from the file: {kept} kept", timeout=3)

    def action_break_when(self) -> None:
        self.push_screen(
            Prompt(
                "break when: NAME OP VALUE or LIST[N] OP VALUE (OP: = != < > <= >=)",
                'weights[17] = ""',
            ),
            self._break_when,
        )

    def _break_when(self, text: str | None) -> None:
        if not text:
            return
        try:
            self.session.break_when_text(text)
        except ValueError as exc:
            self.notify(safe_text(str(exc), 200), severity="error", markup=False)
        else:
            self.notify(f"pausing when {safe_text(text, 80)}", timeout=3, markup=False)
        self._status()

    def _watch(self, text: str | None) -> None:
        if not text:
            return
        try:
            watch = self.session.watch(text)
        except ValueError as exc:
            self.notify(str(exc), severity="error", markup=False)
        else:
            self.notify(f"watching {watch.describe()}", timeout=3, markup=False)
        self._status()

    def action_break_out_of_range(self) -> None:
        session = self.session
        on = not session.pauses_on_out_of_range
        session.pause_on_out_of_range(on)
        if on:
            self.notify("pausing before any list access outside its list", timeout=3)
        else:
            self.notify("no longer pausing on out-of-range list access", timeout=3)
        self._status()

    def action_break_fractional_index(self) -> None:
        session = self.session
        on = not session.pauses_on_fractional_index
        session.pause_on_fractional_index(on)
        if on:
            self.notify("pausing before a fractional or non-numeric list index", timeout=3)
        else:
            self.notify("no longer pausing on fractional list indices", timeout=3)
        self._status()

    # ## Browsing

    def action_current(self) -> None:
        paused = self.session.paused
        if paused is not None and paused.stmt is not None:
            self.query_one(ScriptView).show_block(
                paused.stmt.target.source, paused.stmt.block.id, current=True
            )
            self.query_one(ScriptView).focus()

    def on_jump_to_block(self, message: JumpToBlock) -> None:
        try:
            target = self.session.project.target(message.target)
        except KeyError:
            return
        script = self.query_one(ScriptView)
        script.show_block(target, message.block_id, current=False)
        script.focus()

    def on_findings_view_chosen(self, message: FindingsView.Chosen) -> None:
        """A diagnosis item: its block in the script pane."""
        block = message.item.block
        target = (
            target_of_block(self.session.project, block.block_id) if block is not None else None
        )
        if block is None or target is None:
            self.notify("this finding names no block", timeout=2)
            return
        self.post_message(JumpToBlock(target, block.block_id))

    def action_search(self) -> None:
        self.push_screen(
            Prompt("search the scripts", "text, e.g. get_delta_offset", self.search_query),
            self._search,
        )

    def _search(self, text: str | None) -> None:
        if not text:
            return
        self.search_query = text
        found = find_text(self.session.project, text, self._search_position())
        if found is None:
            self.notify(f"no block says {safe_text(text, 60)!r}", severity="warning", markup=False)
            return
        self.post_message(JumpToBlock(*found))

    def _search_position(self) -> tuple[str, str] | None:
        script = self.query_one(ScriptView)
        block = script.block_under_cursor
        return (
            (script.target.name, block) if script.target is not None and block is not None else None
        )

    def action_next_tab(self) -> None:
        self.show_bottom("tabs")
        tabs = self.query_one(TabbedContent)
        order = [
            "events-tab",
            "layers-tab",
            "story-tab",
            "output-tab",
            "curves-tab",
            "findings-tab",
        ]
        tabs.active = order[(order.index(tabs.active) + 1) % len(order)]

    def action_events(self) -> None:
        self.show_bottom("tabs")
        self.query_one(TabbedContent).active = "events-tab"
        self.query_one(EventsView).focus_filter()

    # ## Lists and slices

    # ## Palette, help, quit

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield from palette_commands(self)

    def action_help(self) -> None:
        self.push_screen(HelpScreen(help_rows(self.BINDINGS)))

    async def action_quit(self) -> None:
        self.session.request_pause()  # the worker thread must end before the process can
        self.exit()


def run_app(session: DebugSession, *, guided: bool = False) -> None:
    """Open the inspector on a session (the `scratch-emu debug` command; --explain: guided)."""
    DebuggerApp(session, guided=guided).run()
