"""A trace's chunks encoded and compressed in a second process, so a long recording encodes on the other core.

The recorder hands its TraceWriter's work here at its first chunk (Recorder's move_after): each
call goes down a pipe to `python -m emulator.trace.writer_process`, which goes on with a
TraceWriter of its own from where this process's stopped and sends back the bytes of each chunk it
makes; this process writes them to the trace in order, so the file only ever holds whole chunks.
Both ends are this program's own processes: their messages are pickled.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import pickle
import queue
import select
import subprocess
import sys
import threading
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
# Messages waiting for the pipe before a new one waits for room: some chunks' worth, so that the
# recording goes on while the second process starts (the chunks cut meanwhile queue here).
QUEUED_MESSAGES = 16
PUMP = "trace writer's pump"  # its thread's name
# While the pump runs, the recording's thread lets go of the interpreter's lock at least this
# often (seconds) when the pump asks for it. The pump asks each time it wakes (a message queued,
# room in the pipe, a chunk come back) and, at Python's default of 5 ms, waited so long that it
# fed the second process slower than the recording cut chunks: at day3's full size the queue
# stayed full, some 19 messages behind, from the first second on; at 0.5 ms, 2.
PUMP_SWITCH_INTERVAL = 0.0005


class WriterInSecondProcess:
    """TraceWriter's methods, carried out in a second process; the chunks it makes are written
    to `sink` here, in order, as they come back.

    A thread of this process (the pump) writes the messages down the pipe and the chunks that
    come back to the sink: it waits on the pipes with the interpreter's lock released, so the
    recording only pickles each message and queues it."""

    def __init__(self, process: subprocess.Popen[bytes], sink: BinaryIO) -> None:
        assert process.stdin is not None and process.stdout is not None
        self._process = process
        self._end = weakref.finalize(self, second_process.end, process)
        self.sink = sink
        self.events = 0  # as TraceWriter counts them: the events in the chunks handed over
        self._in, self._out = process.stdin.fileno(), process.stdout.fileno()
        self._received = bytearray()
        self._taken = False  # handed a writer (take_over)
        self._queue: queue.Queue[memoryview | None] = queue.Queue(QUEUED_MESSAGES)  # None: the end
        self._lost: BaseException | None = None  # what stopped the pump, if anything did
        self._answers = 0  # the messages that came back (one for each sent, but resume)
        self._answered = threading.Event()  # every one has (or the pump stopped)
        self._pump = threading.Thread(target=self._run_pump, name=PUMP, daemon=True)
        self._switch_interval: float | None = None  # the process's own, while the pump runs

    @classmethod
    def start(cls, sink: BinaryIO) -> WriterInSecondProcess | None:
        """A second process to write to `sink` through (None if none could start, or its output
        pipe could not be widened)."""
        process = second_process.start("emulator.trace.writer_process", own_session=True)
        if process is None:
            return None
        if not second_process.widen(process.stdout):
            process.kill()
            second_process.end(process)
            return None
        started = cls(process, sink)
        # Neither end waits on a full pipe while the other waits on it: _write reads as it writes.
        os.set_blocking(started._in, False)
        return started

    def take_over(self, writer: TraceWriter) -> bool:
        """Go on with `writer`'s file from here; whether the second process took it."""
        self.events, self._taken = writer.events, True
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self._switch_interval, PUMP_SWITCH_INTERVAL))
        self._pump.start()
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
        self._switch_back()

    def _switch_back(self) -> None:
        """The process's own switch interval again, once the pump is done."""
        if self._switch_interval is not None:
            sys.setswitchinterval(self._switch_interval)
            self._switch_interval = None

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
        """The end chunk; then every chunk still on its way is written. The process ends on its
        own (the pump waits for it: its interpreter takes a while to shut down)."""
        if self._pump.is_alive():
            self._send(("end", ending))
            self._put(None)
            self._answered.wait()
        if self._lost is not None or self._received:
            self.discard()
            raise EmulatorError(_LOST)
        self._end.detach()
        self._switch_back()

    # ## The pipes

    def _send(self, message: tuple[Any, ...]) -> None:
        """Pickle a message after room for its length and queue it for the pump (into a file
        object: measured a fifth quicker than pickle.dumps, and no copy to put the length first)."""
        framed = io.BytesIO()
        framed.write(bytes(LENGTH.size))
        pickle.dump(message, framed, protocol=pickle.HIGHEST_PROTOCOL)
        data = framed.getbuffer()
        LENGTH.pack_into(data, 0, len(data) - LENGTH.size)
        self._put(data)

    def _put(self, data: memoryview | None) -> None:
        while not self._answered.is_set():  # the pump goes on
            try:
                self._queue.put(data, timeout=0.1)
                return
            except queue.Full:
                continue
        raise EmulatorError(_LOST)

    def _run_pump(self) -> None:
        """The pump: each queued message down the pipe whole, then, at the end, the rest of
        what comes back; what comes back is written to the sink as it comes."""
        # poll, not select: no limit on the descriptors' numbers.
        both = select.poll()
        both.register(self._out, select.POLLIN)
        both.register(self._in, select.POLLOUT)
        sent = 0
        try:
            while (data := self._queue.get()) is not None:
                self._write(data, both)
                sent += 1
            assert self._process.stdin is not None
            self._process.stdin.close()
            while self._answers < sent - 1:  # every message but the first (resume) has one
                if not self._receive():
                    raise EmulatorError(_LOST)
        except BaseException as e:  # told to the recording, which fails in one line
            self._lost = e
            self._process.kill()
        finally:
            self._answered.set()
        with contextlib.suppress(OSError):
            self._process.wait()

    def _write(self, view: memoryview, both: select.poll) -> None:
        """Write a message whole, taking in what comes back meanwhile."""
        while view:
            for fd, _ in both.poll():
                if fd == self._out and not self._receive():
                    raise EmulatorError(_LOST)
                if fd == self._in:
                    try:
                        view = view[os.write(self._in, view[: second_process.PIPE_BYTES]) :]
                    except BlockingIOError:
                        pass
                    except OSError as e:  # a broken pipe: the process ended
                        raise EmulatorError(_LOST) from e

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
            self._answers += 1
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
