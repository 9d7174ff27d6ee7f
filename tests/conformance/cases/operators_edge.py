"""Operators at their edges: NaN, ±Infinity, ±0, 1e308, 5e-324, mod, round, every mathop option, text blocks (3, 10.4, 10.5, 10.15, 10.16)."""

from __future__ import annotations

from typing import Any

from emulator.dsl import Expr, and_, contains, join, length, letter_of, mathop, not_, or_, round_
from tests.conformance.cases import CaseList
from tests.conformance.cases._dsl import inf, nan, neg0, ninf, num, true, values

CASES = CaseList()

A = ("3 arith",)


def add(a: Any, b: Any) -> Expr:
    return Expr("operator_add", {"NUM1": a, "NUM2": b})


def sub(a: Any, b: Any) -> Expr:
    return Expr("operator_subtract", {"NUM1": a, "NUM2": b})


def mul(a: Any, b: Any) -> Expr:
    return Expr("operator_multiply", {"NUM1": a, "NUM2": b})


def div(a: Any, b: Any) -> Expr:
    return Expr("operator_divide", {"NUM1": a, "NUM2": b})


def mod(a: Any, b: Any) -> Expr:
    return Expr("operator_mod", {"NUM1": a, "NUM2": b})


# ## + - * /

values(
    CASES,
    [
        (
            "add_text_and_number",
            "'hello' + '3' is 3",
            lambda: add("hello", "3"),
            (*A, "V23", "1.1 toNumber"),
        ),
        (
            "add_tenths",
            "'0.1' + '0.2' is 0.30000000000000004",
            lambda: add("0.1", "0.2"),
            (*A, "V22", "10.15"),
        ),
        ("divide_by_zero", "1 / 0 is Infinity", lambda: div("1", "0"), (*A, "V24")),
        ("zero_over_zero", "0 / 0 is NaN, kept as NaN", lambda: div("0", "0"), (*A, "V25", "10.4")),
        (
            "nan_plus_one",
            "(0/0) + 1 is 1: NaN casts to 0 as an input",
            lambda: add(nan(), "1"),
            (*A, "V26", "10.4"),
        ),
        (
            "one_over_ceiling_minus_half",
            "1 / (ceiling of -0.5) is -Infinity",
            lambda: div("1", mathop("ceiling", "-0.5")),
            (*A, "V27", "10.5"),
        ),
        ("negative_over_zero", "-1 / 0 is -Infinity", lambda: div("-1", "0"), A),
        (
            "infinity_minus_infinity_text",
            "'Infinity' + '-Infinity' is NaN",
            lambda: add("Infinity", "-Infinity"),
            A,
        ),
        ("overflow_add", "1e308 + 1e308 is Infinity", lambda: add("1e308", "1e308"), A),
        ("overflow_multiply", "1e200 * 1e200 is Infinity", lambda: mul("1e200", "1e200"), A),
        ("denormal_halved", "5e-324 / 2 is 0", lambda: div("5e-324", "2"), A),
        (
            "negative_denormal_halved",
            "-5e-324 * 0.5 is -0",
            lambda: mul("-5e-324", "0.5"),
            (*A, "10.5"),
        ),
        ("zero_times_minus_one", "0 * -1 is -0", lambda: mul("0", "-1"), (*A, "10.5")),
        ("negative_zero_minus_zero", "-0 - 0 is -0", lambda: sub(neg0(), "0"), (*A, "10.5")),
        ("zero_minus_zero", "0 - 0 is 0", lambda: sub("0", "0"), A),
        ("negative_zero_plus_negative_zero", "-0 + -0 is -0", lambda: add(neg0(), neg0()), A),
        ("text_minus_zero_plus_zero", "'-0' + 0 is 0", lambda: add("-0", "0"), A),
        (
            "one_over_negative_zero",
            "1 / (round -0.4) is -Infinity",
            lambda: div("1", round_("-0.4")),
            (*A, "10.5"),
        ),
        ("infinity_times_zero", "Infinity * 0 is NaN", lambda: mul(inf(), "0"), A),
        (
            "infinity_over_infinity",
            "Infinity / Infinity is NaN",
            lambda: div("Infinity", "Infinity"),
            A,
        ),
        (
            "two_pow_53_plus_one",
            "9007199254740992 + 1 is 9007199254740992",
            lambda: add("9007199254740992", "1"),
            (*A, "10.15"),
        ),
        ("booleans_add", "(1=1) + (1=1) is 2", lambda: add(true(), true()), A),
        ("tenth_times_three", "0.1 * 3 is 0.30000000000000004", lambda: mul("0.1", "3"), A),
        (
            "max_times_ten_minus",
            "1e308 * 10 - Infinity is NaN",
            lambda: sub(mul("1e308", "10"), "Infinity"),
            A,
        ),
        ("subtract_text_numbers", "'  7 ' - '0x2' is 5", lambda: sub("  7 ", "0x2"), A),
        ("divide_negative_zero_by_negative", "-0 / -5 is 0", lambda: div(neg0(), "-5"), A),
        ("divide_small_by_large", "5e-324 / 1e308 is 0", lambda: div("5e-324", "1e308"), A),
    ],
)

# ## mod: the sign of the divisor

M = ("3 mod",)
values(
    CASES,
    [
        ("mod_negative_dividend", "-7 mod 3 is 2", lambda: mod("-7", "3"), (*M, "V28")),
        ("mod_negative_divisor", "7 mod -3 is -2", lambda: mod("7", "-3"), (*M, "V29")),
        ("mod_both_negative", "-7 mod -3 is -1", lambda: mod("-7", "-3"), M),
        ("mod_zero", "5 mod 0 is NaN", lambda: mod("5", "0"), (*M, "V30")),
        ("mod_negative_zero_result", "-6 mod 3 is -0", lambda: mod("-6", "3"), (*M, "V31", "10.5")),
        (
            "mod_negative_by_infinity",
            "-5 mod Infinity is -5",
            lambda: mod("-5", "Infinity"),
            (*M, "V32"),
        ),
        ("mod_fraction", "5.5 mod 2 is 1.5", lambda: mod("5.5", "2"), M),
        ("mod_by_negative_infinity", "5 mod -Infinity is 5", lambda: mod("5", "-Infinity"), M),
        ("mod_infinity", "Infinity mod 5 is NaN", lambda: mod("Infinity", "5"), M),
        ("mod_negative_zero_dividend", "-0 mod 5 is -0", lambda: mod(neg0(), "5"), M),
        ("mod_zero_by_negative", "0 mod -5 is 0", lambda: mod("0", "-5"), M),
        ("mod_minus_one_by_max", "-1 mod 1e308 is 1e308", lambda: mod("-1", "1e308"), M),
        ("mod_max_by_tenth", "1e308 mod 0.1", lambda: mod("1e308", "0.1"), M),
        ("mod_text", "'abc' mod 3 is 0", lambda: mod("abc", "3"), M),
        ("mod_tenths", "0.1 mod 0.01", lambda: mod("0.1", "0.01"), M),
        ("mod_minus_half", "-0.5 mod 1 is 0.5", lambda: mod("-0.5", "1"), M),
        ("mod_nan", "(0/0) mod 3 is 0", lambda: mod(nan(), "3"), M),
    ],
)

# ## round: halves toward +Infinity

R = ("3 round",)
values(
    CASES,
    [
        ("round_2_5", "round 2.5 is 3", lambda: round_("2.5"), (*R, "V33", "10.15")),
        ("round_minus_2_5", "round -2.5 is -2", lambda: round_("-2.5"), (*R, "V33")),
        ("round_minus_0_4", "round -0.4 is -0", lambda: round_("-0.4"), (*R, "V33", "10.5")),
        (
            "round_just_below_half",
            "round 0.49999999999999994 is 0",
            lambda: round_("0.49999999999999994"),
            R,
        ),
        ("round_minus_half", "round -0.5 is -0", lambda: round_("-0.5"), R),
        ("round_half", "round 0.5 is 1", lambda: round_("0.5"), R),
        ("round_1_5", "round 1.5 is 2", lambda: round_("1.5"), R),
        ("round_minus_1_5", "round -1.5 is -1", lambda: round_("-1.5"), R),
        ("round_max", "round 1e308 is 1e308", lambda: round_("1e308"), R),
        ("round_nan", "round (0/0) is 0", lambda: round_(nan()), R),
        ("round_infinity", "round -Infinity is -Infinity", lambda: round_("-Infinity"), R),
        (
            "round_2_pow_52_half",
            "round 4503599627370495.5 is 4503599627370496",
            lambda: round_("4503599627370495.5"),
            R,
        ),
        (
            "round_minus_2_pow_52_half",
            "round -4503599627370495.5 is -4503599627370495",
            lambda: round_("-4503599627370495.5"),
            R,
        ),
        ("round_text", "round 'abc' is 0", lambda: round_("abc"), R),
        ("round_negative_zero", "round -0 is -0", lambda: round_(neg0()), R),
    ],
)

# ## mathop: every option at its edges


def mo(op: str, x: Any) -> Expr:
    return mathop(op, x)


MATHOP_ROWS: list[tuple[str, str, Any, tuple[str, ...]]] = [
    ("abs", "-5", 5, ()),
    ("abs", neg0, "0", ()),
    ("abs", "-Infinity", "Infinity", ()),
    ("abs", nan, "0", ()),
    ("floor", "-0.5", "-1", ()),
    ("floor", neg0, "-0", ()),
    ("floor", "2.7", "2", ()),
    ("floor", "Infinity", "Infinity", ()),
    ("floor", "1e308", "1e308", ()),
    ("ceiling", "-0.5", "-0", ("V27",)),
    ("ceiling", "0.2", "1", ()),
    ("ceiling", "-Infinity", "-Infinity", ()),
    ("ceiling", "5e-324", "1", ()),
    ("sqrt", "-4", "NaN", ("V42",)),
    ("sqrt", neg0, "-0", ()),
    ("sqrt", "Infinity", "Infinity", ()),
    ("sqrt", "2", "", ()),
    ("sqrt", "5e-324", "", ()),
    ("sin", "30", "0.5", ("V34",)),
    ("sin", "180", "0", ()),
    ("sin", neg0, "0", ()),
    ("sin", "360", "-0", ()),
    ("sin", "90", "1", ()),
    ("sin", "-90", "-1", ()),
    ("sin", "Infinity", "NaN", ()),
    ("sin", "1e308", "", ()),
    ("sin", "1", "", ()),
    ("sin", "0.0001", "", ()),
    ("cos", "90", "0", ("V35",)),
    ("cos", "60", "0.5", ()),
    ("cos", "180", "-1", ()),
    ("cos", "270", "-0", ()),
    ("cos", "-Infinity", "NaN", ()),
    ("cos", "1", "", ()),
    ("cos", "89.99999", "", ()),
    ("tan", "90", "Infinity", ("V36",)),
    ("tan", "-270", "Infinity", ("V36",)),
    ("tan", "270", "-Infinity", ("V36",)),
    ("tan", "45", "1", ("V37",)),
    ("tan", "180", "-0", ("V37",)),
    ("tan", "450", "Infinity", ()),
    ("tan", "90.0000001", "", ()),
    ("tan", "-90", "-Infinity", ()),
    ("tan", "Infinity", "NaN", ()),
    ("tan", "360", "", ()),
    ("tan", "135", "-1", ()),
    ("tan", "1e308", "", ()),
    ("tan", "-180", "", ()),
    ("asin", "2", "NaN", ()),
    ("asin", "1", "90", ()),
    ("asin", "-1", "-90", ()),
    ("asin", "0.5", "", ()),
    ("asin", neg0, "-0", ()),
    ("acos", "0.5", "60.00000000000001", ("V41",)),
    ("acos", "-1", "180", ()),
    ("acos", "2", "NaN", ()),
    ("acos", "1", "0", ()),
    ("acos", "0.1", "", ()),
    ("atan", "Infinity", "90", ()),
    ("atan", "-Infinity", "-90", ()),
    ("atan", "1", "45", ()),
    ("atan", neg0, "-0", ()),
    ("atan", "0.3", "", ()),
    ("ln", "0", "-Infinity", ("V39",)),
    ("ln", "-1", "NaN", ()),
    ("ln", "Infinity", "Infinity", ()),
    ("ln", "5e-324", "", ()),
    ("ln", "1", "0", ()),
    ("ln", "10", "", ()),
    ("log", "1000", "2.9999999999999996", ("V38",)),
    ("log", "100", "2", ()),
    ("log", "0", "-Infinity", ()),
    ("log", "-1", "NaN", ()),
    ("log", "1e-300", "", ()),
    ("log", "7", "", ()),
    ("e ^", "1", "", ()),
    ("e ^", "709.78", "", ()),
    ("e ^", "710", "Infinity", ()),
    ("e ^", "-Infinity", "0", ()),
    ("e ^", "-745", "", ()),
    ("e ^", neg0, "1", ()),
    ("e ^", "0.5", "", ()),
    ("e ^", "-1.5", "", ()),
    ("10 ^", "-5", "0.000009999999999999999", ("V40",)),
    ("10 ^", "308", "1e308", ()),
    ("10 ^", "309", "Infinity", ()),
    ("10 ^", "-324", "0", ()),
    ("10 ^", "-323", "", ()),
    ("10 ^", "0.5", "", ()),
    ("10 ^", "-4", "", ()),
    ("10 ^", "-17", "", ()),
    ("10 ^", "-20", "", ()),
    ("10 ^", "-21", "", ()),
    ("10 ^", "-23", "", ()),
    ("10 ^", "-24", "", ()),
    ("10 ^", "22", "", ()),
    ("10 ^", "23", "", ()),
]


def _mathop_id(op: str, x: Any) -> str:
    label = op.replace(" ^", "_pow").replace("10_pow", "ten_pow")
    arg = "neg0" if callable(x) and x is neg0 else "nan" if callable(x) else str(x)
    arg = arg.replace("-", "minus_").replace(".", "_").replace("Infinity", "inf")
    return f"mathop_{label}_{arg}"


values(
    CASES,
    [
        (
            _mathop_id(op, x),
            f"{op} of {'-0' if x is neg0 else '0/0' if x is nan else x}"
            + (f" is {expected}" if expected else " (bit-exact with V8)"),
            (lambda op=op, x=x: mo(op, x() if callable(x) else x)),
            (
                f"3 mathop {op}",
                *covers,
                *(
                    ("3 v8 math",)
                    if op
                    in ("sin", "cos", "tan", "asin", "acos", "atan", "ln", "log", "e ^", "10 ^")
                    else ()
                ),
            ),
        )
        for op, x, expected, covers in MATHOP_ROWS
    ],
)

values(
    CASES,
    [
        (
            "mathop_unknown",
            "mathop 'foo' of 5 is 0",
            lambda: mo("foo", "5"),
            ("3 mathop unknown", "V43"),
        ),
        (
            "mathop_upper_case",
            "mathop 'ABS' of -5 is 5 (lower-cased first)",
            lambda: mo("ABS", "-5"),
            ("3 mathop case", "V43"),
        ),
        (
            "mathop_mixed_case",
            "mathop 'Sqrt' of 16 is 4",
            lambda: mo("Sqrt", "16"),
            ("3 mathop case",),
        ),
        (
            "mathop_empty_operator",
            "mathop '' of 5 is 0",
            lambda: mo("", "5"),
            ("3 mathop unknown",),
        ),
    ],
)

# ## join, letter of, length, contains

L = ("3 letter", "10.16")
values(
    CASES,
    [
        ("letter_1_9", "letter '1.9' of 'abc' is a", lambda: letter_of("1.9", "abc"), (*L, "V48")),
        ("letter_0_5", "letter '0.5' of 'abc' is ''", lambda: letter_of("0.5", "abc"), (*L, "V49")),
        (
            "letter_3_of_number",
            "letter 3 of the number 12.5 is '.'",
            lambda: letter_of("3", num("12.5")),
            (*L, "V50"),
        ),
        ("letter_3_5", "letter 3.5 of 'abc' is c", lambda: letter_of("3.5", "abc"), L),
        (
            "letter_of_emoji",
            "letter 1 of '\U0001f600x' is the lone high surrogate",
            lambda: letter_of("1", "\U0001f600x"),
            L,
        ),
        ("letter_past_end", "letter 4 of 'abc' is ''", lambda: letter_of("4", "abc"), L),
        ("letter_negative", "letter -1 of 'abc' is ''", lambda: letter_of("-1", "abc"), L),
        ("letter_empty_index", "letter '' of 'abc' is ''", lambda: letter_of("", "abc"), L),
        ("letter_of_true", "letter 2 of (1=1) is r", lambda: letter_of("2", true()), L),
        ("letter_of_nan", "letter 1 of (0/0) is N", lambda: letter_of("1", nan()), L),
        (
            "letter_infinity_index",
            "letter Infinity of 'abc' is ''",
            lambda: letter_of("Infinity", "abc"),
            L,
        ),
        ("letter_of_negative_zero", "letter 1 of -0 is 0", lambda: letter_of("1", neg0()), L),
    ],
)

N = ("3 length", "10.16")
values(
    CASES,
    [
        ("length_emoji", "length of '\U0001f600' is 2", lambda: length("\U0001f600"), (*N, "V51")),
        (
            "length_of_sum",
            "length of 0.1 + 0.2 is 19",
            lambda: length(add("0.1", "0.2")),
            (*N, "V51"),
        ),
        ("length_of_true", "length of (1=1) is 4", lambda: length(true()), N),
        ("length_of_negative_zero", "length of -0 is 1", lambda: length(neg0()), N),
        ("length_of_nan", "length of (0/0) is 3", lambda: length(nan()), N),
        ("length_of_empty", "length of '' is 0", lambda: length(""), N),
        ("length_of_1e21", "length of 1e21 is 5", lambda: length(num("1e21")), N),
        (
            "length_of_text_number",
            "length of the text '1.0' is 3",
            lambda: length("1.0"),
            (*N, "10.1"),
        ),
    ],
)

K = ("3 contains",)
values(
    CASES,
    [
        (
            "contains_case_folded",
            "'Hello' contains 'LL'",
            lambda: contains("Hello", "LL"),
            (*K, "V52", "10.7"),
        ),
        ("contains_empty", "'abc' contains ''", lambda: contains("abc", ""), (*K, "V52")),
        ("empty_contains_empty", "'' contains ''", lambda: contains("", ""), K),
        ("contains_absent", "'abc' contains 'd' is false", lambda: contains("abc", "d"), K),
        (
            "number_contains_dot",
            "12.5 (number) contains '.'",
            lambda: contains(num("12.5"), "."),
            K,
        ),
        ("true_contains_RU", "(1=1) contains 'RU'", lambda: contains(true(), "RU"), K),
        (
            "contains_dotted_i",
            "'\u0130' contains 'i' (lower case is i + U+0307)",
            lambda: contains("\u0130", "i"),
            K,
        ),
        ("infinity_contains_inf", "Infinity contains 'INF'", lambda: contains(ninf(), "INF"), K),
    ],
)

J = ("3 join",)
values(
    CASES,
    [
        ("join_empties", "join '' '' is ''", lambda: join("", ""), J),
        ("join_numbers", "join 1 2 (numbers) is '12'", lambda: join(num("1"), num("2")), J),
        ("join_infinity", "join -Infinity 'x'", lambda: join(ninf(), "x"), J),
        (
            "join_keeps_text",
            "join ' 1.0' '0x1' keeps both spellings",
            lambda: join(" 1.0", "0x1"),
            (*J, "10.1"),
        ),
        (
            "join_surrogates",
            "join of two lone surrogates makes a pair",
            lambda: join("\ud83d", "\ude00"),
            J,
        ),
    ],
)

B = ("3 logic", "1.2 toBoolean")
values(
    CASES,
    [
        (
            "and_false_text",
            "'false' and true is false",
            lambda: and_(join("false", ""), true()),
            (*B, "V56"),
        ),
        (
            "or_zero_empty",
            "'0' or '' is false",
            lambda: or_(join("0", ""), join("", "")),
            (*B, "V56"),
        ),
        ("not_hello", "not 'hello' is false", lambda: not_(join("hello", "")), (*B, "V56")),
        ("not_zero_number", "not 0 (number) is true", lambda: not_(num("0")), B),
        ("or_nan", "(0/0) or (0/0) is false", lambda: or_(nan(), nan()), B),
        ("and_numbers", "2 and -1 is true", lambda: and_(num("2"), num("-1")), B),
        ("not_negative_zero", "not -0 is true", lambda: not_(neg0()), B),
        (
            "and_returns_boolean",
            "'a' and 'b' is the boolean true, not 'b'",
            lambda: and_(join("a", ""), join("b", "")),
            B,
        ),
    ],
)
