"""The list blocks: add keeps types, item # of and contains through compare(), length, delete all, show/hide (4, 10.7-10.9)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from emulator.dsl import Expr, ScratchList, join
from tests.conformance.cases import CaseList
from tests.conformance.cases import _json as J
from tests.conformance.cases._dsl import Ctx, false, inf, nan, neg0, num, program, true

CASES = CaseList()

MIXED = ("1", 2.0, True, "x")  # ["1", 2, true, "x"] as a saved project holds them


def _case(
    case_id: str,
    description: str,
    covers: tuple[str, ...],
    steps: Callable[[ScratchList, Ctx], None],
    items: tuple[Any, ...] = ("a", "b", "c"),
    **params: Any,
) -> None:
    def body(c: Ctx) -> None:
        steps(c.stage.list("L", items), c)

    CASES.add(case_id, description, covers=covers, **params)(lambda: program(body))


# ## add

_case(
    "add_keeps_types",
    "add (1=1) stores true, add '007' stores the text 007",
    ("4 add", "V72", "10.9"),
    lambda L, c: (
        L.add(Expr("operator_equals", {"OPERAND1": "1", "OPERAND2": "1"}, boolean=True)),
        L.add("007"),
    ),
    items=(),
)
_case(
    "add_numbers_and_specials",
    "add stores numbers, NaN, -0 and Infinity as they are",
    ("4 add",),
    lambda L, c: (L.add(num("1.5")), L.add(nan()), L.add(neg0()), L.add(inf())),
    items=(),
)
_case(
    "add_list_reporter",
    "add (list L) adds L's contents as one text",
    ("4 add", "4 listcontents"),
    lambda L, c: L.add(L),
)
_case(
    "initial_items_typed",
    "a saved list keeps its items' JSON types",
    ("4 item", "4 add"),
    lambda L, c: [c.out.add(L.item(str(i))) for i in range(1, 5)],
    items=MIXED,
)

# ## item # of

for case_id, wanted, covers in [
    ("index_of_B", "B", ("V65", "10.7")),
    ("index_of_missing", "zz", ("V65",)),
    ("index_of_empty_text", "", ()),
]:
    _case(
        case_id,
        f"item # of {wanted!r} in [a, b, c]",
        ("4 item #", "1.5 compare", *covers),
        lambda L, c, w=wanted: c.out.add(L.index_of(w)),
    )
_case(
    "index_of_true_text",
    "item # of 'true' in ['1', 2, true, 'x'] is 3",
    ("4 item #", "V66", "10.9"),
    lambda L, c: c.out.add(L.index_of("true")),
    items=MIXED,
)
_case(
    "index_of_2_0",
    "item # of '2.0' in ['1', 2, true, 'x'] is 2",
    ("4 item #", "V66"),
    lambda L, c: c.out.add(L.index_of("2.0")),
    items=MIXED,
)
_case(
    "index_of_first_match",
    "item # of gives the first match: 'A' in [b, a, A]",
    ("4 item #",),
    lambda L, c: c.out.add(L.index_of("A")),
    items=("b", "a", "A"),
)
_case(
    "index_of_whitespace_item",
    "item # of 0 in [' ', '', 0] is 3 (whitespace compares as text)",
    ("4 item #", "1.4 isWhiteSpace"),
    lambda L, c: c.out.add(L.index_of(num("0"))),
    items=(" ", "", 0.0),
)
_case(
    "index_of_nan",
    "item # of (0/0) finds the text 'NaN'",
    ("4 item #",),
    lambda L, c: c.out.add(L.index_of(nan())),
    items=("x", "nan"),
)
_case(
    "index_of_boolean_one",
    "item # of (1=1) in ['0', 1] is 2",
    ("4 item #",),
    lambda L, c: c.out.add(L.index_of(true())),
    items=("0", 1.0),
)
_case(
    "index_of_in_empty",
    "item # of a in [] is 0",
    ("4 item #",),
    lambda L, c: c.out.add(L.index_of("a")),
    items=(),
)

# ## list contains

_case(
    "contains_A",
    "[a, b, c] contains 'A' is true",
    ("4 list contains", "V67", "10.7"),
    lambda L, c: c.out.add(L.contains("A")),
)
_case(
    "contains_empty_text",
    "[a, b, c] contains '' is false",
    ("4 list contains", "V67"),
    lambda L, c: c.out.add(L.contains("")),
)
_case(
    "contains_empty_item",
    "[a, ''] contains '' is true (strict match)",
    ("4 list contains",),
    lambda L, c: c.out.add(L.contains("")),
    items=("a", ""),
)
_case(
    "contains_whitespace_vs_zero",
    "[' ', 0] contains '' is false",
    ("4 list contains", "1.4 isWhiteSpace"),
    lambda L, c: c.out.add(L.contains("")),
    items=(" ", 0.0),
)
_case(
    "contains_numeric",
    "[1] contains '1.0' is true",
    ("4 list contains",),
    lambda L, c: c.out.add(L.contains("1.0")),
    items=(1.0,),
)
_case(
    "contains_true",
    "['TRUE'] contains (1=1) is true",
    ("4 list contains", "10.9"),
    lambda L, c: c.out.add(L.contains(true())),
    items=("TRUE",),
)
_case(
    "contains_false_zero",
    "['0'] contains (1=0) is true (Number(false) = 0)",
    ("4 list contains",),
    lambda L, c: c.out.add(L.contains(false())),
    items=("0",),
)
_case(
    "contains_nan_item",
    "a list holding NaN contains (0/0)",
    ("4 list contains",),
    lambda L, c: (L.add(nan()), c.out.add(L.contains(nan()))),
    items=(),
)

# ## length, delete all, show and hide

_case(
    "length_counts",
    "length of list after adds and deletes",
    ("4 length",),
    lambda L, c: (L.add("d"), L.delete("1"), c.out.add(L.length())),
)
_case(
    "length_of_empty",
    "length of [] is 0 (a number)",
    ("4 length",),
    lambda L, c: c.out.add(L.length()),
    items=(),
)
_case(
    "delete_all_then_add",
    "delete all of list, then add",
    ("4 delete all",),
    lambda L, c: (L.delete_all(), L.add("new")),
)
_case(
    "show_hide_no_state",
    "show/hide variable and list change nothing in the state",
    ("4 show hide",),
    lambda L, c: (L.show(), L.hide(), c.stage.var("v", 1).show(), c.stage.var("w", 2).hide()),
)
_case(
    "item_keeps_boolean",
    "item 3 of ['1', 2, true, 'x'] is the boolean true",
    ("4 item", "V64"),
    lambda L, c: (c.out.add(L.item("3")), c.out.add(join(L.item("3"), ""))),
    items=MIXED,
)


@CASES.add(
    "list_by_reporter_in_text",
    "a list reporter inside join and length",
    covers=("4 listcontents", "3 length"),
)
def _reporter_in_text() -> object:
    def body(c: Ctx) -> None:
        L = c.stage.list("L", ("ab", "c"))
        c.out.add(join(L, "!"))
        c.out.add(Expr("operator_length", {"STRING": L}))

    return program(body)


@CASES.add(
    "sprite_local_list",
    "a sprite's local list is separate from a stage list of the same name",
    covers=("4 add", "8 sprite local"),
)
def _local_list() -> dict:
    sp = J.Blocks("sp")
    sp.flag(
        sp.list_add("L", J.text("local"), list_id="S:list-L"), sp.list_add("L", J.text("global"))
    )
    return J.project(None, J.Sprite("S", sp, lists={"L": []}), lists={"L": []})
