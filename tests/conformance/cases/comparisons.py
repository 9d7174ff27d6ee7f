"""=, < and > through Scratch's compare(): numbers when both read as numbers, else case-folded UTF-16 text (1.4, 1.5, 3, 10.3)."""

from __future__ import annotations

from typing import Any

from emulator.dsl import Expr, join
from tests.conformance.cases import CaseList
from tests.conformance.cases._dsl import false, inf, nan, neg0, ninf, num, true, values

CASES = CaseList()

C = ("1.5 compare", "3 compare")
W = ("1.5 compare", "1.4 isWhiteSpace", "3 compare")


def eq(a: Any, b: Any) -> Expr:
    return Expr("operator_equals", {"OPERAND1": a, "OPERAND2": b}, boolean=True)


def lt(a: Any, b: Any) -> Expr:
    return Expr("operator_lt", {"OPERAND1": a, "OPERAND2": b}, boolean=True)


def gt(a: Any, b: Any) -> Expr:
    return Expr("operator_gt", {"OPERAND1": a, "OPERAND2": b}, boolean=True)


def both(x: Expr, y: Expr) -> Expr:
    """Two comparisons in one value: join(x, y)."""
    return join(x, y)


values(
    CASES,
    [
        (
            "empty_equals_zero",
            "'' = 0 (number) is false and '' < 0 is true",
            lambda: both(eq("", num("0")), lt("", num("0"))),
            (*W, "V13", "10.3"),
        ),
        ("empty_equals_zero_text", "'' = '0' is false", lambda: eq("", "0"), (*W, "V53")),
        ("space_equals_empty", "' ' = '' is false", lambda: eq(" ", ""), (*W, "V53")),
        ("empty_equals_empty", "'' = '' is true", lambda: eq("", ""), W),
        (
            "tab_equals_zero",
            "'\\t' = 0 is false (whitespace compares as text)",
            lambda: eq("\t", num("0")),
            W,
        ),
        ("nbsp_equals_zero", "U+00A0 = 0 is false", lambda: eq("\u00a0", num("0")), W),
        ("space_less_than_a", "' ' < 'a' is true (text order)", lambda: lt(" ", "a"), W),
        (
            "padded_one_equals_one",
            "' 1' = 1 is true (not whitespace-only)",
            lambda: eq(" 1", num("1")),
            W,
        ),
        ("case_folded", "'abc' = 'ABC' is true", lambda: eq("abc", "ABC"), (*C, "V14", "10.3")),
        (
            "ten_greater_than_nine",
            "'10' > '9' is true (numbers)",
            lambda: gt("10", "9"),
            (*C, "V15"),
        ),
        ("ten_less_than_nine_a", "'10' < '9a' is true (text)", lambda: lt("10", "9a"), (*C, "V15")),
        (
            "true_equals_text_true",
            "true = 'true' is true (text)",
            lambda: eq(true(), "true"),
            (*C, "V16", "10.3", "10.9"),
        ),
        (
            "true_equals_one",
            "true = 1 is true (Number(true) is 1)",
            lambda: eq(true(), num("1")),
            (*C, "V16", "10.3"),
        ),
        ("true_equals_TRUE", "true = 'TRUE' is true", lambda: eq(true(), "TRUE"), (*C, "10.9")),
        (
            "false_equals_zero",
            "false = 0 and false = 'false' are true",
            lambda: both(eq(false(), num("0")), eq(false(), "false")),
            C,
        ),
        ("true_greater_than_false", "true > false", lambda: gt(true(), false()), C),
        (
            "infinity_text_equals_number",
            "'Infinity' = 1/0 is true",
            lambda: eq("Infinity", inf()),
            (*C, "1.5 infinity", "V17"),
        ),
        (
            "infinity_equals_infinity",
            "1/0 = 1/0 is true (not Infinity - Infinity)",
            lambda: eq(inf(), inf()),
            (*C, "1.5 infinity"),
        ),
        (
            "infinity_not_less_than_itself",
            "'Infinity' < 'Infinity' is false",
            lambda: lt("Infinity", "Infinity"),
            (*C, "1.5 infinity"),
        ),
        (
            "negative_infinities_equal",
            "'-Infinity' = -1/0 is true",
            lambda: eq("-Infinity", ninf()),
            (*C, "1.5 infinity"),
        ),
        (
            "infinity_greater_than_negative",
            "'Infinity' > '-Infinity'",
            lambda: gt("Infinity", "-Infinity"),
            (*C, "1.5 infinity"),
        ),
        ("infinity_greater_than_max", "1/0 > 1e308", lambda: gt(inf(), "1e308"), C),
        (
            "infinity_words_fold",
            "'Infinity' = 'infinity' is true (text)",
            lambda: eq("Infinity", "infinity"),
            (*C, "10.3"),
        ),
        (
            "nan_equals_nan_word",
            "0/0 = 'nan' is true (text)",
            lambda: eq(nan(), "nan"),
            (*C, "10.4"),
        ),
        ("nan_equals_nan", "0/0 = 0/0 is true (text 'NaN')", lambda: eq(nan(), nan()), C),
        (
            "one_point_oh_equals_one",
            "'1.0' = '1' is true",
            lambda: eq("1.0", "1"),
            (*C, "V53", "10.3"),
        ),
        (
            "sum_not_equal_point_three",
            "0.1 + 0.2 = '0.3' is false",
            lambda: eq(Expr("operator_add", {"NUM1": "0.1", "NUM2": "0.2"}), "0.3"),
            (*C, "V54"),
        ),
        (
            "sum_greater_than_point_three",
            "0.1 + 0.2 > 0.3 is true (a real difference)",
            lambda: gt(Expr("operator_add", {"NUM1": "0.1", "NUM2": "0.2"}), "0.3"),
            C,
        ),
        ("a_less_than_B", "'a' < 'B' is true", lambda: lt("a", "B"), (*C, "V55")),
        ("Z_greater_than_a", "'Z' > 'a' is true", lambda: gt("Z", "a"), (*C, "V55")),
        ("empty_greater_than_minus_one", "'' > '-1' is false", lambda: gt("", "-1"), (*W, "V55")),
        ("hex_equals_sixteen", "'0x10' = 16 is true", lambda: eq("0x10", "16"), (*C, "1.1 radix")),
        ("padded_five", "' 5 ' = 5 is true", lambda: eq(" 5 ", "5"), C),
        ("exponent_equals", "'1e3' = 1000 is true", lambda: eq("1e3", "1000"), C),
        ("abc_before_abd", "'abc' < 'abd'", lambda: lt("abc", "abd"), C),
        (
            "utf16_order",
            "'\U0001f600' < U+E000 in UTF-16 order (not code points)",
            lambda: lt("\U0001f600", "\ue000"),
            ("1.5 utf16", "3 compare", "10.16"),
        ),
        (
            "lone_surrogate_prefix",
            "a lone high surrogate sorts before the pair",
            lambda: lt("\ud83d", "\U0001f600"),
            ("1.5 utf16", "3 compare"),
        ),
        (
            "dotted_capital_i",
            "'\u0130' = 'i\u0307' (full lower-case mapping)",
            lambda: eq("\u0130", "i\u0307"),
            C,
        ),
        ("sharp_s", "'\u00df' = 'SS' is false", lambda: eq("\u00df", "SS"), C),
        (
            "final_sigma",
            "'\u0391\u03a3' = '\u03b1\u03c2' (final sigma) and not '\u03b1\u03c3'",
            lambda: both(eq("\u0391\u03a3", "\u03b1\u03c2"), eq("\u0391\u03a3", "\u03b1\u03c3")),
            C,
        ),
        ("negative_zero_equals_zero", "-0 = 0 is true", lambda: eq(neg0(), num("0")), C),
        (
            "digits_beyond_precision",
            "'9007199254740993' = '9007199254740992' (same double)",
            lambda: eq("9007199254740993", "9007199254740992"),
            C,
        ),
        ("number_vs_padded_text", "10 > '9 ' is true", lambda: gt(num("10"), "9 "), C),
        ("one_ulp_above_one", "1.0000000000000002 > 1", lambda: gt("1.0000000000000002", "1"), C),
        ("one_less_than_one_point_oh", "'1' < '1.0' is false", lambda: lt("1", "1.0"), C),
        ("denormal_greater_than_zero", "5e-324 > 0", lambda: gt("5e-324", "0"), C),
        (
            "text_vs_number_order",
            "'abc' > 5 compares 'abc' with '5' as text",
            lambda: gt("abc", num("5")),
            C,
        ),
        ("empty_less_than_space", "'' < ' ' is true", lambda: lt("", " "), W),
        (
            "numeric_strings_with_signs",
            "'+5' = '5' and '-5' < '+5'",
            lambda: both(eq("+5", "5"), lt("-5", "+5")),
            C,
        ),
    ],
)
