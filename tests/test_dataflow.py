"""The read trail: which reads feed a slice's update, followed through the variables that carry them."""

from __future__ import annotations

import pytest

from emulator.debug.dataflow import ReadTrail, watched_reads
from emulator.debug.findings import Findings
from emulator.dsl import Program, repeat
from emulator.project import Project
from emulator.runtime.runtime import Runtime
from emulator.slices import Slice
from tests.helpers import calls_of


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


def _followed(project: Project, engine: str, slices: list[Slice]) -> ReadTrail:
    """Run the project with the trail following the reads into the slices' writes from the start."""
    findings = Findings(list(project.targets))
    runtime = Runtime(project, engine=engine, hooks=findings)
    findings.start_coverage()
    watched = watched_reads(project.targets, {s.list_name for s in slices})
    trail = ReadTrail(slices, {t.name: dict(t.blocks) for t in project.targets}, watched)
    findings.follow(trail)
    runtime.watch_reads(watched.reads)
    runtime.green_flag()
    runtime.run()
    return trail


@pytest.mark.parametrize("engine", ["interpreter", "compiled"])
def test_a_sums_reads_are_counted_into_the_update_that_reads_it(engine: str) -> None:
    """dst[1]'s update got src items 1..3 and one read past the end through `total`, never
    written since the start; dst[2]'s own read of itself is no input of it."""
    first, second = Slice("dst", "D1", 1, 1, (1,)), Slice("dst", "D2", 2, 2, (1,))
    trail = _followed(_summing(), engine, [first, second])
    [group] = trail.of_slice(first)
    assert (group.count, group.first, group.last) == (4, 1, 3)
    assert group.unwritten == {1, 2, 3}
    assert group.past_end == [4.0, 4.0, 1]
    assert trail.of_slice(second) == []


@pytest.mark.parametrize("engine", ["interpreter", "compiled"])
def test_a_read_is_written_or_not_as_the_list_was_when_it_was_read(engine: str) -> None:
    """src[2] was written when `before` read it; then src was cleared, and when `after` read its
    item 2 again, nothing had written that item since (an insert at 1 moves items, not writes)."""
    prog = Program("cleared")
    src = prog.stage.list("src", [1, 2, 3])
    dst = prog.stage.list("dst", [0])
    before, after = prog.stage.var("before", 0), prog.stage.var("after", 0)
    with prog.sprite("S").when_flag_clicked():
        src.replace(2, 7)
        before.set(src.item(2))
        src.delete_all()
        src.add(4)
        src.insert(1, 3)
        after.set(src.item(2))
        src.replace(2, 9)  # written only after both reads
        dst.replace(1, before + after)
    project = prog.build()
    update = Slice("dst", "D", 1, 1, (1,))
    setter = {  # each read's block id -> the variable the block around it sets
        b.id: str(t.blocks[b.parent].fields["VARIABLE"].value)
        for t in project.targets
        for b in t.blocks.values()
        if b.opcode == "data_itemoflist" and b.parent is not None
    }
    groups = _followed(project, engine, [update]).of_slice(update)
    assert {setter[g.read_block]: (g.count, g.unwritten) for g in groups} == {
        "before": (1, set()),
        "after": (1, {2}),
    }


@pytest.mark.parametrize(
    ("engine", "told"), [("interpreter", [1, 2, 3, 0, 2]), ("compiled", [2])]
)
def test_compiled_code_logs_reads_inside_the_list_without_a_call(
    monkeypatch: pytest.MonkeyPatch, engine: str, told: list[int]
) -> None:
    """Compiled code appends a read at a whole number to the read log itself, inside the list or
    past its end: only the read of `dst` at the text "2" is told to on_list_read (the interpreter
    tells every read)."""
    heard = calls_of(monkeypatch, Findings, "on_list_read", lambda self, t, b, c, i, k: k)
    _followed(_summing(), engine, [Slice("dst", "D1", 1, 1, (1,))])
    assert heard == told


@pytest.mark.parametrize(("engine", "told"), [("interpreter", 5), ("compiled", 0)])
def test_compiled_code_logs_a_followed_variables_writes_without_a_call(
    monkeypatch: pytest.MonkeyPatch, engine: str, told: int
) -> None:
    """Only the trail hears `total`, so compiled code logs its set and four changes among the
    reads instead of calling on_var_set (the interpreter calls it for each); the counts are the
    same either way (test_a_sums_reads_are_counted_into_the_update_that_reads_it)."""
    heard = calls_of(monkeypatch, Findings, "on_var_set", lambda self, t, b, c, v: c.name)
    _followed(_summing(), engine, [Slice("dst", "D1", 1, 1, (1,))])
    assert heard.count("total") == told
