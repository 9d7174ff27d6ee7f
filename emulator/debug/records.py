"""The hooks' raw findings made into the report's records: blocks named for a person, groups in order."""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.debug import findings
from emulator.debug.report import (
    BlockRef,
    Clamp,
    IndexOrigin,
    IndexQuirkRow,
    NonFinite,
    OutOfRange,
)

if TYPE_CHECKING:
    from emulator.debug.session import DebugSession


def block_ref(session: DebugSession, target: str, block_id: str) -> BlockRef:
    """A block by id, with what a person needs to find it."""
    found = session.project.target(target).blocks.get(block_id)
    return BlockRef(
        block_id=block_id,
        opcode=found.opcode if found else None,
        source=found.source if found else None,
        procedure=session.procedures.get(target, {}).get(block_id),
    )


def block_ref_by_id(session: DebugSession, block_id: str) -> BlockRef:
    """A block by id alone (the first target that has it)."""
    for target in session.project.targets:
        if block_id in target.blocks:
            return block_ref(session, target.name, block_id)
    return BlockRef(block_id, None, None, None)


def number(x: float) -> float | int:
    """A whole float as an int, for the report."""
    return int(x) if float(x).is_integer() else x


def sorted_misses(session: DebugSession) -> list[findings.Miss]:
    """The out-of-range groups, in the order they were first seen."""
    return sorted(session.findings.misses.values(), key=lambda m: m.first_block_count)


def _origins(
    session: DebugSession, target: str, pairs: list[tuple[str, str]]
) -> tuple[IndexOrigin, ...]:
    return tuple(IndexOrigin(v, block_ref(session, target, b)) for b, v in pairs)


def out_of_range_of(session: DebugSession, m: findings.Miss) -> OutOfRange:
    """One block's out-of-range accesses of one list, with the blocks behind its index."""
    return OutOfRange(
        list=m.list_name,
        kind=str(m.kind),  # plain text in the report, not the MissKind member
        first_index=number(m.first_index),
        last_index=number(m.last_index),
        length=m.length,
        count=m.count,
        block=block_ref(session, m.target, m.block_id),
        index_from=_origins(session, m.target, m.index_from),
    )


def index_quirk_of(session: DebugSession, q: findings.IndexQuirk) -> IndexQuirkRow:
    """One block's fractional or non-numeric indices into one list."""
    example = number(q.example) if isinstance(q.example, float) else q.example
    origins = _origins(session, q.target, q.index_from)
    clamped = {c.variable for c in session.findings.clamps.values()}
    return IndexQuirkRow(
        list=q.list_name,
        kind=q.kind,
        count=q.count,
        example=example,
        item=q.item,
        block=block_ref(session, q.target, q.block_id),
        index_from=origins,
        table=q.kind == "fractional" and any(o.variable in clamped for o in origins),
    )


def nonfinite_of(session: DebugSession, n: findings.NonFinite) -> NonFinite:
    """One block's stores of NaN or an infinity."""
    return NonFinite(n.what, n.count, repr(n.first), block_ref(session, n.target, n.block_id))


def clamp_of(session: DebugSession, c: findings.Clamp) -> Clamp:
    """One lookup-table clamp and how often it clamped."""
    return Clamp(c.variable, c.limit, c.count, block_ref(session, c.target, c.block_id))
