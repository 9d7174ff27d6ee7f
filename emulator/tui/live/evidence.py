"""The run's evidence as rows for the inspector, gathered by explain's own helpers (one logic, two views)."""

from __future__ import annotations

from dataclasses import dataclass

from emulator.debug import explain
from emulator.debug.layer_map import layer_map
from emulator.debug.session import DebugSession
from emulator.slices import Slice
from emulator.values import compare


@dataclass(frozen=True)
class Event:
    """One line of evidence: out-of-range accesses, NaN/Infinity, or lookup-table clamps, by one block."""

    kind: str  # "read", "write", "nonfinite", "clamp", "watch"
    subject: str  # the list or variable
    count: int
    where: str  # items, first value or limit
    target: str
    block_id: str
    text: str  # explain's sentence about it

    def matches(self, query: str) -> bool:
        """Whether every word of the query occurs somewhere in the event (case-insensitive)."""
        haystack = f"{self.kind} {self.subject} {self.where} {self.block_id} {self.text}".lower()
        return all(word in haystack for word in query.lower().split())


KIND_TITLES = {
    "read": "read outside",
    "write": "write dropped",
    "nonfinite": "NaN/Inf",
    "clamp": "clamp",
    "watch": "watch hit",
}
KIND_FILTERS = ("all", "out of range", "nonfinite", "clamp", "watch")


def events(session: DebugSession) -> list[Event]:
    """Every finding so far, first seen first: out-of-range groups, non-finite stores, clamps."""
    out = []
    findings = session.findings
    for miss in explain.sorted_misses(session):
        m = explain.out_of_range_of(session, miss)
        span = f"{m.first_index}..{m.last_index} of {m.length}"
        out.append(
            Event(m.kind, m.list, m.count, span, miss.target, miss.block_id, explain.miss_line(m))
        )
    for found in list(findings.nonfinite.values()):
        n = explain.nonfinite_of(session, found)
        text = f"{n.what} was set to {n.first} {n.count} time(s)"
        out.append(Event("nonfinite", n.what, n.count, n.first, found.target, found.block_id, text))
    for hit in list(findings.watch_hits):
        where = f"item {hit.index}" if hit.index is not None else "set"
        out.append(Event("watch", hit.name, 1, where, hit.target, hit.block_id, hit.text))
    for c in list(findings.clamps.values()):
        if c.count:
            out.append(
                Event(
                    "clamp",
                    c.variable,
                    c.count,
                    f"-> {c.limit}",
                    c.target,
                    c.block_id,
                    f"{c.variable} clamped to {c.limit} in {c.procedure}: {c.count:,} times",
                )
            )
    return out


def filtered(rows: list[Event], kind: str, query: str) -> list[Event]:
    """The events of a kind filter ("all", "out of range", ...) that match the search words."""

    def kind_ok(e: Event) -> bool:
        return (
            kind == "all"
            or (kind == "out of range" and e.kind in ("read", "write"))
            or e.kind == kind
        )

    return [e for e in rows if kind_ok(e) and e.matches(query)]


def story_lines(session: DebugSession) -> list[tuple[str, str]]:
    """(line, style): each slice's change since the mark, the layer map's problems, the first bad accesses."""
    lines = [_slice_line(session, s) for s in session.slices]
    lines += [(f"layer map: {p}", "bold red") for row in layer_map(session) for p in row.problems]
    for miss in explain.sorted_misses(session)[:STORY_MISSES]:
        lines.append((explain.miss_line(explain.out_of_range_of(session, miss)), "red"))
    return lines or [("nothing found yet: x then c runs to the first bad list access", "dim")]


STORY_MISSES = 3  # out-of-range groups the story lists (the events tab has them all)


def _slice_line(session: DebugSession, s: Slice) -> tuple[str, str]:
    changed = changed_items(session, s)
    if changed is None:
        return (f"{s.name}: no mark yet", "dim")
    style = "bold red" if changed == 0 else ""
    return (
        f"{s.name} ({s.list_name} {s.start}..{s.end}): {changed:,} of {s.size:,} changed since the mark",
        style,
    )


def changed_items(session: DebugSession, s: Slice) -> int | None:
    """How many items of a slice differ from the mark (None before the mark)."""
    if session.marked is None:
        return None
    cell = next(
        (c for t in session.runtime.targets for c in t.lists.values() if c.name == s.list_name),
        None,
    )
    marked = session.marked.lists.get((cell.owner, cell.id)) if cell is not None else None
    if cell is None or marked is None:
        return None
    now, then = cell.items[s.start - 1 : s.end], marked[s.start - 1 : s.end]
    return sum(1 for a, b in zip(now, then, strict=False) if compare(a, b) != 0) + max(
        0, len(now) - len(then)
    )
