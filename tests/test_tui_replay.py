"""The replay inspector on the shipped day3 traces, driven by keys through Textual's Pilot: it moves through
time, and the panes show the state the trace had there."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Coroutine
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Label, Sparkline, TabbedContent

from emulator.cli import main
from emulator.trace.recorder import record_run
from emulator.trace.replay import Trace
from emulator.tui.replay.app import ReplayApp
from emulator.tui.replay.moves import (
    Watched,
    next_write,
    parse_goto,
    parse_watched,
    previous_write,
    sample_stops,
)
from emulator.tui.replay.state import ReplayState, program_project
from emulator.tui.shared.findings_view import FindingsView
from emulator.tui.shared.heatmap import Heatmap
from emulator.tui.shared.lists_view import ListTable
from emulator.tui.shared.output_view import CurvesView, OutputView
from emulator.tui.shared.picture_view import InputPicture
from emulator.tui.shared.screen_text import screen_text
from emulator.tui.shared.script_view import ScriptView
from emulator.tui.shared.variables_view import VariablesView
from emulator.value_text import show_value

TRACES = Path(__file__).parent.parent / "traces"
SIZE = (160, 50)
W1, W2 = (1, 3920), (3941, 4100)


def drive(test: Callable[[], Coroutine[Any, Any, None]]) -> Callable[[], None]:
    """Run an async Pilot test in its own event loop (no asyncio plugin needed)."""

    def run() -> None:
        asyncio.run(test())

    run.__name__, run.__doc__ = test.__name__, test.__doc__
    return run


@cache
def trace(variant: str = "buggy") -> Trace:
    """A shipped trace, opened once (a Trace is read-only; each app keeps its own cursor)."""
    return Trace.open(TRACES / f"day3-{variant}.trace")


def app_on(variant: str = "buggy", *, with_program: bool = True) -> ReplayApp:
    """The replay app on a shipped trace, with the day3 program rebuilt from the header (or without it)."""
    t = trace(variant)
    return ReplayApp(t, program_project(t) if with_program else None, name=f"day3-{variant}.trace")


async def press(pilot: Pilot[Any], *keys: str) -> None:
    """Press keys one at a time, letting each be handled."""
    for key in keys:
        await pilot.press(key)
        await pilot.pause()


async def answer(app: ReplayApp, pilot: Pilot[Any], key: str, text: str) -> None:
    """Open a prompt with a key, type the answer, press Enter."""
    await press(pilot, key)
    app.screen.query_one(Input).value = text
    await press(pilot, "enter")


def shown_write(app: ReplayApp) -> str:
    """The write pane's text as the screen shows it, inside its border, with wrapped lines joined."""
    region = app.query_one("#write").region
    lines = screen_text(app).splitlines()[region.y + 1 : region.bottom - 1]
    return " ".join(" ".join(line[region.x + 1 : region.right - 1] for line in lines).split())


def shown_variables(app: ReplayApp) -> dict[str, str]:
    """name -> value as the variables pane shows them (group headings left out)."""
    rows = [
        row.plain.split(None, 1)
        for row in app.query_one(VariablesView).rows
        if not row.plain.startswith("──")
    ]
    return {name: value.strip() for name, value in rows}


def heatmap_text(app: ReplayApp) -> tuple[str, list[str]]:
    """The heatmap's summary and its drawn lines."""
    heatmap = app.query_one(Heatmap)
    assert heatmap.cells is not None
    lines = ["".join(s.text for s in heatmap.render_line(y)) for y in range(heatmap.size.height)]
    return heatmap.cells.summary, lines


# ## Moving


@drive
async def test_the_app_opens_at_event_0() -> None:
    """Before any key, the state shown is the trace's first snapshot: no write applied yet."""
    app = app_on()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.position == 0 and app.state.current() is None
        assert "no write yet" in shown_write(app)
        first = trace().state_at(0).variables
        assert shown_variables(app) == {name: show_value(v) for name, v in first.items()}
        assert (
            "day3" in app.sub_title
            and "seed 0" in app.sub_title
            and "variant=buggy" in app.sub_title
        )


@drive
async def test_right_arrow_applies_one_write_and_the_shown_write_changes() -> None:
    """→ moves one event on; the write pane names that event, and a second → names the next."""
    app = app_on()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "right")
        first = shown_write(app)
        assert app.position == 1 and "write #0 " in first
        assert 'phase = "init"' in first  # day3's first block sets the phase
        await press(pilot, "right")
        assert app.position == 2 and shown_write(app) != first and "write #1 " in shown_write(app)
        await press(pilot, "left", "left")
        assert app.position == 0


@drive
async def test_g_goes_to_an_event_and_the_variables_are_the_traces_state_there() -> None:
    """g 40000: the state after 40,000 events, as Trace.state_at gives it, in the variables pane and list table."""
    app = app_on()
    async with app.run_test(size=SIZE) as pilot:
        await answer(app, pilot, "g", "40000")
        assert app.position == 40_000
        state = trace().state_at(40_000)
        assert shown_variables(app) == {name: show_value(v) for name, v in state.variables.items()}
        table = app.query_one(ListTable)
        assert table.cell is not None and list(table.cell.items) == list(
            state.lists[table.cell.name]
        )
        await answer(app, pilot, "g", "#39999")  # just after event #39,999: the same place
        assert app.position == 40_000
        await answer(app, pilot, "g", "step 100000")
        assert app.position == trace().event_at_step(100_000)


@drive
async def test_shift_arrows_and_home_end_jump() -> None:
    """shift+→ / PgDn jump 1,000 events, End goes to the end, Home back to the start."""
    app = app_on()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "shift+right", "pagedown")
        assert app.position == 2_000
        await press(pilot, "shift+left")
        assert app.position == 1_000
        await press(pilot, "end")
        assert app.position == trace().event_count
        await press(pilot, "home")
        assert app.position == 0


@drive
async def test_reverse_watch_from_the_end_finds_the_last_writes_to_w2_and_w1() -> None:
    """r weights[3941..4100] from the end lands on W2's last write; r W1 on W1's, made by s7_update_layer."""
    app = app_on()
    t = trace()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "end")
        await answer(app, pilot, "r", "weights[3941..4100]")
        last_w2 = t.last_write_before(t.event_count, "weights", W2)
        assert last_w2 is not None
        current = app.state.current()
        assert (
            current is not None
            and current.index == last_w2.index
            and W2[0] <= current.item <= W2[1]
        )
        assert f"weights[{current.item}] = " in shown_write(app)

        await press(pilot, "end")
        await answer(app, pilot, "r", "weights[1..3920]")
        last_w1 = t.last_write_before(t.event_count, "weights", W1)
        assert last_w1 is not None and app.position == last_w1.index + 1
        # In the buggy trace W1 is written to the end: by s7_update_layer, which stores what was there.
        assert app.state.procedure() == "s7_update_layer"
        assert "in s7_update_layer" in shown_write(app)
        assert app.query_one(ScriptView).current_id == last_w1.block.id

        await press(pilot, "end")
        await answer(app, pilot, "r", "W1")  # the slice by name: the same write
        assert app.position == last_w1.index + 1


@drive
async def test_r_again_goes_further_back_and_shift_r_forward() -> None:
    """After r, < steps to the write before that one, and R (or >) forward again, each a write of it."""
    app = app_on()
    t = trace()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "end")
        await answer(app, pilot, "r", "weights[17]")
        last = app.state.current()
        assert last is not None and last.item == 17
        await press(pilot, "less_than_sign")
        before = app.state.current()
        assert before is not None and before.item == 17 and before.index < last.index
        between = [
            e
            for e in t.events(before.index + 1, last.index)
            if e.cell.name == "weights" and e.item == 17
        ]
        assert between == []
        await press(pilot, "R")
        assert app.state.current() == last


@drive
async def test_by_sample_stepping_moves_between_writes_to_sample() -> None:
    """] and . go to just after the next write to `sample`, [ and , back to the one before."""
    app = app_on()
    writes = [e.index for e in trace().writes_to("sample")]
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "right_square_bracket")
        assert app.position == writes[0] + 1
        await press(pilot, "full_stop", "right_square_bracket")
        assert app.position == writes[2] + 1
        current = app.state.current()
        assert current is not None and current.cell.name == "sample"
        await press(pilot, "left_square_bracket")
        assert app.position == writes[1] + 1
        await press(pilot, "comma")
        assert app.position == writes[0] + 1


# ## What the panes show


@drive
async def test_the_change_heatmap_early_differs_from_the_end() -> None:
    """W2 by change since the mark: nothing changed at the first sample, everything by the end."""
    app = app_on()
    async with app.run_test(size=SIZE) as pilot:
        await press(
            pilot, "right_curly_bracket", "right_curly_bracket", "m"
        )  # W1 -> B1 -> W2, change mode
        heatmap = app.query_one(Heatmap)
        assert (
            heatmap.slice is not None
            and heatmap.slice.name == "W2"
            and app.painter.heatmap_mode == "change"
        )
        await press(pilot, "right_square_bracket")
        early = heatmap_text(app)
        await press(pilot, "end")
        late = heatmap_text(app)
        assert early[0].startswith("0 of 160 changed")
        assert late[0].startswith("160 of 160 changed")
        assert early[1] != late[1]


@drive
async def test_w1_never_changes_in_the_buggy_trace_and_does_in_the_fixed_one() -> None:
    """At the end, the W1 heatmap (change since the mark) shows the bug: 0 of 3,920 changed, unlike the fixed run."""
    summaries = {}
    for variant in ("buggy", "fixed"):
        app = app_on(variant)
        async with app.run_test(size=SIZE) as pilot:
            await press(pilot, "m", "end")
            summaries[variant] = heatmap_text(app)[0]
    assert summaries["buggy"].startswith("0 of 3,920 changed")
    assert not summaries["fixed"].startswith("0 of")


@drive
async def test_written_mode_counts_writes_since_the_mark() -> None:
    """W1 in the buggy trace is written (with the values it had) although it never changes."""
    app = app_on()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "m", "m", "end")
        assert app.painter.heatmap_mode == "written"
        assert heatmap_text(app)[0] == "3,920 of 3,920 written since the mark"


@drive
async def test_the_list_table_follows_the_current_write() -> None:
    """On a write to a list item, the list table shows that list with the item under its cursor."""
    app = app_on()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "end")
        await answer(app, pilot, "r", "weights[17]")
        table = app.query_one(ListTable)
        assert table.cell is not None and table.cell.name == "weights" and table.cursor == 16


@drive
async def test_without_the_program_the_write_shows_opcode_and_source_line() -> None:
    """With only the trace, the block is named by its opcode and the DSL line the header keeps."""
    app = app_on(with_program=False)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "right")
        text = shown_write(app)
        assert "data_setvariableto" in text and "programs/day3_mlp.py:" in text
        assert "not at hand" in text


@drive
async def test_enter_in_the_writes_pane_replays_to_that_write() -> None:
    """Tab to the writes pane, move down, Enter: the state just after the row's write."""
    app = app_on()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "right")
        app.query_one("#log").focus()
        await press(pilot, "down", "down", "enter")
        assert app.position == 3
        await press(pilot, "escape", "right")
        assert app.position == 4


@drive
async def test_bad_answers_are_refused_and_nothing_moves() -> None:
    """An unknown name, a malformed item, an event past the end: a notification each, the position kept."""
    app = app_on(with_program=False)
    # Counted as they are made: a toast may time out before the last one on a loaded machine.
    said: list[str] = []
    notify = app.notify
    app.notify = lambda message, *a, **k: (said.append(message), notify(message, *a, **k))[1]  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "right")
        for key, text in (
            ("r", "no_such[3]"),
            ("r", "weights[abc]"),
            ("g", "99999999"),
            ("g", "[b]soon"),
        ):
            await answer(app, pilot, key, text)
            assert app.position == 1 and type(app.screen).__name__ == "Screen"
        assert len(said) == 4, said


@drive
async def test_a_click_on_the_timeline_seeks() -> None:
    """A click half way along the bar shows the state half way through the trace (to a column's width)."""
    app = app_on(with_program=False)
    async with app.run_test(size=SIZE) as pilot:
        timeline = app.query_one("#timeline")
        bar = timeline.content_region
        middle = (bar.width - 1) // 2
        await pilot.click(
            "#timeline", offset=(bar.x - timeline.region.x + middle, bar.y - timeline.region.y)
        )
        await pilot.pause()
        per_column = trace().event_count / (bar.width - 1)
        assert abs(app.position - middle * per_column) <= per_column


@drive
async def test_question_mark_shows_the_replay_keys() -> None:
    """? lists the keys; Escape closes the list."""
    app = app_on()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "question_mark")
        assert type(app.screen).__name__ == "HelpScreen"
        assert "scratch-emu replay: keys" in screen_text(app)
        await press(pilot, "escape")
        assert type(app.screen).__name__ == "Screen"


# ## Screen-independent pieces


def test_moving_by_one_and_seeking_give_the_traces_state() -> None:
    """Stepping across a snapshot either way, and seeking, leave exactly the state Trace.state_at gives."""
    t = trace()
    state = ReplayState(t)
    boundary = sorted(t.snapshot_positions)[1]
    for n in (boundary - 1, boundary, boundary + 1, boundary, boundary - 1, 12_345, 12_344):
        state.go(n)
        expected = t.state_at(n)
        assert {name: v for name, v in state.variable_values().values()} == dict(expected.variables)
        assert {c.name: c.items for c in state.list_cells()} == {
            k: list(v) for k, v in expected.lists.items()
        }


def test_the_overwritten_value_is_the_one_before_the_write() -> None:
    """What a write replaced is the value the state before it held."""
    t = trace()
    state = ReplayState(t)
    for n in (4_530, 50_000, 50_001, 118_557):
        state.go(n)
        event = state.current()
        assert event is not None and state.overwritten is not None
        before = t.state_at(n - 1)
        if event.cell.is_list:
            items = before.lists[event.cell.name]
            assert state.overwritten.length == len(items)
            if event.kind_name == "replace":
                assert state.overwritten.value == items[event.item - 1]
        else:
            assert state.overwritten.value == before.variables[event.cell.name]


def test_goto_text() -> None:
    """N is after N events, #N just after event N, sN and step N the state at a step; anything else is refused."""
    t = trace()
    assert parse_goto(t, "1,234") == 1234
    assert parse_goto(t, "#9") == 10
    assert parse_goto(t, "s5000") == parse_goto(t, "step 5,000") == t.event_at_step(5000)
    for bad in ("soon", "-3", f"{t.event_count + 1}"):
        with pytest.raises(ValueError, match="go to"):
            parse_goto(t, bad)


def test_watched_text() -> None:
    """LIST[I], LIST[A..B] (or A-B), a slice name, a variable; an unknown name is refused."""
    t = trace()
    assert parse_watched(t, "weights[17]") == Watched("weights", 17, "weights[17]")
    assert parse_watched(t, "weights[3941..4100]").items == W2
    assert parse_watched(t, "weights[4100-3941]").items == W2
    assert parse_watched(t, "W1") == Watched("weights", W1, "W1")
    assert parse_watched(t, "sample").items is None
    with pytest.raises(ValueError, match="no_such"):
        parse_watched(t, "no_such[3]")


def test_next_and_previous_write_agree_with_the_events() -> None:
    """The next write of B1 after a position is the first matching event; the previous one is the last before."""
    t = trace()
    b1 = parse_watched(t, "B1")
    start = 20_000
    matching = [
        e.index
        for e in t.events(start, 60_000)
        if e.cell.name == "weights" and 3921 <= e.item <= 3940
    ]
    assert next_write(t, start, b1) == matching[0] + 1
    assert previous_write(t, matching[1] + 1, b1) == matching[0] + 1
    assert previous_write(t, 1, b1) is None


def test_by_sample_falls_back_to_snapshots() -> None:
    """A trace with no `sample` variable steps from snapshot to snapshot."""
    import io

    from emulator.loading import load_target

    project, _ = load_target("apple_orange")
    sink = io.BytesIO()
    record_run(project, sink, program="apple_orange", chunk_events=5)
    t = Trace.from_bytes(sink.getvalue())
    name, stops = sample_stops(t, "sample")
    assert name == "snapshot" and stops[0] == 0 and stops[-1] == t.event_count and len(stops) > 2


def test_the_program_is_rebuilt_only_when_its_hash_matches() -> None:
    """The header's program is rebuilt when the project hashes as recorded; never a .py file, never a mismatch."""
    t = trace()
    assert program_project(t) is not None
    for changed in ({"program_sha256": "0" * 64}, {"program": "programs/day3.py"}):
        other = Trace.from_bytes((TRACES / "day3-buggy.trace").read_bytes())
        other.header = dataclasses.replace(other.header, **changed)
        assert program_project(other) is None


# ## The command line


def test_replay_with_no_options_opens_the_inspector(monkeypatch: pytest.MonkeyPatch) -> None:
    """`scratch-emu replay TRACE` on a terminal opens the replay inspector on that trace."""
    import sys

    import emulator.tui.replay.app as replay_app

    opened: list[tuple[int, str]] = []
    monkeypatch.setattr(
        replay_app, "run_replay", lambda t, name: opened.append((t.event_count, name))
    )
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    path = str(TRACES / "day3-buggy.trace")
    assert main(["replay", path]) == 0
    assert opened == [(trace().event_count, path)]


def test_replay_summary_and_queries_still_print(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """--summary and the query options print text as before, even on a terminal."""
    import sys

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    path = str(TRACES / "day3-buggy.trace")
    assert main(["replay", path, "--summary"]) == 0
    assert "137,912 events" in capsys.readouterr().out
    assert main(["replay", path, "--who", "W1"]) == 0
    assert "last written before event" in capsys.readouterr().out


@drive
async def test_the_findings_tab_lists_explains_diagnosis_and_enter_goes_to_its_first_write() -> (
    None
):
    """Opening the findings tab runs explain on the trace's program; Enter goes to its block's first write."""
    app = app_on()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "t", "t", "t")
        assert app.query_one(TabbedContent).active == "findings-tab"
        await app.workers.wait_for_complete()
        await pilot.pause()
        findings = app.query_one(FindingsView)
        kinds = [d.kind for d in findings.items]
        assert kinds[:2] == ["lost_gradient", "lost_gradient"]
        assert "dropped_write" in kinds
        findings.focus()
        findings.highlighted = kinds.index("dropped_write")
        await press(pilot, "enter")
        event = app.state.current()
        item = findings.items[kinds.index("dropped_write")]
        assert item.block is not None and event is not None
        assert event.block.id == item.block.block_id
        assert not any(
            e.block.id == item.block.block_id for e in trace().events(0, app.position - 1)
        )


@drive
async def test_without_the_program_the_findings_tab_says_why_it_is_empty() -> None:
    """A trace whose program is not at hand has no findings, and the tab says so."""
    app = app_on(with_program=False)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "t", "t", "t")
        findings = app.query_one(FindingsView)
        assert findings.items == () and "not at hand" in findings.empty


@drive
async def test_the_output_and_curves_tabs_show_the_run_at_the_replays_position() -> None:
    """The bubbles said so far and the declared curves as they stood: none at the start, all at the end."""
    app = app_on()
    async with app.run_test(size=SIZE) as pilot:
        output = app.query_one(OutputView)
        assert app.query_one(CurvesView).curves
        assert "nothing said yet" in str(output.render())
        assert "no figure yet" in str(app.query_one("#curve-label-0", Label).render())
        await press(pilot, "end")
        said = str(output.render())
        assert "Network says: test accuracy" in said
        curve = app.query_one("#curve-0", Sparkline)
        assert list(curve.data or []) and "after 1" in str(
            app.query_one("#curve-label-0", Label).render()
        )
        await press(pilot, "home")
        assert "nothing said yet" in str(output.render())


@drive
async def test_the_picture_shows_the_true_label_and_the_prediction_of_the_sample() -> None:
    """Beside the input picture: the sample's true label (as the trace has it) and the output layer's pick."""
    app = app_on()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "end")
        label = show_value(app.state.cursor.value("p_label")).strip('"')
        caption = str(app.query_one(InputPicture).border_subtitle)
        assert f"true {label}" in caption and "predicted " in caption
        assert "predicted -" not in caption
