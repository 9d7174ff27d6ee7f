"""pick random on the seeded xorshift128+: the integer path, the float path, isInt on raw strings, equal and reversed bounds (3, 1.6)."""

from __future__ import annotations

from typing import Any

from emulator.dsl import random, repeat
from tests.conformance.cases import CaseList
from tests.conformance.cases import _json as J
from tests.conformance.cases._dsl import Ctx, false, inf, nan, num, program, true

CASES = CaseList()

R = ("3 random", "1.6 isInt")


def _draws(
    case_id: str,
    description: str,
    low: Any,
    high: Any,
    *,
    times: str = "5",
    seed: int = 1,
    covers: tuple[str, ...] = (),
) -> None:
    def body(c: Ctx) -> None:
        with repeat(times):
            c.out.add(random(low() if callable(low) else low, high() if callable(high) else high))

    CASES.add(case_id, description, covers=(*R, *covers), seed=seed)(lambda: program(body))


_draws("integers_1_to_10", "1 to 10 draws integers", "1", "10")
_draws("integer_and_text", "1 to '10' (text) draws integers", "1", "10", seed=2)
_draws(
    "float_bound_text", "'1.0' to 10 draws floats ('.' in the text)", "1.0", "10", covers=("V18",)
)
_draws("float_both", "0.5 to 2.5 draws floats", "0.5", "2.5", seed=3)
_draws(
    "exponent_text_integer_path",
    "'1e-3' to '1' takes the integer path: 0.001 or 1.001",
    "1e-3",
    "1",
    times="8",
    seed=4,
    covers=("V18",),
)
_draws("equal_bounds", "5 to 5 is 5 without drawing", "5", "5", covers=("V57",))
_draws(
    "equal_bounds_float_text", "'5.0' to '5' is 5 (equal bounds win)", "5.0", "5", covers=("V57",)
)
_draws("reversed_bounds", "10 to 1 draws from 1..10", "10", "1", seed=5)
_draws("negative_range", "-5 to -1", "-5", "-1", seed=6)
_draws("huge_integers", "1 to 1e12 draws integers", "1", "1000000000000", seed=7)
_draws("text_bounds", "'abc' to 'xyz' both cast to 0: 0", "abc", "xyz")
_draws("empty_bounds", "'' to 10 draws integers from 0", "", "10", seed=8)
_draws(
    "boolean_bounds",
    "(1=0) to (1=1): booleans are integers",
    lambda: false(),
    lambda: true(),
    seed=9,
)
_draws(
    "number_float_bound",
    "the number 2.5 (computed) to 4: float path",
    lambda: num("2.5"),
    "4",
    seed=10,
)
_draws(
    "number_integral_float",
    "the number 2 (computed from '2.0') to 4: integer path",
    lambda: num("2.0"),
    "4",
    seed=11,
    covers=("V18",),
)
_draws("nan_bound", "(0/0) to 3: NaN is an integer, cast to 0", lambda: nan(), "3", seed=12)
_draws("infinite_bound", "1 to Infinity: the float path", "1", lambda: inf(), seed=13)
_draws("infinite_text_bound", "1 to 'Infinity' (text, integer path)", "1", "Infinity", seed=14)
_draws("tiny_float_range", "0 to 0.000001", "0", "0.000001", seed=15)
_draws("seed_zero", "1 to 100 with seed 0", "1", "100", seed=0, times="10")
_draws("seed_large", "1 to 100 with a large seed", "1", "100", seed=2**40 + 12345, times="10")


@CASES.add(
    "random_in_list_index",
    "item random, insert random and delete random draw in order with pick random",
    covers=("3 random", "1.7 toListIndex"),
    seed=21,
)
def _mixed() -> object:
    def body(c: Ctx) -> None:
        L = c.stage.list("L", ("a", "b", "c", "d"))
        c.out.add(random("1", "6"))
        c.out.add(L.item("random"))
        L.insert("any", "new")
        L.delete("random")
        c.out.add(random("0", "1.5"))

    return program(body)


@CASES.add(
    "reversed_input_order",
    "inputs are evaluated in JSON key order: TO before FROM draws TO's random first",
    covers=("7 input order", "3 random"),
    seed=22,
)
def _reversed() -> dict:
    st = J.Blocks("st")
    first = st.op("operator_random", FROM=J.number("1"), TO=J.number("1000"))
    second = st.op("operator_random", FROM=J.number("1"), TO=J.number("1000"))
    # The join's inputs are written STRING2 first: second's draw happens before first's.
    joined = st.add("operator_join", {"STRING2": J.reporter(second), "STRING1": J.reporter(first)})
    normal_a = st.op("operator_random", FROM=J.number("1"), TO=J.number("1000"))
    normal_b = st.op("operator_random", FROM=J.number("1"), TO=J.number("1000"))
    normal = st.add(
        "operator_join", {"STRING1": J.reporter(normal_a), "STRING2": J.reporter(normal_b)}
    )
    pick = st.add(
        "operator_random",
        {
            "TO": J.reporter(st.op("operator_random", FROM=J.number("50"), TO=J.number("60"))),
            "FROM": J.reporter(st.op("operator_random", FROM=J.number("1"), TO=J.number("5"))),
        },
    )
    st.flag(
        st.set("reversed", J.reporter(joined)),
        st.set("normal", J.reporter(normal)),
        st.set("nested", J.reporter(pick)),
    )
    return J.project(st, variables={"reversed": 0, "normal": 0, "nested": 0})


@CASES.add(
    "random_numeric_literals",
    "[4, 1] and [4, 10] JSON numbers as bounds: integer path",
    covers=("3 random", "1.6 isInt", "4 set literal"),
    seed=23,
)
def _numeric_literals() -> dict:
    st = J.Blocks("st")
    a = st.op("operator_random", FROM=[1, [4, 1]], TO=[1, [4, 10]])
    b = st.op("operator_random", FROM=[1, [4, 1.5]], TO=[1, [4, 10]])
    st.flag(st.list_add("out", J.reporter(a)), st.list_add("out", J.reporter(b)))
    return J.project(st, lists={"out": []})
