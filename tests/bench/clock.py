"""Wall-clock and CPU seconds for the benchmarks, the CPU time of the second processes a run starts included."""

from __future__ import annotations

import resource
import threading
import time
from typing import NamedTuple

from emulator.trace.writer_process import WAITER


class Timing(NamedTuple):
    """A run's wall-clock and CPU seconds, and the CPU seconds of the thread that ran it (a
    recording's own work: neither its second process nor its waiting for it)."""

    wall: float
    cpu: float
    thread: float


def cpu_seconds() -> float:
    """CPU seconds of this process and of the children it has ended and waited for (a recording
    encodes its chunks in one)."""
    ended = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + ended.ru_utime + ended.ru_stime


class Clock:
    """Wall-clock and CPU seconds since it started."""

    def __init__(self) -> None:
        self.wall, self.cpu, self.thread = time.perf_counter(), cpu_seconds(), time.thread_time()

    def read(self) -> Timing:
        """The wall-clock time until now, and the CPU time until the second processes a
        recording started have shut down (they end on their own, after it)."""
        wall, own = time.perf_counter() - self.wall, time.thread_time() - self.thread
        for thread in threading.enumerate():
            if thread.name == WAITER:  # the process counts once waited for
                thread.join()
        return Timing(wall, cpu_seconds() - self.cpu, own)
