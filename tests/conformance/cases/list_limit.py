"""The 200000-item list limit: add is ignored, insert pops the last item, an index past the limit is ignored (4, V73).

Lists start nearly full (from project.json) and each case ends by recording a few probes and
emptying the list, so the goldens stay small.
"""

from __future__ import annotations

from collections.abc import Callable

from emulator.dsl import ScratchList, repeat
from tests.conformance.cases import CaseList
from tests.conformance.cases._dsl import Ctx, program

CASES = CaseList()

LIMIT = 200000


def _case(
    case_id: str,
    description: str,
    length: int,
    steps: Callable[[ScratchList], None],
    covers: tuple[str, ...] = (),
) -> None:
    """L starts with `length` items ("x" ... then "y", "z" last); probes go to "out"."""

    def body(c: Ctx) -> None:
        L = c.stage.list("L", ["x"] * (length - 2) + ["y", "z"])
        steps(L)
        for probe in (
            L.length(),
            L.item("1"),
            L.item(str(LIMIT - 1)),
            L.item(str(LIMIT)),
            L.item("last"),
            L.item(str(LIMIT + 1)),
        ):
            c.out.add(probe)
        L.delete_all()

    CASES.add(case_id, description, covers=("4 limit", *covers))(lambda: program(body))


_case(
    "add_fills_to_limit",
    "199999 items: the first add fits, the second is ignored",
    LIMIT - 1,
    lambda L: (L.add("a"), L.add("b")),
    ("V73", "4 add"),
)
_case(
    "add_to_full_list",
    "200000 items: add does nothing",
    LIMIT,
    lambda L: L.add("a"),
    ("V73", "4 add"),
)
_case(
    "insert_into_full_list_pops_last",
    "200000 items: insert at 1 keeps the length by dropping the last item",
    LIMIT,
    lambda L: L.insert("1", "new"),
    ("4 insert",),
)
_case(
    "insert_at_limit_plus_1",
    "200000 items: insert at 200001 is past the limit: no-op",
    LIMIT,
    lambda L: L.insert(str(LIMIT + 1), "new"),
    ("4 insert",),
)
_case(
    "insert_last_into_full_list",
    "200000 items: insert at last (200001) is a no-op",
    LIMIT,
    lambda L: L.insert("last", "new"),
    ("4 insert",),
)
_case(
    "insert_at_limit_in_full_list",
    "200000 items: insert at 200000 then pops the item after it",
    LIMIT,
    lambda L: L.insert(str(LIMIT), "new"),
    ("4 insert",),
)
_case(
    "replace_in_full_list",
    "200000 items: replace last still works",
    LIMIT,
    lambda L: L.replace("last", "R"),
    ("4 replace",),
)


def _loop_past_limit(L: ScratchList) -> None:
    with repeat("12"):
        L.add("a")


_case(
    "add_loop_stops_at_limit",
    "adding 12 items to 199995 stops at 200000",
    LIMIT - 5,
    _loop_past_limit,
    ("4 add",),
)
_case(
    "delete_then_add_in_full_list",
    "200000 items: delete 1 makes room for one add",
    LIMIT,
    lambda L: (L.delete("1"), L.add("a"), L.add("b")),
    ("4 delete",),
)
