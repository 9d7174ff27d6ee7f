"""Print the replay inspector's screen as text at the last write to W1 in the buggy day3 trace: for the README.

    python tests/bench/tui_replay_capture.py [--trace traces/day3-buggy.trace] [--width 160] [--height 48]

It opens the app headless on the trace (rebuilding day3 from the header, as `scratch-emu replay`
does), goes to the end, asks `r` for the last write of W1 (weights 1..3920), shows the
change-since-the-mark heatmap, and prints what the screen shows. In the buggy run that write is
made by s7_update_layer, stores the value already there, and W1 shows 0 of 3,920 items changed.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from textual.widgets import Input

from emulator.trace.replay import Trace
from emulator.tui.replay.app import ReplayApp
from emulator.tui.replay.state import program_project
from emulator.tui.shared.screen_text import screen_text

BUGGY = Path(__file__).resolve().parents[2] / "traces" / "day3-buggy.trace"


async def capture(path: Path, size: tuple[int, int]) -> str:
    """The screen's text at the last write to W1."""
    trace = Trace.open(path)
    app = ReplayApp(trace, program_project(trace), name=path.name)
    async with app.run_test(size=size) as pilot:
        for key in ("end", "r"):
            await pilot.press(key)
            await pilot.pause()
        app.screen.query_one(Input).value = "W1"
        for key in ("enter", "m"):  # value -> change since the mark
            await pilot.press(key)
            await pilot.pause()
        return screen_text(app)


def main() -> None:
    """Parse the options, capture, print."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--trace", type=Path, default=BUGGY)
    parser.add_argument("--width", type=int, default=160)
    parser.add_argument("--height", type=int, default=48)
    args = parser.parse_args()
    print(asyncio.run(capture(args.trace, (args.width, args.height))))


if __name__ == "__main__":
    main()
