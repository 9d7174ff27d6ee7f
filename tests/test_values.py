"""Scratch's casts, comparisons, printing and operators, pinned to scratch-vm's observed results."""

import math
import random
from decimal import ROUND_HALF_UP, Decimal, localcontext

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from emulator import values as v
from emulator.values import (
    LIST_ALL,
    LIST_INVALID,
    compare,
    divide,
    equals,
    greater_than,
    is_int,
    is_whitespace,
    join,
    js_mod,
    js_round,
    less_than,
    letter_of,
    list_contents,
    mathop,
    number_to_string,
    random_between,
    repeat_count,
    text_contains,
    text_length,
    to_boolean,
    to_fixed,
    to_list_index,
    to_number,
    to_string,
)
from tests import strategies

NAN = float("nan")
INF = float("inf")


def assert_same_float(actual: object, expected: float) -> None:
    """actual is a Python float equal to expected, telling -0 from 0 and matching NaN to NaN."""
    assert type(actual) is float, f"{actual!r} is {type(actual).__name__}, not float"
    if math.isnan(expected):
        assert math.isnan(actual)
    else:
        assert actual == expected
        assert math.copysign(1, actual) == math.copysign(1, expected), f"sign of zero: {actual!r}"


def rng() -> random.Random:
    return random.Random(1234)


# ## Section 11 test vectors, rows 1-57


@pytest.mark.parametrize(
    ("row", "value", "expected"),
    [
        (1, "  12  ", 12.0),
        (2, "0x1A", 26.0),
        (3, "0b101", 5.0),
        (3, "0o17", 15.0),
        (4, "-0x10", 0.0),
        (5, "1_000", 0.0),
        (6, "Infinity", INF),
        (6, "infinity", 0.0),
        (7, "", 0.0),
        (8, ".5", 0.5),
        (8, "5.", 5.0),
        (8, "1e3", 1000.0),
        (9, True, 1.0),
        (9, NAN, 0.0),
        (9, "-0", -0.0),
    ],
)
def test_vector_to_number(row: int, value: v.Value, expected: float) -> None:
    assert_same_float(to_number(value), expected)


@pytest.mark.parametrize(
    ("row", "value", "expected"),
    [(10, "FALSE", False), (11, "0.0", True), (11, " ", True), (12, 0.0, False), (12, NAN, False)],
)
def test_vector_to_boolean(row: int, value: v.Value, expected: bool) -> None:
    assert to_boolean(value) is expected


@pytest.mark.parametrize(
    ("row", "a", "b", "expected"),
    [
        (13, "", 0.0, -1.0),
        (14, "abc", "ABC", 0.0),
        (15, "10", "9", 1.0),
        (15, "10", "9a", -1.0),
        (16, True, "true", 0.0),
        (16, True, 1.0, 0.0),
        (17, "Infinity", INF, 0.0),
    ],
)
def test_vector_compare(row: int, a: v.Value, b: v.Value, expected: float) -> None:
    result = compare(a, b)
    assert type(result) is float
    assert result == expected


@pytest.mark.parametrize(
    ("row", "value", "expected"), [(18, "1.0", False), (18, "1e-3", True), (18, 2.0, True)]
)
def test_vector_is_int(row: int, value: v.Value, expected: bool) -> None:
    assert is_int(value) is expected


@pytest.mark.parametrize(
    ("row", "index", "length", "accept_all", "expected"),
    [
        (19, "1.9", 3, False, 1),
        (20, 0.99, 3, False, LIST_INVALID),
        (20, "LAST", 3, False, LIST_INVALID),
        (21, "all", 3, False, LIST_INVALID),
        (21, "last", 0, False, LIST_INVALID),
    ],
)
def test_vector_to_list_index(
    row: int, index: v.Value, length: int, accept_all: bool, expected: int
) -> None:
    result = to_list_index(index, length, accept_all, rng())
    assert type(result) is int
    assert result == expected


def add(a: v.Value, b: v.Value) -> float:
    """operator_add, which is nothing but two number casts."""
    return to_number(a) + to_number(b)


@pytest.mark.parametrize(
    ("row", "result", "expected"),
    [
        (22, lambda: add("0.1", "0.2"), 0.30000000000000004),
        (23, lambda: add("hello", "3"), 3.0),
        (24, lambda: divide(to_number("1"), to_number("0")), INF),
        (25, lambda: divide(to_number("0"), to_number("0")), NAN),
        (26, lambda: add(divide(0.0, 0.0), "1"), 1.0),
        (27, lambda: divide(to_number("1"), mathop("ceiling", -0.5)), -INF),
        (28, lambda: js_mod(to_number("-7"), to_number("3")), 2.0),
        (29, lambda: js_mod(to_number("7"), to_number("-3")), -2.0),
        (30, lambda: js_mod(to_number("5"), to_number("0")), NAN),
        (31, lambda: js_mod(to_number("-6"), to_number("3")), -0.0),
        (32, lambda: js_mod(to_number("-5"), to_number("Infinity")), -5.0),
        (33, lambda: js_round(to_number("2.5")), 3.0),
        (33, lambda: js_round(to_number("-2.5")), -2.0),
        (33, lambda: js_round(to_number("-0.4")), -0.0),
        (34, lambda: mathop("sin", 30.0), 0.5),
        (35, lambda: mathop("cos", 90.0), 0.0),
        (36, lambda: mathop("tan", 90.0), INF),
        (36, lambda: mathop("tan", -270.0), INF),
        (36, lambda: mathop("tan", 270.0), -INF),
        (37, lambda: mathop("tan", 45.0), 1.0),
        (37, lambda: mathop("tan", 180.0), -0.0),
        (38, lambda: mathop("log", 1000.0), 2.9999999999999996),
        (39, lambda: mathop("ln", 0.0), -INF),
        (41, lambda: mathop("acos", 0.5), 60.00000000000001),
        (42, lambda: mathop("sqrt", -4.0), NAN),
        (43, lambda: mathop("foo", -5.0), 0.0),
        (43, lambda: mathop("ABS", -5.0), 5.0),
        (51, lambda: text_length("😀"), 2.0),
        (51, lambda: text_length(0.1 + 0.2), 19.0),
        (57, lambda: random_between("5", "5", rng()), 5.0),
        (57, lambda: random_between("5.0", "5", rng()), 5.0),
    ],
)
def test_vector_numeric_operators(row: int, result: object, expected: float) -> None:
    assert callable(result)
    assert_same_float(result(), expected)


def test_vector_40_ten_to_the_minus_5_is_v8_pow() -> None:
    """10 ^ -5 is V8's pow, one ulp below libm's 1e-05."""
    assert_same_float(mathop("10 ^", -5.0), 0.000009999999999999999)


@pytest.mark.parametrize(
    ("row", "result", "expected"),
    [
        (44, lambda: join(1e21, ""), "1e+21"),
        (45, lambda: join(1e-7, ""), "1e-7"),
        (45, lambda: join(0.000001, ""), "0.000001"),
        (46, lambda: join(-0.0, ""), "0"),
        (47, lambda: join(True, NAN), "trueNaN"),
        (48, lambda: letter_of("1.9", "abc"), "a"),
        (49, lambda: letter_of("0.5", "abc"), ""),
        (50, lambda: letter_of(3.0, 12.5), "."),
    ],
)
def test_vector_text_operators(row: int, result: object, expected: str) -> None:
    assert callable(result)
    actual = result()
    assert type(actual) is str
    assert actual == expected


@pytest.mark.parametrize(
    ("row", "result", "expected"),
    [
        (52, lambda: text_contains("Hello", "LL"), True),
        (52, lambda: text_contains("abc", ""), True),
        (53, lambda: equals("", "0"), False),
        (53, lambda: equals(" ", ""), False),
        (53, lambda: equals("1.0", "1"), True),
        (54, lambda: equals(0.1 + 0.2, "0.3"), False),
        (55, lambda: less_than("a", "B"), True),
        (55, lambda: greater_than("Z", "a"), True),
        (55, lambda: greater_than("", "-1"), False),
        (56, lambda: to_boolean("false") and to_boolean(True), False),
        (56, lambda: to_boolean("0") or to_boolean(""), False),
        (56, lambda: not to_boolean("hello"), False),
    ],
)
def test_vector_boolean_operators(row: int, result: object, expected: bool) -> None:
    assert callable(result)
    assert result() is expected


# ## Section 1: casts


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (" 0x10 ", 16.0),
        ("+0x10", 0.0),
        ("0x", 0.0),
        ("0x1.8", 0.0),
        ("0XfF", 255.0),
        ("0B11", 3.0),
        ("0O7", 7.0),
        ("0x" + "f" * 300, INF),  # a radix literal overflows like a decimal one
        ("00012", 12.0),
        (".", 0.0),
        ("1e", 0.0),
        ("+.5e+1", 5.0),
        ("-5.", -5.0),
        ("1e1000", INF),
        ("-1e1000", -INF),
        ("1e-400", 0.0),
        ("-Infinity", -INF),
        ("+Infinity", INF),
        (" Infinity\n", INF),
        ("inf", 0.0),
        ("NaN", 0.0),
        ("1,5", 0.0),
        ("12abc", 0.0),
        ("\u0663", 0.0),  # Arabic-Indic three: float() would say 3
        ("1 2", 0.0),
        (" ", 0.0),
        ("\t\n", 0.0),
        ("\ufeff7\ufeff", 7.0),  # JS trims the BOM; float() does not
        ("\u30007\u2028", 7.0),
        ("\u00a07\u1680", 7.0),
        ("\x857", 0.0),  # NEL is not JS whitespace, though float() strips it
        ("\u200b7", 0.0),
        ("\x1c7", 0.0),
        ("1E3", 1000.0),
        ("-.0", -0.0),
        (None, 0.0),
        (False, 0.0),
        (INF, INF),
        (-0.0, -0.0),
        (7, 7.0),  # an int that slipped in still comes out a float
    ],
)
def test_to_number_follows_js_number_grammar(value: v.Value, expected: float) -> None:
    assert_same_float(to_number(value), expected)


def test_js_number_keeps_nan() -> None:
    assert math.isnan(v.js_number("abc"))
    assert math.isnan(v.js_number(None))
    assert v.js_number("") == 0.0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", False),
        ("0", False),
        ("false", False),
        ("fAlSe", False),
        ("00", True),
        (" 0", True),
        ("null", True),
        ("true", True),
        (-0.0, False),
        (0.1, True),
        (-INF, True),
        (None, False),
        (True, True),
        (False, False),
    ],
)
def test_to_boolean(value: v.Value, expected: bool) -> None:
    assert to_boolean(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "undefined"),
        (True, "true"),
        (False, "false"),
        ("007", "007"),
        (100.0, "100"),
        (NAN, "NaN"),
    ],
)
def test_to_string(value: v.Value, expected: str) -> None:
    assert to_string(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", True),
        (" \t\n", True),
        ("\ufeff\u3000", True),
        ("\x85", False),
        ("\u200b", False),
        ("a", False),
        (0.0, False),
        (False, False),
        (None, False),
    ],
)
def test_is_whitespace(value: v.Value, expected: bool) -> None:
    """Cast.isWhiteSpace; None is JS undefined, which (unlike null) is not whitespace."""
    assert is_whitespace(value) is expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("", 0.0, False),
        ("", "", True),
        ("ABC", "abc", True),
        ("1.0", 1.0, True),
        (True, "true", True),
        (True, 1.0, True),
        (True, "TRUE", True),
        ("Infinity", "infinity", True),
        (NAN, "nan", True),
        (NAN, NAN, True),
        (INF, INF, True),
        (-INF, "-Infinity", True),
        (INF, -INF, False),
        (0.0, -0.0, True),
        (" 1 ", 1.0, True),
        ("0x10", 16.0, True),
        (None, "undefined", True),
        (None, 0.0, False),
        ("\t", 0.0, False),
    ],
)
def test_equals(a: v.Value, b: v.Value, expected: bool) -> None:
    assert equals(a, b) is expected
    assert equals(b, a) is expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("9", "10"),
        ("10", "9a"),
        ("", "-1"),
        (0.3, 0.1 + 0.2),
        ("a", "B"),
        ("-Infinity", "Infinity"),
        ("😀", "\ue000"),  # UTF-16: 😀 is 0xD83D 0xDE00, below U+E000; by code point it is above
        ("\ud83d", "😀"),  # a lone surrogate is a prefix of the pair
        ("abc", "abd"),
        ("f", "É"),  # lower-cased é (U+00E9) sorts after f
    ],
)
def test_less_than(a: v.Value, b: v.Value) -> None:
    assert less_than(a, b)
    assert greater_than(b, a)
    assert not equals(a, b)


def test_compare_is_a_real_difference() -> None:
    assert compare(0.1 + 0.2, 0.3) == 5.551115123125783e-17
    assert compare(INF, 1.0) == INF


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("abc", True),
        ("", True),
        ("1.", False),
        (NAN, True),
        (INF, False),
        (-INF, False),
        (2.5, False),
        (-0.0, True),
        (1e20, True),
        (1e21, False),  # String(1e21) is "1e+21", and parseInt reads it as 1
        (True, True),
        (False, True),
        (None, False),
    ],
)
def test_is_int(value: v.Value, expected: bool) -> None:
    assert is_int(value) is expected


@pytest.mark.parametrize(
    ("index", "length", "accept_all", "expected"),
    [
        (" 2 ", 3, False, 2),
        ("0x2", 3, False, 2),
        (True, 3, False, 1),
        ("", 3, False, LIST_INVALID),
        (INF, 3, False, LIST_INVALID),
        (NAN, 3, False, LIST_INVALID),
        ("all", 3, True, LIST_ALL),
        ("ALL", 3, True, LIST_INVALID),
        ("last", 3, False, 3),
        ("last", 3, True, 3),
        (3.0, 3, False, 3),
        (4.0, 3, False, LIST_INVALID),
        (3.999, 3, False, 3),
        (-0.5, 3, False, LIST_INVALID),
        ("random", 0, False, LIST_INVALID),
        ("any", 0, False, LIST_INVALID),
        ("Random", 3, False, LIST_INVALID),
        ("random", 1, False, 1),
    ],
)
def test_to_list_index(index: v.Value, length: int, accept_all: bool, expected: int) -> None:
    assert to_list_index(index, length, accept_all, rng()) == expected


def test_to_list_index_random_uses_the_rng() -> None:
    """ "random" and "any" are 1 + floor(rng.random() * length)."""
    expected = 1 + math.floor(rng().random() * 10)
    assert to_list_index("random", 10, False, rng()) == expected
    assert to_list_index("any", 10, False, rng()) == expected


# ## Section 2: number to string


JS_NUMBER_STRINGS = [
    (0.0, "0"),
    (-0.0, "0"),
    (1.0, "1"),
    (-1.0, "-1"),
    (100.0, "100"),
    (0.5, "0.5"),
    (0.1, "0.1"),
    (0.1 + 0.2, "0.30000000000000004"),
    (0.1 * 3, "0.30000000000000004"),
    (1 / 3, "0.3333333333333333"),
    (2 / 3, "0.6666666666666666"),
    (100 / 3, "33.333333333333336"),
    (1.1 * 1.1, "1.2100000000000002"),
    (1.0000000000000002, "1.0000000000000002"),
    (4.35, "4.35"),
    (123.456, "123.456"),
    (-123.456, "-123.456"),
    (12345678.9, "12345678.9"),
    (4294967296.5, "4294967296.5"),
    (1e15, "1000000000000000"),
    (1e16, "10000000000000000"),
    (2.0**53, "9007199254740992"),
    (2.0**53 + 2, "9007199254740994"),
    (2.0**64, "18446744073709552000"),
    (1e20, "100000000000000000000"),
    (123456789012345680000.0, "123456789012345680000"),
    (999999999999999900000.0, "999999999999999900000"),
    (1e21, "1e+21"),
    (-1e21, "-1e+21"),
    (1.2e21, "1.2e+21"),
    (2.0**70, "1.1805916207174113e+21"),
    (1e100, "1e+100"),
    (1.5e300, "1.5e+300"),
    (1.7976931348623157e308, "1.7976931348623157e+308"),
    (0.000123, "0.000123"),
    (123e-5, "0.00123"),
    (0.0001, "0.0001"),
    (0.00001, "0.00001"),
    (1e-5, "0.00001"),
    (0.000005, "0.000005"),
    (0.000001, "0.000001"),
    (1e-6 * 3, "0.000003"),
    (1.5e-6, "0.0000015"),
    (1e-7, "1e-7"),
    (-1e-7, "-1e-7"),
    (5e-7, "5e-7"),
    (1.5e-7, "1.5e-7"),
    (123e-20, "1.23e-18"),
    (2.220446049250313e-16, "2.220446049250313e-16"),
    (2.2250738585072014e-308, "2.2250738585072014e-308"),
    (5e-324, "5e-324"),
    (NAN, "NaN"),
    (INF, "Infinity"),
    (-INF, "-Infinity"),
]


@pytest.mark.parametrize(("x", "expected"), JS_NUMBER_STRINGS)
def test_number_to_string_matches_js(x: float, expected: str) -> None:
    assert number_to_string(x) == expected


def test_number_to_string_keeps_literal_spelling() -> None:
    """A string literal keeps its text until arithmetic touches it."""
    assert to_string("100.0") == "100.0"
    assert to_string(to_number("100.0")) == "100"


@pytest.mark.parametrize(
    ("x", "digits", "expected"),
    [
        (0.00048828125, 10, "0.0004882813"),  # an exact binary tie rounds away from zero
        (-0.00048828125, 10, "-0.0004882813"),
        (1.005, 2, "1.00"),  # 1.005 is really 1.00499999999999989...
        (0.125, 2, "0.13"),
        (2.5, 0, "3"),
        (-2.5, 0, "-3"),
        (-0.0, 2, "0.00"),
        (-0.001, 2, "-0.00"),
        (1e21, 2, "1e+21"),
        (INF, 2, "Infinity"),
        (NAN, 2, "NaN"),
        (123.456, 6, "123.456000"),
    ],
)
def test_to_fixed(x: float, digits: int, expected: str) -> None:
    assert to_fixed(x, digits) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (3.14159, "3.14"),
        (-2.5, "-2.50"),
        (1.005, "1.00"),
        (0.005, "0.005"),  # too small for toFixed(2), which would show 0.00
        (2.0, "2"),
        (1e21 + 0.0, "1e+21"),
        (INF, "Infinity"),
        (NAN, "NaN"),
        (-0.0, "0"),
        ("", ""),
        ("3.14159", "3.14159"),  # a string is never rounded
        (True, "true"),
        (None, "undefined"),
        ("x" * 400, "x" * 330),
        ("😀" * 200, "😀" * 165),
        ("a" + "😀" * 200, "a" + "😀" * 164 + "\ud83d"),  # the cut can split a pair
    ],
)
def test_bubble_text(value: v.Value, expected: str) -> None:
    assert v.bubble_text(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.1 + 0.2, "0.3"), (1e-7, "0"), (2.0, "2"), (True, "true"), ("0.1234567", "0.1234567")],
)
def test_monitor_text(value: v.Value, expected: str) -> None:
    assert v.monitor_text(value) == expected


# ## Section 3: operators


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (-7.0, -3.0, -1.0),
        (5.5, 2.0, 1.5),
        (7.0, 3.0, 1.0),
        (0.0, 5.0, 0.0),
        (-0.0, 5.0, -0.0),
        (5.0, -0.0, NAN),
        (INF, 3.0, NAN),
        (NAN, 3.0, NAN),
        (5.0, INF, 5.0),
        (5.0, -INF, 5.0),  # 5 / -Infinity is -0, which is not < 0, so nothing is added
        (-1e-300, 1e300, -1e-300),  # r / b underflows to -0, so no correction
    ],
)
def test_js_mod(a: float, b: float, expected: float) -> None:
    assert_same_float(js_mod(a, b), expected)


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (0.49999999999999994, 0.0),
        (0.5, 1.0),
        (-0.5, -0.0),
        (-0.0, -0.0),
        (-0.6, -1.0),
        (1.5, 2.0),
        (-1.5, -1.0),
        (4503599627370497.0, 4503599627370497.0),
        (INF, INF),
        (NAN, NAN),
    ],
)
def test_js_round(x: float, expected: float) -> None:
    assert_same_float(js_round(x), expected)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (1.0, 0.0, INF),
        (-1.0, 0.0, -INF),
        (1.0, -0.0, -INF),
        (-1.0, -0.0, INF),
        (0.0, 0.0, NAN),
        (NAN, 0.0, NAN),
        (INF, 0.0, INF),
        (1e308, 1e-10, INF),
        (INF, INF, NAN),
        (6.0, 3.0, 2.0),
    ],
)
def test_divide(a: float, b: float, expected: float) -> None:
    assert_same_float(divide(a, b), expected)


def test_ieee_arithmetic_on_casts() -> None:
    assert math.isnan(to_number("Infinity") + to_number("-Infinity"))
    assert to_number("1e308") + to_number("1e308") == INF
    assert to_number("Infinity") + to_number("-Infinity") + 0.0 != 0.0


@pytest.mark.parametrize(
    ("operator", "n", "expected"),
    [
        ("abs", -0.0, 0.0),
        ("floor", -0.5, -1.0),
        ("floor", INF, INF),
        ("ceiling", -0.5, -0.0),
        ("ceiling", 0.2, 1.0),
        ("sqrt", -1.0, NAN),
        ("sqrt", -0.0, -0.0),
        ("sqrt", 16.0, 4.0),
        ("sin", 180.0, 0.0),
        ("sin", -180.0, -0.0),  # sin(-pi) is -1.2e-16, and toFixed keeps its sign: "-0.0000000000"
        ("sin", 0.0, 0.0),
        ("sin", INF, NAN),
        ("cos", 60.0, 0.5),
        ("cos", 180.0, -1.0),
        ("tan", 450.0, INF),
        ("tan", -90.0, -INF),
        ("tan", 90.0000001, -572957827.5453283),
        ("tan", 0.0, 0.0),
        ("tan", INF, NAN),
        ("asin", 2.0, NAN),
        ("asin", 1.0, 90.0),
        ("acos", -2.0, NAN),
        ("atan", INF, 90.0),
        ("atan", -INF, -90.0),
        ("ln", -1.0, NAN),
        ("ln", INF, INF),
        ("ln", -0.0, -INF),
        ("log", 100.0, 2.0),
        ("log", 0.0, -INF),
        ("e ^", 0.0, 1.0),
        ("e ^", 1000.0, INF),
        ("e ^", -INF, 0.0),
        ("10 ^", 2.0, 100.0),
        ("10 ^", 400.0, INF),
        ("10 ^", -400.0, 0.0),
        ("E ^", 0.0, 1.0),
        ("Sqrt", 9.0, 3.0),
        ("e^", 1.0, 0.0),  # no space: an unknown option
        ("", 1.0, 0.0),
        (None, 1.0, 0.0),
        (True, 1.0, 0.0),
    ],
)
def test_mathop(operator: v.Value, n: float, expected: float) -> None:
    assert_same_float(mathop(operator, n), expected)


def test_sin_rounds_to_ten_decimals() -> None:
    assert mathop("sin", 1.0) == 0.0174524064
    assert mathop("cos", 1.0) == 0.9998476952


@pytest.mark.parametrize(
    ("index", "text", "expected"),
    [
        (3.5, "abc", "c"),
        (4.0, "abc", ""),
        (0.0, "abc", ""),
        (-1.0, "abc", ""),
        (INF, "abc", ""),
        ("1", "😀x", "\ud83d"),  # UTF-16: the lone high surrogate
        ("2", "😀x", "\ude00"),
        ("3", "😀x", "x"),
        ("1", True, "t"),
        ("1", None, "u"),
        ("", "abc", ""),
        ("abc", "abc", ""),
    ],
)
def test_letter_of(index: v.Value, text: v.Value, expected: str) -> None:
    assert letter_of(index, text) == expected


def test_join_reunites_split_surrogates() -> None:
    """Joining the two halves of an astral character gives the character back, as in JS."""
    assert join(letter_of(1, "😀"), letter_of(2, "😀")) == "😀"
    assert join(-0.0, 100.0) == "0100"
    assert join(None, False) == "undefinedfalse"


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("", "", True),
        ("abc", "ABC", True),
        ("ABC", "d", False),
        (12.5, ".5", True),
        (True, "RU", True),
        ("😀", "\ud83d", True),  # includes() works on code units
        ("😀", "\ude00", True),
        ("\ude00😀", "\ude00\ud83d", True),
        ("😀", "\ude00\ud83d", False),
    ],
)
def test_text_contains(a: v.Value, b: v.Value, expected: bool) -> None:
    assert text_contains(a, b) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("", 0.0), ("abc", 3.0), ("😀😀", 4.0), ("é", 1.0), (True, 4.0), (None, 9.0), (1e21, 5.0)],
)
def test_text_length(value: v.Value, expected: float) -> None:
    assert_same_float(text_length(value), expected)


def test_random_between_integer_rule() -> None:
    """Both inputs integer-looking (raw) gives an integer; "1.0" or a fraction gives a float."""
    r = rng()
    assert all(random_between(1.0, "10", r) in {float(i) for i in range(1, 11)} for _ in range(200))
    floats = [random_between("1.0", 10.0, r) for _ in range(200)]
    assert any(x != math.floor(x) for x in floats)
    assert all(1.0 <= x < 10.0 for x in floats)
    # "1e-3" has no ".", so it takes the integer path: 0.001 plus 0 or 1.
    assert {random_between("1e-3", "1", r) for _ in range(200)} == {0.001, 1.001}
    assert {random_between("10", "1", r) for _ in range(200)} == {float(i) for i in range(1, 11)}


def test_random_between_same_bounds() -> None:
    assert_same_float(random_between("-0", 0.0, rng()), -0.0)
    assert_same_float(random_between("abc", "", rng()), 0.0)


# ## Section 4: lists and section 5: repeat


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        (["a", "b", "c"], "abc"),
        (["a", "bc", "d"], "a bc d"),
        ([1.0, 2.0, 3.0], "1 2 3"),
        (["1", "2", "3"], "123"),
        (["1", 2.0, True, "x"], "1 2 true x"),
        ([], ""),
        (["😀", "a"], "😀 a"),  # an astral character is two UTF-16 units, so not a single letter
        (["\ud83d", "\ude00"], "😀"),
        (["a", None], "a "),  # Array.join writes undefined as ""
        ([""], ""),
        (["", "a"], " a"),
    ],
)
def test_list_contents(items: list[v.Value], expected: str) -> None:
    assert list_contents(items) == expected


@pytest.mark.parametrize(
    ("times", "expected"),
    [
        ("2.5", 3.0),
        ("2.4", 2.0),
        ("0.5", 1.0),
        ("-0.5", -0.0),
        ("abc", 0.0),
        ("true", 0.0),
        (" 3 ", 3.0),
        ("1e1", 10.0),
        (True, 1.0),
    ],
)
def test_repeat_count(times: v.Value, expected: float) -> None:
    assert_same_float(repeat_count(times), expected)


# ## Properties


@given(strategies.floats_any())
def test_number_to_string_round_trips(x: float) -> None:
    """Printing a finite number and reading it back gives the same double (-0 comes back as 0)."""
    assume(math.isfinite(x))
    back = to_number(number_to_string(x))
    assert back == x
    assert math.copysign(1, back) == (1.0 if x == 0 else math.copysign(1, x))


@given(strategies.floats_any())
def test_number_to_string_uses_exponent_form_outside_js_range(x: float) -> None:
    """JS writes an exponent exactly when |x| >= 1e21 or 0 < |x| < 1e-6."""
    assume(math.isfinite(x))
    text = number_to_string(x)
    assert ("e" in text) == (abs(x) >= 1e21 or 0 < abs(x) < 1e-6)
    assert not text.endswith(".0") and "e+0" not in text and "e-0" not in text


@given(st.floats(min_value=0.0, exclude_min=True, allow_infinity=False))
def test_number_to_string_fast_paths_agree_with_the_general_rule(x: float) -> None:
    """The integer and repr shortcuts print exactly what the general layout rule would."""
    assert number_to_string(x) == v._format_positive(x)
    assert number_to_string(-x) == "-" + v._format_positive(x)


@given(strategies.scratch_values())
@example(" ")
@example(NAN)
def test_equals_is_reflexive(a: v.Value) -> None:
    """Every value equals itself, NaN and whitespace included (they compare as text)."""
    assert equals(a, a)


@given(strategies.scratch_values(), strategies.scratch_values())
@example("\ue000", "😀")
@example("", 0.0)
@example(INF, "Infinity")
def test_compare_is_antisymmetric(a: v.Value, b: v.Value) -> None:
    """Swapping the operands flips the sign of the comparison."""
    forward = compare(a, b)
    backward = compare(b, a)
    assert type(forward) is float
    assert not math.isnan(forward)
    assert (forward > 0) - (forward < 0) == (backward < 0) - (backward > 0)


@given(strategies.scratch_values())
def test_to_number_is_total(a: v.Value) -> None:
    """The number cast never raises and always gives a float that is not NaN."""
    n = to_number(a)
    assert type(n) is float
    assert not math.isnan(n)


@given(st.text())
def test_to_number_of_any_text_is_total(s: str) -> None:
    n = to_number(s)
    assert type(n) is float
    assert not math.isnan(n)


@given(strategies.numeric_strings())
def test_numeric_strings_parse_like_float_after_a_js_trim(s: str) -> None:
    """Decimal strings mean what Python's float() says once JS whitespace is trimmed."""
    body = s.strip(strategies.JS_WHITESPACE)
    if body.lower().startswith(("0x", "0o", "0b")):
        expected = float(int(body[2:], {"x": 16, "o": 8, "b": 2}[body[1].lower()]))
    else:
        expected = float(body)
    assert_same_float(to_number(s), expected)


@given(strategies.scratch_values())
def test_casts_return_their_types(a: v.Value) -> None:
    assert type(to_boolean(a)) is bool
    assert type(to_string(a)) is str
    assert type(text_length(a)) is float
    assert type(is_int(a)) is bool


@given(strategies.scratch_values(), st.integers(0, 50), st.booleans())
def test_to_list_index_is_in_range(index: v.Value, length: int, accept_all: bool) -> None:
    """A list index is LIST_INVALID, LIST_ALL (only when accepted) or a position in 1..length."""
    result = to_list_index(index, length, accept_all, rng())
    assert type(result) is int
    assert result in (LIST_INVALID, LIST_ALL) or 1 <= result <= length
    assert result != LIST_ALL or accept_all


@given(strategies.floats_any(), st.integers(0, 50), st.booleans())
@example(3.999, 3, False)
@example(0.9999999999999999, 3, False)
@example(-0.0, 3, False)
@example(NAN, 3, False)
@example(4.0, 4, True)
def test_a_number_and_its_text_are_the_same_list_index(
    index: float, length: int, accept_all: bool
) -> None:
    """toListIndex floors toNumber of either: a float's quick path agrees with its text's."""
    as_text = to_list_index(to_string(index), length, accept_all, rng())
    assert to_list_index(index, length, accept_all, rng()) == as_text


@given(strategies.floats_any(), strategies.floats_any())
@example(-6.0, 3.0)
@example(-5.0, INF)
@example(-1e-300, 1e300)
def test_js_mod_takes_the_divisors_sign(a: float, b: float) -> None:
    """mod is NaN, zero, or signed like the divisor, except where r / b underflows to -0 (as in JS)."""
    r = js_mod(a, b)
    assert type(r) is float
    if math.isnan(r) or r == 0:
        return
    assert math.copysign(1, r) == math.copysign(1, b) or r / b == 0


@given(
    st.floats(-1e6, 1e6, allow_subnormal=False),
    st.floats(-1e6, 1e6).filter(lambda b: abs(b) > 1e-6),
)
def test_js_mod_is_floored_modulo(a: float, b: float) -> None:
    """For moderate finite operands (no r / b underflow), mod lies between 0 and the divisor."""
    r = js_mod(a, b)
    assert (0 <= r <= b) if b > 0 else (b <= r <= 0)


@given(strategies.floats_any())
@example(0.49999999999999994)
@example(-0.5)
@example(2.5)
def test_js_round_is_within_a_half(x: float) -> None:
    """Math.round moves a finite number by more than -0.5 and at most +0.5."""
    assume(math.isfinite(x))
    r = js_round(x)
    assert r == math.floor(r)
    assert -0.5 < r - x <= 0.5


@given(strategies.floats_any(), strategies.floats_any())
def test_divide_never_raises(a: float, b: float) -> None:
    q = divide(a, b)
    assert type(q) is float
    if b != 0 and not math.isnan(a) and not math.isnan(b):
        assert q == a / b or (math.isnan(q) and math.isnan(a / b))


@given(st.sampled_from(list(v._MATHOPS)), strategies.floats_any())
def test_mathop_never_raises(operator: str, n: float) -> None:
    assert type(mathop(operator, n)) is float
    assert type(mathop(operator.upper(), n)) is float


@given(
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e20, max_value=1e20),
    st.integers(0, 12),
)
def test_to_fixed_matches_decimal_half_up(x: float, digits: int) -> None:
    """toFixed is the exact binary value rounded half away from zero (Decimal's ROUND_HALF_UP)."""
    assume(not (x == 0 and math.copysign(1, x) < 0))
    with localcontext() as context:
        context.prec = 100  # room for 21 integer digits and the decimals
        expected = Decimal(x).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    assert to_fixed(x, digits) == format(expected, "f")


@given(strategies.scratch_strings())
def test_letters_rebuild_the_text(s: str) -> None:
    """Joining letter 1..length of a string gives the string back, surrogate pairs included."""
    out = ""
    for i in range(1, int(text_length(s)) + 1):
        out = join(out, letter_of(float(i), s))
    assert out == s
    assert text_length(s) == len(s.encode("utf-16-le", "surrogatepass")) / 2


@given(strategies.scratch_values(), strategies.scratch_values())
def test_contains_what_is_joined(a: v.Value, b: v.Value) -> None:
    """A join contains both of its parts, whatever their case."""
    joined = join(a, b)
    # toLowerCase maps a final sigma by context, so "Σ" can lower differently once joined (in JS too).
    assume("Σ" not in joined)
    assert text_contains(joined, a)
    assert text_contains(joined, b)


@given(st.integers(-100, 100), st.integers(-100, 100))
def test_random_between_integers_stays_in_range(a: int, b: int) -> None:
    """pick random between two integers gives an integer between them, inclusive."""
    r = random_between(float(a), str(b), rng())
    assert type(r) is float
    assert r == math.floor(r)
    assert min(a, b) <= r <= max(a, b)


# ## Sprite quirks: MathUtil.wrapClamp and clamp


@pytest.mark.parametrize(
    ("n", "low", "high", "expected"),
    [
        (7.0, 1.0, 5.0, 2.0),  # the examples of math-util.js
        (0.0, 1.0, 5.0, 5.0),
        (-11.0, -10.0, 6.0, 6.0),
        (180.5, -179.0, 180.0, 180.5),  # directions live in [-179, 181)
        (-179.5, -179.0, 180.0, 180.5),
        (270.0, -179.0, 180.0, -90.0),
        (-180.0, -179.0, 180.0, 180.0),
        (-0.0, -179.0, 180.0, -0.0),
        (-1.0, 0.0, 2.0, 2.0),  # costume indices wrap too
        (-0.0, 0.0, 2.0, 0.0),
    ],
)
def test_wrap_clamp(n: float, low: float, high: float, expected: float) -> None:
    """wrapClamp keeps n in [low, high + 1) by whole ranges, -0 included."""
    assert_same_float(v.wrap_clamp(n, low, high), expected)


@pytest.mark.parametrize(
    ("n", "expected"),
    [(NAN, NAN), (-0.0, 0.0), (150.0, 100.0), (-INF, 0.0), (INF, 100.0), (42.5, 42.5)],
)
def test_js_clamp(n: float, expected: float) -> None:
    """clamp(n, 0, 100) as Math.min(Math.max(...)): NaN stays NaN and -0 becomes +0."""
    assert_same_float(v.js_clamp(n, 0.0, 100.0), expected)


def test_js_max_and_min_order_zeros() -> None:
    """Math.max takes +0 over -0 and Math.min -0 over +0, in either order."""
    for a, b in ((0.0, -0.0), (-0.0, 0.0)):
        assert_same_float(v.js_max(a, b), 0.0)
        assert_same_float(v.js_min(a, b), -0.0)
    assert_same_float(v.js_min(-0.0, -0.0), -0.0)
    assert_same_float(v.js_max(1.0, NAN), NAN)
