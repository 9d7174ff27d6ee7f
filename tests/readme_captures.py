"""README's captures of the tool's own output, made anew: `python -m tests.readme_captures --write` rewrites them.

Each capture is a fenced block in README.md whose first line starts with a known prefix; its text is
what the command it quotes prints now. tests/test_readme.py checks that every capture is fresh.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import re
from collections.abc import Callable
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def explain_capture() -> str:
    """`scratch-emu explain day3 --variant buggy`."""
    from emulator.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(["explain", "day3", "--variant", "buggy"])
    return out.getvalue()


def spiral_explain_capture() -> str:
    """`scratch-emu explain spiral --variant buggy` (by the program's file: the same report)."""
    from emulator.cli import main

    out = io.StringIO()
    program = README.parent / "programs" / "spiral.py"
    with contextlib.redirect_stdout(out):
        main(["explain", str(program.relative_to(Path.cwd())), "--variant", "buggy"])
    return out.getvalue()


def inspector_capture() -> str:
    """`python tests/bench/tui_capture.py`: the inspector paused at the first dropped write."""
    from tests.bench.tui_capture import capture

    screen = asyncio.run(
        capture({"variant": "buggy", "epochs": 1, "train": 3, "test": 2}, (160, 48))
    )
    return screen.rstrip("\n") + "\n"


def lut_capture() -> str:
    """`scratch-emu lut --report`."""
    from emulator.lut.report import error_report, format_report

    return format_report(error_report()) + "\n"


CAPTURES: dict[str, Callable[[], str]] = {
    "explain day3_buggy:": explain_capture,
    "explain spiral_buggy:": spiral_explain_capture,
    " ⭘ ": inspector_capture,
    "Lookup-table error against exact functions": lut_capture,
}


def block(text: str, prefix: str) -> re.Match[str]:
    """The fenced block of README whose first line starts with the prefix."""
    match = re.search(r"```\n(" + re.escape(prefix) + r".*?\n)```", text, re.S)
    if match is None:
        raise LookupError(f"README has no block starting with {prefix!r}")
    return match


def main() -> None:
    """Print the captures that differ; with --write, put the fresh ones into README.md."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="rewrite README.md's captures")
    args = parser.parse_args()
    text = README.read_text()
    for prefix, make in CAPTURES.items():
        fresh = make()
        match = block(text, prefix)
        if match.group(1) != fresh:
            print(f"stale: the block starting {prefix!r}")
            text = text[: match.start(1)] + fresh + text[match.end(1) :]
    if args.write:
        README.write_text(text)


if __name__ == "__main__":
    main()
