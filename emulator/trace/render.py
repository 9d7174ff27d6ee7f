"""Trace data as plain text lines: the header summary, an event, a state, a "who wrote it" answer, a diff."""

from __future__ import annotations

import linecache
import math
from collections.abc import Sequence
from pathlib import Path

from emulator.slices import Slice
from emulator.trace.diff import DiffReport, Divergence, ItemCount
from emulator.trace.events import BlockInfo, Event, State
from emulator.trace.replay import Trace
from emulator.value_text import show_value
from emulator.values import Value, number_to_string

ROOT = Path(__file__).resolve().parents[2]
LIST_PREVIEW = 6  # items shown at the start of a list
TEXT_PREVIEW = 40  # characters of a long string shown
VARIABLES_SHOWN = 8  # differing variables listed by diff


def value_text(value: Value | None) -> str:
    """A value with its type visible, long strings cut (the one renderer, with its width here)."""
    return show_value(value, TEXT_PREVIEW)


def source_text(block: BlockInfo) -> str:
    """'programs/day3_mlp.py:149: n.u_k.set(...)' when the DSL file is at hand, else the bare location."""
    if block.source is None:
        return "(no source line)"
    path, _, line = block.source.rpartition(":")
    code = linecache.getline(str(ROOT / path), int(line)).strip() if line.isdigit() else ""
    return f"{block.source}: {code}" if code else block.source


def header_lines(trace: Trace, name: str) -> list[str]:
    """What a trace is: program, seed, params, size, and whether the run finished."""
    h = trace.header
    params = " ".join(f"{k}={_param(v)}" for k, v in sorted(h.params.items()))
    cells = trace.tables.cells
    every = h.options.get("chunk_events")
    lines = [
        f"trace {name}: format {h.format_version}, engine {h.engine}",
        f"program {h.program or '(unnamed)'} (project sha256 {h.program_sha256[:16]}...), seed {h.seed}",
        f"params: {params or '(none)'}",
        f"{trace.event_count:,} events, {trace.final_step:,} steps; {len(trace.event_chunks)} event chunks, "
        f"{len(trace.snapshots)} snapshots (every {every:,} events)"
        if every
        else f"{trace.event_count:,} events",
        f"recorded: {sum(not c.is_list for c in cells)} variables, {sum(c.is_list for c in cells)} lists"
        + (f"; slices {', '.join(s.name for s in h.slices)}" if h.slices else ""),
    ]
    if trace.reader.truncated_at is not None:
        lines.append(
            f"cut short: the file ends inside a chunk at byte {trace.reader.truncated_at:,}; "
            f"read up to its last whole chunk"
        )
    elif trace.ending is None:
        lines.append("cut short: no end chunk (the run was killed while recording)")
    else:
        lines.append(f"run ended: {trace.ending.reason}")
    return lines


def _param(value: object) -> str:
    return ",".join(map(str, value)) if isinstance(value, list) else str(value)


def event_line(event: Event) -> str:
    """'#1,234 step 56,789  Network/b140 data_setvariableto  u_k = 5  (programs/day3_mlp.py:149)'."""
    if event.cell.is_list:
        where = (
            event.cell.name if event.kind_name == "clear" else f"{event.cell.name}[{event.item}]"
        )
        what = f"{event.kind_name} {where}" + (
            "" if event.value is None else f" = {value_text(event.value)}"
        )
    else:
        what = f"{event.cell.name} = {value_text(event.value)}"
    b = event.block
    return f"#{event.index:,} step {event.step:,}  {b.target}/{b.id} {b.opcode}  {what}  ({b.source or 'no source'})"


def state_lines(state: State, slices: Sequence[Slice] = ()) -> list[str]:
    """Every variable's value and a summary of every list (and of each named slice)."""
    lines = [f"state after {state.event:,} events (step {state.step:,})", "variables:"]
    width = max((len(n) for n in state.variables), default=0)
    lines += [f"  {name:<{width}} = {value_text(v)}" for name, v in state.variables.items()]
    lines.append("lists:")
    width = max((len(n) for n in state.lists), default=0)
    lines += [f"  {name:<{width}} {_list_summary(items)}" for name, items in state.lists.items()]
    shown = [s for s in slices if s.list_name in state.lists]
    if shown:
        lines.append("slices:")
        for s in shown:
            items = state.lists[s.list_name][s.start - 1 : s.end]
            lines.append(
                f"  {s.name:<4} {s.list_name}[{s.start}..{s.end}] {'x'.join(map(str, s.shape))}: "
                f"{_list_summary(items)}"
            )
    return lines


def _list_summary(items: Sequence[Value]) -> str:
    numbers = [
        float(v)
        for v in items
        if isinstance(v, float) and not isinstance(v, bool) and math.isfinite(v)
    ]
    stats = (
        (
            f"  numbers {len(numbers):,}: min {number_to_string(min(numbers))} max {number_to_string(max(numbers))} "
            f"mean {number_to_string(sum(numbers) / len(numbers))}"
        )
        if numbers
        else ""
    )
    preview = ", ".join(value_text(v) for v in items[:LIST_PREVIEW]) + (
        ", ..." if len(items) > LIST_PREVIEW else ""
    )
    return f"{len(items):,} items{stats}  [{preview}]"


def who_lines(event: Event | None, what: str, before: int) -> list[str]:
    """The answer to "who last wrote X before event N"."""
    if event is None:
        return [
            f"{what}: no recorded write before event {before:,} (it still has its initial value)"
        ]
    return [
        f"{what}: last written before event {before:,} by",
        f"  {event_line(event)}",
        f"  block {event.block.id} ({event.block.opcode}) in {event.thread.target}, script {event.thread.script}",
        f"  source {source_text(event.block)}",
    ]


def diff_lines(report: DiffReport, name_a: str, name_b: str) -> list[str]:
    """The first divergence and what differs at the end."""
    lines = [
        f"A = {name_a} ({report.events_a:,} events)",
        f"B = {name_b} ({report.events_b:,} events)",
    ]
    d = report.divergence
    if d is None:
        lines.append("no divergence: every event matches (block, script, variable or item, value)")
    else:
        lines.append(f"first divergence at event {d.index:,}: {_difference(d)}")
        for side, event in (("A", d.a), ("B", d.b)):
            if event is not None:
                lines.append(f"  {side}: {event_line(event)}")
        first = d.a or d.b
        if first is not None:
            lines.append(f"  at {source_text(first.block)}")
    changed = [c for c in report.lists if c.differ]
    lines.append(
        "at the end: "
        + (
            f"{len(report.variables)} variables differ"
            if report.variables
            else "every variable matches"
        )
    )
    lines += [
        f"  var   {name:<14} {value_text(x)} in A, {value_text(y)} in B"
        for name, x, y in report.variables[:VARIABLES_SHOWN]
    ]
    if len(report.variables) > VARIABLES_SHOWN:
        lines.append(f"  ... and {len(report.variables) - VARIABLES_SHOWN} more")
    lines += [f"  list  {_count(c)}" for c in changed] or ["  every list matches"]
    lines += [f"  slice {_count(c)}" for c in report.slices]
    return lines


def _difference(d: Divergence) -> str:
    if d.a is None or d.b is None:
        return f"{'A' if d.a is None else 'B'} ends after {d.index:,} events; the other goes on"
    if d.same_write:
        return f"{_written(d.a)}: {value_text(d.a.value)} in A, {value_text(d.b.value)} in B"
    return (
        f"A writes {_written(d.a)} = {value_text(d.a.value)}, "
        f"B writes {_written(d.b)} = {value_text(d.b.value)}"
    )


def _written(event: Event) -> str:
    """'u_k', 'weights[17] (replace)', 'weights (clear)'."""
    if not event.cell.is_list:
        return event.cell.name
    if event.kind_name == "clear":
        return f"{event.cell.name} (clear)"
    return f"{event.cell.name}[{event.item}] ({event.kind_name})"


def _count(c: ItemCount) -> str:
    sizes = f"{c.size_a:,}" if c.size_a == c.size_b else f"{c.size_a:,} in A, {c.size_b:,} in B"
    return f"{c.name:<14} {c.differ:>7,} of {sizes} items differ"
