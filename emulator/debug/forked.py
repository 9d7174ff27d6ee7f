"""A piece of work done in a forked copy of this process while this one goes on, for its result.

Where there is no second core, no fork, or more than one thread (a fork copies only the one that
forks), or where the copy fails, the work is done here when its result is asked for instead.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import threading
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

from emulator.second_process import has_second_core

T = TypeVar("T")

# How much lower the copy's priority is: its result is wanted only when this process is done, so
# where the cores are busy (the run, its read trail's second process), it takes what they leave.
NICENESS = 10


def can_fork() -> bool:
    """Whether work can go to a forked copy that runs beside this process."""
    return hasattr(os, "fork") and threading.active_count() == 1 and has_second_core()


class Forked(Generic[T]):
    """`work()` started in a forked copy now; `result()` waits for what it returned."""

    def __init__(self, work: Callable[[], T]) -> None:
        self._work = work
        self._pid = 0
        self._pipe = -1
        if can_fork():
            self._start()

    def _start(self) -> None:
        read, write = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read)
            os.close(write)
            return
        if pid == 0:  # the copy: do the work, send it, and end without running this one's exits
            try:
                os.close(read)
                with contextlib.suppress(OSError):  # it yields the cores to the run it waits on
                    os.nice(NICENESS)
                try:
                    data = pickle.dumps((True, self._work()), protocol=pickle.HIGHEST_PROTOCOL)
                except BaseException:  # the parent does the work again and sees why
                    data = pickle.dumps((False, None))
                with os.fdopen(write, "wb") as sink:
                    sink.write(data)
            finally:
                os._exit(0)
        os.close(write)
        self._pid, self._pipe = pid, read
        self._abandon = weakref.finalize(self, _abandon, pid, read)

    def result(self) -> T:
        """What the work returned (done here if the copy could not do it)."""
        if not self._pid:
            return self._work()
        self._abandon.detach()
        with os.fdopen(self._pipe, "rb") as source:
            data = source.read()
        os.waitpid(self._pid, 0)
        self._pid = 0
        try:
            done, value = pickle.loads(data)
        except Exception:  # the copy died before it had sent everything
            done, value = False, None
        return value if done else self._work()


def _abandon(pid: int, pipe: int) -> None:
    """The result was never asked for: end the copy and reap it."""
    os.close(pipe)
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
