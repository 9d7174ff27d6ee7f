"""explain's diagnosis on one-line mutations of the fixed day3 program: each symptom gets its kind and subject.

Every mutant is made here, by changing one line of a copy of programs/day3_mlp.py; none ships.
The assertions are about the diagnosis' kinds and subjects, not its prose.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from emulator.cli import main
from emulator.debug.explain import explain
from emulator.debug.session import DebugSession
from emulator.programs import day3_mlp
from emulator.programs.day3 import slices as day3_slices
from emulator.sb3 import save_sb3

FEW = {"epochs": 1, "train": 3, "test": 1}
DEEP = (196, 20, 20, 20, 20, 20, 10)
# Every kind but the lookup-table clamps, which a fixed program with tables shows too.
ERROR_KINDS = {
    "lost_gradient",
    "vanishing_gradient",
    "wrong_gradient",
    "reference_mismatch",
    "dropped_write",
    "out_of_range_read",
    "fractional_index",
    "never_written",
    "layer_overlap",
    "nonfinite",
    "mark_not_reached",
}

# One line each (the text it replaces must occur exactly once in day3_mlp.py).
LOOP_BOUND = (  # train_one updates one layer too few: the output layer's weights never move
    "        with repeat(n.LAYER_COUNT - 1):\n            n.p_layer.set(n.s7_layer)",
    "        with repeat(n.LAYER_COUNT - 2):\n            n.p_layer.set(n.s7_layer)",
)
PAST_SLICE = (  # each bias lands on the next item; the last layer's last one past the list
    "            n.weights.replace(n.s7_b_off + n.s7_j + 1, n.weights[n.s7_b_off + n.s7_j + 1]",
    "            n.weights.replace(n.s7_b_off + n.s7_j + 2, n.weights[n.s7_b_off + n.s7_j + 1]",
)
TRANSPOSED = (
    "index = n.s7_w_off + n.s7_i * n.s7_out_size + n.s7_j + 1",
    "index = n.s7_w_off + n.s7_j * n.s7_in_size + n.s7_i + 1",
)
FLOAT_OFFSET = (  # the activation offsets come out a hair short: 223.99999999999997 for 224
    "            n.p_offset.change(n.layer_size[n.u_k])\n            n.u_k.change(1)\n    get_delta",
    "            n.p_offset.change(n.layer_size[n.u_k] - 2e-14)\n            n.u_k.change(1)\n"
    "    get_delta",
)
SKIPPED_UPDATE = (  # the bias loop runs no times
    "        n.s7_j.set(0)\n        with repeat(n.s7_out_size):\n            n.weights.replace(n.s7_b_off",
    "        n.s7_j.set(0)\n        with repeat(0):\n            n.weights.replace(n.s7_b_off",
)
SIGN = (
    "                                  - n.LEARNING_RATE * (n.s7_a",
    "                                  + n.LEARNING_RATE * (n.s7_a",
)


def mutant(tmp_path: Path, change: tuple[str, str]) -> str:
    """A copy of day3_mlp.py with one change, declaring day3's program interface; its path."""
    source = Path(day3_mlp.__file__).read_text()
    old, new = change
    assert source.count(old) == 1
    path = tmp_path / "day3_mutant.py"
    path.write_text(
        source.replace(old, new)
        + "\n\nfrom emulator.programs.day3 import day3_program  # noqa: E402\n"
        '\nPROGRAM = day3_program(build, "day3_mutant")\n'
    )
    return str(path)


def diagnose(target: str, **params: Any) -> dict[str, Any]:
    return explain(DebugSession(target, {**FEW, **params})).to_json()


def found(report: dict[str, Any], kind: str) -> set[str]:
    """The subjects the diagnosis gives this kind."""
    return {d["subject"] for d in report["diagnosis"] if d["kind"] == kind}


def kinds(report: dict[str, Any]) -> set[str]:
    return {d["kind"] for d in report["diagnosis"]}


def test_a_loop_bound_slip_loses_the_last_layer(tmp_path: Path) -> None:
    """One layer too few in the update loop: W4 and B4 never move while the reference moves them."""
    report = diagnose(mutant(tmp_path, LOOP_BOUND))
    assert found(report, "lost_gradient") == {"W4", "B4"}
    assert found(report, "reference_mismatch") == {"W4"}
    assert report["diagnosis"][0]["kind"] == "lost_gradient"


def test_a_write_past_a_slice_is_dropped_and_parts_from_the_reference(tmp_path: Path) -> None:
    """Bias writes shifted by one item: the last falls past `weights`, and B1 first differs."""
    report = diagnose(mutant(tmp_path, PAST_SLICE))
    assert found(report, "dropped_write") == {"weights"}
    assert found(report, "reference_mismatch") == {"B1"}
    assert not found(report, "lost_gradient")
    # B1's first item is read (to update the second) but nothing ever writes it.
    b1 = next(
        d for d in report["diagnosis"] if (d["kind"], d["subject"]) == ("never_written", "B1")
    )
    assert (b1["evidence"]["list"], b1["evidence"]["unwritten"]) == ("weights", [[3921, 3921]])


def test_a_transposed_index_is_a_wrong_gradient(tmp_path: Path) -> None:
    """W[i, j]'s update lands on W[j, i]'s item: the gradient check and the reference both see it."""
    report = diagnose(mutant(tmp_path, TRANSPOSED), math="scratch")
    assert "W1" in found(report, "wrong_gradient")
    assert found(report, "reference_mismatch") == {"W1"}
    assert not found(report, "lost_gradient")


def test_a_float_offset_is_a_fractional_index(tmp_path: Path) -> None:
    """An offset of 223.99999999999997 for 224 is floored silently: fractional indices into activations."""
    report = diagnose(mutant(tmp_path, FLOAT_OFFSET))
    assert found(report, "fractional_index") == {"activations"}
    assert all(not q["table"] for q in report["index_quirks"] if q["list"] == "activations")
    assert any(q["table"] for q in report["index_quirks"])  # the lookup tables, told apart
    assert "reference_mismatch" in kinds(report)
    assert "get_activation_offset" in report["verdict"][0]


def test_a_skipped_update_loses_every_bias(tmp_path: Path) -> None:
    """The bias loop runs no times: every B slice is a lost gradient."""
    report = diagnose(mutant(tmp_path, SKIPPED_UPDATE))
    assert found(report, "lost_gradient") == {"B1", "B2", "B3", "B4"}
    assert not found(report, "wrong_gradient")


def test_a_sign_error_is_a_wrong_gradient(tmp_path: Path) -> None:
    """Weights climb the loss: the update points along the gradient (cosine -1) in every W slice."""
    report = diagnose(mutant(tmp_path, SIGN), math="scratch")
    assert found(report, "wrong_gradient") == {"W1", "W2", "W3", "W4"}
    rows = {r["slice"]: r for r in report["gradient_check"]["rows"]}
    assert rows["W1"]["cosine"] == pytest.approx(-1.0)
    assert rows["B1"]["finding"] == "agrees"
    assert report["diagnosis"][0]["kind"] == "wrong_gradient"


def test_a_deep_net_with_tiny_weights_vanishes() -> None:
    """196-20-20-20-20-20-10 at init 0.05, fixed: W1 vanishes, and nothing is lost or wrong."""
    report = diagnose("day3", layers=DEEP, init=0.05)
    assert "W1" in found(report, "vanishing_gradient")
    assert kinds(report) & ERROR_KINDS == {"vanishing_gradient"}


def test_a_deep_net_with_the_offset_bug_is_lost_and_vanishing() -> None:
    """The same net at init 0.01 with the offset bug: W1 is lost and vanishing, and both are said."""
    report = diagnose("day3", layers=DEEP, init=0.01, variant="buggy")
    assert "W1" in found(report, "lost_gradient")
    assert "W1" in found(report, "vanishing_gradient")
    assert report["diagnosis"][0]["kind"] == "lost_gradient"


@pytest.mark.parametrize("layers", [(196, 10, 10), (196, 20, 8, 4, 10), (196, 16, 12, 10)])
def test_the_fixed_program_has_no_error(layers: tuple[int, ...]) -> None:
    """At several sizes the fixed program gets no diagnosis but lookup-table clamps."""
    report = diagnose("day3", layers=layers, variant="fixed")
    assert kinds(report) <= {"lut_clamp"}
    assert report["divergence"] is None


def test_the_text_verdict_leads_with_the_diagnosis(tmp_path: Path) -> None:
    """The first verdict line names the first diagnosis' subject and where to start."""
    report = diagnose("day3", variant="buggy")
    first = report["diagnosis"][0]
    assert (first["kind"], first["subject"]) == ("lost_gradient", "W1")
    assert report["verdict"][0].startswith("W1, B1:")
    assert "get_delta_offset" in report["verdict"][0]


def sb3_slices() -> list[str]:
    """--slice options naming day3's weight slices, as a person would type them for the .sb3."""
    words = []
    for s in day3_slices({}):
        if s.list_name == "weights":
            shape = "x".join(map(str, s.shape))
            words += ["--slice", f"weights:{s.start}-{s.end}:{shape}:{s.name}"]
    return words


def test_the_gradient_check_finds_the_lost_gradient_in_an_unnamed_sb3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The buggy program as an .sb3 (no names, no reference, no mark), with only --slice and --loss.

    Scratch's own e^ and ln (--math scratch when building it): the lookup tables quantise the loss
    more coarsely than the nudges, and the check would say it cannot conclude.
    """
    path = tmp_path / "buggy.sb3"
    save_sb3(day3_mlp.build(variant="buggy", math="scratch", **FEW), path)
    argv = ["explain", str(path), *sb3_slices(), "--loss", "loss_sum", "--json"]
    assert main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    rows = {r["slice"]: r for r in report["gradient_check"]["rows"]}
    assert rows["W1"]["finding"] == "lost" and rows["B1"]["finding"] == "lost"
    assert {"W1", "B1"} <= found(report, "lost_gradient")
    assert all(rows[name]["finding"] == "agrees" for name in ("W2", "W3", "W4"))
    assert found(report, "dropped_write") == {"deltas"}


def test_on_an_sb3_provenance_names_blocks_and_custom_blocks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With no source lines, the text names blocks by id, opcode and custom block, and finds their common one."""
    path = tmp_path / "buggy.sb3"
    save_sb3(day3_mlp.build(variant="buggy", epochs=1, train=2, test=1), path)
    assert main(["explain", str(path), "--slice", "weights:1-3920:196x20:W1"]) == 0
    text = capsys.readouterr().out
    assert "The index came from: s7_j from data_setvariableto (block " in text
    assert "in 'get_delta_offset'" in text
    assert "Start at custom block 'get_delta_offset'." in text


# ## Marks, names and the pause on odd indices


def test_a_mark_on_a_missing_variable_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    """--mark names a variable the project lacks: an error that names it."""
    assert main(["explain", "day3", "--train", "2", "--test", "1", "--mark", "nosuch=1"]) != 0
    assert "'nosuch'" in capsys.readouterr().err


def test_a_slice_of_a_missing_list_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    """--slice names a list the project lacks: an error that names it."""
    argv = ["explain", "day3", "--train", "2", "--test", "1", "--slice", "nolist:1-3:3:X"]
    assert main(argv) != 0
    assert "'nolist'" in capsys.readouterr().err


def test_a_mark_never_reached_is_said_and_voids_the_slices(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """phase never equals 'never': the diagnosis says so, and no slice is said to have changed or not."""
    argv = ["explain", "day3", "--train", "2", "--test", "1", "--mark", "phase=never", "--json"]
    assert main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    assert [d["kind"] for d in report["diagnosis"]][:1] == ["mark_not_reached"]
    assert found(report, "mark_not_reached") == {"phase = never"}
    assert report["slices"] == [] and not found(report, "lost_gradient")
    assert report["mark_reached"] is False
