"""The read trail: which reads feed a slice's update, followed through the variables that carry them."""

from __future__ import annotations

import pytest

from emulator.debug.dataflow import ReadTrail, watched_reads
from emulator.debug.findings import Findings
from emulator.dsl import Program, repeat
from emulator.project import Project
from emulator.runtime.runtime import Runtime
from emulator.slices import Slice


def _summing() -> Project:
    """A counter walks `src` past its end into a running sum; the sum and the counter update `dst`."""
    prog = Program("flow")
    src = prog.stage.list("src", [5, 6, 7])
    dst = prog.stage.list("dst", [0, 0])
    i, total = prog.stage.var("i", 0), prog.stage.var("total", 0)
    with prog.sprite("S").when_flag_clicked():
        i.set(0)
        total.set(0)
        with repeat(4):
            i.change(1)
            total.change(src.item(i))  # the fourth read is past the end
        dst.replace(1, total + i)
        dst.replace(2, dst.item(2) + 1)  # an update reads the item it replaces: no input of it
    return prog.build()


def _item_reads(project: Project) -> list[str]:
    return [
        b.id for t in project.targets for b in t.blocks.values() if b.opcode == "data_itemoflist"
    ]


def test_only_variables_whose_setters_read_are_followed() -> None:
    """The write reads `total` and `i`; only `total` is set from a read, so only it is followed."""
    project = _summing()
    watched = watched_reads(project.targets, {"dst"})
    assert watched.variables == {"total"}
    assert watched.reads == set(_item_reads(project))


@pytest.mark.parametrize("engine", ["interpreter", "compiled"])
def test_a_sums_reads_are_counted_into_the_update_that_reads_it(engine: str) -> None:
    """dst[1]'s update got src items 1..3 and one read past the end through `total`, never
    written since the start; dst[2]'s own read of itself is no input of it."""
    project = _summing()
    findings = Findings(list(project.targets))
    runtime = Runtime(project, engine=engine, hooks=findings)
    findings.start_coverage()
    watched = watched_reads(project.targets, {"dst"})
    first, second = Slice("dst", "D1", 1, 1, (1,)), Slice("dst", "D2", 2, 2, (1,))
    trail = ReadTrail([first, second], {t.name: dict(t.blocks) for t in project.targets}, watched)
    findings.follow(trail)
    runtime.watch_reads(watched.reads)
    runtime.green_flag()
    runtime.run()
    [group] = trail.of_slice(first)
    assert (group.count, group.first, group.last) == (4, 1, 3)
    assert group.unwritten == {1, 2, 3}
    assert group.past_end == [4.0, 4.0, 1]
    assert trail.of_slice(second) == []
