"""Checks of the Scratch VM oracle (tests/oracle.py + tests/conformance/run_vm.js).

Opt-in: ``python -m pytest -m oracle tests/test_oracle_runner.py``. Needs Node and
``npm ci --prefix tests/conformance``; skipped with the reason otherwise. All projects
run in one Node process (module-scoped fixture).
"""

from __future__ import annotations

import copy
import itertools
import math
from typing import Any

import pytest

try:
    from oracle import MINIMAL_COSTUME, decode_state, run_in_vm, vm_unavailable_reason
except ImportError:  # tests/ imported as a package
    from tests.oracle import MINIMAL_COSTUME, decode_state, run_in_vm, vm_unavailable_reason

_REASON = vm_unavailable_reason()

pytestmark = [
    pytest.mark.oracle,
    pytest.mark.skipif(_REASON is not None, reason=_REASON or ""),
]


# ----------------------------------------------------------------- project builder


class Blocks:
    """Builds a target's ``blocks`` dict; ids are prefixed so they never look like integers."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.blocks: dict[str, dict[str, Any]] = {}

    def add(
        self,
        opcode: str,
        inputs: dict[str, list] | None = None,
        fields: dict[str, list] | None = None,
        *,
        shadow: bool = False,
        mutation: dict | None = None,
    ) -> str:
        bid = f"{self.prefix}_{len(self.blocks)}"
        block: dict[str, Any] = {
            "opcode": opcode,
            "next": None,
            "parent": None,
            "inputs": inputs or {},
            "fields": fields or {},
            "shadow": shadow,
            "topLevel": False,
        }
        if mutation is not None:
            block["mutation"] = mutation
        self.blocks[bid] = block
        return bid

    def chain(self, *ids: str) -> str:
        """Link blocks with next/parent; returns the first id."""
        for a, b in itertools.pairwise(ids):
            self.blocks[a]["next"] = b
            self.blocks[b]["parent"] = a
        return ids[0]

    def script(self, *ids: str) -> str:
        """A top-level script: the first block (a hat) becomes topLevel."""
        first = self.chain(*ids)
        self.blocks[first].update({"topLevel": True, "x": 0, "y": 0})
        return first

    def flag_script(self, *ids: str) -> str:
        return self.script(self.add("event_whenflagclicked"), *ids)

    def finish(self) -> dict[str, dict[str, Any]]:
        """Set the parent of every block used as an input (reporters, C-block mouths)."""
        for bid, block in self.blocks.items():
            for value in block["inputs"].values():
                for ref in value[1:]:
                    if isinstance(ref, str) and ref in self.blocks:
                        self.blocks[ref]["parent"] = bid
        return self.blocks

    # Common blocks -------------------------------------------------------------

    def set_var(self, name: str, value: list, var_id: str | None = None) -> str:
        return self.add(
            "data_setvariableto",
            {"VALUE": value},
            {"VARIABLE": [name, var_id or f"var-{name}"]},
        )

    def change_var(self, name: str, value: list, var_id: str | None = None) -> str:
        return self.add(
            "data_changevariableby",
            {"VALUE": value},
            {"VARIABLE": [name, var_id or f"var-{name}"]},
        )

    def add_to_list(self, name: str, value: list) -> str:
        return self.add("data_addtolist", {"ITEM": value}, {"LIST": [name, f"list-{name}"]})

    def reporter(self, opcode: str, **inputs: list) -> str:
        return self.add(opcode, inputs)

    def repeat(self, times: str, *body: str) -> str:
        first = self.chain(*body)
        return self.add("control_repeat", {"TIMES": [1, [6, times]], "SUBSTACK": [2, first]})


def obscured(reporter_id: str) -> list:
    """An input slot holding a reporter block over an empty text shadow."""
    return [3, reporter_id, [10, ""]]


def var_reporter(name: str) -> list:
    return [3, [12, name, f"var-{name}"], [10, ""]]


def make_project(
    stage: Blocks,
    sprite: Blocks | None = None,
    *,
    stage_vars: dict[str, Any] | None = None,
    stage_lists: dict[str, list] | None = None,
    sprite_vars: dict[str, Any] | None = None,
    broadcasts: dict[str, str] | None = None,
) -> dict:
    sprite = sprite or Blocks("sp")
    return {
        "targets": [
            {
                "isStage": True,
                "name": "Stage",
                "variables": {f"var-{n}": [n, v] for n, v in (stage_vars or {}).items()},
                "lists": {f"list-{n}": [n, items] for n, items in (stage_lists or {}).items()},
                "broadcasts": broadcasts or {},
                "blocks": stage.finish(),
                "comments": {},
                "currentCostume": 0,
                "costumes": [copy.deepcopy(MINIMAL_COSTUME)],
                "sounds": [],
                "volume": 100,
                "layerOrder": 0,
                "tempo": 60,
                "videoTransparency": 50,
                "videoState": "on",
                "textToSpeechLanguage": None,
            },
            {
                "isStage": False,
                "name": "Sprite1",
                "variables": {f"var-{n}": [n, v] for n, v in (sprite_vars or {}).items()},
                "lists": {},
                "broadcasts": {},
                "blocks": sprite.finish(),
                "comments": {},
                "currentCostume": 0,
                "costumes": [copy.deepcopy(MINIMAL_COSTUME)],
                "sounds": [],
                "volume": 100,
                "layerOrder": 1,
                "visible": True,
                "x": 0,
                "y": 0,
                "size": 100,
                "direction": 90,
                "draggable": False,
                "rotationStyle": "all around",
            },
        ],
        "monitors": [],
        "extensions": [],
        "meta": {"semver": "3.0.0", "vm": "0.2.0", "agent": ""},
    }


# ----------------------------------------------------------------------- projects


def p_set_literal_string() -> dict:
    st = Blocks("st")
    st.flag_script(st.set_var("v", [1, [10, "10"]]))
    return make_project(st, stage_vars={"v": 0})


def p_change_gives_number() -> dict:
    st = Blocks("st")
    st.flag_script(st.set_var("v", [1, [10, "10"]]), st.change_var("v", [1, [4, "1"]]))
    return make_project(st, stage_vars={"v": 0})


def p_list_contents() -> dict:
    st = Blocks("st")
    contents = st.add("data_listcontents", fields={"LIST": ["L", "list-L"]})
    st.flag_script(
        st.add("data_deletealloflist", fields={"LIST": ["L", "list-L"]}),
        st.add_to_list("L", [1, [10, "a"]]),
        st.add_to_list("L", [1, [10, "b"]]),
        st.set_var("s", obscured(contents)),
    )
    return make_project(st, stage_vars={"s": ""}, stage_lists={"L": []})


def p_nan_and_negative_zero() -> dict:
    st = Blocks("st")
    div = st.add("operator_divide", {"NUM1": [1, [4, "0"]], "NUM2": [1, [4, "0"]]})
    rnd = st.add("operator_round", {"NUM": [1, [4, "-0.4"]]})
    lt = st.add("operator_lt", {"OPERAND1": [1, [10, "1"]], "OPERAND2": [1, [10, "2"]]})
    inf = st.add("operator_divide", {"NUM1": [1, [4, "-1"]], "NUM2": [1, [4, "0"]]})
    st.flag_script(
        st.set_var("n", obscured(div)),
        st.set_var("z", obscured(rnd)),
        st.set_var("b", obscured(lt)),
        # A VALUE input missing from the JSON stores undefined.
        st.add("data_setvariableto", {}, {"VARIABLE": ["u", "var-u"]}),
        st.add_to_list("L", obscured(inf)),
        st.add_to_list("L", obscured(lt)),
    )
    return make_project(st, stage_vars={"n": 0, "z": 0, "b": 0, "u": 0}, stage_lists={"L": []})


def p_two_threads_interleave() -> dict:
    st = Blocks("st")
    for letter in "ab":
        join = st.add(
            "operator_join", {"STRING1": var_reporter("log"), "STRING2": [1, [10, letter]]}
        )
        st.flag_script(st.repeat("3", st.set_var("log", obscured(join))))
    # Reset the log first: a sprite's flag scripts start before the stage's.
    sp = Blocks("sp")
    sp.flag_script(sp.set_var("log", [1, [10, ""]]))
    return make_project(st, sp, stage_vars={"log": ""})


def p_say_raw_values() -> dict:
    sp = Blocks("sp")
    add = sp.add("operator_add", {"NUM1": [1, [4, "0.1"]], "NUM2": [1, [4, "0.2"]]})
    lt = sp.add("operator_lt", {"OPERAND1": [1, [10, "1"]], "OPERAND2": [1, [10, "2"]]})
    sp.flag_script(
        sp.add("looks_say", {"MESSAGE": obscured(add)}),
        sp.add("looks_think", {"MESSAGE": [1, [10, "007"]]}),
        sp.add("looks_say", {"MESSAGE": obscured(lt)}),
    )
    return make_project(Blocks("st"), sp)


def p_wait_then_set() -> dict:
    st = Blocks("st")
    st.flag_script(
        st.set_var("done", [1, [10, "no"]]),
        st.add("control_wait", {"DURATION": [1, [5, "1"]]}),
        st.set_var("done", [1, [10, "yes"]]),
    )
    return make_project(st, stage_vars={"done": 0})


def p_sprite_locals_and_broadcast() -> dict:
    st = Blocks("st")
    st.flag_script(
        st.add("event_broadcast", {"BROADCAST_INPUT": [1, [11, "go", "bc-go"]]}),
    )
    sp = Blocks("sp")
    sp.flag_script(
        sp.set_var("mine", [1, [4, 5]], var_id="var-mine"),
        sp.add(
            "control_create_clone_of",
            {
                "CLONE_OPTION": [
                    1,
                    sp.add(
                        "control_create_clone_of_menu",
                        fields={"CLONE_OPTION": ["_myself_", None]},
                        shadow=True,
                    ),
                ]
            },
        ),
    )
    sp.script(
        sp.add("control_start_as_clone"),
        sp.set_var("mine", [1, [10, "clone"]], var_id="var-mine"),
    )
    sp.script(
        sp.add("event_whenbroadcastreceived", fields={"BROADCAST_OPTION": ["go", "bc-go"]}),
        sp.change_var("got", [1, [4, "1"]]),
    )
    return make_project(
        st, sp, stage_vars={"got": 0}, sprite_vars={"mine": 0}, broadcasts={"bc-go": "go"}
    )


def p_ask_answer() -> dict:
    st = Blocks("st")
    answer = st.add("sensing_answer")
    st.flag_script(
        st.add("sensing_askandwait", {"QUESTION": [1, [10, "name?"]]}),
        st.set_var("a", obscured(answer)),
    )
    return make_project(st, stage_vars={"a": 0})


def p_random() -> dict:
    st = Blocks("st")
    whole = st.add("operator_random", {"FROM": [1, [4, "1"]], "TO": [1, [4, "1000000"]]})
    frac = st.add("operator_random", {"FROM": [1, [4, "0"]], "TO": [1, [4, "1.0"]]})
    st.flag_script(
        st.repeat("3", st.add_to_list("R", obscured(whole)), st.add_to_list("R", obscured(frac)))
    )
    # Say and clone make ids inside the VM: they must not draw from the seeded generator.
    sp = Blocks("sp")
    menu = sp.add(
        "control_create_clone_of_menu", fields={"CLONE_OPTION": ["_myself_", None]}, shadow=True
    )
    sp.flag_script(
        sp.add("looks_say", {"MESSAGE": [1, [10, "hi"]]}),
        sp.add("control_create_clone_of", {"CLONE_OPTION": [1, menu]}),
    )
    return make_project(st, sp, stage_lists={"R": []})


def p_broken() -> dict:
    project = make_project(Blocks("st"))
    del project["targets"]
    return project


CASES = {
    "set_literal": p_set_literal_string,
    "change": p_change_gives_number,
    "list": p_list_contents,
    "special_numbers": p_nan_and_negative_zero,
    "interleave": p_two_threads_interleave,
    "say": p_say_raw_values,
    "wait": p_wait_then_set,
    "wait_again": p_wait_then_set,
    "sprites": p_sprite_locals_and_broadcast,
    "ask": p_ask_answer,
    "random": p_random,
    "broken": p_broken,
}


SEED = 12345


@pytest.fixture(scope="module")
def results() -> dict[str, dict]:
    names = list(CASES)
    out = run_in_vm(
        [CASES[n]() for n in names], turbo=True, max_frames=300, answers=["Ada"], seed=SEED
    )
    return dict(zip(names, out, strict=True))


def ok_state(result: dict) -> dict:
    assert result["ok"], result.get("error")
    assert result["finished"] is True
    return decode_state(result["state"])


# -------------------------------------------------------------------------- tests


def test_set_to_literal_keeps_string(results: dict[str, dict]) -> None:
    raw = results["set_literal"]["state"]["variables"]["v"]
    assert raw == "10" and isinstance(raw, str)
    assert ok_state(results["set_literal"])["variables"] == {"v": "10"}


def test_change_by_gives_number(results: dict[str, dict]) -> None:
    assert results["change"]["state"]["variables"]["v"] == 11
    value = ok_state(results["change"])["variables"]["v"]
    assert value == 11.0 and type(value) is float


def test_list_items_and_listcontents(results: dict[str, dict]) -> None:
    state = ok_state(results["list"])
    assert state["lists"] == {"L": ["a", "b"]}
    assert state["variables"]["s"] == "ab"


def test_special_numbers_are_encoded_and_decoded(results: dict[str, dict]) -> None:
    raw = results["special_numbers"]["state"]
    assert raw["variables"]["n"] == {"$n": "NaN"}
    assert raw["variables"]["z"] == {"$n": "-0"}
    assert raw["variables"]["u"] == {"$undefined": True}
    state = ok_state(results["special_numbers"])
    v = state["variables"]
    assert math.isnan(v["n"])
    assert v["z"] == 0.0 and math.copysign(1.0, v["z"]) == -1.0
    assert v["b"] is True
    assert v["u"] is None
    assert state["lists"]["L"] == [-math.inf, True]


def test_two_loops_interleave(results: dict[str, dict]) -> None:
    assert ok_state(results["interleave"])["variables"]["log"] == "ababab"


def test_say_captures_raw_values(results: dict[str, dict]) -> None:
    says = ok_state(results["say"])["says"]
    assert says == [
        {"target": "Sprite1", "type": "say", "text": 0.30000000000000004},
        {"target": "Sprite1", "type": "think", "text": "007"},
        {"target": "Sprite1", "type": "say", "text": True},
    ]
    assert type(says[0]["text"]) is float


def test_wait_is_deterministic_and_bounded(results: dict[str, dict]) -> None:
    first, again = results["wait"], results["wait_again"]
    assert ok_state(first)["variables"]["done"] == "yes"
    # Flag at t=0; frame n runs at floor(n*1000/30) ms: wait 1 started in frame 1 (33 ms)
    # ends in frame 31 (1033 ms).
    assert first["frames"] == 31
    assert again["frames"] == first["frames"]


def test_sprite_locals_with_their_clones_and_no_broadcasts(results: dict[str, dict]) -> None:
    state = ok_state(results["sprites"])
    # The clone also receives "go"; the broadcast message itself is not listed.
    assert state["variables"] == {"got": 2.0}
    sprite = state["sprites"]["Sprite1"]
    assert (sprite["variables"], sprite["lists"]) == ({"mine": 5.0}, {})
    [clone] = sprite["clones"]
    assert (clone["variables"], clone["layer"], sprite["layer"]) == ({"mine": "clone"}, 1.0, 2.0)


def test_ask_gets_answer(results: dict[str, dict]) -> None:
    assert ok_state(results["ask"])["variables"]["a"] == "Ada"


def test_pick_random_uses_the_seeded_generator(results: dict[str, dict]) -> None:
    from emulator.rng import JsRandom

    rng = JsRandom(SEED)
    expected = []
    for _ in range(3):
        expected.append(float(1 + math.floor(rng.random() * 1000000)))
        expected.append(rng.random() * 1.0)
    assert ok_state(results["random"])["lists"]["R"] == expected


def test_broken_project_reports_schema_error(results: dict[str, dict]) -> None:
    result = results["broken"]
    assert result["ok"] is False
    assert "targets" in result["error"]
    assert "\n" not in result["error"]
