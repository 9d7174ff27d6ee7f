"""A read trail's counting in a second process, so a long explain counts on the other core.

The run hands the trail a batch of logged reads and events at a time (ReadTrail.settle); here they
are pickled down a pipe to `python -m emulator.debug.trail_worker`, which keeps the ReadCounts
and answers for its groups. List cells cross as numbered stand-ins (a cell's items never cross),
and come back as the run's own cells when the counting returns (SecondProcess.finish).
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import struct
import subprocess
import sys
import weakref
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from emulator.errors import EmulatorError
from emulator.runtime.state import ListCell

try:
    import fcntl
except ImportError:  # not on this platform
    fcntl = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from emulator.debug.dataflow import ReadCounts, ReadGroup

PIPE_BYTES = 1 << 20  # some forty batches
MOVE_AFTER = 32  # batches counted here before the counting moves: a short run never starts one

_LENGTH = struct.Struct("<Q")
_LOST = "the read trail's second process ended before the run did"


def has_second_core() -> bool:
    """Whether this process may run on more than one core."""
    try:
        return len(os.sched_getaffinity(0)) > 1
    except AttributeError:  # no affinity on this platform
        return (os.cpu_count() or 1) > 1


class CellKey:
    """A list cell as the second process knows it: its number in the run, and its name."""

    __slots__ = ("name", "number")

    def __init__(self, number: int, name: str) -> None:
        self.number = number
        self.name = name


_KEYS: dict[int, CellKey] = {}


def cell_key(number: int, name: str) -> CellKey:
    """The one stand-in of cell `number` (the counting tells cells apart by identity)."""
    key = _KEYS.get(number)
    if key is None:
        key = _KEYS[number] = CellKey(number, name)
    return key


class _CellsAsKeys(pickle.Pickler):
    """Pickles the run's list cells as their stand-ins (called for cells only, not per item)."""

    def __init__(self, file: IO[bytes], cells: list[ListCell], numbers: dict[int, int]) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._cells, self._numbers = cells, numbers

    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is not ListCell:
            return NotImplemented
        number = self._numbers.get(id(obj))
        if number is None:  # kept in `cells`, so no other object can take its id
            number = self._numbers[id(obj)] = len(self._cells)
            self._cells.append(obj)
        return cell_key, (number, obj.name)


class _KeysAsNumbers(pickle.Pickler):
    """The second process's side: each stand-in goes back as its number."""

    def persistent_id(self, obj: Any) -> int | None:
        return obj.number if type(obj) is CellKey else None


class _NumbersAsCells(pickle.Unpickler):
    def __init__(self, file: IO[bytes], cells: list[ListCell]) -> None:
        super().__init__(file)
        self._cells = cells

    def persistent_load(self, pid: Any) -> ListCell:
        return self._cells[pid]


def _write(stream: IO[bytes], data: bytes | memoryview) -> None:
    stream.write(_LENGTH.pack(len(data)))
    stream.write(data)
    stream.flush()


def _read(stream: IO[bytes]) -> bytes:
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        raise EOFError
    size = _LENGTH.unpack(head)[0]
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return data


class SecondProcess:
    """ReadCounts' methods, carried out in the second process."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self._process = process
        self._cells: list[ListCell] = []
        self._numbers: dict[int, int] = {}
        # One pickler for every message: its memo is cleared after each, as the other side
        # unpickles each message afresh.
        self._buffer = io.BytesIO()
        self._pickler = _CellsAsKeys(self._buffer, self._cells, self._numbers)
        self._end = weakref.finalize(self, _end, process)

    @classmethod
    def start(cls, counts: ReadCounts) -> SecondProcess | None:
        """Move `counts` to a new second process (None if none could start: count here then)."""
        root = str(Path(__file__).resolve().parents[2])  # where the emulator package lies
        path = os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))
        env = {**os.environ, "PYTHONPATH": path}
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", "emulator.debug.trail_worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=env,
            )
        except OSError:
            return None
        _widen(process.stdin)
        moved = cls(process)
        try:
            moved._send(("counts", counts))
        except EmulatorError:
            moved._end()
            return None
        return moved

    def take(self, events: list[tuple[Any, ...]], entries: list[Any]) -> None:
        self._send(("take", events, entries))

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
        """The counting, back in this process, with the run's own cells; the second process ends."""
        self._send(("finish",))
        counts: ReadCounts = _NumbersAsCells(io.BytesIO(self._receive()), self._cells).load()
        self._end()
        return counts

    def _send(self, message: tuple[Any, ...]) -> None:
        buffer = self._buffer
        buffer.seek(0)
        buffer.truncate()
        self._pickler.dump(message)
        self._pickler.clear_memo()
        stream = self._process.stdin
        try:
            assert stream is not None
            with buffer.getbuffer() as view:  # released before the buffer is reused
                _write(stream, view)
        except (OSError, ValueError) as e:  # a broken pipe, or one already closed
            raise EmulatorError(_LOST) from e

    def _receive(self) -> bytes:
        stream = self._process.stdout
        try:
            assert stream is not None
            return _read(stream)
        except (OSError, ValueError, EOFError) as e:
            raise EmulatorError(_LOST) from e


def _widen(pipe: IO[bytes] | None) -> None:
    """Let the pipe hold many batches (Linux), so the run seldom waits while the other side counts."""
    setsize = getattr(fcntl, "F_SETPIPE_SZ", None) if fcntl is not None else None
    if pipe is not None and setsize is not None:
        with contextlib.suppress(OSError):
            fcntl.fcntl(pipe.fileno(), setsize, PIPE_BYTES)


def _end(process: subprocess.Popen[bytes]) -> None:
    """Close the second process's input (it ends there) and wait for it."""
    for stream in (process.stdin, process.stdout):
        try:
            if stream is not None:
                stream.close()
        except OSError:
            pass
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def serve(source: IO[bytes], sink: IO[bytes]) -> None:
    """The second process: carry out each message in turn until the input ends."""
    counts: Any = None
    while True:
        try:
            op, *args = pickle.loads(_read(source))
        except EOFError:
            return
        if op == "counts":
            counts = args[0]
        elif op == "groups":
            _write(sink, pickle.dumps(counts.groups, protocol=pickle.HIGHEST_PROTOCOL))
        elif op == "finish":
            buffer = io.BytesIO()
            _KeysAsNumbers(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(counts)
            _write(sink, buffer.getvalue())
            return
        elif op == "take":
            counts.take(*args)
        elif op == "written_before":
            counts.written_before(*args)
        elif op == "clear":
            counts.clear(*args)


if __name__ == "__main__":
    # Through the module's own name: the stand-ins the messages name are that module's.
    from emulator.debug import trail_worker

    with contextlib.suppress(KeyboardInterrupt, BrokenPipeError):
        trail_worker.serve(sys.stdin.buffer, sys.stdout.buffer)
