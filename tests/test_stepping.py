"""The stepping API (step, run_until, preview_inputs) and the hooks a run reports to."""

from __future__ import annotations

import math
from typing import Any

import pytest

from emulator.debug.preview import preview_inputs
from emulator.dsl import Program, broadcast, if_, join, random, repeat, say, wait
from emulator.project import Project
from emulator.runtime.hooks import BubbleKind, ListWrite, MissKind, RunHooks
from emulator.runtime.runtime import Runtime
from emulator.state_json import dump_state
from tests.helpers import Blocks, project, started


def var_value(runtime: Runtime, name: str) -> Any:
    """A variable's value by name, on any target."""
    for target in runtime.targets:
        for cell in target.variables.values():
            if cell.name == name:
                return cell.value
    raise KeyError(name)


def list_items(runtime: Runtime, name: str) -> list[Any]:
    """A list's items by name, on any target."""
    for target in runtime.targets:
        for cell in target.lists.values():
            if cell.name == name:
                return cell.items
    raise KeyError(name)


def block_ids(proj: Project, opcode: str) -> list[str]:
    """Ids of every block with this opcode, in project order."""
    return [block.id for t in proj.targets for block in t.blocks.values() if block.opcode == opcode]


def three_sets() -> Project:
    prog = Program("p")
    v = prog.stage.var("v", 0)
    with prog.sprite("S").when_flag_clicked():
        v.set(1)
        v.set(2)
        v.set(3)
    return prog.build()


# ## step and run_until


def test_step_n_pauses_before_the_next_block_and_names_it() -> None:
    """step(2) runs two blocks and returns the thread and the third block, with its id, opcode and target."""
    proj = three_sets()
    runtime = started(proj)
    paused = runtime.step(2)
    assert paused is not None
    thread, stmt = paused
    assert stmt.id == block_ids(proj, "data_setvariableto")[2]
    assert stmt.opcode == "data_setvariableto"
    assert stmt.target.name == "S"
    assert thread.target is stmt.target
    assert var_value(runtime, "v") == "2"


def test_step_1_from_a_pause_runs_exactly_the_paused_block() -> None:
    """Each step(1) advances one block: the block paused at counts as the one that runs."""
    runtime = started(three_sets())
    seen = []
    while runtime.step(1) is not None:
        seen.append(var_value(runtime, "v"))
    assert seen == ["1", "2"]  # then the third step runs the last block and the run ends
    assert var_value(runtime, "v") == "3"


def test_step_0_stays_where_it_is() -> None:
    """step(0) pauses before the first block, and once paused it does not move."""
    runtime = started(three_sets())
    first = runtime.step(0)
    assert first is not None
    assert runtime.step(0) == first
    assert var_value(runtime, "v") == 0.0


def test_step_returns_none_once_the_run_has_ended() -> None:
    """Stepping past the last block ends the run: step gives None and no thread is left."""
    runtime = started(three_sets())
    assert runtime.step(100) is None
    assert runtime.threads == []
    assert runtime.step(1) is None


def test_run_until_stops_where_the_predicate_holds() -> None:
    """run_until(pred) pauses before the first block for which pred(thread, block) is true."""
    prog = Program("p")
    n = prog.stage.var("n", 0)
    log = prog.stage.list("log")
    with prog.sprite("S").when_flag_clicked(), repeat(10):
        n.change(1)
        log.add(n)
    runtime = started(prog.build())

    def adding_when_n_is_4(thread: Any, stmt: Any) -> bool:
        return stmt.opcode == "data_addtolist" and var_value(runtime, "n") == 4.0

    paused = runtime.run_until(adding_when_n_is_4)
    assert paused is not None and paused[1].opcode == "data_addtolist"
    assert list_items(runtime, "log") == [1.0, 2.0, 3.0]


def test_run_until_moves_past_a_pause_where_its_predicate_still_holds() -> None:
    """Calling run_until again with the same predicate finds the next match, not the same block."""
    prog = Program("p")
    log = prog.stage.list("log")
    with prog.sprite("S").when_flag_clicked(), repeat(3):
        log.add("x")
    runtime = started(prog.build())

    def adding(thread: Any, stmt: Any) -> bool:
        return stmt.opcode == "data_addtolist"

    lengths = []
    while runtime.run_until(adding) is not None:
        lengths.append(len(list_items(runtime, "log")))
    assert lengths == [0, 1, 2]


def busy_program() -> Project:
    """Threads, broadcasts, waits, recursion and random draws: a run with much to get wrong."""
    prog = Program("p")
    log = prog.stage.list("log")
    total = prog.stage.var("total", 0)
    sprite, other = prog.sprite("S"), prog.sprite("O")
    count = sprite.procedure("count %s", ["k"])
    with count.define() as (k,), if_(k > 0):
        total.change(k)
        count(k - 1)
    with sprite.when_flag_clicked():
        with repeat(5):
            log.add(random(1, 100))
            broadcast("tick")
        count(20)
        say(total)
    with other.when_i_receive("tick"):
        log.add(join("tick ", total))
        wait(0)
        log.add("after wait")
    return prog.build()


@pytest.mark.parametrize("chunk", [1, 7, 50])
def test_stepping_then_continuing_ends_as_a_plain_run(chunk: int) -> None:
    """Pausing every few blocks changes nothing: the final state and frame count equal a plain run."""
    plain = started(busy_program(), seed=3)
    plain.run()
    stepped = started(busy_program(), seed=3)
    for _ in range(20):
        stepped.step(chunk)
    stepped.run()
    assert dump_state(stepped) == dump_state(plain)
    assert stepped.frame_count == plain.frame_count
    assert stepped.blocks == plain.blocks


# ## preview_inputs


def test_preview_inputs_gives_the_paused_blocks_input_values() -> None:
    """At `insert (item) at (index)`, the preview lists each input's value in the block's input order."""
    prog = Program("p")
    n = prog.stage.var("n", 2)
    items = prog.stage.list("L", ["a", "b"])
    with prog.sprite("S").when_flag_clicked():
        items.insert(n + 1, join("x", n))
    runtime = started(prog.build())
    thread, stmt = runtime.step(0)  # type: ignore[misc]
    assert preview_inputs(runtime, thread, stmt) == [("ITEM", "x2"), ("INDEX", 3.0)]


def test_preview_inputs_draws_no_random_number_from_the_run() -> None:
    """A previewed `pick random` shows the very value the block then stores: the rng state is restored."""
    prog = Program("p")
    v = prog.stage.var("v", 0)
    with prog.sprite("S").when_flag_clicked():
        v.set(random(1, 1_000_000))
    runtime = started(prog.build(), seed=11)
    thread, stmt = runtime.step(0)  # type: ignore[misc]
    [(name, previewed)] = preview_inputs(runtime, thread, stmt)
    assert preview_inputs(runtime, thread, stmt) == [(name, previewed)]
    runtime.run()
    assert var_value(runtime, "v") == previewed


def test_preview_inputs_reports_nothing_to_hooks_and_creates_nothing() -> None:
    """An out-of-range read during a preview is not reported; a missing variable is not created."""
    b = Blocks()
    missing = [3, [12, "ghost", "no-such-id"], [10, ""]]
    item = b.add("data_itemoflist", {"INDEX": [1, [7, "9"]]}, {"LIST": ["L", "list-L"]})
    join_block = b.add("operator_join", {"STRING1": missing, "STRING2": [3, item, [10, ""]]})
    b.flag_script(b.set_var("v", [3, join_block, [10, ""]]))
    hooks = RecordingHooks()
    runtime = started(project(b, variables={"v": 0}, lists={"L": ["a"]}), hooks=hooks)
    thread, stmt = runtime.step(0)  # type: ignore[misc]
    before = [(t.name, sorted(t.variables)) for t in runtime.targets]
    assert preview_inputs(runtime, thread, stmt) == [("VALUE", "0")]
    assert hooks.calls == []
    # The load-time repair (as in VM 15) declared "ghost" on the stage; the preview creates nothing more.
    assert [(t.name, sorted(t.variables)) for t in runtime.targets] == before
    runtime.run()
    assert ("miss", "L", "read", "9", 1, item) in hooks.calls  # the real run still reports it


def test_preview_inputs_inside_a_procedure_sees_its_arguments() -> None:
    """Paused inside a custom block, argument reporters preview as the call's values."""
    prog = Program("p")
    out = prog.stage.list("out")
    sprite = prog.sprite("S")
    greet = sprite.procedure("greet %s", ["who"])
    with greet.define() as (who,):
        out.add(join("hi ", who))
    with sprite.when_flag_clicked():
        greet("Ada")
    runtime = started(prog.build())
    paused = runtime.run_until(lambda t, s: s.opcode == "data_addtolist")
    assert paused is not None
    assert preview_inputs(runtime, *paused) == [("ITEM", "hi Ada")]


# ## Hooks


class RecordingHooks(RunHooks):
    """Records every report as a tuple; ops and kinds arrive as enum members equal to their names."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    def on_var_set(self, thread: Any, block_id: str, cell: Any, value: Any) -> None:
        self.calls.append(("var", cell.name, value, block_id))

    def on_list_write(
        self, thread: Any, block_id: str, cell: Any, op: ListWrite, index: int, old: Any, new: Any
    ) -> None:
        assert type(op) is ListWrite
        self.calls.append(("list", cell.name, op, index, old, new, block_id))

    def on_list_clear(self, thread: Any, block_id: str, cell: Any, old: list[Any]) -> None:
        self.calls.append(("clear", cell.name, old, block_id))

    def on_list_miss(
        self, thread: Any, block_id: str, cell: Any, kind: MissKind, index: Any, length: int
    ) -> None:
        assert type(kind) is MissKind
        self.calls.append(("miss", cell.name, kind, index, length, block_id))

    def on_nonfinite(self, thread: Any, block_id: str, what: str, value: float) -> None:
        self.calls.append(("nonfinite", what, str(value), block_id))

    def on_say(self, thread: Any, block_id: str, kind: BubbleKind, text: Any) -> None:
        assert type(kind) is BubbleKind
        self.calls.append(("say", kind, text, block_id))

    def on_finish(self) -> None:
        self.calls.append(("finish",))


def hooked_run(proj: Project) -> list[tuple[Any, ...]]:
    hooks = RecordingHooks()
    runtime = started(proj, hooks=hooks)
    runtime.run()
    return hooks.calls


def test_hooks_receive_variable_writes_with_the_block_that_made_them() -> None:
    """set and change report the variable, its new value and the block id."""
    prog = Program("p")
    v = prog.stage.var("v", 0)
    with prog.sprite("S").when_flag_clicked():
        v.set("abc")
        v.change(2)
    proj = prog.build()
    (set_id,) = block_ids(proj, "data_setvariableto")
    (change_id,) = block_ids(proj, "data_changevariableby")
    assert hooked_run(proj) == [
        ("var", "v", "abc", set_id),
        ("var", "v", 2.0, change_id),
        ("finish",),
    ]


def test_hooks_receive_list_writes_with_index_old_and_new() -> None:
    """add, insert, replace and delete report (list, op, 1-based index, old item, new item)."""
    prog = Program("p")
    items = prog.stage.list("L", ["a"])
    with prog.sprite("S").when_flag_clicked():
        items.add("b")
        items.insert(1, "z")
        items.replace(2, "A")
        items.delete("last")
        items.delete_all()
    calls = [c[:-1] for c in hooked_run(prog.build())[:-1]]
    assert calls == [
        ("list", "L", "add", 2, "", "b"),
        ("list", "L", "insert", 1, "", "z"),
        ("list", "L", "replace", 2, "a", "A"),
        ("list", "L", "delete", 3, "b", ""),
        ("clear", "L", ["z", "A"]),
    ]


def test_hooks_receive_out_of_range_reads_and_dropped_writes() -> None:
    """A read outside the list and every dropped write report (list, kind, index, length, block id)."""
    prog = Program("p")
    items = prog.stage.list("L", ["a", "b"])
    v = prog.stage.var("v", 0)
    with prog.sprite("S").when_flag_clicked():
        v.set(items.item(5))
        items.replace(3, "x")
        items.delete(0)
        items.insert("all", "x")
    proj = prog.build()
    (read_id,) = block_ids(proj, "data_itemoflist")
    (replace_id,) = block_ids(proj, "data_replaceitemoflist")
    (delete_id,) = block_ids(proj, "data_deleteoflist")
    (insert_id,) = block_ids(proj, "data_insertatlist")
    calls = [c for c in hooked_run(proj) if c[0] == "miss"]
    assert calls == [
        ("miss", "L", "read", "5", 2, read_id),
        ("miss", "L", "write", "3", 2, replace_id),
        ("miss", "L", "write", "0", 2, delete_id),
        ("miss", "L", "write", "all", 2, insert_id),
    ]


def test_hooks_receive_an_add_dropped_at_the_list_limit() -> None:
    """`add` to a full list reports a dropped write at index 200,001."""
    prog = Program("p")
    items = prog.stage.list("L", ["x"] * 200_000)
    with prog.sprite("S").when_flag_clicked():
        items.add("y")
    (add_id,) = block_ids(prog.build(), "data_addtolist")
    assert hooked_run(prog.build()) == [
        ("miss", "L", "write", 200_001.0, 200_000, add_id),
        ("finish",),
    ]


def test_hooks_hear_when_nan_or_infinity_is_stored() -> None:
    """Storing NaN in a variable or Infinity in a list is reported as non-finite, after the write."""
    prog = Program("p")
    v, one = prog.stage.var("v", 0), prog.stage.var("one", 1)
    items = prog.stage.list("L")
    with prog.sprite("S").when_flag_clicked():
        v.set(v / 0)  # 0 / 0
        items.add(one / 0)
    calls = [c[:3] for c in hooked_run(prog.build()) if c[0] == "nonfinite"]
    assert calls == [("nonfinite", "v", "nan"), ("nonfinite", "L", "inf")]


def test_on_finish_is_called_once_when_the_run_ends() -> None:
    """on_finish comes last, once, even if the ended run is asked to go on; a new flag click ends anew."""
    hooks = RecordingHooks()
    runtime = started(three_sets(), hooks=hooks)
    runtime.run()
    runtime.run()
    assert runtime.step(1) is None
    assert hooks.calls[-1] == ("finish",)
    assert hooks.calls.count(("finish",)) == 1
    runtime.green_flag()
    runtime.run()
    assert hooks.calls.count(("finish",)) == 2


def test_with_no_hooks_attached_nothing_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    """A run without hooks calls no hook and no report helper (the fast path stays fast)."""

    def fail(*args: object) -> None:
        raise AssertionError("a report was made with no hooks attached")

    for name in ("report_var", "report_list"):
        monkeypatch.setattr(Runtime, name, fail)
    for name in (
        "on_var_set",
        "on_list_write",
        "on_list_clear",
        "on_list_miss",
        "on_nonfinite",
        "on_say",
        "on_finish",
    ):
        monkeypatch.setattr(RunHooks, name, fail)
    prog = Program("p")
    v, items = prog.stage.var("v", 0), prog.stage.list("L", ["a"])
    with prog.sprite("S").when_flag_clicked():
        v.set(v / 0)
        v.change(1)
        items.add(items.item(9))
        items.replace(9, "x")
        items.delete("all")
        say(v)
    runtime = started(prog.build())
    runtime.run()
    assert math.isclose(var_value(runtime, "v"), 1.0)
