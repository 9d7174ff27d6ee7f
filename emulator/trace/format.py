"""The trace file: a preamble, then checksummed, compressed chunks (header, tables, snapshots, events, end).

    file     := preamble chunk*
    preamble := b"\\x89SCRTRC\\n" u32 format-version                     (12 bytes)
    chunk    := b"TRCK" kind:u8 codec:u8 flags:u16 length:u32 raw-length:u32
                first:u64 count:u32 step:u64 payload-crc32:u32 header-crc32:u32   (44 bytes)
                payload (length bytes; zlib-compressed unless codec is 0)

All integers are little-endian. The header CRC covers the 40 bytes before it, so a damaged
length is caught before it is believed; the payload CRC covers the compressed payload. A file
that ends inside a chunk (a run killed half way) opens up to its last whole chunk; a chunk that is
whole but fails its checks raises TraceError naming its byte offset.

Chunk kinds: H header (JSON: program, sha256, seed, params, cell and block tables), T table
additions (JSON: cells, blocks, threads and sites first met during the run, and from version 2
the say/think bubbles shown, each after the events it follows), S snapshot (every
recorded variable and list after `first` events), E events (`count` events from event `first`),
Z end (JSON: how the run ended). Snapshot and events payloads are columns (see codec.py).

A trace is untrusted input, so what a file states is bounded before it is believed: a file of at
most MAX_TRACE_BYTES (4 GiB; the environment variable SCRATCH_TRACE_MAX_BYTES overrides it) is
read, and only from a regular file; a chunk may state at most MAX_CHUNK_BYTES (64 MiB;
SCRATCH_TRACE_MAX_CHUNK_BYTES) uncompressed, and its payload is inflated to that stated length and
no further. So opening a trace holds the file, and each decoded chunk (the reader keeps a few)
holds at most the bound. Every JSON field and column is checked (schema.py, codec.py): the header,
tables and end when the file is opened, a snapshot or events chunk when it is first read.
"""

from __future__ import annotations

import functools
import json
import os
import stat
import struct
import zlib
from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import Any, BinaryIO, TypeVar

import numpy as np

from emulator.errors import InputFileError
from emulator.trace import codec, deflate, schema
from emulator.trace.events import (
    FORMAT_VERSION,
    INDEXED_KINDS,
    READABLE_VERSIONS,
    VALUED_KINDS,
    BlockInfo,
    Bubble,
    CellInfo,
    ChunkInfo,
    Ending,
    Header,
    Site,
    ThreadInfo,
)
from emulator.trace.value_columns import ValueColumns
from emulator.values import Value

T = TypeVar("T")
MAGIC = b"\x89SCRTRC\n"
PREAMBLE = struct.Struct("<8sI")
CHUNK_MAGIC = b"TRCK"
CHUNK = struct.Struct("<4sBBHIIQIQII")
CHUNK_KINDS = {
    ord("H"): "header",
    ord("T"): "tables",
    ord("S"): "snapshot",
    ord("E"): "events",
    ord("Z"): "end",
}
KIND_CODES = {name: code for code, name in CHUNK_KINDS.items()}
CODEC_STORED, CODEC_ZLIB = 0, 1
# Measured on a day3 recording (60 samples): level 2 compresses in half level 6's time and its
# output is 3.5 % larger; level 9 saves 2 % more for 3x the time; zstandard saves 1-3 %, not
# worth a dependency.
ZLIB_LEVEL = 2
# Bounds on what a file may state (see the module docstring): the shipped traces are 0.5 MB, a
# full day3 epoch (a hundred times their samples) some 50 MB; day3's largest chunk is 0.75 MB.
MAX_TRACE_BYTES = 4 << 30
MAX_CHUNK_BYTES = 64 << 20


class TraceError(InputFileError):
    """A trace file cannot be read: not a trace, a newer format, or a damaged chunk (named by byte offset)."""


# ## Bounds


def limit(name: str, default: int) -> int:
    """A size bound: the environment variable `name` when set, else the default."""
    value = os.environ.get(name)
    if value is None:
        return default
    if not value.strip().isdigit():
        raise TraceError(f"{name}={value[:20]!a}: want a whole number of bytes")
    return int(value)


def max_trace_bytes() -> int:
    """The largest trace file read."""
    return limit("SCRATCH_TRACE_MAX_BYTES", MAX_TRACE_BYTES)


def max_chunk_bytes() -> int:
    """The largest uncompressed chunk read."""
    return limit("SCRATCH_TRACE_MAX_CHUNK_BYTES", MAX_CHUNK_BYTES)


# ## Writing


def _json(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


class TraceWriter:
    """Writes chunks to a binary sink as they come; every chunk is whole once write_* returns."""

    def __init__(self, sink: BinaryIO, header: Header, level: int = ZLIB_LEVEL) -> None:
        self.sink = sink
        self.level = level
        self.offset = 0
        self.events = 0
        self._stored_at: dict[
            int, int
        ] = {}  # list cell -> offset of the snapshot holding its items
        self._write(PREAMBLE.pack(MAGIC, FORMAT_VERSION))
        self._chunk("header", _json(header_json(header)))

    def state(self) -> tuple[int, int, int, dict[int, int]]:
        """What a writer needs to go on where this one stops (see resumed)."""
        return self.level, self.offset, self.events, dict(self._stored_at)

    @classmethod
    def resumed(cls, sink: BinaryIO, state: tuple[int, int, int, dict[int, int]]) -> TraceWriter:
        """A writer that goes on from another's state(): its chunks continue the same file."""
        writer = cls.__new__(cls)
        writer.sink = sink
        writer.level, writer.offset, writer.events, writer._stored_at = state
        return writer

    def _write(self, data: bytes) -> None:
        self.sink.write(data)
        self.offset += len(data)

    def _chunk(
        self,
        kind: str,
        raw: bytes,
        first: int = 0,
        count: int = 0,
        step: int = 0,
        noise: Sequence[tuple[int, int]] = (),
    ) -> int:
        """Write a chunk; `noise`: stretches of `raw` that look random, stored as they are inside
        the zlib stream (deflate.compressed)."""
        payload = deflate.compressed(raw, self.level, noise) if self.level > 0 else raw
        codec_id = CODEC_ZLIB if self.level > 0 else CODEC_STORED
        start = CHUNK.pack(
            CHUNK_MAGIC,
            KIND_CODES[kind],
            codec_id,
            0,
            len(payload),
            len(raw),
            first,
            count,
            step,
            zlib.crc32(payload),
            0,
        )[:40]
        at = self.offset
        self._write(start + struct.pack("<I", zlib.crc32(start)) + payload)
        self.sink.flush()
        return at

    def tables(
        self,
        cells: Sequence[CellInfo] = (),
        blocks: Sequence[BlockInfo] = (),
        threads: Sequence[ThreadInfo] = (),
        sites: Sequence[Site] = (),
        bubbles: Sequence[Bubble] = (),
    ) -> None:
        """Add entries to the tables (later chunks may refer to them), and the bubbles shown since the last."""
        data: dict[str, Any] = {
            "cells": [list(asdict(c).values()) for c in cells],
            "blocks": [list(asdict(b).values()) for b in blocks],
            "threads": [[t.target, t.script] for t in threads],
            "sites": [[s.thread, s.block, s.cell, s.kind] for s in sites],
        }
        if bubbles:
            data["bubbles"] = [[b.event, b.at_ms, b.target, b.kind, b.text] for b in bubbles]
        self._chunk("tables", _json(data))

    def events_chunk(
        self,
        sites: np.ndarray,
        steps: np.ndarray,
        items: np.ndarray | Sequence[int],
        values: ValueColumns,
    ) -> None:
        """`len(sites)` events: steps per event, items of the indexed ones, values of the valued ones."""
        step0, dsteps = codec.rises(steps)
        cols = codec.Columns()
        cols.add_uint("site", sites)
        cols.add_uint("dstep", dsteps)
        cols.add_uint("item", np.asarray(items, dtype=np.int64))
        strings = codec.encode_values(cols, "v_", values)
        n = int(sites.size)
        raw, noise = cols.packed({"v_strings": strings})
        self._chunk("events", raw, self.events, n, step0, noise)
        self.events += n

    def snapshot(
        self, step: int, variables: dict[int, Value], lists: dict[int, list[Value] | None]
    ) -> None:
        """The recorded cells after every event so far; a list given as None is unchanged since it was last stored."""
        stored = {
            c: items for c, items in lists.items() if items is not None or c not in self._stored_at
        }
        flat: list[Value] = list(variables.values())
        for items in stored.values():
            flat.extend(items or ())
        cols = codec.Columns()
        strings = codec.encode_values(cols, "v_", ValueColumns.of(flat))
        meta = {
            "vars": list(variables),
            "lists": [[c, len(items or ())] for c, items in stored.items()],
            "refs": [[c, self._stored_at[c]] for c in lists if c not in stored],
            "v_strings": strings,
        }
        raw, noise = cols.packed(meta)
        at = self._chunk("snapshot", raw, self.events, 0, step, noise)
        for c in stored:
            self._stored_at[c] = at

    def end(self, ending: Ending) -> None:
        """How the run ended; a trace without it was cut short."""
        self._chunk("end", _json(asdict(ending)), ending.events, 0, ending.step)


def header_json(header: Header) -> dict[str, Any]:
    """The header as JSON-ready data (tables as rows, to keep it small)."""
    data = asdict(header)
    data["cells"] = [[c.owner, c.id, c.name, c.is_list] for c in header.cells]
    data["blocks"] = [[b.target, b.id, b.opcode, b.source] for b in header.blocks]
    data["slices"] = [[s.list_name, s.name, s.start, s.end, list(s.shape)] for s in header.slices]
    return data


# ## Reading


def read_trace_file(path: str | os.PathLike[str]) -> bytes:
    """A trace file's bytes: only a regular file (a device or a pipe may never end), and at most the bound."""
    bound = max_trace_bytes()
    try:
        # Non-blocking, so that opening a pipe with no writer returns at once (to be refused below).
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except (OSError, ValueError) as exc:
        raise TraceError(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        return _read_regular(fd, str(path), bound)
    finally:
        os.close(fd)


def _read_regular(fd: int, path: str, bound: int) -> bytes:
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        raise TraceError(f"{path}: not a trace ({_file_kind(info.st_mode)}, not a file)")
    if info.st_size > bound:
        raise TraceError(
            f"{path}: {info.st_size:,} bytes, over the {bound:,}-byte bound on a trace "
            "(SCRATCH_TRACE_MAX_BYTES)"
        )
    try:
        with open(fd, "rb", closefd=False) as f:
            return f.read(info.st_size)  # a file still being written is read as it was: cut short
    except OSError as exc:
        raise TraceError(f"{path}: cannot read: {exc.strerror}") from None


def _file_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file"


class ChunkReader:
    """The chunks of a trace held in memory: found and checked on open, decompressed on demand."""

    def __init__(self, data: bytes, name: str) -> None:
        self.data = data
        self.name = name
        self.chunks: list[ChunkInfo] = []
        self.version = FORMAT_VERSION  # the preamble's, once scanned
        self.truncated_at: int | None = (
            None  # where the last whole chunk ends, if a partial one follows
        )
        self.max_chunk = max_chunk_bytes()
        self._layout: dict[int, tuple[int, int]] = {}  # chunk offset -> (codec, uncompressed size)
        self._scan()

    def fail(self, offset: int, what: str) -> TraceError:
        """The one-line error for a damaged file."""
        return TraceError(f"{self.name}: {what} at byte {offset:,}")

    def _scan(self) -> None:
        data = self.data
        if len(data) < PREAMBLE.size:
            raise self.fail(0, "not a trace (too short for the preamble)")
        magic, version = PREAMBLE.unpack_from(data, 0)
        if magic != MAGIC:
            raise self.fail(0, "not a trace (no trace preamble)")
        if version not in READABLE_VERSIONS:
            readable = ", ".join(map(str, READABLE_VERSIONS))
            raise self.fail(
                8, f"trace format version {version} (this scratch-emu reads versions {readable})"
            )
        self.version = version
        pos = PREAMBLE.size
        while pos < len(data):
            if pos + CHUNK.size > len(data):
                self.truncated_at = pos
                return
            info = self._chunk_at(pos)
            if info is None:
                self.truncated_at = pos
                return
            self.chunks.append(info)
            pos += CHUNK.size + info.length

    def _chunk_at(self, pos: int) -> ChunkInfo | None:
        magic, kind, codec_id, _flags, length, size, first, count, step, payload_crc, header_crc = (
            CHUNK.unpack_from(self.data, pos)
        )
        if magic != CHUNK_MAGIC:
            raise self.fail(pos, "damaged chunk (no chunk marker)")
        if zlib.crc32(self.data[pos : pos + 40]) != header_crc:
            raise self.fail(pos, "damaged chunk header (checksum mismatch)")
        if kind not in CHUNK_KINDS or codec_id not in (CODEC_STORED, CODEC_ZLIB):
            raise self.fail(pos, f"chunk of unknown kind {kind} or codec {codec_id}")
        info = ChunkInfo(CHUNK_KINDS[kind], pos, length, first, count, step)
        self._check_sizes(info, codec_id, size)
        start = pos + CHUNK.size
        if start + length > len(self.data):
            return None  # the run stopped while writing this chunk
        if zlib.crc32(self.data[start : start + length]) != payload_crc:
            raise self.fail(pos, f"damaged {info.kind} chunk (checksum mismatch)")
        self._layout[pos] = (codec_id, size)
        return info

    def _check_sizes(self, chunk: ChunkInfo, codec_id: int, size: int) -> None:
        """What a chunk header states, within bounds before it is believed."""
        fail = functools.partial(self.fail, chunk.offset)
        if size > self.max_chunk:
            raise fail(
                f"{chunk.kind} chunk states {size:,} bytes uncompressed, over the "
                f"{self.max_chunk:,}-byte bound (SCRATCH_TRACE_MAX_CHUNK_BYTES)"
            )
        if codec_id == CODEC_STORED and size != chunk.length:
            raise fail(f"{chunk.kind} chunk states {size:,} bytes but stores {chunk.length:,}")
        if chunk.count > (size if chunk.kind == "events" else 0):  # an event takes a byte at least
            raise fail(f"{chunk.kind} chunk states {chunk.count:,} events in {size:,} bytes")
        if max(chunk.first, chunk.step) > schema.WHOLE_MAX:
            raise fail(f"{chunk.kind} chunk states an event or step beyond {schema.WHOLE_MAX:,}")

    def raw(self, chunk: ChunkInfo) -> bytes:
        """The chunk's payload, decompressed."""
        start = chunk.offset + CHUNK.size
        payload = self.data[start : start + chunk.length]
        codec_id, size = self._layout[chunk.offset]
        return bytes(payload) if codec_id == CODEC_STORED else self._inflate(chunk, payload, size)

    def _inflate(self, chunk: ChunkInfo, payload: bytes, size: int) -> bytes:
        """Decompress to the stated size and no further: a few kilobytes may inflate to gigabytes."""
        inflater = zlib.decompressobj()
        try:
            raw = inflater.decompress(
                payload, size + 1
            )  # one byte more tells "too long"; 0 is "no limit"
        except zlib.error as exc:
            raise self.fail(chunk.offset, f"damaged {chunk.kind} chunk ({exc})") from None
        # Output short of the limit means every input byte was used, so eof says whether the stream ended.
        if len(raw) > size:
            problem = f"inflates past its stated {size:,} bytes"
        elif not inflater.eof:
            problem = "its compressed data ends early"
        elif inflater.unused_data:
            problem = "bytes follow its compressed data"
        elif len(raw) < size:
            problem = f"inflates to {len(raw):,} bytes, not its stated {size:,}"
        else:
            return raw
        raise self.fail(chunk.offset, f"damaged {chunk.kind} chunk ({problem})")

    def parsed(self, chunk: ChunkInfo, read: Callable[[Any], T]) -> T:
        """A JSON chunk's content, read by one of schema's readers (which check every field)."""
        try:
            return read(schema.load_json(self.raw(chunk)))
        except ValueError as exc:  # bad UTF-8, bad JSON, or a ShapeError naming the field
            raise self.fail(chunk.offset, f"damaged {chunk.kind} chunk ({exc})") from None

    def columns(self, chunk: ChunkInfo) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """A column chunk's meta and columns."""
        try:
            return codec.unpack(self.raw(chunk))
        except (ValueError, KeyError, struct.error) as exc:
            raise self.fail(chunk.offset, f"damaged {chunk.kind} chunk ({exc})") from None


EVENT_COLUMNS = frozenset({"site", "dstep", "item", *("v_" + c for c in codec.VALUE_COLUMNS)})
SNAPSHOT_COLUMNS = frozenset("v_" + c for c in codec.VALUE_COLUMNS)


class EventBlock:
    """One events chunk decoded: per event its site, step, item (0 when none) and value."""

    __slots__ = ("first", "floats", "item", "site", "step", "tags", "valued", "values")

    def __init__(self, reader: ChunkReader, chunk: ChunkInfo, site_kinds: np.ndarray) -> None:
        """Decode and check a chunk; site_kinds holds the kind of every site the tables hold."""
        meta, cols = reader.columns(chunk)
        try:
            schema.record(meta, "meta", ("cols", "v_strings"))
            _columns_are(cols, EVENT_COLUMNS)
            self.first = chunk.first
            site = codec.column(cols, "site", "u", chunk.count)
            self.site = codec.below(site, site_kinds.size, "a site number")
            self.step = _steps(chunk.step, codec.column(cols, "dstep", "u", chunk.count))
            kinds = site_kinds[self.site]
            self.item = _items(np.isin(kinds, list(INDEXED_KINDS)), codec.column(cols, "item", "u"))
            self.valued = np.isin(kinds, list(VALUED_KINDS))
            self._values(codec.decode_values(meta, cols, "v_"))
        except (ValueError, IndexError, KeyError) as exc:
            raise reader.fail(chunk.offset, f"damaged events chunk ({exc})") from None

    def _values(self, decoded: codec.Decoded) -> None:
        if len(decoded.values) != int(self.valued.sum()):
            raise ValueError("value count mismatch")
        values = np.empty(self.site.size, dtype=object)
        values[self.valued] = _objects(decoded.values)
        self.values: list[Value | None] = values.tolist()
        self.tags = np.full(self.site.size, codec.TAG_NONE, dtype=np.uint8)
        self.tags[self.valued] = decoded.tags
        self.floats = np.zeros(self.site.size, dtype=np.float64)
        self.floats[self.valued] = decoded.floats

    @property
    def count(self) -> int:
        """Events in the chunk."""
        return int(self.site.size)


def _columns_are(cols: dict[str, np.ndarray], names: frozenset[str]) -> None:
    if cols.keys() != names:
        raise ValueError(f"columns are not {', '.join(sorted(names))}")


def _steps(step0: int, deltas: np.ndarray) -> np.ndarray:
    """Each event's step from the chunk's first step and the steps between events."""
    if step0 + float(deltas.sum(dtype=np.float64)) > schema.WHOLE_MAX:
        raise ValueError(f"steps run past {schema.WHOLE_MAX:,}")
    return codec.risen(step0, deltas)


def _items(indexed: np.ndarray, items: np.ndarray) -> np.ndarray:
    """The 1-based item of each event that names one, 0 for the others."""
    out = np.zeros(indexed.size, dtype=np.int64)
    if items.size != int(indexed.sum()):
        raise ValueError(f"{items.size:,} item numbers for {int(indexed.sum()):,} list writes")
    out[indexed] = codec.below(items, schema.WHOLE_MAX + 1, "an item number", low=1)
    return out


def _objects(values: list[Value]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values  # element by element: a list of bools and floats must not become a float array
    return out


Snapshot = tuple[dict[int, Value], dict[int, list[Value]], dict[int, int]]


def read_snapshot(reader: ChunkReader, chunk: ChunkInfo, cells: Sequence[CellInfo]) -> Snapshot:
    """A snapshot's variables and stored lists by cell, and for unchanged lists the offset of the snapshot that holds them."""
    meta, cols = reader.columns(chunk)
    try:
        schema.record(meta, "meta", ("cols", "vars", "lists", "refs", "v_strings"))
        _columns_are(cols, SNAPSHOT_COLUMNS)
        flat = codec.decode_values(meta, cols, "v_").values
        variables = _cell_numbers(schema.array(meta["vars"], "vars"), cells, False, "vars")
        lists = schema.rows(meta["lists"], "lists", (schema.whole, schema.whole))
        refs = dict(schema.rows(meta["refs"], "refs", (schema.whole, schema.whole)))
        _cell_numbers([c for c, _ in lists] + list(refs), cells, True, "lists")
        if len(variables) + sum(n for _, n in lists) != len(flat):
            raise ValueError("value count mismatch")
    except (ValueError, KeyError) as exc:
        raise reader.fail(chunk.offset, f"damaged snapshot chunk ({exc})") from None
    pos, stored = len(variables), {}
    for cell, length in lists:
        stored[cell] = flat[pos : pos + length]
        pos += length
    return dict(zip(variables, flat, strict=False)), stored, refs


def _cell_numbers(
    numbers: list[Any], cells: Sequence[CellInfo], lists: bool, what: str
) -> list[int]:
    """Cell numbers, each a cell of the tables of the right kind (variable or list), none twice."""
    checked = [schema.whole(c, what, 0, len(cells) - 1) for c in numbers]
    if any(cells[c].is_list != lists for c in checked) or len(set(checked)) != len(checked):
        raise ValueError(f"{what} names a cell twice or a cell of the other kind")
    return checked
