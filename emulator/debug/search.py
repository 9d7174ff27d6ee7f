"""Finding a block by the text of its line, as the inspector's search does."""

from __future__ import annotations

from emulator.project import Project
from emulator.render_blocks import render_script, scripts

Position = tuple[str, str]
"""(target name, block id)."""


def find_text(project: Project, text: str, after: Position | None) -> Position | None:
    """The next block whose line contains the text (any case), after a position, wrapping; None if none."""
    wanted = text.lower()
    hits = [
        (t.name, line.block_id)
        for t in project.targets
        for top in scripts(t.blocks)
        for line in render_script(t.blocks, top)
        if line.block_id is not None and wanted in line.text.lower()
    ]
    if not hits:
        return None
    if after in hits:
        return hits[(hits.index(after) + 1) % len(hits)]
    return hits[0]
