"""Custom blocks: arguments, stop-as-return, warp, and recursion with Scratch's one-tick-per-call yield."""

from __future__ import annotations

import json

from emulator.dsl import Expr, Program, else_, if_, repeat, stop
from emulator.project import Field
from tests.helpers import Blocks, project, run_project


def prototype_mutation(
    proccode: str, names: list[str], ids: list[str], defaults: list[str], warp: str = "false"
) -> dict[str, object]:
    return {
        "tagName": "mutation",
        "children": [],
        "proccode": proccode,
        "argumentids": json.dumps(ids),
        "argumentnames": json.dumps(names),
        "argumentdefaults": json.dumps(defaults),
        "warp": warp,
    }


def call_mutation(proccode: str, ids: list[str]) -> dict[str, object]:
    return {
        "tagName": "mutation",
        "children": [],
        "proccode": proccode,
        "argumentids": json.dumps(ids),
        "warp": "false",
    }


def define(
    b: Blocks,
    proccode: str,
    names: list[str],
    ids: list[str],
    body: list[str],
    defaults: list[str] | None = None,
) -> None:
    """A definition hat with its prototype (argument reporters as shadows), then the body."""
    reporters = {
        arg_id: [
            1,
            b.add("argument_reporter_string_number", {}, {"VALUE": [name, None]}, shadow=True),
        ]
        for name, arg_id in zip(names, ids, strict=True)
    }
    mutation = prototype_mutation(proccode, names, ids, defaults or [""] * len(ids))
    proto = b.add("procedures_prototype", reporters, shadow=True, mutation=mutation)
    b.script(b.add("procedures_definition", {"custom_block": [1, proto]}), *body)


def argument(b: Blocks, name: str, boolean: bool = False) -> list[object]:
    opcode = "argument_reporter_boolean" if boolean else "argument_reporter_string_number"
    return [3, b.add(opcode, {}, {"VALUE": [name, None]}), [10, ""]]


# ## Arguments: vectors 75 and 76


def test_vector_75_argument_reporters_outside_a_procedure_give_the_number_0() -> None:
    """Outside any call, both argument reporters give the number 0, not ""."""
    b = Blocks()
    b.flag_script(b.set_var("s", argument(b, "x")), b.set_var("b", argument(b, "y", boolean=True)))
    assert run_project(project(b, variables={"s": "", "b": ""}))["variables"] == {
        "s": 0.0,
        "b": 0.0,
    }


def argument_named(name: str) -> Expr:
    """An argument reporter for `name`, usable anywhere (the DSL hands them out only inside define())."""
    return Expr("argument_reporter_string_number", fields={"VALUE": Field(name)})


def test_vector_75_an_unknown_argument_name_inside_a_procedure_gives_0() -> None:
    """Inside a call, a name that call lacks gives 0: the lookup stops at the innermost call."""
    prog = Program("p")
    out = prog.stage.list("out")
    sprite = prog.sprite("S")
    inner = sprite.procedure("inner")
    outer = sprite.procedure("outer %s", ["x"])
    with inner.define():
        out.add(argument_named("x"))  # x belongs to the outer call, which is not the innermost
    with outer.define() as (x,):
        out.add(x)
        inner()
    with sprite.when_flag_clicked():
        outer("hello")
    assert run_project(prog.build())["lists"]["out"] == ["hello", 0.0]


def test_vector_76_an_empty_boolean_argument_is_the_string_false() -> None:
    """A %b argument left empty in the call is the string "false" (its default), which tests false."""
    b = Blocks()
    flag = b.add("argument_reporter_boolean", {}, {"VALUE": ["flag", None]}, shadow=True)
    proto = b.add(
        "procedures_prototype",
        {"id1": [1, flag]},
        shadow=True,
        mutation=prototype_mutation("check %b", ["flag"], ["id1"], ["false"]),
    )
    hit = b.add_to("out", [1, [10, "true branch"]])
    b.script(
        b.add("procedures_definition", {"custom_block": [1, proto]}),
        b.add_to("out", argument(b, "flag", boolean=True)),
        b.add(
            "control_if",
            {
                "CONDITION": [2, b.add("argument_reporter_boolean", {}, {"VALUE": ["flag", None]})],
                "SUBSTACK": [2, hit],
            },
        ),
    )
    b.flag_script(b.add("procedures_call", {}, mutation=call_mutation("check %b", ["id1"])))
    assert run_project(project(b, lists={"out": []}))["lists"]["out"] == ["false"]


def test_a_string_argument_keeps_its_type() -> None:
    """A literal argument is text; a reporter argument keeps its JS type."""
    prog = Program("p")
    out = prog.stage.list("out")
    sprite = prog.sprite("S")
    keep = sprite.procedure("keep %s %s %b", ["a", "b", "c"])
    with keep.define() as (a, bb, c):
        out.add(a)
        out.add(bb)
        out.add(c)
    n = prog.stage.var("n", 1)
    with sprite.when_flag_clicked():
        keep(10, n + 1, n == 1)
    assert run_project(prog.build())["lists"]["out"] == ["10", 2.0, True]


def test_duplicate_argument_names_the_last_one_wins() -> None:
    """Params are keyed by name: with two arguments named x, the later one is what x reports."""
    b = Blocks()
    define(b, "dup %s %s", ["x", "x"], ["id1", "id2"], [b.set_var("v", argument(b, "x"))])
    call = b.add(
        "procedures_call",
        {"id1": [1, [10, "first"]], "id2": [1, [10, "second"]]},
        mutation=call_mutation("dup %s %s", ["id1", "id2"]),
    )
    b.flag_script(call)
    assert run_project(project(b, variables={"v": 0}))["variables"]["v"] == "second"


def test_a_missing_or_empty_argument_input_uses_the_default() -> None:
    """An argument with no input, or an input with an empty slot, gets the prototype's default."""
    b = Blocks()
    define(
        b,
        "f %s %s",
        ["a", "c"],
        ["id1", "id2"],
        [b.set_var("a", argument(b, "a")), b.set_var("c", argument(b, "c"))],
        defaults=["dflt", "other"],
    )
    call = b.add(
        "procedures_call", {"id2": [1, None]}, mutation=call_mutation("f %s %s", ["id1", "id2"])
    )
    b.flag_script(call)
    assert run_project(project(b, variables={"a": 0, "c": 0}))["variables"] == {
        "a": "dflt",
        "c": "other",
    }


def test_a_call_with_no_matching_prototype_does_nothing() -> None:
    """A call whose proccode no prototype in its own target has is a no-op, even if another sprite has it."""
    prog = Program("p")
    out = prog.stage.list("out")
    owner, stranger = prog.sprite("Owner"), prog.sprite("Stranger")
    shout = owner.procedure("shout")
    with shout.define():
        out.add("shouted")
    with stranger.when_flag_clicked():
        shout()  # the definition lives in another sprite
        out.add("after")
    assert run_project(prog.build())["lists"]["out"] == ["after"]


def test_a_prototype_with_no_definition_makes_the_call_a_no_op() -> None:
    """A prototype alone (no definition hat) gives the call nothing to run."""
    b = Blocks()
    b.add(
        "procedures_prototype", {}, shadow=True, mutation=prototype_mutation("lonely", [], [], [])
    )
    b.flag_script(
        b.add("procedures_call", {}, mutation=call_mutation("lonely", [])),
        b.set_var("v", [1, [10, "after"]]),
    )
    assert run_project(project(b, variables={"v": 0}))["variables"]["v"] == "after"


# ## Stop this script: vector 77


def test_vector_77_stop_this_script_in_a_procedure_returns_to_the_caller() -> None:
    """Inside a custom block, `stop this script` acts as return; the caller goes on after the call."""
    prog = Program("p")
    out = prog.stage.list("out")
    sprite = prog.sprite("S")
    early = sprite.procedure("early")
    with early.define():
        out.add("in")
        with repeat(3):
            out.add("loop")
            stop("this script")
        out.add("never")
    with sprite.when_flag_clicked():
        early()
        out.add("after")
        stop("this script")
        out.add("never2")
    assert run_project(prog.build())["lists"]["out"] == ["in", "loop", "after"]


def test_stop_this_script_returns_from_the_innermost_call_only() -> None:
    """Nested calls: the stop returns from the inner block; the outer one continues."""
    prog = Program("p")
    out = prog.stage.list("out")
    sprite = prog.sprite("S")
    inner, outer = sprite.procedure("inner"), sprite.procedure("outer")
    with inner.define():
        out.add("inner")
        stop("this script")
        out.add("never")
    with outer.define():
        inner()
        out.add("outer continues")
    with sprite.when_flag_clicked():
        outer()
        out.add("top continues")
    assert run_project(prog.build())["lists"]["out"] == [
        "inner",
        "outer continues",
        "top continues",
    ]


# ## Recursion: vector 78


def recursion_program(depth: int, warp: bool) -> Program:
    """rec(k) calls rec(k-1) down to 0; a second thread counts ticks while it runs."""
    prog = Program("p")
    out, ticks = prog.stage.list("out"), prog.stage.var("ticks", 0)
    sprite = prog.sprite("S")
    rec = sprite.procedure("rec %s", ["k"], warp=warp)
    with rec.define() as (k,), if_(k > 0):
        rec(k - 1)
    with sprite.when_flag_clicked():
        rec(depth)
        out.add(ticks)
    with sprite.when_flag_clicked(), repeat(depth + 10):
        ticks.change(1)
    return prog


def test_vector_78_each_recursive_call_costs_a_tick_without_warp() -> None:
    """Depth-50 recursion in normal mode yields once per recursive call: 50 ticks pass."""
    state = run_project(recursion_program(50, warp=False).build())
    assert state["lists"]["out"] == [50.0]


def test_vector_78_recursion_in_warp_takes_no_tick() -> None:
    """The same recursion in a warp block finishes within the first turn: 0 ticks pass."""
    state = run_project(recursion_program(50, warp=True).build())
    assert state["lists"]["out"] == [0.0]


def test_a_non_recursive_call_does_not_yield() -> None:
    """Calling a different procedure costs no tick."""
    prog = Program("p")
    out = prog.stage.list("out")
    sprite = prog.sprite("S")
    second = sprite.procedure("second")
    first = sprite.procedure("first")
    with second.define():
        out.add("a2")
    with first.define():
        out.add("a1")
        second()
    with sprite.when_flag_clicked():
        first()
    with sprite.when_flag_clicked():
        out.add("b")
    assert run_project(prog.build())["lists"]["out"] == ["a1", "a2", "b"]


def fib_program() -> Program:
    prog = Program("p")
    result = prog.stage.var("result", 0)
    sprite = prog.sprite("S")
    fib = sprite.procedure("fib %s", ["n"])
    with fib.define() as (n,):
        with if_(n < 2):
            result.change(n)
        with else_():
            fib(n - 1)
            fib(n - 2)
    with sprite.when_flag_clicked():
        result.set(0)
        fib(10)
    return prog


def test_fib_10_is_55() -> None:
    """Doubly recursive fib(10), accumulated in a variable, gives 55 (yields change timing only)."""
    assert run_project(fib_program().build())["variables"]["result"] == 55.0
    assert run_project(fib_program().build(), turbo=True)["variables"]["result"] == 55.0


def deep_recursion(warp: bool) -> Program:
    prog = Program("p")
    depth = prog.stage.var("depth", 0)
    sprite = prog.sprite("S")
    down = sprite.procedure("down %s", ["k"], warp=warp)
    with down.define() as (k,), if_(k > 0):
        depth.change(1)
        down(k - 1)
    with sprite.when_flag_clicked():
        down(100_000)
    return prog


def test_recursion_100000_deep_in_warp_needs_no_python_recursion() -> None:
    """A custom block 100,000 calls deep runs to the end: Scratch's stack is data, not Python frames."""
    assert run_project(deep_recursion(warp=True).build())["variables"]["depth"] == 100_000.0


def test_recursion_100000_deep_without_warp_in_turbo() -> None:
    """The same depth without warp (one tick per call) also completes."""
    assert (
        run_project(deep_recursion(warp=False).build(), turbo=True)["variables"]["depth"]
        == 100_000.0
    )


def test_prototype_defaults_a_null_reports_0_and_a_missing_one_is_undefined() -> None:
    """A null default reports 0 (the reporters' null rule); past the end of the defaults it is undefined."""
    b = Blocks()
    define(
        b,
        "f %s %s",
        ["a", "c"],
        ["id1", "id2"],
        [b.set_var("a", argument(b, "a")), b.set_var("c", argument(b, "c"))],
    )
    proto = next(bid for bid, blk in b.blocks.items() if blk.opcode == "procedures_prototype")
    mutation = dict(b.blocks[proto].mutation or {}, argumentdefaults="[null]")
    b.update(proto, mutation=mutation)
    b.flag_script(b.add("procedures_call", {}, mutation=call_mutation("f %s %s", ["id1", "id2"])))
    assert run_project(project(b, variables={"a": "", "c": ""}))["variables"] == {
        "a": 0.0,
        "c": None,
    }
