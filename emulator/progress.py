"""A progress display for long runs on a terminal: blocks, blocks per second, and the program's own line."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, TextIO

from emulator.program import Progress as ProgramLine
from emulator.runtime.runtime import Runtime

if TYPE_CHECKING:
    from rich.progress import Progress

ProgramProgress = Callable[[Runtime], ProgramLine]
REFRESH_SECONDS = 0.25


class RunProgress:
    """Shows progress on stderr while a runtime runs (only when stderr is a terminal)."""

    def __init__(
        self, runtime: Runtime, program: ProgramProgress | None = None, enabled: bool | None = None
    ) -> None:
        self.runtime = runtime
        self.program = program
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._progress: Progress | None = None
        self._task: Any = None
        self._last = 0.0
        self._start = 0.0
        self._start_blocks = 0

    def __enter__(self) -> RunProgress:
        self._start, self._start_blocks = time.perf_counter(), self.runtime.blocks
        if self.enabled:
            # rich is imported only for a terminal: a run in a pipe or a benchmark never pays for it
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                Progress,
                TaskProgressColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            self._progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TaskProgressColumn(),
                TimeElapsedColumn(),
                TextColumn("{task.fields[detail]}"),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task("running", total=None, detail="")
            self.runtime.on_frame = self._update
        return self

    def _update(self) -> None:
        now = time.perf_counter()
        if now - self._last < REFRESH_SECONDS or self._progress is None:
            return
        self._last = now
        rate = (self.runtime.blocks - self._start_blocks) / max(now - self._start, 1e-9)
        detail = f"{self.runtime.blocks:,} blocks, {rate / 1e6:.2f} M blocks/s"
        if self.program is not None:
            line = self.program(self.runtime)
            self._progress.update(
                self._task,
                completed=line.done,
                total=line.total or None,
                description=line.text,
                detail=detail,
            )
        else:
            self._progress.update(
                self._task, description=f"frame {self.runtime.frame_count:,}", detail=detail
            )

    def print(self, text: str, file: TextIO) -> None:
        """Print a line of the program's output; above the bar while it shows, so neither garbles the other."""
        if self._progress is not None and file.isatty():
            self._progress.console.print(text, markup=False, highlight=False, emoji=False)
        else:
            print(text, file=file, flush=True)

    @property
    def seconds(self) -> float:
        """Wall-clock time since the display started."""
        return time.perf_counter() - self._start

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._progress is not None:
            self._progress.stop()
        self.runtime.on_frame = None
