"""Writing a user's file safely: whole or not at all, through a symlink, never over a directory or device."""

from __future__ import annotations

import contextlib
import io
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from emulator.errors import InputFileError

# What a path may hold that is never replaced, and how a refusal names it.
_SPECIAL: tuple[tuple[Callable[[int], bool], str], ...] = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


class OutputError(InputFileError):
    """A file the user asked for was not written: refused before the run, or the write failed."""


def output_path(path: str | Path) -> Path:
    """Where writing `path` lands: a symlink's final target, in a directory that exists.

    A symlink is written through: the rename replaces its target and the link stays a link.
    """
    target = Path(os.path.realpath(path))
    kind = _special_kind(target, path)
    if kind is not None:
        raise OutputError(f"{path}: is {kind}; only a regular file is replaced")
    if not target.parent.is_dir():
        raise OutputError(f"{path}: no such directory {target.parent}")
    if not os.access(target.parent, os.W_OK | os.X_OK):
        raise OutputError(f"{path}: cannot write in {target.parent}: permission denied")
    return target


def _special_kind(target: Path, shown: str | Path) -> str | None:
    """What `target` is if it exists and is not a regular file."""
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise OutputError(f"{shown}: cannot write: {exc.strerror}") from exc
    return next((kind for test, kind in _SPECIAL if test(mode)), None)


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether two paths name one existing file (through symlinks and hard links)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def refuse_other_kind(path: str | Path, looks_right: Callable[[Path], bool], kind: str) -> None:
    """Refuse to replace an existing, non-empty file that is not `kind` (what --force overrides)."""
    target = Path(os.path.realpath(path))
    try:
        if not target.is_file() or target.stat().st_size == 0 or looks_right(target):
            return
    except OSError as exc:
        raise OutputError(f"{path}: cannot check what it holds: {exc.strerror}") from exc
    raise OutputError(f"{path}: exists and is not {kind}; --force replaces it")


@contextlib.contextmanager
def replacing(path: str | Path) -> Iterator[BinaryIO]:
    """A new file that replaces `path` when the block ends; on any exception `path` stays as it was.

    The file is written beside `path` under a hidden temporary name and renamed over it only when
    whole, so a failure, Ctrl-C, a full disk or a size limit leaves neither half a file nor the
    temporary one. A write that fails raises OutputError naming `path`.
    """
    target = output_path(path)
    with _naming(path):
        mode = _mode(target)
        fd, tmp = tempfile.mkstemp(
            prefix=f".{target.name[:200]}.", suffix=".tmp", dir=target.parent
        )
    out = _Output(_raw_file(fd), path)
    try:
        yield out
        _finish(out, tmp, target, mode, path)
    except BaseException:
        _discard(out, tmp)
        raise


def _raw_file(fd: int) -> io.RawIOBase:
    """The temporary file's unbuffered file object (tests swap in one that fills the disk)."""
    return io.FileIO(fd, "wb")


def _finish(out: _Output, tmp: str, target: Path, mode: int, shown: str | Path) -> None:
    """Make the temporary file durable and rename it over the target."""
    out.flush()
    with _naming(shown):
        os.fsync(out.fileno())
        out.close()
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    _sync_directory(target.parent)


def _discard(out: _Output, tmp: str) -> None:
    """Drop the temporary file without flushing what is still buffered."""
    with contextlib.suppress(OSError):
        out.raw.close()  # closing the raw file first makes the buffer's close a no-op
    with contextlib.suppress(OSError):
        os.unlink(tmp)


def _mode(target: Path) -> int:
    """The permissions of the file being replaced, or those a new file gets under the umask."""
    if target.is_file():
        return target.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable; a file system that cannot is no reason to fail."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def _naming(shown: str | Path) -> Iterator[None]:
    """Turn an OSError into an OutputError that names the file the user asked for."""
    try:
        yield
    except OSError as exc:
        raise OutputError(f"{shown}: cannot write: {exc.strerror or exc}") from exc


class _Output(io.BufferedWriter):
    """The temporary file; a write that fails (a full disk, a size limit) names the user's file."""

    def __init__(self, raw: io.RawIOBase, shown: str | Path) -> None:
        super().__init__(raw)
        self.shown = shown

    def write(self, data: Any, /) -> int:
        with _naming(self.shown):
            return super().write(data)

    def flush(self) -> None:
        with _naming(self.shown):
            super().flush()
