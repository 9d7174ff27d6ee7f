"""Say and think: bubbles hold the raw value (numbers, booleans, ""), timed bubbles, several speakers (2, 5)."""

from __future__ import annotations

from emulator.dsl import Expr, Program, join, repeat, say, say_for, think, think_for, wait
from tests.conformance.cases import CaseList
from tests.conformance.cases import _json as J
from tests.conformance.cases._dsl import Ctx, inf, nan, neg0, num, program, true

CASES = CaseList()

S = ("2 say raw",)


def _case(case_id: str, description: str, body, covers=S, **params) -> None:
    CASES.add(case_id, description, covers=covers, **params)(lambda: program(body))


_case(
    "say_raw_values",
    "say keeps the raw value: a float sum, the text '007', true, '', NaN, -0, Infinity",
    lambda c: [
        say(v)
        for v in (
            Expr("operator_add", {"NUM1": "0.1", "NUM2": "0.2"}),
            "007",
            true(),
            "",
            nan(),
            neg0(),
            inf(),
        )
    ],
)
_case(
    "think_raw_values",
    "think keeps the raw value too",
    lambda c: [think(v) for v in (num("2.5"), "hi", "")],
)
_case(
    "say_list_reporter",
    "say (list) says the list's text",
    lambda c: say(c.stage.list("L", ("a", "b"))),
)
_case(
    "say_long_text",
    "a 400-character message is recorded whole (the bubble cuts at 330)",
    lambda c: say("x" * 400),
)
_case(
    "say_number_formats",
    "numbers the bubble would round (toFixed(2)) are recorded raw",
    lambda c: [say(num(x)) for x in ("0.005", "0.123456", "-3.14159", "100.0", "1e21")],
)


def _say_for(c: Ctx) -> None:
    done = c.stage.var("done", 0)
    say_for("hello", "1")
    done.set(Expr("sensing_timer"))


_case(
    "say_for_secs",
    "say for 1 secs waits a second of virtual time",
    _say_for,
    covers=(*S, "5 block yield"),
    timing=True,
)


def _think_for(c: Ctx) -> None:
    think_for(num("42"), "0.5")
    say("after")


_case("think_for_secs", "think for 0.5 secs, then say", _think_for, covers=S, timing=True)


def _say_for_zero(c: Ctx) -> None:
    with repeat("3"):
        say_for("tick", "0")
    say_for("neg", "-1")
    say_for("text", "abc")


_case(
    "say_for_zero_secs",
    "say for 0, -1 and 'abc' secs each still take a frame",
    _say_for_zero,
    timing=True,
)


def _interrupted(c: Ctx) -> None:
    say_for("long", "0.5")
    say("done")
    with c.stage.when_flag_clicked():
        wait("0.1")
        c.out.add("interrupting")


_case(
    "say_for_then_other_threads",
    "another thread runs while a timed bubble waits",
    _interrupted,
    timing=True,
)


@CASES.add(
    "two_speakers", "says from two sprites and a loop are recorded in execution order", covers=S
)
def _two() -> object:
    prog = Program("case")
    a, b = prog.sprite("A"), prog.sprite("B")
    for sprite, word in ((a, "a"), (b, "b")):
        with sprite.when_flag_clicked(), repeat("2"):
            say(join(word, "!"))
    return prog.build()


@CASES.add("stage_say", "a looks_say block on the stage", covers=S)
def _stage_say() -> dict:
    st = J.Blocks("st")
    st.flag(st.say(J.text("stage speaks")))
    return J.project(st)


@CASES.add("hidden_sprite_says", "a hidden sprite's say is still recorded", covers=S)
def _hidden() -> dict:
    sp = J.Blocks("sp")
    sp.flag(sp.say(J.text("invisible")))
    doc = J.project(None, J.Sprite("S", sp))
    doc["targets"][1]["visible"] = False
    return doc


@CASES.add(
    "say_missing_input", "say with no MESSAGE input says undefined", covers=(*S, "7 missing input")
)
def _say_missing() -> dict:
    sp = J.Blocks("sp")
    sp.flag(sp.add("looks_say", {}), sp.add("looks_think", {"MESSAGE": [1, None]}))
    return J.project(None, J.Sprite("S", sp))
