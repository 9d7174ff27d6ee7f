"""Memos that let a running sum or a counter in a loop skip its origin check on every pass but the first."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace

from emulator.compiler.ir import Body, If, Loop, SetVar, calls_out, walk, writes


@dataclass(frozen=True, slots=True)
class Settling:
    """Whether a loop's passes still change origins, for a loop whose every variable write is a
    memo's, run on every pass (none in an if, no loop inside it).

    `clean` stays True through a pass in which each write kept origins and found its memo
    unchanged; such a pass changed no origin, so the next starts where it started and finds the
    same: `settled` is set after its last write (`last`, a block id), and from then on the writes
    skip their origin code. A pass in which a variable keeps no origin is not clean: hooks
    attached in the middle of a later pass may want them. `settled` is forgotten with the memos
    (set to False where the loop begins and wherever the thread yields)."""

    settled: str
    clean: str
    last: str


@dataclass(frozen=True, slots=True)
class OriginMemo:
    """What a running sum's write (`change z by (... z's terms ...)`, or a counter's: no other
    terms) saw when it last kept z's origin.

    `kept` holds the origin it left on z; `parents` pairs each variable the loop writes among those
    the origin joins with the local holding that variable's origin then. While z's origin is still
    `kept` and those are unchanged, the write would keep it again: the others the loop never writes,
    and every memo is forgotten where the loop begins and wherever the thread yields, the only
    places another script can write them (set to False, which no origin is: None is one, not yet
    kept). Hooks never write an origin.
    """

    kept: str
    parents: tuple[tuple[int, str], ...]
    settling: Settling | None = None  # the loop's, if its passes can settle

    def locals(self) -> Iterator[str]:
        """The locals this memo keeps."""
        yield self.kept
        for _, name in self.parents:
            yield name


def loop_memos(
    loop: Loop, lazy: AbstractSet[int], temp: Callable[[], str]
) -> dict[str, OriginMemo]:
    """Memos, by block id, for the running sums and counters directly in a loop that nothing else runs during
    (no call, wait or interpreter); those in a loop nested in it belong to that loop's memos."""
    if any(calls_out(s) for s in walk(loop.body)):
        return {}
    written = {i for s in [loop, *walk(loop.body)] for i in writes(s)}
    memos: dict[str, OriginMemo] = {}
    for stmt in _direct(loop.body):
        reads = stmt.origin_reads
        if not stmt.keeps_origin or stmt.var.index in lazy or not reads:
            continue
        if reads[0].index != stmt.var.index:
            continue  # not a running sum or a counter: its origin is built anew each time
        parents = tuple((r.index, temp()) for r in reads[1:] if r.index in written)
        memos[stmt.info.id] = OriginMemo(temp(), parents)
    if memos and _settles(loop, memos):
        last = [stmt for stmt in loop.body if isinstance(stmt, SetVar)][-1]
        settling = Settling(temp(), temp(), last.info.id)
        memos = {bid: replace(memo, settling=settling) for bid, memo in memos.items()}
    return memos


def _settles(loop: Loop, memos: dict[str, OriginMemo]) -> bool:
    """Whether every variable the loop writes is written by a memo's write on every pass: then a
    pass that changes no origin is followed by passes that change none (Settling)."""
    if writes(loop):
        return False
    direct = {id(stmt) for stmt in loop.body}
    for stmt in walk(loop.body):
        if isinstance(stmt, Loop):
            return False
        if writes(stmt) and (id(stmt) not in direct or stmt.info.id not in memos):
            return False
    return True


def _direct(body: Body) -> Iterator[SetVar]:
    """The variable writes of a body, inside its ifs but not inside its loops."""
    for stmt in body:
        if isinstance(stmt, SetVar):
            yield stmt
        elif isinstance(stmt, If):
            yield from _direct(stmt.then)
            yield from _direct(stmt.orelse)
