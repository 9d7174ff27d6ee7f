"""Traces: every event kind and value round-trips, damaged files fail with one line, replay equals the run."""

from __future__ import annotations

import io
import math
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from emulator.cli import main
from emulator.dsl import Program, repeat
from emulator.runtime.hooks import RunHooks
from emulator.runtime.runtime import Runtime
from emulator.trace import codec
from emulator.trace.diff import diff, same_value
from emulator.trace.events import KIND_NAMES
from emulator.trace.format import TraceError
from emulator.trace.recorder import Recorder, Tee, record_run
from emulator.trace.replay import Trace
from emulator.trace.value_columns import ValueColumns
from tests.helpers import Blocks, project
from tests.strategies import floats_any, scratch_values

TRACES = Path(__file__).resolve().parents[1] / "traces"
NAN, INF = float("nan"), float("inf")


def same_state(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Equal names and identical values (NaN is NaN, -0 is not 0, 1.0 is not True)."""
    if a.keys() != b.keys():
        return False
    for name in a:
        x, y = a[name], b[name]
        if isinstance(x, list | tuple):
            if len(x) != len(y) or not all(same_value(p, q) for p, q in zip(x, y, strict=True)):
                return False
        elif not same_value(x, y):
            return False
    return True


class Seen(RunHooks):
    """Every write as the runtime reported it: (kind, name, item, value)."""

    def __init__(self) -> None:
        self.writes: list[tuple[str, str, int, Any]] = []

    def on_var_set(self, thread: Any, block_id: str, cell: Any, value: Any) -> None:
        self.writes.append(("set", cell.name, 0, value))

    def on_list_write(
        self, thread: Any, block_id: str, cell: Any, op: str, index: int, old: Any, new: Any
    ) -> None:
        self.writes.append((op, cell.name, index, None if op == "delete" else new))

    def on_list_clear(self, thread: Any, block_id: str, cell: Any, old: Any) -> None:
        self.writes.append(("clear", cell.name, 0, None))


# ## A program that makes every kind of write, and a scripted recorder for any value


def every_kind_program() -> Any:
    """Variables set to numbers, strings, booleans, -0, ±Infinity and NaN; every list block; a loop."""
    prog = Program("every_kind")
    x, items = prog.stage.var("x", 0), prog.stage.list("items")
    sprite = prog.sprite("S")
    with sprite.when_flag_clicked():
        x.set(1.5)
        x.set("hello")
        x.set(x < 1)  # a boolean
        x.set(0)
        x.set(1 / x)  # Infinity
        x.set(0)
        x.set(x * -1)  # -0
        x.set(1 / x)  # -Infinity
        x.set(x * 0)  # NaN
        items.delete_all()
        items.add("a")
        items.add(2)
        items.insert(1, "first")
        items.replace(2, x)
        items.delete(3)
        with repeat(3):
            items.add(x < 2)
            x.change(1)
        items.delete_all()
        items.add("end")
    return prog.build()


def test_every_event_kind_round_trips() -> None:
    """Each write the runtime reports comes back from the file with its kind, item, value and type."""
    seen = Seen()
    runtime = Runtime(every_kind_program())
    buf = io.BytesIO()
    recorder = Recorder(runtime, buf, program="every_kind", chunk_events=4)
    runtime.hooks = Tee(seen, recorder)
    runtime.green_flag()
    runtime.run()
    recorder.close()
    trace = Trace.from_bytes(buf.getvalue())
    back = [(KIND_NAMES[e.kind], e.cell.name, e.item, e.value) for e in trace.events()]
    assert len(back) == len(seen.writes)
    for got, want in zip(back, seen.writes, strict=True):
        assert got[:3] == want[:3]
        assert same_value(got[3], want[3]), (got, want)
    assert {k[0] for k in back} == set(KIND_NAMES)
    values = [w[3] for w in seen.writes]
    assert any(isinstance(v, float) and math.isnan(v) for v in values)
    assert any(v == INF for v in values) and any(isinstance(v, bool) for v in values)
    assert any(isinstance(v, float) and v == 0 and math.copysign(1, v) < 0 for v in values)
    final = trace.state_at(trace.event_count)
    assert final.variables["x"] == runtime.stage.variable(None, "x").value
    assert list(final.lists["items"]) == runtime.stage.list(None, "items").items
    assert trace.ending is not None and trace.ending.finished and not trace.truncated


class Script:
    """Drives a Recorder by hand, writing cells as the runtime does, and keeps the true state after each write."""

    def __init__(self, chunk_events: int, initial: tuple[Any, ...] = ()) -> None:
        blocks = Blocks()
        blocks.flag_script(blocks.set_var("x", [1, [10, "0"]]), hat_id="hat")
        self.runtime = Runtime(
            project(blocks, variables={"x": 0.0, "y": "a"}, lists={"L": list(initial), "M": []})
        )
        self.runtime.green_flag()
        self.thread = self.runtime.threads[0]
        self.sink = io.BytesIO()
        self.recorder = Recorder(self.runtime, self.sink, chunk_events=chunk_events)
        stage = self.runtime.stage
        self.vars = {n: stage.variable(None, n) for n in ("x", "y")}
        self.lists = {n: stage.list(None, n) for n in ("L", "M")}
        self.states = [self.snapshot()]
        # Who put each list item where it is: the event number, or None for an initial item.
        self.writers: dict[str, list[list[int | None]]] = {"L": [[None] * len(initial)], "M": [[]]}
        self.last_set: dict[str, list[int | None]] = {"x": [None], "y": [None]}

    def snapshot(self) -> dict[str, Any]:
        return {
            **{n: c.value for n, c in self.vars.items()},
            **{n: list(c.items) for n, c in self.lists.items()},
        }

    def apply(self, op: str, name: str, where: float, value: Any) -> None:
        """One write, in the order the runtime makes it: the store, then the hook (a replace reports first)."""
        rt, rec, t, n = self.runtime, self.recorder, self.thread, len(self.states) - 1
        rt.blocks += 3
        writers = {k: list(v[-1]) for k, v in self.writers.items()}
        sets = {k: v[-1] for k, v in self.last_set.items()}
        if op == "set":
            self.vars[name].value = value
            rec.on_var_set(t, "b1", self.vars[name], value)
            sets[name] = n
        else:
            self._list_op(op, self.lists[name], writers[name], where, value, n)
        for k in self.writers:
            self.writers[k].append(writers[k])
        for k in self.last_set:
            self.last_set[k].append(sets[k])
        self.states.append(self.snapshot())

    def _list_op(
        self, op: str, cell: Any, writers: list[int | None], where: float, value: Any, n: int
    ) -> None:
        rec, t, items = self.recorder, self.thread, cell.items
        k = 1 + int(where * len(items))
        if op in ("replace", "delete") and not items:
            op = "add"
        if op == "add":
            items.append(value)
            writers.append(n)
            rec.on_list_write(t, "b1", cell, "add", len(items), "", value)
        elif op == "insert":
            k = 1 + int(where * (len(items) + 1))
            items.insert(k - 1, value)
            writers.insert(k - 1, n)
            rec.on_list_write(t, "b1", cell, "insert", k, "", value)
        elif op == "replace":
            rec.on_list_write(t, "b1", cell, "replace", k, items[k - 1], value)
            items[k - 1] = value
            writers[k - 1] = n
        elif op == "delete":
            old = items.pop(k - 1)
            writers.pop(k - 1)
            rec.on_list_write(t, "b1", cell, "delete", k, old, "")
        else:
            old = items[:]
            items.clear()
            writers.clear()
            rec.on_list_clear(t, "b1", cell, old)

    def trace(self) -> Trace:
        self.recorder.close()
        return Trace.from_bytes(self.sink.getvalue())


ops = st.tuples(
    st.sampled_from(["set", "add", "insert", "replace", "delete", "clear"]),
    st.booleans(),
    st.floats(0, 0.999),
    scratch_values(),
)


def play(script: Script, steps: list[tuple[str, bool, float, Any]]) -> None:
    for op, first, where, value in steps:
        name = ("x" if first else "y") if op == "set" else ("L" if first else "M")
        script.apply(op, name, where, value)


@pytest.mark.parametrize(
    "value",
    [
        0.0,
        -0.0,
        1.5,
        -7.0,
        2.0**40,
        NAN,
        INF,
        -INF,
        5e-324,
        "",
        "0",
        "hello",
        "\ud83d",
        True,
        False,
        None,
    ],
)
def test_every_value_keeps_its_type(value: Any) -> None:
    """A value written to a variable and to a list reads back identical: same type, same bits."""
    script = Script(chunk_events=2)
    play(
        script,
        [
            ("set", True, 0, value),
            ("add", True, 0, value),
            ("set", True, 0, 0.1),
            ("insert", True, 0, value),
            ("replace", True, 0.5, value),
            ("set", False, 0, value),
        ],
    )
    trace = script.trace()
    for n, state in enumerate(script.states):
        got = trace.state_at(n)
        assert same_state({**got.variables, **{k: list(v) for k, v in got.lists.items()}}, state), n


@given(
    st.lists(
        st.one_of(scratch_values(), floats_any(), st.sampled_from([0.1, -2.5, 7.0])), max_size=60
    )
)
def test_any_mix_of_values_decodes_from_its_columns_as_it_was(values: list[Any]) -> None:
    """Values as a chunk stores them (all floats, or mixed with strings, booleans and None, a
    float repeated or not) read back identical: same type, same bits, same order."""
    columns = codec.Columns()
    strings = codec.encode_values(columns, "v_", ValueColumns.of(values))
    meta, cols = codec.unpack(columns.packed({"v_strings": strings})[0])
    decoded = codec.decode_values(meta, cols, "v_").values
    assert len(decoded) == len(values)
    assert all(same_value(a, b) for a, b in zip(decoded, values, strict=True))


# ## Damaged files


def small_trace() -> bytes:
    script = Script(chunk_events=3, initial=("i1", 2.0))
    play(
        script,
        [
            ("set", True, 0, 1.0),
            ("add", True, 0, "v"),
            ("insert", True, 0.2, 3.5),
            ("replace", True, 0.9, True),
            ("delete", True, 0.1, None),
            ("set", False, 0, "s"),
            ("clear", True, 0, None),
            ("add", False, 0, 9.0),
        ],
    )
    return script.trace().reader.data


def test_a_trace_cut_at_any_byte_opens_to_its_last_whole_chunk() -> None:
    """Cutting the file anywhere after the first snapshot leaves a trace of every whole events chunk before the cut."""
    data = small_trace()
    whole = Trace.from_bytes(data)
    first_snapshot_end = whole.snapshots[0].offset + 44 + whole.snapshots[0].length
    for cut in range(len(data)):
        if cut < first_snapshot_end:
            with pytest.raises(TraceError):
                Trace.from_bytes(data[:cut], "cut.trace")
            continue
        trace = Trace.from_bytes(data[:cut], "cut.trace")
        assert trace.truncated
        expected = sum(c.count for c in whole.event_chunks if c.offset + 44 + c.length <= cut)
        assert trace.event_count == expected
        assert trace.state_at(expected) == whole.state_at(expected)
    assert not whole.truncated


def test_a_flipped_byte_is_reported_with_its_chunk_offset() -> None:
    """Every single flipped bit is caught when the file is opened, naming where the damaged chunk starts."""
    data = small_trace()
    starts = [0] + [c.offset for c in Trace.from_bytes(data).reader.chunks]
    for pos in range(len(data)):
        damaged = bytearray(data)
        damaged[pos] ^= 0x10
        with pytest.raises(TraceError) as err:
            Trace.from_bytes(bytes(damaged), "bad.trace")
        chunk_start = max(s for s in starts if s <= pos)
        offset = int(re.search(r"at byte ([\d,]+)", str(err.value)).group(1).replace(",", ""))  # type: ignore[union-attr]
        assert offset == chunk_start or (chunk_start == 0 and offset == 8), (pos, str(err.value))
        assert "\n" not in str(err.value)


# ## Replay against the truth


class CursorMachine(RuleBasedStateMachine):
    """Seeking, stepping forward and stepping back always show the state a replay from the start shows."""

    @initialize(
        steps=st.lists(ops, max_size=40),
        chunk=st.integers(1, 6),
        initial=st.lists(scratch_values(), max_size=3),
    )
    def record(
        self, steps: list[tuple[str, bool, float, Any]], chunk: int, initial: list[Any]
    ) -> None:
        self.script = Script(chunk, tuple(initial))
        play(self.script, steps)
        self.trace = self.script.trace()
        self.cursor = self.trace.cursor(0)

    @rule(n=st.integers(0, 100))
    def seek(self, n: int) -> None:
        self.cursor.seek(n % (self.trace.event_count + 1))

    @rule()
    def forward(self) -> None:
        before = self.cursor.position
        event = self.cursor.forward()
        assert (event is None) == (before == self.trace.event_count)
        if event is not None:
            assert event.index == before and self.cursor.position == before + 1

    @rule()
    def back(self) -> None:
        before = self.cursor.position
        event = self.cursor.back()
        assert (event is None) == (before == 0)
        if event is not None:
            assert event.index == before - 1 and self.cursor.position == before - 1

    @precondition(lambda self: hasattr(self, "trace"))
    @rule(
        item=st.integers(1, 8),
        width=st.integers(0, 3),
        name=st.sampled_from(["L", "M"]),
        at=st.integers(0, 100),
    )
    def who_wrote(self, item: int, width: int, name: str, at: int) -> None:
        n = at % (self.trace.event_count + 1)
        writers = self.script.writers[name][n]
        if item > len(writers):
            return
        end = min(item + width, len(writers))
        wanted = [w for w in writers[item - 1 : end] if w is not None]
        found = self.trace.last_write_before(n, name, (item, end))
        assert (found.index if found is not None else None) == (max(wanted) if wanted else None)

    @precondition(lambda self: hasattr(self, "trace"))
    @rule(name=st.sampled_from(["x", "y"]))
    def who_set(self, name: str) -> None:
        n = self.cursor.position
        found = self.trace.last_write_before(n, name)
        assert (found.index if found is not None else None) == self.script.last_set[name][n]

    @invariant()
    def state_is_the_truth(self) -> None:
        if not hasattr(self, "cursor"):
            return
        n = self.cursor.position
        truth = self.script.states[n]
        here = self.cursor.state()
        assert same_state({**here.variables, **{k: list(v) for k, v in here.lists.items()}}, truth)
        replayed = self.trace.cursor(0)
        for _ in range(n):
            replayed.forward()
        assert replayed.state() == here or same_state(
            {**replayed.state().variables, **replayed.state().lists},
            {**here.variables, **here.lists},
        )


CursorMachine.TestCase.settings = settings(
    max_examples=60,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_cursor_matches_replay_from_the_start = CursorMachine.TestCase


def test_who_wrote_follows_items_across_a_delete() -> None:
    """After deleting item 3 of a range 2..3, the item now at 3 is the old item 4: its writer answers, not item 3's."""
    script = Script(chunk_events=100, initial=(0.0, 0.0, 0.0, 0.0))
    play(
        script,
        [
            ("replace", True, 0.0, 1.0),
            ("replace", True, 0.25, 2.0),
            ("replace", True, 0.75, 4.0),
            ("replace", True, 0.5, 3.0),
            ("delete", True, 0.5, None),
        ],
    )
    trace = script.trace()
    assert trace.state_at(5).lists["L"] == (1.0, 2.0, 4.0)
    assert trace.last_write_before(5, "L", (2, 3)).index == 2  # type: ignore[union-attr]
    assert trace.last_write_before(4, "L", (2, 3)).index == 3  # type: ignore[union-attr]


@given(steps=st.lists(ops, max_size=30))
@settings(max_examples=40, deadline=None)
def test_writes_to_lists_every_write_to_an_item(steps: list[tuple[str, bool, float, Any]]) -> None:
    """writes_to(list, i) is exactly the events that named item i of that list."""
    script = Script(chunk_events=4)
    play(script, steps)
    trace = script.trace()
    for item in range(1, 4):
        want = [
            e.index
            for e in trace.events()
            if e.cell.name == "L" and e.item == item and e.kind_name != "clear"
        ]
        assert [e.index for e in trace.writes_to("L", item)] == want


# ## Alongside the debugger, and the shipped traces


def test_recorder_runs_alongside_the_debugger_findings() -> None:
    """With the recorder teed beside Findings, both see the run: the trace equals a plain recording."""
    from emulator.debug.session import DebugSession

    program = every_kind_program()
    session = DebugSession(program, start=False)
    buf = io.BytesIO()
    recorder = Recorder(session.runtime, buf)
    session.runtime.hooks = Tee(session.findings, recorder)
    session.runtime.green_flag()
    session.continue_()
    recorder.close()
    plain = io.BytesIO()
    record_run(every_kind_program(), plain)
    teed = [e.value for e in Trace.from_bytes(buf.getvalue()).events()]
    alone = [e.value for e in Trace.from_bytes(plain.getvalue()).events()]
    assert len(teed) == len(alone) and all(
        same_value(a, b) for a, b in zip(teed, alone, strict=True)
    )
    assert session.findings.nonfinite  # Findings saw the Infinity and NaN writes too


def test_diff_of_the_shipped_traces_names_the_differing_line() -> None:
    """The buggy and fixed day3 runs part at the `set u_k` block of get_delta_offset, and W1 ends up different."""
    report = diff(Trace.open(TRACES / "day3-buggy.trace"), Trace.open(TRACES / "day3-fixed.trace"))
    d = report.divergence
    assert d is not None and d.same_write and d.a is not None and d.b is not None
    source = Path(__file__).resolve().parents[1] / "programs" / "day3_mlp.py"
    line = d.a.block.source.rsplit(":", 1)[1]  # type: ignore[union-attr]
    assert "n.u_k.set(" in source.read_text().splitlines()[int(line) - 1]
    assert d.a.block.opcode == "data_setvariableto" and d.a.cell.name == "u_k"
    assert d.a.value != d.b.value
    w1 = next(s for s in report.slices if s.name == "W1")
    assert w1.differ > 0


def test_a_trace_diffed_with_itself_has_no_divergence() -> None:
    """Comparing a trace with itself finds nothing."""
    trace = Trace.open(TRACES / "day3-buggy.trace")
    report = diff(trace, trace)
    assert report.divergence is None and not any(c.differ for c in report.lists)


@pytest.mark.parametrize("variant", ["buggy", "fixed"])
def test_the_shipped_traces_are_fresh(variant: str, tmp_path: Path) -> None:
    """Recording again with the command in traces/README.md gives the shipped file, byte for byte."""
    out = tmp_path / f"day3-{variant}.trace"
    args = ["--variant", variant, "--epochs", "1", "--train", "5", "--test", "2", "-o", str(out)]
    assert main(["record", "day3", *args]) == 0
    assert out.read_bytes() == (TRACES / out.name).read_bytes(), (
        "re-record with the command in traces/README.md"
    )


def test_shipped_trace_replays_to_its_own_snapshots() -> None:
    """Replaying every event of a shipped trace from its first snapshot lands on each later snapshot."""
    trace = Trace.open(TRACES / "day3-buggy.trace")
    cursor = trace.cursor(0)
    for snap in trace.snapshots[1:]:
        while cursor.position < snap.first:
            cursor.forward()
        live = trace._snapshot(snap)
        assert same_state(
            {**cursor.live.variables, **cursor.live.lists}, {**live.variables, **live.lists}
        )


# ## The command line


def test_cli_replay_and_diff_print_what_they_found(capsys: pytest.CaptureFixture[str]) -> None:
    """replay answers --who with the block and its source line; diff names line and variable."""
    assert main(["replay", str(TRACES / "day3-buggy.trace"), "--at", "40000", "--who", "W1"]) == 0
    out = capsys.readouterr().out
    assert "state after 40,000 events" in out and "last written before event 40,000" in out
    assert "programs/day3_mlp.py:" in out
    assert main(["diff", str(TRACES / "day3-buggy.trace"), str(TRACES / "day3-fixed.trace")]) == 0
    out = capsys.readouterr().out
    assert "first divergence at event" in out and "u_k" in out and "n.u_k.set(" in out


def test_cli_record_writes_a_trace_that_replays(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """record then replay a small program from the command line."""
    out = tmp_path / "ao.trace"
    assert main(["record", "apple_orange", "-o", str(out), "--snapshot-every", "5"]) == 0
    assert "events over" in capsys.readouterr().out
    assert main(["replay", str(out), "--at", "3"]) == 0
    assert "state after 3 events" in capsys.readouterr().out
    assert main(["replay", str(out), "--at-step", "0"]) == 0
    assert "state after 0 events" in capsys.readouterr().out


def test_record_only_the_named_lists_and_variables(tmp_path: Path) -> None:
    """--lists and --vars keep only those cells: in the tables, the events and the snapshots."""
    out = tmp_path / "some.trace"
    assert (
        main(["record", "apple_orange", "-o", str(out), "--lists", "none_such", "--vars", "price"])
        == 0
    )
    trace = Trace.open(out)
    assert {c.name for c in trace.tables.cells} == {"price"}
    assert trace.event_count > 0 and all(e.cell.name == "price" for e in trace.events())
    assert set(trace.state_at(trace.event_count).variables) == {"price"}
    assert trace.header.options["vars"] == ["price"]


@pytest.mark.parametrize(
    "argv",
    [
        ["replay", "{missing}"],
        ["replay", "{damaged}"],
        ["replay", "{cut}"],
        ["replay", "{good}", "--at", "999999999"],
        ["replay", "{good}", "--who", "no_such_list[3]"],
        ["replay", "{good}", "--events", "a..b"],
        ["diff", "{good}", "{damaged}"],
        ["diff", "{missing}", "{good}"],
    ],
)
def test_cli_errors_are_one_line_and_exit_2(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing, damaged or cut file, or a bad option, is one line on stderr and exit status 2."""
    data = (TRACES / "day3-buggy.trace").read_bytes()
    damaged = bytearray(data)
    damaged[len(data) // 2] ^= 0xFF
    paths = {
        "missing": tmp_path / "missing.trace",
        "damaged": tmp_path / "damaged.trace",
        "cut": tmp_path / "cut.trace",
        "good": TRACES / "day3-buggy.trace",
    }
    paths["damaged"].write_bytes(bytes(damaged))
    paths["cut"].write_bytes(data[:100])
    assert main([a.format(**{k: str(v) for k, v in paths.items()}) for a in argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("scratch-emu: error: "), err


def _sb3_trace(tmp_path: Path, variant: str) -> Trace:
    """A day3 run loaded from an exported .sb3, so its blocks carry no DSL source line."""
    from emulator.programs.day3_mlp import build
    from emulator.sb3 import load_project, save_sb3

    path = tmp_path / f"{variant}.sb3"
    save_sb3(build(variant=variant, epochs=1, train=1, test=1), path)
    sink = io.BytesIO()
    record_run(load_project(path), sink, program=path.name)
    return Trace.from_bytes(sink.getvalue())


def test_diff_of_sb3_traces_finds_the_differing_block(tmp_path: Path) -> None:
    """Without DSL lines, blocks are matched by opcode occurrence: the runs part at the `set u_k` block."""
    buggy, fixed = _sb3_trace(tmp_path, "buggy"), _sb3_trace(tmp_path, "fixed")
    d = diff(buggy, fixed).divergence
    assert d is not None and d.a is not None and d.b is not None
    assert (
        d.a.block.source is None
        and d.a.block.opcode == "data_setvariableto"
        and d.a.cell.name == "u_k"
    )
    assert d.a.value != d.b.value


def test_output_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """`scratch-emu replay ... | head -1` ends with no traceback."""
    import subprocess
    import sys

    cmd = f"{sys.executable} -m emulator replay {TRACES / 'day3-buggy.trace'} --events 0..5000 | head -1"
    done = subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=120)
    assert done.stdout.count("\n") == 1 and "Traceback" not in done.stderr


def test_a_clones_own_writes_are_named_by_the_clone() -> None:
    """Each clone's variable and list writes name the clone that owns the cell; stage writes stay plain."""
    from emulator.dsl_sprite import create_clone
    from emulator.trace.render import event_line

    prog = Program("clones")
    made = prog.stage.var("made", 0)
    ball = prog.sprite("Ball")
    mine, seen = ball.var("mine", 0), ball.list("seen")
    with ball.when_flag_clicked(), repeat(2):
        create_clone()
        made.change(1)
    with ball.when_i_start_as_clone():
        mine.set(made)
        seen.add(mine)
    sink = io.BytesIO()
    record_run(prog.build(), sink)
    lines = [event_line(e) for e in Trace.from_bytes(sink.getvalue()).events()]
    assert sum(" made = " in line for line in lines) == 2
    for n in (1, 2):
        assert any(f" Ball (clone {n}):mine = " in line for line in lines), lines
        assert any(f"add Ball (clone {n}):seen[1] = " in line for line in lines), lines
