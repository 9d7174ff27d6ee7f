"""explain: run a target under the debugger's hooks and report what went wrong, from the run's own evidence."""

from __future__ import annotations

from typing import Any

from emulator.debug.findings import Miss
from emulator.debug.session import DebugSession
from emulator.debug.slices import Slice
from emulator.runtime.state import RuntimeTarget, lists_by_name
from emulator.values import Value, compare, to_number

# A reference change below this is a vanishing gradient, not a lost one (weights are O(1)).
TINY_CHANGE = 1e-9


def explain(session: DebugSession) -> dict[str, Any]:
    """Run the session from its start to the end and gather the report (see render_text)."""
    session.run_to_mark()
    session.runtime.run_until(None)
    initial = _lists_at_mark(session)
    final = {c.name: list(c.items) for t in session.runtime.targets for c in t.lists.values()}
    reference = _reference(session, initial)
    report: dict[str, Any] = {
        "target": session.project.name,
        "params": {k: (list(v) if isinstance(v, tuple) else v) for k, v in session.params.items()},
        "blocks": session.runtime.blocks,
        "slices": [_slice_row(s, initial, final, reference) for s in session.slices],
        "never_written": _never_written(session, final),
        "out_of_range": [miss_row(session, m) for m in sorted_misses(session)],
        "nonfinite": [nonfinite_row(session, n) for n in session.findings.nonfinite.values()],
        "clamps": [_clamp_row(session, c) for c in session.findings.clamps.values() if c.count],
        "layer_map": layer_map(session),
    }
    report["verdict"] = verdict(report)
    return report


def _lists_at_mark(session: DebugSession) -> dict[str, list[Value]]:
    return (
        lists_by_name(session.runtime.targets, session.marked) if session.marked is not None else {}
    )


def _reference(
    session: DebugSession, initial: dict[str, list[Value]]
) -> dict[str, list[float]] | None:
    fn = getattr(session.module, "reference_lists", None)
    return fn(session.params, initial) if fn is not None and initial else None


def _slice_row(
    s: Slice,
    initial: dict[str, list[Value]],
    final: dict[str, list[Value]],
    reference: dict[str, list[float]] | None,
) -> dict[str, Any]:
    before = initial.get(s.list_name, [])[s.start - 1 : s.end]
    after = final.get(s.list_name, [])[s.start - 1 : s.end]
    pairs = list(zip(before, after, strict=False))
    changes = [abs(to_number(b) - to_number(a)) for a, b in pairs]
    row: dict[str, Any] = {
        "list": s.list_name,
        "name": s.name,
        "start": s.start,
        "end": s.end,
        "shape": list(s.shape),
        "changed": sum(compare(a, b) != 0 for a, b in pairs),
        "total": s.size,
        "max_abs_change": max(changes, default=0.0),
        "reference_max_abs_change": None,
    }
    if reference is not None and s.list_name in reference:
        ref = reference[s.list_name][s.start - 1 : s.end]
        row["reference_max_abs_change"] = max(
            (abs(r - to_number(a)) for a, r in zip(before, ref, strict=False)), default=0.0
        )
    return row


def _never_written(session: DebugSession, final: dict[str, list[Value]]) -> list[dict[str, Any]]:
    """Per list written since the mark, the runs of items no block wrote."""
    rows = []
    for name, bits in sorted((session.findings.written or {}).items()):
        length = len(final.get(name, []))
        start = None
        for i in range(1, length + 2):
            unwritten = i <= length and (i > len(bits) or not bits[i - 1])
            if unwritten and start is None:
                start = i
            elif not unwritten and start is not None:
                rows.append({"list": name, "start": start, "end": i - 1})
                start = None
    return rows


def sorted_misses(session: DebugSession) -> list[Miss]:
    return sorted(session.findings.misses.values(), key=lambda m: m.first_block_count)


def _block_row(session: DebugSession, target: str, block_id: str) -> dict[str, Any]:
    found = session.project.target(target).blocks.get(block_id)
    return {
        "block_id": block_id,
        "opcode": found.opcode if found else None,
        "source": found.source if found else None,
        "procedure": session.procedures.get(target, {}).get(block_id),
    }


def _number(x: float) -> float | int:
    return int(x) if float(x).is_integer() else x


def miss_row(session: DebugSession, m: Miss) -> dict[str, Any]:
    row = {
        "list": m.list_name,
        "kind": str(m.kind),  # plain text in the report, not the MissKind member
        "first_index": _number(m.first_index),
        "last_index": _number(m.last_index),
        "length": m.length,
        "count": m.count,
        **_block_row(session, m.target, m.block_id),
    }
    row["index_from"] = [
        dict(_block_row(session, m.target, b), variable=v) for b, v in m.index_from
    ]
    return row


def nonfinite_row(session: DebugSession, n: Any) -> dict[str, Any]:
    return {
        "what": n.what,
        "count": n.count,
        "first": repr(n.first),
        **_block_row(session, n.target, n.block_id),
    }


def _clamp_row(session: DebugSession, c: Any) -> dict[str, Any]:
    return {
        "variable": c.variable,
        "limit": c.limit,
        "procedure": c.procedure,
        "count": c.count,
        **_block_row(session, c.target, c.block_id),
    }


def layer_map(session: DebugSession) -> list[dict[str, Any]]:
    fn = getattr(session.module, "layer_map", None)
    if fn is None:
        return []
    lengths = {c.name: len(c.items) for t in session.runtime.targets for c in t.lists.values()}
    sizes = layer_sizes(session.runtime.stage)
    return list(fn(session.findings.offsets, sizes, lengths))


def layer_sizes(stage: RuntimeTarget) -> list[int]:
    cell = stage.find_list(None, "layer_size")
    return [int(to_number(v)) for v in cell.items] if cell is not None else []


# ## The verdict


def verdict(report: dict[str, Any]) -> list[str]:
    """Short conclusions drawn only from the report's evidence."""
    lines: list[str] = []
    stuck = [s for s in report["slices"] if s["changed"] == 0 and s["total"] > 0]
    for s in stuck:
        lines.append(_stuck_line(s))
    for row in report["layer_map"]:
        lines.extend(f"Layer map: {p}." for p in row.get("problems", []))
    common = _common_origin(report["out_of_range"])
    if common:
        lines.append(common)
    for m in report["out_of_range"]:
        lines.append(miss_line(m))
    for n in report["nonfinite"]:
        lines.append(f"{n['what']} was set to {n['first']} {n['count']} time(s) by {_where(n)}.")
    if not lines:
        lines.append(
            "Every named slice changed, no list access fell outside its list, and no NaN or "
            "Infinity was stored."
        )
    return lines


def _common_origin(misses: list[dict[str, Any]]) -> str | None:
    """The custom block every out-of-range index was computed in, when there is one."""
    if not misses:
        return None
    shared = set.intersection(
        *(
            {(o["procedure"], o["source"]) for o in m["index_from"] if o["procedure"]}
            for m in misses
        )
    )
    procedures = sorted({p for p, _ in shared})
    if len(procedures) != 1:
        return None
    lines = ", ".join(sorted({src for _, src in shared if src}, key=_line_number))
    where = f" ({lines})" if lines else ""
    return (
        f"Every out-of-range index was computed from what custom block {procedures[0]!r} returned"
        f"{where}: start there."
    )


def _line_number(source: str) -> int:
    tail = source.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def _stuck_line(s: dict[str, Any]) -> str:
    name = f"{s['name']} ({s['list']} items {s['start']}..{s['end']})"
    ref = s["reference_max_abs_change"]
    if ref is None:
        return (
            f"{name}: no item changed since the mark (no reference to say whether it should have)."
        )
    if ref > TINY_CHANGE:
        return (
            f"{name}: no item changed, but the reference changes it by up to {ref:.3g} from the same "
            "start and samples: the gradient is lost on its way (a plumbing bug), not vanishing."
        )
    return (
        f"{name}: no item changed, and the reference changes it by at most {ref:.3g} too: "
        "a vanishing (or zero) gradient, not a plumbing bug."
    )


def miss_line(m: dict[str, Any]) -> str:
    what = "reads past the end of" if m["kind"] == "read" else "writes dropped outside"
    if m["first_index"] < 1:
        what = (
            "reads before the start of"
            if m["kind"] == "read"
            else "writes dropped before the start of"
        )
    effect = 'each gave "" (0)' if m["kind"] == "read" else "Scratch ignored them"
    line = (
        f"{m['count']:,} {what} `{m['list']}` (items {m['first_index']}..{m['last_index']}, "
        f"length {m['length']}) by {_where(m)}; {effect}."
    )
    origins = [o for o in m["index_from"] if o["source"]]
    if origins:
        chain = "; ".join(
            f"{o['variable']} from {o['opcode']} at {o['source']}" for o in origins[:8]
        )
        line += f" The index came from: {chain}."
    return line


def _where(row: dict[str, Any]) -> str:
    source = f" at {row['source']}" if row.get("source") else ""
    return f"{row['opcode']} (block {row['block_id']}){source}"


# ## Text


def render_text(report: dict[str, Any]) -> str:
    """The report for a person: slices, out-of-range accesses, layer map, then the verdict."""
    out = [f"explain {report['target']}: {report['blocks']:,} blocks run"]
    if report["slices"]:
        out += ["", "slices (changed since the mark; largest change; reference's largest change)"]
        for s in report["slices"]:
            ref = s["reference_max_abs_change"]
            out.append(
                f"  {s['list']:<12} {s['name']:<6} {s['start']:>6}..{s['end']:<6} "
                f"{s['changed']:>6}/{s['total']:<6} {s['max_abs_change']:<10.3g} "
                f"{'-' if ref is None else format(ref, '.3g')}"
            )
    if report["never_written"]:
        out += ["", "never written since the mark"]
        out += [f"  {r['list']} items {r['start']}..{r['end']}" for r in report["never_written"]]
    if report["layer_map"]:
        out += ["", "layer map (offsets as the program computed them)"]
        out += [f"  {r['text']}" for r in report["layer_map"]]
    if report["clamps"]:
        out += ["", "lookup-table clamps"]
        out += [
            f"  {c['variable']} -> {c['limit']} in {c['procedure']}: {c['count']:,} times"
            for c in report["clamps"]
        ]
    out += ["", "verdict"] + [f"  - {line}" for line in report["verdict"]]
    return "\n".join(out)
