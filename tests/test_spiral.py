"""The spiral TwoLayerNet in Scratch against its NumPy reference: training, the gradient check, explain, the CLI."""

from __future__ import annotations

import asyncio
import json
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from textual.widgets import Sparkline

from emulator.cli import main
from emulator.debug.session import DebugSession
from emulator.loading import find_program, program_names
from emulator.programs import spiral
from emulator.programs import spiral_reference as reference
from emulator.programs.spiral_net import build
from emulator.rng import JsRandom
from emulator.runtime.runtime import Runtime
from emulator.tui.live.app import DebuggerApp
from emulator.tui.shared.picture_view import InputPicture
from emulator.values import number_to_string
from tests import strategies

ROOT = Path(__file__).resolve().parent.parent
PROGRAM_FILE = str(ROOT / "programs" / "spiral.py")
SMALL = ["--points", "5", "--hidden", "4", "--batch", "5", "--epochs", "7", "--grid", "3"]
QUICK = settings(max_examples=15, deadline=None)


def run(params: dict[str, Any]) -> tuple[Runtime, list[str]]:
    """The program built from params and run to its end under `params["seed"]`; what it said."""
    rt = Runtime(build(**params), seed=params.get("seed", 0))
    said: list[str] = []
    rt.on_say = lambda say: said.append(str(say.text))
    rt.green_flag()
    rt.run()
    return rt, said


def floats(rt: Runtime, name: str) -> np.ndarray:
    """A stage list as doubles."""
    return np.array([float(v) for v in rt.stage.list(None, name).items], dtype=np.float64)


def loss_lines(history: reference.History) -> list[str]:
    """The reference's loss lines as the program prints them (Scratch prints a double's shortest form)."""
    return [
        f"| epoch {e} | iter {i} / {n} | loss {number_to_string(loss)}"
        for e, i, n, loss in history.printed
    ]


# ## Training against the reference


@QUICK
@given(params=strategies.spiral_params())
def test_training_matches_the_reference_bit_for_bit(params: dict[str, Any]) -> None:
    """Same parameters and seed: the program's params, printed losses and accuracy equal the reference's exactly."""
    rt, said = run(params)
    ref = spiral.reference_run(params, params["seed"])
    np.testing.assert_array_equal(floats(rt, "params"), ref.params)
    assert said[:-1] == loss_lines(ref)
    assert said[-1] == f"accuracy: {number_to_string(ref.accuracy)}"


@settings(max_examples=8, deadline=None)
@given(params=strategies.spiral_params(variant="buggy"))
def test_the_buggy_variant_matches_the_buggy_reference(params: dict[str, Any]) -> None:
    """The reference reproduces the buggy bias gradient too, so the bug, not a drift, is what explain sees."""
    rt, _ = run(params)
    c = spiral.config(params)
    rng = JsRandom(params["seed"])
    start = reference.init_params(c.layout, params["init"], rng)
    ref = reference.train(c, start, *spiral.data(params), rng)
    np.testing.assert_array_equal(floats(rt, "params"), ref.params)


# ## The gradient check


@settings(max_examples=6, deadline=None)
@given(params=strategies.spiral_params())
def test_the_gradient_check_prints_the_references_own(params: dict[str, Any]) -> None:
    """--check-gradient prints, per parameter, exactly the mean |backprop - numerical| the reference computes."""
    params = {**params, "check_gradient": True}
    _, said = run(params)
    c = spiral.config(params)
    rng = JsRandom(params["seed"])
    start = reference.init_params(c.layout, params["init"], rng)
    first = reference.shuffle(3 * params["points"], rng)[: params["batch"]] - 1
    x, t = spiral.data(params)
    check = reference.gradient_check(c.layout, start, x[first], t[first], c.mode)
    assert said == [f"{name}: {number_to_string(diff)}" for name, diff in check.items()]


def test_backprop_agrees_with_central_differences_in_exact_math() -> None:
    """At the textbook's sizes (first mini-batch), every parameter's mean difference is below 1e-7."""
    _, said = run({"check_gradient": True, "points": 100, "batch": 30, "seed": 0})
    diffs = dict(line.split(": ") for line in said)
    assert list(diffs) == ["W1", "b1", "W2", "b2"]
    assert all(float(d) < 1e-7 for d in diffs.values()), diffs


# ## The program as the debugger and the command line see it


@pytest.fixture
def installed_spiral(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """`spiral` as an installed name: pyproject's entry point, put in metadata on sys.path for this test."""
    entry = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["entry-points"]
    value = entry["scratch_emu.programs"]["spiral"]
    info = tmp_path / "spiral_entry_point-0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: spiral-entry-point\nVersion: 0\n")
    (info / "entry_points.txt").write_text(f"[scratch_emu.programs]\nspiral = {value}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    return "spiral"


def test_spiral_is_found_by_its_entry_point(installed_spiral: str) -> None:
    """pyproject's entry point names the module that holds PROGRAM, with its declarations."""
    assert installed_spiral in program_names()
    program = find_program(installed_spiral)
    assert program is not None and program.name == "spiral"
    assert program.mark is not None and program.layer_map is not None and program.curves


def test_run_prints_the_references_losses_and_draws(
    installed_spiral: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`run spiral` at small sizes prints the reference's loss lines and accuracy, and the pen draws the grid."""
    svg = tmp_path / "regions.svg"
    assert main(["run", installed_spiral, *SMALL, "--seed", "7", "--pen-svg", str(svg)]) == 0
    out = capsys.readouterr().out.splitlines()
    ref = spiral.reference_run(spiral.parse(SMALL), 7)
    printed = [line for line in out if line.startswith("| epoch")]
    assert printed == loss_lines(ref) and len(printed) == 2
    assert f"accuracy: {number_to_string(ref.accuracy)}" in out
    # Each of the 3 rows of regions is at least one stroke, and each of the 15 points a dot.
    assert svg.read_text().count("<line") >= 3 + 15


def _explain(target: str, extra: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main(["explain", target, *extra, "--json"]) == 0
    found: dict[str, Any] = json.loads(capsys.readouterr().out)
    return found


def test_explain_finds_the_fixed_program_agrees(
    installed_spiral: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """On small sizes the run equals the reference at every mini-batch and backprop agrees with the loss."""
    report = _explain(installed_spiral, [], capsys)
    assert report["diagnosis"] == []
    assert report["divergence"] is None
    rows = [r for r in report["gradient_check"]["rows"] if r["list"] == "params"]
    assert [r["slice"] for r in rows] == ["W1", "b1", "W2", "b2"]
    assert {r["finding"] for r in rows} == {"agrees"}


def test_explain_names_the_buggy_bias_gradients(capsys: pytest.CaptureFixture[str]) -> None:
    """The buggy variant (bias gradient summed over the wrong axis): wrong bias gradients, traced to affine.backward."""
    report = _explain(PROGRAM_FILE, ["--variant", "buggy"], capsys)
    kinds = {(d["kind"], d["subject"]) for d in report["diagnosis"]}
    assert ("wrong_gradient", "b1") in kinds and ("wrong_gradient", "b2") in kinds, kinds
    assert not any(subject in ("W1", "W2", "dW1", "dW2") for _, subject in kinds)
    divergence = report["divergence"]
    assert (divergence["slice"], divergence["epoch"], divergence["sample"]) == ("db1", 1, 1)
    assert divergence["block"]["procedure"] == "affine.backward"


def test_explains_verdict_names_the_buggy_layer(capsys: pytest.CaptureFixture[str]) -> None:
    """The verdict a person reads says which layer block to open, not only a block id and a line."""
    assert main(["explain", PROGRAM_FILE, "--variant", "buggy"]) == 0
    verdict = capsys.readouterr().out.split("\nverdict\n", 1)[1]
    start = next(line for line in verdict.splitlines() if "Start at" in line)
    assert "in custom block 'affine.backward' at programs/spiral_layers.py:" in start, start


def test_the_reference_at_the_textbooks_defaults_reaches_the_textbooks_result() -> None:
    """300 points, 10 hidden units, lr 1.0, batch 30, 300 epochs: loss from about 1.1 to below 0.2, accuracy above 90 %.

    The Scratch program prints the same 300 lines (tests/bench/spiral_figures.py runs it; the
    property tests above check the equality on small sizes).
    """
    history = spiral.reference_run({}, seed=0)
    losses = [loss for *_, loss in history.printed]
    assert len(losses) == 300
    assert 1.0 < losses[0] < 1.2 and losses[-1] < 0.2
    assert history.accuracy > 0.9


def test_the_inspector_shows_the_pens_picture_and_the_loss_curve() -> None:
    """With no input picture declared, the picture pane shows the stage the pen drew on; the curve is the printed losses."""
    params = spiral.parse(SMALL)

    async def finished_app() -> tuple[str, int, list[float]]:
        app = DebuggerApp(DebugSession(PROGRAM_FILE, params, program=find_program(PROGRAM_FILE)))
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.press("c")
            await app.workers.wait_for_complete()
            await pilot.pause()
            picture = app.query_one(InputPicture)
            curve = list(app.query_one("#curve-0", Sparkline).data or [])
            return str(picture.border_title), len(app.session.runtime.pen_layer), curve

    title, strokes, curve = asyncio.run(finished_app())
    assert title == "stage" and strokes >= 3 + 15
    assert curve == [loss for *_, loss in spiral.reference_run(params, 0).printed]


def test_a_recorded_run_replays_with_its_slices(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`record` then `replay --who b2`: the trace knows the slices and names the block that last wrote b2."""
    trace = tmp_path / "spiral.trace"
    assert main(["record", PROGRAM_FILE, "-o", str(trace), *SMALL]) == 0
    capsys.readouterr()
    assert main(["replay", str(trace), "--who", "b2"]) == 0
    out = capsys.readouterr().out
    assert "slices dW1, db1, dW2, db2, W1, b1, W2, b2" in out
    assert "replace params[" in out and "spiral_net.py" in out
