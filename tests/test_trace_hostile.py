"""Hostile traces: a crafted file with valid checksums fails in one line, never with a traceback, a hang or a flood of memory.

Each case takes a real trace recorded here and rewrites one chunk's contents, re-encoded and
checksummed as format.TraceWriter does it (tests/strategies.py: split_trace, join_trace). The
property at the end runs random hostile traces through every reader; SCRATCH_HOSTILE_EXAMPLES sets
its number of examples for a long campaign (the suite uses Hypothesis's default).
"""

from __future__ import annotations

import io
import json
import os
import signal
import struct
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator.cli import main
from emulator.dsl import Program, repeat, say, think
from emulator.slices import Slice
from emulator.trace import codec, render
from emulator.trace.diff import diff
from emulator.trace.events import BlockInfo
from emulator.trace.format import TraceError
from emulator.trace.recorder import record_run
from emulator.trace.replay import Trace
from emulator.tui.replay.app import ReplayApp
from emulator.value_text import cut, safe_text
from tests import strategies
from tests.strategies import StoredChunk, deflate_bomb, join_trace, pack_columns, split_trace

NAME = "hostile.trace"
GIB = 1 << 30


# ## A small real trace to make hostile


def base_program() -> Any:
    """Every kind of write, repeated floats (stored as back-references), strings, and a list left alone."""
    prog = Program("hostile_base")
    x, items, kept = prog.stage.var("x", 0), prog.stage.list("items"), prog.stage.list("kept", [7])
    with prog.sprite("S").when_flag_clicked():
        items.delete_all()
        with repeat(3):
            # A computed float, then the same again: the repeat is stored as a back-reference.
            x.set(x * 0 + 0.25)
            x.set(x * 1)
            items.add("a")
            items.insert(1, x)
            items.replace(2, x < 1)
            items.delete(1)
        x.set("done")
        kept.length()
    return prog.build()


def record_base() -> bytes:
    sink = io.BytesIO()
    slices = [Slice("items", "S1", 1, 2, (2,))]
    record_run(base_program(), sink, program="base", params={"n": 3}, slices=slices, chunk_events=5)
    return sink.getvalue()


BASE = record_base()
BASE_TRACE = Trace.from_bytes(BASE, "base.trace")


def kinds(data: bytes) -> list[str]:
    """The kind letter of each chunk."""
    return [chr(c.kind) for c in split_trace(data)[1]]


def rewrite(
    data: bytes, kind: str, change: Callable[[StoredChunk], StoredChunk], which: int = 0
) -> bytes:
    """The trace with the `which`-th chunk of a kind ('H', 'T', 'S', 'E', 'Z') changed, checksums made valid."""
    preamble, chunks = split_trace(data)
    places = [i for i, c in enumerate(chunks) if c.kind == ord(kind)]
    chunks[places[which]] = change(chunks[places[which]])
    return join_trace(preamble, chunks)


def with_json(kind: str, change: Callable[[Any], Any], which: int = 0) -> bytes:
    """The base trace with a JSON chunk's document changed (change returns the new document)."""
    return rewrite(
        BASE, kind, lambda c: c.with_raw(json.dumps(change(json.loads(c.raw()))).encode()), which
    )


def with_meta(kind: str, change: Callable[[dict[str, Any]], None], which: int = 0) -> bytes:
    """The base trace with a column chunk's meta JSON changed in place by `change`; its columns' bytes kept."""

    def edit(chunk: StoredChunk) -> StoredChunk:
        raw = chunk.raw()
        (n,) = struct.unpack_from("<I", raw)
        meta = json.loads(raw[4 : 4 + n])
        change(meta)
        head = json.dumps(meta).encode()
        return chunk.with_raw(struct.pack("<I", len(head)) + head + raw[4 + n :])

    return rewrite(BASE, kind, edit, which)


def with_columns(
    kind: str, change: Callable[[dict[str, np.ndarray]], None], which: int = 0
) -> bytes:
    """The base trace with a column chunk's columns changed in place by `change`, then packed as the writer packs them."""

    def repack(chunk: StoredChunk) -> StoredChunk:
        meta, cols = codec.unpack(chunk.raw())
        cols = {name: array.copy() for name, array in cols.items()}
        change(cols)
        return chunk.with_raw(pack_columns(meta, cols))

    return rewrite(BASE, kind, repack, which)


def with_header_fields(chunk_kind: str, **fields: int) -> bytes:
    """The base trace with a chunk header stating other values (size, count, first, step, kind, codec)."""
    return rewrite(BASE, chunk_kind, lambda c: replace(c, **fields))


@contextmanager
def within(seconds: float) -> Iterator[None]:
    """Fail, rather than hang, when the block takes longer than `seconds`."""

    def expire(*_: Any) -> None:
        raise TimeoutError(f"took more than {seconds} s")

    old = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def read_all(data: bytes) -> Trace:
    """Open a trace and read every chunk and every event, and the state at its end."""
    trace = Trace.from_bytes(data, NAME)
    trace.verify()
    trace.state_at(trace.event_count)
    for _ in trace.events():
        pass
    return trace


def fails(data: bytes, *phrases: str) -> str:
    """The one-line error that reading the trace raises, naming the file and each phrase."""
    with within(10), pytest.raises(TraceError) as err:
        read_all(data)
    message = str(err.value)
    assert "\n" not in message and message.startswith(NAME), message
    for phrase in phrases:
        assert phrase in message, message
    return message


def test_the_base_trace_has_what_the_cases_rewrite() -> None:
    """Several events chunks, tables chunks, a snapshot that refers back, repeated floats, slices, an end."""
    trace = read_all(BASE)
    assert kinds(BASE)[:2] == ["H", "S"] and kinds(BASE)[-1] == "Z"
    assert len(trace.event_chunks) >= 3 and trace.header.slices
    snapshots = [c for c in split_trace(BASE)[1] if c.kind == ord("S")]
    assert any(b'"refs":[[' in c.raw() for c in snapshots)
    tags = np.concatenate([trace.events_block(i).tags for i in range(len(trace.event_chunks))])
    assert (tags == codec.TAG_REF).any() and (tags == codec.TAG_STR).any()


# ## The known cases, one each


def test_a_slice_row_of_two_fields() -> None:
    """A slice row must have its five fields."""
    fails(with_json("H", lambda h: {**h, "slices": [["items", "S1"]]}), "slices row 0 has 2 fields")


@pytest.mark.parametrize(
    ("end", "phrase"),
    [
        (
            {"events": 0, "step": 0, "finished": True, "reason": "x", "extra": 1},
            "unknown key 'extra'",
        ),
        ([], "end is a list, not an object"),
        ({"events": 0, "step": 0, "finished": True}, "lacks key 'reason'"),
    ],
)
def test_an_end_chunk_of_the_wrong_shape(end: Any, phrase: str) -> None:
    """The end chunk has exactly its four fields."""
    fails(with_json("Z", lambda _: end), "damaged end chunk", phrase)


def test_a_tables_chunk_that_is_a_number() -> None:
    """A tables chunk is an object of four tables."""
    fails(with_json("T", lambda _: 5), "damaged tables chunk", "tables is a number")


@pytest.mark.parametrize("depth", [2_000, 100_000])
def test_json_nested_thousands_deep(depth: int) -> None:
    """Deep nesting stops the parser with one line, not a RecursionError, wherever it is."""
    whole = b"[" * depth + b"]" * depth
    fails(
        rewrite(BASE, "H", lambda c: c.with_raw(whole)), "damaged header chunk", "nested too deep"
    )
    inside = json.dumps({**json.loads(split_trace(BASE)[1][0].raw()), "params": "@"}).encode()
    inside = inside.replace(b'"@"', b"[" * depth + b"1" + b"]" * depth)
    fails(
        rewrite(BASE, "H", lambda c: c.with_raw(inside)), "damaged header chunk", "nested too deep"
    )


def test_params_nested_deeper_than_anything_prints() -> None:
    """Free-form values (params, options) may nest 32 deep: they are printed, and printing recurses."""
    deep: Any = "x"
    for _ in range(40):
        deep = [deep]
    fails(with_json("H", lambda h: {**h, "params": {"p": deep}}), "params is nested more than 32")


@pytest.mark.parametrize("field", [0, 1, 2])
def test_a_site_index_out_of_range(field: int) -> None:
    """A site names a thread, block and cell that the tables hold."""

    def bad(tables: dict[str, Any]) -> dict[str, Any]:
        tables["sites"][0][field] = 999
        return tables

    fails(with_json("T", bad), "damaged tables chunk", "site 0 names a thread, block or cell")


def test_a_site_number_out_of_range_in_an_events_chunk() -> None:
    """An event names a site the tables hold."""

    data = with_columns("E", lambda c: c.update(site=np.full_like(c["site"], 200)))
    fails(data, "damaged events chunk", "a site number out of range")


def test_a_column_of_dtype_garbage() -> None:
    """A column's type is one the writer makes, not any text numpy might parse."""
    for dtype in ("garbage", "O", "V9999999", ">f8", "<U4"):
        data = with_meta("E", lambda meta, d=dtype: meta["cols"][0].__setitem__(1, d))
        fails(data, "damaged events chunk", f"unknown type {dtype!r}")


def test_a_back_reference_of_distance_zero_is_an_error_not_an_endless_loop() -> None:
    """A repeated float points strictly back, within its chunk: 0 or too far is damage, found at once."""
    which = _chunk_with_refs()
    for distance, phrase in [
        (0, "refers to itself"),
        (1000, "back past"),
        (2**64 - 1, "back past"),
    ]:
        data = with_columns(
            "E",
            lambda c, d=distance: c.update(v_refs=np.full_like(c["v_refs"], d, np.uint64)),
            which,
        )
        with within(5):
            fails(data, "damaged events chunk", phrase)


def _chunk_with_refs() -> int:
    return next(
        i
        for i in range(len(BASE_TRACE.event_chunks))
        if codec.TAG_REF in BASE_TRACE.events_block(i).tags
    )


# ## Any other field, wrong in type or shape


def _set(path: tuple[Any, ...], value: Any) -> Callable[[Any], Any]:
    def change(doc: Any) -> Any:
        target = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return doc

    return change


@pytest.mark.parametrize(
    ("kind", "path", "value", "phrase"),
    [
        ("H", ("format_version",), "1", "format_version is a string"),
        ("H", ("format_version",), 1, "format_version is 1, but the file says 2"),
        ("H", ("program",), None, "program is null"),
        ("H", ("seed",), 1.5, "seed is a decimal number"),
        ("H", ("seed",), True, "seed is true/false"),
        ("H", ("seed",), 2**70, "seed is 1,180,591,620,717,411,303,424, outside"),
        ("H", ("params",), [], "params is a list"),
        ("H", ("options", "chunk_events"), "5", "options.chunk_events is a string"),
        ("H", ("options", "chunk_events"), 0, "options.chunk_events is 0, outside 1.."),
        ("H", ("options", "answers"), [1], "options.answers[0] is a number"),
        ("H", ("options", "lists"), "items", "options.lists is a string"),
        ("H", ("cells", 0, 3), "yes", "cells row 0 field 4 is a string, not true or false"),
        ("H", ("cells", 0), ["Stage", "id", "x"], "cells row 0 has 3 fields"),
        ("H", ("blocks", 0, 3), 5, "blocks row 0 field 4 is a number"),
        ("H", ("slices", 0, 4), [0], "field 5[0] is 0"),
        ("H", ("slices", 0, 4), [3], "do not fill a shape of 3 items"),
        ("H", ("slices", 0, 2), -1, "field 3 is -1"),
        ("H", ("slices", 0, 4), list(range(1, 11)), "10 dimensions"),
        ("H", ("unknown",), 1, "header has unknown key 'unknown'"),
        ("T", ("threads", 0), ["S", "hat", "more"], "threads row 0 has 3 fields"),
        ("T", ("sites", 0, 3), 9, "sites row 0 field 4 is 9"),
        ("T", ("sites", 0, 3), 0, "makes a set write to the wrong kind of cell"),
        ("T", ("cells",), {}, "cells is an object"),
        ("Z", ("events",), -1, "events is -1"),
        ("Z", ("events",), 3, "it counts 3 events"),
        ("Z", ("finished",), "yes", "finished is a string"),
        ("Z", ("step",), 2**63, "step is 9,223,372,036,854,775,808, outside"),
    ],
)
def test_a_json_field_of_the_wrong_type_or_shape(
    kind: str, path: tuple[Any, ...], value: Any, phrase: str
) -> None:
    """Every field of the header, tables and end is checked for type, length and range."""
    fails(with_json(kind, _set(path, value)), phrase)


def _meta(key: str, value: Any) -> Callable[[str, int], bytes]:
    return lambda kind, which: with_meta(kind, lambda meta: meta.__setitem__(key, value), which)


def _column(name: str, make: Callable[[np.ndarray], np.ndarray]) -> Callable[[str, int], bytes]:
    return lambda kind, which: with_columns(kind, lambda c: c.update({name: make(c[name])}), which)


@pytest.mark.parametrize(
    ("kind", "make", "phrase"),
    [
        ("E", _meta("v_strings", [1]), "v_strings[0] is a number"),
        ("E", _meta("v_strings", "abc"), "v_strings is a string"),
        ("E", _meta("extra", 1), "unknown key 'extra'"),
        ("E", _meta("cols", [["site", "|u1", -1, False]]), "cols row 0 field 3 is -1"),
        (
            "E",
            _meta("cols", [["site", "|u1", 10**9, False]]),
            "column 'site' runs past the payload",
        ),
        ("E", _column("v_tags", lambda a: np.full_like(a, 9)), "a value tag out of range"),
        ("E", _column("v_strs", lambda a: a[:0]), "column 'v_strs' holds 0 numbers"),
        ("E", _column("v_strs", lambda a: a + 5), "a string number out of range"),
        ("E", _column("item", np.zeros_like), "an item number out of range"),
        ("E", _column("dstep", lambda a: np.full(a.size, 2**63, np.uint64)), "steps run past"),
        ("E", _column("v_fresh", lambda a: np.zeros(9)), "column 'v_fresh' holds 9"),
        (
            "E",
            _column("site", lambda a: a.astype(float)),
            "column 'site' is missing or of the wrong type",
        ),
        ("S", _meta("vars", [999]), "vars is 999, outside"),
        ("S", _meta("vars", [1]), "vars names a cell twice or a cell of the other kind"),
        ("S", _meta("lists", [[1, -1]]), "lists row 0 field 2 is -1"),
        ("S", _meta("lists", [[1, 2, 3]]), "lists row 0 has 3 fields"),
        ("S", _meta("refs", "no"), "refs is a string"),
        ("S", _meta("refs", [[2, 0]]), "refers to a snapshot that lacks a list"),
        ("S", _meta("refs", [[2, 12]]), "refers to a snapshot that lacks a list"),
    ],
)
def test_a_column_chunk_field_of_the_wrong_type_or_shape(
    kind: str, make: Callable[[str, int], bytes], phrase: str
) -> None:
    """Every field of a snapshot or events chunk's meta, and every column, is checked before it is used."""
    fails(make(kind, -1 if kind == "S" else 0), phrase)


def test_a_snapshot_refers_only_to_an_earlier_snapshot_that_stores_the_list() -> None:
    """An unchanged list is taken from an earlier snapshot that stores it, not from itself, a later one, or another reference."""
    snapshots = BASE_TRACE.snapshots
    kept = BASE_TRACE.cell("kept")
    assert BASE_TRACE._snapshot_data(snapshots[1])[2] == {kept: snapshots[0].offset}
    for offset in (snapshots[-1].offset, snapshots[1].offset):
        fails(_meta("refs", [[kept, offset]])("S", -1), "lacks a list")


@pytest.mark.parametrize(
    ("kind", "fields", "phrase"),
    [
        ("E", {"count": 2**32 - 1}, "states 4,294,967,295 events in"),
        ("S", {"count": 1}, "states 1 events"),
        ("E", {"step": 2**63}, "beyond"),
        ("S", {"first": 2**64 - 1}, "beyond"),
        ("S", {"first": 1}, "no snapshot of the initial state"),
        ("E", {"first": 3}, "events chunk out of order"),
        ("T", {"size": 1}, "inflates past its stated 1 bytes"),
        ("T", {"size": 10**6}, "not its stated 1,000,000"),
        ("T", {"codec": 0}, "states"),
        ("Z", {"kind": ord("H")}, "a second header chunk"),
        ("S", {"kind": ord("Z")}, "an end chunk before the last chunk"),
    ],
)
def test_a_chunk_header_that_states_the_wrong_thing(
    kind: str, fields: dict[str, int], phrase: str
) -> None:
    """Sizes, counts, positions and kinds a chunk states are checked before they are believed."""
    fails(with_header_fields(kind, **fields), phrase)


# ## Decompression bounded by the stated size


def test_a_tables_chunk_that_inflates_3_mb_to_3_gib_stops_at_its_stated_size() -> None:
    """3 MB of deflate that would make 3 GiB is inflated to the stated size plus one byte, and refused."""
    bomb = deflate_bomb(3 * GIB)
    assert len(bomb) < 4 << 20
    real = split_trace(BASE)[1][kinds(BASE).index("T")]
    data = rewrite(
        BASE, "T", lambda c: StoredChunk(c.kind, 1, 0, real.size, 0, 0, 0, bomb, c.origin)
    )
    tracemalloc.start()
    try:
        started = time.perf_counter()
        fails(data, "damaged tables chunk", f"inflates past its stated {real.size:,} bytes")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 << 20 and time.perf_counter() - started < 5


def test_a_chunk_that_states_3_gib_is_refused_before_it_is_inflated() -> None:
    """A stated size over the bound is refused when the file is opened, naming the bound and its variable."""
    data = rewrite(BASE, "T", lambda c: StoredChunk(c.kind, 1, 0, 3 * GIB, 0, 0, 0, b"x", c.origin))
    fails(data, "states 3,221,225,472 bytes uncompressed", "SCRATCH_TRACE_MAX_CHUNK_BYTES")


def test_the_bounds_are_set_by_environment_variables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SCRATCH_TRACE_MAX_CHUNK_BYTES and SCRATCH_TRACE_MAX_BYTES lower (or raise) the bounds; nonsense in them is one line."""
    path = tmp_path / NAME
    path.write_bytes(BASE)
    monkeypatch.setenv("SCRATCH_TRACE_MAX_CHUNK_BYTES", "100")
    fails(BASE, "over the 100-byte bound")
    monkeypatch.setenv("SCRATCH_TRACE_MAX_CHUNK_BYTES", "lots")
    with pytest.raises(
        TraceError, match="SCRATCH_TRACE_MAX_CHUNK_BYTES='lots': want a whole number"
    ):
        Trace.from_bytes(BASE)
    monkeypatch.delenv("SCRATCH_TRACE_MAX_CHUNK_BYTES")
    monkeypatch.setenv("SCRATCH_TRACE_MAX_BYTES", "1000")
    with pytest.raises(
        TraceError, match=r"bytes, over the 1,000-byte bound on a trace \(SCRATCH_TRACE_MAX_BYTES\)"
    ):
        Trace.open(path)


@pytest.mark.parametrize("how", ["longer", "shorter", "cut", "trailing"])
def test_compressed_data_that_does_not_match_its_stated_size(how: str) -> None:
    """Inflating to more or fewer bytes than stated, a cut stream, or bytes after it: each is damage."""
    import zlib

    def change(c: StoredChunk) -> StoredChunk:
        raw = c.raw()
        payload = {
            "longer": zlib.compress(raw + b" "),
            "shorter": zlib.compress(raw[:-1]),
            "cut": c.payload[:-5],
            "trailing": c.payload + b"\0",
        }[how]
        return StoredChunk(c.kind, 1, 0, c.size, c.first, c.count, c.step, payload, c.origin)

    fails(rewrite(BASE, "H", change), "damaged header chunk")


# ## Files that never end


@pytest.mark.parametrize("kind", ["device", "pipe", "directory"])
def test_an_endless_file_is_refused_before_it_is_read(kind: str, tmp_path: Path) -> None:
    """/dev/zero, a pipe with no writer, a directory: not a regular file, so not read at all."""
    path = {"device": Path("/dev/zero"), "pipe": tmp_path / "fifo", "directory": tmp_path}[kind]
    if kind == "pipe":
        os.mkfifo(path)
    with within(5), pytest.raises(TraceError) as err:
        Trace.open(path)
    assert str(err.value) == f"{path}: not a trace (a {kind}, not a file)"


def test_truncated_and_flipped_files_still_say_where() -> None:
    """A cut file opens to its last whole chunk; a flipped byte is reported at its chunk's offset."""
    end = split_trace(BASE)[1][-1].origin
    assert end is not None
    cut = Trace.from_bytes(BASE[: end + 50], NAME)
    assert cut.truncated and cut.reader.truncated_at == end
    flipped = bytearray(BASE)
    flipped[end + 45] ^= 1
    fails(bytes(flipped), f"damaged end chunk (checksum mismatch) at byte {end:,}")


# ## Sources and names from a trace


def _block(source: str) -> BlockInfo:
    return BlockInfo("S", "b1", "data_setvariableto", source)


def test_a_source_outside_the_project_is_never_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a .py file inside the project (after following links) is opened; any other source shows as its location."""
    project, outside = tmp_path / "project", tmp_path / "outside.py"
    (project / "programs").mkdir(parents=True)
    (project / "programs" / "ok.py").write_text("first = 1\nsecond = 2\n")
    (project / "notes.txt").write_text("secret\n")
    outside.write_text("secret = 1\n")
    (project / "link.py").symlink_to(outside)
    monkeypatch.setattr(render, "ROOT", project)
    opened: list[str] = []
    real_getline = render.linecache.getline
    monkeypatch.setattr(
        render.linecache, "getline", lambda f, n: opened.append(f) or real_getline(f, n)
    )
    assert render.source_text(_block("programs/ok.py:2")) == "programs/ok.py:2: second = 2"
    for source in [
        "/etc/passwd:1",
        f"{outside}:1",
        "../outside.py:1",
        "programs/../../outside.py:1",
        "link.py:1",
        "notes.txt:1",
        "programs/ok.py:²",
        "programs/ok.py:99999999999999999999",
        "programs/\0.py:1",
        "programs:1",
    ]:
        assert render.source_text(_block(source)) == render.safe_text(source, render.SOURCE_WIDTH)
    assert opened == [str(project / "programs" / "ok.py")]


@given(text=st.text(), width=st.integers(0, 80))
def test_safe_text_lets_no_control_character_through(text: str, width: int) -> None:
    """A name is shown with no character that steers a terminal, cut to its width; printable text is left as it is."""
    shown = safe_text(text, width)
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in shown)
    assert len(shown) <= (max(width, 1) if width else len(shown))
    if text.isprintable():
        assert shown == cut(text, width)


ESC = "\x1b]0;owned\x07\x1b[2J"


def test_names_and_sources_from_a_trace_are_escaped_and_cut() -> None:
    """No name, source, program or param from a trace reaches the terminal with a control character, or at any length."""

    def poison(header: dict[str, Any]) -> dict[str, Any]:
        header["program"] = ESC
        header["engine"] = ESC
        header["params"] = {ESC: [ESC], "long": "y" * 500}
        header["cells"] = [[ESC, ESC, ESC + "x" * 500, c[3]] for c in header["cells"]]
        header["blocks"] = [[ESC, ESC, ESC, ESC + ".py:1"] for _ in header["blocks"]]
        header["slices"] = [["items", ESC, 1, 2, [2]]]
        return header

    data = with_json("H", poison)
    trace = Trace.from_bytes(data, NAME)
    end = trace.event_count
    lines = render.header_lines(trace, NAME)
    lines += render.state_lines(trace.state_at(end), trace.header.slices)
    lines += [render.event_line(e) for e in trace.events()]
    x = trace.label(0)
    lines += render.who_lines(trace.last_write_before(end, x), "x", end)
    lines += render.diff_lines(diff(trace, BASE_TRACE), NAME, "base.trace")
    text = "\n".join(lines)
    assert "\x1b" not in text and "\x07" not in text and "\\x1b]0;owned\\x07" in text
    assert max(len(line) for line in lines) < 400


# ## The command line: one line, exit status 2


def _dtype_garbage() -> bytes:
    return with_meta("E", lambda meta: meta["cols"][0].__setitem__(1, "garbage"))


def _zero_distance() -> bytes:
    assert _chunk_with_refs() == 0
    return with_columns("E", lambda c: c.update(v_refs=np.zeros_like(c["v_refs"])))


OPEN_CASES: dict[str, Callable[[], bytes]] = {
    "slice row of 2 fields": lambda: with_json("H", lambda h: {**h, "slices": [["items", "S1"]]}),
    "end with an extra key": lambda: with_json("Z", lambda z: {**z, "extra": 1}),
    "end that is []": lambda: with_json("Z", lambda _: []),
    "tables that are 5": lambda: with_json("T", lambda _: 5),
    "deep header": lambda: rewrite(BASE, "H", lambda c: c.with_raw(b"[" * 50_000 + b"]" * 50_000)),
    "site out of range": lambda: with_json("T", _set(("sites", 0, 2), 999)),
    "tables bomb": lambda: rewrite(
        BASE,
        "T",
        lambda c: StoredChunk(c.kind, 1, 0, c.size, 0, 0, 0, deflate_bomb(64 << 20), c.origin),
    ),
    "3 GiB stated": lambda: with_header_fields("T", size=3 * GIB),
}
# Read when the events are: the header, tables and end are sound, so the file opens.
READ_CASES: dict[str, Callable[[], bytes]] = {
    "dtype garbage": _dtype_garbage,
    "back-reference of distance 0": _zero_distance,
}


def _one_line_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str], name: str) -> None:
    with within(30):
        status = main(argv)
    err = capsys.readouterr().err
    assert status == 2, (argv, err)
    assert err.count("\n") == 1 and err.startswith("scratch-emu: error: ") and name in err, err
    assert "Traceback" not in err


# Each reads the first events chunk, where the cases read with the events are damaged.
COMMANDS = [
    ["replay", "{bad}", "--summary"],
    ["replay", "{bad}", "--at", "3"],
    ["replay", "{bad}", "--who", "x", "--at", "3"],
    ["replay", "{bad}", "--events", "0..30"],
    ["diff", "{bad}", "{good}"],
    ["diff", "{good}", "{bad}"],
]


@pytest.mark.parametrize("case", [*OPEN_CASES, *READ_CASES])
def test_the_command_line_says_one_line_and_exits_2(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """replay --summary/--at/--who/--events and diff: one line on stderr naming the file, exit status 2.

    --summary reads every chunk (Trace.verify), so a damaged events chunk is found there too.
    """
    bad, good = tmp_path / "bad.trace", tmp_path / "good.trace"
    bad.write_bytes({**OPEN_CASES, **READ_CASES}[case]())
    good.write_bytes(BASE)
    for argv in COMMANDS:
        _one_line_exit_2([a.format(bad=bad, good=good) for a in argv], capsys, str(bad))


@pytest.mark.parametrize("kind", ["device", "pipe"])
def test_the_command_line_refuses_an_endless_file(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A device or a pipe given as the trace: one line, exit 2, nothing read."""
    path = Path("/dev/zero") if kind == "device" else tmp_path / "fifo"
    if kind == "pipe":
        os.mkfifo(path)
    good = tmp_path / "good.trace"
    good.write_bytes(BASE)
    for argv in (["replay", str(path), "--summary"], ["diff", str(path), str(good)]):
        _one_line_exit_2(argv, capsys, str(path))


# ## Any hostile trace


def _examples() -> dict[str, int]:
    """The suite uses Hypothesis's default; SCRATCH_HOSTILE_EXAMPLES sets a long campaign's size."""
    count = os.environ.get("SCRATCH_HOSTILE_EXAMPLES")
    return {"max_examples": int(count)} if count else {}


MEMORY_BOUND = (
    48 << 20
)  # traced bytes at the peak: the chunk bound below, a few decoded chunks, and room


def exercise(data: bytes) -> None:
    """Every reader over a trace: open, header, states, events, who wrote, cursor, diff both ways, verify."""
    trace = Trace.from_bytes(data, NAME)
    render.header_lines(trace, NAME)
    end = trace.event_count
    for n in sorted({0, end // 2, end}):
        render.state_lines(trace.state_at(n), trace.header.slices)
    for event in trace.events():
        render.event_line(event)
    for i, cell in enumerate(trace.tables.cells):
        name = trace.label(i)
        render.who_lines(trace.last_write_before(end, name, 1 if cell.is_list else None), name, end)
        for _ in trace.writes_to(name):
            pass
    cursor = trace.cursor(end // 2)
    cursor.forward()
    cursor.back()
    trace.event_at_step(trace.final_step // 2)
    render.diff_lines(diff(trace, BASE_TRACE), NAME, "base.trace")
    render.diff_lines(diff(BASE_TRACE, trace), "base.trace", NAME)
    trace.verify()


@settings(
    **_examples(),
    deadline=timedelta(seconds=2),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=strategies.hostile_traces(BASE))
def test_a_hostile_trace_reads_or_fails_in_one_line(data: bytes) -> None:
    """Whatever a trace holds, every reader gives a result or one TraceError line: no other exception, in bounded time and memory."""
    old = os.environ.get("SCRATCH_TRACE_MAX_CHUNK_BYTES")
    os.environ["SCRATCH_TRACE_MAX_CHUNK_BYTES"] = str(
        4 << 20
    )  # the bound, made small enough to test
    tracemalloc.start()
    try:
        exercise(data)
    except TraceError as exc:
        assert "\n" not in str(exc) and str(exc).startswith(NAME)
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        if old is None:
            del os.environ["SCRATCH_TRACE_MAX_CHUNK_BYTES"]
        else:
            os.environ["SCRATCH_TRACE_MAX_CHUNK_BYTES"] = old
    assert peak < MEMORY_BOUND, f"{peak:,} bytes at the peak"


# ## The inspector over a damaged trace


def _damaged_last_events_chunk() -> bytes:
    """The base trace with its last events chunk naming a site the tables lack (found only when read)."""
    last = kinds(BASE).count("E") - 1
    return rewrite(
        BASE,
        "E",
        lambda c: c.with_raw(
            pack_columns(*_with_sites(codec.unpack(c.raw()), 200)),
        ),
        last,
    )


def _with_sites(
    unpacked: tuple[dict[str, Any], dict[str, np.ndarray]], site: int
) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    meta, cols = unpacked
    cols = {name: array.copy() for name, array in cols.items()}
    cols["site"] = np.full_like(cols["site"], site)
    return meta, cols


def test_the_inspector_reads_every_chunk_before_it_shows_one() -> None:
    """Panes read events ahead of the position shown: a damaged chunk anywhere stops the inspector
    before it starts, so no scrub, search or pane can meet one later."""
    trace = Trace.from_bytes(_damaged_last_events_chunk(), NAME)
    trace.state_at(2)  # the chunks before the damage read well
    with pytest.raises(TraceError, match="damaged events chunk"):
        ReplayApp(trace, base_program(), name=NAME)
    whole = Trace.from_bytes(BASE, NAME)
    ReplayApp(whole, base_program(), name=NAME)
    assert whole.verified


def test_the_inspector_is_not_opened_on_a_damaged_trace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`replay` in a terminal reads every chunk first: damage is one line and status 2 before any screen."""
    path = tmp_path / NAME
    path.write_bytes(_damaged_last_events_chunk())
    opened: list[str] = []
    monkeypatch.setattr(ReplayApp, "run", lambda app: opened.append(app.sub_title))
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    status = main(["replay", str(path)])
    err = capsys.readouterr().err
    assert (status, opened) == (2, [])
    assert err.count("\n") == 1 and "damaged events chunk" in err and str(path) in err


# ## Bubbles (format version 2) and version 1


def bubbles_program() -> Any:
    """A say before any write, a think between writes, a literal said after the last write."""
    prog = Program("bubbles")
    x = prog.stage.var("x", 0)
    with prog.sprite("S").when_flag_clicked():
        say("[b]hello[/b]")
        with repeat(3):
            x.change(1)
        think(x)
        x.set(2.5)
        say(x)
    return prog.build()


def record_bubbles() -> bytes:
    sink = io.BytesIO()
    record_run(bubbles_program(), sink, program="bubbles", chunk_events=2)
    return sink.getvalue()


BUBBLES = record_bubbles()


def _bubble_chunk() -> int:
    tables = [c for c in split_trace(BUBBLES)[1] if c.kind == ord("T")]
    return next(i for i, c in enumerate(tables) if b"bubbles" in c.raw())


def test_every_bubble_is_recorded_with_the_events_before_it_and_its_time() -> None:
    """Each say/think bubble: after how many events, when, by whom, and its text as shown."""
    bubbles = Trace.from_bytes(BUBBLES, NAME).tables.bubbles
    assert [(b.event, b.target, b.kind, b.text) for b in bubbles] == [
        (0, "S", "say", "[b]hello[/b]"),
        (3, "S", "think", "3"),
        (4, "S", "say", "2.5"),  # `set` stores the literal as text: no toFixed
    ]


def _as_version_1(data: bytes) -> bytes:
    preamble, chunks = split_trace(data)
    old = preamble[:8] + struct.pack("<I", 1)
    header = chunks[0].with_raw(
        json.dumps({**json.loads(chunks[0].raw()), "format_version": 1}).encode()
    )
    return join_trace(old, [header, *chunks[1:]])


def test_a_version_1_trace_opens_with_no_bubbles() -> None:
    """Traces written before bubbles were recorded still open, every event and state intact."""
    trace = read_all(_as_version_1(BASE))
    assert trace.header.format_version == 1 and trace.tables.bubbles == ()
    assert trace.event_count == BASE_TRACE.event_count


def test_a_version_1_trace_with_bubbles_is_damaged() -> None:
    """Bubbles came with version 2: a version-1 file that carries them is refused in one line."""
    fails(_as_version_1(BUBBLES), "damaged tables chunk", "unknown key 'bubbles'")


def test_a_newer_format_is_refused_in_one_line() -> None:
    """A version this reader does not know is named, with the versions it reads."""
    preamble, chunks = split_trace(BASE)
    newer = join_trace(preamble[:8] + struct.pack("<I", 3), chunks)
    fails(newer, "trace format version 3", "reads versions 1, 2")


@pytest.mark.parametrize(
    ("row", "value", "phrase"),
    [
        ((0, 0), -1, "bubbles row 0 field 1 is -1"),
        ((0, 1), "soon", "field 2 is a string, not a number"),
        ((0, 1), float("inf"), "field 2 is inf, outside"),
        ((0, 1), -5, "field 2 is -5, outside"),
        ((0, 2), None, "field 3 is null"),
        ((0, 3), "shout", "neither 'say' nor 'think'"),
        ((0, 4), 5, "field 5 is a number, not a string"),
        ((0,), [0, 0, "S", "say"], "bubbles row 0 has 4 fields"),
        ((0, 0), 10**6, "past the trace's"),
        (("all",), "x", "bubbles is a string"),
    ],
)
def test_a_bubble_field_of_the_wrong_type_or_shape(
    row: tuple[Any, ...], value: Any, phrase: str
) -> None:
    """Every field of a bubble is checked; one out of order or past the last event is damage."""

    def change(doc: Any) -> Any:
        if row == ("all",):
            doc["bubbles"] = value
            return doc
        target = doc["bubbles"]
        for key in row[:-1]:
            target = target[key]
        target[row[-1]] = value
        return doc

    data = rewrite(
        BUBBLES,
        "T",
        lambda c: c.with_raw(json.dumps(change(json.loads(c.raw()))).encode()),
        _bubble_chunk(),
    )
    fails(data, "damaged tables chunk", phrase)
