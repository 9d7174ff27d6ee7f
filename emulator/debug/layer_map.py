"""The layer map: where each layer's parts lie, by the offsets the program computed, checked against its lists."""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.debug.report import LayerRow
from emulator.program import LayerRanges
from emulator.runtime.state import RuntimeTarget
from emulator.values import to_number

if TYPE_CHECKING:
    from emulator.debug.session import DebugSession


def layer_map(session: DebugSession) -> list[LayerRow]:
    """One row per layer (parts, problems, a line of text); none when the program declares no layer map."""
    spec = session.program.layer_map if session.program is not None else None
    if spec is None:
        return []
    targets = session.runtime.targets
    lengths = {c.name: len(c.items) for t in targets for c in t.lists.values()}
    sizes = layer_sizes(session.runtime.stage, spec.sizes_list)
    layers = spec.ranges(sizes, session.findings.offsets)
    overlaps = _overlaps(layers)
    return [_row(r, lengths, overlaps.get(r.layer, [])) for r in layers]


def _overlaps(layers: list[LayerRanges]) -> dict[int, list[str]]:
    """Per layer, its parts that share items with an earlier-placed part of the same list."""
    placed = sorted(
        (r.list_name, r.start, r.end, layer.layer, part)
        for layer in layers
        for part, r in layer.parts.items()
        if r is not None and r.end >= r.start
    )
    found: dict[int, list[str]] = {}
    for n, (name, start, end, layer, part) in enumerate(placed):
        for other, o_start, o_end, o_layer, o_part in placed[:n]:
            if other == name and o_start <= end and start <= o_end:
                found.setdefault(layer, []).append(
                    f"{part} of layer {layer} (items {start}..{end}) overlap {o_part} of layer "
                    f"{o_layer} (items {o_start}..{o_end}) in `{name}`"
                )
    return found


def layer_sizes(stage: RuntimeTarget, list_name: str) -> list[int]:
    """The layer sizes the program keeps in a stage list (none when it has no such list)."""
    cell = stage.find_list(None, list_name)
    return [int(to_number(v)) for v in cell.items] if cell is not None else []


def _row(layer: LayerRanges, lengths: dict[str, int], overlaps: list[str]) -> LayerRow:
    problems = overlaps + [
        f"{part} of layer {layer.layer} are items {r.start}..{r.end} but `{r.list_name}` has "
        f"{lengths.get(r.list_name, 0)} items"
        for part, r in layer.parts.items()
        if r is not None and r.end > lengths.get(r.list_name, 0)
    ]
    text = f"layer {layer.layer} ({layer.size}): " + ", ".join(
        f"{part} {'not computed' if r is None else f'{r.start}..{r.end}'}"
        for part, r in layer.parts.items()
    )
    parts = {part: (None if r is None else (r.start, r.end)) for part, r in layer.parts.items()}
    flagged = text + ("  <-- " + "; ".join(problems) if problems else "")
    return LayerRow(layer.layer, layer.size, parts, tuple(problems), flagged)
