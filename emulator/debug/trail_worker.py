"""A read trail's counting in a second process, so a long explain counts on the other core.

The run hands the trail a batch of logged reads and events at a time (ReadTrail.settle); here they
go down a pipe to `python -m emulator.debug.trail_worker`, which keeps the ReadCounts and answers
for its groups. A batch holds only text and numbers (the log names lists), so it crosses by
marshal, twice as fast as pickle; the other messages are pickled.
"""

from __future__ import annotations

import contextlib
import marshal
import pickle
import subprocess
import sys
import weakref
from typing import IO, TYPE_CHECKING, Any

from emulator import second_process
from emulator.errors import EmulatorError
from emulator.second_process import read_message, write_message

if TYPE_CHECKING:
    from emulator.debug.dataflow import ReadCounts, ReadGroup

MOVE_AFTER = 32  # batches counted here before the counting moves: a short run never starts one

MARSHALLED, PICKLED = b"m", b"p"  # a message's first byte: how the rest is written
_LOST = "the read trail's second process ended before the run did"


class SecondProcess:
    """ReadCounts' methods, carried out in the second process."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self._process = process
        self._end = weakref.finalize(self, second_process.end, process)

    @classmethod
    def start(cls, counts: ReadCounts) -> SecondProcess | None:
        """Move `counts` to a new second process (None if none could start: count here then)."""
        process = second_process.start("emulator.debug.trail_worker")
        if process is None:
            return None
        moved = cls(process)
        try:
            moved._send(("counts", counts))
        except EmulatorError:
            moved._end()
            return None
        return moved

    def take(self, events: list[tuple[Any, ...]], entries: list[Any]) -> None:
        self._send(("take", events, entries), batch=True)

    def written_before(self, written: dict[str, bytearray], stamp: int) -> None:
        self._send(("written_before", written, stamp))

    def clear(self, list_name: str, stamp: int) -> None:
        self._send(("clear", list_name, stamp))

    @property
    def groups(self) -> dict[tuple[int, str, str, str], ReadGroup]:
        self._send(("groups",))
        groups: dict[tuple[int, str, str, str], ReadGroup] = pickle.loads(self._receive())
        return groups

    def finish(self) -> ReadCounts:
        """The counting, back in this process; the second process ends."""
        self._send(("finish",))
        counts: ReadCounts = pickle.loads(self._receive())
        self._end()
        return counts

    def _send(self, message: tuple[Any, ...], batch: bool = False) -> None:
        kind, data = MARSHALLED, None
        if batch:
            with contextlib.suppress(ValueError):  # a value marshal does not take: pickled
                data = marshal.dumps(message)
        if data is None:
            kind, data = PICKLED, pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        stream = self._process.stdin
        try:
            assert stream is not None
            write_message(stream, data, kind)
        except (OSError, ValueError) as e:  # a broken pipe, or one already closed
            raise EmulatorError(_LOST) from e

    def _receive(self) -> bytes:
        stream = self._process.stdout
        try:
            assert stream is not None
            return read_message(stream)
        except (OSError, ValueError, EOFError) as e:
            raise EmulatorError(_LOST) from e


def _message(data: bytes) -> tuple[Any, ...]:
    """A message as _send wrote it: marshalled (a batch) or pickled, as its first byte says."""
    kind, body = data[:1], memoryview(data)[1:]
    message: tuple[Any, ...] = marshal.loads(body) if kind == MARSHALLED else pickle.loads(body)
    return message


def serve(source: IO[bytes], sink: IO[bytes]) -> None:
    """The second process: carry out each message in turn until the input ends."""
    counts: Any = None
    while True:
        try:
            op, *args = _message(read_message(source))
        except EOFError:
            return
        if op == "counts":
            counts = args[0]
        elif op == "groups":
            write_message(sink, pickle.dumps(counts.groups, protocol=pickle.HIGHEST_PROTOCOL))
        elif op == "finish":
            write_message(sink, pickle.dumps(counts, protocol=pickle.HIGHEST_PROTOCOL))
            return
        elif op == "take":
            counts.take(*args)
        elif op == "written_before":
            counts.written_before(*args)
        elif op == "clear":
            counts.clear(*args)


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt, BrokenPipeError):
        serve(sys.stdin.buffer, sys.stdout.buffer)
