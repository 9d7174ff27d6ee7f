"""Fractional and non-numeric list indices: Scratch floors them or reads them as 0; explain says where."""

from __future__ import annotations

import pytest

from emulator.debug.explain import explain
from emulator.debug.session import DebugSession, PauseReason
from emulator.dsl import Program, say
from emulator.project import Project
from emulator.values import FRACTIONAL_INDEX, NON_NUMERIC_INDEX, index_quirk


@pytest.mark.parametrize(
    ("index", "quirk"),
    [
        (2.0, None),
        ("3", None),
        ("last", None),
        ("random", None),
        (2.5, FRACTIONAL_INDEX),
        ("1.5", FRACTIONAL_INDEX),
        (223.99999999999997, FRACTIONAL_INDEX),
        ("abc", NON_NUMERIC_INDEX),
        ("", NON_NUMERIC_INDEX),
        (float("nan"), NON_NUMERIC_INDEX),
        (True, NON_NUMERIC_INDEX),
        (float("inf"), None),  # out of range, which the out-of-range finding reports
    ],
)
def test_index_quirk(index: object, quirk: str | None) -> None:
    """Only a whole number (or one of the list words) is an index Scratch takes as it is."""
    assert index_quirk(index) == quirk  # type: ignore[arg-type]


def odd_indices() -> Project:
    prog = Program("odd")
    sprite = prog.sprite("S")
    items = prog.stage.list("items", ["a", "b", "c", "d"])
    half = prog.stage.var("half", 0)
    with sprite.when_flag_clicked():
        half.set(0.5)
        say(items.item(half + 1))  # item 1.5: item 1
        say(items.item("abc"))  # read as 0: no item
        items.replace(half + 2, "B")  # item 2.5: item 2
        items.insert(half + 1, "x")  # insert at 1.5: at 1
        items.delete(half + 3)  # delete 3.5: item 3
        say(items.item(2))
    return prog.build()


def test_each_block_with_an_odd_index_is_a_group() -> None:
    """item of, replace, insert at and delete with fractional or text indices: counted by block, with an example."""
    report = explain(DebugSession(odd_indices())).to_json()
    groups = {(q["opcode"], q["kind"]): q for q in report["index_quirks"]}
    assert set(groups) == {
        ("data_itemoflist", FRACTIONAL_INDEX),
        ("data_itemoflist", NON_NUMERIC_INDEX),
        ("data_replaceitemoflist", FRACTIONAL_INDEX),
        ("data_insertatlist", FRACTIONAL_INDEX),
        ("data_deleteoflist", FRACTIONAL_INDEX),
    }
    read = groups[("data_itemoflist", FRACTIONAL_INDEX)]
    assert (read["example"], read["item"], read["count"]) == (1.5, 1, 1)
    assert groups[("data_itemoflist", NON_NUMERIC_INDEX)]["item"] == 0
    assert groups[("data_deleteoflist", FRACTIONAL_INDEX)]["item"] == 3
    # The index's provenance: `half`, and the block that set it.
    assert [o["variable"] for o in read["index_from"]] == ["half"]
    assert {d["kind"] for d in report["diagnosis"]} >= {"fractional_index"}
    assert {d["subject"] for d in report["diagnosis"] if d["kind"] == "fractional_index"} == {
        "items"
    }


def test_the_debugger_pauses_before_a_fractional_index() -> None:
    """pause_on_fractional_index stops before the first block whose list index Scratch would floor."""
    session = DebugSession(odd_indices())
    session.pause_on_fractional_index(True)
    assert session.pauses_on_fractional_index
    paused = session.continue_()
    assert paused.reason == PauseReason.FRACTIONAL_INDEX
    assert paused.stmt is not None and paused.stmt.opcode == "looks_say"
    access = session.list_access()
    assert access is not None and access.index == 1.5
    session.pause_on_fractional_index(False)
    assert session.continue_().finished
