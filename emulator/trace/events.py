"""What a trace holds, as frozen data: the header's tables, the events, chunk index entries and states."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from emulator.slices import Slice
from emulator.values import Value

# ## Event kinds (one byte each on disk; the order is part of the format)

SET = 0  # a variable was set or changed
ADD = 1  # an item was appended to a list
INSERT = 2  # an item was inserted into a list
REPLACE = 3  # a list item was replaced
DELETE = 4  # a list item was deleted (later items move down)
CLEAR = 5  # every item of a list was deleted

KIND_NAMES = ("set", "add", "insert", "replace", "delete", "clear")
LIST_KINDS = frozenset({ADD, INSERT, REPLACE, DELETE, CLEAR})
INDEXED_KINDS = frozenset({ADD, INSERT, REPLACE, DELETE})  # events that carry an item number
VALUED_KINDS = frozenset({SET, ADD, INSERT, REPLACE})  # events that carry the value written

FORMAT_VERSION = 2  # 2: tables chunks may carry the say/think bubbles shown
READABLE_VERSIONS = (1, 2)  # a version-1 trace opens, with no bubbles
BUBBLE_KINDS = ("say", "think")
ENGINE = "interpreter"


# ## The header's tables


@dataclass(frozen=True, slots=True)
class CellInfo:
    """A variable or list the trace knows: the target that owns it, its id and its name."""

    owner: str
    id: str
    name: str
    is_list: bool


@dataclass(frozen=True, slots=True)
class BlockInfo:
    """A block of the program: where it lives, what it is, and the DSL line that made it."""

    target: str
    id: str
    opcode: str
    source: str | None


@dataclass(frozen=True, slots=True)
class ThreadInfo:
    """A script as a thread runs it: its target and the id of its hat block."""

    target: str
    script: str


@dataclass(frozen=True, slots=True)
class Site:
    """One place writes come from: a thread running a block that writes one cell in one way."""

    thread: int  # index into the thread table
    block: int  # index into the block table
    cell: int  # index into the cell table
    kind: int  # SET, ADD, ...


@dataclass(frozen=True)
class Header:
    """Everything a trace says about the run before its first event."""

    format_version: int
    program: str
    program_sha256: str
    engine: str
    seed: int
    params: Mapping[str, Any]
    options: Mapping[str, Any]
    cells: tuple[CellInfo, ...]
    blocks: tuple[BlockInfo, ...]
    slices: tuple[Slice, ...] = ()


@dataclass(frozen=True, slots=True)
class Bubble:
    """A say or think bubble shown: after how many events, when (virtual ms), by which target, and its text."""

    event: int  # events recorded before it: it shows from position `event` on
    at_ms: float
    target: str
    kind: str  # "say" or "think"
    text: str  # as the bubble shows it


@dataclass(frozen=True)
class Tables:
    """The header's tables with what the chunks added while the run went on (cells, blocks, threads, sites, bubbles)."""

    cells: tuple[CellInfo, ...]
    blocks: tuple[BlockInfo, ...]
    threads: tuple[ThreadInfo, ...]
    sites: tuple[Site, ...]
    bubbles: tuple[Bubble, ...] = ()


# ## Events, chunks and states


@dataclass(frozen=True, slots=True)
class Event:
    """One write, as replay shows it."""

    index: int  # 0-based number of the event in the trace
    step: int  # blocks executed when it happened (Runtime.blocks)
    kind: int
    thread: ThreadInfo
    block: BlockInfo
    cell: CellInfo
    item: int  # 1-based list item; 0 for variables and clears
    value: Value | None  # the value written; None for delete and clear

    @property
    def kind_name(self) -> str:
        """'set', 'replace', ..."""
        return KIND_NAMES[self.kind]


@dataclass(frozen=True, slots=True)
class ChunkInfo:
    """Where a chunk sits in the file and what it covers."""

    kind: str  # "header", "snapshot", "events", "end"
    offset: int
    length: int  # compressed payload bytes
    first: int  # events: index of its first event; snapshot: events applied before it
    count: int  # events in an events chunk; 0 otherwise
    step: int  # events: step of its first event; snapshot: step when it was taken


@dataclass(frozen=True)
class State:
    """Every recorded variable and list after `event` events (names as Tables.label gives them)."""

    event: int
    step: int
    variables: Mapping[str, Value] = field(default_factory=dict)
    lists: Mapping[str, tuple[Value, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Ending:
    """How the recording ended: events and steps in all, and whether the run finished."""

    events: int
    step: int
    finished: bool
    reason: str  # "finished", "step limit", "stopped", ...
