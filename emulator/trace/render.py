"""Trace data as plain text lines: the header summary, an event, a state, a "who wrote it" answer, a diff."""

from __future__ import annotations

import linecache
import math
import re
from collections.abc import Sequence
from pathlib import Path

from emulator.slices import Slice
from emulator.trace.diff import DiffReport, Divergence, ItemCount
from emulator.trace.events import BlockInfo, Event, State
from emulator.trace.replay import Trace
from emulator.value_text import safe_text, show_value
from emulator.values import Value, number_to_string

ROOT = Path(__file__).resolve().parents[2]
LIST_PREVIEW = 6  # items shown at the start of a list
TEXT_PREVIEW = 40  # characters of a long string shown
VARIABLES_SHOWN = 8  # differing variables listed by diff
NAME_WIDTH = 60  # characters of a name from a trace (variable, list, target, block, program, param)
SOURCE_WIDTH = 100  # characters of a source location from a trace
_LINE_NUMBER = re.compile(r"[0-9]{1,9}")


def value_text(value: Value | None) -> str:
    """A value with its type visible, long strings cut (the one renderer, with its width here)."""
    return show_value(value, TEXT_PREVIEW)


def name_text(text: str) -> str:
    """A name from a trace, escaped and cut: a trace is untrusted, and a name could steer the terminal."""
    return safe_text(text, NAME_WIDTH)


def source_text(block: BlockInfo) -> str:
    """'programs/day3_mlp.py:149: n.u_k.set(...)' when the DSL file is at hand, else the bare location."""
    if block.source is None:
        return "(no source line)"
    where = safe_text(block.source, SOURCE_WIDTH)
    path, _, line = block.source.rpartition(":")
    file = project_file(path)
    if file is None or not _LINE_NUMBER.fullmatch(line):
        return where
    code = safe_text(linecache.getline(str(file), int(line)).strip())
    return f"{where}: {code}" if code else where


def project_file(path: str) -> Path | None:
    """The .py file a trace's source names, when it lies inside the project; else None, and nothing is read.

    A trace may name any path (/etc/passwd, ../../x.py, a link that leads out): only a Python file
    under ROOT, after following links, is ever opened to show a source line.
    """
    if not path.endswith(".py") or Path(path).is_absolute():
        return None
    try:
        full = (ROOT / path).resolve()
        inside = full.is_relative_to(ROOT) and full.is_file()
    except (OSError, ValueError, RuntimeError):  # a NUL in the path; a loop of links (3.11)
        return None
    return full if inside else None


def header_lines(trace: Trace, name: str) -> list[str]:
    """What a trace is: program, seed, params, size, and whether the run finished."""
    h = trace.header
    params = " ".join(f"{name_text(k)}={name_text(_param(v))}" for k, v in sorted(h.params.items()))
    cells = trace.tables.cells
    every = h.options.get("chunk_events")
    lines = [
        f"trace {name}: format {h.format_version}, engine {name_text(h.engine)}",
        f"program {name_text(h.program) or '(unnamed)'} "
        f"(project sha256 {safe_text(h.program_sha256[:16])}...), seed {h.seed}",
        f"params: {params or '(none)'}",
        f"{trace.event_count:,} events, {trace.final_step:,} steps; {len(trace.event_chunks)} event chunks, "
        f"{len(trace.snapshots)} snapshots (every {every:,} events)"
        if every
        else f"{trace.event_count:,} events",
        f"recorded: {sum(not c.is_list for c in cells)} variables, {sum(c.is_list for c in cells)} lists"
        + (f"; slices {', '.join(name_text(s.name) for s in h.slices)}" if h.slices else ""),
    ]
    if trace.reader.truncated_at is not None:
        lines.append(
            f"cut short: the file ends inside a chunk at byte {trace.reader.truncated_at:,}; "
            f"read up to its last whole chunk"
        )
    elif trace.ending is None:
        lines.append("cut short: no end chunk (the run was killed while recording)")
    else:
        lines.append(f"run ended: {name_text(trace.ending.reason)}")
    return lines


def _param(value: object) -> str:
    return ",".join(map(str, value)) if isinstance(value, list) else str(value)


def event_line(event: Event) -> str:
    """'#1,234 step 56,789  Network/b140 data_setvariableto  u_k = 5  (programs/day3_mlp.py:149)'.

    A clone's own variable or list is named with its owner ('Ball (clone 2):mine'): its block is
    the original's, and so is the plain name.
    """
    cell, b = event.cell, event.block
    name = name_text(cell.name)
    if cell.owner != b.target and cell.owner.startswith(f"{b.target} (clone "):
        name = f"{name_text(cell.owner)}:{name}"
    if event.cell.is_list:
        where = name if event.kind_name == "clear" else f"{name}[{event.item}]"
        what = f"{event.kind_name} {where}" + (
            "" if event.value is None else f" = {value_text(event.value)}"
        )
    else:
        what = f"{name} = {value_text(event.value)}"
    block = f"{name_text(b.target)}/{name_text(b.id)} {name_text(b.opcode)}"
    source = safe_text(b.source, SOURCE_WIDTH) if b.source else "no source"
    return f"#{event.index:,} step {event.step:,}  {block}  {what}  ({source})"


def state_lines(state: State, slices: Sequence[Slice] = ()) -> list[str]:
    """Every variable's value and a summary of every list (and of each named slice)."""
    lines = [f"state after {state.event:,} events (step {state.step:,})", "variables:"]
    variables = {name_text(n): v for n, v in state.variables.items()}
    width = max((len(n) for n in variables), default=0)
    lines += [f"  {name:<{width}} = {value_text(v)}" for name, v in variables.items()]
    lines.append("lists:")
    lists = {name_text(n): items for n, items in state.lists.items()}
    width = max((len(n) for n in lists), default=0)
    lines += [f"  {name:<{width}} {_list_summary(items)}" for name, items in lists.items()]
    shown = [s for s in slices if s.list_name in state.lists]
    if shown:
        lines.append("slices:")
        for s in shown:
            items = state.lists[s.list_name][s.start - 1 : s.end]
            lines.append(
                f"  {name_text(s.name):<4} {name_text(s.list_name)}[{s.start}..{s.end}] "
                f"{'x'.join(map(str, s.shape))}: "
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
        f"  block {name_text(event.block.id)} ({name_text(event.block.opcode)}) in "
        f"{name_text(event.thread.target)}, script {name_text(event.thread.script)}",
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
        f"  var   {name_text(name):<14} {value_text(x)} in A, {value_text(y)} in B"
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
    name = name_text(event.cell.name)
    if not event.cell.is_list:
        return name
    if event.kind_name == "clear":
        return f"{name} (clear)"
    return f"{name}[{event.item}] ({event.kind_name})"


def _count(c: ItemCount) -> str:
    sizes = f"{c.size_a:,}" if c.size_a == c.size_b else f"{c.size_a:,} in A, {c.size_b:,} in B"
    return f"{name_text(c.name):<14} {c.differ:>7,} of {sizes} items differ"
