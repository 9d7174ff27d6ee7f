"""project.json shapes the DSL never writes: numeric literals, missing inputs, empty slots, shadow blocks, loose blocks (7, 9)."""

from __future__ import annotations

from typing import Any

from tests.conformance.cases import CaseList
from tests.conformance.cases import _json as J

CASES = CaseList()


def _outputs(case_id: str, description: str, covers: tuple[str, ...], *reporters: Any) -> None:
    """A stage script adding each reporter (built by a function of the Blocks) to the list out."""

    @CASES.add(case_id, description, covers=covers)
    def _build() -> dict:
        st = J.Blocks("st")
        st.flag(*(st.list_add("out", make(st)) for make in reporters))
        return J.project(st, variables={"v": "var value"}, lists={"out": [], "L": ["a", "b"]})


def rep(opcode: str, **inputs: Any) -> Any:
    """A reporter with these inputs (each a function of the Blocks, or a raw input)."""
    return lambda st: J.reporter(
        st.op(opcode, **{k: v(st) if callable(v) else v for k, v in inputs.items()})
    )


def raw(value: Any) -> Any:
    return lambda st: value


# ## literals as JSON numbers and other primitive kinds

_outputs(
    "numeric_literals",
    "[4, 10] is the number 10; [4, '10'] the text '10'; [10, 5] the number 5",
    ("4 set literal", "7 shadow unchanged", "4 add"),
    raw([1, [4, 10]]),
    raw([1, [4, "10"]]),
    raw([1, [10, 5]]),
    raw([1, [4, 2.5]]),
)
_outputs(
    "numeric_literals_in_operators",
    "JSON numbers in join, letter of and length",
    ("7 shadow unchanged", "3 join", "3 letter", "3 length"),
    rep("operator_join", STRING1=[1, [10, 1.5]], STRING2=[1, [10, 100]]),
    rep("operator_letter_of", LETTER=[1, [6, 2]], STRING=[1, [10, 12.5]]),
    rep("operator_length", STRING=[1, [10, 1e21]]),
)
_outputs(
    "primitive_kinds",
    "positive number, whole number, integer, angle and colour slots pass their text",
    ("7 shadow unchanged",),
    raw([1, [5, "3"]]),
    raw([1, [6, "007"]]),
    raw([1, [7, "-2"]]),
    raw([1, [8, "90"]]),
    raw([1, [9, "#ff0000"]]),
)

# ## missing inputs and empty slots: undefined

_outputs(
    "missing_number_inputs",
    "add with NUM2 missing adds 0; mathop e ^ of nothing is 1",
    ("7 missing input", "3 arith"),
    rep("operator_add", NUM1=J.number("5")),
    lambda st: J.reporter(st.add("operator_mathop", {}, {"OPERATOR": ["e ^", None]})),
    rep("operator_multiply"),
)
_outputs(
    "missing_text_inputs",
    "join, letter of and length of a missing input read 'undefined'",
    ("7 missing input", "1.3 toString"),
    rep("operator_join", STRING1=J.text("x")),
    rep("operator_letter_of", LETTER=J.number("1")),
    rep("operator_length"),
    rep("operator_contains", STRING1=J.text("is undefined here")),
)
_outputs(
    "missing_compare_inputs",
    "comparisons with a missing operand compare with undefined",
    ("7 missing input", "1.5 compare"),
    rep("operator_equals", OPERAND1=J.text("undefined")),
    rep("operator_equals", OPERAND1=J.text("")),
    rep("operator_lt", OPERAND2=J.text("a")),
    rep("operator_gt", OPERAND1=J.number("1")),
)
_outputs(
    "empty_boolean_slots",
    "and, or and not with empty boolean slots: undefined is false",
    ("3 logic", "7 missing input"),
    rep("operator_not"),
    rep("operator_and", OPERAND1=lambda st: J.boolean(st.equals(J.text("1"), J.text("1")))),
    rep(
        "operator_or",
        OPERAND1=J.boolean(None),
        OPERAND2=lambda st: J.boolean(st.equals(J.text("1"), J.text("1"))),
    ),
    rep("operator_not", OPERAND=J.boolean(None)),
)
_outputs(
    "null_slots",
    "[1, null] slots are undefined too",
    ("7 missing input",),
    rep("operator_join", STRING1=[1, None], STRING2=[1, None]),
    rep("operator_add", NUM1=[1, None], NUM2=J.number("2")),
    raw([1, None]),
)
_outputs(
    "missing_list_index",
    "item of list with no INDEX is ''; item # of nothing is 0",
    ("7 missing input", "1.7 toListIndex"),
    lambda st: J.reporter(st.add("data_itemoflist", {}, {"LIST": ["L", "list-L"]})),
    lambda st: J.reporter(st.add("data_itemnumoflist", {}, {"LIST": ["L", "list-L"]})),
    lambda st: J.reporter(st.add("data_listcontainsitem", {}, {"LIST": ["L", "list-L"]})),
)


@CASES.add(
    "missing_loop_inputs",
    "repeat with no TIMES runs 0 times; wait with no DURATION waits 0; if-else with nothing",
    covers=("7 missing input", "5 repeat", "5 wait"),
)
def _missing_loops() -> dict:
    st = J.Blocks("st")
    st.flag(
        st.add("control_repeat", {"SUBSTACK": J.substack(st.list_add("out", J.text("never")))}),
        st.add("control_wait", {}),
        st.add("control_if_else", {}),
        st.add(
            "control_repeat_until", {"CONDITION": J.boolean(st.equals(J.text("1"), J.text("1")))}
        ),
        st.list_add("out", J.text("done")),
    )
    return J.project(st, lists={"out": []})


@CASES.add(
    "missing_list_block_inputs",
    "list blocks with missing inputs: add undefined, insert/replace/delete at undefined",
    covers=("7 missing input", "4 add", "4 insert", "4 replace", "4 delete"),
)
def _missing_list_inputs() -> dict:
    st = J.Blocks("st")
    field = {"LIST": ["L", "list-L"]}
    st.flag(
        st.add("data_insertatlist", {"ITEM": J.text("x")}, field),
        st.add("data_replaceitemoflist", {"ITEM": J.text("y")}, field),
        st.add("data_deleteoflist", {}, field),
        st.add("data_insertatlist", {"INDEX": J.text("1")}, field),
        st.add("data_replaceitemoflist", {"INDEX": J.text("2")}, field),
        st.add("data_changevariableby", {}, {"VARIABLE": ["v", "var-v"]}),
    )
    return J.project(st, variables={"v": "7"}, lists={"L": ["a", "b"]})


# ## shadow blocks written out, obscured shadows, loose blocks


@CASES.add(
    "full_shadow_blocks",
    "shadows written as block objects pass their field values as they are",
    covers=("7 shadow unchanged",),
)
def _full_shadows() -> dict:
    st = J.Blocks("st")
    num = st.add("math_number", {}, {"NUM": [5, None]}, shadow=True)
    text = st.add("text", {}, {"TEXT": ["5.0", None]}, shadow=True)
    var_block = st.add("data_variable", {}, {"VARIABLE": ["v", "var-v"]})
    st.flag(
        st.list_add("out", [1, num]),
        st.list_add("out", [1, text]),
        st.list_add("out", [3, var_block, [10, "x"]]),
    )
    return J.project(st, variables={"v": "the variable"}, lists={"out": []})


@CASES.add(
    "obscured_shadow_ignored",
    "a reporter over a shadow uses the reporter, never the shadow",
    covers=("7 shadow unchanged",),
)
def _obscured() -> dict:
    st = J.Blocks("st")
    st.flag(
        st.list_add("out", [3, [12, "v", "var-v"], [10, "shadow text"]]),
        st.list_add(
            "out", [3, st.op("operator_add", NUM1=J.number("1"), NUM2=J.number("1")), [4, "99"]]
        ),
    )
    return J.project(st, variables={"v": 1.5}, lists={"out": []})


@CASES.add(
    "loose_top_level_blocks",
    "a loose top-level reporter and a hatless stack never run",
    covers=("7 script order",),
)
def _loose() -> dict:
    st = J.Blocks("st")
    st.raw("loose-var", [12, "v", "var-v", 100, 200])
    st.raw("loose-list", [13, "L", "list-L", 100, 300])
    loose_op = st.op("operator_add", NUM1=J.number("1"), NUM2=J.number("2"))
    st.blocks[loose_op].update({"topLevel": True, "x": 0, "y": 0})
    hatless = st.set("v", J.text("ran"))
    st.blocks[hatless].update({"topLevel": True, "x": 0, "y": 400})
    st.flag(st.list_add("L", J.text("flag ran")))
    return J.project(st, variables={"v": "untouched"}, lists={"L": []})


@CASES.add(
    "empty_flag_script",
    "a hat with nothing under it, and a script in a sprite with no costume change",
    covers=("7 script order",),
)
def _empty_flag() -> dict:
    st = J.Blocks("st")
    st.flag()
    st.flag(st.set("v", J.text("second ran")))
    return J.project(st, variables={"v": 0})


@CASES.add(
    "input_key_order_side_effects",
    "inputs evaluate in key order: the later item-random sees the earlier draw",
    covers=("7 input order",),
    seed=31,
)
def _key_order() -> dict:
    st = J.Blocks("st")
    item = st.add("data_itemoflist", {"INDEX": J.text("random")}, {"LIST": ["L", "list-L"]})
    draw = st.op("operator_random", FROM=J.number("1"), TO=J.number("100"))
    sub = st.add("operator_subtract", {"NUM2": J.reporter(draw), "NUM1": J.reporter(item)})
    st.flag(st.set("v", J.reporter(sub)))
    return J.project(st, variables={"v": 0}, lists={"L": ["10", "20", "30", "40"]})


@CASES.add(
    "variable_input_in_boolean_slot",
    "a variable holding 'false' in an if's boolean slot",
    covers=("5 if", "1.2 toBoolean"),
)
def _var_in_boolean() -> dict:
    st = J.Blocks("st")
    st.flag(
        st.c_block(
            "control_if",
            {"CONDITION": [2, [12, "v", "var-v"]]},
            st.list_add("out", J.text("then v")),
        ),
        st.c_block(
            "control_if",
            {"CONDITION": [2, [12, "w", "var-w"]]},
            st.list_add("out", J.text("then w")),
        ),
    )
    return J.project(st, variables={"v": "false", "w": "FALSE?"}, lists={"out": []})


# ## A reporter block two inputs name: only the input built last receives its value (VM's BlockCached)


@CASES.add(
    "shared_reporter_in_one_statement",
    "join (x) (x) with one block x: STRING1 reads undefined, STRING2 gets x",
    covers=("7 shared reporter", "1.3 toString"),
)
def _shared_in_one_statement() -> dict:
    st = J.Blocks("st")
    x = st.join(J.text("a"), J.var("v"))
    twice = st.join(J.reporter(x), J.reporter(x))
    st.flag(st.list_add("out", J.reporter(twice)))
    return J.project(st, variables={"v": "b"}, lists={"out": []})


@CASES.add(
    "shared_reporter_nested",
    "pick from (m * -1) to (m) with one block m: the product reads m as undefined (0)",
    covers=("7 shared reporter", "3 arith"),
)
def _shared_nested() -> dict:
    st = J.Blocks("st")
    m = st.op("operator_multiply", NUM1=J.var("a"), NUM2=J.number("0.5"))
    negated = st.op("operator_multiply", NUM1=J.reporter(m), NUM2=J.number("-1"))
    total = st.op("operator_add", NUM1=J.reporter(negated), NUM2=J.reporter(m))
    st.flag(st.list_add("out", J.reporter(total)), st.list_add("out", J.reporter(negated)))
    return J.project(st, variables={"a": "60"}, lists={"out": []})


@CASES.add(
    "shared_reporter_across_statements",
    "two statements name one block: once the second is built, the first keeps its last value",
    covers=("7 shared reporter", "5 repeat"),
)
def _shared_across_statements() -> dict:
    st = J.Blocks("st")
    x = st.join(J.text("v="), J.var("v"))
    first = st.list_add("out", J.reporter(x))
    second = st.list_add("out", J.reporter(x))
    st.flag(st.repeat(J.number("3"), st.change("v", J.number("1")), first, second))
    return J.project(st, variables={"v": 0}, lists={"out": []})
