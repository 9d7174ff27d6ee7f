"""Opens the installed inspector headless, live on day3 and in replay on a trace: each screen comes up and answers keys.

Run by .ci/run with the python of a virtual environment that installed the built wheel, from outside the
source tree, so that everything here comes from the wheel: `python check_installed.py TRACE`.
"""

from __future__ import annotations

import asyncio
import sys
from importlib.metadata import version
from pathlib import Path

import emulator
from emulator.debug.session import DebugSession
from emulator.trace.replay import Trace
from emulator.tui.live.app import DebuggerApp
from emulator.tui.replay.app import ReplayApp
from emulator.tui.replay.state import program_project
from emulator.tui.shared.screen_text import screen_text

SIZE = (160, 50)
DAY3 = {"variant": "buggy", "epochs": 1, "train": 3, "test": 2}  # reads the lookup tables and MNIST


def check_the_install() -> None:
    """The package is the installed one, with its version and typing marker."""
    package = Path(emulator.__file__).parent
    assert "site-packages" in package.parts, f"emulator imported from {package}, not the wheel"
    assert version("scratch-emu") == emulator.__version__
    assert (package / "py.typed").is_file()
    print(f"installed: scratch-emu {emulator.__version__} in {package}")


async def check_debug() -> None:
    """`scratch-emu debug day3`: the inspector opens paused, and s steps one block."""
    app = DebuggerApp(DebugSession("day3", DAY3))
    async with app.run_test(size=SIZE) as pilot:
        before = screen_text(app)
        assert "scratch-emu debug" in before
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen_text(app) != before, "s did not change the screen"
    print("debug: the inspector came up on day3 and stepped")


async def check_replay(path: Path) -> None:
    """`scratch-emu replay TRACE`: the inspector opens at the start, and → twice moves two writes on."""
    trace = Trace.open(path)
    app = ReplayApp(trace, program_project(trace), name=path.name)
    async with app.run_test(size=SIZE) as pilot:
        before = screen_text(app)
        assert "scratch-emu replay" in before
        await pilot.press("right", "right")
        await pilot.pause()
        assert app.position == 2, app.position
        assert screen_text(app) != before, "→ did not change the screen"
    print(f"replay: the inspector came up on {path.name} and moved two writes on")


def main() -> None:
    check_the_install()
    asyncio.run(check_debug())
    asyncio.run(check_replay(Path(sys.argv[1])))


if __name__ == "__main__":
    main()
