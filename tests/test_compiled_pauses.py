"""The debugger on compiled code: it runs compiled until a pause may come, hands the thread to the
interpreter there, and pauses, steps and inspects exactly as a run in the interpreter does."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from emulator.debug.session import DebugSession, Paused
from emulator.dsl import Program, if_, repeat, stop
from emulator.programs.apple_orange import build as apple_orange
from emulator.programs.day3_mlp import build as day3
from emulator.project import Project
from emulator.runtime import sequencer
from emulator.runtime.ops import procedures
from emulator.runtime.runtime import Runtime
from emulator.runtime.thread import Frame
from emulator.sb3 import project_from_json
from tests import strategies
from tests.conformance.cases._fuzz import build_project
from tests.helpers import calls_of
from tests.test_compiler import INJECTED, _names_in

COMMANDS = ("continue_", "step", "step_over", "step_out")


class _FramesUsedUp(Exception):
    """The run reached its frame limit (a random program may loop for ever)."""


def _session(
    project: Project | str, engine: str, seed: int = 0, max_frames: int = 60, **params: Any
) -> DebugSession:
    session = DebugSession(project, params, seed=seed, engine=engine, pausable=True)

    def after_frame() -> None:
        if session.runtime.frame_count >= max_frames:
            raise _FramesUsedUp

    session.runtime.on_frame = after_frame
    return session


def _frame(frame: Frame) -> tuple[Any, ...]:
    node = frame.node
    params = sorted(frame.params.items()) if frame.params is not None else None
    return (getattr(node, "id", None), frame.warp, frame.is_loop, frame.state, params)


def _where(session: DebugSession, paused: Paused) -> tuple[Any, ...]:
    """Everything a pause shows: where, why, the clock, the stack, the inputs and the state."""
    rt = session.runtime
    thread = paused.thread
    stack = [_frame(f) for f in thread.frames] if thread is not None else None
    return (
        paused.reason,
        paused.stmt.id if paused.stmt is not None else None,
        thread.target.name if thread is not None else None,
        rt.blocks,
        rt.frame_count,
        repr(stack),  # repr: NaN is not equal to itself
        repr(session.inputs()),
        repr(session.procedure_arguments()),
        _state(rt),
    )


def _state(rt: Runtime) -> list[Any]:
    return [
        (
            t.name,
            sorted((c.name, repr(c.value)) for c in t.variables.values()),
            sorted((c.name, repr(c.items)) for c in t.lists.values()),
        )
        for t in rt.live_targets()
    ] + [repr(list(rt.says))]


def _drive(session: DebugSession, commands: list[str]) -> list[tuple[Any, ...]]:
    """What each command stops at, until the run ends or its frames are used up."""
    seen = []
    for command in commands:
        try:
            paused = getattr(session, command)()
        except _FramesUsedUp:
            seen.append(("frames used up", _state(session.runtime)))
            break
        seen.append(_where(session, paused))
        if paused.finished:
            break
    return seen


def assert_same_pauses(
    project: Project,
    breakpoints: set[str],
    commands: list[str],
    watch: str | None = None,
    seed: int = 0,
) -> list[tuple[Any, ...]]:
    """The interpreter and pausable compiled code stop at the same blocks with the same state."""
    runs = {}
    for engine in ("interpreter", "compiled"):
        session = _session(project, engine, seed)
        for block_id in breakpoints:
            session.toggle_breakpoint(block_id)
        if watch is not None:
            session.watch(watch)
        runs[engine] = _drive(session, commands)
    expected, actual = runs["interpreter"], runs["compiled"]
    for n, (a, b) in enumerate(zip(expected, actual, strict=False)):
        for field, (x, y) in enumerate(zip(a, b, strict=True)):
            assert x == y, (
                f"command {n} ({commands[n]}), field {field}: {x!r:.3000}\n!=\n{y!r:.3000}"
            )
    assert len(actual) == len(expected)
    return actual


def _day3() -> Project:
    return day3(variant="buggy", epochs=1, train=2, test=1, layers=(196, 6, 10), seed=3)


def _blocks(project: Project, opcode: str | None = None) -> list[str]:
    return [
        b
        for t in project.targets
        for b, block in t.blocks.items()
        if (opcode is None or block.opcode == opcode) and not block.shadow
    ]


@pytest.mark.parametrize(
    "opcode",
    [
        "procedures_definition",  # the hat a call enters
        "control_repeat",  # stopped at before every pass
        "data_replaceitemoflist",  # inside a warp custom block's loops
        "procedures_call",
        "control_if",
        "data_changevariableby",
    ],
)
def test_breakpoints_in_day3_stop_where_the_interpreter_stops(opcode: str) -> None:
    project = _day3()
    found = _blocks(project, opcode)
    assert found, opcode
    commands = ["continue_", "step", "step", "continue_", "step_over", "continue_", "step_out"] * 2
    seen = assert_same_pauses(project, set(found[:: max(1, len(found) // 3)]), commands)
    assert any(s[0] == "breakpoint" for s in seen)


def test_a_watch_on_compiled_code_stops_after_the_write_as_the_interpreter_does() -> None:
    project = _day3()
    seen = assert_same_pauses(project, set(), ["continue_"] * 6 + ["step"], watch="sample")
    assert [s[0] for s in seen[:3]] == ["watch"] * 3


def test_continue_runs_compiled_until_the_breakpoint() -> None:
    """The thread runs generated code up to the breakpoint, and the interpreter from there."""
    project = apple_orange()
    session = _session(project, "compiled", max_frames=10_000)
    last = _blocks(project, "data_setvariableto")[-1]
    session.toggle_breakpoint(last)
    session.runtime.green_flag()
    threads = list(session.runtime.threads)
    assert threads and all(t.compiled is not None for t in threads)
    paused = session.continue_()
    assert paused.stmt is not None and paused.stmt.id == last
    assert paused.thread is not None and paused.thread.compiled is None  # handed over
    assert session.continue_().finished


def _definition(project: Project, proccode: str) -> str:
    """The definition hat's id of a custom block."""
    for t in project.targets:
        for block in t.blocks.values():
            if (
                block.opcode == "procedures_prototype"
                and block.mutation.get("proccode") == proccode
            ):
                assert block.parent is not None
                return block.parent
    raise KeyError(proccode)


@pytest.fixture
def entered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The custom blocks call blocks in the interpreter enter compiled, in order."""
    return calls_of(monkeypatch, procedures, "enter_compiled", lambda t, f, c: f.node.proccode)


def test_continue_after_a_pause_runs_compiled_again_from_the_next_call(
    entered: list[str],
) -> None:
    """Handed to the interpreter at a breakpoint in `train_one`, the thread enters compiled code
    at its next custom block call; a breakpoint inside a block entered so hands it back, and
    every stop is the interpreter's."""
    project = _day3()
    breakpoints = {_definition(project, "train_one"), _definition(project, "s7_update_layer")}
    commands = ["continue_", "continue_", "step", "step_out", "continue_", "continue_"]
    seen = assert_same_pauses(project, breakpoints, commands)
    assert [s[0] for s in seen[:2]] == ["breakpoint", "breakpoint"]
    assert "forward_pass" in entered  # train_one's first call, after the first pause


def _calls_after_a_pause() -> Project:
    """A breakpoint's first block, then calls the interpreter enters compiled: a loop that yields
    each pass, a recursion that costs a tick per call, a warp block that stops itself early, and a
    recursion through two blocks, one of them interpreted."""
    prog = Program("reentry")
    out = prog.stage.list("out")
    n = prog.stage.var("n", 0)
    sprite = prog.sprite("S")
    down = sprite.procedure("down %s", ["k"])
    walk = sprite.procedure("walk %s", ["times"])
    early = sprite.procedure("early %s", ["x"], warp=True)
    ping, pong = sprite.procedure("ping %s", ["k"]), sprite.procedure("pong %s", ["k"])
    for this, other in ((ping, pong), (pong, ping)):
        with this.define() as (k,):
            out.add(k)
            with if_(k > 0):
                other(k - 1)  # recursion through the other: a tick per call, seen on the stack
    with down.define() as (k,):
        out.add(k)
        with if_(k > 0):
            down(k - 1)
    with walk.define() as (times,):
        with repeat(times):
            n.change(1)
            down(2)
        out.add("walked")
    with early.define() as (x,):
        out.add(x)
        with repeat(5):
            with if_(n > 4):
                stop("this script")
            n.change(1)
        out.add("never")
    with sprite.when_flag_clicked():
        n.set(0)
        walk(3)
        early("e")
        ping(4)
        out.add("end")
    with prog.sprite("Clock").when_flag_clicked(), repeat(40):
        out.add("tick")  # one a tick: the other thread's yields show in the order of `out`
    return prog.build()


@pytest.mark.parametrize("second", [None, "walk %s", "down %s", "early %s", "ping %s"])
def test_calls_entered_compiled_yield_recurse_stop_and_hand_back_as_the_interpreter_does(
    second: str | None, entered: list[str]
) -> None:
    """From a pause at the script's first block, each call enters compiled code: its yields,
    its recursion's ticks, its `stop this script` and a breakpoint inside it (handing the thread
    back) leave the same stops, clock and state as the interpreter."""
    project = _calls_after_a_pause()
    breakpoints = set(_blocks(project, "data_setvariableto"))
    if second is not None:
        breakpoints.add(_definition(project, second))
    seen = assert_same_pauses(project, breakpoints, ["continue_", "step", "continue_"] * 16)
    assert seen[-1][0] == "finished" and "'end'" in repr(seen[-1][-1])  # the run got to its end
    assert "walk %s" in entered


def test_a_run_without_pauses_stays_compiled() -> None:
    """With no breakpoint, watch or condition, no thread is handed to the interpreter."""
    project = _day3()
    session = _session(project, "compiled", max_frames=100_000)
    handed = []
    runtime = session.runtime
    session.runtime.green_flag()
    original = list(runtime.threads)
    session.runtime.on_frame = lambda: handed.extend(
        t for t in original if t.compiled is None and t.frames
    )
    assert session.continue_().finished
    assert handed == []


@strategies.fuzz_settings(strategies.COMPILER_EXAMPLES // 2)
@given(
    program=strategies.fuzz_programs(),
    data=st.data(),
)
def test_random_programs_pause_where_the_interpreter_pauses(
    program: dict[str, Any], data: Any
) -> None:
    """Random breakpoints and commands on a random program: the same stops, stacks and state."""
    project = project_from_json(build_project(program))
    runtime = Runtime(project)
    blocks = sorted(b for b in _blocks(project) if runtime.stmt(b) is not None)  # stack blocks
    breakpoints = set(data.draw(st.lists(st.sampled_from(blocks), max_size=4))) if blocks else set()
    commands = data.draw(st.lists(st.sampled_from(COMMANDS), min_size=1, max_size=8))
    names = sorted(c.name for c in runtime.stage.variables.values())
    watch = data.draw(st.sampled_from([None, *names]))
    seen = assert_same_pauses(project, breakpoints, commands, watch, seed=program["seed"])
    event(f"stopped at: {sorted({str(s[0]) for s in seen})}")


def test_continue_stops_before_every_re_check_of_a_wait_with_a_breakpoint() -> None:
    """Each continue stops before the wait's next re-check, in either engine, whether or not an
    interpreted block ran in between (a compiled thread asks no pause predicate)."""
    program = {
        "variables": {"a": ""},
        "lists": {},
        "procedures": [],
        "scripts": [
            ("stage", [("wait_until", ("lit", ""))]),  # until the timer passes a few seconds
            ("stage", [("set", "a", ("lit", ""))]),
        ],
        "receivers": [],
        "clone_scripts": [],
        "looks": {"x": 0, "direction": 90, "currentCostume": 0},
        "seed": 0,
        "turbo": False,
    }
    project = project_from_json(build_project(program))
    [wait] = _blocks(project, "control_wait_until")
    seen = assert_same_pauses(project, {wait}, ["continue_"] * 4)
    # The hats, then the wait's first run (4 blocks) and the set, then one re-check each.
    assert [s[3] for s in seen] == [2, 7, 11, 15]


def _with_ids(value: Any, ids: dict[str, str]) -> Any:
    """The project JSON with every block id (as a key or a reference) renamed."""
    if isinstance(value, dict):
        return {ids.get(k, k): _with_ids(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_ids(v, ids) for v in value]
    return ids.get(value, value) if isinstance(value, str) else value


def test_hostile_block_ids_stay_data_in_pausable_code() -> None:
    """Block ids are project text: in the hand-over code they are constants, never code."""
    program = {
        "variables": {"a": "", "b": "", "c": ""},
        "lists": {"L": [], "M": []},
        "procedures": [{"kinds": ("s",), "warp": True, "body": [("set", "a", ("arg", "x0", "s"))]}],
        "scripts": [
            (
                "stage",
                [
                    (
                        "repeat",
                        ("lit", "3"),
                        [("call", 0, (("lit", "1"),)), ("change", "b", ("lit", "1"))],
                    )
                ],
            )
        ],
        "receivers": [],
        "clone_scripts": [],
        "looks": {"x": 0, "direction": 90, "currentCostume": 0},
        "seed": 0,
        "turbo": False,
    }
    data = build_project(program)
    blocks = [b for t in data["targets"] for b in t["blocks"]]
    hostile = ["'\"\\\n{0}", "__import__('os')._exit(1)", "\x00\u202e", "}{%s", '"""', "ok"]
    ids = {b: f"{hostile[n % len(hostile)]}#{n}" for n, b in enumerate(blocks)}
    project = project_from_json(_with_ids(data, ids))
    runtime = Runtime(project)
    stack = {b for b in ids.values() if runtime.stmt(b) is not None}
    seen = assert_same_pauses(project, stack, ["continue_"] * 12)
    assert sum(s[0] == "breakpoint" for s in seen) >= 10
    session = _session(project, "compiled")
    session.runtime.green_flag()
    source = "\n".join(c.text() for c in session.runtime.compiled_hooked or [])
    assert "raise HandOff" in source
    assert not _names_in(source) & INJECTED


def test_the_inspectors_start_keeps_every_thread_compiled(monkeypatch: pytest.MonkeyPatch) -> None:
    """pause_at_start stands where a first step stops, and the mark is taken where it holds,
    without handing a thread over: a breakpoint later is reached by compiled code."""
    handed: list[int] = []
    hand_over = sequencer._hand_over
    day3_buggy = {"variant": "buggy", "epochs": 1, "train": 2, "test": 1}  # with its mark
    runs = {}
    for engine in ("interpreter", "compiled"):
        session = _session("day3", engine, max_frames=100_000, **day3_buggy)
        reference = _session("day3", engine, max_frames=100_000, **day3_buggy)
        assert session.mark is not None
        target = _blocks(session.project, "data_replaceitemoflist")[0]
        start, stepped = session.pause_at_start(), reference.step()
        assert start.stmt is not None and stepped.stmt is not None
        assert start.thread is not None and stepped.thread is not None
        assert start.stmt.id == stepped.stmt.id
        assert start.thread.target.name == stepped.thread.target.name
        session.arm_mark()
        session.toggle_breakpoint(target)
        if engine == "compiled":
            assert all(t.compiled is not None for t in session.runtime.threads)
            rt = session.runtime
            monkeypatch.setattr(
                sequencer,
                "_hand_over",
                lambda t, h, rt=rt: (handed.append(rt.blocks), hand_over(t, h)),
            )
        paused = session.continue_()
        assert paused.stmt is not None and paused.stmt.id == target
        runs[engine] = (_where(session, paused)[3:], session.marked, session.findings.written)
    assert runs["compiled"] == runs["interpreter"]
    assert runs["compiled"][1] is not None  # the mark was reached and taken
    # One hand-over, at the breakpoint itself: compiled code ran the whole way up to it.
    assert handed == [runs["compiled"][0][0]]
