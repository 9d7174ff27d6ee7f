"""The Python DSL builds the blocks the Scratch editor would: literals as text, editor shadows, source lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emulator.dsl import (
    Program,
    ask,
    broadcast,
    else_,
    if_,
    join,
    random,
    repeat,
    say,
    wait,
)
from emulator.dsl_sprite import (
    MYSELF,
    RANDOM,
    create_clone,
    go_to,
    move,
    next_costume,
    switch_costume,
)
from emulator.project import (
    INPUT_NO_SHADOW,
    INPUT_OBSCURED,
    INPUT_SHADOW,
    INTEGER,
    MATH_NUMBER,
    POSITIVE_NUMBER,
    TEXT,
    VARIABLE,
    WHOLE_NUMBER,
    Block,
    Input,
    Primitive,
    Project,
)
from tests.helpers import run_project

HERE = Path(__file__).name


def blocks_of(project: Project) -> list[Block]:
    return [block for target in project.targets for block in target.blocks.values()]


def only(project: Project, opcode: str) -> Block:
    [block] = [b for b in blocks_of(project) if b.opcode == opcode]
    return block


def line_of(marker: str) -> int:
    """The line of this file holding `marker` (a comment), so tests need no hard-coded numbers."""
    for number, text in enumerate(Path(__file__).read_text().splitlines(), 1):
        if text.rstrip().endswith(f"# {marker}"):
            return number
    raise LookupError(marker)


# ## Source lines


def sample_program() -> Project:
    prog = Program("p")
    v = prog.stage.var("v", 0)
    items = prog.stage.list("items")
    sprite = prog.sprite("S")
    shout = sprite.procedure("shout %s %b", ["text", "loud"])
    with shout.define() as (text, loud):  # define
        v.set(text)  # set text
        with if_(loud):  # if loud
            say(join(text, "!"))  # say joined
    with sprite.when_flag_clicked():  # hat
        with repeat(3):  # repeat
            v.change(1)  # change
        items.add(v * 2)  # add
        shout("hi", True)  # call
    return prog.build()


def test_every_block_records_the_dsl_line_that_made_it() -> None:
    """Each block's source is "path:line" of the statement that wrote it, hats and shadows included."""
    project = sample_program()
    for block in blocks_of(project):
        assert block.source is not None, block
        path, _, line = block.source.rpartition(":")
        assert Path(path).name == HERE, block
        assert line.isdigit()


@pytest.mark.parametrize(
    ("opcode", "marker"),
    [
        ("procedures_definition", "define"),
        ("procedures_prototype", "define"),
        ("control_if", "if loud"),
        ("looks_say", "say joined"),
        ("operator_join", "say joined"),
        ("event_whenflagclicked", "hat"),
        ("control_repeat", "repeat"),
        ("data_changevariableby", "change"),
        ("data_addtolist", "add"),
        ("operator_multiply", "add"),
        ("procedures_call", "call"),
        ("operator_equals", "call"),  # the Python True given for %b
    ],
)
def test_a_block_comes_from_its_own_line(opcode: str, marker: str) -> None:
    """Hats and C blocks written with `with` point at the `with` line, not at contextlib."""
    assert only(sample_program(), opcode).source.endswith(f":{line_of(marker)}")  # type: ignore[union-attr]


def test_an_argument_reporter_comes_from_the_line_that_uses_it() -> None:
    """The reporters define() hands out are placed where they are used; so is their source line."""
    project = sample_program()
    used = [
        b for b in blocks_of(project) if b.opcode.startswith("argument_reporter") and not b.shadow
    ]
    lines = sorted(int(b.source.rsplit(":", 1)[1]) for b in used)  # type: ignore[union-attr]
    assert lines == [line_of("set text"), line_of("if loud"), line_of("say joined")]


# ## Literals as the editor stores them


def test_set_variable_stores_a_number_as_text() -> None:
    """`v.set(10)` puts the text "10" in a text slot, so the variable holds the string "10"."""
    prog = Program("p")
    v = prog.stage.var("v", 0)
    with prog.sprite("S").when_flag_clicked():
        v.set(10)
    project = prog.build()
    assert only(project, "data_setvariableto").inputs["VALUE"] == Input(
        INPUT_SHADOW, Primitive(TEXT, "10")
    )
    assert run_project(project)["variables"]["v"] == "10"


def test_numbers_are_written_as_javascript_prints_them() -> None:
    """Python numbers become JS number text: 1e21 as "1e+21", 2.0 as "2", 0.1 + 0.2 in full."""
    prog = Program("p")
    items = prog.stage.list("items")
    with prog.sprite("S").when_flag_clicked():
        items.add(1e21)
        items.add(2.0)
        items.add(0.1 + 0.2)
        items.add(True)
    assert run_project(prog.build())["lists"]["items"] == [
        "1e+21",
        "2",
        "0.30000000000000004",
        "true",
    ]


def test_operator_inputs_get_number_shadows_holding_text() -> None:
    """`v + 10` is operator_add with NUM2 = [1, [4, "10"]] and NUM1 the variable over an empty [4, ""]."""
    prog = Program("p")
    v, w = prog.stage.var("v", 0), prog.stage.var("w", 0)
    with prog.sprite("S").when_flag_clicked():
        w.set(v + 10)
    add = only(prog.build(), "operator_add")
    assert add.inputs["NUM2"] == Input(INPUT_SHADOW, Primitive(MATH_NUMBER, "10"))
    assert add.inputs["NUM1"] == Input(
        INPUT_OBSCURED, Primitive(VARIABLE, "v", v.id), Primitive(MATH_NUMBER, "")
    )


def test_each_slot_gets_the_editors_shadow_kind() -> None:
    """Whole-number, positive-number, integer and number slots use the shadows the editor makes."""
    prog = Program("p")
    v = prog.stage.var("v", 0)
    items = prog.stage.list("items")
    with prog.sprite("S").when_flag_clicked():
        with repeat(2):
            wait(0.5)
        items.insert(1, "x")
        v.change(2)
        v.set(random(1, 6))
        say(join("a", items.item(1)))
    project = prog.build()
    kinds = {
        ("control_repeat", "TIMES"): WHOLE_NUMBER,
        ("control_wait", "DURATION"): POSITIVE_NUMBER,
        ("data_insertatlist", "INDEX"): INTEGER,
        ("data_insertatlist", "ITEM"): TEXT,
        ("data_changevariableby", "VALUE"): MATH_NUMBER,
        ("operator_random", "FROM"): MATH_NUMBER,
        ("data_itemoflist", "INDEX"): INTEGER,
        ("operator_join", "STRING1"): TEXT,
    }
    for (opcode, slot), kind in kinds.items():
        primitive = only(project, opcode).inputs[slot].slot
        assert isinstance(primitive, Primitive) and primitive.kind == kind, (opcode, slot)


def test_initial_values_keep_their_python_types() -> None:
    """Declared values are saved as numbers, strings or booleans, as a saved project holds them."""
    prog = Program("p")
    prog.stage.var("n", 5)
    prog.stage.var("s", "5")
    prog.stage.list("l", [1, "1", True])
    state = run_project(prog.build())
    assert state["variables"] == {"n": 5.0, "s": "5"}
    assert state["lists"]["l"] == [1.0, "1", True]


# ## Control structure


def test_else_after_if_builds_control_if_else() -> None:
    """`with if_(c): ...` followed by `with else_(): ...` is one control_if_else with two mouths."""
    prog = Program("p")
    v = prog.stage.var("v", 0)
    with prog.sprite("S").when_flag_clicked():
        with if_(v > 0):
            v.set("then")
        with else_():
            v.set("else")
    project = prog.build()
    block = only(project, "control_if_else")
    assert {"CONDITION", "SUBSTACK", "SUBSTACK2"} <= set(block.inputs)
    assert not [b for b in blocks_of(project) if b.opcode == "control_if"]
    assert run_project(project)["variables"]["v"] == "else"


def test_else_must_follow_an_if() -> None:
    """else_() anywhere but straight after an if_() is a mistake the DSL reports."""
    prog = Program("p")
    v = prog.stage.var("v", 0)
    with prog.sprite("S").when_flag_clicked(), pytest.raises(SyntaxError):
        v.set(1)
        with else_():
            pass


def test_statements_outside_a_script_are_refused() -> None:
    """A block written outside any script has nowhere to go."""
    with pytest.raises(SyntaxError):
        say("hello")


def test_a_python_bool_in_a_boolean_slot_is_an_always_true_or_false_test() -> None:
    """if_(True) and if_(False) build a comparison the VM evaluates to that boolean."""
    prog = Program("p")
    log = prog.stage.list("log")
    with prog.sprite("S").when_flag_clicked():
        with if_(True):
            log.add("yes")
        with if_(False):
            log.add("no")
    project = prog.build()
    for block in blocks_of(project):
        if block.opcode == "control_if":
            assert block.inputs["CONDITION"].kind == INPUT_NO_SHADOW
    assert run_project(project)["lists"]["log"] == ["yes"]


def test_a_reporter_in_a_boolean_slot_has_no_shadow() -> None:
    """Boolean slots are saved as [2, reporter]: no shadow under a comparison or a variable."""
    prog = Program("p")
    v = prog.stage.var("v", 0)
    with prog.sprite("S").when_flag_clicked():
        with if_(v == 1):
            pass
        with if_(v):
            pass
    conditions = [
        b.inputs["CONDITION"] for b in blocks_of(prog.build()) if b.opcode == "control_if"
    ]
    assert all(c.kind == INPUT_NO_SHADOW and c.shadow is None for c in conditions)


# ## Procedures


def test_a_procedure_with_string_and_boolean_arguments() -> None:
    """'greet %s %b' makes a prototype with one string and one boolean argument, and runs."""
    prog = Program("p")
    log = prog.stage.list("log")
    sprite = prog.sprite("S")
    greet = sprite.procedure("greet %s %b", ["name", "shout"])
    with greet.define() as (name, shout):
        with if_(shout):
            log.add(join(name, "!"))
        with else_():
            log.add(name)
    with sprite.when_flag_clicked():
        greet("Ada", True)
        greet("Bob", False)
    project = prog.build()
    proto = only(project, "procedures_prototype")
    assert proto.mutation is not None
    assert proto.mutation["proccode"] == "greet %s %b"
    assert json.loads(proto.mutation["argumentnames"]) == ["name", "shout"]
    assert json.loads(proto.mutation["argumentdefaults"]) == ["", "false"]
    assert proto.mutation["warp"] == "false"
    reporters = sorted(
        b.opcode for b in blocks_of(project) if b.shadow and b.opcode.startswith("argument")
    )
    assert reporters == ["argument_reporter_boolean", "argument_reporter_string_number"]
    assert run_project(project)["lists"]["log"] == ["Ada!", "Bob"]


def test_a_warp_procedure_says_so_in_its_prototype() -> None:
    """procedure(..., warp=True) writes warp "true" in the prototype's mutation."""
    prog = Program("p")
    sprite = prog.sprite("S")
    fast = sprite.procedure("fast", warp=True)
    with fast.define():
        pass
    assert only(prog.build(), "procedures_prototype").mutation["warp"] == "true"  # type: ignore[index]


def test_a_procedure_checks_its_argument_count() -> None:
    """Names must match the %s/%b slots, and a call must pass one value per argument."""
    prog = Program("p")
    sprite = prog.sprite("S")
    with pytest.raises(ValueError, match="argument slots"):
        sprite.procedure("two %s %b", ["only_one"])
    one = sprite.procedure("one %s", ["x"])
    with sprite.when_flag_clicked(), pytest.raises(TypeError):
        one()


def test_broadcast_names_are_declared_on_the_stage_once() -> None:
    """A broadcast and its receiver share one stage message id; a computed name is matched at run time."""
    prog = Program("p")
    sprite = prog.sprite("S")
    with sprite.when_i_receive("go"):
        ask("ready?")
    with sprite.when_flag_clicked():
        broadcast("go")
        broadcast(join("g", "o"))
    project = prog.build()
    assert list(project.stage.broadcasts.values()) == ["go"]
    assert run_project(project, answers=["yes"])["says"][0]["text"] == "ready?"


# ## Sprites: looks, menus, clones


def test_a_sprite_takes_its_looks_and_costumes() -> None:
    """Program.sprite's looks and costumes become the target's project.json fields."""
    prog = Program("p")
    prog.stage.costumes = ["day", "night"]
    prog.sprite("S", costumes=["a", "b"], x=10, direction=-90, visible=False)
    stage, sprite = prog.build().targets
    assert [c["name"] for c in stage.extra["costumes"]] == ["day", "night"]
    assert [c["name"] for c in sprite.extra["costumes"]] == ["a", "b"]
    assert (sprite.extra["x"], sprite.extra["direction"], sprite.extra["visible"]) == (
        10,
        -90,
        False,
    )


def test_a_menu_choice_is_a_shadow_menu_block() -> None:
    """go_to(RANDOM) puts the choice in a motion_goto_menu shadow; a reporter lies over one."""
    prog = Program("p")
    with prog.sprite("S").when_flag_clicked():
        go_to(RANDOM)
        switch_costume(join("a", "b"))
    project = prog.build()
    blocks = project.target("S").blocks
    goto = only(project, "motion_goto").inputs["TO"]
    assert goto.kind == INPUT_SHADOW and isinstance(goto.slot, str)
    assert blocks[goto.slot].shadow and blocks[goto.slot].fields["TO"].value == RANDOM
    costume = only(project, "looks_switchcostumeto").inputs["COSTUME"]
    assert costume.kind == INPUT_OBSCURED and isinstance(costume.shadow, str)
    assert blocks[costume.slot].opcode == "operator_join"  # type: ignore[index]
    assert blocks[costume.shadow].opcode == "looks_costume"


def test_clones_written_in_the_dsl_run() -> None:
    """A clone made in the DSL starts its clone script with its own copy of the sprite's variables."""
    prog = Program("p")
    sprite = prog.sprite("S", costumes=["a", "b"])
    n = sprite.var("n", 1)
    with sprite.when_flag_clicked():
        create_clone(MYSELF)
        n.set(5)
    with sprite.when_i_start_as_clone():
        n.change(10)
        next_costume()
        move(n)
    state = run_project(prog.build())
    [clone] = state["sprites"]["S"]["clones"]
    assert (clone["variables"]["n"], clone["x"], clone["costume"]) == (11.0, 11.0, 2.0)
    assert state["sprites"]["S"]["variables"]["n"] == "5"
