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
        """Where to look: 'data_itemoflist (block b408) in custom block 'forward' at programs/day3_mlp.py:327'."""
        inside = f" in custom block {self.procedure!r}" if self.procedure else ""
        at = f" at {self.source}" if self.source else ""
        return f"{self.opcode} (block {self.block_id}){inside}{at}"


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
    reference_max_abs_diff: float | None = None  # the largest |run - reference| after the run

    def to_json(self) -> dict[str, Any]:
        """The row `--json` prints."""
        return {**asdict(self), "shape": list(self.shape)}


def _with_block(
    record: Any, block: BlockRef, index_from: tuple[IndexOrigin, ...]
) -> dict[str, Any]:
    row = {k: v for k, v in asdict(record).items() if k not in ("block", "index_from")}
    row.update(asdict(block))
    row["index_from"] = [{**asdict(o.block), "variable": o.variable} for o in index_from]
    return row


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
        return _with_block(self, self.block, self.index_from)


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
class IndexQuirkRow:
    """One block's fractional (floored) or non-numeric (read as 0) indices into one list."""

    list: str
    kind: str  # "fractional" or "not a number"
    count: int
    example: Any
    item: int  # the item Scratch used for the example (0: none)
    block: BlockRef
    index_from: tuple[IndexOrigin, ...]
    table: bool  # computed from a clamped variable: a lookup table, floored by design

    def to_json(self) -> dict[str, Any]:
        """The row `--json` prints."""
        return _with_block(self, self.block, self.index_from)


@dataclass(frozen=True)
class Divergence:
    """The first sample at which the run and the reference part: where, and by how much."""

    epoch: int
    sample: int
    step: int  # the run's changed sample boundaries compared so far, this one included
    slice: str
    list: str
    item: int
    run: float
    reference: float
    tolerance: float
    slices: tuple[str, ...]  # every slice that differs at that sample
    block: BlockRef | None  # the block that wrote the run's value, where the recorder knows it

    def to_json(self) -> dict[str, Any]:
        """The object `--json` prints."""
        row = asdict(self)
        row["slices"] = list(self.slices)
        return row


@dataclass(frozen=True)
class ReadRow:
    """What a slice's update read from a list: the items, and those nothing had written (or past the end)."""

    slice: str
    write_block: BlockRef
    read_block: BlockRef
    list: str
    count: int
    first: int | None
    last: int | None
    unwritten: tuple[tuple[int, int], ...]  # runs of items read before anything wrote them
    past_end: tuple[float, float, int] | None  # first and last index past the end, and how often

    def to_json(self) -> dict[str, Any]:
        """The row `--json` prints."""
        row = asdict(self)
        row["unwritten"] = [list(r) for r in self.unwritten]
        row["past_end"] = None if self.past_end is None else list(self.past_end)
        return row


@dataclass(frozen=True)
class GradientRow:
    """One slice in the gradient check: the numeric gradient, the program's update, and their agreement."""

    slice: str
    list: str
    items: tuple[int, ...]
    gradient: float  # the largest |d loss / d item| the nudges found
    update: float  # the largest |change| the program made to the same items in that sample
    cosine: (
        float | None
    )  # of the update with the descent direction (-gradient); None if either is 0
    finding: str  # "agrees", "lost", "wrong", "vanishing", "inconclusive" or "not read"
    note: str

    def to_json(self) -> dict[str, Any]:
        """The row `--json` prints."""
        return {**asdict(self), "items": list(self.items)}


@dataclass(frozen=True)
class GradientCheck:
    """Central differences of the loss against the program's own update, at one sample after the mark."""

    loss_variable: str
    sample: str  # the sample variable's value at the saved state
    step: float  # the nudge h
    runs: int
    rows: tuple[GradientRow, ...]
    note: str  # why the check could not run or conclude, when it could not

    def to_json(self) -> dict[str, Any]:
        """The object `--json` prints."""
        return {**asdict(self), "rows": [r.to_json() for r in self.rows]}


@dataclass(frozen=True)
class Diagnosis:
    """One conclusion: what kind, about which slice or list, in a sentence, where, and the evidence."""

    kind: str
    subject: str
    detail: str
    block: BlockRef | None
    evidence: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        """The row `--json` prints."""
        b = self.block
        return {
            "kind": self.kind,
            "subject": self.subject,
            "detail": self.detail,
            "block_id": b.block_id if b else None,
            "source": b.source if b else None,
            "procedure": b.procedure if b else None,
            "evidence": self.evidence,
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
    index_quirks: tuple[IndexQuirkRow, ...] = ()
    divergence: Divergence | None = None
    dataflow: tuple[ReadRow, ...] = ()
    gradient_check: GradientCheck | None = None
    diagnosis: tuple[Diagnosis, ...] = ()
    mark_reached: bool = True

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
            "diagnosis": [d.to_json() for d in self.diagnosis],
            "index_quirks": [q.to_json() for q in self.index_quirks],
            "divergence": self.divergence.to_json() if self.divergence else None,
            "dataflow": [r.to_json() for r in self.dataflow],
            "gradient_check": self.gradient_check.to_json() if self.gradient_check else None,
            "mark_reached": self.mark_reached,
        }
