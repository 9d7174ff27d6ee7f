"""Block semantics as a whole run sees them: data and list blocks, control blocks, looks, sensing, gaps."""

from __future__ import annotations

import math

import pytest

from emulator.dsl import (
    Program,
    answer,
    ask,
    join,
    random,
    repeat,
    reset_timer,
    say,
    say_for,
    think,
    timer,
    wait,
    wait_until,
)
from emulator.errors import ProgramError
from emulator.runtime.linker import UnsupportedBlock
from emulator.values import LIST_ITEM_LIMIT
from tests.helpers import Blocks, project, run_project, said, started, var


def one_script(*blocks: str, b: Blocks, **stage_data: object) -> dict:
    """Run the blocks under one flag script on the stage; the final state."""
    b.flag_script(*blocks)
    return run_project(project(b, **stage_data))


# ## Variables: section 11 vectors 58-61


def test_vector_58_set_variable_stores_the_literal_as_json_holds_it() -> None:
    """[10,"10"] and [4,"10"] store the string "10", [4,10] the number 10, a missing input undefined."""
    b = Blocks()
    state = one_script(
        b.set_var("text", [1, [10, "10"]]),
        b.set_var("number_slot", [1, [4, "10"]]),
        b.set_var("number", [1, [4, 10]]),
        b.add("data_setvariableto", {}, {"VARIABLE": ["missing", "var-missing"]}),
        b=b,
        variables={"text": 0, "number_slot": 0, "number": 0, "missing": 0},
    )
    assert state["variables"] == {
        "text": "10",
        "number_slot": "10",
        "number": 10.0,
        "missing": None,
    }


def test_vector_59_change_by_casts_text_to_a_number() -> None:
    """`change by` on "abc" treats it as 0: "abc" changed by "5" is the number 5."""
    b = Blocks()
    change = b.add("data_changevariableby", {"VALUE": [1, [4, "5"]]}, {"VARIABLE": ["v", "var-v"]})
    assert one_script(change, b=b, variables={"v": "abc"})["variables"]["v"] == 5.0


def test_vector_60_infinity_changed_by_minus_infinity_stores_nan() -> None:
    """ "Infinity" + "-Infinity" is NaN, and `change by` stores it."""
    b = Blocks()
    change = b.add(
        "data_changevariableby", {"VALUE": [1, [4, "-Infinity"]]}, {"VARIABLE": ["v", "var-v"]}
    )
    assert math.isnan(one_script(change, b=b, variables={"v": "Infinity"})["variables"]["v"])


def test_vector_61_a_boolean_variable_changed_by_1_is_2() -> None:
    """`set v to (1 < 2)` stores true; changing it by "1" gives the number 2."""
    b = Blocks()
    less = b.add("operator_lt", {"OPERAND1": [1, [10, "1"]], "OPERAND2": [1, [10, "2"]]})
    change = b.add("data_changevariableby", {"VALUE": [1, [4, "1"]]}, {"VARIABLE": ["w", "var-w"]})
    state = one_script(
        b.set_var("v", [3, less, [10, ""]]),
        b.set_var("w", [3, less, [10, ""]]),
        change,
        b=b,
        variables={"v": 0, "w": 0},
    )
    assert state["variables"] == {"v": True, "w": 2.0}


def test_set_variable_to_a_reporter_keeps_its_js_type() -> None:
    """A reporter's value is stored as is: a number from arithmetic, text from join, NaN from 0/0."""
    prog = Program("p")
    total, text, nan = prog.stage.var("total"), prog.stage.var("text"), prog.stage.var("nan")
    with prog.sprite("S").when_flag_clicked():
        total.set(total + "0.5")
        text.set(join(1, 2))
        nan.set(total * 0 / 0)
    state = run_project(prog.build())["variables"]
    assert state["total"] == 0.5
    assert state["text"] == "12"
    assert math.isnan(state["nan"])


# ## List reporters: vectors 62-69


ABC = ["a", "b", "c"]
MIXED = ["1", 2.0, True, "x"]


def list_reads(items: list[object], opcode: str, slot: str, values: list[object]) -> list[object]:
    """What a list reporter gives for each input value, read into a list `out`."""
    b = Blocks()
    reads = [
        b.add_to(
            "out", [3, b.add(opcode, {slot: [1, [10, v]]}, {"LIST": ["L", "list-L"]}), [10, ""]]
        )
        for v in values
    ]
    return one_script(*reads, b=b, lists={"L": items, "out": []})["lists"]["out"]


def test_vector_62_an_item_outside_the_list_is_the_empty_string() -> None:
    """Item "0", "4" and "all" of a 3-item list are all "" (a string)."""
    assert list_reads(ABC, "data_itemoflist", "INDEX", ["0", "4", "all"]) == ["", "", ""]


def test_vector_63_item_indices_floor_and_know_last() -> None:
    """Item "1.9" is the first, "last" the last, " 2 " the second."""
    assert list_reads(ABC, "data_itemoflist", "INDEX", ["1.9", "last", " 2 "]) == ["a", "c", "b"]


def test_item_index_special_words_are_lowercase_only() -> None:
    """ "LAST" is no special word: it casts to 0, so the item is ""; "0x2" is 2."""
    assert list_reads(ABC, "data_itemoflist", "INDEX", ["LAST", "0x2", "", "Infinity"]) == [
        "",
        "b",
        "",
        "",
    ]


def test_vector_64_an_item_keeps_its_type() -> None:
    """Item 3 of ["1", 2, true, "x"] is the boolean true."""
    assert list_reads(MIXED, "data_itemoflist", "INDEX", ["3"]) == [True]


def test_vector_65_item_number_ignores_case() -> None:
    """Item # of "B" in [a, b, c] is 2; of "zz" it is 0."""
    assert list_reads(ABC, "data_itemnumoflist", "ITEM", ["B", "zz"]) == [2.0, 0.0]


def test_vector_66_item_number_compares_numbers_and_booleans() -> None:
    """ "true" finds the boolean true at 3; "2.0" finds the number 2 at 2; "1.0" finds "1"."""
    assert list_reads(MIXED, "data_itemnumoflist", "ITEM", ["true", "2.0", "TRUE", "1.0"]) == [
        3.0,
        2.0,
        3.0,
        1.0,
    ]


def test_vector_67_list_contains_ignores_case_but_not_whitespace() -> None:
    """[a, b, c] contains "A" but not "" (whitespace compares as text)."""
    assert list_reads(ABC, "data_listcontainsitem", "ITEM", ["A", "", " a"]) == [True, False, False]


def test_list_contains_compares_numbers() -> None:
    """["1", 2, true, "x"] contains "2", "1.0" and "TRUE"; "0" matches nothing."""
    assert list_reads(MIXED, "data_listcontainsitem", "ITEM", ["2", "1.0", "TRUE", "0"]) == [
        True,
        True,
        True,
        False,
    ]


def list_contents(items: list[object]) -> object:
    b = Blocks()
    contents = b.add("data_listcontents", {}, {"LIST": ["L", "list-L"]})
    return one_script(
        b.set_var("v", [3, contents, [10, ""]]), b=b, lists={"L": items}, variables={"v": 0}
    )["variables"]["v"]


def test_vector_68_the_list_reporter_joins_single_characters_without_spaces() -> None:
    """["a","b","c"] reports "abc"; ["a","bc","d"] reports "a bc d"."""
    assert list_contents(["a", "b", "c"]) == "abc"
    assert list_contents(["a", "bc", "d"]) == "a bc d"


def test_vector_69_the_join_rule_looks_at_js_types() -> None:
    """The numbers [1, 2, 3] report "1 2 3" (not strings), the strings ["1","2"] "12", [] ""."""
    assert list_contents([1.0, 2.0, 3.0]) == "1 2 3"
    assert list_contents(["1", "2"]) == "12"
    assert list_contents([]) == ""
    assert list_contents(MIXED) == "1 2 true x"


def test_a_list_reporter_in_an_input_slot_reports_its_contents() -> None:
    """A list dropped into a slot ([13, name, id]) gives the same text as the list reporter."""
    b = Blocks()
    state = one_script(
        b.set_var("v", [3, [13, "L", "list-L"], [10, ""]]),
        b=b,
        lists={"L": ["x", "y"]},
        variables={"v": 0},
    )
    assert state["variables"]["v"] == "xy"


# ## List writes: vectors 70-73


def test_vector_70_insert_and_replace_sequence() -> None:
    """Insert z at 4, y at 6 (dropped), w at last, q at 1.5; replace 99 (dropped), then last with R."""
    prog = Program("p")
    items = prog.stage.list("L", ["a", "b", "c"])
    with prog.sprite("S").when_flag_clicked():
        items.insert(4, "z")
        items.insert(6, "y")
        items.insert("last", "w")
        items.insert(1.5, "q")
        items.replace(99, "R")
        items.replace("last", "R")
    assert run_project(prog.build())["lists"]["L"] == ["q", "a", "b", "c", "z", "R"]


def test_insert_and_replace_refuse_all_and_out_of_range() -> None:
    """Insert at "all" or 0 and replace at len+1 or "all" change nothing."""
    prog = Program("p")
    items = prog.stage.list("L", ["a", "b"])
    with prog.sprite("S").when_flag_clicked():
        items.insert("all", "x")
        items.insert(0, "x")
        items.replace(3, "x")
        items.replace("all", "x")
        items.insert(3, "c")  # len + 1 appends
    assert run_project(prog.build())["lists"]["L"] == ["a", "b", "c"]


def test_vector_71_delete_sequence() -> None:
    """Delete 0 (dropped), then last, then 1.7 (item 1) of [a, b, c] leaves [b]."""
    prog = Program("p")
    items = prog.stage.list("L", ["a", "b", "c"])
    with prog.sprite("S").when_flag_clicked():
        items.delete(0)
        items.delete("last")
        items.delete(1.7)
    assert run_project(prog.build())["lists"]["L"] == ["b"]


def test_delete_all_empties_the_list_both_ways() -> None:
    """`delete all of` and `delete ("all") of` both empty a list."""
    prog = Program("p")
    first, second = prog.stage.list("A", ["a"]), prog.stage.list("B", ["b", "c"])
    with prog.sprite("S").when_flag_clicked():
        first.delete_all()
        second.delete("all")
    assert run_project(prog.build())["lists"] == {"A": [], "B": []}


def test_vector_72_add_keeps_the_js_type() -> None:
    """`add (1 = 1)` adds the boolean true; `add "007"` adds the string "007"."""
    b = Blocks()
    equal = b.add("operator_equals", {"OPERAND1": [1, [10, "1"]], "OPERAND2": [1, [10, "1"]]})
    state = one_script(
        b.add_to("L", [3, equal, [10, ""]]), b.add_to("L", [1, [10, "007"]]), b=b, lists={"L": []}
    )
    assert state["lists"]["L"] == [True, "007"]


def full_list_program() -> tuple[Program, object]:
    prog = Program("p")
    return prog, prog.stage.list("L", ["x"] * LIST_ITEM_LIMIT)


def test_vector_73_add_to_a_full_list_does_nothing() -> None:
    """A list of 200,000 items silently ignores `add`."""
    prog, items = full_list_program()
    with prog.sprite("S").when_flag_clicked():
        items.add("new")
    final = run_project(prog.build())["lists"]["L"]
    assert len(final) == LIST_ITEM_LIMIT
    assert final[-1] == "x"


def test_insert_into_a_full_list_drops_the_last_item() -> None:
    """Insert at 1 into a full list keeps 200,000 items by popping the last; insert at "last" is refused."""
    prog, items = full_list_program()
    with prog.sprite("S").when_flag_clicked():
        items.replace("last", "end")
        items.insert("last", "refused")  # index 200,001 is past the limit
        items.insert(1, "first")
    final = run_project(prog.build())["lists"]["L"]
    assert len(final) == LIST_ITEM_LIMIT
    assert final[0] == "first"
    assert final[-1] == "x"  # "end" was pushed off


def test_a_list_one_short_of_the_limit_takes_one_more() -> None:
    """The limit is 200,000 exactly: 199,999 items take one more add, then no more."""
    prog = Program("p")
    items = prog.stage.list("L", ["x"] * (LIST_ITEM_LIMIT - 1))
    with prog.sprite("S").when_flag_clicked():
        items.add("last one")
        items.add("too many")
    final = run_project(prog.build())["lists"]["L"]
    assert len(final) == LIST_ITEM_LIMIT
    assert final[-1] == "last one"


# ## Control: vector 74 and friends


def repeat_times(times: list[object]) -> float:
    """How many times `repeat` runs its body for a literal TIMES value ([4, times] as JSON holds it)."""
    b = Blocks()
    change = b.add("data_changevariableby", {"VALUE": [1, [4, "1"]]}, {"VARIABLE": ["n", "var-n"]})
    loop = b.add("control_repeat", {"TIMES": [1, times], "SUBSTACK": [2, change]})
    return one_script(loop, b=b, variables={"n": 0})["variables"]["n"]


@pytest.mark.parametrize(
    ("times", "count"),
    [
        ("2.5", 3),
        ("2.4", 2),
        ("0.5", 1),
        ("-0.5", 0),
        ("abc", 0),
        ("true", 0),
    ],
)
def test_vector_74_repeat_rounds_its_count(times: str, count: int) -> None:
    """repeat runs Math.round(toNumber(n)) times: half rounds up, text that is not a number is 0."""
    assert repeat_times([4, times]) == count


@pytest.mark.parametrize(("times", "count"), [(" 3 ", 3), ("1e1", 10), ("0x3", 3), ("", 0)])
def test_repeat_count_casts_text_as_javascript_does(times: str, count: int) -> None:
    """Whitespace is trimmed, exponents and hex are numbers, "" is 0."""
    assert repeat_times([4, times]) == count


def test_repeat_count_is_evaluated_once() -> None:
    """Changing the count inside the loop does not change how often it runs."""
    prog = Program("p")
    n, runs = prog.stage.var("n", 3), prog.stage.var("runs", 0)
    with prog.sprite("S").when_flag_clicked(), repeat(n):
        n.change(1)
        runs.change(1)
    assert run_project(prog.build())["variables"] == {"n": 6.0, "runs": 3.0}


def test_if_and_if_else_with_empty_branches_and_empty_conditions() -> None:
    """Empty conditions are false, empty branches do nothing, and the script goes on."""
    b = Blocks()
    state = one_script(
        b.set_var("a", [1, [10, "x"]]),
        b.add("control_if", {}),
        b.add("control_if_else", {}),
        b.add("control_if", {"CONDITION": [2, b.add("operator_not", {})]}),
        b.add(
            "control_if_else",
            {
                "CONDITION": [2, b.add("operator_not", {})],
                "SUBSTACK2": [2, b.set_var("never", [1, [10, "!"]])],
            },
        ),
        b.set_var("b", [1, [10, "y"]]),
        b=b,
        variables={"a": 0, "b": 0, "never": 0},
    )
    assert state["variables"] == {"a": "x", "b": "y", "never": 0.0}


def test_if_tests_the_truth_of_a_text_value() -> None:
    """`if` uses Scratch's truth: "0", "false" in any case and "" are false; " ", "0.0", "null" true."""
    b = Blocks()
    blocks = []
    for text in ["0", "FALSE", "", " ", "0.0", "null"]:
        hit = b.add_to("out", [1, [10, text]])
        condition = [2, var("x")[1]]  # a variable reporter dropped into the boolean slot
        blocks += [
            b.set_var("x", [1, [10, text]]),
            b.add("control_if", {"CONDITION": condition, "SUBSTACK": [2, hit]}),
        ]
    state = one_script(*blocks, b=b, variables={"x": 0}, lists={"out": []})
    assert state["lists"]["out"] == [" ", "0.0", "null"]


# ## Looks and sensing


def test_say_and_think_capture_raw_values() -> None:
    """Bubbles keep the value's type: a number stays a number (no 2-decimal rounding in the capture)."""
    prog = Program("p")
    x = prog.stage.var("x", 0)
    with prog.sprite("S").when_flag_clicked():
        x.set(x + 1.23456)
        say(x)
        think(x == 1.23456)
        say("")
        say(1.5)
    state = run_project(prog.build())
    assert state["says"] == [
        {"target": "S", "type": "say", "text": 1.23456},
        {"target": "S", "type": "think", "text": True},
        {"target": "S", "type": "say", "text": ""},
        {"target": "S", "type": "say", "text": "1.5"},  # a literal is text, as the editor saves it
    ]


def test_say_for_secs_waits_on_the_frame_clock() -> None:
    """`say for 0.5 secs` started in frame 1 resumes in the first frame at or after 533 ms."""
    prog = Program("p")
    log = prog.stage.list("log")
    with prog.sprite("S").when_flag_clicked():
        say_for("hi", 0.5)
        log.add(timer())
    state = run_project(prog.build())
    assert state["lists"]["log"] == [0.533]
    assert said(state) == ["hi"]
    assert state["frames"] == 16


def test_timer_is_reset_by_reset_timer_and_the_flag() -> None:
    """The timer counts from the flag; `reset timer` restarts it in the current frame."""
    prog = Program("p")
    log = prog.stage.list("log")
    with prog.sprite("S").when_flag_clicked():
        wait(0.1)
        log.add(timer())
        reset_timer()
        log.add(timer())
        wait(0)
        log.add(timer())
    assert run_project(prog.build())["lists"]["log"] == [0.133, 0.0, 0.033]


def ask_program() -> Program:
    prog = Program("p")
    log = prog.stage.list("log")
    sprite = prog.sprite("S")
    with sprite.when_flag_clicked():
        ask("name?")
        log.add(answer())
        ask("age?")
        log.add(answer())
    with prog.stage.when_flag_clicked():
        ask("stage question")
        log.add(answer())
    return prog


def test_ask_and_wait_answers_questions_in_order_one_per_frame() -> None:
    """Questions queue: the sprite's is shown first; each answer arrives before the next frame."""
    state = run_project(ask_program().build(), answers=["Ada", "Bob", "36"])
    assert state["lists"]["log"] == ["Ada", "Bob", "36"]
    # The visible sprite says its question, then "" once answered; the stage asks in the prompt.
    assert said(state) == ["name?", "", "age?", ""]
    assert state["frames"] == 4


def test_a_question_is_shown_as_text() -> None:
    """The question bubble shows String(question): a number reporter's value as text."""
    prog = Program("p")
    x = prog.stage.var("x", 0)
    with prog.sprite("S").when_flag_clicked():
        x.change(1.5)
        ask(x)
    assert said(run_project(prog.build(), answers=["ok"])) == ["1.5", ""]


def test_a_hidden_sprite_asks_without_a_bubble() -> None:
    """A sprite hidden when it asks shows no say bubble."""
    b = Blocks()
    b.flag_script(
        b.add("sensing_askandwait", {"QUESTION": [1, [10, "q"]]}),
        b.set_var("a", [3, b.add("sensing_answer"), [10, ""]]),
    )
    from emulator.project import Project
    from tests.helpers import target

    hidden = Project(
        targets=(
            target("Stage", is_stage=True, variables={"a": 0}),
            target("S", b, layer=1, visible=False),
        )
    )
    state = run_project(hidden, answers=["yes"])
    assert state["variables"]["a"] == "yes"
    assert state["says"] == []


def test_ask_with_no_answer_left_is_a_program_error() -> None:
    """A question that can never be answered stops the run with a ProgramError naming the block."""
    runtime = started(ask_program().build(), answers=["only one"])
    with pytest.raises(ProgramError, match="needs an answer"):
        runtime.run()


def test_the_answer_is_empty_before_any_question() -> None:
    """`answer` is "" until a question is answered."""
    prog = Program("p")
    a = prog.stage.var("a", 0)
    with prog.sprite("S").when_flag_clicked():
        a.set(answer())
    assert run_project(prog.build())["variables"]["a"] == ""


# ## Unsupported blocks


def unsupported_project() -> tuple[object, str]:
    b = Blocks()
    move = b.add("videoSensing_setVideoTransparency", {"TRANSPARENCY": [1, [4, "10"]]})
    b.flag_script(b.set_var("before", [1, [10, "ran"]]), move, b.set_var("after", [1, [10, "ran"]]))
    return project(b, variables={"before": 0, "after": 0}), move


def test_an_unsupported_block_loads_and_stops_the_run_when_reached() -> None:
    """videoSensing_setVideoTransparency loads; the run stops with UnsupportedBlock (opcode and id) when it gets there."""
    proj, move_id = unsupported_project()
    runtime = started(proj)
    with pytest.raises(UnsupportedBlock) as caught:
        runtime.run()
    assert caught.value.opcode == "videoSensing_setVideoTransparency"
    assert caught.value.block_id == move_id
    assert "videoSensing_setVideoTransparency" in str(caught.value) and move_id in str(caught.value)
    assert runtime.stage.variables["var-before"].value == "ran"
    assert runtime.stage.variables["var-after"].value == 0


def test_an_unsupported_block_never_reached_is_harmless() -> None:
    """An unsupported block in a branch that is not taken, or a script never started, changes nothing."""
    b = Blocks()
    move = b.add("videoSensing_setVideoTransparency", {"TRANSPARENCY": [1, [4, "10"]]})
    b.script(
        b.add("event_whenkeypressed", {}, {"KEY_OPTION": ["space", None]}),
        b.add("videoSensing_videoToggle", {}),
    )
    b.flag_script(b.add("control_if", {"SUBSTACK": [2, move]}), b.set_var("done", [1, [10, "yes"]]))
    assert run_project(project(b, variables={"done": 0}))["variables"]["done"] == "yes"


def test_an_unsupported_reporter_stops_the_run_when_evaluated() -> None:
    """An unsupported reporter in an input raises when its block runs, naming the reporter."""
    b = Blocks()
    volume = b.add("translate_getViewerLanguage")
    b.flag_script(b.set_var("x", [3, volume, [10, ""]]))
    runtime = started(project(b, variables={"x": 0}))
    with pytest.raises(UnsupportedBlock) as caught:
        runtime.run()
    assert (caught.value.opcode, caught.value.block_id) == ("translate_getViewerLanguage", volume)


# ## Input evaluation order


def two_draws_joined(reversed_inputs: bool, seed: int) -> str:
    """join (pick random 1 to 9) (pick random 1 to 9), its inputs stored in either order."""
    b = Blocks()
    draws = [
        [3, b.add("operator_random", {"FROM": [1, [4, "1"]], "TO": [1, [4, "9"]]}), [10, ""]]
        for _ in "12"
    ]
    inputs = {"STRING1": draws[0], "STRING2": draws[1]}
    if reversed_inputs:
        inputs = dict(reversed(inputs.items()))
    b.flag_script(b.set_var("v", [3, b.add("operator_join", inputs), [10, ""]]))
    return run_project(project(b, variables={"v": 0}), seed=seed)["variables"]["v"]


def test_inputs_are_evaluated_in_project_json_key_order() -> None:
    """A block whose inputs are stored STRING2 first evaluates STRING2 first: the first draw lands there."""
    forward = two_draws_joined(reversed_inputs=False, seed=5)
    assert forward[0] != forward[1]  # this seed draws two different digits, so order shows
    assert two_draws_joined(reversed_inputs=True, seed=5) == forward[::-1]


def random_wait_until(warp: bool) -> Program:
    """`wait until <(pick random 1 to 20) = 1>`, in a warp block or not, beside a logging thread."""
    prog = Program("p")
    log = prog.stage.list("log")
    sprite = prog.sprite("S")
    lucky = sprite.procedure("lucky", warp=warp)
    with lucky.define():
        wait_until(random(1, 20) == 1)
    with sprite.when_flag_clicked():
        lucky()
        log.add("lucky")
    with sprite.when_flag_clicked():
        log.add("other")
    return prog


def test_a_wait_until_that_draws_random_numbers_is_rechecked_every_tick() -> None:
    """Re-checking a condition with `pick random` is work, not idling: the frame keeps ticking."""
    state = run_project(random_wait_until(warp=False).build(), seed=1)
    assert state["lists"]["log"] == ["other", "lucky"]
    assert state["frames"] == 1


def test_in_warp_a_random_wait_until_spins_without_yielding() -> None:
    """In warp the re-check repeats at once until the draw succeeds: no yield, no other thread first."""
    state = run_project(random_wait_until(warp=True).build(), seed=1)
    assert state["lists"]["log"] == ["lucky", "other"]
    assert state["frames"] == 1
