"""Both inspectors fit the terminal: at 80x24, 120x35 and 200x50 every pane shown has room to be read."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.widget import Widget
from textual.widgets import TabbedContent, TabPane
from textual.widgets._footer import FooterKey

from emulator.debug.session import DebugSession
from emulator.trace.replay import Trace
from emulator.tui.live.app import DebuggerApp
from emulator.tui.replay.app import ReplayApp
from emulator.tui.replay.state import program_project
from emulator.tui.shared.layout import MIN_HEIGHT, MIN_WIDTH, TooSmall

TRACE = Path(__file__).parent.parent / "traces" / "day3-buggy.trace"
PANES = (
    "#script",
    "#variables",
    "#list",
    "#heatmap",
    "#picture",
    "#tabs",
    "#log",
    "#block",
    "#write",
)
SIZES = [(80, 24), (120, 35), (200, 50)]
MIN_PANE = (16, 3)  # columns and rows a pane needs to show a line of its content


def live_app() -> App[Any]:
    return DebuggerApp(
        DebugSession("day3", {"variant": "buggy", "epochs": 1, "train": 2, "test": 1})
    )


def replay_app() -> App[Any]:
    trace = Trace.open(str(TRACE))
    return ReplayApp(trace, program_project(trace), name=TRACE.name)


def _shown(app: App[Any]) -> dict[str, tuple[int, int]]:
    """Each pane that is on screen, with its size."""
    sizes = {}
    for selector in PANES:
        found = app.query(selector)
        if not found:
            continue
        pane: Widget = found.first()
        if pane.display and pane.region.area:
            sizes[selector] = (pane.region.width, pane.region.height)
    return sizes


async def _layout(
    make: Any, size: tuple[int, int], keys: tuple[str, ...] = ()
) -> dict[str, tuple[int, int]]:
    app = make()
    async with app.run_test(size=size) as pilot:
        for key in keys:
            await pilot.press(key)
        await pilot.pause()
        return _shown(app)


@pytest.mark.parametrize("make", [live_app, replay_app], ids=["debug", "replay"])
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_shown_pane_has_a_usable_size(make: Any, size: tuple[int, int]) -> None:
    """The script, the variables and a bottom pane are always shown, each big enough to read."""
    shown = asyncio.run(_layout(make, size))
    assert "#script" in shown and "#variables" in shown and "#list" in shown
    small = {k: v for k, v in shown.items() if v[0] < MIN_PANE[0] or v[1] < MIN_PANE[1]}
    assert small == {}, shown


@pytest.mark.parametrize("make", [live_app, replay_app], ids=["debug", "replay"])
def test_a_narrow_terminal_shows_one_bottom_pane_and_v_moves_on(make: Any) -> None:
    """At 80 columns the bottom row shows one pane; v shows the next one in its place."""
    before = asyncio.run(_layout(make, (80, 24)))
    after = asyncio.run(_layout(make, (80, 24), ("v",)))
    bottom = {"#list", "#heatmap", "#picture", "#tabs", "#log"}
    assert len(bottom & set(before)) == 1 and len(bottom & set(after)) == 1
    assert bottom & set(before) != bottom & set(after)


def test_below_the_minimum_the_screen_says_so() -> None:
    """A terminal smaller than the minimum shows what size is needed instead of broken panes."""

    async def run() -> str:
        app = live_app()
        async with app.run_test(size=(MIN_WIDTH - 10, MIN_HEIGHT - 4)) as pilot:
            await pilot.pause()
            notice = app.query_one(TooSmall)
            assert notice.display and not _shown(app)
            return str(notice.render())

    assert f"need {MIN_WIDTH}x{MIN_HEIGHT}" in asyncio.run(run())


def test_z_maximises_the_focused_pane() -> None:
    """z fills the screen with the focused pane; z again puts it back."""

    async def run() -> tuple[bool, bool]:
        app = live_app()
        async with app.run_test(size=(120, 35)) as pilot:
            await pilot.press("z")
            maximised = app.screen.maximized is not None
            await pilot.press("z")
            return maximised, app.screen.maximized is None

    assert asyncio.run(run()) == (True, True)


def test_the_output_and_curves_tabs_show_what_the_run_said_and_learned() -> None:
    """After a run, the output tab lists the program's bubbles and the curves tab its loss and accuracy."""
    from emulator.tui.shared.output_view import CurvesView, OutputView

    async def run() -> tuple[str, list[float]]:
        app = live_app()
        async with app.run_test(size=(200, 50)) as pilot:
            await pilot.press("c")
            await app.workers.wait_for_complete()
            for _ in range(3):
                await pilot.press("t")
            await pilot.pause()
            output = str(app.query_one(OutputView).render())
            curve = app.query_one(CurvesView).query_one("#curve-0").data  # type: ignore[attr-defined]
            return output, list(curve)

    output, curve = asyncio.run(run())
    assert "Network says: test accuracy:" in output
    assert len(curve) == 1 and curve[0] > 0  # one epoch: one mean loss


def test_the_guided_start_tells_the_story() -> None:
    """debug --explain runs to the first bad access and on to the end of that sample: the story tab
    then shows W1 unchanged beside slices that changed, the heatmap shows W1's change, the layer map
    flags deltas, and the events list the dropped writes."""
    from emulator.tui.shared.heatmap import Heatmap
    from emulator.tui.shared.output_view import StoryView

    async def run() -> tuple[str, str, str, list[str]]:
        session = DebugSession("day3", {"variant": "buggy", "epochs": 1, "train": 3, "test": 2})
        app = DebuggerApp(session, guided=True)
        async with app.run_test(size=(80, 24)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.pause()
            story = str(app.query_one(StoryView).render())
            heatmap = app.query_one(Heatmap)
            kinds = [e.kind for e in app.query_one("#events").rows]  # type: ignore[attr-defined]
            return story, heatmap.slice.name, heatmap.mode, kinds  # type: ignore[union-attr]

    story, shown, mode, kinds = asyncio.run(run())
    assert "W1 (weights 1..3920): 0 of 3,920 changed" in story
    assert "W2 (weights 3941..4100): 160 of 160 changed" in story
    assert "layer map: deltas of layer 2 are items 43..62" in story
    assert shown == "W1" and mode == "change" and "write" in kinds


ENTER_BY_PANE = {
    "debug": {
        "#script": "breakpoint",
        "#events EventTable": "show block",
        "#findings": "show block",
        "#list": None,
        "#variables": None,
        "#heatmap": None,
    },
    "replay": {
        "#script": None,  # replay has no breakpoints
        "#log": "replay to here",
        "#findings": "replay to its write",
        "#timeline": None,
        "#list": None,
        "#variables": None,
        "#heatmap": None,
    },
}


@pytest.mark.parametrize("make", [live_app, replay_app], ids=["debug", "replay"])
def test_enter_means_one_thing_per_pane_and_the_footer_says_which(make: Any) -> None:
    """Each focusable pane either names what Enter does in the footer, or Enter is not offered there."""
    expected = ENTER_BY_PANE["debug" if make is live_app else "replay"]

    async def run() -> dict[str, str | None]:
        app = make()
        said: dict[str, str | None] = {}
        async with app.run_test(size=(200, 50)) as pilot:
            for selector in expected:
                pane = app.query_one(selector)
                tabs = app.query_one(TabbedContent)
                pane_tab = next((p for p in tabs.query(TabPane) if pane in p.query("*")), None)
                if pane_tab is not None:
                    tabs.active = str(pane_tab.id)
                    await pilot.pause()
                pane.focus()
                await pilot.pause()
                active = app.screen.active_bindings.get("enter")
                shown = active is not None and active.binding.show and active.enabled
                said[selector] = active.binding.description if shown and active else None
                if said[selector]:
                    # The footer is composed again after a focus change; a loaded machine may need
                    # more than one pause before it is.
                    footer = ""
                    for _ in range(100):
                        footer = " ".join(str(k.render()) for k in app.query(FooterKey))
                        if said[selector] in footer:
                            break
                        await pilot.pause(0.05)
                    assert said[selector] in footer, footer
        return said

    assert asyncio.run(run()) == expected
