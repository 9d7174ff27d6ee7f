"""explain's findings as frozen records; `Report.to_json()` is the `--json` output."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class BlockRef:
    """A block named for a person: its id, opcode, DSL source line and the custom block it sits in."""

    block_id: str
    opcode: str | None
    source: str | None
    procedure: str | None

    def where(self) -> str:
        """'data_itemoflist (block b408) at programs/day3_mlp.py:327'."""
        source = f" at {self.source}" if self.source else ""
        return f"{self.opcode} (block {self.block_id}){source}"


@dataclass(frozen=True)
class SliceChange:
    """How much a named slice changed since the mark, and how much the reference changed it."""

    list: str
    name: str
    start: int
    end: int
    shape: tuple[int, ...]
    changed: int
    total: int
    max_abs_change: float
    reference_max_abs_change: float | None

    def to_json(self) -> dict[str, Any]:
        """The row `--json` prints."""
        return {**asdict(self), "shape": list(self.shape)}


@dataclass(frozen=True)
class NeverWritten:
    """A run of items of a list that no block wrote since the mark."""

    list: str
    start: int
    end: int


@dataclass(frozen=True)
class IndexOrigin:
    """A variable an out-of-range index was computed from, and the block that last wrote it."""

    variable: str
    block: BlockRef


@dataclass(frozen=True)
class OutOfRange:
    """Reads past the end of a list (Scratch gave "") or writes dropped outside it, by one block."""

    list: str
    kind: str  # "read" or "write"
    first_index: float | int
    last_index: float | int
    length: int
    count: int
    block: BlockRef
    index_from: tuple[IndexOrigin, ...]

    def to_json(self) -> dict[str, Any]:
        """The row `--json` prints: the block's fields beside the access's."""
        row = {k: v for k, v in asdict(self).items() if k not in ("block", "index_from")}
        row.update(asdict(self.block))
        row["index_from"] = [{**asdict(o.block), "variable": o.variable} for o in self.index_from]
        return row


@dataclass(frozen=True)
class NonFinite:
    """NaN or an infinity stored into a variable or list by one block."""

    what: str
    count: int
    first: str
    block: BlockRef

    def to_json(self) -> dict[str, Any]:
        """The row `--json` prints."""
        return {"what": self.what, "count": self.count, "first": self.first, **asdict(self.block)}


@dataclass(frozen=True)
class Clamp:
    """A lookup-table argument set to its limit because it passed it."""

    variable: str
    limit: Any
    count: int
    block: BlockRef

    def to_json(self) -> dict[str, Any]:
        """The row `--json` prints."""
        return {
            "variable": self.variable,
            "limit": self.limit,
            "count": self.count,
            **asdict(self.block),
        }


@dataclass(frozen=True)
class LayerRow:
    """One layer of the layer map: where its parts lie, and what is wrong with them."""

    layer: int
    size: int
    parts: dict[str, tuple[int, int] | None]  # part name -> items start..end of its list
    problems: tuple[str, ...]
    text: str

    def to_json(self) -> dict[str, Any]:
        """The row `--json` prints: each part by name as [start, end] or null."""
        parts = {k: (None if r is None else list(r)) for k, r in self.parts.items()}
        return {
            "layer": self.layer,
            "size": self.size,
            **parts,
            "problems": list(self.problems),
            "text": self.text,
        }


@dataclass(frozen=True)
class Report:
    """Everything explain found in one run, and the verdict drawn from it."""

    target: str
    params: dict[str, Any]
    blocks: int
    slices: tuple[SliceChange, ...]
    never_written: tuple[NeverWritten, ...]
    out_of_range: tuple[OutOfRange, ...]
    nonfinite: tuple[NonFinite, ...]
    clamps: tuple[Clamp, ...]
    layer_map: tuple[LayerRow, ...]
    verdict: tuple[str, ...]
    stopped: str | None = None  # why the run ended before its end (the step limit), if it did

    def to_json(self) -> dict[str, Any]:
        """The object `explain --json` prints."""
        return {
            "target": self.target,
            "params": self.params,
            "blocks": self.blocks,
            "slices": [s.to_json() for s in self.slices],
            "never_written": [asdict(n) for n in self.never_written],
            "out_of_range": [m.to_json() for m in self.out_of_range],
            "nonfinite": [n.to_json() for n in self.nonfinite],
            "clamps": [c.to_json() for c in self.clamps],
            "layer_map": [r.to_json() for r in self.layer_map],
            "verdict": list(self.verdict),
            "stopped": self.stopped,
        }
