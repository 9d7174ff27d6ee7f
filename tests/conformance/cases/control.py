"""Control blocks: repeat counts, nested loops, if/else, while, for each, wait, wait until, repeat until, stop, loop yields (5)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from emulator.dsl import (
    Expr,
    broadcast_and_wait,
    else_,
    forever,
    if_,
    join,
    repeat,
    repeat_until,
    stop,
    wait,
    wait_until,
)
from tests.conformance.cases import CaseList
from tests.conformance.cases import _json as J
from tests.conformance.cases._dsl import Ctx, false, num, program, true

CASES = CaseList()


def _gt(a: Any, b: Any) -> Expr:
    return Expr("operator_gt", {"OPERAND1": a, "OPERAND2": b}, boolean=True)


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


# ## repeat (n): Math.round(toNumber(n)), fixed the first time


def _count(times: Any) -> Callable[[Ctx], None]:
    def body(c: Ctx) -> None:
        n = c.stage.var("n", 0)
        with repeat(times() if callable(times) else times):
            n.change("1")

    return body


for case_id, times, covers in [
    ("repeat_2_5", "2.5", ("V74",)),
    ("repeat_2_4", "2.4", ("V74",)),
    ("repeat_0_5", "0.5", ("V74",)),
    ("repeat_minus_0_5", "-0.5", ("V74",)),
    ("repeat_abc", "abc", ("V74",)),
    ("repeat_true_text", "true", ("V74",)),
    ("repeat_padded_3", " 3 ", ()),
    ("repeat_1e1", "1e1", ()),
    ("repeat_minus_1", "-1", ()),
    ("repeat_0", "0", ()),
    ("repeat_hex_3", "0x3", ()),
    ("repeat_minus_2_5", "-2.5", ()),
]:
    _case(
        case_id,
        f"repeat {times!r} counts Math.round(toNumber) passes",
        ("5 repeat", *covers),
        _count(times),
    )

_case("repeat_boolean_true", "repeat (1=1) runs once", ("5 repeat",), _count(lambda: true()))
_case(
    "repeat_joined_count",
    "repeat (join '2' '.5') runs 3 times",
    ("5 repeat",),
    _count(lambda: join("2", ".5")),
)


def _count_fixed(c: Ctx) -> None:
    n, passes = c.stage.var("n", 3), c.stage.var("passes", 0)
    with repeat(n):
        n.change("1")
        passes.change("1")


_case(
    "repeat_count_fixed_at_start",
    "repeat (n) while n grows runs the first n times",
    ("5 repeat",),
    _count_fixed,
)


def _infinite_repeat(c: Ctx) -> None:
    n = c.stage.var("n", 0)
    with repeat("Infinity"):
        n.change("1")


_case(
    "repeat_infinity_budget",
    "repeat Infinity runs until the frame budget of 2 frames is spent",
    ("5 repeat", "7 ticks"),
    _infinite_repeat,
    turbo=True,
    max_frames=2,
)

# ## nested loops and interleaving


def _nested(c: Ctx) -> None:
    with repeat("3"), repeat("2"):
        c.out.add("a")
    with c.stage.when_flag_clicked(), repeat("8"):
        c.out.add("b")


_case(
    "nested_loops_interleave",
    "repeat 3 { repeat 2 } yields after each inner pass, interleaving with another loop",
    ("5 loop yield",),
    _nested,
)


def _empty_loop_yields(c: Ctx) -> None:
    with repeat("1"):
        pass
    c.out.add("A")
    with c.stage.when_flag_clicked():
        c.out.add("B")


_case(
    "empty_loop_body_yields",
    "an empty repeat 1 still yields: B runs before A",
    ("5 loop yield",),
    _empty_loop_yields,
)


def _zero_loop_no_yield(c: Ctx) -> None:
    with repeat("0"):
        c.out.add("never")
    with repeat_until(true()):
        c.out.add("never")
    c.out.add("A")
    with c.stage.when_flag_clicked():
        c.out.add("B")


_case(
    "loop_false_at_entry_no_yield",
    "repeat 0 and repeat until <true> do not yield: A runs before B",
    ("5 loop yield", "5 repeat until"),
    _zero_loop_no_yield,
)


def _many_iterations_one_frame(c: Ctx) -> None:
    n = c.stage.var("n", 0)
    with repeat("500"):
        n.change("1")


_case(
    "loop_without_redraw_one_frame",
    "500 loop passes without a redraw take one frame (not turbo)",
    ("7 ticks",),
    _many_iterations_one_frame,
    timing=True,
)

# ## if / if-else


def _ifs(c: Ctx) -> None:
    for cond in (
        join("false", ""),
        join("0", ""),
        num("0"),
        join(" ", ""),
        true(),
        false(),
        join("abc", ""),
    ):
        with if_(cond):
            c.out.add("then")
        with else_():
            c.out.add("else")


_case(
    "if_else_conditions",
    "if/else on 'false', '0', 0, ' ', true, false, 'abc'",
    ("5 if", "1.2 toBoolean"),
    _ifs,
)


def _if_empty_branches(c: Ctx) -> None:
    with if_(true()):
        pass
    with else_():
        c.out.add("else")
    with if_(false()):
        c.out.add("then")
    with else_():
        pass
    with if_(true()):
        pass
    c.out.add("after")


_case("if_empty_branches", "empty then/else branches are no-ops", ("5 if",), _if_empty_branches)


@CASES.add(
    "if_empty_condition",
    "if with an empty condition slot and if-else with no branches at all",
    covers=("5 if", "3 logic"),
)
def _if_empty_condition() -> dict:
    st = J.Blocks("st")
    st.flag(
        st.c_block(
            "control_if", {"CONDITION": J.boolean(None)}, st.list_add("out", J.text("then"))
        ),
        st.add("control_if", {}),  # no CONDITION, no SUBSTACK
        st.add("control_if_else", {"CONDITION": J.boolean(st.equals(J.text("1"), J.text("1")))}),
        st.list_add("out", J.text("after")),
    )
    return J.project(st, lists={"out": []})


# ## hidden control blocks


@CASES.add("while_counts", "while (n < 3) { change n by 1 }", covers=("5 while",))
def _while() -> dict:
    st = J.Blocks("st")
    cond = st.op("operator_lt", OPERAND1=J.var("n"), OPERAND2=J.text("3"))
    st.flag(
        st.c_block("control_while", {"CONDITION": J.boolean(cond)}, st.change("n", J.number("1")))
    )
    return J.project(st, variables={"n": 0})


@CASES.add(
    "while_empty_condition", "while with an empty condition does not run", covers=("5 while",)
)
def _while_empty() -> dict:
    st = J.Blocks("st")
    st.flag(
        st.c_block("control_while", {}, st.change("n", J.number("1"))),
        st.set("done", J.text("yes")),
    )
    return J.project(st, variables={"n": 0, "done": 0})


def _for_each(case_id: str, value: str) -> None:
    @CASES.add(
        case_id,
        f"for each i in {value!r}: Number() of the count, i set to 1, 2, ...",
        covers=("5 for each",),
    )
    def _build() -> dict:
        st = J.Blocks("st")
        st.flag(
            st.c_block(
                "control_for_each",
                {"VALUE": J.text(value)},
                st.list_add("out", J.var("i")),
                fields={"VARIABLE": ["i", "var-i"]},
            )
        )
        return J.project(st, variables={"i": 0}, lists={"out": []})


for _id, _value in [
    ("for_each_3", "3"),
    ("for_each_2_5", "2.5"),
    ("for_each_abc", "abc"),
    ("for_each_hex", "0x2"),
    ("for_each_empty", ""),
    ("for_each_padded", " 2 "),
]:
    _for_each(_id, _value)


@CASES.add(
    "all_at_once_plain_branch",
    "all at once runs its body as a plain branch (it still yields in loops)",
    covers=("5 all at once",),
)
def _all_at_once() -> dict:
    st = J.Blocks("st")
    inner = st.repeat(J.number("2"), st.list_add("out", J.text("a")))
    st.flag(st.c_block("control_all_at_once", {}, inner), st.list_add("out", J.text("done")))
    sp = J.Blocks("sp")
    sp.flag(sp.repeat(J.number("3"), sp.list_add("out", J.text("b"))))
    return J.project(st, J.Sprite("S", sp), lists={"out": []})


# ## forever


def _forever_stop(c: Ctx) -> None:
    n = c.stage.var("n", 0)
    with forever():
        n.change("1")
        with if_(_gt(n, "5")):
            stop("this script")


_case(
    "forever_stop_this_script",
    "forever until stop this script at n > 5",
    ("5 forever", "5 stop this"),
    _forever_stop,
)


def _forever_budget(c: Ctx) -> None:
    n = c.stage.var("n", 0)
    with forever():
        n.change("1")


_case(
    "forever_budget",
    "forever runs as many passes as 3 frames' budget allows",
    ("5 forever", "7 ticks"),
    _forever_budget,
    turbo=True,
    max_frames=3,
)

# ## wait


def _wait_then_set(secs: str) -> Callable[[Ctx], None]:
    def body(c: Ctx) -> None:
        done = c.stage.var("done", "no")
        wait(secs)
        done.set("yes")

    return body


for case_id, secs in [
    ("wait_1", "1"),
    ("wait_half", "0.5"),
    ("wait_0", "0"),
    ("wait_negative", "-1"),
    ("wait_text", "abc"),
    ("wait_tenth", "0.1"),
]:
    _case(
        case_id,
        f"wait {secs!r} ends in the frame the virtual clock says",
        ("5 wait", "5 block yield", "7 frame rate"),
        _wait_then_set(secs),
        timing=True,
    )


def _wait_zero_loop(c: Ctx) -> None:
    x = c.stage.var("x", 0)
    with repeat("20"):
        x.change("1")
        wait("0")


_case(
    "wait_0_loop_not_turbo",
    "repeat 20 { change; wait 0 } takes 21 frames",
    ("5 wait", "V84", "5 turbo"),
    _wait_zero_loop,
    timing=True,
)
_case(
    "wait_0_loop_turbo",
    "repeat 20 { change; wait 0 } takes 1 frame in turbo",
    ("5 wait", "V84", "5 turbo"),
    _wait_zero_loop,
    turbo=True,
    timing=True,
)


def _wait_yields(c: Ctx) -> None:
    wait("0")
    c.out.add("A")
    with c.stage.when_flag_clicked():
        c.out.add("B")


_case("wait_0_yields", "wait 0 yields: B runs before A", ("5 wait", "5 block yield"), _wait_yields)

# ## wait until


def _wait_until_true(c: Ctx) -> None:
    wait_until(true())
    c.out.add("A")
    with c.stage.when_flag_clicked():
        c.out.add("B")


_case(
    "wait_until_true_no_yield",
    "wait until <true> does not yield: A runs before B",
    ("5 wait until",),
    _wait_until_true,
)


def _wait_until_other(c: Ctx) -> None:
    flag = c.stage.var("flag", 0)
    wait_until(Expr("operator_equals", {"OPERAND1": flag, "OPERAND2": "go"}, boolean=True))
    c.out.add("released")
    with c.stage.when_flag_clicked():
        with repeat("3"):
            c.out.add("tick")
        flag.set("GO")


_case(
    "wait_until_released_by_other",
    "wait until waits for another thread to set the flag",
    ("5 wait until", "5 block yield"),
    _wait_until_other,
)


def _wait_until_timer(c: Ctx) -> None:
    wait_until(_gt(Expr("sensing_timer"), "0.2"))
    c.out.add(Expr("sensing_timer"))


_case(
    "wait_until_timer",
    "wait until timer > 0.2 ends in the first frame past 0.2 s",
    ("5 wait until", "7 frame rate"),
    _wait_until_timer,
    timing=True,
)

# ## repeat until


def _repeat_until(c: Ctx) -> None:
    n = c.stage.var("n", 0)
    with repeat_until(_gt(n, "3")):
        n.change("1")
        c.out.add(n)


_case("repeat_until_counts", "repeat until n > 3", ("5 repeat until",), _repeat_until)


def _repeat_until_text(c: Ctx) -> None:
    s = c.stage.var("s", "")
    with repeat_until(join(s, "")):
        s.set(join(s, "0"))
        c.out.add(s)


_case(
    "repeat_until_text_condition",
    "repeat until (s): '' and '0' are false, '00' is true",
    ("5 repeat until", "1.2 toBoolean"),
    _repeat_until_text,
)

# ## stop


def _stop_other(option: str, on_stage: bool) -> Callable[[Ctx], None]:
    def body(c: Ctx) -> None:
        owner, other = (c.stage, c.sprite) if on_stage else (c.sprite, c.stage)
        with owner.when_flag_clicked(), repeat("5"):
            c.out.add("mine")
        with other.when_flag_clicked(), repeat("5"):
            c.out.add("other")
        with owner.when_flag_clicked():
            wait_until(_gt(c.out.length(), "2"))
            stop(option)
            c.out.add("after stop")

    return body


_case(
    "stop_other_scripts_in_sprite",
    "stop other scripts in sprite stops this sprite's other threads only",
    ("5 stop other",),
    _stop_other("other scripts in sprite", False),
)
_case(
    "stop_other_scripts_in_stage",
    "stop other scripts in stage stops the stage's other threads only",
    ("5 stop other",),
    _stop_other("other scripts in stage", True),
)


def _stop_this_top_level(c: Ctx) -> None:
    c.out.add("before")
    stop("this script")
    c.out.add("after")


_case(
    "stop_this_script_top_level",
    "stop this script at top level ends the thread",
    ("5 stop this",),
    _stop_this_top_level,
)


def _stop_all(c: Ctx) -> None:
    with repeat("2"):
        c.out.add("a")
    stop("all")
    c.out.add("never")
    with c.stage.when_flag_clicked(), repeat("10"):
        c.out.add("b")


_case("stop_all_ends_everything", "stop all ends every thread", ("5 stop all",), _stop_all)


@CASES.add(
    "stop_unknown_option",
    "a stop block with an unknown option is a no-op",
    covers=("5 stop unknown",),
)
def _stop_unknown() -> dict:
    st = J.Blocks("st")
    mutation = {"tagName": "mutation", "children": [], "hasnext": "true"}
    st.flag(
        st.list_add("out", J.text("before")),
        st.add("control_stop", {}, {"STOP_OPTION": ["everything", None]}, mutation=mutation),
        st.add("control_stop", {}, {"STOP_OPTION": ["ALL", None]}, mutation=mutation),
        st.list_add("out", J.text("after")),
    )
    return J.project(st, lists={"out": []})


# ## warp: timer, wait


def _warp_wait(secs: str) -> Callable[[Ctx], None]:
    def body(c: Ctx) -> None:
        proc = c.sprite.procedure("pause", warp=True)
        with proc.define():
            c.out.add(Expr("sensing_timer"))
            wait(secs)
            c.out.add(Expr("sensing_timer"))
        proc()

    return body


_case(
    "warp_wait_busy_waits",
    "wait 0.1 inside warp busy-waits, then ends in a later frame",
    ("5 warp wait", "10.11"),
    _warp_wait("0.1"),
    timing=True,
)
_case(
    "warp_wait_0_instant",
    "wait 0 inside warp completes at once",
    ("5 warp wait",),
    _warp_wait("0"),
    timing=True,
)


def _warp_timer(c: Ctx) -> None:
    n, ticks, seen = c.stage.var("n", 0), c.stage.var("ticks", 0), c.stage.var("seen", -1)
    proc = c.sprite.procedure("count", warp=True)
    with proc.define(), repeat("2600000"):
        n.change("1")
    proc()
    seen.set(ticks)
    with c.stage.when_flag_clicked(), repeat("3"):
        ticks.change("1")


_case(
    "warp_timer_yields_after_500ms",
    "a warp loop of 5.2M blocks yields once its 500 ms budget is used",
    ("5 warp timer",),
    _warp_timer,
    turbo=True,
    timing=True,
)


# ## clones


@CASES.add(
    "clone_copies_locals",
    "a clone copies its sprite's locals and runs its start-as-clone script",
    covers=("5 clones",),
)
def _clone_locals() -> dict:
    sp = J.Blocks("sp")
    menu = sp.add(
        "control_create_clone_of_menu", {}, {"CLONE_OPTION": ["_myself_", None]}, shadow=True
    )
    sp.flag(
        sp.set("mine", J.text("original"), var_id="S:var-mine"),
        sp.add("control_create_clone_of", {"CLONE_OPTION": [1, menu]}),
        sp.list_add("log", J.text("after clone")),
    )
    sp.script(
        sp.add("control_start_as_clone"),
        sp.list_add("log", J.reporter(sp.join(J.text("clone sees "), J.var("mine", "S:var-mine")))),
        sp.add("control_delete_this_clone"),
    )
    return J.project(None, J.Sprite("S", sp, variables={"mine": 0}), lists={"log": []})


@CASES.add(
    "clone_receives_broadcast",
    "a clone also receives broadcasts, after its original",
    covers=("5 clones",),
)
def _clone_broadcast() -> dict:
    sp = J.Blocks("sp")
    menu = sp.add(
        "control_create_clone_of_menu", {}, {"CLONE_OPTION": ["_myself_", None]}, shadow=True
    )
    sp.flag(sp.add("control_create_clone_of", {"CLONE_OPTION": [1, menu]}), sp.broadcast("go"))
    sp.receive("go", sp.change("got", J.number("1")))
    return J.project(None, J.Sprite("S", sp), variables={"got": 0}, broadcasts={"msg-go": "go"})


# ## inputs re-evaluated on every pass, stops from inside custom blocks


def _wait_duration_first_value(c: Ctx) -> None:
    d = c.stage.var("d", "0.1")
    with c.stage.when_flag_clicked(), repeat("3"):
        d.set("5")
    wait(d)
    c.out.add(Expr("sensing_timer"))


_case(
    "wait_duration_read_once",
    "wait reads its duration the first time: a later change does not extend it",
    ("5 wait",),
    _wait_duration_first_value,
    timing=True,
)


def _repeat_until_side_effects(c: Ctx) -> None:
    with repeat_until(_gt(Expr("operator_random", {"FROM": "1", "TO": "10"}), "7")):
        c.out.add("pass")


_case(
    "repeat_until_reevaluates",
    "repeat until re-evaluates its condition (a random draw) before every pass",
    ("5 repeat until", "3 random"),
    _repeat_until_side_effects,
    seed=41,
)


def _stop_other_from_procedure(c: Ctx) -> None:
    halt = c.sprite.procedure("halt others")
    with halt.define():
        stop("other scripts in sprite")
        c.out.add("inside after stop")
    with c.sprite.when_flag_clicked(), repeat("6"):
        c.out.add("loop")
    with repeat("2"):
        c.out.add("main")
    halt()
    c.out.add("main after halt")


_case(
    "stop_other_from_custom_block",
    "stop other scripts in sprite inside a custom block spares its own thread",
    ("5 stop other", "6 call"),
    _stop_other_from_procedure,
)


def _stop_this_in_warp_loop(c: Ctx) -> None:
    find = c.sprite.procedure("find %s", ["target"], warp=True)
    with find.define() as (target,):
        i = c.stage.var("i", 0)
        i.set("0")
        with repeat("100"):
            i.change("1")
            with if_(Expr("operator_equals", {"OPERAND1": i, "OPERAND2": target}, boolean=True)):
                c.out.add(i)
                stop("this script")
    find("7")
    find("3")
    c.out.add("done")


_case(
    "stop_this_script_in_warp_loop",
    "stop this script returns from a warp block out of a loop",
    ("5 stop this", "6 stop this"),
    _stop_this_in_warp_loop,
)


def _nested_broadcast_and_wait(c: Ctx) -> None:
    c.out.add("start")
    broadcast_and_wait("outer")
    c.out.add("end")
    with c.sprite.when_i_receive("outer"):
        c.out.add("outer in")
        broadcast_and_wait("inner")
        c.out.add("outer out")
    with c.stage.when_i_receive("inner"), repeat("2"):
        c.out.add("inner")


_case(
    "nested_broadcast_and_wait",
    "a receiver that itself broadcasts and waits",
    ("7 broadcast and wait", "5 block yield"),
    _nested_broadcast_and_wait,
)
