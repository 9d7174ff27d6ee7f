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
additions (JSON: cells, blocks, threads and sites first met during the run), S snapshot (every
recorded variable and list after `first` events), E events (`count` events from event `first`),
Z end (JSON: how the run ended). Snapshot and events payloads are columns (see codec.py).
"""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any, BinaryIO

import numpy as np

from emulator.errors import InputFileError
from emulator.slices import Slice
from emulator.trace import codec
from emulator.trace.events import (
    FORMAT_VERSION,
    INDEXED_KINDS,
    VALUED_KINDS,
    BlockInfo,
    CellInfo,
    ChunkInfo,
    Ending,
    Header,
    Site,
    ThreadInfo,
)
from emulator.values import Value

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
ZLIB_LEVEL = 6  # measured on day3: level 9 saves 2 % for 3x the time; zstandard saves 1-3 %, not worth a dependency


class TraceError(InputFileError):
    """A trace file cannot be read: not a trace, a newer format, or a damaged chunk (named by byte offset)."""


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

    def _write(self, data: bytes) -> None:
        self.sink.write(data)
        self.offset += len(data)

    def _chunk(self, kind: str, raw: bytes, first: int = 0, count: int = 0, step: int = 0) -> int:
        payload = zlib.compress(raw, self.level) if self.level > 0 else raw
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
    ) -> None:
        """Add entries to the tables; later chunks may refer to them."""
        self._chunk(
            "tables",
            _json(
                {
                    "cells": [list(asdict(c).values()) for c in cells],
                    "blocks": [list(asdict(b).values()) for b in blocks],
                    "threads": [[t.target, t.script] for t in threads],
                    "sites": [[s.thread, s.block, s.cell, s.kind] for s in sites],
                }
            ),
        )

    def events_chunk(
        self,
        sites: np.ndarray,
        steps: np.ndarray,
        items: np.ndarray | Sequence[int],
        values: Sequence[Value],
    ) -> None:
        """`len(sites)` events: steps per event, items of the indexed ones, values of the valued ones."""
        step0 = int(steps[0]) if steps.size else 0
        cols = codec.Columns()
        cols.add_uint("site", sites)
        cols.add_uint("dstep", np.diff(steps, prepend=step0))
        cols.add_uint("item", np.asarray(items, dtype=np.int64))
        strings = codec.encode_values(cols, "v_", values)
        n = int(sites.size)
        self._chunk("events", cols.pack({"v_strings": strings}), self.events, n, step0)
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
        strings = codec.encode_values(cols, "v_", flat)
        meta = {
            "vars": list(variables),
            "lists": [[c, len(items or ())] for c, items in stored.items()],
            "refs": [[c, self._stored_at[c]] for c in lists if c not in stored],
            "v_strings": strings,
        }
        at = self._chunk("snapshot", cols.pack(meta), self.events, 0, step)
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


def header_from_json(data: dict[str, Any]) -> Header:
    """The Header header_json wrote."""
    return Header(
        format_version=data["format_version"],
        program=data["program"],
        program_sha256=data["program_sha256"],
        engine=data["engine"],
        seed=data["seed"],
        params=data["params"],
        options=data["options"],
        cells=tuple(CellInfo(*row) for row in data["cells"]),
        blocks=tuple(BlockInfo(*row) for row in data["blocks"]),
        slices=tuple(Slice(a, b, c, d, tuple(e)) for a, b, c, d, e in data.get("slices", [])),
    )


# ## Reading


class ChunkReader:
    """The chunks of a trace held in memory: found and checked on open, decompressed on demand."""

    def __init__(self, data: bytes, name: str) -> None:
        self.data = data
        self.name = name
        self.chunks: list[ChunkInfo] = []
        self.truncated_at: int | None = (
            None  # where the last whole chunk ends, if a partial one follows
        )
        self._codecs: dict[int, int] = {}
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
        if version != FORMAT_VERSION:
            raise self.fail(
                8,
                f"trace format version {version} (this scratch-emu reads version {FORMAT_VERSION})",
            )
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
        magic, kind, codec_id, _flags, length, _raw, first, count, step, payload_crc, header_crc = (
            CHUNK.unpack_from(self.data, pos)
        )
        if magic != CHUNK_MAGIC:
            raise self.fail(pos, "damaged chunk (no chunk marker)")
        if zlib.crc32(self.data[pos : pos + 40]) != header_crc:
            raise self.fail(pos, "damaged chunk header (checksum mismatch)")
        if kind not in CHUNK_KINDS or codec_id not in (CODEC_STORED, CODEC_ZLIB):
            raise self.fail(pos, f"chunk of unknown kind {kind} or codec {codec_id}")
        start = pos + CHUNK.size
        if start + length > len(self.data):
            return None  # the run stopped while writing this chunk
        if zlib.crc32(self.data[start : start + length]) != payload_crc:
            raise self.fail(pos, f"damaged {CHUNK_KINDS[kind]} chunk (checksum mismatch)")
        self._codecs[pos] = codec_id
        return ChunkInfo(CHUNK_KINDS[kind], pos, length, first, count, step)

    def raw(self, chunk: ChunkInfo) -> bytes:
        """The chunk's payload, decompressed."""
        start = chunk.offset + CHUNK.size
        payload = self.data[start : start + chunk.length]
        if self._codecs[chunk.offset] == CODEC_STORED:
            return bytes(payload)
        try:
            return zlib.decompress(payload)
        except zlib.error as exc:
            raise self.fail(chunk.offset, f"damaged {chunk.kind} chunk ({exc})") from None

    def json(self, chunk: ChunkInfo) -> dict[str, Any]:
        """A JSON chunk's content."""
        try:
            return dict(json.loads(self.raw(chunk)))
        except ValueError as exc:
            raise self.fail(chunk.offset, f"damaged {chunk.kind} chunk ({exc})") from None

    def columns(self, chunk: ChunkInfo) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """A column chunk's meta and columns."""
        try:
            return codec.unpack(self.raw(chunk))
        except (ValueError, KeyError, struct.error) as exc:
            raise self.fail(chunk.offset, f"damaged {chunk.kind} chunk ({exc})") from None


class EventBlock:
    """One events chunk decoded: per event its site, step, item (0 when none) and value."""

    __slots__ = ("first", "floats", "item", "site", "step", "tags", "valued", "values")

    def __init__(self, reader: ChunkReader, chunk: ChunkInfo, site_kinds: np.ndarray) -> None:
        meta, cols = reader.columns(chunk)
        try:
            self.first = chunk.first
            self.site = cols["site"].astype(np.int64)
            self.step = chunk.step + np.cumsum(cols["dstep"], dtype=np.int64)
            kinds = site_kinds[self.site]
            indexed = np.isin(kinds, list(INDEXED_KINDS))
            self.valued = np.isin(kinds, list(VALUED_KINDS))
            self.item = np.zeros(self.site.size, dtype=np.int64)
            self.item[indexed] = cols["item"]
            decoded = codec.decode_values(meta, cols, "v_")
            values = np.empty(self.site.size, dtype=object)
            values[self.valued] = _objects(decoded.values)
            self.values: list[Value | None] = values.tolist()
            self.tags = np.full(self.site.size, codec.TAG_NONE, dtype=np.uint8)
            self.tags[self.valued] = decoded.tags
            self.floats = np.zeros(self.site.size, dtype=np.float64)
            self.floats[self.valued] = decoded.floats
        except (ValueError, IndexError, KeyError) as exc:
            raise reader.fail(chunk.offset, f"damaged events chunk ({exc})") from None
        if self.site.size != chunk.count:
            raise reader.fail(chunk.offset, "damaged events chunk (event count mismatch)")

    @property
    def count(self) -> int:
        """Events in the chunk."""
        return int(self.site.size)


def _objects(values: list[Value]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values  # element by element: a list of bools and floats must not become a float array
    return out


def read_snapshot(
    reader: ChunkReader, chunk: ChunkInfo
) -> tuple[dict[int, Value], dict[int, list[Value]], dict[int, int]]:
    """A snapshot's variables and stored lists by cell, and for unchanged lists the offset of the snapshot that holds them."""
    meta, cols = reader.columns(chunk)
    try:
        flat = codec.decode_values(meta, cols, "v_").values
        variables = dict(zip(meta["vars"], flat, strict=False))
        pos, lists = len(meta["vars"]), {}
        for cell, length in meta["lists"]:
            lists[cell] = flat[pos : pos + length]
            pos += length
        if pos != len(flat):
            raise ValueError("value count mismatch")
    except (ValueError, KeyError, TypeError) as exc:
        raise reader.fail(chunk.offset, f"damaged snapshot chunk ({exc})") from None
    return variables, lists, {cell: offset for cell, offset in meta["refs"]}
