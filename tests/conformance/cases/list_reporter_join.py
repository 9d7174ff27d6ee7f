"""The list reporter's join: no separator only when every item is a one-character *string* (4, V68, V69, 10.8)."""

from __future__ import annotations

from typing import Any

from emulator.dsl import Expr, join
from tests.conformance.cases import CaseList
from tests.conformance.cases._dsl import Ctx, nan, num, program, true

CASES = CaseList()

R = ("4 listcontents", "10.8")


def _contents(
    case_id: str,
    description: str,
    items: tuple[Any, ...],
    covers: tuple[str, ...] = (),
    adds: tuple[Any, ...] = (),
) -> None:
    """L starts with `items` (saved types), then gets `adds` (callables build reporters); out gets L's text."""

    def body(c: Ctx) -> None:
        L = c.stage.list("L", items)
        for a in adds:
            L.add(a() if callable(a) else a)
        c.out.add(L)

    CASES.add(case_id, description, covers=(*R, *covers))(lambda: program(body))


_contents("letters", "['a', 'b', 'c'] gives 'abc'", ("a", "b", "c"), ("V68",))
_contents("mixed_lengths", "['a', 'bc', 'd'] gives 'a bc d'", ("a", "bc", "d"), ("V68",))
_contents("numbers", "the numbers [1, 2, 3] give '1 2 3'", (1.0, 2.0, 3.0), ("V69",))
_contents("empty", "[] gives ''", (), ("V69",))
_contents("digit_strings", "the strings ['1', '2', '3'] give '123'", ("1", "2", "3"), ("10.1",))
_contents("mixed_types", "['1', 2, true, 'x'] gives '1 2 true x'", ("1", 2.0, True, "x"))
_contents("single_letter", "['a'] gives 'a'", ("a",))
_contents("single_word", "['hello'] gives 'hello'", ("hello",))
_contents("empty_string_item", "['', 'a'] gives ' a' (length 0 is not 1)", ("", "a"))
_contents("space_items", "[' ', ' '] gives two spaces", (" ", " "))
_contents(
    "astral_item",
    "['\U0001f600', 'a'] joins with a space (the emoji has length 2)",
    ("\U0001f600", "a"),
)
_contents(
    "lone_surrogate_items", "two lone surrogates are one-character strings", ("\ud83d", "\ude00")
)
_contents("boolean_item", "[true] gives 'true'", (True,))
_contents(
    "added_number_digits",
    "items added from arithmetic are numbers: '1 2'",
    (),
    adds=(lambda: num("1"), lambda: num("2")),
)
_contents("added_literal_digits", "items added as literals are strings: '12'", (), adds=("1", "2"))
_contents("added_nan_and_bool", "NaN and true added: 'NaN true'", (), adds=(nan, true))
_contents(
    "added_letter_of",
    "letters taken with letter of are strings: 'ab'",
    (),
    adds=(
        lambda: Expr("operator_letter_of", {"LETTER": "1", "STRING": "ab"}),
        lambda: Expr("operator_letter_of", {"LETTER": "2", "STRING": "ab"}),
    ),
)


@CASES.add(
    "contents_as_number",
    "the list reporter in arithmetic: '1 2' + 1 is 1, '12' + 1 is 13",
    covers=R,
)
def _as_number() -> object:
    def body(c: Ctx) -> None:
        a = c.stage.list("A", (1.0, 2.0))
        b = c.stage.list("B", ("1", "2"))
        c.out.add(Expr("operator_add", {"NUM1": a, "NUM2": "1"}))
        c.out.add(Expr("operator_add", {"NUM1": b, "NUM2": "1"}))

    return program(body)


@CASES.add(
    "contents_in_comparisons", "the list reporter compared and searched: ['a','b'] = 'AB'", covers=R
)
def _compared() -> object:
    def body(c: Ctx) -> None:
        a = c.stage.list("A", ("a", "b"))
        c.out.add(Expr("operator_equals", {"OPERAND1": a, "OPERAND2": "AB"}, boolean=True))
        c.out.add(Expr("operator_contains", {"STRING1": a, "STRING2": "B"}, boolean=True))
        c.out.add(join(a, a))

    return program(body)
