"""Wall-clock and CPU seconds for the benchmarks, the CPU time of the second processes a run starts included."""

from __future__ import annotations

import resource
import time
from typing import NamedTuple


class Timing(NamedTuple):
    """A run's wall-clock and CPU seconds."""

    wall: float
    cpu: float


def cpu_seconds() -> float:
    """CPU seconds of this process and of the children it has ended and waited for (a recording
    encodes its chunks in one)."""
    ended = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + ended.ru_utime + ended.ru_stime


class Clock:
    """Wall-clock and CPU seconds since it started."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), cpu_seconds()

    def read(self) -> Timing:
        return Timing(time.perf_counter() - self.wall, cpu_seconds() - self.cpu)
