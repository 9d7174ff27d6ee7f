"""Custom blocks: arguments (inside and outside), defaults, duplicates, recursion and its ticks, warp, stop as return (6, 5 warp)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from emulator.dsl import Expr, broadcast, else_, if_, join, repeat, stop
from emulator.project import Field
from tests.conformance.cases import CaseList
from tests.conformance.cases import _json as J
from tests.conformance.cases._dsl import Ctx, num, program, true

CASES = CaseList()


def _arg(name: str, boolean: bool = False) -> Expr:
    opcode = "argument_reporter_boolean" if boolean else "argument_reporter_string_number"
    return Expr(opcode, fields={"VALUE": Field(name)}, boolean=boolean)


def _lt(a: Any, b: Any) -> Expr:
    return Expr("operator_lt", {"OPERAND1": a, "OPERAND2": b}, boolean=True)


def _case(
    case_id: str,
    description: str,
    covers: tuple[str, ...],
    body: Callable[[Ctx], None],
    **params: Any,
) -> None:
    CASES.add(case_id, description, covers=covers, **params)(lambda: program(body))


def _ticker(c: Ctx, count: str = "200") -> Any:
    """A stage thread counting ticks (one per loop pass) in "ticks"; returns the variable."""
    ticks = c.stage.var("ticks", 0)
    with c.stage.when_flag_clicked(), repeat(count):
        ticks.change("1")
    return ticks


# ## argument reporters


def _outside(c: Ctx) -> None:
    c.out.add(_arg("x"))
    c.out.add(_arg("flag", boolean=True))


_case(
    "arg_outside_procedure",
    "argument reporters outside any procedure give the number 0",
    ("6 arg outside", "V75", "10.18"),
    _outside,
)


def _unknown_name(c: Ctx) -> None:
    f = c.sprite.procedure("f %s", ["a"])
    with f.define():
        c.out.add(_arg("b"))
        c.out.add(_arg("A"))
    f("value")


_case(
    "arg_unknown_name",
    "an argument reporter naming no argument of the call gives 0 (names are case-sensitive)",
    ("6 arg outside", "V75"),
    _unknown_name,
)


def _in_broadcast(c: Ctx) -> None:
    f = c.sprite.procedure("f %s", ["a"])
    with f.define():
        broadcast("m")
    f("value")
    with c.sprite.when_i_receive("m"):
        c.out.add(_arg("a"))


_case(
    "arg_in_receiver_script",
    "a receiver started from inside a call does not see the call's arguments",
    ("6 arg outside",),
    _in_broadcast,
)


def _innermost(c: Ctx) -> None:
    g = c.sprite.procedure("g %s", ["b"])
    with g.define():
        c.out.add(join(_arg("a"), _arg("b")))
    f = c.sprite.procedure("f %s", ["a"])
    with f.define():
        c.out.add(_arg("a"))
        g("inner")
        c.out.add(_arg("a"))
    f("outer")


_case(
    "arg_innermost_call_only",
    "inside g, called from f, f's argument is not visible (0)",
    ("6 arg reporter",),
    _innermost,
)


def _types(c: Ctx) -> None:
    f = c.sprite.procedure("f %s %s %b", ["lit", "rep", "cond"])
    with f.define() as (lit, rep, cond):
        c.out.add(lit)
        c.out.add(rep)
        c.out.add(cond)
    f("007", Expr("operator_add", {"NUM1": "1", "NUM2": "2"}), true())


_case(
    "arg_types_kept",
    "a literal argument stays text, a reporter's number and boolean keep their types",
    ("6 arg types", "6 call"),
    _types,
)


def _no_args(c: Ctx) -> None:
    f = c.sprite.procedure("f")
    with f.define():
        c.out.add(_arg("x"))
    g = c.sprite.procedure("g %s", ["x"])
    with g.define():
        f()
    g("outer x")


_case(
    "arg_hidden_by_argless_call",
    "a call without arguments still hides the caller's: 0",
    ("6 arg reporter",),
    _no_args,
)


@CASES.add(
    "empty_boolean_argument",
    "a %b argument left out of the call is the string 'false'",
    covers=("6 empty boolean arg", "6 defaults", "V76"),
)
def _empty_boolean() -> dict:
    sp = J.Blocks("sp")
    body = [
        sp.list_add("out", J.reporter(J.arg(sp, "b", "b"))),
        sp.list_add("out", J.reporter(sp.join(J.reporter(J.arg(sp, "b", "b")), J.text("!")))),
        sp.c_block(
            "control_if",
            {"CONDITION": J.boolean(J.arg(sp, "b", "b"))},
            sp.list_add("out", J.text("then")),
        ),
    ]
    J.define(sp, "f %b", [("arg-b", "b", "b")], *body)
    sp.flag(J.call(sp, "f %b", {}), J.call(sp, "f %b", {"arg-b": J.boolean(None)}))
    return J.project(None, J.Sprite("S", sp), lists={"out": []})


@CASES.add(
    "prototype_defaults",
    "arguments missing from the call take the prototype's defaults",
    covers=("6 defaults",),
)
def _defaults() -> dict:
    sp = J.Blocks("sp")
    J.define(
        sp,
        "f %s %s",
        [("arg-a", "a", "s"), ("arg-c", "c", "s")],
        sp.list_add("out", J.reporter(J.arg(sp, "a"))),
        sp.list_add("out", J.reporter(J.arg(sp, "c"))),
        defaults=["7", "seven"],
    )
    sp.flag(J.call(sp, "f %s %s", {"arg-a": J.text("given")}))
    return J.project(None, J.Sprite("S", sp), lists={"out": []})


@CASES.add(
    "duplicate_argument_names",
    "with two arguments named a, the last one wins",
    covers=("6 duplicate names", "6 params by name"),
)
def _duplicates() -> dict:
    sp = J.Blocks("sp")
    J.define(
        sp,
        "f %s %s",
        [("arg-1", "a", "s"), ("arg-2", "a", "s")],
        sp.list_add("out", J.reporter(J.arg(sp, "a"))),
    )
    sp.flag(J.call(sp, "f %s %s", {"arg-1": J.text("first"), "arg-2": J.text("second")}))
    return J.project(None, J.Sprite("S", sp), lists={"out": []})


@CASES.add(
    "arguments_by_name_not_order",
    "the call's inputs are matched to the prototype's ids, in the prototype's order",
    covers=("6 params by name", "7 input order"),
)
def _by_name() -> dict:
    sp = J.Blocks("sp")
    J.define(
        sp,
        "f %s %s",
        [("arg-x", "x", "s"), ("arg-y", "y", "s")],
        sp.list_add(
            "out", J.reporter(sp.join(J.reporter(J.arg(sp, "x")), J.reporter(J.arg(sp, "y"))))
        ),
    )
    # Inputs written y first; an extra input the prototype does not name is ignored.
    sp.flag(
        J.call(sp, "f %s %s", {"arg-y": J.text("Y"), "extra": J.text("?"), "arg-x": J.text("X")})
    )
    return J.project(None, J.Sprite("S", sp), lists={"out": []})


@CASES.add(
    "call_without_prototype",
    "a call whose proccode has no prototype is a no-op; the script goes on",
    covers=("6 no prototype",),
)
def _no_prototype() -> dict:
    sp = J.Blocks("sp")
    sp.flag(
        sp.list_add("out", J.text("before")),
        J.call(sp, "missing %s", {"arg-m": J.text("x")}),
        sp.list_add("out", J.text("after")),
    )
    return J.project(None, J.Sprite("S", sp), lists={"out": []})


@CASES.add(
    "call_defined_in_other_sprite",
    "procedures are per target: calling another sprite's block does nothing",
    covers=("6 no prototype",),
)
def _other_sprite() -> dict:
    a = J.Blocks("a")
    J.define(a, "shared", [], a.list_add("out", J.text("ran in A")))
    b = J.Blocks("b")
    b.flag(J.call(b, "shared", {}), b.list_add("out", J.text("B done")))
    return J.project(None, J.Sprite("A", a), J.Sprite("B", b), lists={"out": []})


@CASES.add(
    "first_definition_wins",
    "with two definitions of one proccode, the first in the blocks runs",
    covers=("6 first definition",),
)
def _first_definition() -> dict:
    sp = J.Blocks("sp")
    J.define(sp, "twice", [], sp.list_add("out", J.text("first")))
    J.define(sp, "twice", [], sp.list_add("out", J.text("second")))
    sp.flag(J.call(sp, "twice", {}))
    return J.project(None, J.Sprite("S", sp), lists={"out": []})


@CASES.add(
    "legacy_number_argument", "a %n argument works like %s", covers=("6 call", "6 arg types")
)
def _legacy_n() -> dict:
    sp = J.Blocks("sp")
    J.define(
        sp,
        "f %n",
        [("arg-n", "n", "s")],
        sp.list_add(
            "out",
            J.reporter(sp.op("operator_add", NUM1=J.reporter(J.arg(sp, "n")), NUM2=J.number("1"))),
        ),
    )
    sp.flag(J.call(sp, "f %n", {"arg-n": J.number("41")}))
    return J.project(None, J.Sprite("S", sp), lists={"out": []})


# ## stop this script as return


def _return(c: Ctx) -> None:
    f = c.sprite.procedure("f %s", ["n"])
    with f.define() as (n,):
        c.out.add("in")
        with repeat("10"):
            with if_(Expr("operator_equals", {"OPERAND1": n, "OPERAND2": "1"}, boolean=True)):
                stop("this script")
            c.out.add("loop")
        c.out.add("not reached when n = 1")
    f("1")
    c.out.add("after call")
    f("0")
    c.out.add("end")


_case(
    "stop_this_script_returns",
    "stop this script inside a custom block returns to the caller",
    ("6 stop this", "5 stop this", "V77"),
    _return,
)

# ## recursion


def _fib(c: Ctx) -> None:
    result = c.stage.var("result", 0)
    fib = c.sprite.procedure("fib %s", ["n"])
    with fib.define() as (n,):
        with if_(_lt(n, "2")):
            result.set(n)
        with else_():
            fib(Expr("operator_subtract", {"NUM1": n, "NUM2": "1"}))
            c.out.add(result)
            fib(Expr("operator_subtract", {"NUM1": n, "NUM2": "2"}))
            result.set(Expr("operator_add", {"NUM1": c.out.item("last"), "NUM2": result}))
            c.out.delete("last")
    fib("10")


_case(
    "fib_10",
    "recursive fib(10) with a list as the stack is 55",
    ("6 recursion yield", "6 call"),
    _fib,
    turbo=True,
)


def _factorial(warp: bool) -> Callable[[Ctx], None]:
    def body(c: Ctx) -> None:
        acc = c.stage.var("acc", 1)
        fact = c.sprite.procedure("fact %s", ["n"], warp=warp)
        with (
            fact.define() as (n,),
            if_(Expr("operator_gt", {"OPERAND1": n, "OPERAND2": "1"}, boolean=True)),
        ):
            acc.set(Expr("operator_multiply", {"NUM1": acc, "NUM2": n}))
            fact(Expr("operator_subtract", {"NUM1": n, "NUM2": "1"}))
        fact("20")
        c.out.add(acc)

    return body


_case(
    "factorial_20",
    "recursive 20! (past 2^53: rounding as doubles)",
    ("6 recursion yield", "10.15"),
    _factorial(False),
)


def _depth_ticks(warp: bool, depth: str = "50") -> Callable[[Ctx], None]:
    def body(c: Ctx) -> None:
        ticks = _ticker(c, str(int(depth) + 100))
        seen = c.stage.var("seen", -1)
        down = c.sprite.procedure("down %s", ["n"], warp=warp)
        with (
            down.define() as (n,),
            if_(Expr("operator_gt", {"OPERAND1": n, "OPERAND2": "0"}, boolean=True)),
        ):
            down(Expr("operator_subtract", {"NUM1": n, "NUM2": "1"}))
        down(depth)
        seen.set(ticks)

    return body


_case(
    "recursion_depth_50_ticks",
    "recursion to depth 50 costs one tick per call (another thread counts them)",
    ("6 recursion yield", "V78"),
    _depth_ticks(False),
)
_case(
    "warp_recursion_depth_50_no_ticks",
    "the same recursion in warp costs no ticks",
    ("6 warp recursion", "V78"),
    _depth_ticks(True),
)
_case(
    "deep_warp_recursion_3000",
    "recursion 3000 deep in warp: no stack limit",
    ("6 deep stack",),
    _depth_ticks(True, "3000"),
)
_case(
    "deep_recursion_1500_ticks",
    "recursion 1500 deep without warp, one tick each",
    ("6 deep stack", "6 recursion yield"),
    _depth_ticks(False, "1500"),
    turbo=True,
)


def _window(levels: int) -> Callable[[Ctx], None]:
    def body(c: Ctx) -> None:
        ticks = _ticker(c)
        seen = c.stage.var("seen", -1)
        down = c.sprite.procedure("down %s", ["n"])
        with down.define() as (n,):
            conditions = [if_(true()) for _ in range(levels)]
            for cm in conditions:
                cm.__enter__()
            with if_(Expr("operator_gt", {"OPERAND1": n, "OPERAND2": "0"}, boolean=True)):
                down(Expr("operator_subtract", {"NUM1": n, "NUM2": "1"}))
            for cm in reversed(conditions):
                cm.__exit__(None, None, None)
        down("10")
        seen.set(ticks)

    return body


_case(
    "recursion_window_near",
    "a recursive call 4 ifs deep is detected: it yields",
    ("6 recursion window",),
    _window(4),
)
_case(
    "recursion_window_far",
    "a recursive call 8 ifs deep is past the 6-entry window: no yield",
    ("6 recursion window",),
    _window(8),
)

# ## warp


def _warp_inheritance(c: Ctx) -> None:
    inner = c.sprite.procedure("inner")
    with inner.define(), repeat("3"):
        c.out.add("i")
    outer = c.sprite.procedure("outer", warp=True)
    with outer.define():
        with repeat("3"):
            c.out.add("a")
        inner()
    outer()
    c.out.add("A")
    with c.stage.when_flag_clicked(), repeat("4"):
        c.out.add("b")


_case(
    "warp_inheritance",
    "a non-warp block called from a warp one runs in warp: a a a i i i A, then b b b b",
    ("5 warp inherit",),
    _warp_inheritance,
)


def _warp_ends_on_return(c: Ctx) -> None:
    quick = c.sprite.procedure("quick", warp=True)
    with quick.define(), repeat("2"):
        c.out.add("w")
    quick()
    with repeat("2"):
        c.out.add("n")
    with c.stage.when_flag_clicked(), repeat("3"):
        c.out.add("b")


_case(
    "warp_ends_on_return",
    "warp lasts until the warp block returns; the caller's loop yields again",
    ("5 warp inherit",),
    _warp_ends_on_return,
)


def _non_warp_yields(c: Ctx) -> None:
    slow = c.sprite.procedure("slow")
    with slow.define(), repeat("3"):
        c.out.add("s")
    slow()
    with c.stage.when_flag_clicked(), repeat("3"):
        c.out.add("b")


_case(
    "non_warp_procedure_yields",
    "a non-warp block's loop yields every pass",
    ("6 call", "5 loop yield"),
    _non_warp_yields,
)


@CASES.add(
    "warp_read_from_prototype",
    "the call's warp attribute is ignored: the prototype's 'false' wins",
    covers=("6 warp from prototype",),
)
def _warp_from_prototype() -> dict:
    sp = J.Blocks("sp")
    J.define(
        sp, "loop", [], sp.repeat(J.number("3"), sp.list_add("out", J.text("l"))), warp="false"
    )
    sp.flag(J.call(sp, "loop", {}, warp="true"))
    st = J.Blocks("st")
    st.flag(st.repeat(J.number("3"), st.list_add("out", J.text("b"))))
    return J.project(st, J.Sprite("S", sp), lists={"out": []})


@CASES.add(
    "warp_prototype_true_call_false",
    "a prototype with warp 'true' warps even if the call says false",
    covers=("6 warp from prototype",),
)
def _warp_true() -> dict:
    sp = J.Blocks("sp")
    J.define(sp, "loop", [], sp.repeat(J.number("3"), sp.list_add("out", J.text("l"))), warp="true")
    sp.flag(J.call(sp, "loop", {}, warp="false"))
    st = J.Blocks("st")
    st.flag(st.repeat(J.number("3"), st.list_add("out", J.text("b"))))
    return J.project(st, J.Sprite("S", sp), lists={"out": []})


def _number_arg(c: Ctx) -> None:
    f = c.sprite.procedure("double %s", ["x"])
    with f.define() as (x,):
        c.out.add(Expr("operator_multiply", {"NUM1": x, "NUM2": "2"}))
        c.out.add(join(x, x))
    f(num("1.5"))
    f("0x10")


_case(
    "argument_arithmetic_and_text",
    "an argument used as a number and as text",
    ("6 arg types", "6 call"),
    _number_arg,
)
