"""Doubles as JavaScript prints them (ECMAScript Number::toString), the text Scratch list items hold."""

import math


def shortest_digits(x: float) -> tuple[str, int]:
    """Shortest round-trip digits d and exponent n with x == 0.d * 10**n, for finite x > 0."""
    # repr() picks the same shortest round-trip digits as JS; only the layout differs.
    mantissa, _, exponent = repr(x).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = whole + fraction
    point = len(whole) + int(exponent or 0)
    stripped = digits.lstrip("0")
    return stripped.rstrip("0"), point - (len(digits) - len(stripped))


def js_number_to_string(x: float) -> str:
    """String(x) in JavaScript: "100" for 100.0, "1e-7" for 1e-7, "1e+21" for 1e21."""
    if math.isnan(x):
        return "NaN"
    if x == 0:
        return "0"  # JS prints -0 as "0" too
    if x < 0:
        return "-" + js_number_to_string(-x)
    if math.isinf(x):
        return "Infinity"
    digits, n = shortest_digits(x)
    k = len(digits)
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * -n + digits
    mantissa = digits[0] + ("." + digits[1:] if k > 1 else "")
    return f"{mantissa}e{'+' if n - 1 >= 0 else '-'}{abs(n - 1)}"
