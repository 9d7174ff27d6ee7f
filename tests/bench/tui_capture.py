"""Print the inspector's screen as text, paused at the first write day3 (buggy) drops: for the README.

    python tests/bench/tui_capture.py [--train 3] [--width 160] [--height 48]

It opens the app headless on `day3 --variant buggy`, turns on "pause before an out-of-range list
access" (the x key), continues (c) until that pause, shows the change-since-the-mark heatmap of W1,
and prints what the screen shows.
"""

from __future__ import annotations

import argparse
import asyncio

from emulator.debug.session import DebugSession
from emulator.tui.live.app import DebuggerApp
from emulator.tui.shared.screen_text import screen_text


async def capture(params: dict[str, object], size: tuple[int, int]) -> str:
    """The screen's text once the run has paused at the first dropped write."""
    app = DebuggerApp(DebugSession("day3", params))
    async with app.run_test(size=size) as pilot:
        for key in ("x", "c", "t"):
            await pilot.press(key)
            await app.workers.wait_for_complete()
            await pilot.pause()
        await pilot.press("m")  # value -> change since the mark
        await pilot.pause()
        return screen_text(app)


def main() -> None:
    """Parse the options, capture, print."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--train", type=int, default=3)
    parser.add_argument("--test", type=int, default=2)
    parser.add_argument("--width", type=int, default=160)
    parser.add_argument("--height", type=int, default=48)
    args = parser.parse_args()
    params = {"variant": "buggy", "epochs": 1, "train": args.train, "test": args.test}
    print(asyncio.run(capture(params, (args.width, args.height))))


if __name__ == "__main__":
    main()
