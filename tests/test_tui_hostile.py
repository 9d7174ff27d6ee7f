"""Names from a project reach both inspectors as text: never as markup, never as raw control characters."""

from __future__ import annotations

import asyncio
import io
from typing import Any

from emulator.debug.session import DebugSession
from emulator.dsl import Program, repeat, say
from emulator.project import Project
from emulator.trace.recorder import record_run
from emulator.trace.replay import Trace
from emulator.tui.live.app import DebuggerApp
from emulator.tui.replay.app import ReplayApp
from emulator.tui.shared.screen_text import screen_text

HOSTILE = {
    "sprite": "x[/]",
    "list": "[red]evil[/red]",
    "var": "[@click=app.quit]v[/]\x1b[2J",
}


def hostile_program() -> Project:
    """A sprite, a list and a variable named to break markup or steer the terminal."""
    prog = Program("[b]title[/b]")
    items = prog.stage.list(HOSTILE["list"], ["1", "2"])
    v = prog.stage.var(HOSTILE["var"], 0)
    with prog.sprite(HOSTILE["sprite"]).when_flag_clicked():
        with repeat(3):
            v.change(1)
            items.add(v)
        say(items.item(9))
    return prog.build()


async def _open_live() -> str:
    app = DebuggerApp(DebugSession(hostile_program()))
    async with app.run_test(size=(160, 50)) as pilot:
        for key in ("s", "s", "l", "c"):
            await pilot.press(key)
            await app.workers.wait_for_complete()
            await pilot.pause()
        return screen_text(app)


async def _open_replay() -> str:
    sink = io.BytesIO()
    project = hostile_program()
    record_run(project, sink, program="hostile")
    app = ReplayApp(Trace.from_bytes(sink.getvalue()), project, name="hostile.trace")
    async with app.run_test(size=(160, 50)) as pilot:
        for key in ("right", "right", "l", "end"):
            await pilot.press(key)
            await pilot.pause()
        return screen_text(app)


def _assert_shown_as_text(screen: str) -> None:
    assert "\x1b" not in screen
    assert HOSTILE["list"] in screen  # the brackets are shown, not read as a style


def test_the_live_inspector_shows_hostile_names_as_text() -> None:
    """Stepping and continuing a project whose names are markup or escapes neither crashes nor styles."""
    _assert_shown_as_text(asyncio.run(_open_live()))


def test_the_replay_inspector_shows_hostile_names_as_text() -> None:
    """Replaying the same run shows the same names as text."""
    _assert_shown_as_text(asyncio.run(_open_replay()))


def test_the_app_is_not_quit_by_a_clicked_name(*_: Any) -> None:
    """A name holding an @click action is text: nothing it names is run."""
    screen = asyncio.run(_open_live())
    assert "[@click=app.quit]v[/]" in screen
