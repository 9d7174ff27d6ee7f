"""The timer on the deterministic clock: 1000/30 ms per frame in whole milliseconds, frozen within a frame (7)."""

from __future__ import annotations

from emulator.dsl import Expr, repeat, reset_timer, timer, wait
from tests.conformance.cases import CaseList
from tests.conformance.cases._dsl import Ctx, program

CASES = CaseList()

T = ("7 frame rate", "7 green flag")


def _case(case_id: str, description: str, body, covers=T, **params) -> None:
    CASES.add(case_id, description, covers=covers, timing=True, **params)(lambda: program(body))


_case(
    "timer_first_frame",
    "timer in the first frame is 0.033 (33 ms after the flag)",
    lambda c: c.out.add(timer()),
)


def _frozen(c: Ctx) -> None:
    with repeat("100"):
        c.stage.var("n", 0).change("1")
    c.out.add(timer())


_case(
    "timer_frozen_within_frame",
    "100 loop passes in one frame: timer has not moved",
    _frozen,
    covers=(*T, "10.11"),
)


def _after_wait(c: Ctx) -> None:
    wait("1")
    c.out.add(timer())
    wait("0.25")
    c.out.add(timer())


_case("timer_after_waits", "timer after wait 1 and wait 0.25", _after_wait, covers=(*T, "5 wait"))


def _reset(c: Ctx) -> None:
    wait("0.5")
    c.out.add(timer())
    reset_timer()
    c.out.add(timer())
    wait("0")
    c.out.add(timer())


_case(
    "reset_timer",
    "reset timer makes it 0 in this frame; one frame later it reads 0.033 or 0.034",
    _reset,
)


def _per_frame(c: Ctx) -> None:
    with repeat("5"):
        c.out.add(timer())
        wait("0")


_case(
    "timer_each_frame", "wait 0 ends each frame: timer reads 33, 66, 100, 133, 166 ms", _per_frame
)
_case("timer_each_frame_turbo", "in turbo wait 0 does not end the frame", _per_frame, turbo=True)


def _compare(c: Ctx) -> None:
    with repeat("3"):
        wait("0")
    c.out.add(Expr("operator_gt", {"OPERAND1": timer(), "OPERAND2": "0.1"}, boolean=True))
    c.out.add(Expr("operator_multiply", {"NUM1": timer(), "NUM2": "30"}))


_case("timer_arithmetic", "timer in comparisons and arithmetic (floating point kept)", _compare)


def _initial_values(c: Ctx) -> None:
    v = c.stage.var("kept", "saved value")
    c.out.add(v)


_case(
    "flag_does_not_reset_variables",
    "the green flag leaves variables at their saved values",
    _initial_values,
    covers=("7 green flag",),
)
