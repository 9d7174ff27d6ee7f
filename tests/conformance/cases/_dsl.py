"""DSL shorthands for cases: typed values the editor cannot type, and one-expression programs.

The editor stores every literal as text, so a case that needs a *number* (or NaN, -0, Infinity)
computes it: ``num("1e21")`` is ``"1e21" * 1``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from emulator.dsl import Expr, Program, TargetBuilder, join
from emulator.project import Project
from tests.conformance.cases import CaseList


def num(text: Any) -> Expr:
    """The number JS Number() reads from `text` (NaN read as 0): `text` * 1."""
    return Expr("operator_multiply", {"NUM1": text, "NUM2": "1"})


def nan() -> Expr:
    """0 / 0: NaN, kept as NaN until something casts it."""
    return Expr("operator_divide", {"NUM1": "0", "NUM2": "0"})


def inf() -> Expr:
    """1 / 0."""
    return Expr("operator_divide", {"NUM1": "1", "NUM2": "0"})


def ninf() -> Expr:
    """-1 / 0."""
    return Expr("operator_divide", {"NUM1": "-1", "NUM2": "0"})


def neg0() -> Expr:
    """-0 as a number: "-0" * 1."""
    return num("-0")


def true() -> Expr:
    """The boolean true: 1 = 1."""
    return Expr("operator_equals", {"OPERAND1": "1", "OPERAND2": "1"}, boolean=True)


def false() -> Expr:
    """The boolean false: 1 = 0."""
    return Expr("operator_equals", {"OPERAND1": "1", "OPERAND2": "0"}, boolean=True)


class Ctx:
    """What a case body gets: the program, its stage, one sprite, and the stage list "out"."""

    def __init__(self, name: str) -> None:
        self.prog = Program(name)
        self.stage = self.prog.stage
        self.out = self.stage.list("out")
        self.sprite: TargetBuilder = self.prog.sprite("S")


def program(body: Callable[[Ctx], None], name: str = "case") -> Project:
    """A project whose sprite "S" runs `body` under one green-flag hat."""
    ctx = Ctx(name)
    with ctx.sprite.when_flag_clicked():
        body(ctx)
    return ctx.prog.build()


def values(cases: CaseList, rows: list[tuple[Any, ...]], **params: Any) -> None:
    """One case per row (id, description, expr_fn[, covers]): `out` gets the value, then its text.

    expr_fn() builds the expression; it is evaluated once, added to "out" as it is (type kept),
    and then "out" gets join(item last of out, "") so the golden also pins how it prints.
    """
    for row in rows:
        case_id, description, make = row[0], row[1], row[2]
        covers = tuple(row[3]) if len(row) > 3 else ()

        def body(ctx: Ctx, make: Callable[[], Any] = make) -> None:
            ctx.out.add(make())
            ctx.out.add(join(ctx.out.item("last"), ""))

        cases.add(case_id, description, covers=covers, **params)(lambda body=body: program(body))
