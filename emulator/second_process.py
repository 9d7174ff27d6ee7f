"""A second Python process that works beside this one: starting it, and length-prefixed messages over its pipes."""

from __future__ import annotations

import contextlib
import os
import struct
import subprocess
import sys
from pathlib import Path
from typing import IO

try:
    import fcntl
except ImportError:  # not on this platform
    fcntl = None  # type: ignore[assignment]

PIPE_BYTES = 1 << 20  # what a widened pipe holds
# The second process's allocator (glibc's; others ignore it) keeps what it frees rather than
# handing it back: each message makes and drops arrays of some hundred KB, which it would
# otherwise map and unmap, the pages faulted in again each time (measured on a day3 recording's
# messages: system time 0.41 s to 0.06 s, the process's whole time 0.86x). A user's own setting
# stands.
ALLOCATOR = {
    "GLIBC_TUNABLES": "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=67108864"
}
LENGTH = struct.Struct("<Q")  # each message's length, before it


def has_second_core() -> bool:
    """Whether this process may run on more than one core."""
    try:
        return len(os.sched_getaffinity(0)) > 1
    except AttributeError:  # no affinity on this platform
        return (os.cpu_count() or 1) > 1


def start(module: str, own_session: bool = False) -> subprocess.Popen[bytes] | None:
    """`python -m module` with pipes to its standard input and output (None if it could not
    start). In its own session, a Ctrl-C at the terminal reaches this process only."""
    root = str(Path(__file__).resolve().parents[1])  # where the emulator package lies
    path = os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", module],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**ALLOCATOR, **os.environ, "PYTHONPATH": path},
            start_new_session=own_session,
        )
    except OSError:
        return None
    widen(process.stdin)
    return process


def write_message(stream: IO[bytes], data: bytes, kind: bytes = b"") -> None:
    """One message: its length, then `kind` (a byte saying how it is written, if any) and `data`."""
    stream.write(LENGTH.pack(len(kind) + len(data)))
    stream.write(kind)
    stream.write(data)
    stream.flush()


def read_message(stream: IO[bytes]) -> bytes:
    """The next message whole (EOFError when the stream ends before one does)."""
    head = stream.read(LENGTH.size)
    if len(head) < LENGTH.size:
        raise EOFError
    size = LENGTH.unpack(head)[0]
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return data


def widen(pipe: IO[bytes] | None) -> bool:
    """Let the pipe hold many messages (Linux), so neither side waits often; whether it could."""
    setsize = getattr(fcntl, "F_SETPIPE_SZ", None) if fcntl is not None else None
    if pipe is None or setsize is None:
        return False
    try:
        fcntl.fcntl(pipe.fileno(), setsize, PIPE_BYTES)
    except OSError:
        return False
    return True


def end(process: subprocess.Popen[bytes]) -> None:
    """Close the second process's pipes (it ends at its input's end) and wait for it."""
    for stream in (process.stdin, process.stdout):
        with contextlib.suppress(OSError):
            if stream is not None:
                stream.close()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
