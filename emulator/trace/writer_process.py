"""A trace's chunks encoded and compressed in a second process, so a long recording encodes on the other core.

The recorder hands its TraceWriter's work here once a recording is long enough (Recorder's
move_after): each call goes down a pipe to `python -m emulator.trace.writer_process`, which goes on
with a TraceWriter of its own from where this process's stopped and sends back the bytes of each
chunk it makes; this process writes them to the trace in order, so the file only ever holds whole
chunks. Both ends are this program's own processes: their messages are pickled.
"""

from __future__ import annotations

import functools
import io
import os
import pickle
import select
import subprocess
import sys
import weakref
from collections.abc import Callable, Sequence
from typing import IO, Any, BinaryIO

from emulator import second_process
from emulator.errors import EmulatorError
from emulator.second_process import LENGTH, read_message, write_message
from emulator.trace.cuts import Cut, write_cut
from emulator.trace.events import BlockInfo, Bubble, CellInfo, Ending, Site, ThreadInfo
from emulator.trace.format import TraceWriter

_LOST = "the trace's second process ended before the recording did"


class WriterInSecondProcess:
    """TraceWriter's methods, carried out in a second process; the chunks it makes are written
    to `sink` here, in order, as they come back."""

    def __init__(self, process: subprocess.Popen[bytes], sink: BinaryIO) -> None:
        assert process.stdin is not None and process.stdout is not None
        self._process = process
        self._end = weakref.finalize(self, second_process.end, process)
        self.sink = sink
        self.events = 0  # as TraceWriter counts them: the events in the chunks handed over
        self._in, self._out = process.stdin.fileno(), process.stdout.fileno()
        self._received = bytearray()
        self._taken = False  # handed a writer (take_over)
        # poll, not select: no limit on the descriptors' numbers.
        self._both, self._replies = select.poll(), select.poll()
        self._both.register(self._out, select.POLLIN)
        self._both.register(self._in, select.POLLOUT)
        self._replies.register(self._out, select.POLLIN)

    @classmethod
    def start(cls, sink: BinaryIO) -> WriterInSecondProcess | None:
        """A second process to write to `sink` through, started ahead of take_over so that it
        is ready by then (None if none could start, or its output pipe could not be widened)."""
        process = second_process.start("emulator.trace.writer_process", own_session=True)
        if process is None:
            return None
        if not second_process.widen(process.stdout):
            process.kill()
            second_process.end(process)
            return None
        started = cls(process, sink)
        # Neither end waits on a full pipe while the other waits on it: _send reads as it writes.
        os.set_blocking(started._in, False)
        return started

    def take_over(self, writer: TraceWriter) -> bool:
        """Go on with `writer`'s file from here; whether the second process took it."""
        self.events, self._taken = writer.events, True
        try:
            self._send(("resume", writer.state()))
        except EmulatorError:
            self.discard()
            return False
        return True

    def discard(self) -> None:
        """End the second process, with nothing more to write (one never handed a writer is
        stopped at once: it may still be starting)."""
        if not self._taken and self._process.poll() is None:
            self._process.kill()
        self._end()

    # ## TraceWriter's methods

    def tables(
        self,
        cells: Sequence[CellInfo] = (),
        blocks: Sequence[BlockInfo] = (),
        threads: Sequence[ThreadInfo] = (),
        sites: Sequence[Site] = (),
        bubbles: Sequence[Bubble] = (),
    ) -> None:
        self._send(("tables", list(cells), list(blocks), list(threads), list(sites), list(bubbles)))

    def cut(self, cut: Cut) -> None:
        """write_cut, there: the columns are built in the second process."""
        self._send(("cut", cut))
        self.events += cut.events

    def end(self, ending: Ending) -> None:
        """The end chunk; then every chunk still on its way is written, and the process ends."""
        self._send(("end", ending))
        assert self._process.stdin is not None
        self._process.stdin.close()
        os.set_blocking(self._out, True)
        while self._receive():
            pass
        self.discard()
        if self._received or self._process.returncode != 0:
            raise EmulatorError(_LOST)

    # ## The pipes

    def _send(self, message: tuple[Any, ...]) -> None:
        """Write a message whole, taking in what comes back meanwhile."""
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(LENGTH.pack(len(data)) + data)
        while view:
            for fd, _ in self._both.poll():
                if fd == self._out and not self._receive():
                    raise EmulatorError(_LOST)
                if fd == self._in:
                    try:
                        view = view[os.write(self._in, view[: second_process.PIPE_BYTES]) :]
                    except BlockingIOError:
                        pass
                    except OSError as e:  # a broken pipe: the process ended
                        raise EmulatorError(_LOST) from e
        self._take_ready()

    def _take_ready(self) -> None:
        """Take in what has come back, without waiting for more."""
        while self._replies.poll(0):
            if not self._receive():
                raise EmulatorError(_LOST)

    def _receive(self) -> bool:
        """Read what the pipe holds and write each whole chunk that came back; False at its end."""
        try:
            data = os.read(self._out, second_process.PIPE_BYTES)
        except BlockingIOError:
            return True
        if not data:
            return False
        received = self._received
        received += data
        done = 0
        while len(received) - done >= LENGTH.size:
            size = LENGTH.unpack_from(received, done)[0]
            if len(received) - done - LENGTH.size < size:
                break
            start = done + LENGTH.size
            self.sink.write(received[start : start + size])
            done = start + size
        if done:
            del received[:done]
            self.sink.flush()
        return True


# ## The second process


class _Collected(io.BytesIO):
    """Where the second process's writer puts its chunks until they are sent back."""

    def flush(self) -> None:  # each message's bytes go back whole, after it
        pass


def serve(source: IO[bytes], sink: IO[bytes]) -> None:
    """Carry out each message in turn, sending back the bytes it made, until the input ends."""
    collected = _Collected()
    writer: TraceWriter | None = None
    while True:
        try:
            op, *args = pickle.loads(read_message(source))
        except EOFError:
            return
        if op == "resume":
            writer = TraceWriter.resumed(collected, args[0])
            continue
        assert writer is not None
        methods: dict[str, Callable[..., None]] = {
            "tables": writer.tables,
            "cut": functools.partial(write_cut, writer),
            "end": writer.end,
        }
        methods[op](*args)
        write_message(sink, collected.getvalue())
        collected.seek(0)
        collected.truncate()


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
