"""Casts (toNumber, toBoolean, toString) and how numbers print: sections 1.1-1.3, 2, 4 (set/change), 10.1-10.4."""

from __future__ import annotations

from emulator.dsl import Expr, join, not_
from tests.conformance.cases import CaseList
from tests.conformance.cases import _json as J
from tests.conformance.cases._dsl import (
    Ctx,
    false,
    inf,
    nan,
    neg0,
    ninf,
    num,
    program,
    true,
    values,
)

CASES = CaseList()

N = ("1.1 toNumber",)
WS = ("1.1 toNumber", "1.1 whitespace")
RADIX = ("1.1 toNumber", "1.1 radix")
P = ("2 print", "1.3 toString", "3 join")


def _add(a: object, b: object) -> Expr:
    return Expr("operator_add", {"NUM1": a, "NUM2": b})


def _truth(x: object) -> Expr:
    """toBoolean(x) as a boolean: not not x, with x a reporter (join keeps strings strings)."""
    return not_(not_(x))


# ## toNumber: JS Number() and NaN -> 0 (each value is "text" * 1)

values(
    CASES,
    [
        ("num_padded_12", "'  12  ' * 1 is 12", lambda: num("  12  "), (*WS, "V1")),
        ("num_hex", "'0x1A' * 1 is 26", lambda: num("0x1A"), (*RADIX, "V2")),
        ("num_hex_upper_prefix", "'0X1a' * 1 is 26", lambda: num("0X1a"), RADIX),
        ("num_binary", "'0b101' * 1 is 5", lambda: num("0b101"), (*RADIX, "V3")),
        ("num_octal", "'0o17' * 1 is 15", lambda: num("0o17"), (*RADIX, "V3")),
        ("num_binary_upper", "'0B11' * 1 is 3", lambda: num("0B11"), RADIX),
        (
            "num_negative_hex",
            "'-0x10' * 1 is 0 (signed radix literals are NaN)",
            lambda: num("-0x10"),
            (*RADIX, "V4"),
        ),
        ("num_plus_hex", "'+0x10' * 1 is 0", lambda: num("+0x10"), RADIX),
        ("num_bare_0x", "'0x' * 1 is 0", lambda: num("0x"), RADIX),
        ("num_padded_hex", "' 0x10 ' * 1 is 16", lambda: num(" 0x10 "), (*RADIX, "1.1 whitespace")),
        ("num_hex_fraction", "'0x1.8' * 1 is 0", lambda: num("0x1.8"), RADIX),
        ("num_bad_binary_digit", "'0b2' * 1 is 0", lambda: num("0b2"), RADIX),
        ("num_underscore", "'1_000' * 1 is 0", lambda: num("1_000"), (*N, "V5")),
        ("num_infinity_word", "'Infinity' * 1 is Infinity", lambda: num("Infinity"), (*N, "V6")),
        ("num_infinity_lower", "'infinity' * 1 is 0", lambda: num("infinity"), (*N, "V6")),
        ("num_negative_infinity_word", "'-Infinity' * 1 is -Infinity", lambda: num("-Infinity"), N),
        ("num_plus_infinity_word", "'+Infinity' * 1 is Infinity", lambda: num("+Infinity"), N),
        ("num_inf_word", "'inf' * 1 is 0", lambda: num("inf"), N),
        ("num_nan_word", "'NaN' * 1 is 0", lambda: num("NaN"), N),
        ("num_empty", "'' * 1 is 0", lambda: num(""), (*N, "V7")),
        ("num_space", "' ' * 1 is 0", lambda: num(" "), WS),
        ("num_tab_newline", "'\\t\\n' * 1 is 0", lambda: num("\t\n"), WS),
        ("num_leading_dot", "'.5' * 1 is 0.5", lambda: num(".5"), (*N, "V8")),
        ("num_trailing_dot", "'5.' * 1 is 5", lambda: num("5."), (*N, "V8")),
        ("num_exponent", "'1e3' * 1 is 1000", lambda: num("1e3"), (*N, "V8")),
        ("num_lone_dot", "'.' * 1 is 0", lambda: num("."), N),
        ("num_dangling_exponent", "'1e' * 1 is 0", lambda: num("1e"), N),
        ("num_leading_zeros", "'00012' * 1 is 12 (decimal, not octal)", lambda: num("00012"), N),
        ("num_overflow", "'1e1000' * 1 is Infinity", lambda: num("1e1000"), N),
        ("num_underflow_negative", "'-1e-400' * 1 is -0", lambda: num("-1e-400"), N),
        (
            "num_rounds_to_infinity",
            "'1.7976931348623159e308' * 1 is Infinity",
            lambda: num("1.7976931348623159e308"),
            N,
        ),
        ("num_denormal", "'5e-324' * 1 is the smallest denormal", lambda: num("5e-324"), N),
        ("num_true", "(1=1) * 1 is 1", lambda: num(true()), (*N, "V9")),
        ("num_nan_cast", "(0/0) * 1 is 0: NaN casts to 0", lambda: num(nan()), (*N, "V9")),
        ("num_negative_zero", "'-0' * 1 is -0", lambda: num("-0"), (*N, "V9")),
        ("num_trailing_garbage", "'12abc' * 1 is 0", lambda: num("12abc"), N),
        ("num_comma", "'1,5' * 1 is 0", lambda: num("1,5"), N),
        ("num_arabic_indic", "'\\u0663' * 1 is 0 (not a JS digit)", lambda: num("\u0663"), N),
        (
            "num_signs",
            "'-.5' * 1 is -0.5 and '++5' * 1 is 0",
            lambda: join(num("-.5"), num("++5")),
            N,
        ),
        ("num_space_inside", "'- 5' * 1 is 0", lambda: num("- 5"), N),
        ("num_nbsp", "U+00A0 is trimmed", lambda: num("\u00a012\u00a0"), WS),
        ("num_bom", "U+FEFF is trimmed", lambda: num("\ufeff5"), WS),
        ("num_line_separators", "U+2028 and U+2029 are trimmed", lambda: num("\u20285\u2029"), WS),
        ("num_ideographic_space", "U+3000 (Zs) is trimmed", lambda: num("\u30007"), WS),
        ("num_zero_width_space", "U+200B is not whitespace: 0", lambda: num("\u200b5"), WS),
        ("num_next_line", "U+0085 is not whitespace: 0", lambda: num("\x855"), WS),
        ("num_file_separator", "U+001C is not whitespace: 0", lambda: num("\x1c5"), WS),
        (
            "num_mongolian_vowel_separator",
            "U+180E is not whitespace: 0",
            lambda: num("\u180e5"),
            WS,
        ),
    ],
)

# ## toBoolean (not not x)

values(
    CASES,
    [
        (
            "bool_FALSE",
            "'FALSE' is false",
            lambda: _truth(join("FALSE", "")),
            ("1.2 toBoolean", "V10"),
        ),
        (
            "bool_False_mixed",
            "'fAlSe' is false",
            lambda: _truth(join("fAlSe", "")),
            ("1.2 toBoolean",),
        ),
        (
            "bool_zero_point_zero",
            "'0.0' is true",
            lambda: _truth(join("0.0", "")),
            ("1.2 toBoolean", "V11"),
        ),
        ("bool_space", "' ' is true", lambda: _truth(join(" ", "")), ("1.2 toBoolean", "V11")),
        ("bool_empty", "'' is false", lambda: _truth(join("", "")), ("1.2 toBoolean",)),
        ("bool_zero_string", "'0' is false", lambda: _truth(join("0", "")), ("1.2 toBoolean",)),
        (
            "bool_double_zero",
            "'00' and ' 0' are true",
            lambda: join(_truth(join("00", "")), _truth(join(" 0", ""))),
            ("1.2 toBoolean",),
        ),
        ("bool_null_word", "'null' is true", lambda: _truth(join("null", "")), ("1.2 toBoolean",)),
        (
            "bool_number_zero",
            "the number 0 is false",
            lambda: _truth(num("0")),
            ("1.2 toBoolean", "V12"),
        ),
        ("bool_nan", "NaN is false", lambda: _truth(nan()), ("1.2 toBoolean", "V12", "10.4")),
        ("bool_negative_zero", "-0 is false", lambda: _truth(neg0()), ("1.2 toBoolean",)),
        ("bool_infinity", "Infinity is true", lambda: _truth(inf()), ("1.2 toBoolean",)),
    ],
)

# ## String(number): join(x, "")

values(
    CASES,
    [
        ("print_1e21", "1e21 prints as 1e+21", lambda: num("1e21"), (*P, "V44")),
        ("print_1e20", "1e20 prints in full", lambda: num("1e20"), P),
        (
            "print_21_digits",
            "123456789012345680000 prints in full",
            lambda: num("123456789012345678901"),
            P,
        ),
        ("print_2_pow_53", "2^53 prints as 9007199254740992", lambda: num("9007199254740992"), P),
        ("print_1e_minus_6", "0.000001 prints in full", lambda: num("1e-6"), (*P, "V45")),
        ("print_1e_minus_7", "1e-7 prints as 1e-7", lambda: num("0.0000001"), (*P, "V45")),
        ("print_1_5e300", "1.5e300 prints as 1.5e+300", lambda: num("1.5e300"), P),
        ("print_denormal", "5e-324 prints as 5e-324", lambda: num("5e-324"), P),
        (
            "print_point_three",
            "0.1 + 0.2 prints 0.30000000000000004",
            lambda: _add("0.1", "0.2"),
            (*P, "V22"),
        ),
        ("print_computed_100", "'100.0' * 1 prints 100", lambda: num("100.0"), (*P, "10.1")),
        ("print_negative_small", "-1e-7 prints as -1e-7", lambda: num("-1e-7"), P),
        ("print_max_double", "the largest double", lambda: num("1.7976931348623157e308"), P),
        ("print_1_23e_minus_18", "123e-20 prints as 1.23e-18", lambda: num("123e-20"), P),
        ("print_small_fraction", "0.000001234 prints in full", lambda: num("0.000001234"), P),
        (
            "print_n_21",
            "999999999999999900000 (21 digits) prints in full",
            lambda: num("999999999999999868928"),
            P,
        ),
        ("print_1_2345e21", "1.2345e21 prints as 1.2345e+21", lambda: num("1.2345e21"), P),
        ("print_negative_zero", "-0 prints as 0", lambda: neg0(), (*P, "V46", "10.5")),
        ("print_nan", "0/0 prints as NaN", lambda: nan(), (*P, "V25", "10.4")),
        ("print_infinity", "1/0 prints as Infinity", lambda: inf(), P),
        ("print_negative_infinity", "-1/0 prints as -Infinity", lambda: ninf(), P),
        ("print_third", "1/3", lambda: Expr("operator_divide", {"NUM1": "1", "NUM2": "3"}), P),
        (
            "print_1e21_minus",
            "1e21 - 1 is 1e21 again (ulp)",
            lambda: Expr("operator_subtract", {"NUM1": "1e21", "NUM2": "1"}),
            P,
        ),
        (
            "print_integer_float",
            "2.5 * 4 prints 10",
            lambda: Expr("operator_multiply", {"NUM1": "2.5", "NUM2": "4"}),
            P,
        ),
        (
            "print_true_nan",
            "join(true, NaN) is trueNaN",
            lambda: join(true(), nan()),
            (*P, "V47", "10.9"),
        ),
        ("print_false", "join(false, '') is false", lambda: join(false(), ""), P),
    ],
)


@CASES.add(
    "literal_text_kept",
    "a literal '100.0' stays the text 100.0; '007', ' 5', '0x10' keep their spelling",
    covers=("10.1", "3 join", "3 length"),
)
def _literal_text_kept() -> object:
    def body(c: Ctx) -> None:
        v = c.stage.var("v", 0)
        for text in ("100.0", "007", " 5", "0x10", "1.0"):
            v.set(text)
            c.out.add(v)
            c.out.add(join(v, "|"))
            c.out.add(Expr("operator_length", {"STRING": v}))
            c.out.add(Expr("operator_add", {"NUM1": v, "NUM2": "0"}))

    return program(body)


@CASES.add(
    "set_reporter_types",
    "set stores a reporter's JS value: boolean, NaN, -0, number",
    covers=("4 set", "4 variable", "10.2", "10.9"),
)
def _set_reporter_types() -> object:
    def body(c: Ctx) -> None:
        for name, value in (
            ("b", Expr("operator_lt", {"OPERAND1": "1", "OPERAND2": "2"}, boolean=True)),
            ("n", nan()),
            ("z", neg0()),
            ("x", Expr("operator_add", {"NUM1": "1", "NUM2": "2"})),
            ("s", join("a", "b")),
        ):
            c.stage.var(name, 0).set(value)

    return program(body)


@CASES.add("change_text_by_5", "'abc' changed by 5 is 5", covers=("4 change", "V59", "10.2"))
def _change_text() -> object:
    def body(c: Ctx) -> None:
        v = c.stage.var("v", 0)
        v.set("abc")
        v.change("5")

    return program(body)


@CASES.add("change_hex_by_0", "' 0x10 ' changed by 0 is 16", covers=("4 change", "1.1 radix"))
def _change_hex() -> object:
    def body(c: Ctx) -> None:
        v = c.stage.var("v", 0)
        v.set(" 0x10 ")
        v.change("0")

    return program(body)


@CASES.add("change_true_by_1", "true (from 1<2) changed by 1 is 2", covers=("4 change", "V61"))
def _change_true() -> object:
    def body(c: Ctx) -> None:
        v = c.stage.var("v", 0)
        v.set(Expr("operator_lt", {"OPERAND1": "1", "OPERAND2": "2"}, boolean=True))
        v.change("1")

    return program(body)


@CASES.add(
    "change_infinities",
    "'Infinity' changed by '-Infinity' stores NaN",
    covers=("4 change", "V60", "10.2"),
)
def _change_infinities() -> object:
    def body(c: Ctx) -> None:
        v = c.stage.var("v", 0)
        v.set("Infinity")
        v.change("-Infinity")
        c.out.add(v)
        c.out.add(join(v, ""))

    return program(body)


@CASES.add(
    "change_nan_variable", "a variable holding NaN changed by 1 is 1", covers=("4 change", "10.4")
)
def _change_nan() -> object:
    def body(c: Ctx) -> None:
        v = c.stage.var("v", 0)
        v.set(nan())
        v.change("1")

    return program(body)


@CASES.add(
    "change_negative_zero",
    "-0 changed by 0 stays -0; 0 changed by -0 is 0",
    covers=("4 change", "10.5"),
)
def _change_negative_zero() -> object:
    def body(c: Ctx) -> None:
        a, b = c.stage.var("a", 0), c.stage.var("b", 0)
        a.set(neg0())
        a.change(neg0())
        b.set("0")
        b.change("-0")

    return program(body)


@CASES.add(
    "set_literal_kinds",
    "[10,'10'] and [4,'10'] store the string '10'; [4,10] stores the number 10",
    covers=("4 set literal", "7 shadow unchanged", "V58", "10.1"),
)
def _set_literal_kinds() -> dict:
    st = J.Blocks("st")
    st.flag(
        st.set("t", [1, [10, "10"]]),
        st.set("m", [1, [4, "10"]]),
        st.set("n", [1, [4, 10]]),
        st.set("f", [1, [4, 2.5]]),
        st.set("w", [1, [6, "007"]]),
        st.set("j", J.reporter(st.join(J.var("n"), J.text("")))),
    )
    return J.project(st, variables={"t": 0, "m": 0, "n": 0, "f": 0, "w": 0, "j": 0})


@CASES.add(
    "set_missing_input",
    "set with no VALUE input stores undefined, which joins as 'undefined'",
    covers=("4 set missing", "7 missing input", "1.3 toString"),
)
def _set_missing() -> dict:
    st = J.Blocks("st")
    st.flag(
        st.set("u", None),
        st.set("j", J.reporter(st.join(J.var("u"), J.text("!")))),
        st.change("c", J.var("u")),
        st.list_add("L", J.var("u")),
    )
    return J.project(st, variables={"u": 5, "j": 0, "c": 1}, lists={"L": []})


@CASES.add(
    "initial_values_typed",
    "initial values from project.json keep their JSON types",
    covers=("4 variable", "4 set literal"),
)
def _initial_values() -> dict:
    st = J.Blocks("st")
    st.flag(
        st.set("a2", J.reporter(st.join(J.var("a"), J.text("")))),
        st.set("b2", J.reporter(st.join(J.var("b"), J.text("")))),
        st.set("c2", J.reporter(st.op("operator_add", NUM1=J.var("c"), NUM2=J.number("0")))),
    )
    return J.project(
        st,
        variables={"a": 1.5, "b": True, "c": "12", "d": "text", "a2": 0, "b2": 0, "c2": 0},
        lists={"L": [1, "1", True, 2.5, ""]},
    )


@CASES.add(
    "save_writes_nan_as_zero",
    "a DSL variable holding NaN or Infinity is saved as 0",
    covers=("2 save nan", "10.17"),
)
def _save_nan() -> object:
    def body(c: Ctx) -> None:
        c.out.add(c.stage.var("n", float("nan")))
        c.out.add(c.stage.var("i", float("inf")))
        c.out.add(c.stage.var("m", float("-inf")))

    return program(body)
