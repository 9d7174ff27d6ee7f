"""The diagnosis: explain's findings as conclusions of known kinds, most direct first, and the verdict lines.

Every conclusion is drawn from what the run produced (slice changes, the reference's run, the
gradient check, the hooks' groups); none from knowing which program ran.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from emulator.debug.report import (
    BlockRef,
    Clamp,
    Diagnosis,
    Divergence,
    GradientCheck,
    GradientRow,
    IndexOrigin,
    IndexQuirkRow,
    LayerRow,
    NonFinite,
    OutOfRange,
    ReadRow,
    SliceChange,
)

# How directly each kind explains a symptom: a missing mark voids the rest; then what is wrong
# with a slice; then the accesses that made it so; then what is only worth knowing.
KINDS = (
    "mark_not_reached",
    "lost_gradient",
    "wrong_gradient",
    "reference_mismatch",
    "never_written",
    "out_of_range_read",
    "dropped_write",
    "fractional_index",
    "layer_overlap",
    "vanishing_gradient",
    "nonfinite",
    "lut_clamp",
)

VANISHING = 1e-3  # a slice moved less than this share of its list's largest-moving slice


@dataclass(frozen=True)
class Evidence:
    """Everything the diagnosis is drawn from."""

    mark: str | None
    mark_reached: bool
    slices: tuple[SliceChange, ...]
    divergence: Divergence | None
    gradient: GradientCheck | None
    dataflow: tuple[ReadRow, ...]
    out_of_range: tuple[OutOfRange, ...]
    index_quirks: tuple[IndexQuirkRow, ...]
    layers: tuple[LayerRow, ...]
    nonfinite: tuple[NonFinite, ...]
    clamps: tuple[Clamp, ...]


def diagnose(e: Evidence) -> tuple[Diagnosis, ...]:
    """The conclusions, ordered by kind (KINDS), each kind in the order its evidence was found."""
    found: list[Diagnosis] = []
    if not e.mark_reached:
        found.append(
            Diagnosis(
                "mark_not_reached",
                e.mark or "",
                f"The mark ({e.mark}) was never reached: the run ended before it, so nothing is "
                "said about what changed since it.",
                None,
                {"mark": e.mark},
            )
        )
    else:
        found += _slice_kinds(e)
        if e.divergence is not None:
            found.append(_mismatch(e.divergence))
        found += _unwritten_reads(e.dataflow)
    found += [_miss(m) for m in e.out_of_range]
    found += [_quirk(q) for q in e.index_quirks if not q.table]
    found += [_overlap(r, p) for r in e.layers for p in r.problems if "overlap" in p]
    found += [_nonfinite(n) for n in e.nonfinite]
    found += [_clamp(c) for c in e.clamps]
    return tuple(sorted(found, key=lambda d: KINDS.index(d.kind)))


# ## Slices: lost, wrong, vanishing


def _slice_kinds(e: Evidence) -> list[Diagnosis]:
    rows = {r.slice: r for r in (e.gradient.rows if e.gradient else ())}
    largest = _largest_moves(e.slices)
    out: list[Diagnosis] = []
    for s in e.slices:
        g = rows.get(s.name)
        ref_lost, ref_vanishing = _by_reference(s, largest)
        if ref_lost or (g is not None and g.finding == "lost"):
            out.append(_lost(s, g, ref_lost, e.dataflow))
        if g is not None and g.finding == "wrong":
            out.append(_gradient_row("wrong_gradient", s, g, _wrong_text(s, g)))
        if ref_vanishing or (g is not None and g.finding == "vanishing"):
            out.append(_vanishing(s, g, ref_vanishing, largest))
    return out


def _largest_moves(slices: Iterable[SliceChange]) -> dict[str, tuple[float, float]]:
    """Per list, the largest move of any of its slices: by the reference, and by the run."""
    largest: dict[str, tuple[float, float]] = {}
    for s in slices:
        ref, run = largest.get(s.list, (0.0, 0.0))
        largest[s.list] = (max(ref, s.reference_max_abs_change or 0.0), max(run, s.max_abs_change))
    return largest


def _by_reference(s: SliceChange, largest: dict[str, tuple[float, float]]) -> tuple[bool, bool]:
    """(lost, vanishing) as the reference shows them."""
    ref = s.reference_max_abs_change
    if ref is None or s.total == 0:
        return False, False
    top_ref, top_run = largest[s.list]
    lost = ref > 0 and s.max_abs_change < VANISHING * ref
    run_agrees = s.max_abs_change <= VANISHING * top_run or (
        s.reference_max_abs_diff is not None and s.reference_max_abs_diff <= VANISHING * top_ref
    )
    vanishing = ref <= VANISHING * top_ref and run_agrees
    return lost, vanishing


def _where(s: SliceChange) -> str:
    return f"{s.name} ({s.list} items {s.start}..{s.end})"


def _lost(
    s: SliceChange, g: GradientRow | None, by_reference: bool, dataflow: tuple[ReadRow, ...]
) -> Diagnosis:
    moved = "no item changed" if s.changed == 0 else f"it moved by at most {s.max_abs_change:.3g}"
    if by_reference:
        detail = (
            f"{_where(s)}: {moved}, but the reference changes it by up to "
            f"{s.reference_max_abs_change:.3g} from the same start and samples: the gradient is "
            "lost on its way (a plumbing bug), not vanishing."
        )
    else:
        assert g is not None
        detail = (
            f"{_where(s)}: the program's update leaves it unchanged, but nudging it moves the loss "
            f"(|d loss / d item| up to {g.gradient:.3g}): the gradient is lost on its way "
            "(a plumbing bug), not vanishing."
        )
    look = _suspect_read(s.name, dataflow)
    evidence = _slice_evidence(s, g)
    return Diagnosis("lost_gradient", s.name, detail, look.read_block if look else None, evidence)


def _suspect_read(name: str, dataflow: tuple[ReadRow, ...]) -> ReadRow | None:
    """The read that starved a slice's update: past the end of its list, or of unwritten items."""
    for r in dataflow:
        if r.slice == name and (r.past_end or r.unwritten):
            return r
    return None


def _wrong_text(s: SliceChange, g: GradientRow) -> str:
    return (
        f"{_where(s)}: the program's update points away from the descent direction the loss "
        f"shows (cosine {g.cosine:.2f} over {len(g.items)} nudged items): a wrong gradient."
    )


def _gradient_row(kind: str, s: SliceChange, g: GradientRow, detail: str) -> Diagnosis:
    return Diagnosis(kind, s.name, detail, None, _slice_evidence(s, g))


def _vanishing(
    s: SliceChange,
    g: GradientRow | None,
    by_reference: bool,
    largest: dict[str, tuple[float, float]],
) -> Diagnosis:
    if by_reference:
        detail = (
            f"{_where(s)}: the reference moves it by at most {s.reference_max_abs_change:.3g}, "
            f"under {VANISHING:g} of the most any slice of `{s.list}` moves "
            f"({largest[s.list][0]:.3g}), and the run agrees: a vanishing (or zero) gradient, not a "
            "plumbing bug."
        )
    else:
        assert g is not None
        detail = (
            f"{_where(s)}: its numeric gradient ({g.gradient:.3g}) and the program's update "
            f"({g.update:.3g}) are both under {VANISHING:g} of the largest in `{s.list}`: a "
            "vanishing gradient, not a plumbing bug."
        )
    return Diagnosis("vanishing_gradient", s.name, detail, None, _slice_evidence(s, g))


def _slice_evidence(s: SliceChange, g: GradientRow | None) -> dict[str, object]:
    evidence: dict[str, object] = {
        "list": s.list,
        "start": s.start,
        "end": s.end,
        "changed": s.changed,
        "total": s.total,
        "max_abs_change": s.max_abs_change,
        "reference_max_abs_change": s.reference_max_abs_change,
        "reference_max_abs_diff": s.reference_max_abs_diff,
    }
    if g is not None:
        evidence["gradient_check"] = g.to_json()
    return evidence


# ## The reference, and what updates read


def _mismatch(d: Divergence) -> Diagnosis:
    written = f", written by {d.block.where()}" if d.block else ""
    others = f" ({', '.join(d.slices)} differ there)" if len(d.slices) > 1 else ""
    detail = (
        f"{d.slice} first parts from the reference after epoch {d.epoch}, sample {d.sample}: "
        f"{d.list} item {d.item} is {d.run!r}, the reference's {d.reference!r} "
        f"(tolerance {d.tolerance:g}){written}{others}."
    )
    return Diagnosis("reference_mismatch", d.slice, detail, d.block, d.to_json())


def _unwritten_reads(rows: tuple[ReadRow, ...]) -> list[Diagnosis]:
    out = []
    for r in rows:
        if not r.unwritten:
            continue
        spans = ", ".join(
            f"{r.list}[{a}..{b}]" if a != b else f"{r.list}[{a}]" for a, b in r.unwritten
        )
        detail = (
            f"{r.slice}'s update at block {r.write_block.block_id} read {spans} "
            f"({r.read_block.where()}), which nothing wrote since the mark."
        )
        out.append(Diagnosis("never_written", r.slice, detail, r.read_block, r.to_json()))
    return out


# ## Accesses and values


def miss_line(m: OutOfRange) -> str:
    """One out-of-range group as a sentence, with the chain of blocks behind its index."""
    what = "reads past the end of" if m.kind == "read" else "writes dropped outside"
    if m.first_index < 1:
        what = (
            "reads before the start of"
            if m.kind == "read"
            else "writes dropped before the start of"
        )
    effect = 'each gave "" (0)' if m.kind == "read" else "Scratch ignored them"
    line = (
        f"{m.count:,} {what} `{m.list}` (items {m.first_index}..{m.last_index}, "
        f"length {m.length}) by {m.block.where()}; {effect}."
    )
    return line + _chain(m.index_from)


def _chain(origins: Iterable[IndexOrigin]) -> str:
    shown = list(origins)[:8]
    if not shown:
        return ""
    parts = "; ".join(f"{o.variable} from {_origin_where(o.block)}" for o in shown)
    return f" The index came from: {parts}."


def _origin_where(b: BlockRef) -> str:
    if b.source:
        return f"{b.opcode} at {b.source}"
    inside = f" in {b.procedure!r}" if b.procedure else ""
    return f"{b.opcode} (block {b.block_id}){inside}"


def _miss(m: OutOfRange) -> Diagnosis:
    kind = "out_of_range_read" if m.kind == "read" else "dropped_write"
    return Diagnosis(kind, m.list, miss_line(m), m.block, m.to_json())


def quirk_line(q: IndexQuirkRow) -> str:
    """One group of fractional or non-numeric indices as a sentence."""
    used = f"item {q.item}" if q.item else "no item"
    how = "floored" if q.kind == "fractional" else "read as a number"
    said = (
        "a lookup table: its index is clamped, and floored by design"
        if q.table
        else "Scratch says nothing"
    )
    return (
        f"{q.count:,} {q.kind} indices into `{q.list}` by {q.block.where()} (e.g. {q.example!r}, "
        f"{how}: {used}); {said}." + _chain(q.index_from)
    )


def _quirk(q: IndexQuirkRow) -> Diagnosis:
    return Diagnosis("fractional_index", q.list, quirk_line(q), q.block, q.to_json())


def _overlap(row: LayerRow, problem: str) -> Diagnosis:
    subject = problem.split("`")[1] if "`" in problem else ""
    return Diagnosis("layer_overlap", subject, f"Layer map: {problem}.", None, row.to_json())


def _nonfinite(n: NonFinite) -> Diagnosis:
    detail = f"{n.what} was set to {n.first} {n.count} time(s) by {n.block.where()}."
    return Diagnosis("nonfinite", n.what, detail, n.block, n.to_json())


def _clamp(c: Clamp) -> Diagnosis:
    detail = (
        f"{c.variable} was clamped to {c.limit} {c.count:,} time(s) by {c.block.where()}: "
        "a lookup table's edge."
    )
    return Diagnosis("lut_clamp", c.variable, detail, c.block, c.to_json())
