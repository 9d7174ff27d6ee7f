"""Scratch 3.0 value semantics: every cast, comparison, printing and operator quirk lives here."""

import math
import re
import sys
from array import array
from collections.abc import Callable
from typing import Protocol

from emulator import jsmath

Value = float | str | bool | None
"""A Scratch value. None stands for JS `undefined` (an input missing from the project JSON)."""


class RandomSource(Protocol):
    """Anything with random() in [0, 1): the run's seeded generator, or a fixed one for previews."""

    def random(self) -> float: ...


LIST_ALL = -1
LIST_INVALID = 0
# Scratch lists hold at most 200,000 items; adds past that are silently ignored (data.js 252-254).
LIST_ITEM_LIMIT = 200000

_NAN = math.nan
_INF = math.inf
_LN10 = 2.302585092994046  # Math.LN10
_MAX_SAFE_INTEGER = 9007199254740992.0  # 2**53: below it, every integral double prints as its int
_BUBBLE_LIMIT = 330  # SAY_BUBBLE_LIMIT in scratch3_looks.js

# ## Number parsing: JS Number(string)

# JS StrWhiteSpaceChar: TAB VT FF SP NBSP ZWNBSP, every Unicode Zs, and LF CR LS PS.
# Python's str.strip() and float() differ: they also strip U+0085 and U+001C-U+001F, and not U+FEFF.
_JS_WHITESPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\ufeff"
)
# JS StrDecimalLiteral without Infinity: ASCII digits only, no underscores, at least one mantissa digit.
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_RADIX_DIGITS = {
    "0x": (16, re.compile(r"[0-9a-fA-F]+")),
    "0o": (8, re.compile(r"[0-7]+")),
    "0b": (2, re.compile(r"[01]+")),
}
# Number() accepts only this exact spelling: "infinity", "inf" and "NaN" are NaN.
_INFINITIES = {"Infinity": _INF, "+Infinity": _INF, "-Infinity": -_INF}


def as_double(x: float) -> float:
    """x as a Python float: an int that slipped in becomes the double JS would hold."""
    # Quirk: an int beyond a double's range is ±Infinity, as a JSON number that long is in JS.
    return x if type(x) is float else _int_to_float(int(x))


def _int_to_float(i: int) -> float:
    """An int as a double, overflowing to ±Infinity the way JS does instead of raising."""
    try:
        return float(i)
    except OverflowError:
        return _INF if i > 0 else -_INF


_is_decimal = _DECIMAL.fullmatch  # bound once: to_number is on the interpreter's hot path


def _string_to_number(s: str) -> float:
    """JS Number(string): NaN for anything outside JS's numeric-string grammar."""
    return float(s) if _is_decimal(s) else _unusual_number(s)


def _unusual_number(s: str) -> float:
    """Number(s) for a string that is not a bare decimal: padded, empty, Infinity, radix, or NaN."""
    t = s.strip(_JS_WHITESPACE)
    if not t:
        return 0.0  # Number("") and Number("  ") are 0, not NaN.
    if _DECIMAL.fullmatch(t):
        return float(t)
    return _special_number(t)


def _special_number(t: str) -> float:
    """The non-decimal spellings Number() accepts: signed Infinity and unsigned 0x/0o/0b integers."""
    if t in _INFINITIES:
        return _INFINITIES[t]
    # Radix literals take no sign and no fraction: "-0x10", "0x" and "0x1.8" are NaN.
    radix = _RADIX_DIGITS.get(t[:2].lower())
    if radix is None or not radix[1].fullmatch(t, 2):
        return _NAN
    return _int_to_float(int(t[2:], radix[0]))


def js_number(v: Value) -> float:
    """JS Number(v): like to_number, but NaN stays NaN (Cast.compare uses this)."""
    if type(v) is float:
        return v
    if type(v) is str:
        return _string_to_number(v)
    if v is None:
        return _NAN  # Number(undefined) is NaN.
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if isinstance(v, int):
        return _int_to_float(v)
    return _NAN


# ## Casts: util/cast.js


def to_number(v: Value) -> float:
    """Scratch's Cast.toNumber: JS Number(v), with NaN read as 0."""
    if type(v) is float:
        # Scratch treats NaN as 0 when a number is needed: 0 + (0/0) == 0.
        return 0.0 if v != v else v
    if type(v) is str:
        # Lists and literals hold numbers as text ("196", "0.1"), so the same strings are cast
        # again and again: remember the casts of short strings.
        n = CAST_CACHE.get(v)
        if n is None:
            n = float(v) if _is_decimal(v) else _unusual_number(v)
            n = 0.0 if n != n else n
            if len(v) <= 32 and len(CAST_CACHE) < CAST_CACHE_LIMIT:
                CAST_CACHE[v] = n
        return n
    n = js_number(v)
    return 0.0 if n != n else n


# Quirk-free speed-up: the casts of short strings, shared with compiled code, which looks text
# up here before it calls to_number.
CAST_CACHE: dict[str, float] = {}
CAST_CACHE_LIMIT = 1 << 16


def to_boolean(v: Value) -> bool:
    """Scratch's Cast.toBoolean."""
    if isinstance(v, bool):
        return v
    if isinstance(v, str):
        # Only "", "0" and any-case "false" are false: " ", "0.0" and "null" are true.
        return not (v == "" or v == "0" or js_lower(v) == "false")
    if v is None:
        return False
    return not (v == 0 or v != v)  # JS truthiness: 0, -0 and NaN are false


def to_string(v: Value) -> str:
    """Scratch's Cast.toString, which is JS String(v)."""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "undefined"
    return number_to_string(as_double(v))


def is_whitespace(v: Value) -> bool:
    """Cast.isWhiteSpace: a string that trims to nothing (JS `null` too, but None is `undefined`)."""
    return isinstance(v, str) and not v.strip(_JS_WHITESPACE)


def is_nan(x: float) -> bool:
    """True for NaN, without math.isnan's TypeError on odd inputs."""
    return x != x


def js_lower(s: str) -> str:
    """JS String.prototype.toLowerCase (full, locale-independent Unicode mapping)."""
    return s.lower()


# ## Number -> string: ECMAScript Number::toString


def number_to_string(x: float) -> str:
    """JS String(number): shortest round-trip digits in JS's fixed-or-exponent layout."""
    if -_MAX_SAFE_INTEGER < x < _MAX_SAFE_INTEGER and x == int(x):
        return str(int(x))  # integral and exact: also prints -0 as "0"
    if x != x:
        return "NaN"
    if x in (_INF, -_INF):
        return "Infinity" if x > 0 else "-Infinity"
    text = repr(x)
    if "e" not in text:  # repr's fixed notation (1e-4 <= |x| < 1e16) is already JS's
        return text[:-2] if text.endswith(".0") else text
    return "-" + _format_positive(-x) if x < 0 else _format_positive(x)


def _shortest_digits(x: float) -> tuple[str, int]:
    """repr's shortest round-trip digits d and exponent n with x == 0.d * 10**n (x > 0)."""
    mantissa, _, exponent = repr(x).partition("e")
    whole, _, fraction = mantissa.partition(".")
    all_digits = whole + fraction
    digits = all_digits.lstrip("0")
    n = len(whole) - (len(all_digits) - len(digits)) + int(exponent or 0)
    return digits.rstrip("0"), n


def _format_positive(x: float) -> str:
    """Number::toString's layout rules for a finite x > 0."""
    digits, n = _shortest_digits(x)
    k = len(digits)
    if k <= n <= 21:
        return digits + "0" * (n - k)  # 1e20 is "100000000000000000000"
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * -n + digits  # 1e-6 is "0.000001"
    # Exponent form from 1e21 up and below 1e-6: "1e+21", "1.5e-7"; the sign is always written.
    e = n - 1
    head = digits[0] + ("." + digits[1:] if k > 1 else "")
    return f"{head}e{'+' if e >= 0 else '-'}{abs(e)}"


def _fixed_digits(x: float, digits: int) -> int:
    """The integer n nearest |x| * 10**digits, computed on x's exact binary value."""
    p, q = abs(x).as_integer_ratio()
    # toFixed takes the larger n on an exact tie (half away from zero), unlike Python's format().
    return (2 * p * 10**digits + q) // (2 * q)


def to_fixed(x: float, digits: int) -> str:
    """JS Number.prototype.toFixed(digits): exact rounding, ties away from zero."""
    if x != x:
        return "NaN"
    if abs(x) >= 1e21:
        return number_to_string(x)  # toFixed gives up on huge numbers and uses String(x)
    text = str(_fixed_digits(x, digits)).rjust(digits + 1, "0")
    if digits:
        text = text[:-digits] + "." + text[-digits:]
    return "-" + text if x < 0 else text  # (-0).toFixed(2) is "0.00": -0 is not < 0


def _round_decimals(x: float, digits: int) -> float:
    """parseFloat(x.toFixed(digits)) without building the string."""
    if x != x or abs(x) >= 1e21:
        return x
    # int / int is correctly rounded, exactly as parseFloat reads the decimal text.
    r = _fixed_digits(x, digits) / 10**digits
    return -r if x < 0 else r  # "-0.0000000000" parses to -0


# ## Comparison: Cast.compare


# Native byte order, so the bytes line up with array("H").
_UTF16 = "utf-16-le" if sys.byteorder == "little" else "utf-16-be"


def _code_units(s: str) -> str:
    """s with one character per UTF-16 code unit: astral characters become two lone surrogates."""
    if s.isascii():
        return s
    encoded = s.encode(_UTF16, "surrogatepass")
    if len(encoded) == 2 * len(s):
        return s  # nothing beyond the BMP
    return "".join(map(chr, array("H", encoded)))


def _from_code_units(s: str) -> str:
    """Re-pair adjacent surrogates, so a string built from code units equals the JS string it spells."""
    if s.isascii():
        return s
    return s.encode(_UTF16, "surrogatepass").decode(_UTF16, "surrogatepass")


def _compare_strings(a: Value, b: Value) -> float:
    """Case-insensitive JS string order: by UTF-16 code unit after toLowerCase."""
    s1 = js_lower(to_string(a))
    s2 = js_lower(to_string(b))
    if s1 == s2:
        return 0.0
    # Python orders by code point, which differs from JS for astral vs U+E000-U+FFFF characters.
    return -1.0 if _code_units(s1) < _code_units(s2) else 1.0


def compare(a: Value, b: Value) -> float:
    """Cast.compare: negative, zero or positive, numerically when both sides are numbers."""
    if type(a) is float and type(b) is float and a == a and b == b:
        return _difference(a, b)  # fast path: two numbers
    n1 = js_number(a)
    n2 = js_number(b)
    # A whitespace-only string is not 0 here: "" = 0 is false, and " " < "0" compares as text.
    if (n1 == 0 and is_whitespace(a)) or (n2 == 0 and is_whitespace(b)) or n1 != n1 or n2 != n2:
        return _compare_strings(a, b)
    return _difference(n1, n2)


def _difference(n1: float, n2: float) -> float:
    """compare's numeric result: a real difference, so (0.1 + 0.2) > 0.3 is true."""
    diff = n1 - n2
    return 0.0 if diff != diff else diff  # Infinity - Infinity is NaN, but Scratch calls them equal


def equals(a: Value, b: Value) -> bool:
    """operator_equals."""
    return compare(a, b) == 0


def less_than(a: Value, b: Value) -> bool:
    """operator_lt."""
    return compare(a, b) < 0


def greater_than(a: Value, b: Value) -> bool:
    """operator_gt."""
    return compare(a, b) > 0


# ## Integers and list indices


def is_int(v: Value) -> bool:
    """Cast.isInt, which only pick random uses."""
    if isinstance(v, bool):
        return True
    if isinstance(v, str):
        return "." not in v  # "1.0" is not an int, but "abc", "" and "1e-3" are
    if isinstance(v, float | int):
        x = as_double(v)
        # NaN counts as an int. Otherwise v === parseInt(String(v)): from 1e21 up String(v) is
        # exponent form ("1e+21") and parseInt reads only its first digit, so huge numbers are not ints.
        return x != x or (abs(x) < 1e21 and x == math.floor(x))
    return False


def js_floor(x: float) -> float:
    """Math.floor: keeps ±Infinity, NaN and -0 instead of raising or returning an int."""
    if x != x or x in (_INF, -_INF) or x == 0:
        return x
    return float(math.floor(x))


def _random_index(length: int, rng: RandomSource) -> int:
    return 1 + math.floor(rng.random() * length)


FRACTIONAL_INDEX = "fractional"
NON_NUMERIC_INDEX = "not a number"
# The words a list index may be (Cast.LIST_ALL, "last", "random", "any"): no quirk to report.
LIST_WORDS = frozenset(("all", "last", "random", "any"))


def index_quirk(index: Value) -> str | None:
    """How a list index is not a plain item number, or None when it is one (or one of the words).

    Scratch floors a fractional index (item 2.5 is item 2) and reads any text that is not a
    number as 0, both silently: a program that computes a fractional index rarely means it.
    """
    if type(index) is str:
        if index in LIST_WORDS:
            return None
        n = js_number(index)
        if n != n or not index.strip(_JS_WHITESPACE):
            return NON_NUMERIC_INDEX
    elif type(index) is float:
        n = index
    else:
        return NON_NUMERIC_INDEX  # true, false, undefined
    if n != n:
        return NON_NUMERIC_INDEX
    return FRACTIONAL_INDEX if math.isfinite(n) and n != math.floor(n) else None


def to_list_index(index: Value, length: int, accept_all: bool, rng: RandomSource) -> int:
    """Cast.toListIndex: a 1-based index, LIST_ALL or LIST_INVALID."""
    if type(index) is float:
        # The same rule for a number, quicker: an index read past either end, or NaN, is invalid.
        return math.floor(index) if 1.0 <= index < length + 1 else LIST_INVALID
    if isinstance(index, str):
        # The special words are case-sensitive: "LAST" and "ALL" are read as numbers (0).
        if index == "all":
            return LIST_ALL if accept_all else LIST_INVALID
        if index == "last":
            return length if length > 0 else LIST_INVALID
        if index in ("random", "any"):
            return _random_index(length, rng) if length > 0 else LIST_INVALID
    # Floor, not truncate: "1.9" is item 1 and 0.99 is invalid.
    i = js_floor(to_number(index))
    if not 1 <= i <= length:
        return LIST_INVALID
    return math.floor(i)  # i is whole already; floor is quicker than int() on CPython 3.11


# ## Arithmetic operators


def divide(a: float, b: float) -> float:
    """IEEE division as JS does it: 1/0 is Infinity, 0/0 is NaN, and x/-0 flips the sign."""
    try:
        return a / b
    except ZeroDivisionError:
        if a != a or a == 0:
            return _NAN
        return math.copysign(_INF, a) * math.copysign(1.0, b)


def js_remainder(a: float, b: float) -> float:
    """JS `%`: truncated remainder with the dividend's sign; NaN where fmod would raise."""
    if b == 0 or a in (_INF, -_INF):
        return _NAN
    return math.fmod(a, b)  # fmod(x, ±inf) is x, as in JS


def js_mod(a: float, b: float) -> float:
    """operator_mod: the result takes the divisor's sign."""
    r = js_remainder(a, b)
    if r != r:
        return r  # x mod 0 is NaN
    # Scratch adds the divisor when r / b < 0, so -7 mod 3 is 2 but -6 mod 3 stays -0
    # and -5 mod Infinity stays -5 (-5 / Infinity is -0, which is not < 0).
    if r / b < 0:
        r += b
    return r


def js_round(x: float) -> float:
    """Math.round: half toward +Infinity, and [-0.5, 0) rounds to -0."""
    if x != x or abs(x) >= 4503599627370496.0 or x == 0:  # 2**52: already integral
        return x
    r = float(math.floor(x))
    if x - r >= 0.5:  # exact subtraction, so 0.49999999999999994 stays below the tie
        r += 1.0
    return -0.0 if r == 0 and x < 0 else r


def to_int32(x: float) -> int:
    """JS ToInt32, which `>>` and `&` apply first: truncated, wrapped modulo 2**32, signed."""
    if x != x or x in (_INF, -_INF):
        return 0
    n = int(x) & 0xFFFFFFFF
    return n - 0x100000000 if n >= 0x80000000 else n


def js_max(a: float, b: float) -> float:
    """Math.max of two numbers: NaN wins, and +0 is larger than -0 (Python's max keeps the first)."""
    if a != a or b != b:
        return _NAN
    if a == b == 0:
        return 0.0 if math.copysign(1.0, a) > 0 or math.copysign(1.0, b) > 0 else -0.0
    return a if a > b else b


def js_min(a: float, b: float) -> float:
    """Math.min of two numbers: NaN wins, and -0 is smaller than +0."""
    if a != a or b != b:
        return _NAN
    if a == b == 0:
        return -0.0 if math.copysign(1.0, a) < 0 or math.copysign(1.0, b) < 0 else 0.0
    return a if a < b else b


def js_clamp(n: float, low: float, high: float) -> float:
    """MathUtil.clamp: Math.min(Math.max(n, low), high), so NaN stays NaN and -0 clamps to +0 at 0."""
    return js_min(js_max(n, low), high)


def wrap_clamp(n: float, low: float, high: float) -> float:
    """MathUtil.wrapClamp: n wrapped into [low, high + 1) by whole ranges.

    Scratch keeps directions with wrapClamp(d, -179, 180), so the range is [-179, 181): 180.5
    stays 180.5 and -179.5 becomes 180.5; costume indices wrap with it too.
    """
    span = (high - low) + 1
    return n - js_floor((n - low) / span) * span


def repeat_count(v: Value) -> float:
    """control_repeat's iteration count: Math.round(toNumber(v)), so 2.5 repeats 3 times."""
    return js_round(to_number(v))


def random_between(a: Value, b: Value, rng: RandomSource) -> float:
    """operator_random: an integer when both raw inputs look like ints, otherwise a float."""
    n_from = to_number(a)
    n_to = to_number(b)
    low, high = (n_from, n_to) if n_from <= n_to else (n_to, n_from)
    if low == high:
        return low
    # isInt looks at the raw inputs: "1.0" to 10 gives a float, "1e-3" to "1" takes the int path.
    if is_int(a) and is_int(b):
        return low + js_floor(rng.random() * ((high + 1) - low))
    return rng.random() * (high - low) + low


# ## mathop: every option of operator_mathop


# Scratch computes with V8's Math functions (fdlibm ports), which differ from the platform libm
# in the last bit for a few percent of inputs; jsmath reproduces them bit for bit.
_sin, _cos, _tan = jsmath.sin, jsmath.cos, jsmath.tan
_asin, _acos, _atan = jsmath.asin, jsmath.acos, jsmath.atan
_log, _exp, _sqrt = jsmath.log, jsmath.exp, jsmath.sqrt


def _pow10(x: float) -> float:
    """Math.pow(10, x): 10 ^ -5 is 0.000009999999999999999 in Scratch."""
    return jsmath.pow(10.0, x)


def _ceil(x: float) -> float:
    """Math.ceil: ceiling -0.5 is -0."""
    return -js_floor(-x)


def _sin_degrees(n: float) -> float:
    # sin and cos round to 10 decimals via toFixed, so sin 30 is exactly 0.5 and cos 90 is 0.
    return _round_decimals(_sin(math.pi * n / 180), 10)


def _cos_degrees(n: float) -> float:
    return _round_decimals(_cos(math.pi * n / 180), 10)


def _tan_degrees(n: float) -> float:
    """MathUtil.tan: exact quarter turns give ±Infinity; the rest rounds to 10 decimals."""
    a = js_remainder(n, 360.0)
    if a in (90.0, -270.0):
        return _INF
    if a in (270.0, -90.0):
        return -_INF
    return _round_decimals(_tan(math.pi * a / 180), 10)  # tan 180 is -0


_MATHOPS: dict[str, Callable[[float], float]] = {
    "abs": abs,
    "floor": js_floor,
    "ceiling": _ceil,
    "sqrt": _sqrt,
    "sin": _sin_degrees,
    "cos": _cos_degrees,
    "tan": _tan_degrees,
    "asin": lambda n: _asin(n) * 180 / math.pi,
    "acos": lambda n: _acos(n) * 180 / math.pi,
    "atan": lambda n: _atan(n) * 180 / math.pi,
    "ln": _log,
    # log is Math.log(n) / Math.LN10, not log10: log 1000 is 2.9999999999999996.
    "log": lambda n: _log(n) / _LN10,
    "e ^": _exp,
    "10 ^": _pow10,
}


def mathop(operator: Value, n: float) -> float:
    """operator_mathop on an already-cast number; the option name is case-insensitive."""
    op = _MATHOPS.get(js_lower(to_string(operator)))
    return 0.0 if op is None else float(op(n))  # an unknown option reports 0


# ## Text operators (UTF-16 code units, as JS strings are)


def join(a: Value, b: Value) -> str:
    """operator_join: String(a) + String(b), re-pairing surrogates split across the two."""
    text = to_string(a) + to_string(b)
    return text if text.isascii() else _from_code_units(text)


def text_length(v: Value) -> float:
    """operator_length: the UTF-16 length, so "😀" has length 2."""
    return float(len(_code_units(to_string(v))))


def letter_of(index: Value, text: Value) -> str:
    """operator_letter_of: charAt truncates the index, and may return a lone surrogate."""
    i = to_number(index) - 1
    units = _code_units(to_string(text))
    if i < 0 or i >= len(units):
        return ""  # letter 0.5 of "abc" is "" (-0.5 < 0), letter 1.9 is "a"
    return units[math.floor(i)]


def text_contains(a: Value, b: Value) -> bool:
    """operator_contains: case-insensitive, and "" is in every string."""
    haystack = js_lower(to_string(a))
    needle = js_lower(to_string(b))
    if needle in haystack:
        return True
    # A lone surrogate can match half of an astral character, as includes() sees code units.
    return not needle.isascii() and _code_units(needle) in _code_units(haystack)


def list_contents(items: list[Value]) -> str:
    """data_listcontents: joined with "" only when every item is a one-unit *string*."""
    # The check is on JS types: ["1", "2"] gives "12", but the numbers [1, 2] give "1 2".
    single = all(isinstance(item, str) and len(_code_units(item)) == 1 for item in items)
    # Array.prototype.join writes undefined as "", not "undefined".
    text = ("" if single else " ").join("" if item is None else to_string(item) for item in items)
    return _from_code_units(text) if single else text


# ## Display


def bubble_text(v: Value) -> str:
    """The say/think bubble's text: non-integers to 2 decimals, cut to 330 UTF-16 units."""
    if isinstance(v, float | int) and not isinstance(v, bool):
        x = as_double(v)
        # Numbers with |x| >= 0.01 that are not whole show as toFixed(2); 0.005 keeps its digits.
        if abs(x) >= 0.01 and not (math.isfinite(x) and x == math.floor(x)):
            v = to_fixed(x, 2)
    text = to_string(v)
    if len(text) <= _BUBBLE_LIMIT // 2:
        return text  # short enough that even all-astral text fits
    return _from_code_units(_code_units(text)[:_BUBBLE_LIMIT])


def monitor_text(v: Value) -> str:
    """A variable monitor's text in the GUI: numbers shown as Number(x.toFixed(6)); display only."""
    if type(v) is float:
        return number_to_string(_round_decimals(v, 6))
    return to_string(v)


# ## Keys


_KEY_NAMES = ("space", "left arrow", "up arrow", "right arrow", "down arrow", "enter")
_BROWSER_KEYS = {
    " ": "space",
    "ArrowLeft": "left arrow",
    "Left": "left arrow",
    "ArrowUp": "up arrow",
    "Up": "up arrow",
    "ArrowRight": "right arrow",
    "Right": "right arrow",
    "ArrowDown": "down arrow",
    "Down": "down arrow",
    "Enter": "enter",
}
_KEY_CODES = {32.0: "space", 37.0: "left arrow", 38.0: "up arrow", 39.0: "right arrow"}
_KEY_CODES[40.0] = "down arrow"


def key_string_to_scratch_key(key: Value) -> str:
    """A key a browser reports, by its Scratch name; "" for a modifier (ignored)."""
    # Keyboard._keyStringToScratchKey: any other name longer than one unit (Shift, F1) is dropped;
    # one character is upper-cased, so "a" and "A" are one key.
    text = to_string(key)
    if text in _BROWSER_KEYS:
        return _BROWSER_KEYS[text]
    return "" if len(_code_units(text)) > 1 else text.upper()


def key_arg_to_scratch_key(key: Value) -> str:
    """The key a `key () pressed?` argument names: Keyboard._keyArgToScratchKey."""
    # A number dropped in is an ASCII code: 48..90 are digits, some punctuation and capitals,
    # 32 and 37..40 space and the arrows; any other number is read as text, by its first character.
    # String.fromCharCode truncates: 50.5 is "2".
    if type(key) is float:
        if 48 <= key <= 90:
            return chr(int(key))
        if key in _KEY_CODES:
            return _KEY_CODES[key]
    text = to_string(key)
    if text in _KEY_NAMES:
        return text
    return _first_key(text)


def _first_key(key: Value) -> str:
    units = _code_units(to_string(key))[:1]
    return "space" if units == " " else _from_code_units(units).upper()
