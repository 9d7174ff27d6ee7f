"""The JSON in a trace (header, tables, end, column metadata) read with every field checked, so a crafted file fails in one line.

A trace is untrusted input: its checksums stop accidental damage, not a file made to break the
reader. So deep nesting stops the JSON parser with a ShapeError rather than a RecursionError, free-form
values (params, options) may nest only MAX_DEPTH deep, and every other field is checked for type,
length and range before it is believed; a failed check raises ShapeError (a ValueError) naming
the field, which the reader turns into a TraceError naming the file and the chunk.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Collection, Sequence
from typing import Any

from emulator.slices import Slice
from emulator.trace.events import (
    BUBBLE_KINDS,
    KIND_NAMES,
    READABLE_VERSIONS,
    SET,
    BlockInfo,
    Bubble,
    CellInfo,
    Ending,
    Header,
    Site,
    ThreadInfo,
)

MAX_DEPTH = 32  # nesting of a free-form JSON value (params, options): the writer's deepest is 2
WHOLE_MAX = 2**62  # steps, counts, items: far beyond any run, and sums of them stay exact in int64
SEED_MAX = 2**64  # the RNG folds a seed to 64 bits
MAX_DIMENSIONS = 8  # a slice's shape

Reader = Callable[[Any, str], Any]


class ShapeError(ValueError):
    """A field of a trace has the wrong type, length or range; the message names the field."""


# ## JSON with bounded nesting


def load_json(raw: bytes) -> Any:
    """UTF-8 JSON, any nesting the parser survives (it stops with RecursionError about 1,000 deep)."""
    try:
        return json.loads(raw.decode("utf-8"))
    except RecursionError:
        raise ShapeError("JSON nested too deep") from None


def shallow(value: Any, what: str) -> Any:
    """A JSON value nested at most MAX_DEPTH deep: free-form values are printed, and printing recurses."""
    level = [value]
    for _ in range(MAX_DEPTH):
        level = [
            x
            for v in level
            for x in (v.values() if type(v) is dict else v if type(v) is list else ())
        ]
        if not level:
            return value
    raise ShapeError(f"{what} is nested more than {MAX_DEPTH} deep")


# ## Fields


def whole(value: Any, what: str, lo: int = 0, hi: int = WHOLE_MAX) -> int:
    """A whole number in lo..hi (true and false are not numbers here, whatever Python thinks)."""
    if type(value) is not int:
        raise ShapeError(f"{what} is {_kind(value)}, not a whole number")
    if not lo <= value <= hi:
        shown = f"{value:,}" if abs(value) < 10**30 else "a huge number"
        raise ShapeError(f"{what} is {shown}, outside {lo:,}..{hi:,}")
    return value


def text(value: Any, what: str) -> str:
    """A string."""
    if type(value) is not str:
        raise ShapeError(f"{what} is {_kind(value)}, not a string")
    return value


def text_or_none(value: Any, what: str) -> str | None:
    """A string or null."""
    return None if value is None else text(value, what)


def flag(value: Any, what: str) -> bool:
    """true or false."""
    if type(value) is not bool:
        raise ShapeError(f"{what} is {_kind(value)}, not true or false")
    return value


def array(value: Any, what: str) -> list[Any]:
    """A JSON list."""
    if type(value) is not list:
        raise ShapeError(f"{what} is {_kind(value)}, not a list")
    return value


def texts(value: Any, what: str) -> list[str]:
    """A list of strings."""
    return [text(v, f"{what}[{i}]") for i, v in enumerate(array(value, what))]


def texts_or_none(value: Any, what: str) -> list[str] | None:
    """A list of strings, or null."""
    return None if value is None else texts(value, what)


def row(value: Any, what: str, readers: Sequence[Reader]) -> list[Any]:
    """A list of exactly len(readers) fields, each read by its reader."""
    items = array(value, what)
    if len(items) != len(readers):
        raise ShapeError(f"{what} has {len(items)} fields, not {len(readers)}")
    return [
        read(v, f"{what} field {i + 1}")
        for i, (read, v) in enumerate(zip(readers, items, strict=True))
    ]


def rows(value: Any, what: str, readers: Sequence[Reader]) -> list[list[Any]]:
    """A list of rows."""
    return [row(v, f"{what} row {i}", readers) for i, v in enumerate(array(value, what))]


def mapping(value: Any, what: str) -> dict[str, Any]:
    """A JSON object with any keys (its values are JSON, nested no deeper than load_json allows)."""
    if type(value) is not dict:
        raise ShapeError(f"{what} is {_kind(value)}, not an object")
    return value


def record(
    value: Any, what: str, required: Collection[str], optional: Collection[str] = ()
) -> dict[str, Any]:
    """A JSON object with every required key, and no key that is neither required nor optional."""
    value = mapping(value, what)
    missing = sorted(set(required) - value.keys())
    extra = sorted(value.keys() - set(required) - set(optional))
    if missing:
        raise ShapeError(f"{what} lacks {_names(missing)}")
    if extra:
        raise ShapeError(f"{what} has unknown {_names(extra)}")
    return value


def _names(keys: list[str]) -> str:
    shown = ", ".join(repr(k[:20]) for k in keys[:3]).encode("ascii", "backslashreplace").decode()
    return ("key " if len(keys) == 1 else "keys ") + shown + (", ..." if len(keys) > 3 else "")


_KINDS = {
    dict: "an object",
    list: "a list",
    str: "a string",
    bool: "true/false",
    int: "a number",
    float: "a decimal number",
}


def _kind(value: Any) -> str:
    return _KINDS.get(type(value), "null")


# ## The header, the tables and the end


def _at_least_one(value: Any, what: str) -> int:
    return whole(value, what, 1)


def _seed(value: Any, what: str) -> int:
    return whole(value, what, -SEED_MAX, SEED_MAX)


def _kind_code(value: Any, what: str) -> int:
    return whole(value, what, 0, len(KIND_NAMES) - 1)


def _shape(value: Any, what: str) -> tuple[int, ...]:
    dims = array(value, what)
    if not 1 <= len(dims) <= MAX_DIMENSIONS:
        raise ShapeError(f"{what} has {len(dims)} dimensions, not 1..{MAX_DIMENSIONS}")
    return tuple(whole(d, f"{what}[{i}]", 1) for i, d in enumerate(dims))


CELL = (text, text, text, flag)  # owner, id, name, is_list
BLOCK = (text, text, text, text_or_none)  # target, id, opcode, source
THREAD = (text, text)  # target, script
SITE = (whole, whole, whole, _kind_code)  # thread, block, cell, kind
SLICE = (text, text, _at_least_one, _at_least_one, _shape)  # list, name, start, end, shape
HEADER_KEYS = (
    "format_version",
    "program",
    "program_sha256",
    "engine",
    "seed",
    "params",
    "options",
    "cells",
    "blocks",
)
# What a header's options may say, and how each is read; other keys are kept as they are.
OPTIONS: dict[str, Reader] = {
    "chunk_events": _at_least_one,
    "turbo": flag,
    "answers": texts,
    "max_steps": lambda v, what: None if v is None else whole(v, what),
    "lists": texts_or_none,
    "vars": texts_or_none,
}


def header_from_json(data: Any, file_version: int = READABLE_VERSIONS[-1]) -> Header:
    """The Header that format.header_json wrote, every field checked; its version is the preamble's."""
    d = record(data, "header", HEADER_KEYS, ("slices",))
    version = whole(d["format_version"], "format_version")
    if version != file_version:
        raise ShapeError(f"format_version is {version}, but the file says {file_version}")
    return Header(
        format_version=version,
        program=text(d["program"], "program"),
        program_sha256=text(d["program_sha256"], "program_sha256"),
        engine=text(d["engine"], "engine"),
        seed=_seed(d["seed"], "seed"),
        params=shallow(mapping(d["params"], "params"), "params"),
        options=_options(d["options"]),
        cells=tuple(CellInfo(*r) for r in rows(d["cells"], "cells", CELL)),
        blocks=tuple(BlockInfo(*r) for r in rows(d["blocks"], "blocks", BLOCK)),
        slices=tuple(_slice(r) for r in rows(d.get("slices", []), "slices", SLICE)),
    )


def _options(value: Any) -> dict[str, Any]:
    options = shallow(mapping(value, "options"), "options")
    for key, read in OPTIONS.items():
        if key in options:
            read(options[key], f"options.{key}")
    return options


def _slice(r: list[Any]) -> Slice:
    list_name, name, start, end, shape = r
    size = math.prod(shape)
    if end < start or size != end - start + 1:
        raise ShapeError(f"slice items {start:,}..{end:,} do not fill a shape of {size:,} items")
    return Slice(list_name, name, start, end, shape)


def tables_from_json(
    data: Any, file_version: int = READABLE_VERSIONS[-1]
) -> tuple[list[CellInfo], list[BlockInfo], list[ThreadInfo], list[Site], list[Bubble]]:
    """A tables chunk's additions, each row checked (its indices are checked once all are read).

    Bubbles came with format version 2: a version-1 file that has them is damaged.
    """
    optional = ("bubbles",) if file_version >= 2 else ()
    d = record(data, "tables", ("cells", "blocks", "threads", "sites"), optional)
    return (
        [CellInfo(*r) for r in rows(d["cells"], "cells", CELL)],
        [BlockInfo(*r) for r in rows(d["blocks"], "blocks", BLOCK)],
        [ThreadInfo(*r) for r in rows(d["threads"], "threads", THREAD)],
        [Site(*r) for r in rows(d["sites"], "sites", SITE)],
        [Bubble(*r) for r in rows(d.get("bubbles", []), "bubbles", BUBBLE)],
    )


def _ms(value: Any, what: str) -> float:
    """A virtual time in milliseconds: a finite number, 0 or more."""
    if type(value) not in (int, float):
        raise ShapeError(f"{what} is {_kind(value)}, not a number")
    if not (math.isfinite(value) and 0 <= value <= WHOLE_MAX):
        raise ShapeError(f"{what} is {value!r}, outside 0..{WHOLE_MAX:,}")
    return float(value)


def _bubble_kind(value: Any, what: str) -> str:
    if text(value, what) not in BUBBLE_KINDS:
        raise ShapeError(f"{what} is neither 'say' nor 'think'")
    return str(value)


BUBBLE = (whole, _ms, text, _bubble_kind, text)  # event, at_ms, target, kind, text


def check_bubbles(bubbles: Sequence[Bubble], event_count: int) -> None:
    """Bubbles in the order they were shown, each after no more events than the trace holds."""
    last = 0
    for i, b in enumerate(bubbles):
        if not last <= b.event <= event_count:
            raise ShapeError(
                f"bubble {i} shows after event {b.event:,}: out of order or past the "
                f"trace's {event_count:,} events"
            )
        last = b.event


def check_sites(
    sites: Sequence[Site], cells: Sequence[CellInfo], blocks: int, threads: int
) -> None:
    """Every site names a thread, block and cell the tables hold, and writes its cell the cell's way."""
    for i, s in enumerate(sites):
        if s.thread >= threads or s.block >= blocks or s.cell >= len(cells):
            raise ShapeError(f"site {i} names a thread, block or cell the tables do not hold")
        if cells[s.cell].is_list == (s.kind == SET):
            raise ShapeError(
                f"site {i} makes a {KIND_NAMES[s.kind]} write to the wrong kind of cell"
            )


def ending_from_json(data: Any) -> Ending:
    """The end chunk: events and steps in all, whether the run finished, and why it ended."""
    d = record(data, "end", ("events", "step", "finished", "reason"))
    return Ending(
        whole(d["events"], "events"),
        whole(d["step"], "step"),
        flag(d["finished"], "finished"),
        text(d["reason"], "reason"),
    )
