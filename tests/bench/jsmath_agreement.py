"""How often emulator.jsmath, and Python's math, agree bit for bit with Node's Math.

For every function it draws N inputs (uniform over the function's interesting domain,
random bit patterns, wide exponent ranges, integers, and the degree values Scratch
projects use), asks one Node process for the JS results (inputs and results travel as
hex bit patterns), and prints the share of inputs where each Python implementation gives
the same double (NaN matches any NaN; +0 and -0 differ).

It also checks Scratch's operator_mathop formulas (sin/cos rounded with toFixed(10),
MathUtil.tan, asin/acos/atan in degrees, ln, log, e ^, 10 ^) built on each library.

    python tests/bench/jsmath_agreement.py              # 100,000 inputs per function
    python tests/bench/jsmath_agreement.py -n 10000 --seed 7
    python tests/bench/jsmath_agreement.py --record     # rewrite tests/golden/jsmath/vectors.json

Needs `node` on PATH; the results are Node's, so record with the Node that Scratch runs on.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import struct
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run from a checkout without installing

from emulator import jsmath  # noqa: E402

NODE_SCRIPT = Path(__file__).with_name("jsmath_agreement.js")
GOLDEN = ROOT / "tests" / "golden" / "jsmath" / "vectors.json"

Args = tuple[float, ...]
Sampler = Callable[[random.Random], Args]

# ## Bits

_BIG_ENDIAN = struct.Struct(">d")
_UINT64 = struct.Struct(">Q")


def to_hex(x: float) -> str:
    """The 16 hex digits of x's IEEE bit pattern."""
    return _BIG_ENDIAN.pack(x).hex()


def from_hex(h: str) -> float:
    return _BIG_ENDIAN.unpack(bytes.fromhex(h))[0]


def from_bits(bits: int) -> float:
    return _BIG_ENDIAN.unpack(_UINT64.pack(bits))[0]


def same(a: float, b: float) -> bool:
    """Bit-identical, except that every NaN matches every NaN (JS cannot tell them apart)."""
    return (a != a and b != b) or _BIG_ENDIAN.pack(a) == _BIG_ENDIAN.pack(b)


# ## The libraries compared: jsmath, and Python's math with JS's answers where math raises


class PythonMath:
    """Python's math module (the C library), patched only where it raises or defines differently."""

    @staticmethod
    def sin(x: float) -> float:
        return math.sin(x) if math.isfinite(x) else math.nan

    @staticmethod
    def cos(x: float) -> float:
        return math.cos(x) if math.isfinite(x) else math.nan

    @staticmethod
    def tan(x: float) -> float:
        return math.tan(x) if math.isfinite(x) else math.nan

    @staticmethod
    def asin(x: float) -> float:
        return math.asin(x) if -1.0 <= x <= 1.0 else math.nan

    @staticmethod
    def acos(x: float) -> float:
        return math.acos(x) if -1.0 <= x <= 1.0 else math.nan

    @staticmethod
    def atan(x: float) -> float:
        return math.atan(x)

    @staticmethod
    def atan2(y: float, x: float) -> float:
        return math.atan2(y, x)

    @staticmethod
    def exp(x: float) -> float:
        try:
            return math.exp(x)
        except OverflowError:
            return math.inf

    @staticmethod
    def log(x: float) -> float:
        if x > 0 or x != x:
            return math.log(x)
        return -math.inf if x == 0 else math.nan

    @staticmethod
    def pow(x: float, y: float) -> float:
        if y == 0:
            return 1.0
        if x != x or y != y or (abs(x) == 1 and math.isinf(y)):
            return math.nan  # JS: 1 ** NaN and (±1) ** ±Infinity are NaN
        odd = math.isfinite(y) and y == math.floor(y) and math.fmod(y, 2.0) != 0
        try:
            return math.pow(x, y)
        except ValueError:  # 0 ** negative, or negative ** non-integer
            if x == 0:
                return -math.inf if odd and math.copysign(1.0, x) < 0 else math.inf
            return math.nan
        except OverflowError:
            return -math.inf if odd and x < 0 else math.inf


LIBRARIES: dict[str, Any] = {"jsmath": jsmath, "Python math": PythonMath}

# ## Scratch's mathop formulas (scratch3_operators.js, MathUtil.tan) over a library

_LN10 = 2.302585092994046  # Math.LN10
_TEN_POW_10 = 10**10


def round10(x: float) -> float:
    """parseFloat(x.toFixed(10)): round the exact binary value to 10 decimals, ties away from 0."""
    if x != x or abs(x) >= 1e21:
        return x  # toFixed gives String(x) from 1e21 up, which parses back to x
    p, q = abs(x).as_integer_ratio()
    r = ((2 * p * _TEN_POW_10 + q) // (2 * q)) / _TEN_POW_10  # int / int rounds correctly
    return -r if x < 0 else r  # "-0.0000000000" parses to -0


def js_remainder(x: float, y: float) -> float:
    """JS x % y for finite nonzero y."""
    return math.fmod(x, y) if math.isfinite(x) else math.nan


def mathop_formulas(lib: Any) -> dict[str, Callable[..., float]]:
    """Scratch's mathop options that call Math, computed with lib's functions."""

    def scratch_tan(n: float) -> float:
        a = js_remainder(n, 360.0)
        if a == 90.0 or a == -270.0:
            return math.inf
        if a == -90.0 or a == 270.0:
            return -math.inf
        return round10(lib.tan((math.pi * a) / 180))

    return {
        "mathop:sin": lambda n: round10(lib.sin((math.pi * n) / 180)),
        "mathop:cos": lambda n: round10(lib.cos((math.pi * n) / 180)),
        "mathop:tan": scratch_tan,
        "mathop:asin": lambda n: (lib.asin(n) * 180) / math.pi,
        "mathop:acos": lambda n: (lib.acos(n) * 180) / math.pi,
        "mathop:atan": lambda n: (lib.atan(n) * 180) / math.pi,
        "mathop:ln": lambda n: lib.log(n),
        "mathop:log": lambda n: lib.log(n) / _LN10,
        "mathop:e ^": lambda n: lib.exp(n),
        "mathop:10 ^": lambda n: lib.pow(10.0, n),
    }


def implementation(lib: Any, name: str) -> Callable[..., float]:
    if name.startswith("mathop:"):
        return mathop_formulas(lib)[name]
    return getattr(lib, name)


# ## Input samplers


def one(f: Callable[[random.Random], float]) -> Sampler:
    return lambda rng: (f(rng),)


def uniform(a: float, b: float) -> Callable[[random.Random], float]:
    return lambda rng: rng.uniform(a, b)


def integers(a: int, b: int) -> Callable[[random.Random], float]:
    return lambda rng: float(rng.randint(a, b))


def decimals(a: float, b: float, places: int) -> Callable[[random.Random], float]:
    """Numbers typed with a few decimals, like 12.5 or -0.37: parsed from decimal text."""
    scale = 10**places
    lo, hi = round(a * scale), round(b * scale)
    return lambda rng: float(f"{rng.randint(lo, hi)}e-{places}")


def any_bits(rng: random.Random) -> float:
    """A random 64-bit pattern: NaNs, infinities, subnormals and huge values included."""
    return from_bits(rng.getrandbits(64))


def wide(lo_exp: int, hi_exp: int, signed: bool = True) -> Callable[[random.Random], float]:
    """Random mantissa and sign, exponent uniform in [lo_exp, hi_exp] (normal numbers)."""

    def draw(rng: random.Random) -> float:
        sign = rng.getrandbits(1) if signed else 0
        exponent = rng.randint(lo_exp, hi_exp) + 1023
        return from_bits(sign << 63 | exponent << 52 | rng.getrandbits(52))

    return draw


def radians(degrees: Callable[[random.Random], float]) -> Callable[[random.Random], float]:
    """The argument Scratch passes to Math.sin/cos/tan for a degree value: Math.PI * n / 180."""
    return lambda rng: (math.pi * degrees(rng)) / 180


def multiples(step: float, count: int) -> Callable[[random.Random], float]:
    return lambda rng: step * rng.randint(-count, count)


def near_one(rng: random.Random) -> float:
    return 1.0 + rng.uniform(-(2.0**-18), 2.0**-18)


def pair(fx: Callable[[random.Random], float], fy: Callable[[random.Random], float]) -> Sampler:
    return lambda rng: (fx(rng), fy(rng))


def const(v: float) -> Callable[[random.Random], float]:
    return lambda rng: v


_TRIG = [
    one(uniform(-10, 10)),
    one(uniform(-1e6, 1e6)),
    one(wide(-30, 80)),
    one(any_bits),
    one(radians(integers(-1080, 1080))),
    one(radians(decimals(-360, 360, 1))),
    one(integers(-(10**6), 10**6)),
]
_ARC = [
    one(uniform(-1, 1)),
    one(wide(-60, -1)),
    one(decimals(-1, 1, 2)),
    one(uniform(-1.5, 1.5)),
    one(any_bits),
]
_DEGREES = [
    one(integers(-720, 720)),
    one(decimals(-360, 360, 1)),
    one(decimals(-1000, 1000, 2)),
    one(uniform(-360, 360)),
    one(integers(-(10**7), 10**7)),
    one(multiples(15.0, 240)),
    one(any_bits),
]
_ARC_N = [
    one(decimals(-1, 1, 2)),
    one(decimals(-1, 1, 1)),
    one(uniform(-1, 1)),
    one(integers(-2, 2)),
    one(any_bits),
]
_LOG_N = [
    one(integers(0, 10**6)),
    one(lambda rng: float(f"1e{rng.randint(-20, 20)}")),
    one(decimals(0, 100, 2)),
    one(uniform(0, 1000)),
    one(wide(-1022, 1023, signed=False)),
    one(any_bits),
]
SAMPLERS: dict[str, list[Sampler]] = {
    "sin": _TRIG,
    "cos": _TRIG,
    "tan": _TRIG,
    "asin": _ARC,
    "acos": _ARC,
    "atan": [
        one(uniform(-20, 20)),
        one(wide(-40, 80)),
        one(integers(-1000, 1000)),
        one(decimals(-100, 100, 1)),
        one(any_bits),
    ],
    "exp": [
        one(uniform(-745.2, 709.8)),
        one(uniform(-20, 20)),
        one(wide(-40, 9)),
        one(integers(-750, 710)),
        one(decimals(-50, 50, 1)),
        one(any_bits),
    ],
    "log": [
        one(uniform(0, 10)),
        one(wide(-1022, 1023, signed=False)),
        one(integers(0, 10**6)),
        one(decimals(0, 100, 2)),
        one(near_one),
        one(any_bits),
    ],
    "atan2": [
        pair(uniform(-10, 10), uniform(-10, 10)),
        pair(wide(-40, 40), wide(-40, 40)),
        pair(integers(-480, 480), integers(-360, 360)),
        pair(any_bits, any_bits),
    ],
    "pow": [
        pair(uniform(0, 20), uniform(-30, 30)),
        pair(const(10.0), integers(-330, 310)),
        pair(const(10.0), decimals(-30, 30, 1)),
        pair(integers(-20, 20), integers(-40, 40)),
        pair(wide(-30, 30), uniform(-50, 50)),
        pair(near_one, wide(20, 40)),
        pair(any_bits, any_bits),
    ],
    "mathop:sin": _DEGREES,
    "mathop:cos": _DEGREES,
    "mathop:tan": _DEGREES,
    "mathop:asin": _ARC_N,
    "mathop:acos": _ARC_N,
    "mathop:atan": [
        one(integers(-1000, 1000)),
        one(decimals(-100, 100, 1)),
        one(uniform(-50, 50)),
        one(wide(-40, 80)),
        one(any_bits),
    ],
    "mathop:ln": _LOG_N,
    "mathop:log": _LOG_N,
    "mathop:e ^": [
        one(integers(-750, 710)),
        one(decimals(-50, 50, 1)),
        one(uniform(-20, 20)),
        one(uniform(-745.2, 709.8)),
        one(any_bits),
    ],
    "mathop:10 ^": [
        one(integers(-330, 310)),
        one(decimals(-30, 30, 1)),
        one(decimals(-5, 5, 2)),
        one(uniform(-325, 310)),
        one(any_bits),
    ],
}


def draw_inputs(name: str, n: int, rng: random.Random) -> list[Args]:
    """n inputs for one function, taking its samplers in turn."""
    samplers = SAMPLERS[name]
    return [samplers[i % len(samplers)](rng) for i in range(n)]


# ## Edge cases recorded in the golden file

_INF = math.inf
_NAN = math.nan
_SPECIAL = [
    0.0,
    -0.0,
    _INF,
    -_INF,
    _NAN,
    5e-324,
    -5e-324,
    2.225073858507201e-308,  # largest subnormal
    2.2250738585072014e-308,  # smallest normal
    1.7976931348623157e308,
    -1.7976931348623157e308,
    1e300,
    -1e300,
    1e-300,
    1e22,
    2.0**-28,
    2.0**-27,
    2.0**53,
    2.0**66,
    -(2.0**66),
    2.0**1023,
    0.5,
    -0.5,
    1.0,
    -1.0,
    math.nextafter(1.0, 2.0),
    math.nextafter(1.0, 0.0),
    2.0,
    3.0,
    0.1,
    10.0,
    100.0,
    1000.0,
    1e10,
    -1e10,
]
_TRIG_EDGES = [
    *[k * math.pi / 2 for k in range(-64, 65)],
    *[k * math.pi / 4 for k in range(-16, 17, 2)],
    *[math.nextafter(math.pi / 2, d) for d in (0.0, 4.0)],
    *[math.nextafter(math.pi / 4, d) for d in (0.0, 4.0)],
    2.0**19 * math.pi / 2,
    2.0**20 * math.pi / 2,
    *[10.0**k for k in range(5, 23)],
    5.319372648326541e255,  # hard cases for argument reduction
    6381956970095103.0 * 2.0**797,
    0.6744,
    0.67434,
    -0.6744,
]
EDGES: dict[str, list[Args]] = {
    "sin": [(x,) for x in _SPECIAL + _TRIG_EDGES],
    "cos": [(x,) for x in _SPECIAL + _TRIG_EDGES],
    "tan": [(x,) for x in _SPECIAL + _TRIG_EDGES],
    "asin": [
        (x,)
        for x in [
            *_SPECIAL,
            0.975,
            0.97500001,
            -0.975,
            0.98,
            math.nextafter(0.5, 0.0),
            2.0 ** (-57),
            0.4999999,
            -0.9999,
        ]
    ],
    "acos": [
        (x,)
        for x in [
            *_SPECIAL,
            0.975,
            -0.975,
            0.98,
            math.nextafter(0.5, 0.0),
            2.0 ** (-57),
            2.0 ** (-58),
            -0.7,
            0.7,
            -0.9999,
        ]
    ],
    "atan": [
        (x,)
        for x in [*_SPECIAL, 0.4375, 11 / 16, 19 / 16, 39 / 16, -0.4375, -39 / 16, 2.0 ** (-27)]
    ],
    "exp": [
        (x,)
        for x in [
            *_SPECIAL,
            709.782712893384,
            math.nextafter(709.782712893384, 0.0),
            math.nextafter(709.782712893384, 800.0),
            709.78,
            709.8,
            710.0,
            -745.1332191019411,
            -745.1332191019412,
            -745.2,
            -744.44,
            -708.3964185322641,
            -708.4,
            -709.0895657128241,
            0.34657359027997264,
            -0.34657359027997264,
            1.0397207708399179,
            -1.0397207708399179,
            2.0 ** (-28) * 0.999,
        ]
    ],
    "log": [
        (x,)
        for x in [
            *_SPECIAL,
            math.e,
            1e-310,
            0.7071067811865476,
            1.4142135623730951,
            1 + 2.0 ** (-21),
            1 - 2.0 ** (-21),
        ]
    ],
}
_POW_BASES = [0.0, -0.0, 1.0, -1.0, _INF, -_INF, _NAN, 0.5, -0.5, 2.0, -2.0, 10.0, -8.0, 5e-324]
_POW_EXPONENTS = [0.0, -0.0, 1.0, -1.0, _INF, -_INF, _NAN, 0.5, -0.5, 2.0, 3.0, -3.0, 1 / 3, 1e300]
EDGES["pow"] = [
    *[(x, y) for x in _POW_BASES for y in _POW_EXPONENTS],
    *[(10.0, float(k)) for k in range(-330, 311)],
    (2.0, 1024.0),
    (2.0, 1023.0),
    (2.0, -1074.0),
    (2.0, -1075.0),
    (2.0, -1022.5),
    (1.0 + 2.0**-30, 2.0**40),
    (1.0 - 2.0**-30, 2.0**40),
    (1.0 + 2.0**-30, 2.0**31 + 1.0),
    (0.999999, 2.0**62),
    (1.000001, -(2.0**65)),
    (-1.0000001, 2.0**31 + 1.0),
    (-2.0, 2.0**53 + 2.0),
    (-2.0, 1025.0),
    (-2.0, -1075.0),
    (1e-310, 0.5),
    (1e-310, 2.5),
    (2.0**0.5, 2.0),
    (math.e, math.pi),
]
_ATAN2_VALUES = [0.0, -0.0, 1.0, -1.0, _INF, -_INF, _NAN, 5e-324, -5e-324, 1e300, -1e300, 2.5, -2.5]
EDGES["atan2"] = [(y, x) for y in _ATAN2_VALUES for x in _ATAN2_VALUES]
_DEGREE_EDGES = [
    *[15.0 * k for k in range(-48, 49)],
    90.0000001,
    89.9999999,
    1e300,
    -1e300,
    1e21,
    _INF,
    -_INF,
    _NAN,
    -0.0,
    0.5,
    -270.0,
    -90.0,
    450.0,
]
for _name in ("mathop:sin", "mathop:cos", "mathop:tan"):
    EDGES[_name] = [(x,) for x in _DEGREE_EDGES]
for _name in ("mathop:asin", "mathop:acos", "mathop:atan"):
    EDGES[_name] = [(x,) for x in [*_SPECIAL, 0.25, 0.75, -0.75, 0.866]]
for _name in ("mathop:ln", "mathop:log"):
    EDGES[_name] = [(x,) for x in _SPECIAL + [float(f"1e{k}") for k in range(-10, 23)]]
EDGES["mathop:e ^"] = [(x,) for x in [*_SPECIAL, 709.78, 710.0, -745.0, -746.0]]
EDGES["mathop:10 ^"] = [(x,) for x in _SPECIAL + [float(k) for k in range(-330, 311)] + [0.5, 2.5]]

FUNCTIONS = list(SAMPLERS)

# ## Node


def node_results(inputs: dict[str, list[Args]]) -> tuple[dict[str, list[float]], dict[str, str]]:
    """Every function's JS results from a single Node process, and Node's versions."""
    request = {
        name: [",".join(map(to_hex, args)) for args in rows] for name, rows in inputs.items()
    }
    done = subprocess.run(
        ["node", str(NODE_SCRIPT)],
        input=json.dumps(request).encode(),
        capture_output=True,
        check=True,
    )
    response = json.loads(done.stdout)
    versions = response.pop("versions")
    return {name: [from_hex(h) for h in response[name]] for name in inputs}, versions


# ## Measuring


def agreement(
    f: Callable[..., float], rows: Sequence[Args], expected: Sequence[float]
) -> list[int]:
    """Indexes of the rows where f disagrees with the expected results."""
    return [
        i
        for i, (args, want) in enumerate(zip(rows, expected, strict=True))
        if not same(f(*args), want)
    ]


def measure(n: int, seed: int) -> None:
    started = time.perf_counter()
    rng = random.Random(seed)
    inputs = {name: draw_inputs(name, n, rng) for name in FUNCTIONS}
    drawn = time.perf_counter()
    expected, versions = node_results(inputs)
    noded = time.perf_counter()

    print(f"Node {versions['node']} (V8 {versions['v8']}), {n:,} inputs per function, seed {seed}")
    print()
    print(f"{'function':<14}{'jsmath':>12}{'Python math':>14}   first jsmath mismatch")
    seconds = dict.fromkeys(LIBRARIES, 0.0)
    for name in FUNCTIONS:
        rates = []
        first = ""
        for label, lib in LIBRARIES.items():
            t0 = time.perf_counter()
            bad = agreement(implementation(lib, name), inputs[name], expected[name])
            seconds[label] += time.perf_counter() - t0
            rates.append(100.0 * (n - len(bad)) / n)
            if lib is jsmath and bad:
                i = bad[0]
                got = implementation(lib, name)(*inputs[name][i])
                first = f"{inputs[name][i]!r}: node {expected[name][i]!r}, jsmath {got!r}"
        print(f"{name:<14}{rates[0]:>11.3f}%{rates[1]:>13.3f}%   {first}")
    total = time.perf_counter() - started
    print()
    print(
        f"time: {total:.1f} s in all; drawing inputs {drawn - started:.1f} s, "
        f"Node {noded - drawn:.1f} s, "
        + ", ".join(f"{label} {s:.1f} s" for label, s in seconds.items())
        + " (each including the comparisons)"
    )


def record(path: Path, n: int, seed: int) -> None:
    """Write edge cases plus n random inputs per function, with Node's results, to path."""
    rng = random.Random(seed)
    inputs = {
        name: EDGES.get(name, [])
        + draw_inputs(name, n // 5 if name.startswith("mathop:") else n, rng)
        for name in FUNCTIONS
    }
    expected, versions = node_results(inputs)
    vectors = {
        name: [
            " ".join([*map(to_hex, args), to_hex(want)])
            for args, want in zip(rows, expected[name], strict=True)
        ]
        for name, rows in inputs.items()
    }
    doc = {
        "about": (
            "JS results recorded from Node by tests/bench/jsmath_agreement.py --record. "
            "Each entry is 'input-hex [input-hex] result-hex' as IEEE-754 bit patterns; "
            "'mathop:*' entries are Scratch's operator_mathop formulas."
        ),
        "node": versions["node"],
        "v8": versions["v8"],
        "vectors": vectors,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as f:
        json.dump(doc, f, indent=0)
        f.write("\n")
    count = sum(map(len, vectors.values()))
    print(f"wrote {count:,} vectors from Node {versions['node']} to {path}")
    for name, rows in inputs.items():
        bad = agreement(implementation(jsmath, name), rows, expected[name])
        if bad:
            print(f"  {name}: jsmath disagrees on {len(bad)} of them")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=100_000, help="inputs per function")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--record",
        nargs="?",
        const=GOLDEN,
        type=Path,
        metavar="PATH",
        help=f"write golden vectors instead (default {GOLDEN.relative_to(ROOT)})",
    )
    parser.add_argument(
        "--record-n",
        type=int,
        default=2000,
        help="random inputs per Math function when recording (a fifth for mathop)",
    )
    args = parser.parse_args(argv)
    if args.record:
        record(args.record, args.record_n, args.seed)
    else:
        measure(args.n, args.seed)


if __name__ == "__main__":
    main()
