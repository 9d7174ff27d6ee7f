"""Ask and wait with answers given in order: the answer's type, queued questions, the question bubble (sensing)."""

from __future__ import annotations

from emulator.dsl import Expr, Program, answer, ask, join, repeat
from tests.conformance.cases import CaseList
from tests.conformance.cases import _json as J
from tests.conformance.cases._dsl import Ctx, program

CASES = CaseList()


def _case(case_id: str, description: str, body, **params) -> None:
    CASES.add(case_id, description, covers=("2 say raw",), **params)(lambda: program(body))


def _ask_once(c: Ctx) -> None:
    c.out.add(answer())
    ask("name?")
    c.out.add(answer())
    c.out.add(Expr("operator_add", {"NUM1": answer(), "NUM2": "1"}))


_case(
    "ask_one_answer",
    "answer is '' before asking, then the given text (a string)",
    _ask_once,
    answers=("41",),
)


def _ask_twice(c: Ctx) -> None:
    ask("first?")
    c.out.add(answer())
    ask(Expr("operator_add", {"NUM1": "0.1", "NUM2": "0.2"}))
    c.out.add(answer())


_case(
    "ask_two_answers",
    "two questions get the answers in order; a number question is asked as text",
    _ask_twice,
    answers=("Ada", "Lovelace"),
    timing=True,
)


def _runs_out(c: Ctx) -> None:
    ask("one")
    c.out.add(answer())
    ask("two")
    c.out.add("never")


_case(
    "answers_run_out",
    "with one answer the second question stays open",
    _runs_out,
    answers=("only",),
    max_frames=10,
)


def _queue(c: Ctx) -> None:
    ask("from S")
    c.out.add(join("S got ", answer()))
    with c.stage.when_flag_clicked():
        ask("from stage")
        c.out.add(join("stage got ", answer()))


_case(
    "questions_queue",
    "two threads asking at once are answered in the order they asked",
    _queue,
    answers=("first", "second"),
    timing=True,
)


def _ask_in_loop(c: Ctx) -> None:
    with repeat("3"):
        ask("again?")
        c.out.add(answer())


_case(
    "ask_in_loop", "three questions in a loop", _ask_in_loop, answers=("a", "", " 3 "), timing=True
)


@CASES.add(
    "stage_asks",
    "the stage's question makes no say bubble",
    covers=("2 say raw",),
    answers=("yes",),
)
def _stage() -> dict:
    st = J.Blocks("st")
    st.flag(
        st.add("sensing_askandwait", {"QUESTION": J.text("stage?")}),
        st.set("a", J.reporter(st.add("sensing_answer"))),
    )
    return J.project(st, variables={"a": 0})


@CASES.add(
    "hidden_sprite_asks",
    "a hidden sprite's question makes no say bubble",
    covers=("2 say raw",),
    answers=("ok",),
)
def _hidden() -> dict:
    sp = J.Blocks("sp")
    sp.flag(
        sp.add("sensing_askandwait", {"QUESTION": J.text("hidden?")}),
        sp.set("a", J.reporter(sp.add("sensing_answer"))),
    )
    doc = J.project(None, J.Sprite("S", sp), variables={"a": 0})
    doc["targets"][1]["visible"] = False
    return doc


@CASES.add(
    "answer_kept_between_questions",
    "answer keeps the last answer after the question is gone",
    covers=("2 say raw",),
    answers=("kept",),
)
def _kept() -> object:
    prog = Program("case")
    log = prog.stage.list("log")
    s = prog.sprite("S")
    with s.when_flag_clicked():
        ask("q")
        with repeat("2"):
            log.add(answer())
    return prog.build()
