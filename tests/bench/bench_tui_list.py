"""Benchmark: what a page of a 200,000-item list costs in the inspector's list table (it draws only what shows).

    python tests/bench/bench_tui_list.py [--items 200000] [--pages 200]

Prints two figures: painting one screenful of rows (the widget's own cost), and a PageDown
through the running app, key to repainted screen (what a person waits for).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time

from emulator.debug.session import DebugSession
from emulator.dsl import Program
from emulator.project import Project
from emulator.tui.live.app import DebuggerApp
from emulator.tui.shared.lists_view import ListTable


def big_list_program(items: int) -> Project:
    """A stage with one list of `items` numbers and a script that reads one."""
    prog = Program("big_list")
    rng = random.Random(0)
    big = prog.stage.list("big", [rng.uniform(-1, 1) for _ in range(items)])
    x = prog.stage.var("x", 0)
    sprite = prog.sprite("Reader")
    with sprite.when_flag_clicked():
        x.set(big[items // 2])
    return prog.build()


async def keypress_ms(pilot: object, key: str, times: int) -> float:
    """Milliseconds from pressing a key to the app being idle again, on average."""
    start = time.perf_counter()
    for _ in range(times):
        await pilot.press(key)  # type: ignore[attr-defined]
        await pilot.pause()  # type: ignore[attr-defined]
    return (time.perf_counter() - start) / times * 1000


async def measure(items: int, pages: int) -> tuple[float, float, float, int]:
    """(ms to paint one page of rows, ms per PageDown in the app, ms per unbound key, rows per page)."""
    app = DebuggerApp(DebugSession(big_list_program(items)))
    async with app.run_test(size=(160, 48)) as pilot:
        table = app.query_one(ListTable)
        app.painter.show_list("big")
        table.focus()
        await pilot.pause()
        height = table.scrollable_content_region.height
        start = time.perf_counter()
        for _ in range(pages):
            for y in range(height):
                table.render_line(y)
            table.cursor += height
        paint = (time.perf_counter() - start) / pages * 1000
        table.cursor = 0
        await pilot.pause()
        idle = await keypress_ms(pilot, "z", pages)  # no binding: what the test driver itself costs
        press = await keypress_ms(pilot, "pagedown", pages)
        assert table.cursor > 0
    return paint, press, idle, height


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=200_000)
    parser.add_argument("--pages", type=int, default=200)
    args = parser.parse_args()
    paint, press, idle, rows = asyncio.run(measure(args.items, args.pages))
    print(f"list of {args.items:,} items, {rows} rows a page, {args.pages} pages:")
    print(f"  paint one page of rows              {paint:6.2f} ms")
    print(f"  PageDown to idle again (headless)   {press:6.2f} ms")
    print(f"  an unbound key to idle again        {idle:6.2f} ms (the test driver's own wait)")
    print(f"  so a page costs about               {press - idle:6.2f} ms")


if __name__ == "__main__":
    main()
