"""A trace's chunks encoded and compressed in a second process, so a long recording encodes on the other core.

The recorder hands its TraceWriter's work here at its first chunk (Recorder's move_after): each
call goes down a pipe to `python -m emulator.trace.writer_process`, which goes on with a
TraceWriter of its own from where this process's stopped and sends back the bytes of each chunk it
makes; this process writes them to the trace in order, so the file only ever holds whole chunks.
Both ends are this program's own processes: their messages are pickled.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import io
import os
import pickle
import select
import signal
import subprocess
import sys
import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from types import FrameType
from typing import IO, Any, BinaryIO

from emulator import second_process
from emulator.errors import EmulatorError
from emulator.second_process import LENGTH, read_message, write_message
from emulator.trace.cuts import Cut, write_cut
from emulator.trace.events import BlockInfo, Bubble, CellInfo, Ending, Site, ThreadInfo
from emulator.trace.format import TraceWriter

_LOST = "the trace's second process ended before the recording did"
# With more messages than this waiting for the pipe, the recording waits for room: some chunks'
# worth, so that it goes on while the second process starts (the chunks cut meanwhile wait here).
QUEUED_MESSAGES = 16
WAITER = "trace writer's waiter"  # the name of the thread that waits for the process to end


class WriterInSecondProcess:
    """TraceWriter's methods, carried out in a second process; the chunks it makes are written
    to `sink` here, in order, as they come back.

    Each message goes down the pipe as far as the pipe takes it now; the rest waits here and goes
    on at the next message, when what came back meanwhile is written too. The recording waits on
    the pipes (the interpreter's lock released) only while more than QUEUED_MESSAGES wait, and at
    its end. (A thread of this process fed the pipes before: it waited its turn for the
    interpreter's lock each time it woke: some 3 % of a whole recording of day3, measured.)"""

    def __init__(self, process: subprocess.Popen[bytes], sink: BinaryIO) -> None:
        assert process.stdin is not None and process.stdout is not None
        self._process = process
        self._end = weakref.finalize(self, second_process.end, process)
        self.sink = sink
        self.events = 0  # as TraceWriter counts them: the events in the chunks handed over
        self._in, self._out = process.stdin.fileno(), process.stdout.fileno()
        self._received = bytearray()
        self._taken = False  # handed a writer (take_over)
        self._waiting: collections.deque[memoryview] = collections.deque()  # for the pipe
        self._sent = 0  # messages handed over (one comes back for each, but resume)
        self._answers = 0  # the messages that came back
        # poll, not select: no limit on the descriptors' numbers.
        self._both = select.poll()
        self._both.register(self._out, select.POLLIN)
        self._both.register(self._in, select.POLLOUT)

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
        # Neither pipe is waited on but in poll: what they take and hold is moved as it comes.
        os.set_blocking(started._in, False)
        os.set_blocking(started._out, False)
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
        self._send(("cut", cut), cut.events)

    def end(self, ending: Ending) -> None:
        """The end chunk; then every chunk still on its way is written. The process ends on its
        own: a thread waits for it (its interpreter takes a while to shut down)."""
        try:
            self._send(("end", ending))
            self._move(0)
            assert self._process.stdin is not None
            self._both.unregister(self._in)
            self._process.stdin.close()
            while self._answers < self._sent - 1:
                self._both.poll()
                self._exchange()
        except EmulatorError:
            self.discard()
            raise
        if self._received:
            self.discard()
            raise EmulatorError(_LOST)
        self._end.detach()
        waiter = threading.Thread(target=second_process.end, args=(self._process,), name=WAITER)
        waiter.daemon = True
        waiter.start()

    # ## The pipes

    def _send(self, message: tuple[Any, ...], events: int = 0) -> None:
        """Pickle a message after room for its length, and move it on with those waiting (into
        a file object: measured a fifth quicker than pickle.dumps, and no copy to put the length
        first), its events counted. Ctrl-C is held back until it waits there: one that came while
        it was pickled would lose it, and the trace its events, those after it read back from the
        wrong place."""
        with _signals_held():
            framed = io.BytesIO()
            framed.write(bytes(LENGTH.size))
            pickle.dump(message, framed, protocol=pickle.HIGHEST_PROTOCOL)
            data = framed.getbuffer()
            LENGTH.pack_into(data, 0, len(data) - LENGTH.size)
            self._waiting.append(data)
            self._sent += 1
            self.events += events
            self._pass_on()
        self._move(QUEUED_MESSAGES)

    def _move(self, most: int) -> None:
        """Wait on the pipes, moving what waits and what comes back, until no more than `most`
        messages wait."""
        while len(self._waiting) > most:
            self._both.poll()
            self._exchange()

    def _exchange(self) -> None:
        """_pass_on, Ctrl-C held back meanwhile."""
        with _signals_held():
            self._pass_on()

    def _pass_on(self) -> None:
        """What waits down the pipe, as far as it takes it now, and what came back taken in."""
        self._write()
        if not self._receive():
            raise EmulatorError(_LOST)

    def _write(self) -> None:
        """The waiting messages down the pipe, in order, as far as it takes them now."""
        waiting = self._waiting
        try:
            while waiting:
                view = waiting[0]
                written = os.write(self._in, view[: second_process.PIPE_BYTES])
                if written < len(view):
                    waiting[0] = view[written:]
                    return
                waiting.popleft()
        except BlockingIOError:
            pass
        except OSError as e:  # a broken pipe: the process ended
            raise EmulatorError(_LOST) from e

    def _receive(self) -> bool:
        """Read what the pipe holds and write each whole chunk that came back; False at its end."""
        received = self._received
        while True:
            try:
                data = os.read(self._out, second_process.PIPE_BYTES)
            except BlockingIOError:
                break
            if not data:
                return False
            received += data
        done = 0
        with memoryview(received) as view:  # the chunks written with no copy made
            while len(view) - done >= LENGTH.size:
                size = LENGTH.unpack_from(view, done)[0]
                if len(view) - done - LENGTH.size < size:
                    break
                start = done + LENGTH.size
                self.sink.write(view[start : start + size])
                done = start + size
                self._answers += 1
        if done:
            del received[:done]
            self.sink.flush()
        return True


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C held back until the block ends: raised while a message is made, or between a write
    or read down the pipes and the count of its bytes, it would lose them, and the messages after
    would be read from the wrong place. Waiting on the pipes is left open to it. A handler of its
    own takes it meanwhile, and the one before is called with it after: a signal mask would not
    do, for the process's other threads (numpy's among them) take the signal the main thread
    holds back, and the interpreter raises it in the main thread all the same. Only the main
    thread hears Ctrl-C, and only it may set a handler (nor can one set outside Python be put
    back)."""
    before = signal.getsignal(signal.SIGINT)
    if before is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    came: list[FrameType | None] = []
    signal.signal(signal.SIGINT, lambda _, frame: came.append(frame))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)
        if came and callable(before):
            before(signal.SIGINT, came[0])
        elif came and before == signal.SIG_DFL:
            signal.raise_signal(signal.SIGINT)


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
