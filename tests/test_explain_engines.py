"""explain on compiled code gives the report explain gives in the interpreter, mark, reference and gradient check included."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from emulator.cli import main
from emulator.debug import explain as explain_module
from emulator.debug import forked
from emulator.debug.explain import explain
from emulator.debug.session import DebugSession
from emulator.dsl import Program, if_, repeat
from emulator.loading import load_target
from emulator.program import Mark
from emulator.project import Project
from emulator.slices import Slice
from tests.helpers import calls_of


def report(
    project: Project, params: dict[str, Any], engine: str, program: Any = None, **options: Any
) -> str:
    """explain's JSON report, keys sorted, for one engine."""
    session = DebugSession(project, dict(params), program=program, engine=engine, **options)
    return json.dumps(explain(session).to_json(), indent=1, default=str, sort_keys=True)


def assert_same_report(
    project: Project, params: dict[str, Any], program: Any = None, **options: Any
) -> dict[str, Any]:
    """Both engines' reports, line for line; returns the compiled one."""
    expected = report(project, params, "interpreter", program, **options)
    actual = report(project, params, "compiled", program, **options)
    assert actual.splitlines() == expected.splitlines()
    found: dict[str, Any] = json.loads(actual)
    return found


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("day3", {"variant": "buggy", "epochs": 1, "train": 6, "test": 3}),
        ("day3", {"variant": "fixed", "epochs": 1, "train": 6, "test": 3}),
        ("spiral", {"variant": "buggy", "points": 30, "epochs": 2, "batch": 10}),
        ("spiral", {"variant": "fixed", "points": 30, "epochs": 2, "batch": 10}),
        ("apple_orange", {}),
    ],
)
def test_each_program_gets_the_same_report_from_both_engines(
    name: str, params: dict[str, Any]
) -> None:
    """Slices since the mark, the reference's first difference, findings, the gradient check, the verdict."""
    project, program = load_target(name, dict(params))
    found = assert_same_report(project, params, program)
    if name != "apple_orange":
        assert found["gradient_check"] is not None and found["gradient_check"]["rows"]


def _phased(start_phase: str) -> Project:
    """A loop that writes a list, sets `phase` to "train" halfway (not warp), then writes on."""
    prog = Program("phased")
    phase, i = prog.stage.var("phase", start_phase), prog.stage.var("i", 0)
    items = prog.stage.list("items", [0] * 10)
    with prog.sprite("S").when_flag_clicked():
        i.set(0)
        with repeat(12):
            i.change(1)
            with if_(i == 6):
                phase.set("train")
            items.replace(i, i * 2)  # items 11 and 12 fall outside: dropped writes
    return prog.build()


@pytest.mark.parametrize(
    ("start_phase", "mark_value"),
    [("load", "train"), ("train", "train"), ("load", "never")],
    ids=["reached halfway", "holds at the start", "never reached"],
)
def test_the_mark_is_where_the_interpreter_pauses_for_it(start_phase: str, mark_value: str) -> None:
    """Compiled, the mark is taken at the write that reaches it: changes and coverage count from
    the same state as when the interpreter pauses before the next block."""
    found = assert_same_report(_phased(start_phase), {}, mark=Mark("phase", mark_value))
    if mark_value == "never":
        assert found["slices"] == [] or all(s["changed"] == 0 for s in found["slices"])


def test_cli_explain_runs_compiled_unless_bounded(capsys: pytest.CaptureFixture[str]) -> None:
    """explain's default engine is the compiled one; --max-steps and --engine interpreter give the
    same report from the interpreter."""
    argv = ["explain", "spiral", "--variant", "buggy", "--points", "30", "--epochs", "2"]
    argv += ["--batch", "10", "--json"]
    assert main(argv) == 0
    compiled = capsys.readouterr().out
    assert main([*argv, "--engine", "interpreter"]) == 0
    assert capsys.readouterr().out == compiled
    assert main([*argv, "--max-steps", "100000000"]) == 0
    assert capsys.readouterr().out == compiled


def _descent_beside_a_clock() -> Project:
    """Gradient descent on w (loss = w1² + w2², written every step) while another thread counts
    ticks in a loop that yields each pass: at every pause of the check it is in compiled code."""
    prog = Program("descent")
    loss, ticks = prog.stage.var("loss", 0), prog.stage.var("ticks", 0)
    w = prog.stage.list("w", [1, 2])
    with prog.sprite("Train").when_flag_clicked(), repeat(6):
        loss.set(w.item(1) * w.item(1) + w.item(2) * w.item(2))
        w.replace(1, w.item(1) - 0.2 * w.item(1))
        w.replace(2, w.item(2) - 0.2 * w.item(2))
    with prog.sprite("Clock").when_flag_clicked(), repeat(40):
        ticks.change(1)
    return prog.build()


@pytest.fixture
def twins(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The engines explain's gradient check ran its twin in, in order (in this process, to be seen)."""
    monkeypatch.setattr(forked, "can_fork", lambda: False)
    return calls_of(monkeypatch, explain_module, "_check_in_twin", lambda s, loss, engine: engine)


def test_the_check_runs_compiled_and_starts_again_in_the_interpreter_when_it_cannot_save(
    twins: list[str],
) -> None:
    """The twin runs compiled to each pause of the check; where another thread is inside compiled
    code the run cannot be saved, and the check runs again in the interpreter: the same report."""
    project = _descent_beside_a_clock()
    slices = [Slice("w", "W", 1, 2, (2,))]
    reports = {}
    for engine in ("interpreter", "compiled"):
        session = DebugSession(project, {}, engine=engine, slices=slices)
        found = explain(session, loss="loss").to_json()
        reports[engine] = json.dumps(found, indent=1, default=str, sort_keys=True).splitlines()
    assert reports["compiled"] == reports["interpreter"]
    assert twins == ["compiled", "interpreter"]
    assert json.loads("\n".join(reports["compiled"]))["gradient_check"]["rows"]


def test_day3s_check_runs_in_compiled_code(twins: list[str]) -> None:
    """One thread, in the interpreter at each pause of the check: the compiled twin is enough."""
    params = {"variant": "buggy", "epochs": 1, "train": 4, "test": 2}
    project, program = load_target("day3", dict(params))
    assert_same_report(project, params, program)
    assert twins == ["compiled"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
def test_the_twin_in_a_forked_copy_gives_the_same_report(monkeypatch: pytest.MonkeyPatch) -> None:
    """The gradient check's twin run beside the run in a forked copy, or here after it: the same
    report, and a copy that fails leaves the work to this process."""
    params = {"variant": "buggy", "epochs": 1, "train": 4, "test": 2}
    project, program = load_target("day3", dict(params))
    reports, forks = [], []
    real_start = forked.Forked._start

    def start(self: forked.Forked[Any]) -> None:
        real_start(self)
        forks.append(self._pid)

    monkeypatch.setattr(forked.Forked, "_start", start)
    for fork in (True, False):
        monkeypatch.setattr(forked, "can_fork", lambda fork=fork: fork)
        reports.append(report(project, params, "compiled", program))
    assert len(forks) == 1 and forks[0] > 0
    assert reports[0] == reports[1]
    assert json.loads(reports[0])["gradient_check"]["rows"]


def test_forked_work_that_fails_is_done_again_here() -> None:
    """The copy's failure is no result: the work runs here and raises here."""
    calls = []

    def work() -> int:
        calls.append(os.getpid())
        if len(calls) == 1 and os.getpid() != parent:
            raise RuntimeError("only in the copy")
        return 7

    parent = os.getpid()
    assert forked.Forked(work).result() == 7
    assert calls[-1] == parent
