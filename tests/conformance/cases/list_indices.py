"""List indices through toListIndex: floor, case-sensitive last/all/random/any, INVALID reads "" and writes nothing (1.7, 4, 10.6)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from emulator.dsl import ScratchList
from tests.conformance.cases import CaseList
from tests.conformance.cases._dsl import Ctx, inf, nan, num, program, true

CASES = CaseList()

IDX = ("1.7 toListIndex",)
ABC = ("a", "b", "c")


def _list_case(
    case_id: str,
    description: str,
    covers: tuple[str, ...],
    steps: Callable[[ScratchList, Ctx], None],
    items: tuple[Any, ...] = ABC,
    **params: Any,
) -> None:
    """A case on stage list L (initially `items`): `steps` runs, then the final L is in the state."""

    def body(c: Ctx) -> None:
        lst = c.stage.list("L", items)
        steps(lst, c)

    CASES.add(case_id, description, covers=(*IDX, *covers), **params)(lambda: program(body))


def _item(index: Any) -> Callable[[ScratchList, Ctx], None]:
    return lambda L, c: c.out.add(L.item(index() if callable(index) else index))


# ## item (i) of list

for case_id, index, covers in [
    ("item_0", "0", ("V62",)),
    ("item_past_end", "4", ("V62",)),
    ("item_all", "all", ("V62", "V21")),
    ("item_floor_1_9", "1.9", ("V63", "V19", "10.6")),
    ("item_last", "last", ("V63",)),
    ("item_padded_2", " 2 ", ("V63",)),
    ("item_LAST_upper", "LAST", ("V20", "10.6")),
    ("item_0_99", "0.99", ("V20",)),
    ("item_hex_2", "0x2", ()),
    ("item_empty", "", ()),
    ("item_minus_1", "-1", ()),
    ("item_2_999", "2.999", ()),
    ("item_1e0", "1e0", ()),
    ("item_minus_half", "-0.5", ()),
    ("item_3_00000000000000001", "3.00000000000000001", ()),
    ("item_RANDOM_upper", "RANDOM", ()),
    ("item_ALL_upper", "ALL", ()),
]:
    _list_case(case_id, f"item {index!r} of [a, b, c]", ("4 item", *covers), _item(index))

_list_case("item_true", "item (1=1) of [a, b, c] is a", ("4 item",), _item(lambda: true()))
_list_case("item_infinity", "item (1/0) of [a, b, c] is ''", ("4 item",), _item(lambda: inf()))
_list_case("item_nan", "item (0/0) of [a, b, c] is ''", ("4 item",), _item(lambda: nan()))
_list_case(
    "item_number_2_5",
    "item (the number 2.5) of [a, b, c] is b",
    ("4 item",),
    _item(lambda: num("2.5")),
)
_list_case(
    "item_last_of_empty", "item last of [] is ''", ("4 item", "V21"), _item("last"), items=()
)
_list_case("item_1_of_empty", "item 1 of [] is ''", ("4 item",), _item("1"), items=())
_list_case(
    "item_random",
    "item random of [a, b, c] draws from the seeded generator",
    ("4 item",),
    lambda L, c: [c.out.add(L.item("random")) for _ in range(6)],
    seed=7,
)
_list_case(
    "item_any",
    "item any of [a..e] draws from the seeded generator",
    ("4 item",),
    lambda L, c: [c.out.add(L.item("any")) for _ in range(6)],
    items=("a", "b", "c", "d", "e"),
    seed=11,
)
_list_case(
    "item_random_of_empty", "item random of [] is ''", ("4 item",), _item("random"), items=()
)

# ## delete (i) of list


def _deletes(*indices: Any) -> Callable[[ScratchList, Ctx], None]:
    def steps(L: ScratchList, c: Ctx) -> None:
        for i in indices:
            L.delete(i)

    return steps


_list_case(
    "delete_sequence",
    "delete 0; delete last; delete 1.7 of [a, b, c] leaves [b]",
    ("4 delete", "V71"),
    _deletes("0", "last", "1.7"),
)
_list_case("delete_all_word", "delete all empties the list", ("4 delete",), _deletes("all"))
_list_case(
    "delete_ALL_upper",
    "delete ALL is a no-op (case-sensitive)",
    ("4 delete", "10.6"),
    _deletes("ALL"),
)
_list_case("delete_past_end", "delete 4 of three items is a no-op", ("4 delete",), _deletes("4"))
_list_case("delete_empty_index", "delete '' is a no-op", ("4 delete",), _deletes(""))
_list_case(
    "delete_last_of_empty",
    "delete last of [] is a no-op",
    ("4 delete",),
    _deletes("last"),
    items=(),
)
_list_case(
    "delete_random",
    "delete random removes a seeded choice",
    ("4 delete",),
    _deletes("random", "random"),
    items=("a", "b", "c", "d", "e"),
    seed=3,
)
_list_case("delete_floor_2_9", "delete 2.9 removes item 2", ("4 delete",), _deletes("2.9"))
_list_case(
    "delete_true", "delete (1=1) removes item 1", ("4 delete",), lambda L, c: L.delete(true())
)

# ## insert (x) at (i) of list


def _inserts(*pairs: tuple[Any, Any]) -> Callable[[ScratchList, Ctx], None]:
    def steps(L: ScratchList, c: Ctx) -> None:
        for index, item in pairs:
            L.insert(index, item)

    return steps


def _v70(L: ScratchList, c: Ctx) -> None:
    L.insert("4", "z")
    L.insert("6", "y")
    L.insert("last", "w")
    L.insert("1.5", "q")
    L.replace("99", "R")
    L.replace("last", "R")


_list_case(
    "insert_replace_sequence",
    "the V70 sequence gives [q, a, b, c, z, R]",
    ("4 insert", "4 replace", "V70", "10.6"),
    _v70,
)
_list_case(
    "insert_len_plus_1", "insert at 4 of three items appends", ("4 insert",), _inserts(("4", "z"))
)
_list_case(
    "insert_len_plus_2",
    "insert at 5 of three items is a no-op",
    ("4 insert",),
    _inserts(("5", "z")),
)
_list_case(
    "insert_last_appends",
    "insert at last appends (the new item is last)",
    ("4 insert",),
    _inserts(("last", "z")),
)
_list_case("insert_all_invalid", "insert at all is a no-op", ("4 insert",), _inserts(("all", "z")))
_list_case("insert_0_invalid", "insert at 0 is a no-op", ("4 insert",), _inserts(("0", "z")))
_list_case("insert_floor_1_5", "insert at 1.5 inserts first", ("4 insert",), _inserts(("1.5", "z")))
_list_case(
    "insert_last_into_empty",
    "insert at last into [] appends",
    ("4 insert",),
    _inserts(("last", "z")),
    items=(),
)
_list_case(
    "insert_1_into_empty",
    "insert at 1 into [] adds the item",
    ("4 insert",),
    _inserts(("1", "z")),
    items=(),
)
_list_case(
    "insert_2_into_empty",
    "insert at 2 into [] is a no-op",
    ("4 insert",),
    _inserts(("2", "z")),
    items=(),
)
_list_case(
    "insert_random",
    "insert at random picks 1..len+1 from the seeded generator",
    ("4 insert",),
    _inserts(("random", "x"), ("random", "y"), ("any", "z")),
    seed=5,
)
_list_case(
    "insert_random_into_empty",
    "insert at random into [] adds the item",
    ("4 insert",),
    _inserts(("random", "z")),
    items=(),
    seed=5,
)
_list_case(
    "insert_keeps_type",
    "insert keeps the item's type (number, boolean)",
    ("4 insert",),
    lambda L, c: (L.insert("1", num("7")), L.insert("2", true())),
)

# ## replace item (i) of list with (x)


def _replaces(*pairs: tuple[Any, Any]) -> Callable[[ScratchList, Ctx], None]:
    def steps(L: ScratchList, c: Ctx) -> None:
        for index, item in pairs:
            L.replace(index, item)

    return steps


_list_case(
    "replace_past_end", "replace 4 of three items is a no-op", ("4 replace",), _replaces(("4", "R"))
)
_list_case("replace_last", "replace last replaces item 3", ("4 replace",), _replaces(("last", "R")))
_list_case("replace_0", "replace 0 is a no-op", ("4 replace",), _replaces(("0", "R")))
_list_case("replace_all", "replace all is a no-op", ("4 replace",), _replaces(("all", "R")))
_list_case(
    "replace_floor_1_9", "replace 1.9 replaces item 1", ("4 replace",), _replaces(("1.9", "R"))
)
_list_case(
    "replace_random",
    "replace random replaces a seeded choice",
    ("4 replace",),
    _replaces(("random", "R"), ("any", "S")),
    seed=9,
)
_list_case(
    "replace_keeps_type",
    "replace stores the value with its type",
    ("4 replace",),
    lambda L, c: (L.replace("1", num("1.5")), L.replace("2", true()), L.replace("3", nan())),
)
_list_case(
    "replace_last_of_empty",
    "replace last of [] is a no-op",
    ("4 replace",),
    _replaces(("last", "R")),
    items=(),
)
