"""The run against its reference, sample by sample: where they first part, and by how much they end apart.

The program's sample variable marks sample boundaries. At each boundary where some sliced list
changed since the last one (a test pass changes nothing, so it is no training step), the run's
slices are compared with the reference's next step, until the first item that differs by more than
the tolerance the program declares.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from emulator.debug.records import block_ref_by_id
from emulator.debug.report import BlockRef, Divergence
from emulator.program import ReferenceStep
from emulator.slices import Slice
from emulator.values import Value, to_number

if TYPE_CHECKING:
    from emulator.debug.session import DebugSession


class SampleComparer:
    """Compares the run's slices with the reference's at each sample boundary that changed them."""

    def __init__(self, session: DebugSession, steps: list[ReferenceStep], tolerance: float) -> None:
        self._session = session
        self._steps = steps
        self._tolerance = tolerance
        self._slices = [s for s in session.slices if steps and s.list_name in steps[0].lists]
        self._lists = {s.list_name for s in self._slices}
        self._cells = {
            c.name: c
            for t in session.runtime.targets
            for c in t.lists.values()
            if c.name in self._lists
        }
        self._previous = self._state()
        self.compared = 0
        self.first: Divergence | None = None

    def _state(self) -> dict[str, list[Value]]:
        return {name: list(cell.items) for name, cell in self._cells.items()}

    def boundary(self) -> None:
        """A sample boundary: compare if the slices' lists changed since the last one."""
        if self.first is not None or self.compared >= len(self._steps):
            return
        state = self._state()
        if state == self._previous:
            return
        self._previous = state
        self._compare(state, self._steps[self.compared])

    def finish(self) -> None:
        """The run ended: a reference step the run never reached is compared with the last state."""
        if self.first is None and self.compared < len(self._steps):
            self._compare(self._state(), self._steps[self.compared])

    def _compare(self, state: Mapping[str, list[Value]], step: ReferenceStep) -> None:
        self.compared += 1
        differing = [s for s in self._slices if _first_differing(s, state, step, self._tolerance)]
        if not differing:
            return
        s = differing[0]
        found = _first_differing(s, state, step, self._tolerance)
        assert found is not None
        item, run, ref = found
        writers = self._session.findings.writers.get(s.list_name, [])
        writer = writers[item - 1] if item <= len(writers) and writers[item - 1] else None
        self.first = Divergence(
            epoch=step.epoch,
            sample=step.sample,
            step=self.compared,
            slice=s.name,
            list=s.list_name,
            item=item,
            run=run,
            reference=ref,
            tolerance=self._tolerance,
            slices=tuple(d.name for d in differing),
            block=self._session_block(writer),
        )

    def _session_block(self, block_id: str | None) -> BlockRef | None:
        return block_ref_by_id(self._session, block_id) if block_id else None


def _first_differing(
    s: Slice, state: Mapping[str, list[Value]], step: ReferenceStep, tolerance: float
) -> tuple[int, float, float] | None:
    """(item, run value, reference value) of the slice's first item beyond the tolerance, if any."""
    run = state.get(s.list_name, [])
    ref = step.lists[s.list_name]
    for i in range(s.start - 1, s.end):
        a = to_number(run[i]) if i < len(run) else math.nan
        b = float(ref[i]) if i < len(ref) else math.nan
        if not abs(a - b) <= tolerance:
            return i + 1, a, b
    return None


def largest_difference(
    s: Slice, final: Mapping[str, Sequence[Value]], reference: Mapping[str, Sequence[float]]
) -> float | None:
    """The slice's largest |run - reference| after the run (None with no reference for its list)."""
    if s.list_name not in reference:
        return None
    run = final.get(s.list_name, [])[s.start - 1 : s.end]
    ref = reference[s.list_name][s.start - 1 : s.end]
    diffs = [abs(to_number(a) - float(b)) for a, b in zip(run, ref, strict=False)]
    return max(diffs, default=0.0)
