"""Compiled code with hooks attached reports what the interpreter reports: every event, in order, at the same clock."""

from __future__ import annotations

import contextlib
import dis
import io
import itertools
import re
from collections.abc import Callable, Container
from typing import Any

import pytest
from hypothesis import given

from emulator.compiler import counted_misses, hooked, prelude
from emulator.debug.findings import Findings, Watch
from emulator.debug.provenance import origins
from emulator.dsl import Program, TargetBuilder, broadcast_and_wait, if_, join, repeat, wait
from emulator.programs.apple_orange import build as apple_orange
from emulator.programs.day3_mlp import build as day3
from emulator.project import Project
from emulator.runtime import sequencer
from emulator.runtime.hooks import EVERY_BLOCK, RunHooks, RunPattern, WriteLog
from emulator.runtime.origins import index_variables
from emulator.runtime.runtime import Runtime
from emulator.runtime.saved import restore_runtime, save_runtime
from emulator.runtime.thread import Thread
from emulator.sb3 import project_from_json
from emulator.trace import recorder
from emulator.trace.events import State
from emulator.trace.recorder import Tee, record_run
from emulator.trace.replay import Trace
from tests import strategies
from tests.conformance.cases._fuzz import build_project
from tests.helpers import calls_of, interrupting_log
from tests.test_compiler import INJECTED, _hostile_program, _names_in, nan_inside_arithmetic


def _plain(value: Any) -> Any:
    """A hook argument as comparable data: threads, cells and lists by what they name."""
    if hasattr(value, "script_id"):
        return ("thread", value.target.name, value.script_id)
    if hasattr(value, "items") and hasattr(value, "owner"):
        return ("list", value.owner, value.name)
    if hasattr(value, "value") and hasattr(value, "owner"):
        return ("var", value.owner, value.name)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, State):  # a trace's state: NaN among its values compares as itself
        return (value.event, value.step, _plain(dict(value.variables)), _plain(dict(value.lists)))
    if isinstance(value, float) and value != value:
        return "NaN"
    return value


class EventLog(RunHooks):
    """Every report, with its arguments and the clock when it came; all list reads watched.

    The variables keep the origins of their values too (the runs compare them at the end).
    """

    wants_origins = True

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.events: list[tuple[Any, ...]] = []

    def _log(self, name: str, *args: Any) -> None:
        self.events.append((name, self.runtime.blocks, *(_plain(a) for a in args)))

    def on_var_set(self, *args: Any) -> None:
        self._log("var", *args)

    def on_list_write(self, *args: Any) -> None:
        self._log("write", *args)

    def on_list_clear(self, *args: Any) -> None:
        self._log("clear", *args)

    def on_list_miss(self, *args: Any) -> None:
        self._log("miss", *args)

    def on_list_index(self, *args: Any) -> None:
        self._log("index", *args)

    def on_list_read(self, *args: Any) -> None:
        self._log("read", *args)

    def on_nonfinite(self, *args: Any) -> None:
        self._log("nonfinite", *args)

    def on_say(self, *args: Any) -> None:
        self._log("say", *args)

    def on_finish(self) -> None:
        self._log("finish")


class _FramesUsedUp(Exception):
    """Raised after the last allowed frame."""


def events(
    project: Project,
    engine: str,
    *,
    seed: int = 0,
    turbo: bool = False,
    max_frames: int = 60,
    watched: Container[str] = EVERY_BLOCK,
) -> tuple[list[tuple[Any, ...]], int, int]:
    """The hook events of a run from the green flag, its block count and frame count; the
    `watched` blocks' reads are reported."""
    rt = Runtime(project, seed=seed, turbo=turbo, engine=engine)
    log = EventLog(rt)
    rt.hooks = log
    rt.watch_reads(watched)
    rt.on_frame = _stop_after_frames(rt, max_frames)
    rt.green_flag()
    with contextlib.suppress(_FramesUsedUp):
        rt.run()
    log.events.append(("origins", _origins(rt)))
    return log.events, rt.blocks, rt.frame_count


def _stop_after_frames(rt: Runtime, frames: int) -> Callable[[], None]:
    """An on_frame that ends the run (_FramesUsedUp) after so many frames."""

    def after_frame() -> None:
        if rt.frame_count >= frames:
            raise _FramesUsedUp

    return after_frame


def _origins(rt: Runtime) -> dict[tuple[str, str], Any]:
    """Where each variable's value came from (VarCell.origin), by target and variable id."""
    return {(t.name, c.id): c.origin for t in rt.targets for c in t.variables.values()}


def hooked_source(project: Project) -> str:
    """The code compiled for a run with hooks attached."""
    rt = Runtime(project, engine="compiled")
    rt.hooks = RunHooks()
    rt.green_flag()
    return "\n".join(c.text() for c in rt.compiled_hooked or [])


def assert_same_events(project: Project, **params: Any) -> list[tuple[Any, ...]]:
    """Both engines report the same events, in the same order, at the same clock."""
    expected = events(project, "interpreter", **params)
    actual = events(project, "compiled", **params)
    if actual != expected:
        source = hooked_source(project)
        for n, (a, b) in enumerate(zip(expected[0], actual[0], strict=False)):
            assert a == b, f"event {n}: {a} != {b}\n--- generated source ---\n{source}"
        assert actual == expected, f"\n--- generated source ---\n{source}"
    return actual[0]


@pytest.mark.parametrize(
    "project",
    [
        pytest.param(apple_orange(), id="apple_orange"),
        *(
            pytest.param(
                day3(variant=variant, epochs=1, train=2, test=1, layers=(196, 6, 10), seed=3),
                id=f"day3-{variant}",
            )
            for variant in ("fixed", "buggy")
        ),
    ],
)
def test_programs_report_the_same(project: Project) -> None:
    """apple_orange and day3 (both variants) report identical events under both engines."""
    assert assert_same_events(project, seed=3, max_frames=100_000)


@strategies.fuzz_settings(strategies.COMPILER_EXAMPLES)
@given(program=strategies.fuzz_programs())
def test_random_programs_report_the_same(program: dict[str, Any]) -> None:
    """Compiled with hooks, a random program reports what the interpreter reports."""
    project = project_from_json(build_project(program))
    assert_same_events(project, seed=program["seed"], turbo=program["turbo"])


def test_plain_code_names_no_hook() -> None:
    """The code of a run without hooks has no report in it: hooks cost nothing when none is attached."""
    rt = Runtime(
        day3(variant="buggy", epochs=1, train=1, test=1, layers=(196, 6, 10)), engine="compiled"
    )
    plain = "\n".join(c.text() for c in rt.compiled)
    assert not any(name in plain for name in ("on_var_set", "tell_var", "h_item", "hooks"))
    rt.hooks = RunHooks()
    rt.green_flag()
    assert rt.threads and all(t.compiled is not None for t in rt.threads)
    hooked = "\n".join(c.text() for c in rt.compiled_hooked or [])
    assert "tell_var(" in hooked and "h_item(" in hooked


@pytest.mark.parametrize("recorded", [False, True])
def test_no_comparison_in_day3s_code_is_followed_by_a_long_jump(recorded: bool) -> None:
    """CPython 3.11 specialises a comparison for the types it meets only where the conditional
    jump after it is short (Writer.unless): in day3's plain code, and in the code a recording of
    it runs, no comparison is followed by an extended jump argument."""
    rt = Runtime(day3(variant="buggy", epochs=1, train=1, test=1), engine="compiled")
    if recorded:
        rt.attach(recorder.Recorder(rt, io.BytesIO()))
        rt.green_flag()
    compiled = rt.compiled_hooked if recorded else rt.compiled
    assert compiled
    followed = [
        (fn.__name__, after.opname)
        for unit in compiled
        for fn in unit.functions.values()
        for compare, after in itertools.pairwise(dis.get_instructions(fn))
        if compare.opname == "COMPARE_OP"
    ]
    assert followed and ("EXTENDED_ARG" not in {opname for _, opname in followed})


# ## The trace recorder, on compiled code


def _trace_rows(data: bytes) -> tuple[list[tuple[Any, ...]], Any]:
    trace = Trace.from_bytes(data)
    rows = [
        (e.step, e.kind, e.thread, e.block, e.cell, e.item, _plain(e.value)) for e in trace.events()
    ]
    snapshots = [_plain(trace.state_at(n)) for n in range(0, len(rows) + 1, len(rows) // 9 + 1)]
    return rows, (trace.final_step, snapshots)


def assert_same_recordings(project: Project, program: str) -> None:
    """A recording of the run holds the same events and states under both engines."""
    traces = {}
    for engine in ("interpreter", "compiled"):
        sink = io.BytesIO()
        record_run(project, sink, program=program, engine=engine)
        traces[engine] = _trace_rows(sink.getvalue())
    assert traces["compiled"] == traces["interpreter"]


@pytest.mark.parametrize("part_events", [None, 7])
@pytest.mark.parametrize("variant", ["buggy", "fixed"])
def test_record_compiled_writes_the_interpreters_trace(
    monkeypatch: pytest.MonkeyPatch, variant: str, part_events: int | None
) -> None:
    """A trace recorded on compiled code has the interpreter's events, steps and states, chunk by
    chunk, its log taken whole at each chunk or in parts (of 7 writes: a chunk's last is 3)."""
    if part_events is not None:
        monkeypatch.setattr(recorder, "PART_EVENTS", part_events)
    project = day3(variant=variant, epochs=1, train=2, test=1, layers=(196, 6, 10), seed=3)
    traces = {}
    for engine in ("interpreter", "compiled"):
        sink = io.BytesIO()
        ending = record_run(project, sink, program="day3", seed=3, chunk_events=500, engine=engine)
        assert ending.reason == "finished"
        traces[engine] = sink.getvalue()
    assert Trace.from_bytes(traces["compiled"]).header.engine == "compiled"
    expected, actual = _trace_rows(traces["interpreter"]), _trace_rows(traces["compiled"])
    assert len(actual[0]) == len(expected[0]) > 1000
    assert actual == expected


def test_a_log_taken_in_parts_gives_the_same_file_with_sites_numbered_by_first_write(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """However the recorder takes the log (in parts of 3 or 7 writes, or whole at each chunk),
    a compiled run's trace is the same file, and its sites are numbered in the order of their
    first writes, as the interpreter numbers them (a custom block's writes heard by the hooks
    among them)."""
    project = day3(variant="buggy", epochs=1, train=2, test=1, layers=(196, 6, 10), seed=3)
    files = {}
    for part_events in (3, 7, 500):
        monkeypatch.setattr(recorder, "PART_EVENTS", part_events)
        sink = io.BytesIO()
        record_run(project, sink, seed=3, chunk_events=500, engine="compiled")
        files[part_events] = sink.getvalue()
    assert files[3] == files[7] == files[500]
    trace = Trace.from_bytes(files[3])
    tables = trace.tables
    numbered = [
        (tables.threads[s.thread], tables.blocks[s.block], tables.cells[s.cell], s.kind)
        for s in tables.sites
    ]
    firsts = dict.fromkeys((e.thread, e.block, e.cell, e.kind) for e in trace.events())
    assert numbered == list(firsts) and len(numbered) > 100


def _two_scripts_in_one_block() -> Project:
    """Two scripts call one custom block (not warp: they take turns) that sets and changes
    variables, one of them to NaN and to infinity, and replaces list items."""
    prog = Program("two_scripts")
    total, last, odd = (prog.stage.var(name, 0) for name in ("total", "last", "odd"))
    xs = prog.stage.list("xs", [0, 0, 0])
    sprite = prog.sprite("S")
    step = sprite.procedure("step %s", ["k"])
    with step.define() as (k,), repeat(3):
        total.change(k)
        last.set(join("k", k))
        odd.set(total / (k - k))  # NaN at 0 / 0, infinity after
        xs.replace(k + 0, total)  # a number: written inline
    for start in (1, 2):
        with sprite.when_flag_clicked(), repeat(4):
            step(start)
    return prog.build()


def _chunk_sizes(data: bytes) -> list[int]:
    return [c.count for c in Trace.from_bytes(data).event_chunks]


@pytest.mark.parametrize("part_events", [None, 3])
@pytest.mark.parametrize(
    ("variables", "lists"), [(None, None), (["total", "odd"], None), (None, [])]
)
def test_write_log_records_the_interpreters_trace_chunk_by_chunk(
    monkeypatch: pytest.MonkeyPatch, variables: Any, lists: Any, part_events: int | None
) -> None:
    """Compiled code appends each write to the recorder's log (WriteLog) instead of calling it:
    two threads writing at the same places in the code, chunks cut every 7 events from inside
    the code (the log taken whole, or in parts of 3, 3 and 1), and NaN among the values give
    the interpreter's events, states and chunks; with only some variables or lists recorded,
    the code calls the recorder for those as before."""
    if part_events is not None:
        monkeypatch.setattr(recorder, "PART_EVENTS", part_events)
    project = _two_scripts_in_one_block()
    traces = {}
    for engine in ("interpreter", "compiled"):
        sink = io.BytesIO()
        record_run(project, sink, chunk_events=7, engine=engine, variables=variables, lists=lists)
        traces[engine] = sink.getvalue()
    expected, actual = _trace_rows(traces["interpreter"]), _trace_rows(traces["compiled"])
    assert actual == expected
    assert len({row[2] for row in expected[0]}) == 2  # both scripts wrote
    assert _chunk_sizes(traces["compiled"]) == _chunk_sizes(traces["interpreter"])


def test_a_script_started_again_and_again_is_recorded_as_the_interpreter_records_it() -> None:
    """A broadcast's script, started afresh twenty times (a new thread each time), writes at the
    same places in the code: the recorder looks its sites up once for the script, and the trace
    holds the interpreter's events."""
    prog = Program("restarts")
    total = prog.stage.var("total", 0)
    sprite = prog.sprite("S")
    with sprite.when_i_receive("go"), repeat(3):
        total.change(1)
    with sprite.when_flag_clicked(), repeat(20):
        broadcast_and_wait("go")
    project = prog.build()
    traces = {}
    for engine in ("interpreter", "compiled"):
        sink = io.BytesIO()
        record_run(project, sink, chunk_events=11, engine=engine)
        traces[engine] = sink.getvalue()
    expected, actual = _trace_rows(traces["interpreter"]), _trace_rows(traces["compiled"])
    assert actual == expected and len(expected[0]) == 60


def test_hooks_with_a_write_log_hear_no_variable_write_from_compiled_code(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """While they hear every variable, hooks with a WriteLog get each write appended there, its
    place in the code naming the block and the variable or list; the code never calls on_var_set
    or, for a replace, on_list_write."""

    class Logs(RunHooks):
        def __init__(self) -> None:
            self.write_log = WriteLog(1_000_000, lambda: None)

    heard = calls_of(monkeypatch, Logs, "on_var_set", lambda self, t, b, c, v: b)
    heard_items = calls_of(monkeypatch, Logs, "on_list_write", lambda self, t, b, c, *rest: b)
    hooks = Logs()
    rt = Runtime(_two_scripts_in_one_block(), engine="compiled", hooks=hooks)
    rt.green_flag()
    rt.run()
    log = hooks.write_log
    assert heard == heard_items == [] and len(log) == 2 * 4 * 3 * 4  # 4 a pass
    assert len(log.codes) == len(log.clocks) == len(log) and len(log.items) == 2 * 4 * 3
    names = [log.sites[site][1].name for site in log.codes]
    assert names[:5] == ["total", "last", "odd", "xs", "total"]
    assert (log.items[0], log[3]) == (1, 1.0)  # xs's item 1 replaced by total
    assert len({id(thread) for _, thread in log.marks}) == 2  # both scripts marked as they wrote


def _interrupted_in_a_warp_loop(
    monkeypatch: pytest.MonkeyPatch, after: int, body: Callable[[Program], None]
) -> Trace:
    """The trace of a run whose one script calls a warp block repeating `body` 100 times, cut
    short by Ctrl-C as the `after`-th write is logged."""
    monkeypatch.setattr(recorder, "WriteLog", interrupting_log(after))
    prog = Program("interrupted")
    sprite = prog.sprite("S")
    block = sprite.procedure("block", warp=True)
    with block.define(), repeat(100):
        body(prog)
    with sprite.when_flag_clicked():
        block()
    sink = io.BytesIO()
    with pytest.raises(KeyboardInterrupt):
        record_run(prog.build(), sink, chunk_events=1000, engine="compiled")
    trace = Trace.from_bytes(sink.getvalue())
    assert trace.ending is not None and trace.ending.reason == "interrupted"
    return trace


def test_a_trace_cut_short_inside_compiled_code_ends_at_its_last_write(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ctrl-C in a loop that has not written its locals back: the trace's last state holds the
    last value its events wrote, not the stale cell, at a clock no earlier than that write."""

    def count(prog: Program) -> None:
        prog.stage.var("total", 0).change(1)

    trace = _interrupted_in_a_warp_loop(monkeypatch, 50, count)
    last = trace.event(trace.event_count - 1)
    assert trace.event_count == 49 and last.value == 49.0
    end = trace.state_at(trace.event_count)  # the snapshot written at the interrupt
    assert list(end.variables.values()) == [49.0] and end.step >= last.step


def test_a_trace_cut_short_in_a_list_write_inside_compiled_code_reads_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ctrl-C as a replace's value is logged, its item already in the log: the trace holds the
    writes before it, every list write with its item, and reads back whole."""

    def fill(prog: Program) -> None:
        i = prog.stage.var("i", 0)
        prog.stage.list("xs", [0, 0, 0]).replace(2, i)
        i.change(1)

    trace = _interrupted_in_a_warp_loop(monkeypatch, 26, fill)  # i's change logs no value
    events = list(trace.events())
    assert len(events) == 50 and [e.item for e in events[0::2]] == [2] * 25
    cursor = trace.cursor(50)
    assert cursor.items("xs") == [0, 24.0, 0] and cursor.value("i") == 25.0


# ## The debugger's findings, gathered on compiled code


def _run_with_findings(project: Project, engine: str) -> tuple[Findings, Runtime]:
    """A run from the green flag with the debugger's findings attached, and its runtime."""
    hooks = Findings(list(project.targets))
    rt = Runtime(project, engine=engine, hooks=hooks)
    rt.green_flag()
    rt.run()
    return hooks, rt


def _findings(project: Project, engine: str) -> tuple[Findings, dict[tuple[str, str], Any]]:
    """The findings of a run, and where each variable's value came from at its end."""
    hooks = Findings(list(project.targets))
    rt = Runtime(project, seed=3, engine=engine, hooks=hooks)
    hooks.block_count = lambda: rt.blocks
    hooks.start_coverage()
    rt.green_flag()
    rt.run()
    return hooks, _origins(rt)


@pytest.mark.parametrize("variant", ["buggy", "fixed"])
def test_findings_on_compiled_code_are_the_interpreters(variant: str) -> None:
    """What explain gathers through hooks (misses, index quirks, NaN, clamps, coverage, provenance) is the same compiled."""
    project = day3(variant=variant, epochs=1, train=2, test=1, layers=(196, 6, 10), seed=3)
    (expected, expected_origins), (actual, actual_origins) = (
        _findings(project, engine) for engine in ("interpreter", "compiled")
    )
    for name in ("misses", "index_quirks", "nonfinite", "written", "writers"):
        assert getattr(actual, name) == getattr(expected, name), name
    assert [c.count for c in actual.clamps.values()] == [c.count for c in expected.clamps.values()]
    assert actual_origins == expected_origins
    assert sum(w is not None for w in expected_origins.values()) > 10
    if variant == "buggy":
        assert expected.misses  # the bug's reads past the end of the weights are found


@pytest.mark.parametrize("warp", [False, True], ids=["yielding", "warp"])
def test_nan_inside_arithmetic_is_reported_as_the_interpreter_reports_it(warp: bool) -> None:
    """Indices whose sums and products are NaN inside (read as 0) are computed again with their
    NaN tests, and heard at the interpreter's index: every event, the findings and the trace."""
    project = nan_inside_arithmetic(warp)
    assert assert_same_events(project)
    # The trees with items among their operands are computed bare too: the bare tree binds each
    # item it reads (to _tN), and the tested tree reads that instead of the item.
    source = hooked_source(project)
    bound = re.findall(r"\((_t\d+) := \(_t\d+ if type\(\(_t\d+ := \(l_\d+\[", source)
    assert bound and all(re.search(rf"\b{name}\b(?! :=)", source) for name in bound), source
    (expected, _), (actual, _) = (
        _findings(project, engine) for engine in ("interpreter", "compiled")
    )
    for name in ("misses", "index_quirks", "nonfinite", "written", "writers"):
        # as text: a finding's first value may be NaN, which equals nothing
        assert repr(getattr(actual, name)) == repr(getattr(expected, name)), name
    assert expected.nonfinite and expected.misses  # NaN and Infinity summed, items past the end
    assert_same_recordings(project, "nan_inside")


def _items_written_every_way() -> Project:
    """Replaces of a list's items inline, past the items it had when the run began (after adds),
    at a fractional index, and while a watch on it comes and goes (a variable's writes tell the
    findings when: see _coverage_of_every_way); and of another list's after it was cleared."""
    prog = Program("items_written")
    xs, ys = prog.stage.list("xs", [1, 2, 3]), prog.stage.list("ys", [1])
    phase, k = prog.stage.var("phase", 0), prog.stage.var("k", 0)
    with prog.sprite("S").when_flag_clicked():
        xs.replace(2, "a")
        xs.add(4)
        xs.add(5)
        k.set(0)
        with repeat(5):
            k.change(1)
            xs.replace(k, join("b", k))
        xs.replace(1.5, "c")
        phase.set(1)  # a watch on items 1..2
        xs.replace(1, "d")
        xs.replace(4, "e")
        phase.set(2)  # no watch
        xs.replace(2, "f")
        ys.delete_all()
        ys.add(6)
        ys.add(7)
        ys.replace(k - 3, "g")
    return prog.build()


def _coverage_of_every_way(engine: str) -> tuple[Any, ...]:
    """What the findings make of _items_written_every_way's writes in one engine."""
    project = _items_written_every_way()
    hooks = Findings(list(project.targets))
    rt = Runtime(project, engine=engine, hooks=hooks)
    hooks.block_count = lambda: rt.blocks
    hooks.start_coverage()
    watch = Watch("xs", 1, 2, is_list=True)

    def phase(cell: object, value: object) -> None:
        hooks.add_watch(watch) if float(str(value)) == 1 else hooks.remove_watch(watch)

    hooks.listen("phase", phase)
    rt.green_flag()
    rt.run()
    return hooks.written, hooks.writers, [hit.text for hit in hooks.watch_hits]


def test_items_marked_by_compiled_code_are_the_interpreters_coverage() -> None:
    """Compiled code marks a replaced item in the findings' marks (RunHooks.item_marks) instead
    of logging it; the coverage, the last writer of each item and the watch's hits are the
    interpreter's, whichever way each item was written."""
    expected, actual = (_coverage_of_every_way(e) for e in ("interpreter", "compiled"))
    assert actual == expected
    written, writers, hits = actual
    assert bytes(written["xs"]) == b"\x01" * 5 and bytes(written["ys"]) == b"\x01\x01", actual
    xs = writers["xs"]  # d, f, the loop's, e, the loop's
    assert len(set(xs)) == 4 and xs[2] == xs[4] and len(hits) == 1, actual


def test_hostile_names_reported_as_data() -> None:
    """Hostile names and block ids reach the hooks as data: the reporting code splices no project text."""
    project = _hostile_program()
    assert assert_same_events(project)
    rt = Runtime(project, engine="compiled")
    rt.hooks = RunHooks()
    rt.green_flag()
    source = "\n".join(c.text() for c in rt.compiled_hooked or [])
    assert "tell_var(" in source  # the writes are told, their names and ids as data
    assert not _names_in(source) & INJECTED


# ## Which writes are reported, and where values came from


def _counting() -> Project:
    """A counter from 1 and a running sum over five passes, then a copy of the sum, which
    indexes a list (so the copy, the sum and the counter keep origins); `other` indexes nothing."""
    prog = Program("origins")
    n, total, copy, other = (prog.stage.var(name, 0) for name in ("n", "total", "copy", "other"))
    items = prog.stage.list("items", [1])
    with prog.sprite("S").when_flag_clicked():
        n.set(1)
        with repeat(5):
            total.change(n * 2)
            n.change(1)
            other.change(n)
        copy.set(total + 1)
        items.add(items.item(copy))
    return prog.build()


class Heard(RunHooks):
    """Hears the writes of `total` only."""

    reported_writes = frozenset({"total"})

    def __init__(self) -> None:
        self.heard: list[tuple[str, Any]] = []

    def on_var_set(self, thread: Any, block_id: str, cell: Any, value: Any) -> None:
        self.heard.append((cell.name, value))


class StartsHearing(RunHooks):
    """Hears `total`; from its write of 6 on, `n` too (as an observer that adds a watch mid-run)."""

    def __init__(self) -> None:
        self.reported_writes = frozenset({"total"})
        self.heard: list[tuple[str, Any]] = []

    def on_var_set(self, thread: Any, block_id: str, cell: Any, value: Any) -> None:
        self.heard.append((cell.name, value))
        if cell.name == "total" and value == 6.0:
            self.reported_writes = frozenset({"total", "n"})
            self.hearing_changed()


def _counting_in_warp(indexing: bool = False) -> Project:
    """The counter and the sum of _counting, in a custom block that runs without screen refresh;
    if `indexing`, the sum then indexes a list (so both keep origins)."""
    prog = Program("warp counting")
    n, total = prog.stage.var("n", 0), prog.stage.var("total", 0)
    sprite = prog.sprite("S")
    count = sprite.procedure("count", [], warp=True)
    with count.define():
        n.set(1)
        with repeat(5):
            total.change(n * 2)
            n.change(1)
    with sprite.when_flag_clicked():
        count()
        if indexing:
            items = prog.stage.list("items", [1])
            items.add(items.item(total))
    return prog.build()


@pytest.mark.parametrize("engine", ["interpreter", "compiled"])
@pytest.mark.parametrize("build", [_counting, _counting_in_warp])
def test_hooks_that_start_hearing_a_variable_mid_run_hear_its_next_write(
    engine: str, build: Any
) -> None:
    """Compiled code skips the writes no hook hears (VarCell.heard); told of a change
    (hearing_changed), it reports the very next write, as the interpreter does."""
    hooks = StartsHearing()
    rt = Runtime(build(), engine=engine, hooks=hooks)
    rt.green_flag()
    rt.run()
    totals = [("total", 2.0 * k) for k in (1, 3, 6, 10, 15)]
    assert hooks.heard == [
        *totals[:2],
        ("n", 3.0),
        totals[2],
        ("n", 4.0),
        totals[3],
        ("n", 5.0),
        totals[4],
        ("n", 6.0),
    ]


def test_the_findings_keep_the_flags_true_to_what_they_hear() -> None:
    """After each change of what the debugger's findings hear (a listener, a watch, their
    removal), every variable's flags say what the runtime's reports would do."""
    project = _counting()
    findings = Findings(list(project.targets))
    rt = Runtime(project, engine="compiled", hooks=findings)
    cells = [c for t in rt.targets for c in t.variables.values()]

    def assert_tuned() -> None:
        for c in cells:
            assert c.heard == (c.name in findings.reported_writes), c.name
            assert c.tracked == (c.name in index_variables(project.targets)), c.name

    assert_tuned()
    findings.listen("other", lambda cell, value: None)
    assert_tuned()
    watch = Watch("n")
    findings.add_watch(watch)
    assert_tuned()
    assert {c.name for c in cells if c.heard} == {"other", "n"}
    findings.remove_watch(watch)
    findings.listen("other", None)
    assert_tuned()
    assert not any(c.heard for c in cells)
    rt.attach(None)
    assert not any(c.heard or c.tracked for c in cells)


def test_hooks_put_in_place_without_attach_are_heard_from_the_first_thread() -> None:
    """The flags follow hooks assigned directly (not through Runtime.attach) before the run."""
    rt = Runtime(_counting(), engine="compiled", hooks=KeepsOrigins())
    heard = Heard()
    rt.hooks = heard
    rt.green_flag()
    rt.run()
    assert heard.heard == [("total", 2.0 * k) for k in (1, 3, 6, 10, 15)]


class KeepsOrigins(RunHooks):
    """Hears nothing in particular; the variables keep the origins of their values."""

    wants_origins = True


@pytest.mark.parametrize("engine", ["interpreter", "compiled"])
def test_only_the_variables_hooks_ask_for_are_reported(engine: str) -> None:
    """reported_writes names what on_var_set hears; other writes reach no observer, in either engine."""
    heard = Heard()
    rt = Runtime(_counting(), engine=engine, hooks=heard)
    rt.green_flag()
    rt.run()
    assert heard.heard == [("total", 2.0 * k) for k in (1, 3, 6, 10, 15)]


def test_a_tee_gives_each_observer_the_writes_it_asks_for() -> None:
    """Beside an observer of every write, one that asks for `total` hears only `total`."""
    heard = Heard()
    rt = Runtime(_counting(), engine="compiled")
    everything = EventLog(rt)
    rt.hooks = Tee(heard, everything)
    rt.green_flag()
    rt.run()
    assert [name for name, _ in heard.heard] == ["total"] * 5
    written = [e[4][2] for e in everything.events if e[0] == "var"]
    assert written.count("n") == 6 and written.count("copy") == 1


def test_origins_lead_back_to_a_counters_start_in_both_engines() -> None:
    """`copy` came from the sum, the sum from the counter, the counter from `set n to 1`."""
    project = _counting()
    blocks = project.target("S").blocks
    setters = {
        b.fields["VARIABLE"].value: b.id
        for b in blocks.values()
        if b.opcode == "data_setvariableto"
    }
    found = {}
    for engine in ("interpreter", "compiled"):
        rt = Runtime(project, engine=engine, hooks=KeepsOrigins())
        rt.green_flag()
        rt.run()
        copy = rt.stage.variable(None, "copy")
        found[engine] = list(origins([copy]))
    assert found["compiled"] == found["interpreter"]
    names = [o.variable for o in found["interpreter"]]
    assert names[0] == "copy" and {"total", "n"} <= set(names)
    assert setters["n"] in {o.block_id for o in found["interpreter"]}


def _sum_beside_a_writer() -> Project:
    """A running sum over passes that yield, of a counter and of `step`, which another script sets
    from a different block between the sum's passes; the sum's copy indexes a list."""
    prog = Program("sum beside a writer")
    n, total, step, copy = (prog.stage.var(name, 0) for name in ("n", "total", "step", "copy"))
    items = prog.stage.list("items", [1])
    with prog.sprite("S").when_flag_clicked():
        n.set(1)
        with repeat(6):
            total.change(n * step)
            n.change(1)
        copy.set(total + 1)
        items.add(items.item(copy))
    with prog.sprite("W").when_flag_clicked():
        for value in (1, 2, 3):
            step.set(value)
            wait(0)
    return prog.build()


def _origins_alike(project: Project, name: str) -> list[Any]:
    """Where a stage variable's value came from at the end of a run, the same in both engines."""
    found = {}
    for engine in ("interpreter", "compiled"):
        rt = Runtime(project, engine=engine, hooks=KeepsOrigins())
        rt.green_flag()
        rt.run()
        found[engine] = list(origins([rt.stage.variable(None, name)]))
    assert found["compiled"] == found["interpreter"]
    return found["interpreter"]


def test_a_running_sum_joins_an_origin_another_script_changed_between_its_passes() -> None:
    """A loop's running sum checks its origin only when what it joins may have changed: another
    script's write of `step` while the loop yielded is joined on the next pass in both engines."""
    project = _sum_beside_a_writer()
    steps = {o.block_id for o in _origins_alike(project, "total") if o.variable == "step"}
    sets = project.target("W").blocks.values()
    assert steps == {b.id for b in sets if b.opcode == "data_setvariableto"}


@pytest.mark.parametrize("warp", [False, True])
def test_a_counter_links_again_after_a_set_between_its_changes(warp: bool) -> None:
    """A loop's counter checks its origin only when it may have changed since it last linked it:
    after a `set n` in the same loop, the next `change n by 1` is a new link in both engines,
    whether the loop yields between passes or not."""
    prog = Program("counter and a set")
    n, copy = prog.stage.var("n", 0), prog.stage.var("copy", 0)
    items = prog.stage.list("items", [1])
    sprite = prog.sprite("S")
    count = sprite.procedure("count", warp=warp)
    with count.define(), repeat(6):
        n.change(1)
        with if_(n == 3):
            n.set(n + 10)
    with sprite.when_flag_clicked():
        count()
        copy.set(n)
        items.add(items.item(copy))
    project = prog.build()
    opcodes = {b.id: b.opcode for b in project.target("S").blocks.values()}
    assert [opcodes[o.block_id] for o in _origins_alike(project, "n")] == [
        "data_changevariableby",  # the last changes, then the set before them
        "data_setvariableto",
    ]


class KeepsOriginsFromTheThirdWrite(RunHooks):
    """Hears `n`; from its write of 3 on, hooks that keep origins take over (attached in the
    middle of a pass)."""

    reported_writes = frozenset({"n"})

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt

    def on_var_set(self, thread: Thread, block_id: str, cell: Any, value: Any) -> None:
        if value == 3:
            self.rt.attach(KeepsOrigins())


def test_origins_kept_from_the_middle_of_a_warp_loop_are_the_interpreters() -> None:
    """A loop whose writes are all running sums and counters stops checking origins once a pass
    changed none (origin_memo.Settling); passes in which no origin was kept never count as such:
    hooks that keep origins, attached in the middle of a pass, see the interpreter's origins."""
    project = _counting_in_warp(indexing=True)
    found = {}
    for engine in ("interpreter", "compiled"):
        rt = Runtime(project, engine=engine)
        rt.attach(KeepsOriginsFromTheThirdWrite(rt))
        rt.green_flag()
        rt.run()
        found[engine] = [list(origins([rt.stage.variable(None, n)])) for n in ("total", "n")]
    assert found["compiled"] == found["interpreter"]
    assert found["compiled"][0], "the sum keeps an origin once the second hooks are attached"


def test_only_variables_that_reach_an_index_keep_origins() -> None:
    """The index reads `copy`, `copy` the sum, the sum the counter: they keep origins in both
    engines; `other`, which no index reads, keeps none; a counter's repeated change is one link."""
    assert index_variables(_counting().targets) == {"copy", "total", "n"}
    for engine in ("interpreter", "compiled"):
        rt = Runtime(_counting(), engine=engine, hooks=KeepsOrigins())
        rt.green_flag()
        rt.run()
        assert rt.stage.variable(None, "other").origin is None
        n = rt.stage.variable(None, "n").origin
        assert n is not None and n[2][0][0] != n[0]  # `change n by 1`, then `set n to 1`
        total = rt.stage.variable(None, "total").origin
        assert total is not None and total[3] == 3  # five changes from the same `n`: one link


def test_index_variables_follow_sets_and_changes_back_through_every_sprite() -> None:
    """A chain of sets across two sprites ends at the index; a variable set from an unrelated one is left out."""
    prog = Program("chain")
    a, b, c, d = (prog.stage.var(name, 1) for name in ("a", "b", "c", "d"))
    items = prog.stage.list("items", [1, 2])
    with prog.sprite("One").when_flag_clicked():
        b.set(a + 1)
        d.set(c)
    with prog.sprite("Two").when_flag_clicked():
        items.replace(b, 0)
    assert index_variables(prog.build().targets) == {"a", "b"}


def test_a_restored_snapshot_restores_origins() -> None:
    """Origins are run state: restoring a saved run puts back where each value came from."""
    rt = Runtime(_counting(), hooks=KeepsOrigins())
    rt.green_flag()
    rt.run()
    cell = rt.stage.variable(None, "copy")
    saved, before = save_runtime(rt), cell.origin
    rt.report_var(Thread(rt.stage, "x", None), "elsewhere", cell, 0.0)
    assert cell.origin != before
    restore_runtime(rt, saved)
    assert cell.origin == before


def _past_the_end(warp: bool = False) -> Project:
    """Five reads past the end of a 3-item list, at 4 to 8, in a loop that keeps the list's
    length: a script's, which yields after every pass, or a custom block's in warp, which never
    does (compiled code counts the misses in locals there until something may look)."""
    prog = Program("past_the_end")
    xs, i = prog.stage.list("xs", [1, 2, 3]), prog.stage.var("i", 3)
    total = prog.stage.var("total", 0)
    with _loop_of(prog.sprite("S"), warp), repeat(5):
        i.change(1)
        total.change(xs.item(i))
    return prog.build()


def _loop_of(sprite: TargetBuilder, warp: bool) -> contextlib.AbstractContextManager[object]:
    """Where a loop goes: the sprite's green-flag script, or a custom block in warp that the
    script calls."""
    if not warp:
        return sprite.when_flag_clicked()
    walk = sprite.procedure("walk", [], warp=True)
    with sprite.when_flag_clicked():
        walk()
    return walk.define()


@pytest.mark.parametrize("warp", [False, True])
@pytest.mark.parametrize(("engine", "calls"), [("interpreter", 5), ("compiled", 1)])
def test_reads_past_the_end_are_counted_alike(
    monkeypatch: pytest.MonkeyPatch, engine: str, calls: int, warp: bool
) -> None:
    """Five reads past the end of a 3-item list: compiled code tells on_list_miss of the first and
    adds the rest to the block's tally (RunHooks.read_misses), counted in locals in the loop;
    the findings are the interpreter's."""
    project = _past_the_end(warp)
    heard = calls_of(monkeypatch, Findings, "on_list_miss", lambda self, t, b, c, k, i, n: i)
    hooks, rt = _run_with_findings(project, engine)
    assert len(heard) == calls
    [miss] = hooks.misses.values()
    assert (miss.count, miss.first_index, miss.last_index, miss.length) == (5, 4.0, 8.0, 3)
    if engine == "compiled":
        assert "flushed(" in "".join(c.text() for c in rt.compiled_hooked or ())


@pytest.mark.parametrize("warp", [False, True])
@pytest.mark.parametrize("order", [[6, 9, 4, 12, 5, 7], [12, 9, 7, 6, 5, 4], [4, 5, 6, 7, 9, 12]])
def test_reads_past_the_end_keep_their_lowest_and_highest_in_any_order(
    warp: bool, order: list[int]
) -> None:
    """Misses counted in locals keep the lowest and the highest index whatever order they come
    in (rising, falling, below the first, between): the interpreter's tally."""
    prog = Program("past_the_end_in_any_order")
    xs, ks = prog.stage.list("xs", [1, 2, 3]), prog.stage.list("ks", order)
    i, total = prog.stage.var("i", 0), prog.stage.var("total", 0)
    with _loop_of(prog.sprite("S"), warp), repeat(len(order)):
        i.change(1)
        total.change(xs.item(ks.item(i) + 0))
    project = prog.build()
    tallies = {}
    for engine in ("interpreter", "compiled"):
        hooks, rt = _run_with_findings(project, engine)
        tallies[engine] = [(m.count, m.first_index, m.last_index) for m in hooks.misses.values()]
        if engine == "compiled":
            assert "flushed(" in "".join(c.text() for c in rt.compiled_hooked or ())
    assert tallies["compiled"] == tallies["interpreter"] == [(6, 4.0, 12.0)], tallies


@pytest.mark.parametrize("warp", [False, True])
def test_hooks_attached_mid_run_count_their_own_reads_past_the_end(warp: bool) -> None:
    """Compiled code keeps the tally of a block's misses where the read is (its miss flag) until
    the hooks change: hooks attached in the middle of a pass (by a listener of the first hooks)
    count the misses from there on, in their own tally, as the interpreter has them; the first
    hooks keep the misses they heard, those counted in locals too."""
    project = _past_the_end(warp)
    counts = {}
    for engine in ("interpreter", "compiled"):
        first, second = Findings(list(project.targets)), Findings(list(project.targets))
        rt = Runtime(project, engine=engine, hooks=first)

        def swap(cell: object, value: object, rt: Runtime = rt, second: Findings = second) -> None:
            if value == 6:  # after i's write of the third pass, before its read
                rt.attach(second)

        first.listen("i", swap)
        rt.green_flag()
        rt.run()
        counts[engine] = [
            [(m.count, m.first_index, m.last_index) for m in hooks.misses.values()]
            for hooks in (first, second)
        ]
    assert counts["compiled"] == counts["interpreter"], counts
    assert counts["compiled"] == [[(2, 4.0, 5.0)], [(3, 6.0, 8.0)]], counts


@pytest.mark.parametrize(("warp", "listened"), [(False, "tick"), (True, "i")])
def test_reads_past_the_end_counted_in_locals_are_in_the_tally_when_hooks_look(
    warp: bool, listened: str
) -> None:
    """Compiled code counts a loop's reads past the end in locals, and the hooks find each in the
    tally when they look, as the interpreter has it: without warp the loop yields after every
    pass, and another script's turn in the same frame looks (a listener of its variable); in
    warp it never yields, and the hooks look as they hear a write at the top of each pass, the
    misses of the passes before counted further down the loop."""
    prog = Program("past_the_end_looked_at")
    xs, i = prog.stage.list("xs", [1, 2, 3]), prog.stage.var("i", 3)
    total, tick = prog.stage.var("total", 0), prog.stage.var("tick", 0)
    with _loop_of(prog.sprite("S"), warp), repeat(6):
        i.change(1)
        total.change(xs.item(i))
        total.change(xs.item(i + 10))
    with prog.sprite("T").when_flag_clicked(), repeat(6):
        tick.change(1)
    project = prog.build()
    seen = {}
    for engine in ("interpreter", "compiled"):
        hooks = Findings(list(project.targets))
        looks: list[list[tuple[int, float, float]]] = []

        def look(cell: object, value: object, hooks: Findings = hooks, looks: list = looks) -> None:
            looks.append([(m.count, m.first_index, m.last_index) for m in hooks.misses.values()])

        hooks.listen(listened, look)
        rt = Runtime(project, engine=engine, hooks=hooks)
        rt.green_flag()
        rt.run()
        seen[engine] = looks
    assert seen["compiled"] == seen["interpreter"], seen
    # The last look comes before the last pass's reads (T looks first in a frame).
    assert seen["compiled"][-1] == [(5, 4.0, 8.0), (5, 14.0, 18.0)], seen


def test_a_flush_mark_becomes_the_flushes_its_place_may_need() -> None:
    """Where no counted site may have counted yet, a mark is dropped (a block it leaves empty
    gets a pass); where one may, it becomes that site's flush, at the mark's indentation."""
    mark = counted_misses.MARK
    site = counted_misses.CountedSite("l_4", loops=("inner",))
    marks = [
        counted_misses.Mark(0, ()),
        counted_misses.Mark(0, ("outer",)),
        counted_misses.Mark(0, ("outer", "inner")),
    ]
    lines = [
        "    if a:",
        f"        {mark}0",
        "    b = 1",
        f"    {mark}1",
        f"    {mark}2",
        "    c = 2",
    ]
    assert counted_misses.placed(lines, {23: site}, marks) == [
        "    if a:",
        "        pass",
        "    b = 1",
        "    if _mk23 is not None:",
        "        _mk23 = flushed(_mk23, _mc23, _mf23, _ml23, len(l_4))",
        "    c = 2",
    ]


def test_fractional_indices_are_counted_alike_when_hooks_change_mid_run() -> None:
    """Reads at fractional indices inside a list (a lookup table's) are counted by compiled code
    into the block's tally (RunHooks.fractions) after the first; hooks attached in the middle of
    a pass count the rest in their own, as the interpreter has them."""
    prog = Program("fractions")
    xs, i = prog.stage.list("xs", [1, 2, 3, 4, 5, 6, 7, 8]), prog.stage.var("i", 0)
    total = prog.stage.var("total", 0)
    with prog.sprite("S").when_flag_clicked(), repeat(6):
        i.change(1)
        total.change(xs.item(i + 0.5))
    project = prog.build()
    counts = {}
    for engine in ("interpreter", "compiled"):
        first, second = Findings(list(project.targets)), Findings(list(project.targets))
        rt = Runtime(project, engine=engine, hooks=first)

        def swap(cell: object, value: object, rt: Runtime = rt, second: Findings = second) -> None:
            if value == 3:
                rt.attach(second)

        first.listen("i", swap)
        rt.green_flag()
        rt.run()
        counts[engine] = [[q.count for q in h.index_quirks.values()] for h in (first, second)]
        assert rt.stage.variable(None, "total").value == 21.0
    assert counts["compiled"] == counts["interpreter"] == [[2], [4]], counts


def _offsets(offset: float, half_step_at: int, warp: bool, moved_offset: float) -> Project:
    """Reads and replaces at a counter plus an offset held in a variable, in a loop: the offset
    may be fractional, the counter may take a half step at one pass, and another script moves the
    offset while a loop without warp yields; a product with a huge factor, and a counter stepped
    by a huge number, run out of whole floats (to Infinity). The loop's guard (WholeGuard) must
    stand for none of it."""
    prog = Program("offsets")
    xs = prog.stage.list("xs", list(range(1, 13)))
    i, off, big = prog.stage.var("i", 0), prog.stage.var("off", offset), prog.stage.var("big", 1)
    huge = prog.stage.var("huge", 0)
    total = prog.stage.var("total", 0)
    sprite = prog.sprite("S")
    walk = sprite.procedure("walk", [], warp=warp)
    with walk.define(), repeat(10):
        total.change(xs.item(i + off))
        xs.replace(i + off + 1, total)
        total.change(xs.item(big * 0 + i))
        total.change(xs.item(big + 1))
        total.change(xs.item(huge - 1))
        big.set(big * 1e200)
        huge.change(1e308)
        i.change(1)
        if half_step_at:
            with if_(i == half_step_at):
                i.change(0.5)
    with sprite.when_flag_clicked():
        walk()
    with prog.sprite("Mover").when_flag_clicked():
        wait(0)
        off.set(moved_offset)
    return prog.build()


@pytest.mark.parametrize("warp", [False, True])
@pytest.mark.parametrize(
    ("offset", "half_step_at", "moved_offset"),
    [(0, 0, 0), (0.5, 0, 0.5), (0, 4, 0), (0, 0, 0.25), (0.25, 0, 1)],
)
def test_indices_made_of_whole_and_fractional_numbers_report_alike(
    offset: float, half_step_at: int, warp: bool, moved_offset: float
) -> None:
    """Every read and replace at a whole index, a fractional one, or one past the end (Infinity
    too) is reported as the interpreter reports it, and the findings count the same fractional
    indices and misses, whatever the loop's guard saw when it began; a recording (whose code
    tells the writes alone, a fractional index's as its item) holds the same writes."""
    project = _offsets(offset, half_step_at, warp, moved_offset)
    events = assert_same_events(project)
    assert_same_recordings(project, "offsets")
    fractional = offset % 1 or half_step_at or (moved_offset % 1 and not warp)
    assert any(e[0] == "index" for e in events) == bool(fractional)
    assert sum(e[0] == "nonfinite" for e in events) >= 2 * 8  # big's and huge's
    counted = {}
    for engine in ("interpreter", "compiled"):
        hooks, rt = _run_with_findings(project, engine)
        counted[engine] = (
            sorted(q.count for q in hooks.index_quirks.values()),
            sorted((m.count, m.first_index, m.last_index) for m in hooks.misses.values()),
            rt.stage.list(None, "xs").items,
        )
    assert counted["compiled"] == counted["interpreter"], counted


def test_reads_inside_any_list_write_report_at_the_interpreters_clock() -> None:
    """An `item of` inside a list write other than replace (whose code tells the hooks before it
    evaluates its inputs) reports at the clock the interpreter has, not the block's cost twice."""
    prog = Program("reads in list writes")
    xs = prog.stage.list("xs", [1, 2])
    with prog.sprite("S").when_flag_clicked():
        xs.add(xs.item(""))
        xs.insert(1, xs.item("x"))
        xs.replace(1, xs.item(" "))
        xs.delete(xs.item(1.5))
    events = assert_same_events(prog.build())
    assert sum(e[0] == "index" for e in events) >= 4


@pytest.mark.parametrize("watched", ["every read", "no read", "the second read"])
def test_literal_indices_report_alike(watched: str) -> None:
    """Items read at literal indices (numbers, and text as a project holds them: whole, spaced,
    hexadecimal, fractional, words, past the end, from a list emptied later) are read and
    reported the same in both engines, whether the reads are watched or not."""
    prog = Program("literal_indices")
    xs, total = prog.stage.list("xs", [5, 6, 7]), prog.stage.var("total", 0)
    literals = ["1", " 2 ", "0x2", "3.0", 2.0, "4", "2.5", "last", "", 1.0]
    with prog.sprite("S").when_flag_clicked():
        with repeat(2):
            for literal in literals:
                total.change(xs.item(literal))
        xs.delete_all()
        for literal in literals:
            total.change(xs.item(literal))
    project = prog.build()
    reads = [
        b.id for t in project.targets for b in t.blocks.values() if b.opcode == "data_itemoflist"
    ]
    blocks = {"every read": EVERY_BLOCK, "no read": frozenset(), "the second read": {reads[1]}}
    events = assert_same_events(project, watched=blocks[watched])
    assert any(e[0] == "miss" for e in events)  # "4", and every read of the emptied list
    assert any(e[0] == "index" for e in events)  # "2.5", ""
    assert sum(e[0] == "read" for e in events) == {"every read": 30, "no read": 0}.get(watched, 2)


def test_text_indices_report_alike() -> None:
    """Items read at indices held as text (a number passed on as text, words, text that is no
    number, whitespace) are read and reported the same in both engines, before and after the
    text's number is cached."""
    prog = Program("text_indices")
    xs, total = prog.stage.list("xs", [5, 6, 7]), prog.stage.var("total", 0)
    k = prog.stage.var("k", "")
    texts = ["2", " 3 ", "2.0", "1e0", "0x2", "last", "LAST", "all", "", "  ", "2.5", "4", "x"]
    with prog.sprite("S").when_flag_clicked(), repeat(2):
        for text in texts:
            k.set(text)
            total.change(xs.item(k))
    events = assert_same_events(prog.build())
    assert sum(e[0] == "index" for e in events) == 2 * 5  # "LAST", "", "  ", "2.5", "x"


class IgnoresMisses(RunHooks):
    """Hooks that say they do not hear reads past the end (as the trace recorder)."""

    hears_read_misses = False

    def __init__(self) -> None:
        self.misses = 0

    def on_list_miss(self, *args: Any) -> None:
        self.misses += 1


def test_hooks_that_hear_no_misses_are_not_called_for_them_by_compiled_code() -> None:
    """A whole index past the end calls on_list_miss only for hooks that hear misses; the
    interpreter calls it either way (a no-op for such hooks)."""
    project = _past_the_end()
    counted = {}
    for engine in ("interpreter", "compiled"):
        hooks = IgnoresMisses()
        rt = Runtime(project, engine=engine, hooks=hooks)
        rt.green_flag()
        rt.run()
        counted[engine] = hooks.misses
        assert rt.stage.variable(None, "total").value == 0.0
    assert counted == {"interpreter": 5, "compiled": 0}


# ## Hooks that hear writes alone (the trace recorder)


class HearsWritesAlone(EventLog):
    """Every report, from hooks that say they hear writes alone, through a write log."""

    hears_writes_only = True
    hears_read_misses = False
    wants_origins = False

    def __init__(self, runtime: Runtime) -> None:
        super().__init__(runtime)
        self.write_log = WriteLog(1_000_000, lambda: None)


def _kinds(events: list[tuple[Any, ...]]) -> set[Any]:
    return {e[0] for e in events}


def test_code_for_hooks_that_hear_writes_alone_reads_as_plain_code_does() -> None:
    """Hooks that hear writes alone get each variable's write in their log and no read, read past
    the end or origin from compiled code; the interpreter tells them everything, as before."""
    project = _past_the_end()
    for engine, told in (("interpreter", {"var", "miss", "finish"}), ("compiled", {"finish"})):
        rt = Runtime(project, engine=engine)
        hooks = HearsWritesAlone(rt)
        rt.attach(hooks)
        rt.green_flag()
        rt.run()
        assert _kinds(hooks.events) == told
        assert rt.stage.variable(None, "total").value == 0.0
    logged = hooks.write_log
    assert len(logged) == 10  # i and total, five times each
    assert [logged.sites[site][1].name for site in logged.codes] == ["i", "total"] * 5
    hooked = "\n".join(c.text() for c in rt.compiled_hooked or [])
    # A read at a float index is plain code's: "" past the end, with no call.
    assert "h_item(" not in hooked and ".tracked" not in hooked and "else '')" in hooked


def test_recorded_code_looks_at_its_log_only_once_the_clock_nears_its_room(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Recorded, every script runs code for hooks that hear writes alone, which looks at the
    log's length only once its clock passes the bound room() gave (a small share of its writes)
    and still cuts every chunk at exactly its size."""
    looked: list[int] = []
    wrote = hooked.wrote
    monkeypatch.setitem(hooked.HOOKED_NAMES, "wrote", lambda *a: looked.append(1) or wrote(*a))
    project = day3(variant="buggy", epochs=1, train=2, test=1, layers=(196, 6, 10), seed=3)
    rt = Runtime(project, engine="compiled")
    sink = io.BytesIO()
    hooks = recorder.Recorder(rt, sink, chunk_events=2000, move_after=None)
    rt.attach(hooks)
    rt.green_flag()
    rt.run()
    hooks.close()
    assert rt.compiled_hooked and all(c.unit.writes_only for c in rt.compiled_hooked)
    assert all(script.hooked is not None for script in rt.scripts)
    sizes = _chunk_sizes(sink.getvalue())
    assert sum(sizes) > 10_000 and set(sizes[:-1]) == {2000}
    assert 0 < len(looked) < sum(sizes) / 20


def test_recorded_code_hands_a_part_over_short_of_full_where_it_looks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where the code looks at its log, it hands a part over once it holds PART_EVENTS -
    PART_SLACK writes, lets a part grow to PART_REACH times PART_EVENTS before it must look, and
    calls out (hooked.wrote, hooked.checked) only to hand a part over: a look that finds the log
    short only moves its bound on. The chunks are still exactly their size, the file the same."""
    monkeypatch.setattr(recorder, "PART_EVENTS", 500)
    project = day3(variant="buggy", epochs=1, train=2, test=1, layers=(196, 6, 10), seed=3)
    called: list[int] = []
    for name in ("wrote", "checked"):
        slow = hooked.HOOKED_NAMES[name]
        monkeypatch.setitem(
            hooked.HOOKED_NAMES, name, lambda *a, slow=slow: called.append(1) or slow(*a)
        )
    taken = calls_of(monkeypatch, recorder.Recorder, "_take", lambda rec, *a: rec._log.events)
    files, calls, parts = [], [], []
    for slack, reach in ((0, 1), (100, 1), (100, 2)):
        monkeypatch.setattr(recorder, "PART_SLACK", slack)
        monkeypatch.setattr(recorder, "PART_REACH", reach)
        sink, called_before, taken_before = io.BytesIO(), len(called), len(taken)
        record_run(project, sink, chunk_events=4_000, move_after=None)
        files.append(sink.getvalue())
        calls.append(len(called) - called_before)
        parts.append([size for size in taken[taken_before:] if size])
    assert files[0] == files[1] == files[2]
    sizes = _chunk_sizes(files[2])
    assert sum(sizes) > 10_000 and set(sizes[:-1]) == {4_000}
    assert set(parts[0][:-1]) == {500} and any(400 <= size < 500 for size in parts[1])
    assert max(parts[1]) <= 500 and max(parts[2]) <= 1_000
    assert all(0 < count <= len(taken) for count, taken in zip(calls, parts, strict=True))


def _a_write_in_every_block() -> Project:
    """Scripts whose every block but their loops writes: a straight run of sets and adds, and
    sets, changes, replaces and adds in a warp custom block and in a loop that yields each pass,
    with a call between writes."""
    prog = Program("dense")
    a, b, c = (prog.stage.var(name, 0) for name in ("a", "b", "c"))
    xs = prog.stage.list("xs", [0, 0, 0, 0])
    ys = prog.stage.list("ys", [])
    sprite = prog.sprite("S")
    burst = sprite.procedure("burst %s", ["k"], warp=True)
    with burst.define() as (k,), repeat(5):
        a.change(k)
        b.set(a + 1)
        xs.replace(2, b)
        ys.add(b)
        c.set(join("c", a))
        xs.replace(4, a)
    with sprite.when_flag_clicked():
        for n in range(7):  # a straight run of writes
            (a, b, c)[n % 3].set(n)
            ys.add(n)
        with repeat(6):
            a.set(1)
            burst(2)
            b.change(1)
            ys.add(join("y", b))
            xs.replace(1, b)
    return prog.build()


@pytest.mark.parametrize("chunk_events", [1, 2, 3, 5, 8, 13, 21])
def test_chunks_are_cut_exactly_where_every_block_writes(chunk_events: int) -> None:
    """Where every block writes, the clock's bound on the log's room (hooked.room) is tightest:
    the compiled run's chunks still end exactly where the interpreter's do."""
    traces = {}
    for engine in ("interpreter", "compiled"):
        sink = io.BytesIO()
        record_run(_a_write_in_every_block(), sink, chunk_events=chunk_events, engine=engine)
        traces[engine] = sink.getvalue()
    assert _chunk_sizes(traces["compiled"]) == _chunk_sizes(traces["interpreter"])
    assert _trace_rows(traces["compiled"]) == _trace_rows(traces["interpreter"])


def test_threads_started_after_hooks_that_hear_more_report_to_them() -> None:
    """Code compiled for hooks that hear writes alone stays with the threads it started; a thread
    started once hooks that hear reads past the end are attached reports them as the interpreter does."""
    project = _past_the_end()
    rt = Runtime(project, engine="compiled")
    rt.attach(HearsWritesAlone(rt))
    rt.green_flag()
    rt.run()
    later = EventLog(rt)
    rt.attach(later)
    rt.green_flag()
    rt.run()
    assert sum(e[0] == "miss" for e in later.events) == 5
    assert sum(e[0] == "var" for e in later.events) == 10


def test_a_thread_running_when_other_hooks_are_attached_tells_them_its_writes() -> None:
    """A thread started on code for hooks that hear writes alone, still running when other hooks
    take their place, tells those its later writes, as the interpreter does."""
    prog = Program("handed_over")
    x = prog.stage.var("x", 0)
    with prog.sprite("S").when_flag_clicked():
        x.set(1)
        wait(0.1)  # some frames
        x.set(2)
    project = prog.build()
    heard = {}
    for engine in ("interpreter", "compiled"):
        rt = Runtime(project, engine=engine)
        rt.attach(HearsWritesAlone(rt))
        later = EventLog(rt)
        rt.on_frame = lambda: rt.attach(later) if rt.frame_count == 1 else None  # noqa: B023
        rt.green_flag()
        rt.run()
        heard[engine] = [e for e in later.events if e[0] == "var"]
    assert heard["compiled"] == heard["interpreter"] and [e[-1] for e in heard["compiled"]] == ["2"]


def test_watched_reads_are_told_to_hooks_that_say_they_hear_writes_alone() -> None:
    """A run that watches reads gets the code that tells them, whatever the hooks say."""
    project = _past_the_end()
    rt = Runtime(project, engine="compiled")
    hooks = HearsWritesAlone(rt)
    rt.attach(hooks)
    rt.watch_reads(EVERY_BLOCK)
    rt.green_flag()
    rt.run()
    assert sum(e[0] == "read" for e in hooks.events) == 5


@strategies.fuzz_settings(strategies.COMPILER_EXAMPLES // 3)
@given(program=strategies.fuzz_programs())
def test_random_programs_record_the_interpreters_trace(program: dict[str, Any]) -> None:
    """Recorded on compiled code (the flavour for hooks that hear writes alone), a random
    program's trace has the interpreter's events, states and chunks."""
    project = project_from_json(build_project(program))
    traces = {}
    for engine in ("interpreter", "compiled"):
        rt = Runtime(project, seed=program["seed"], turbo=program["turbo"], engine=engine)
        sink = io.BytesIO()
        hooks = recorder.Recorder(rt, sink, chunk_events=7)
        rt.attach(hooks)
        rt.on_frame = _stop_after_frames(rt, 60)
        rt.green_flag()
        with contextlib.suppress(_FramesUsedUp):
            rt.run()
        hooks.close()
        traces[engine] = sink.getvalue()
    expected, actual = _trace_rows(traces["interpreter"]), _trace_rows(traces["compiled"])
    assert actual == expected
    assert _chunk_sizes(traces["compiled"]) == _chunk_sizes(traces["interpreter"])


def _a_warp_loop_that_only_writes() -> Project:
    """A warp block's loop whose passes set and change variables and replace list items (inside
    the list, at a fractional index, and outside it), while a script without warp writes too."""
    prog = Program("runs")
    n, s, other = (prog.stage.var(name, 0) for name in ("n", "s", "other"))
    xs = prog.stage.list("xs", [0, 0, 0, 0, 0])
    sprite = prog.sprite("S")
    fill = sprite.procedure("fill", warp=True)
    with fill.define(), repeat(300):
        n.change(1)
        s.set(n * 0.5)
        xs.replace(n % 7, s)  # 0 and 6 fall outside the list
        xs.replace((n % 11) / 2, n)  # half of them fractional
    with sprite.when_flag_clicked():
        fill()
    with sprite.when_flag_clicked(), repeat(40):
        other.change(1)
    return prog.build()


def _a_warp_loop_that_counts() -> Project:
    """A warp block's loop whose passes change counters (LoggedRun.counters): from text, by a
    step that does not add up exactly, past 2**53 (where adding 1 stops counting), the pass's
    last write among them; while a script without warp writes too, to a counter among them."""
    prog = Program("counters")
    i, j, big, t, other = (prog.stage.var(name, 0) for name in ("i", "j", "big", "t", "other"))
    xs = prog.stage.list("xs", [0, 0, 0, 0, 0])
    sprite = prog.sprite("S")
    fill = sprite.procedure("fill", warp=True)
    with fill.define():
        i.set("7")
        big.set(2**53 - 100)
        with repeat(300):
            i.change(1)
            t.set(i * j)
            j.change(0.1)
            xs.replace(i % 5 + 1, t)
            big.change(1)
    with sprite.when_flag_clicked():
        fill()
    with sprite.when_flag_clicked(), repeat(40):
        other.change(1)
        i.change(1000)  # between the loop's yields: it counts on from there
    return prog.build()


def _recorded_by_both(
    build: Callable[[], Project], **options: Any
) -> tuple[dict[str, bytes], dict[str, list[RunPattern]]]:
    """The trace each engine's run of the project records in memory (Recorder's `options`), and
    the patterns of the runs its code logged (Runtime.write_patterns)."""
    traces, patterns = {}, {}
    for engine in ("interpreter", "compiled"):
        rt = Runtime(build(), engine=engine)
        sink = io.BytesIO()
        rec = recorder.Recorder(rt, sink, **options)
        rt.attach(rec)
        rt.green_flag()
        rt.run()
        rec.close()
        traces[engine], patterns[engine] = sink.getvalue(), rt.write_patterns
    return traces, patterns


@pytest.fixture
def short_warp(monkeypatch: pytest.MonkeyPatch) -> None:
    """A warp timer of 2,000 blocks (frames of 300) in both engines, so that a warp loop yields
    within a test's run."""
    monkeypatch.setattr(sequencer, "WORK_BLOCKS", 300)
    monkeypatch.setattr(sequencer, "WARP_BLOCKS", 2_000)
    monkeypatch.setattr(prelude, "WARP_BLOCKS", 2_000)
    monkeypatch.setitem(prelude.NAMES, "WARP_BLOCKS", 2_000)


@pytest.mark.usefixtures("short_warp")
@pytest.mark.parametrize("part_events", [None, 3])
@pytest.mark.parametrize("chunk_events", [5, 64])
@pytest.mark.parametrize(("variables", "lists"), [(None, None), (["s", "other"], None), (None, [])])
def test_a_loop_that_only_writes_is_logged_as_runs_and_records_the_interpreters_trace(
    monkeypatch: pytest.MonkeyPatch,
    part_events: int | None,
    chunk_events: int,
    variables: Any,
    lists: Any,
) -> None:
    """Compiled code logs a warp loop's passes as runs (WriteLog.patterns): cut into chunks and
    parts in the middle of a pass, broken by writes the hooks are told of and by the warp
    timer's yields (shrunk here, so that the other script writes between them), its trace holds
    the interpreter's events, states and chunks."""
    if part_events is not None:
        monkeypatch.setattr(recorder, "PART_EVENTS", part_events)
    traces, patterns = _recorded_by_both(
        _a_warp_loop_that_only_writes, chunk_events=chunk_events, variables=variables, lists=lists
    )
    assert bool(patterns["compiled"]) == (variables is None) and not patterns["interpreter"]
    expected, actual = _trace_rows(traces["interpreter"]), _trace_rows(traces["compiled"])
    assert actual == expected
    assert len({row[2] for row in expected[0]}) == 2  # both scripts wrote
    assert _chunk_sizes(traces["compiled"]) == _chunk_sizes(traces["interpreter"])


@pytest.mark.usefixtures("short_warp")
@pytest.mark.parametrize("part_events", [None, 3])
@pytest.mark.parametrize("chunk_events", [5, 64])
def test_a_loops_counters_logged_as_runs_record_the_interpreters_trace(
    monkeypatch: pytest.MonkeyPatch, part_events: int | None, chunk_events: int
) -> None:
    """A counter's change in a loop logged as runs logs no value (WriteLog.bases): cut into
    chunks and parts anywhere in a pass and broken by the warp timer's yields, its trace holds
    the interpreter's events, values and states."""
    if part_events is not None:
        monkeypatch.setattr(recorder, "PART_EVENTS", part_events)
    traces, patterns = _recorded_by_both(_a_warp_loop_that_counts, chunk_events=chunk_events)
    assert [p.counters for p in patterns["compiled"]] == [3] * 6  # i, j and big; not t
    assert _trace_rows(traces["compiled"]) == _trace_rows(traces["interpreter"])
    assert _chunk_sizes(traces["compiled"]) == _chunk_sizes(traces["interpreter"])


@pytest.mark.usefixtures("short_warp")
def test_a_loops_counters_log_nothing_and_are_counted_where_their_runs_end(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The log holds a value for every write but a counter's change in a run: its 300 passes
    of three counters (i, j, big) log 900 fewer values than the writes each part is taken with
    (WriteLog.events), however the parts and chunks cut the passes."""
    monkeypatch.setattr(recorder, "PART_EVENTS", 3)
    taken = calls_of(
        monkeypatch, recorder.Recorder, "_take", lambda rec, *a: (len(rec._log), rec._log.events)
    )
    _recorded_by_both(_a_warp_loop_that_counts, chunk_events=5)  # the interpreter's: one each
    values = sum(held for held, _ in taken)
    assert values > 0 and sum(writes for _, writes in taken) - values == 900


def test_a_loop_of_counters_alone_is_not_logged_as_runs() -> None:
    """A warp loop whose every write is a counter's change logs each write alone (a run of it
    would log no value for Ctrl-C to end it at) and records the interpreter's trace."""
    prog = Program("counting")
    a, b = prog.stage.var("a", 0), prog.stage.var("b", 0)
    sprite = prog.sprite("S")
    block = sprite.procedure("count", warp=True)
    with block.define(), repeat(50):
        a.change(1)
        b.change(2)
    with sprite.when_flag_clicked():
        block()
    project = prog.build()
    traces, patterns = _recorded_by_both(lambda: project, chunk_events=7)
    assert patterns["compiled"] == [] and _trace_rows(traces["compiled"]) == _trace_rows(
        traces["interpreter"]
    )


@pytest.mark.usefixtures("short_warp")
def test_a_trace_cut_short_as_its_log_is_cleared_keeps_the_part_taken(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ctrl-C inside the log's clear, just after a part was taken (the log half cleared: its
    values gone, its runs' counts not): the trace keeps that part, and reads back as the first
    events of the whole recording."""
    monkeypatch.setattr(recorder, "PART_EVENTS", 50)
    whole = io.BytesIO()
    record_run(_a_warp_loop_that_counts(), whole, chunk_events=200, move_after=None)

    class HalfCleared(WriteLog):
        __slots__ = ("clears",)

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.clears = 0

        def clear(self) -> None:
            self.clears += 1
            if self.clears == 5:
                list.clear(self)
                raise KeyboardInterrupt
            super().clear()

    monkeypatch.setattr(recorder, "WriteLog", HalfCleared)
    parts = calls_of(monkeypatch, recorder.Recorder, "_hand_over", lambda rec, part: part.events)
    sink = io.BytesIO()
    with pytest.raises(KeyboardInterrupt):
        record_run(_a_warp_loop_that_counts(), sink, chunk_events=200, move_after=None)
    rows = _trace_rows(sink.getvalue())[0]
    assert len(parts) == 5 and len(rows) == sum(parts)
    assert rows == _trace_rows(whole.getvalue())[0][: len(rows)]


@pytest.mark.usefixtures("short_warp")
def test_a_warp_loop_logging_runs_tells_hooks_attached_mid_run_its_writes() -> None:
    """A thread in a loop whose writes are logged as runs, still running when other hooks take
    the recorder's place, tells them its later writes as the interpreter does."""
    project = _a_warp_loop_that_only_writes()
    heard = {}
    for engine in ("interpreter", "compiled"):
        rt = Runtime(project, engine=engine)
        rt.attach(recorder.Recorder(rt, io.BytesIO(), chunk_events=64))
        later = EventLog(rt)
        rt.on_frame = lambda: rt.attach(later) if rt.frame_count == 2 else None  # noqa: B023
        rt.green_flag()
        rt.run()
        heard[engine] = [e for e in later.events if e[0] in ("var", "write")]
    assert heard["compiled"] == heard["interpreter"] and len(heard["compiled"]) > 50


def test_read_site_flags_are_globals_of_the_code_kept_as_the_flags() -> None:
    """Hooked code reads each read site's flags as globals of its own (RD_N, MS_N, FQ_N), which
    hold what the flags hold after every change: reads watched and not, a miss flag that becomes
    the hooks' tally once they keep one, hooks taken away."""
    prog = Program("site_flags")
    xs, k, total = prog.stage.list("xs", [5, 6, 7]), prog.stage.var("k", 0), prog.stage.var("t", 0)
    with prog.sprite("S").when_flag_clicked():
        k.set(0)
        with repeat(5):
            k.change(1)
            total.change(xs.item(k) + xs.item(k * 0.5))  # past the end, and at fractions
    project = prog.build()
    hooks = Findings(list(project.targets))
    rt = Runtime(project, engine="compiled", hooks=hooks)
    rt.green_flag()

    def assert_mirrored() -> None:
        compiled = rt.compiled_hooked or []
        assert compiled
        for unit in compiled:
            for flags, prefix in (
                (unit.reads, "RD_"),
                (unit.misses, "MS_"),
                (unit.fractions, "FQ_"),
            ):
                mirrored = [unit.namespace[f"{prefix}{site}"] for site in range(len(flags.flags))]
                assert mirrored == flags.flags and all(
                    a is b for a, b in zip(mirrored, flags.flags, strict=True)
                )

    assert_mirrored()
    rt.watch_reads(EVERY_BLOCK)
    assert_mirrored()
    rt.watch_reads(frozenset())
    rt.run()
    assert_mirrored()
    flags = [
        f for unit in rt.compiled_hooked or [] for f in (*unit.misses.flags, *unit.fractions.flags)
    ]
    assert any(f not in (True, False) for f in flags)  # tallies in the flags' places
    rt.attach(None)
    assert_mirrored()
