"""The inspector, driven by keys through Textual's Pilot: it steps, breaks, watches, pauses, and shows."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TabbedContent

from emulator.debug.search import find_text
from emulator.debug.session import DebugSession
from emulator.dsl import Program, forever
from emulator.program import PictureLabel
from emulator.programs.day3 import PROGRAM as DAY3_PROGRAM
from emulator.programs.day3_layout import Layout
from emulator.project import Project
from emulator.render_blocks import render_script, script_top
from emulator.slices import Slice
from emulator.tui.live.app import DebuggerApp
from emulator.tui.live.events_view import EventsView, EventTable
from emulator.tui.shared.findings_view import FindingsView
from emulator.tui.shared.heatmap import Heatmap, picture_slice
from emulator.tui.shared.lists_view import ListTable
from emulator.tui.shared.picture_view import label_values
from emulator.tui.shared.script_view import ScriptView
from emulator.tui.shared.variables_view import group_variables

SIZE = (160, 50)
DAY3 = {"variant": "buggy", "epochs": 1, "train": 3, "test": 2}
GOLDEN = Path(__file__).parent / "golden" / "tui"


def drive(test: Callable[[], Coroutine[Any, Any, None]]) -> Callable[[], None]:
    """Run an async Pilot test in its own event loop (no asyncio plugin needed)."""

    def run() -> None:
        asyncio.run(test())

    run.__name__, run.__doc__ = test.__name__, test.__doc__
    return run


def day3() -> DebugSession:
    """day3 buggy, small: three training samples, two test samples."""
    return DebugSession("day3", DAY3)


async def settle(app: DebuggerApp, pilot: Pilot[Any]) -> None:
    """Wait for the engine's worker to stop and for its message to be handled."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def press(app: DebuggerApp, pilot: Pilot[Any], *keys: str) -> None:
    """Press keys one at a time, letting each run finish."""
    for key in keys:
        await pilot.press(key)
        await settle(app, pilot)


async def until(condition: Callable[[], bool], what: str) -> None:
    """Let the app run until the condition holds (a generous limit only guards against hanging)."""
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, f"still waiting for {what}"
        await asyncio.sleep(0.01)


def current(session: DebugSession) -> str:
    """The id of the block the session is paused at."""
    assert session.paused is not None and session.paused.stmt is not None
    return session.paused.stmt.block.id


def block_saying(session: DebugSession, text: str) -> tuple[str, str]:
    """(target, block id) of the first block whose line contains the text."""
    found = find_text(session.project, text, None)
    assert found is not None, text
    return found


def data_program(reads_past_end: bool = False) -> Project:
    """A 4x4 list `data`; the script doubles items 1..8 (and, optionally, reads item 20 of 16)."""
    prog = Program("data")
    data = prog.stage.list("data", list(range(1, 17)))
    i = prog.stage.var("i", 1)
    x = prog.stage.var("x", 0)
    sprite = prog.sprite("S")
    from emulator.dsl import repeat

    with sprite.when_flag_clicked():
        i.set(1)
        with repeat(8):
            data.replace(i, data[i] * 2)
            i.change(1)
        if reads_past_end:
            x.set(data[i + 11])
    return prog.build()


def forever_program() -> Project:
    """A script that never ends."""
    prog = Program("forever")
    n = prog.stage.var("n", 0)
    sprite = prog.sprite("S")
    with sprite.when_flag_clicked(), forever():
        n.change(1)
    return prog.build()


# ## Starting and stepping


@drive
async def test_the_app_starts_paused_before_the_first_block() -> None:
    """Before any key, the run waits at the first block under the hat, which the script pane marks."""
    session = day3()
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE):
        blocks = session.project.target("Network").blocks
        hat = next(b for b in blocks.values() if b.opcode == "event_whenflagclicked")
        assert current(session) == hat.next
        assert app.query_one(ScriptView).current_id == hat.next
        assert "day3_buggy" in app.sub_title


@drive
async def test_s_steps_to_the_next_block() -> None:
    """s runs one block and pauses before the next; the script pane follows."""
    session = day3()
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        first = current(session)
        await press(app, pilot, "s")
        assert current(session) != first
        assert current(session) == session.project.target("Network").blocks[first].next
        assert app.query_one(ScriptView).current_id == current(session)


@drive
async def test_n_steps_over_a_custom_block_call() -> None:
    """n on a procedures_call runs the whole call and lands on the block after it."""
    session = day3()
    session.step()
    blocks = session.project.target("Network").blocks
    while blocks[current(session)].opcode != "procedures_call":
        session.step()
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        call = blocks[current(session)]
        await press(app, pilot, "n")
        assert current(session) == call.next
        assert session.runtime.blocks > 1000  # init_network ran to its end


@drive
async def test_a_breakpoint_set_with_enter_stops_continue() -> None:
    """Enter on a script line sets a breakpoint there; c runs to it."""
    session = day3()
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        _, run_test_call = block_saying(session, "run_test")
        script = app.query_one(ScriptView)
        script.cursor = script.row_of(run_test_call)
        await press(app, pilot, "enter")
        assert run_test_call in session.breakpoints
        await press(app, pilot, "c")
        assert session.paused is not None and session.paused.reason == "breakpoint"
        assert current(session) == run_test_call


@drive
async def test_b_toggles_the_breakpoint_under_the_cursor() -> None:
    """b sets, and b again clears, the breakpoint on the script cursor's block."""
    session = day3()
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        block = app.query_one(ScriptView).block_under_cursor
        await press(app, pilot, "b")
        assert block in session.breakpoints
        await press(app, pilot, "b")
        assert block not in session.breakpoints


@drive
async def test_a_watch_on_a_list_range_stops_continue() -> None:
    """w with weights:3941-4100 (W2) makes c stop with reason "watch" once an item there is written."""
    session = day3()
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await press(app, pilot, "w")
        app.screen.query_one(Input).value = "weights:3941-4100"
        await press(app, pilot, "enter")
        await press(app, pilot, "c")
        assert session.paused is not None and session.paused.reason == "watch"
        assert "weights[" in session.paused.detail
        assert "watch" in app.state
        # The hit stays in the events pane, and the list table shows the item written.
        hit = session.findings.watch_hits[-1]
        assert hit.index is not None and 3941 <= hit.index <= 4100
        assert any(e.kind == "watch" for e in app.query_one(EventsView).rows)
        table = app.query_one(ListTable)
        assert table.cell is not None and table.cell.name == "weights"
        assert table.cursor == hit.index - 1


@drive
async def test_p_pauses_a_long_run() -> None:
    """c then p: the run pauses, and the block count stops growing."""
    session = DebugSession(forever_program())
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        # Keys go in as the terminal would send them: Pilot's press() waits for an idle
        # process, which a running engine never is.
        app.simulate_key("c")
        await until(lambda: session.runtime.blocks > 10_000, "the run to get going")
        assert app.running
        app.simulate_key("p")
        await until(lambda: not app.running, "the pause")
        assert session.paused is not None and session.paused.reason == "pause"
        assert app.state == "paused (pause)"
        blocks = session.runtime.blocks
        await asyncio.sleep(0.2)
        await pilot.pause()
        assert session.runtime.blocks == blocks


@drive
async def test_keys_that_run_are_refused_while_running() -> None:
    """A second run cannot start while one is going: s during c leaves c's run alone."""
    session = DebugSession(forever_program())
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE):
        app.simulate_key("c")
        await until(lambda: app.running, "the run to start")
        app.simulate_key("s")
        await asyncio.sleep(0.05)
        assert app.running
        app.simulate_key("p")
        await until(lambda: not app.running, "the pause")
        assert session.paused is not None and session.paused.reason == "pause"


# ## What the panes show


@drive
async def test_heatmap_modes_show_value_change_and_coverage() -> None:
    """m cycles value -> change since the mark -> never written, and each colours the slice differently."""
    session = DebugSession(data_program(), slices=[Slice("data", "D", 1, 16, (4, 4))])
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await press(app, pilot, "c")
        heatmap = app.query_one(Heatmap)
        shown = {}
        for mode in ("value", "change", "written"):
            assert app.painter.heatmap_mode == mode
            assert heatmap.cells is not None
            shown[mode] = ([s.text for s in heatmap.render_line(0)], heatmap.cells.summary)
            await press(app, pilot, "m")
        assert shown["value"][1] == "min 2 · max 16"
        assert shown["change"][1].startswith("8 of 16 changed")
        assert shown["written"][1] == "8 of 16 written since the mark"
        # Rows 1-2 of the 4x4 slice (items 1..8) changed and were written; drawn filled, not dotted.
        assert "".join(shown["change"][0]).strip() == "████"
        assert shown["value"][0] != shown["change"][0]


@drive
async def test_the_list_table_follows_the_paused_blocks_item() -> None:
    """Paused at a list block, the list table shows that list with the item's row under the cursor."""
    session = DebugSession(data_program())
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        blocks = session.project.target("S").blocks
        while blocks[current(session)].opcode != "data_replaceitemoflist":
            await press(app, pilot, "s")
        table = app.query_one(ListTable)
        assert table.cell is not None and table.cell.name == "data"
        assert table.access is not None and table.access.resolved == 1
        assert table.cursor == 0


@drive
async def test_events_list_out_of_range_reads_and_enter_shows_the_block() -> None:
    """A read past the end appears as an event; Enter on it shows its block in the script pane."""
    session = DebugSession(data_program(reads_past_end=True))
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await press(app, pilot, "c")
        events = app.query_one(EventsView)
        assert [(e.kind, e.subject) for e in events.shown] == [("read", "data")]
        app.query_one(EventTable).focus()
        await press(app, pilot, "enter")
        script = app.query_one(ScriptView)
        # The event names the `item of` reporter; the script pane shows the `set` it sits in.
        reporter = session.project.target("S").blocks[events.shown[0].block_id]
        assert reporter.opcode == "data_itemoflist"
        assert script.block_under_cursor == reporter.parent


@drive
async def test_x_pauses_before_an_out_of_range_access() -> None:
    """x arms a condition: c stops before the block whose item falls outside its list."""
    session = DebugSession(data_program(reads_past_end=True))
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await press(app, pilot, "x", "c")
        access = session.list_access()
        assert access is not None and not access.in_range and access.index == 20
        assert app.state == "paused (out-of-range list access)"
        assert not session.findings.misses  # stopped before the read, not after


@drive
async def test_i_pauses_before_a_fractional_index() -> None:
    """i arms a condition: c stops before the block whose list index Scratch would floor."""
    prog = Program("half")
    data = prog.stage.list("data", [1, 2, 3])
    x = prog.stage.var("x", 0)
    with prog.sprite("S").when_flag_clicked():
        x.set(1)
        x.set(data[x + 0.5])
    session = DebugSession(prog.build())
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await press(app, pilot, "i", "c")
        access = session.list_access()
        assert access is not None and access.index == 1.5 and access.resolved == 1
        assert app.state == "paused (fractional or non-numeric list index)"


@drive
async def test_search_jumps_to_the_next_matching_block() -> None:
    """/ finds a block by its text and shows it; the same search again finds the next one."""
    session = day3()
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await press(app, pilot, "slash")
        app.screen.query_one(Input).value = "get_delta_offset"
        await press(app, pilot, "enter")
        script = app.query_one(ScriptView)
        first = script.block_under_cursor
        assert first is not None and script.browsing
        await pilot.press("slash")
        await press(app, pilot, "enter")
        assert script.block_under_cursor not in (None, first)
        await press(app, pilot, "full_stop")
        assert script.block_under_cursor == current(session) and not script.browsing


@drive
async def test_a_200000_item_list_scrolls_to_its_end() -> None:
    """The list table draws rows from the live list on demand, so End on 200,000 items is one screenful."""
    prog = Program("big")
    prog.stage.list("big", [float(i) for i in range(200_000)])
    with prog.sprite("S").when_flag_clicked():
        prog.stage.var("x", 0).set(1)
    app = DebuggerApp(DebugSession(prog.build()))
    async with app.run_test(size=SIZE) as pilot:
        app.painter.show_list("big")
        table = app.query_one(ListTable)
        table.focus()
        await press(app, pilot, "end")
        assert table.cursor == 199_999
        assert "200000" in "".join(
            s.text for s in table.render_line(table.cursor - table.scroll_offset.y)
        )


@drive
async def test_the_palette_shows_a_slice_by_name() -> None:
    """ctrl+p, then part of a slice's name: the heatmap shows that slice."""
    session = day3()
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await press(app, pilot, "ctrl+p")
        app.screen.query_one(Input).value = "Slice W2"
        await pilot.pause(0.3)  # the palette searches in the background
        await press(app, pilot, "enter")
        heatmap = app.query_one(Heatmap)
        assert heatmap.slice is not None and heatmap.slice.name == "W2"


@drive
async def test_question_mark_shows_the_keys() -> None:
    """? opens the help screen listing every key; Escape closes it."""
    app = DebuggerApp(day3())
    async with app.run_test(size=SIZE) as pilot:
        await press(app, pilot, "question_mark")
        assert type(app.screen).__name__ == "HelpScreen"
        await press(app, pilot, "escape")
        assert type(app.screen).__name__ == "Screen"


# ## Screen-independent pieces


def test_the_runtime_and_the_debug_core_never_import_textual() -> None:
    """The inspector only watches: the engine, the debugger core and explain run without Textual."""
    import subprocess
    import sys

    code = (
        "import sys, emulator.runtime.runtime, emulator.debug.session, emulator.debug.explain, "
        "emulator.render_blocks; print(any(m.split('.')[0] == 'textual' for m in sys.modules))"
    )
    assert (
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.strip()
        == "False"
    )


def test_variables_group_by_the_groups_the_program_declares() -> None:
    """day3's groups: the current step's locals first, p_, u_, the rest, constants, other steps."""
    names = ["p_x", "u_k", "s1_i", "s10_q", "s2_z", "s2_j", "LEARNING_RATE", "epoch"]
    groups = DAY3_PROGRAM.variable_groups
    assert group_variables(names, groups, "s2_hidden_delta") == [
        ("s2_ step locals", ["s2_z", "s2_j"]),
        ("p_ arguments and results", ["p_x"]),
        ("u_ utilities", ["u_k"]),
        ("others", ["epoch"]),
        ("constants", ["LEARNING_RATE"]),
        ("s1_ step locals", ["s1_i"]),
        ("s10_ step locals", ["s10_q"]),
    ]


def test_variables_without_declared_groups_are_one_group() -> None:
    """A program that declares no groups (an .sb3) lists every variable under one heading."""
    assert group_variables(["b", "a"], ()) == [("variables", ["b", "a"])]


def test_the_input_picture_is_the_declared_slice_as_a_square() -> None:
    """The slice the program declares as its picture (day3: A0, activations 1..196) is drawn 14x14."""
    picture = picture_slice(Layout((196, 20, 10)).slices(), "A0")
    assert picture is not None and (picture.name, picture.start, picture.end, picture.shape) == (
        "A0",
        1,
        196,
        (14, 14),
    )
    assert picture_slice(Layout((10, 4)).slices(), "A0") is None
    assert picture_slice(Layout((196, 20, 10)).slices(), None) is None


def test_watch_text_takes_a_variable_or_a_list_range() -> None:
    """NAME watches a variable; LIST:START-END a range; anything else is refused with a reason."""
    session = DebugSession(data_program())
    session.watch("data:3-5")
    session.watch("i")
    with pytest.raises(ValueError, match="no variable or list called 'nothing'"):
        session.watch("nothing")
    watches = session.watches
    assert [(w.name, w.start, w.end, w.is_list) for w in watches] == [
        ("data", 3, 5, True),
        ("i", 0, 0, False),
    ]


def test_scripts_found_by_search_exist() -> None:
    """find_text answers blocks whose rendered line holds the text."""
    session = day3()
    target, block_id = block_saying(session, "get_delta_offset")
    blocks = session.project.target(target).blocks
    lines = render_script(blocks, script_top(blocks, block_id))
    assert any(line.block_id == block_id and "get_delta_offset" in line.text for line in lines)


# ## The main screen, pinned


@pytest.fixture
def golden_snap_compare(snap_compare: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """snap_compare, keeping its SVGs under tests/golden/tui (update with --snapshot-update)."""
    from pytest_textual_snapshot import SVGImageExtension

    monkeypatch.setattr(
        SVGImageExtension, "dirname", classmethod(lambda cls, *, test_location: str(GOLDEN))
    )
    return snap_compare


def test_main_screen_in_the_forward_pass(
    golden_snap_compare: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole screen, paused at a breakpoint in s2_forward_layer's inner loop after the mark."""
    monkeypatch.chdir(Path(__file__).parent.parent)  # blocks name their DSL line relative to here
    session = day3()
    session.run_to_mark()
    _, inner = block_saying(session, "change [s2_z v] by")
    session.toggle_breakpoint(inner)
    session.continue_()
    session.step()
    assert golden_snap_compare(DebuggerApp(session), terminal_size=SIZE)


def test_the_story_screen(golden_snap_compare: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """README's picture: paused (x, c) at the first write dropped outside `deltas`, the layer map (t)
    beside W1's change since the mark (m), which is none at all."""
    monkeypatch.chdir(Path(__file__).parent.parent)

    async def run_before(pilot: Pilot[Any]) -> None:
        for key in ("x", "c", "t", "m"):
            await pilot.press(key)
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
        # A toast's presence depends on how long the run took: the picture leaves them out.
        pilot.app.clear_notifications()
        await pilot.pause()

    app = DebuggerApp(day3())
    assert golden_snap_compare(app, terminal_size=(160, 48), run_before=run_before)


def test_an_sb3_with_no_names_stops_at_the_dropped_write(tmp_path: Path) -> None:
    """On the exported buggy day3 .sb3 (no slices, no DSL lines), x then c stops at the first access
    outside `deltas`."""
    from emulator.programs.day3_mlp import build
    from emulator.sb3 import save_sb3

    path = tmp_path / "day3.sb3"
    save_sb3(build(variant="buggy", epochs=1, train=1, test=1), path)
    asyncio.run(_stop_at_dropped_write(str(path)))


async def _stop_at_dropped_write(path: str) -> None:
    session = DebugSession(path)
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await press(app, pilot, "x", "c")
        access = session.list_access()
        assert access is not None and access.list_name == "deltas" and not access.in_range
        assert session.slices == [] and session.source_of(session.paused.stmt.id) is None  # type: ignore[union-attr]


def test_a_typed_condition_pauses_where_it_first_holds() -> None:
    """`NAME OP VALUE` and `LIST[N] OP VALUE` compare as Scratch does; a bad one names its problem."""
    session = DebugSession(data_program())
    session.break_when_text("data[3] > 5")
    paused = session.continue_()
    assert paused.reason == "condition"
    assert float(session.runtime.stage.find_list(None, "data").items[2]) > 5  # type: ignore[union-attr]
    for bad, why in [("nothing = 1", "no variable called"), ("data[2] ~ 3", "want NAME OP VALUE")]:
        with pytest.raises(ValueError, match=why):
            session.break_when_text(bad)


@drive
async def test_hash_goes_to_an_item_of_the_list() -> None:
    """# asks for an item number and puts the list table's cursor on it."""
    app = DebuggerApp(DebugSession(data_program()))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("number_sign")
        await pilot.press("1", "2", "enter")
        await pilot.pause()
        assert app.query_one(ListTable).cursor == 11


@drive
async def test_clicks_select_a_line_and_the_gutter_toggles_its_breakpoint() -> None:
    """Clicking a script line puts the cursor there; clicking its gutter sets a breakpoint on it."""
    session = DebugSession(data_program())
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        script = app.query_one(ScriptView)
        await pilot.click(ScriptView, offset=(10, 3))
        await pilot.pause()
        row = script.cursor
        assert row == 2 + script.scroll_offset.y
        block = script.block_under_cursor
        await pilot.click(ScriptView, offset=(1, 3))
        await pilot.pause()
        assert block is not None and block in session.breakpoints


def test_restart_keeps_breakpoints_on_the_same_blocks_after_an_edit(tmp_path: Path) -> None:
    """An edit above a breakpoint shifts block ids; the breakpoint follows its block by what it reads."""
    from emulator.loading import find_program

    path = tmp_path / "prog.py"
    body = (
        "from emulator.dsl import Program, say\n\n\ndef build():\n    prog = Program('p')\n"
        "    x = prog.stage.var('x', 0)\n    with prog.sprite('S').when_flag_clicked():\n{extra}"
        "        x.set(1)\n        x.change(2)\n        say(x)\n    return prog.build()\n"
    )
    path.write_text(body.format(extra=""))

    def reload() -> tuple[Project, Any]:
        program = find_program(str(path))
        assert program is not None
        return program.build(), program

    session = DebugSession(*reload()[:1])
    session.reload = reload
    change = block_saying(session, "change [x v]")[1]
    session.toggle_breakpoint(change)
    session.watch("x")
    path.write_text(body.format(extra="        say('first')\n"))
    fresh = session.restarted()
    [moved] = fresh.breakpoints
    _, block = fresh.project.find_block(moved)  # type: ignore[misc]
    assert block.opcode == "data_changevariableby" and moved != change
    assert [w.name for w in fresh.watches] == ["x"]
    assert fresh.continue_().reason == "watch"


@drive
async def test_the_findings_tab_lists_the_diagnosis_and_enter_shows_its_block() -> None:
    """At a pause the findings tab lists explain's conclusions so far; Enter on one shows its block."""
    session = DebugSession(data_program(reads_past_end=True))
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await press(app, pilot, "c")
        findings = app.query_one(FindingsView)
        kinds = [(d.kind, d.subject) for d in findings.items]
        assert ("out_of_range_read", "data") in kinds
        app.query_one(TabbedContent).active = "findings-tab"
        findings.focus()
        findings.highlighted = kinds.index(("out_of_range_read", "data"))
        await press(app, pilot, "enter")
        item = findings.items[kinds.index(("out_of_range_read", "data"))]
        assert item.block is not None
        reporter = session.project.target("S").blocks[item.block.block_id]
        assert app.query_one(ScriptView).block_under_cursor == reporter.parent
        assert app.focused is app.query_one(ScriptView)


def test_picture_labels_are_a_variable_and_the_largest_item_of_a_slice() -> None:
    """A declared label reads its variable as Scratch prints it; a prediction is where its slice peaks."""
    labels = (PictureLabel("true", variable="y"), PictureLabel("predicted", argmax_slice="out"))
    slices = [Slice("acts", "out", 3, 5, (3,))]
    items = {"acts": [9, 9, "0.1", 0.7, 0.2]}
    assert label_values(labels, slices, {"y": "2"}, items.__getitem__) == [
        ("true", "2"),
        ("predicted", "1"),
    ]
    assert label_values(labels, slices, {}, lambda name: []) == [("true", "-"), ("predicted", "-")]
    assert [x.label for x in DAY3_PROGRAM.picture_labels] == ["true", "predicted"]


@drive
async def test_the_variables_pane_shows_each_clones_own_variables() -> None:
    """A clone's local variable is its own row, named by the clone, beside its original's."""
    from emulator.dsl_sprite import create_clone
    from emulator.tui.shared.variables_view import VariablesView

    prog = Program("clones")
    made = prog.stage.var("made", 0)
    ball = prog.sprite("Ball")
    mine = ball.var("mine", 0)
    with ball.when_flag_clicked():
        create_clone()
        made.change(1)
        create_clone()
        made.change(1)
    with ball.when_i_start_as_clone():
        mine.set(made * 10)
    app = DebuggerApp(DebugSession(prog.build()))
    async with app.run_test(size=SIZE) as pilot:
        await press(app, pilot, "c")
        text = "\n".join(row.plain for row in app.query_one(VariablesView).rows)
        assert "Ball.mine" in text
        assert "Ball (clone 1).mine" in text and "Ball (clone 2).mine" in text
