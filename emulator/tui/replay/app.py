"""ReplayApp: the inspector over a recorded trace; keys move through time, the panes show the state there."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult, SystemCommand
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from emulator.debug.report import Diagnosis
from emulator.errors import EmulatorError, ProgramError
from emulator.project import Project
from emulator.runtime.sequencer import StepLimitReached
from emulator.trace.replay import Trace
from emulator.tui.replay.event_log import EventLog
from emulator.tui.replay.findings import trace_diagnosis
from emulator.tui.replay.moves import (
    Watched,
    first_write_by,
    next_stop,
    next_write,
    parse_goto,
    parse_watched,
    previous_stop,
    previous_write,
    sample_stops,
)
from emulator.tui.replay.painter import ReplayPainter
from emulator.tui.replay.state import ReplayState, program_project
from emulator.tui.replay.timeline import Timeline
from emulator.tui.replay.write_view import WriteView
from emulator.tui.shared.findings_view import (
    FindingsView,
    ReplayFindingsView,
    block_and_parents,
)
from emulator.tui.shared.heatmap import Heatmap
from emulator.tui.shared.keys import SHARED, help_rows, key
from emulator.tui.shared.layout import Responsive, TooSmall
from emulator.tui.shared.lists_view import ListTable
from emulator.tui.shared.output_view import CurvesView, OutputView
from emulator.tui.shared.pane_commands import pane_commands
from emulator.tui.shared.picture_view import InputPicture
from emulator.tui.shared.prompts import HelpScreen, Prompt
from emulator.tui.shared.script_view import ScriptView
from emulator.tui.shared.variables_view import VariablesView
from emulator.value_text import safe_text

JUMP = 1_000  # events moved by shift+arrow and PgUp/PgDn
TUI = Path(__file__).parent.parent


class Diagnosed(Message):
    """explain's diagnosis of the trace's run is ready (or why there is none)."""

    def __init__(self, items: tuple[Diagnosis, ...], empty: str) -> None:
        super().__init__()
        self.items = items
        self.empty = empty


class ReplayApp(Responsive):
    """Time travel over a trace: a timeline, the write and its block, variables, lists and slices as they were."""

    painter: ReplayPainter  # the panes it paints

    CSS_PATH = [TUI / "shared" / "debugger.tcss", TUI / "replay" / "replay.tcss"]
    TITLE = "scratch-emu replay"
    BINDINGS: ClassVar[list[BindingType]] = [
        key("left", "move(-1)", "◀ write", "one write back (each write is one block that wrote)"),
        key("right", "move(1)", "write ▶", "one write forward"),
        key(
            "shift+left,pageup", f"move({-JUMP})", f"-{JUMP:,}", f"{JUMP:,} writes back", show=False
        ),
        key(
            "shift+right,pagedown",
            f"move({JUMP})",
            f"+{JUMP:,}",
            f"{JUMP:,} writes forward",
            show=False,
        ),
        key("home", "go(0)", "start", "the start: no write yet", show=False),
        key("end", "go(-1)", "end", "the end of the trace", show=False),
        key(
            "left_square_bracket,comma",
            "sample(-1)",
            "◀ sample",
            "the previous sample (or snapshot)",
        ),
        key(
            "right_square_bracket,full_stop",
            "sample(1)",
            "sample ▶",
            "the next sample (or snapshot)",
        ),
        key(
            "g", "goto", "go to", "go to N (after N writes), #N (just after write #N), sN or step N"
        ),
        key(
            "r",
            "watch_back",
            "last write of",
            "back to the last write of LIST[I], LIST[A..B], a slice or a variable",
        ),
        key("R", "watched(1)", "next write of", "the next write of what r asked for"),
        key(
            "less_than_sign",
            "watched(-1)",
            "previous write of it",
            "the previous write of what r asked for",
            show=False,
        ),
        key(
            "greater_than_sign",
            "watched(1)",
            "next write of it",
            "the next write of what r asked for",
            show=False,
        ),
        key(
            "M",
            "mark",
            "mark here",
            "set the mark here (it starts before the first sample)",
            show=False,
        ),
        key("escape", "timeline", "timeline", "back to the timeline", show=False),
        key(
            "t",
            "next_tab",
            "next tab",
            "next bottom-right tab: writes, output, curves, findings",
            show=False,
        ),
        *SHARED,
    ]

    def __init__(self, trace: Trace, project: Project | None = None, *, name: str = "") -> None:
        super().__init__()
        trace.verify()  # every pane reads ahead and behind: a damaged chunk fails here, not mid-scrub
        self.trace = trace
        self.state = ReplayState(trace, project)
        stops_name, stops = sample_stops(trace, _sample_variable(self.state))
        self.painter = ReplayPainter(self, self.state, stops_name, stops)
        self.watched: Watched | None = None
        self._diagnosing = False
        self.sub_title = describe_trace(trace, name)

    # ## Layout

    def compose(self) -> ComposeResult:
        yield Header()
        yield Timeline(id="timeline")
        with Horizontal(id="top"):
            yield ScriptView(breakpoints=False, id="script")
            with Vertical(id="side"):
                yield WriteView(id="write")
                yield VariablesView(id="variables")
        with Horizontal(id="bottom"):
            yield ListTable(id="list")
            yield Heatmap(id="heatmap")
            yield InputPicture(id="picture")
            with TabbedContent(id="tabs"):
                with TabPane("writes", id="log-tab"):
                    yield EventLog(id="log")
                with TabPane("output", id="output-tab"):
                    yield OutputView(id="output")
                with TabPane("curves", id="curves-tab"):
                    yield CurvesView(
                        self.state.program.curves if self.state.program else (), id="curves"
                    )
                with TabPane("findings", id="findings-tab"):
                    yield ReplayFindingsView(id="findings")
        yield Footer()
        yield TooSmall(id="too-small")

    def on_mount(self) -> None:
        for pane_id, title in (
            ("write", "the write"),
            ("variables", "variables"),
            ("timeline", "timeline"),
        ):
            self.query_one(f"#{pane_id}").border_title = title
        self.show_bottom("list")
        self.query_one(Timeline).focus()
        self.painter.moved()

    # ## Findings: explain runs the program again, so only once the tab is first opened

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "findings-tab" and not self._diagnosing:
            self._diagnosing = True
            self._diagnose()

    def _diagnose(self) -> None:
        view = self.query_one(FindingsView)
        if self.state.project is None:
            view.show((), "no findings: the trace's program is not at hand to run again")
            return
        view.show((), "finding: explain runs the trace's program again…")
        self._run_explain()

    @work(thread=True, exclusive=True, group="explain", exit_on_error=False)
    def _run_explain(self) -> None:
        """In a worker thread: explain over the trace's program; touches no widget, only posts."""
        assert self.state.project is not None
        try:
            items = trace_diagnosis(self.trace, self.state.project, self.state.program)
        except (ProgramError, EmulatorError, StepLimitReached) as exc:
            self.post_message(Diagnosed((), f"no findings: {exc}"))
            return
        self.post_message(Diagnosed(items, "explain found nothing in this run"))

    def on_diagnosed(self, message: Diagnosed) -> None:
        self.query_one(FindingsView).show(message.items, safe_text(message.empty, 200))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "explain" and event.state == WorkerState.ERROR:
            self.post_message(Diagnosed((), f"no findings: internal error: {event.worker.error!r}"))

    def on_findings_view_chosen(self, message: FindingsView.Chosen) -> None:
        """A diagnosis item: the first write its block (or the statement holding it) made."""
        block = message.item.block
        if block is None:
            self.notify("this finding names no block", timeout=2)
            return
        chain = (
            block_and_parents(self.state.project, block.block_id)
            if self.state.project is not None
            else [block.block_id]
        )
        found = first_write_by(self.trace, chain)
        if found is None:
            self.notify(
                safe_text(f"block {block.block_id} wrote nothing in this trace", 200),
                timeout=3,
                markup=False,
            )
            return
        self.go(found)
        self.query_one(Timeline).focus()

    # ## Moving

    @property
    def position(self) -> int:
        """How many events the state shown has had applied."""
        return self.state.position

    def go(self, n: int) -> None:
        """Show the state after n events."""
        self.state.go(n)
        self.painter.moved()

    def action_move(self, delta: int) -> None:
        self.go(self.position + delta)

    def action_go(self, n: int) -> None:
        self.go(n if n >= 0 else self.trace.event_count)

    def action_sample(self, direction: int) -> None:
        painter = self.painter
        stop = (next_stop if direction > 0 else previous_stop)(painter.stops, self.position)
        if stop is None:
            self.notify(
                safe_text(
                    f"no {painter.stops_name} stop {'after' if direction > 0 else 'before'} here"
                ),
                timeout=2,
                markup=False,
            )
            return
        self.go(stop)

    def on_timeline_seek(self, message: Timeline.Seek) -> None:
        self.go(message.position)

    def on_event_log_go(self, message: EventLog.Go) -> None:
        self.go(message.position)

    def action_timeline(self) -> None:
        self.query_one(Timeline).focus()

    def action_next_tab(self) -> None:
        self.show_bottom("tabs")
        tabs = self.query_one(TabbedContent)
        order = [str(p.id) for p in tabs.query(TabPane)]
        tabs.active = order[(order.index(tabs.active) + 1) % len(order)]

    # ## Go to, and writes of something

    def action_goto(self) -> None:
        self.push_screen(
            Prompt(
                "go to: N (after N writes), #N (just after write #N), sN or step N",
                f"{self.position}",
            ),
            self._goto,
        )

    def _goto(self, text: str | None) -> None:
        if not text:
            return
        try:
            self.go(parse_goto(self.trace, text))
        except ValueError as exc:
            self.notify(str(exc), severity="error", markup=False)

    def action_watch_back(self) -> None:
        self._ask_watched(lambda: self.action_watched(-1))

    def action_watched(self, direction: int) -> None:
        """Go to the previous (-1) or next (1) write of what was asked for; ask first if nothing was."""
        watched = self.watched
        if watched is None:
            self._ask_watched(lambda: self.action_watched(direction))
            return
        find = next_write if direction > 0 else previous_write
        found = find(self.trace, self.position, watched)
        if found is None:
            where = "after" if direction > 0 else "before"
            self.notify(
                safe_text(f"no write of {watched.text} {where} the current write", 200),
                markup=False,
                severity="warning",
            )
            return
        self.go(found)

    def _ask_watched(self, then: Callable[[], None]) -> None:
        previous = self.watched.text if self.watched is not None else ""
        prompt = Prompt(
            "the last write of: LIST[I], LIST[A..B], a slice (W1) or a variable",
            "weights[17]",
            previous,
        )
        self.push_screen(prompt, partial(self._watched, then))

    def _watched(self, then: Callable[[], None], text: str | None) -> None:
        if not text:
            return
        try:
            self.watched = parse_watched(self.trace, text)
        except ValueError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        then()

    # ## Lists, slices, the mark

    def action_mark(self) -> None:
        self.set_mark(self.position)

    def set_mark(self, n: int) -> None:
        """Changes and writes count from the state after n events."""
        self.state.set_mark(n)
        self.painter.moved()
        self.notify(f"mark after {self.state.mark:,} events", timeout=2)

    # ## Palette, help

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield from pane_commands(self.painter)
        yield SystemCommand(
            "Set the mark here", "changes and writes count from here", self.action_mark
        )
        yield SystemCommand(
            "Set the mark at the start",
            "changes and writes count from the first event",
            partial(self.set_mark, 0),
        )

    def action_help(self) -> None:
        self.push_screen(HelpScreen(help_rows(self.BINDINGS), "scratch-emu replay"))


def describe_trace(trace: Trace, name: str) -> str:
    """'day3-buggy.trace · day3 (epochs=1 layers=196,20,8,4,10 ...) · seed 0'."""
    h = trace.header
    params = " ".join(
        f"{k}={','.join(map(str, v)) if isinstance(v, list) else v}"
        for k, v in sorted(h.params.items())
    )
    parts = [Path(name).name] if name else []
    parts += [f"{h.program or '(unnamed)'}" + (f" ({params})" if params else ""), f"seed {h.seed}"]
    return safe_text(" · ".join(parts), 200)


def run_replay(trace: Trace, name: str) -> None:
    """Open the inspector on a trace (the `scratch-emu replay TRACE` command)."""
    ReplayApp(trace, program_project(trace), name=name).run()


def _sample_variable(state: ReplayState) -> str | None:
    return state.program.sample_variable if state.program is not None else None
