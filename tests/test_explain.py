"""explain: the findings and verdict come from the run's evidence, on day3 and on an unnamed .sb3."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from emulator.cli import main
from emulator.debug.explain import explain
from emulator.debug.report import BlockRef
from emulator.debug.session import DebugSession
from emulator.programs.day3_mlp import build
from emulator.sb3 import save_sb3

SMALL = {"epochs": 1, "train": 20, "test": 10}


def explain_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    assert main(["explain", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def differing_lines() -> set[str]:
    """The DSL lines whose blocks differ between the two variants (found by comparing the projects)."""

    def by_line(variant: str) -> Counter[tuple[str, str]]:
        blocks = build(variant=variant, **SMALL).target("Network").blocks.values()
        return Counter((b.source or "", b.opcode) for b in blocks)

    diff = (by_line("fixed") - by_line("buggy")) + (by_line("buggy") - by_line("fixed"))
    return {source for source, _ in diff}


@pytest.fixture(scope="module")
def buggy() -> dict[str, Any]:
    return explain(DebugSession("day3", {"variant": "buggy", **SMALL})).to_json()


@pytest.fixture(scope="module")
def fixed() -> dict[str, Any]:
    return explain(DebugSession("day3", {"variant": "fixed", **SMALL})).to_json()


def weight_slices(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["name"]: s for s in report["slices"] if s["list"] == "weights"}


def test_buggy_w1_b1_stuck_and_the_rest_changed(buggy: dict[str, Any]) -> None:
    """In the buggy run W1 and B1 have 0 changed items; every other weight slice changed."""
    slices = weight_slices(buggy)
    assert slices["W1"]["changed"] == 0 and slices["B1"]["changed"] == 0
    assert all(s["changed"] > 0 for name, s in slices.items() if name not in ("W1", "B1"))


def test_buggy_names_the_differing_line(buggy: dict[str, Any]) -> None:
    """Some out-of-range finding names a block on the one line where buggy and fixed differ."""
    lines = differing_lines()
    assert len(lines) == 1
    sources = {o["source"] for m in buggy["out_of_range"] for o in [m, *m["index_from"]]}
    assert lines & sources


def test_buggy_out_of_range_and_layer_map(buggy: dict[str, Any]) -> None:
    """The dropped writes and past-the-end reads of deltas are grouped by block, and the layer map flags layer 2."""
    misses = buggy["out_of_range"]
    assert {m["list"] for m in misses} == {"deltas"}
    assert {m["kind"] for m in misses} == {"read", "write"}
    assert all(
        m["first_index"] == 43 and m["last_index"] == 62 and m["length"] == 42 for m in misses
    )
    # The shifted offsets also put the output layer's deltas over layer 4's.
    assert [row["problems"] for row in buggy["layer_map"] if row["problems"]] == [
        ["deltas of layer 2 are items 43..62 but `deltas` has 42 items"],
        ["deltas of layer 4 (items 15..18) overlap deltas of layer 5 (items 11..20) in `deltas`"],
    ]


def test_buggy_verdict_calls_it_a_plumbing_bug(buggy: dict[str, Any]) -> None:
    """W1's reference change is large, so the verdict says the gradient is lost, not vanishing."""
    w1 = next(line for line in buggy["verdict"] if line.startswith("W1"))
    assert "plumbing bug" in w1 and "vanishing" in w1
    assert any("get_delta_offset" in line for line in buggy["verdict"])


def test_fixed_is_clean(fixed: dict[str, Any]) -> None:
    """The fixed run has no out-of-range access and every slice changed."""
    assert fixed["out_of_range"] == []
    assert all(s["changed"] > 0 for s in weight_slices(fixed).values())
    assert not any(row["problems"] for row in fixed["layer_map"])


def test_zero_gradient_is_told_from_a_lost_one() -> None:
    """With blank input images W1's true gradient is zero: the verdict says vanishing, not plumbing."""
    blank = {
        "train_images": ["0" * 196] * 3,
        "train_labels": ["1", "2", "3"],
        "test_images": ["0" * 196],
        "test_labels": ["4"],
        "epochs": 1,
        "train": 3,
        "test": 1,
    }
    report = explain(DebugSession("day3", {"variant": "fixed", **blank})).to_json()
    w1 = next(line for line in report["verdict"] if line.startswith("W1"))
    assert "vanishing" in w1 and "not a plumbing bug" in w1
    assert weight_slices(report)["W1"]["reference_max_abs_change"] == 0.0


def test_cli_json_has_the_documented_keys(capsys: pytest.CaptureFixture[str]) -> None:
    """`explain --json` prints one object with slices, never_written and out_of_range rows."""
    report = explain_json(capsys, "day3", "--variant", "buggy", "--train", "3", "--test", "1")
    assert set(report["slices"][0]) >= {
        "list",
        "name",
        "start",
        "end",
        "changed",
        "total",
        "max_abs_change",
        "reference_max_abs_change",
    }
    assert set(report["out_of_range"][0]) >= {
        "list",
        "kind",
        "first_index",
        "last_index",
        "length",
        "count",
        "block_id",
        "opcode",
        "source",
    }
    assert report["never_written"] and set(report["never_written"][0]) == {"list", "start", "end"}


def test_sb3_with_no_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """On an .sb3 (no slices, no DSL lines) explain still finds the out-of-range accesses and unwritten items."""
    path = tmp_path / "buggy.sb3"
    save_sb3(build(variant="buggy", epochs=1, train=2, test=1), path)
    report = explain_json(
        capsys, str(path), "--slice", "weights:1-3920:196x20:W1", "--mark", "phase=train"
    )
    assert report["out_of_range"] and all(m["source"] is None for m in report["out_of_range"])
    assert {"list": "deltas", "start": 1, "end": 10} in report["never_written"]
    assert report["slices"][0]["name"] == "W1" and report["slices"][0]["changed"] == 0


def test_buggy_w1_update_read_past_the_end_of_deltas(buggy: dict[str, Any]) -> None:
    """W1's update read deltas 43..62, past the end: the trail names the reading block, the diagnosis points at it."""
    rows = [r for r in buggy["dataflow"] if r["slice"] == "W1" and r["list"] == "deltas"]
    assert [r["past_end"][:2] for r in rows] == [[43, 62]]
    lost = next(
        d for d in buggy["diagnosis"] if (d["kind"], d["subject"]) == ("lost_gradient", "W1")
    )
    assert lost["block_id"] == rows[0]["read_block"]["block_id"]
    assert lost["procedure"] == "s7_update_layer"


def test_buggy_parts_from_the_reference_at_the_first_sample(buggy: dict[str, Any]) -> None:
    """The reference is bit-exact, so the run parts from it after the first sample, in W1."""
    d = buggy["divergence"]
    assert (d["epoch"], d["sample"], d["slice"], d["tolerance"]) == (1, 1, "W1", 0.0)
    assert d["block"]["opcode"] == "data_replaceitemoflist"
    w1 = weight_slices(buggy)["W1"]
    assert w1["reference_max_abs_diff"] == w1["reference_max_abs_change"] > 0


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        (
            BlockRef("b7", "data_itemoflist", "p.py:3", "forward"),
            "data_itemoflist (block b7) in custom block 'forward' at p.py:3",
        ),
        (BlockRef("b7", "data_itemoflist", "p.py:3", None), "data_itemoflist (block b7) at p.py:3"),
        (
            BlockRef("b7", "data_itemoflist", None, "forward"),
            "data_itemoflist (block b7) in custom block 'forward'",
        ),
        (
            BlockRef("b7", "data_itemoflist", None, "x\x1b[2J"),
            "data_itemoflist (block b7) in custom block 'x\\x1b[2J'",
        ),
    ],
)
def test_a_block_is_named_by_its_custom_block_and_its_line(ref: BlockRef, expected: str) -> None:
    """Where a finding points: the custom block a person opens, then the source line, each when known."""
    assert ref.where() == expected
