"""The read trail: which reads feed a slice's update, followed through the variables that carry them."""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from emulator.debug import dataflow
from emulator.debug.dataflow import ReadGroup, ReadTrail, Watched, watched_reads
from emulator.debug.findings import Findings
from emulator.dsl import Program, repeat
from emulator.errors import EmulatorError
from emulator.opcodes import Opcode
from emulator.project import VARIABLE, Block, Field, Input, Primitive, Project
from emulator.runtime.hooks import LOG_LIMIT
from emulator.runtime.runtime import Runtime
from emulator.runtime.state import ListCell
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
        # At indices computed as numbers, as a program's offsets are.
        dst.replace(i - 3, total + i)
        dst.replace(i - 2, dst.item(2) + 1)  # an update reads the item it replaces: no input of it
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
    return _follow(Findings(list(project.targets)), project, engine, slices)


def _follow(
    findings: Findings,
    project: Project,
    engine: str,
    slices: list[Slice],
    move_after: int | None = None,
) -> ReadTrail:
    runtime = Runtime(project, engine=engine, hooks=findings)
    findings.start_coverage()
    watched = watched_reads(project.targets, {s.list_name for s in slices})
    blocks = {t.name: dict(t.blocks) for t in project.targets}
    trail = ReadTrail(slices, blocks, watched, move_after)
    findings.follow(trail)
    runtime.watch_reads(watched.reads)
    runtime.green_flag()
    runtime.run()
    assert findings.trail is trail  # read through findings: the log's writes taken in
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


@pytest.mark.parametrize(("engine", "told"), [("interpreter", [1, 2, 3, 0, 2]), ("compiled", [2])])
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


@pytest.mark.parametrize(("engine", "told"), [("interpreter", 2), ("compiled", 0)])
def test_compiled_code_logs_replacements_without_a_call(
    monkeypatch: pytest.MonkeyPatch, engine: str, told: int
) -> None:
    """With the trail following, compiled code logs both replacements of `dst` in their place
    among the reads instead of calling on_list_write (the interpreter calls it for each)."""
    heard = calls_of(monkeypatch, Findings, "on_list_write", lambda self, t, b, c, *rest: c.name)
    _followed(_summing(), engine, [Slice("dst", "D1", 1, 1, (1,))])
    assert heard.count("dst") == told


def test_compiled_code_logs_no_read_of_the_item_a_replace_writes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`replace item i of dst with (item i of dst) + (item i of src)`: compiled code logs only the
    read of `src` (the trail drops an update's read of the item it replaces); the groups are the
    interpreter's, which logs both."""
    prog = Program("update")
    src, dst = prog.stage.list("src", [1, 2, 3]), prog.stage.list("dst", [0, 0, 0])
    i = prog.stage.var("i", 0)
    with prog.sprite("S").when_flag_clicked(), repeat(3):
        i.change(1)
        dst.replace(i, dst.item(i) + src.item(i))
    slices = [Slice("dst", "D", 1, 3, (3,))]
    outcomes, logged = {}, {}
    for engine in ("interpreter", "compiled"):
        taken = calls_of(
            monkeypatch, dataflow.ReadCounts, "take", lambda c, ev, en: [r[1] for r in en]
        )
        project = prog.build()
        trail = _follow(Findings(list(project.targets)), project, engine, slices)
        outcomes[engine], logged[engine] = trail.groups, sorted(n for t in taken for n in t)
        monkeypatch.undo()
    assert logged == {"interpreter": ["dst"] * 3 + ["src"] * 3, "compiled": ["src"] * 3}
    assert outcomes["interpreter"] == outcomes["compiled"]
    [group] = outcomes["compiled"].values()
    assert (group.list_name, group.count) == ("src", 3)


def _filling(writes: int) -> Project:
    """A loop replaces every item of `dst` from `src` and a running sum, more writes than a log holds."""
    prog = Program("filling")
    src = prog.stage.list("src", list(range(writes)))
    dst = prog.stage.list("dst", [0] * writes)
    i, total = prog.stage.var("i", 0), prog.stage.var("total", 0)
    with prog.sprite("S").when_flag_clicked(), repeat(writes):
        i.change(1)
        total.change(src.item(i))
        dst.replace(i, total + src.item(i - 1))
    return prog.build()


def test_a_full_log_is_taken_in_as_the_run_goes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Compiled code hands a log of LOG_LIMIT reads and events over as it fills; the groups and
    the coverage are those of the interpreter, which hands over as it writes."""
    writes = LOG_LIMIT // 2
    slices = [Slice("dst", "D", 1, writes, (writes,))]
    log = lambda self: len(self.read_log.events) + len(self.read_log.entries)  # noqa: E731
    full = calls_of(monkeypatch, Findings, "on_log_full", log)
    outcomes = {}
    for engine in ("interpreter", "compiled"):
        project = _filling(writes)
        findings = Findings(list(project.targets))
        trail = _follow(findings, project, engine, slices)
        outcomes[engine] = (trail.groups, findings.written, findings.writers)
    assert full and all(n >= LOG_LIMIT for n in full)
    assert outcomes["interpreter"] == outcomes["compiled"]
    [group] = [g for g in outcomes["compiled"][0].values() if g.count == writes * (writes + 1) // 2]
    assert (group.first, group.last, group.unwritten) == (1, writes, set(range(1, writes + 1)))


@pytest.mark.parametrize("engine", ["interpreter", "compiled"])
def test_counting_in_a_second_process_changes_nothing(
    monkeypatch: pytest.MonkeyPatch, engine: str
) -> None:
    """The counting moved to a second process after its second batch: the same groups, and the
    coverage, as counted here all along."""
    monkeypatch.setattr(dataflow, "has_second_core", lambda: True)
    writes = LOG_LIMIT // 2
    slices = [Slice("dst", "D", 1, writes, (writes,))]
    outcomes = []
    for move_after in (None, 2):
        project = _filling(writes)
        findings = Findings(list(project.targets))
        trail = _follow(findings, project, engine, slices, move_after)
        assert trail.moved is (move_after is not None)
        outcomes.append((trail.groups, findings.written, findings.writers))
        trail.close()
    assert outcomes[0] == outcomes[1]


def test_the_cap_keeps_exactly_the_first_reads_of_a_sum_in_both_engines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A sum of 384 terms, kept to its first 5 reads: the same 5 in both engines, though compiled
    code logs the sum's changes in a row as one event and the interpreter logs each."""
    writes = 384
    prog = Program("long_sum")
    src = prog.stage.list("src", list(range(writes)))
    dst = prog.stage.list("dst", [0])
    i, total = prog.stage.var("i", 0), prog.stage.var("total", 0)
    with prog.sprite("S").when_flag_clicked():
        with repeat(writes):
            i.change(1)
            total.change(src.item(i))
        dst.replace(i - writes + 1, total)
    slices = [Slice("dst", "D", 1, 1, (1,))]
    outcomes, events = {}, {}
    with patch.object(dataflow, "KEPT_READS", 5):
        for engine in ("interpreter", "compiled"):
            settled = calls_of(monkeypatch, ReadTrail, "settle", lambda t: len(t.log.events))
            project = prog.build()
            trail = _follow(Findings(list(project.targets)), project, engine, slices)
            outcomes[engine], events[engine] = trail.of_slice(slices[0]), sum(settled)
            monkeypatch.undo()
    assert events == {"interpreter": writes + 1, "compiled": 2}  # the changes, then the write
    assert outcomes["interpreter"] == outcomes["compiled"]
    [group] = outcomes["compiled"]
    assert (group.count, group.first, group.last) == (5, 1, 5)


@pytest.mark.parametrize("engine", ["interpreter", "compiled"])
def test_writes_heard_as_they_happen_count_as_logged_ones(engine: str) -> None:
    """A listener to list writes makes each write taken in at once instead of waiting in the log:
    the trail's groups and the coverage come out the same."""
    slices = [Slice("dst", "D1", 1, 1, (1,)), Slice("dst", "D2", 2, 2, (1,))]
    outcomes = []
    for listening in (False, True):
        project = _summing()
        findings = Findings(list(project.targets))
        heard: list[tuple[str, int]] = []
        if listening:
            findings.listen_to_writes(lambda name, item, heard=heard: heard.append((name, item)))
        trail = _follow(findings, project, engine, slices)
        assert findings.log_list_writes is not listening
        outcomes.append((trail.groups, findings.written, findings.writers))
        assert heard == ([("dst", 1), ("dst", 2)] if listening else [])
    assert outcomes[0] == outcomes[1]


# ## The trail against a model that decides everything as it happens


def _variable(name: str) -> Input:
    return Input(1, Primitive(VARIABLE, name, name))


_TRAIL_BLOCKS = {
    "w_a": Block("w_a", Opcode.DATA_REPLACEITEMOFLIST, inputs={"ITEM": _variable("a")}),
    "w_ab": Block("w_ab", Opcode.DATA_REPLACEITEMOFLIST, inputs={"ITEM": Input(3, "sum")}),
    "sum": Block(
        "sum", Opcode.OPERATOR_ADD, inputs={"NUM1": _variable("a"), "NUM2": _variable("b")}
    ),
    **{
        f"{kind}_{v}": Block(f"{kind}_{v}", opcode, fields={"VARIABLE": Field(v, v)})
        for kind, opcode in (
            ("set", Opcode.DATA_SETVARIABLETO),
            ("change", Opcode.DATA_CHANGEVARIABLEBY),
        )
        for v in "ab"
    },
}
_TRAIL_SLICES = [
    Slice("dst", "D1", 1, 2, (2,)),
    Slice("dst", "D2", 3, 4, (2,)),
    Slice("src", "S", 1, 3, (3,)),
]
_EVENTS = st.lists(
    st.one_of(
        st.tuples(
            st.just("read"),
            st.sampled_from(["r1", "r2"]),
            st.sampled_from(["src", "dst"]),
            st.integers(0, 3),
        ),
        st.tuples(st.just("set"), st.sampled_from(["set_a", "change_a", "set_b", "change_b"])),
        st.tuples(
            st.just("write"),
            st.sampled_from(["w_a", "w_ab"]),
            st.sampled_from(["src", "dst"]),
            st.integers(1, 4),
        ),
        st.tuples(st.just("clear"), st.sampled_from(["src", "dst"])),
        st.tuples(st.just("settle")),
    ),
    max_size=40,
)


class _EagerTrail:
    """The trail's rules applied at each event: a read's item is looked up in the written bits
    as it is read, a set takes the reads since the last write or set, a write counts its own and
    its variables' reads (except of the item it writes) into its slice's groups."""

    def __init__(self) -> None:
        self.bits: dict[str, set[int]] = {}
        self.pending: list[tuple[str, str, int, float, bool]] = []
        self.kept: dict[str, list[tuple[str, str, int, float, bool]]] = {}
        self.groups: dict[tuple[int, str, str, str], ReadGroup] = {}

    def read(self, block: str, name: str, item: int, index: float) -> None:
        self.pending.append((block, name, item, index, item in self.bits.get(name, set())))

    def set_variable(self, block: str) -> None:
        name, reads, self.pending = block[-1], self.pending, []
        if name not in self.kept or not block.startswith("change"):
            self.kept[name] = reads[: dataflow.KEPT_READS]
        else:  # the first KEPT_READS of a sum's reads
            self.kept[name] += reads[: dataflow.KEPT_READS - len(self.kept[name])]

    def write(self, block: str, name: str, item: int) -> None:
        self.bits.setdefault(name, set()).add(item)
        reads, self.pending = self.pending, []
        n = next(
            (
                k
                for k, s in enumerate(_TRAIL_SLICES)
                if s.list_name == name and s.start <= item <= s.end
            ),
            -1,
        )
        if n < 0:
            return
        for read in reads + [r for v in ("a", "b") if v in block[2:] for r in self.kept.get(v, [])]:
            self.count(n, block, name, item, *read)

    def count(
        self,
        n: int,
        block: str,
        name: str,
        item: int,
        read_block: str,
        read_list: str,
        read_item: int,
        index: float,
        written: bool,
    ) -> None:
        if read_item == item and read_list == name:
            return
        key = (n, block, read_block, read_list)
        group = self.groups.setdefault(key, ReadGroup(block, read_block, read_list))
        group.count += 1
        if read_item == 0:
            end = group.past_end
            end[0], end[1], end[2] = min(end[0], index), max(end[1], index), end[2] + 1
            return
        group.first, group.last = min(group.first, read_item), max(group.last, read_item)
        if not written:
            group.unwritten.add(read_item)


@settings(max_examples=500, deadline=None)
@given(_EVENTS)
# A read of the item the last write wrote first: written when it was read.
@example([("write", "w_a", "src", 1), ("read", "r1", "src", 1), ("write", "w_a", "dst", 1)])
# A sum whose reads reach the cap, then one more change: its reads are not kept.
@example(
    [("read", "r1", "src", 1), ("read", "r1", "src", 2), ("set", "set_a")]
    + [("read", "r2", "src", 3), ("set", "change_a")] * 2
    + [("write", "w_a", "dst", 1)]
)
def test_the_trail_counts_as_a_model_deciding_at_each_event(events: list[tuple]) -> None:
    """Stamps, settled sets and clears give the groups that looking everything up as it happens gives."""
    cells = {name: ListCell(name, name, [], "Stage") for name in ("src", "dst")}
    with patch.object(dataflow, "KEPT_READS", 3):  # short enough for a sum to outgrow it
        trail = ReadTrail(_TRAIL_SLICES, {"Stage": _TRAIL_BLOCKS}, Watched(set(), {"a", "b"}))
    trail.written_before({})
    model = _EagerTrail()
    with patch.object(dataflow, "KEPT_READS", 3):
        _replay(events, trail, model, cells)
    assert trail.groups == model.groups


@settings(max_examples=15, deadline=None)  # each starts a process
@given(_EVENTS, st.integers(min_value=0, max_value=40))
# A variable set after more reads than the cap keeps: the model keeps as many as the trail.
@example([("read", "r1", "src", 0)] * 4 + [("set", "set_a"), ("write", "w_a", "src", 1)], 0)
def test_the_trail_counts_the_same_in_a_second_process_and_back(
    events: list[tuple], cut: int
) -> None:
    """Moved after its first batch, the counting gives the model's groups, while there and after
    it came back (the events from `cut` on are counted here again)."""
    cells = {name: ListCell(name, name, [], "Stage") for name in ("src", "dst")}
    with (
        patch.object(dataflow, "KEPT_READS", 3),  # the trail's and the model's cap alike
        patch.object(dataflow, "has_second_core", lambda: True),
    ):
        trail = ReadTrail(
            _TRAIL_SLICES, {"Stage": _TRAIL_BLOCKS}, Watched(set(), {"a", "b"}), move_after=1
        )
        trail.written_before({})
        model = _EagerTrail()
        trail.log.wrote_item("w_a", cells["dst"], 9)  # outside the slices: a first batch to move
        model.write("w_a", "dst", 9)
        trail.settle()
        assert trail.moved
        _replay(events[:cut], trail, model, cells)
        assert trail.groups == model.groups
        trail.close()
        assert not trail.moved
        _replay(events[cut:], trail, model, cells)
        assert trail.groups == model.groups


def test_a_lost_second_process_is_one_clear_error() -> None:
    """The counting's process gone (killed), the next batch says so instead of hanging."""
    cell = ListCell("dst", "dst", [], "Stage")
    with patch.object(dataflow, "has_second_core", lambda: True):
        trail = ReadTrail(_TRAIL_SLICES, {"Stage": _TRAIL_BLOCKS}, Watched(set(), set()), 1)
    for item in (1, 2):
        trail.log.wrote_item("w_a", cell, item)
        trail.settle()
    assert trail.moved
    process = trail._counts._process  # type: ignore[union-attr]
    process.kill()
    process.wait()
    with pytest.raises(EmulatorError, match="second process ended"):
        for _ in range(100):  # the pipe may take a message or two before it breaks
            trail.log.wrote_item("w_a", cell, 3)
            trail.settle()
        _ = trail.groups


def test_one_core_counts_in_this_process() -> None:
    with patch.object(dataflow, "has_second_core", lambda: False):
        trail = ReadTrail(_TRAIL_SLICES, {"Stage": _TRAIL_BLOCKS}, Watched(set(), set()), 1)
    trail.log.wrote_item("w_a", ListCell("dst", "dst", [], "Stage"), 1)
    trail.settle()
    assert not trail.moved


def _replay(
    events: list[tuple[Any, ...]], trail: ReadTrail, model: _EagerTrail, cells: dict[str, ListCell]
) -> None:
    for event in events:
        match event:
            case ("read", block, name, item):
                index = float(item) if item else 6.0 + len(model.pending)
                trail.log.read(block, cells[name], item, index)
                model.read(block, name, item, index)
            case ("set", block):
                trail.log.wrote(block, block[-1])
                model.set_variable(block)
            case ("write", block, name, item):
                trail.log.wrote_item(block, cells[name], item)
                model.write(block, name, item)
            case ("clear", name):
                trail.clear(name)
                model.bits.pop(name, None)
            case ("settle",):  # the log taken in early, as when it fills
                trail.settle()
    trail.settle()
