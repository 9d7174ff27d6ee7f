"""Hypothesis strategies for Scratch values, shared by every test module."""

import functools
import json
import math
import os
import struct
import zlib
from dataclasses import dataclass, replace

import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from emulator.opcodes import Opcode
from emulator.trace import codec
from emulator.values import Value, number_to_string
from tests.conformance.cases._fuzz import BACKDROPS, COSTUMES

# Characters JS trims, and look-alikes it does not (U+0085, U+200B, U+001C) that Python would.
JS_WHITESPACE = "\t\n\v\f\r \u00a0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
NOT_JS_WHITESPACE = "\x85\u200b\x1c\x1f\u180e"

# Strings whose Scratch meaning is surprising: words, padding, case, and UTF-16 corner cases.
TRICKY_STRINGS = [
    "",
    " ",
    "\t",
    "\ufeff",
    "\x85",
    "0",
    "-0",
    "0.0",
    "00",
    " 0",
    "1.0",
    "007",
    ".",
    "5.",
    ".5",
    "1e",
    "1e3",
    "1E-3",
    "0x10",
    "0X1a",
    "-0x10",
    "0x",
    "0x1.8",
    "0b101",
    "0o17",
    "1_000",
    "1,5",
    "Infinity",
    "-Infinity",
    "+Infinity",
    "infinity",
    "inf",
    "NaN",
    "nan",
    "true",
    "false",
    "TRUE",
    "False",
    "null",
    "undefined",
    "all",
    "last",
    "random",
    "any",
    "LAST",
    "abc",
    "ABC",
    "a",
    "B",
    "Z",
    "é",
    "É",
    "ß",
    "İ",
    "Σ",
    "\u0663",
    "😀",
    "\ud83d",
    "\ude00",
    "\uffff",
    "\ue000",
    "1e1000",
]


def floats_any() -> st.SearchStrategy[float]:
    """Every double, with NaN, ±Infinity, -0.0 and the edges of the range drawn often."""
    edges = st.sampled_from(
        [0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 5e-324, 1.7976931348623157e308, 1e21, 1e-7, 2.0**53]
    )
    return st.one_of(
        edges,
        st.sampled_from([float("nan"), float("inf"), float("-inf")]),
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(-1000, 1000).map(float),
        st.integers(-(10**6), 10**6).map(lambda i: i / 100),
    )


@st.composite
def numeric_strings(draw: st.DrawFn) -> str:
    """Strings JS Number() accepts: decimals, exponents, radix literals and Infinity, padded."""
    body = draw(
        st.one_of(
            st.floats(allow_nan=False).map(repr).filter(lambda s: "n" not in s),
            st.integers(-(10**30), 10**30).map(str),
            st.from_regex(
                r"[+-]?([0-9]{1,8}\.?[0-9]{0,8}|\.[0-9]{1,8})([eE][+-]?[0-9]{1,3})?", fullmatch=True
            ),
            st.from_regex(
                r"0[xX][0-9a-fA-F]{1,12}|0[oO][0-7]{1,12}|0[bB][01]{1,40}", fullmatch=True
            ),
            st.sampled_from(["Infinity", "-Infinity", "+Infinity"]),
        )
    )
    padding = st.text(st.sampled_from(JS_WHITESPACE), max_size=2)
    return draw(padding) + body + draw(padding)


def scratch_strings() -> st.SearchStrategy[str]:
    """Any string a Scratch program might hold, biased toward the tricky ones."""
    return st.one_of(
        st.sampled_from(TRICKY_STRINGS),
        numeric_strings(),
        st.text(max_size=8),
        st.text(st.sampled_from(JS_WHITESPACE + NOT_JS_WHITESPACE), max_size=3),
    )


def scratch_values() -> st.SearchStrategy[Value]:
    """Any Scratch value: float, string, bool or None (JS undefined)."""
    return st.one_of(floats_any(), scratch_strings(), st.booleans(), st.none())


# ## day3 MLP parameters

# Learning rates as the command line or a test passes them; Scratch reads "0.1" and 0.1 as one number.
DAY3_LEARNING_RATES = ["0.01", "0.05", "0.1", "0.25", "0.5", "1", "1.5", "2"]
DAY3_INIT_SCALES = ["0.1", "0.5", "1", "2"]


@st.composite
def mlp_layers(
    draw: st.DrawFn,
    min_layers: int = 2,
    max_layers: int = 5,
    max_size: int = 12,
    min_outputs: int = 1,
) -> tuple[int, ...]:
    """Layer sizes, input first: min_layers..max_layers layers of 1..max_size neurons."""
    count = draw(st.integers(min_layers, max_layers))
    sizes = draw(st.lists(st.integers(1, max_size), min_size=count - 1, max_size=count - 1))
    return (*sizes, draw(st.integers(min_outputs, max_size)))


def learning_rates() -> st.SearchStrategy[str | float]:
    """A positive learning rate: a decimal string or a float in 0.01..2."""
    return st.one_of(st.sampled_from(DAY3_LEARNING_RATES), st.floats(0.01, 2.0))


def init_scales() -> st.SearchStrategy[str | float]:
    """The half-width of the initial weights' range: a decimal string or a float in 0.05..3."""
    return st.one_of(st.sampled_from(DAY3_INIT_SCALES), st.floats(0.05, 3.0))


@st.composite
def binary_samples(
    draw: st.DrawFn, inputs: int, outputs: int, min_size: int, max_size: int
) -> tuple[list[str], list[str]]:
    """Images as "0"/"1" strings of `inputs` pixels, and their labels as digit strings below `outputs`."""
    count = draw(st.integers(min_size, max_size))
    image = st.text(alphabet="01", min_size=inputs, max_size=inputs)
    label = st.integers(0, outputs - 1).map(str)
    return (
        draw(st.lists(image, min_size=count, max_size=count)),
        draw(st.lists(label, min_size=count, max_size=count)),
    )


@st.composite
def day3_params(
    draw: st.DrawFn,
    layers: st.SearchStrategy[tuple[int, ...]] | None = None,
    epochs: tuple[int, int] = (1, 2),
    train: tuple[int, int] = (1, 4),
    test: tuple[int, int] = (1, 3),
) -> dict[str, object]:
    """Keyword arguments for programs.day3_mlp.build with their own data, plus the runtime's "seed"."""
    sizes = draw(layers if layers is not None else mlp_layers())
    train_images, train_labels = draw(binary_samples(sizes[0], sizes[-1], *train))
    test_images, test_labels = draw(binary_samples(sizes[0], sizes[-1], *test))
    return {
        "layers": sizes,
        "epochs": draw(st.integers(*epochs)),
        "train": len(train_images),
        "test": len(test_images),
        "lr": draw(learning_rates()),
        "init": draw(init_scales()),
        "seed": draw(st.integers(0, 2**32 - 1)),
        "train_images": train_images,
        "train_labels": train_labels,
        "test_images": test_images,
        "test_labels": test_labels,
    }


@st.composite
def spiral_params(draw: st.DrawFn, variant: str = "fixed") -> dict[str, object]:
    """Small keyword arguments for programs.spiral_net.build, plus the runtime's "seed"."""
    points = draw(st.integers(1, 5))
    # The buggy variant reads a row of dout per unit: it needs as many rows as units.
    batch = draw(st.integers(3 if variant == "buggy" else 1, min(3 * points, 6)))
    hidden = draw(st.integers(1, batch if variant == "buggy" else 5))
    return {
        "variant": variant,
        "points": points,
        "hidden": hidden,
        "batch": batch,
        "epochs": draw(st.integers(0, 3)),
        "lr": draw(st.floats(0.01, 5.0, allow_nan=False, allow_infinity=False)),
        "init": draw(st.sampled_from([0.01, 0.5, 1.0, 3.0])),
        "math": draw(st.sampled_from(["scratch", "lut"])),
        "data_seed": draw(st.integers(0, 2**32 - 1)),
        "grid": 0,
        "seed": draw(st.integers(0, 2**32 - 1)),
    }


# ## Random programs for the differential fuzzer (tests/test_fuzz_vm.py)
#
# Programs are plain data (tuples, lists, dicts), so Hypothesis can shrink them and a failure's repr
# can be pasted into tests/conformance/cases/fuzz_found.py; tests/conformance/cases/_fuzz.py turns
# them into project.json. Expressions: ("lit", text), ("num", a JSON number), ("var", name),
# ("contents", list), ("arg", name, kind), ("timer",), (opcode, *operands) for operators and list
# reporters, ("mathop", op, x), ("sprite", opcode, NUMBER_NAME or None) for a sprite's looks and
# place. Loops that could run for ever are bounded by construction; clones are made only by the
# flag scripts (and the custom blocks they call), so at most a few dozen live.

# How many random programs the compiler's tests try (the official VM's fuzzer has its own count).
COMPILER_EXAMPLES = int(os.environ.get("SCRATCH_COMPILER_EXAMPLES", "150"))


def fuzz_settings(max_examples: int) -> settings:
    """Settings for tests over random programs: no deadline, and the health checks that a slow
    program, a large one or a saved failure's replay trips left quiet."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
    )


FUZZ_TEXTS = [
    "",
    " ",
    "0x1A",
    "1e3",
    "-0",
    "Infinity",
    "-Infinity",
    "abc",
    "ABC",
    "1.0",
    "0",
    "1",
    "2",
    "3",
    "-1",
    "0.1",
    "0.2",
    "2.5",
    "-2.5",
    "007",
    "true",
    "false",
    "NaN",
    "1e308",
    "5e-324",
    "\t3 ",
    "last",
    "all",
    "random",
    "a",
    "B",
    "\U0001f600",
    "0.5",
    "-0.4",
    "100",
    "1e21",
    "1e-7",
]
FUZZ_VARIABLES = ("a", "b", "c")
FUZZ_PLACES = ("_random_", "_mouse_", "S", "Stage", "nobody")
FUZZ_COSTUME_CHOICES = (*COSTUMES, "next costume", "previous costume", "4", "0", " ")
FUZZ_BACKDROP_CHOICES = (*BACKDROPS, "random backdrop", "previous backdrop", "2", "b1 ")
FUZZ_EFFECTS = ("COLOR", "GHOST", "BRIGHTNESS", "WHIRL")
FUZZ_CLONE_OPTIONS = ("_myself_", "S", "Stage")
# Reporters of a sprite's looks and place: (tag, field) for the fuzz expression ("sprite", tag, field).
FUZZ_SPRITE_REPORTERS = (
    ("motion_xposition", None),
    ("motion_yposition", None),
    ("motion_direction", None),
    ("looks_size", None),
    ("looks_costumenumbername", "number"),
    ("looks_costumenumbername", "name"),
    ("looks_backdropnumbername", "number"),
    ("looks_backdropnumbername", "name"),
    ("sound_volume", None),
    ("sensing_mousex", None),
    ("sensing_mousedown", None),
    ("sensing_loudness", None),
    ("sensing_username", None),
    ("sensing_dayssince2000", None),
)
FUZZ_LISTS = ("L", "M")
FUZZ_INDICES = [
    "1",
    "2",
    "3",
    "0",
    "-1",
    "1.5",
    "2.9",
    "0.99",
    "last",
    "all",
    "random",
    "any",
    "LAST",
    "",
    " 2 ",
    "10",
    "Infinity",
    "0x2",
    "1e0",
]
FUZZ_REPEAT_COUNTS = ["0", "1", "2", "3", "2.5", "-1", "abc", "1e0", " 2 "]
FUZZ_WAITS = ["0", "0.05", "-1", "", "0.1"]
FUZZ_MESSAGES = ("m1", "m2")
FUZZ_STOPS = ("this script", "other scripts in sprite", "other scripts in stage", "all")
FUZZ_NUMBER_OPS = (
    "operator_add",
    "operator_subtract",
    "operator_multiply",
    "operator_divide",
    "operator_mod",
    "operator_random",
)
FUZZ_TEXT_OPS = ("operator_join", "operator_letter_of", "operator_contains")
FUZZ_COMPARISONS = ("operator_lt", "operator_equals", "operator_gt")
FUZZ_MATHOPS = (
    "abs",
    "floor",
    "ceiling",
    "sqrt",
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "ln",
    "log",
    "e ^",
    "10 ^",
)


@functools.cache
def fuzz_literals() -> st.SearchStrategy[tuple]:
    """A literal as the editor stores it (text), biased to the tricky spellings; sometimes a JSON number."""
    finite = floats_any().filter(math.isfinite)
    # -0 cannot travel: the VM's runner re-serialises the project, and JSON.stringify(-0) is "0".
    json_numbers = finite.filter(lambda x: x != 0 or math.copysign(1.0, x) > 0).map(
        lambda x: ("num", x)
    )
    return st.one_of(
        st.sampled_from(FUZZ_TEXTS).map(lambda t: ("lit", t)),
        finite.map(lambda x: ("lit", number_to_string(x))),
        json_numbers,
    )


# Every strategy is built once (per parameter set): building them afresh inside each draw costs
# Hypothesis more time in validation than the VM takes to run the program.
_ONE_IN_FOUR = st.integers(0, 3)
_EXPRESSION_KINDS = st.sampled_from(
    ["number", "text", "compare", "logic", "unary", "list", "arg-outside"]
)
_NUMBER_OPS = st.sampled_from(FUZZ_NUMBER_OPS)
_TEXT_OPS = st.sampled_from(FUZZ_TEXT_OPS)
_COMPARISONS = st.sampled_from(FUZZ_COMPARISONS)
_LOGIC_OPS = st.sampled_from(["operator_and", "operator_or", "operator_not"])
_UNARY_OPS = st.sampled_from(["operator_round", "operator_length", "mathop"])
_MATHOPS = st.sampled_from(FUZZ_MATHOPS)
_LIST_REPORTERS = st.sampled_from(
    [
        "data_itemoflist",
        "data_lengthoflist",
        "data_itemnumoflist",
        "data_listcontainsitem",
        "contents",
    ]
)
_LIST_NAMES = st.sampled_from(FUZZ_LISTS)
_VARIABLE_NAMES = st.sampled_from(FUZZ_VARIABLES)
_OUTSIDE_ARGS = st.tuples(st.just("arg"), st.sampled_from(["x", "y"]), st.sampled_from(["s", "b"]))
_INDEX_WORDS = st.sampled_from(FUZZ_INDICES).map(lambda t: ("lit", t))
_REPEAT_COUNTS = st.sampled_from(FUZZ_REPEAT_COUNTS).map(lambda t: ("lit", t))
_STATEMENT_COUNT = st.integers(1, 4)
_SIMPLE_STATEMENTS = [
    "set",
    "change",
    "add",
    "insert",
    "replace",
    "delete",
    "deleteall",
    "say",
    "wait",
    "say_for",
    "stop",
]
_WAITS = st.sampled_from(FUZZ_WAITS).map(lambda t: ("lit", t))
_MESSAGES = st.sampled_from(FUZZ_MESSAGES)
_STOPS = st.sampled_from(FUZZ_STOPS)


_SPRITE_REPORTERS = st.sampled_from(FUZZ_SPRITE_REPORTERS).map(lambda r: ("sprite", *r))


@functools.cache
def _leaves(args: tuple[tuple[str, str], ...]) -> st.SearchStrategy[tuple]:
    leaves = [
        fuzz_literals(),
        _VARIABLE_NAMES.map(lambda v: ("var", v)),
        st.just(("timer",)),
        _SPRITE_REPORTERS,
    ]
    if args:
        leaves.append(st.sampled_from(args).map(lambda a: ("arg", a[0], a[1])))
    return st.one_of(*leaves)


@functools.cache
def _expressions(depth: int, args: tuple[tuple[str, str], ...]) -> st.SearchStrategy[tuple]:
    return fuzz_expressions(depth, args)


@functools.cache
def _indices(depth: int, args: tuple[tuple[str, str], ...]) -> st.SearchStrategy[tuple]:
    return fuzz_indices(depth, args)


@functools.cache
def _statements(
    depth: int,
    args: tuple[tuple[str, str], ...],
    procedures: tuple[tuple[str, ...], ...],
    broadcasts: bool = True,
) -> st.SearchStrategy[list[tuple]]:
    return fuzz_statements(depth, args, procedures, broadcasts)


@functools.cache
def _statement_kinds(nested: bool, calls: bool, broadcasts: bool) -> st.SearchStrategy[str]:
    kinds = list(_SIMPLE_STATEMENTS)
    kinds += ["repeat", "if", "repeat_until"] if nested else []
    kinds += ["call"] if calls else []
    kinds += ["broadcast", "wait_until", "clone"] if broadcasts else []
    kinds += ["sprite", "sprite"]  # motion and looks: fuzz_sprite_statements
    return st.sampled_from(kinds)


_PLACES = st.sampled_from(FUZZ_PLACES)
_SPRITE_KINDS = st.sampled_from(
    [
        "motion_movesteps",
        "motion_turnright",
        "motion_pointindirection",
        "motion_gotoxy",
        "motion_changexby",
        "motion_sety",
        "motion_goto",
        "motion_pointtowards",
        "motion_glidesecstoxy",
        "motion_glideto",
        "looks_switchcostumeto",
        "looks_nextcostume",
        "looks_switchbackdropto",
        "looks_changeeffectby",
        "looks_seteffectto",
        "looks_cleargraphiceffects",
        "looks_hide",
        "looks_gotofrontback",
        "looks_goforwardbackwardlayers",
        "control_delete_this_clone",
        "pen_penDown",
        "pen_penUp",
        "pen_changePenColorParamBy",
        "pen_setPenSizeTo",
        "pen_changePenShadeBy",
        "sound_setvolumeto",
        "sound_changevolumeby",
        "sound_seteffectto",
        "sensing_setdragmode",
    ]
)
_NUMBER_INPUTS = {
    "sound_setvolumeto": ("VOLUME",),
    "sound_changevolumeby": ("VOLUME",),
    "sound_seteffectto": ("VALUE",),
    "motion_movesteps": ("STEPS",),
    "motion_turnright": ("DEGREES",),
    "motion_pointindirection": ("DIRECTION",),
    "motion_gotoxy": ("X", "Y"),
    "motion_glidesecstoxy": ("X", "Y"),
    "motion_changexby": ("DX",),
    "motion_sety": ("Y",),
    "looks_changeeffectby": ("CHANGE",),
    "looks_seteffectto": ("VALUE",),
    "looks_goforwardbackwardlayers": ("NUM",),
    "pen_changePenColorParamBy": ("VALUE",),
    "pen_setPenSizeTo": ("SIZE",),
    "pen_changePenShadeBy": ("SHADE",),
}


_COSTUME_CHOICES = st.sampled_from(FUZZ_COSTUME_CHOICES)
_BACKDROP_CHOICES = st.sampled_from(FUZZ_BACKDROP_CHOICES)
_EFFECTS = st.sampled_from(FUZZ_EFFECTS)
_CLONE_OPTIONS = st.sampled_from(FUZZ_CLONE_OPTIONS)
_FRONT_BACK = st.sampled_from(["front", "back"])
_FORWARD_BACKWARD = st.sampled_from(["forward", "backward"])
# The choice each block's menu or dropdown takes.
_CHOICES = {
    "sound_seteffectto": st.sampled_from(["PITCH", "PAN", "pan", "ECHO"]),
    "sensing_setdragmode": st.sampled_from(["draggable", "not draggable"]),
    "motion_goto": _PLACES,
    "motion_pointtowards": _PLACES,
    "motion_glideto": _PLACES,
    "looks_switchcostumeto": _COSTUME_CHOICES,
    "looks_switchbackdropto": _BACKDROP_CHOICES,
    "looks_changeeffectby": _EFFECTS,
    "looks_seteffectto": _EFFECTS,
    "looks_gotofrontback": _FRONT_BACK,
    "looks_goforwardbackwardlayers": _FORWARD_BACKWARD,
    "pen_changePenColorParamBy": st.sampled_from(
        ["color", "saturation", "brightness", "transparency", "COLOR"]
    ),
}


@functools.cache
def _sprite_statements(args: tuple[tuple[str, str], ...]) -> st.SearchStrategy[tuple]:
    return fuzz_sprite_statements(args)


@st.composite
def fuzz_sprite_statements(draw: st.DrawFn, args: tuple[tuple[str, str], ...] = ()) -> tuple:
    """One motion, looks or pen block, or delete this clone: ("sprite", opcode, inputs, choice)."""
    kind = draw(_SPRITE_KINDS)
    expr = _expressions(1, args)
    inputs = {name: draw(expr) for name in _NUMBER_INPUTS.get(kind, ())}
    if kind in ("motion_glidesecstoxy", "motion_glideto"):
        inputs = {"SECS": draw(_WAITS), **inputs}  # glides are short, as waits are
    choice = draw(_CHOICES[kind]) if kind in _CHOICES else None
    return ("sprite", kind, inputs, choice)


@st.composite
def fuzz_expressions(
    draw: st.DrawFn, depth: int = 2, args: tuple[tuple[str, str], ...] = ()
) -> tuple:
    """A reporter expression over literals, variables, list items and (inside a custom block) arguments."""
    if depth <= 0 or draw(_ONE_IN_FOUR) == 0:
        return draw(_leaves(args))
    sub = _expressions(depth - 1, args)
    kind = draw(_EXPRESSION_KINDS)
    if kind in ("number", "text", "compare"):
        ops = {"number": _NUMBER_OPS, "text": _TEXT_OPS, "compare": _COMPARISONS}[kind]
        return (draw(ops), draw(sub), draw(sub))
    if kind == "logic":
        op = draw(_LOGIC_OPS)
        return (op, draw(sub)) if op == "operator_not" else (op, draw(sub), draw(sub))
    if kind == "unary":
        op = draw(_UNARY_OPS)
        return ("mathop", draw(_MATHOPS), draw(sub)) if op == "mathop" else (op, draw(sub))
    if kind == "list":
        lst, op = draw(_LIST_NAMES), draw(_LIST_REPORTERS)
        if op == "data_itemoflist":
            return (op, lst, draw(_indices(depth - 1, args)))
        if op in ("data_itemnumoflist", "data_listcontainsitem"):
            return (op, lst, draw(sub))
        return (op, lst) if op == "data_lengthoflist" else ("contents", lst)
    return draw(_OUTSIDE_ARGS)


@st.composite
def fuzz_indices(draw: st.DrawFn, depth: int = 1, args: tuple[tuple[str, str], ...] = ()) -> tuple:
    """A list index: mostly the special words and awkward numbers, sometimes any expression."""
    if draw(_ONE_IN_FOUR) > 0:
        return draw(_INDEX_WORDS)
    return draw(_expressions(depth, args))


@st.composite
def fuzz_statements(
    draw: st.DrawFn,
    depth: int = 2,
    args: tuple[tuple[str, str], ...] = (),
    procedures: tuple[tuple[str, ...], ...] = (),
    broadcasts: bool = True,
) -> list[tuple]:
    """A short block sequence: set/change, list writes, loops, if/else, say, waits, stops, calls, broadcasts.

    Receivers get no broadcasts (`broadcasts=False`), so no message can restart itself for ever.
    """
    expr, index = _expressions(2, args), _indices(1, args)
    kinds = _statement_kinds(depth > 0, bool(procedures), broadcasts)
    out: list[tuple] = []
    for _ in range(draw(_STATEMENT_COUNT)):
        kind = draw(kinds)
        if kind in ("set", "change"):
            out.append((kind, draw(_VARIABLE_NAMES), draw(expr)))
        elif kind == "add":
            out.append(("add", draw(_LIST_NAMES), draw(expr)))
        elif kind in ("insert", "replace"):
            out.append((kind, draw(_LIST_NAMES), draw(index), draw(expr)))
        elif kind == "delete":
            out.append(("delete", draw(_LIST_NAMES), draw(index)))
        elif kind == "deleteall":
            out.append(("deleteall", draw(_LIST_NAMES)))
        elif kind == "say":
            out.append(("say", draw(expr)))
        elif kind == "repeat":
            out.append(
                (
                    "repeat",
                    draw(_REPEAT_COUNTS),
                    draw(_statements(depth - 1, args, procedures, broadcasts)),
                )
            )
        elif kind == "repeat_until":
            out.append(
                (
                    "repeat_until",
                    draw(expr),
                    draw(_statements(depth - 1, args, procedures, broadcasts)),
                )
            )
        elif kind == "if":
            body = _statements(depth - 1, args, procedures, broadcasts)
            out.append(("if", draw(expr), draw(body), draw(st.none() | body)))
        elif kind == "wait":
            out.append(("wait", draw(_WAITS)))
        elif kind == "say_for":
            out.append(("say_for", draw(expr), draw(_WAITS)))
        elif kind == "stop":
            out.append(("stop", draw(_STOPS)))
        elif kind == "wait_until":
            out.append(("wait_until", draw(expr)))
        elif kind == "broadcast":
            message = draw(st.one_of(_MESSAGES.map(lambda m: ("menu", m)), expr))
            out.append(("broadcast", message, draw(st.booleans())))
        elif kind == "clone":
            out.append(("clone", draw(_CLONE_OPTIONS)))
        elif kind == "sprite":
            out.append(draw(_sprite_statements(args)))
        else:
            number = draw(st.integers(0, len(procedures) - 1))
            out.append(("call", number, [draw(st.none() | expr) for _ in procedures[number]]))
    return out


_INITIAL_VALUES = st.one_of(
    fuzz_literals().map(lambda lit: lit[1]),
    st.booleans(),
    st.integers(-5, 5).map(float),
    st.sampled_from([0.1, 2.5, -0.5, 1e21]),
)
_ARG_KINDS = st.lists(st.sampled_from(["s", "b"]), max_size=2)
_WHERE = st.sampled_from(["stage", "sprite"])


_START_XS = st.sampled_from([0, 10.5, -240])
_START_DIRECTIONS = st.sampled_from([90, -45, 180])
_START_COSTUMES = st.integers(0, 2)


@st.composite
def fuzz_programs(draw: st.DrawFn) -> dict:
    """A small project: three stage variables, two lists, up to two custom blocks, two flag scripts, two
    receivers, sprite S's looks and costumes, and what its clones run."""
    procedures: list[dict] = []
    for _ in range(draw(st.integers(0, 2))):
        kinds = tuple(draw(_ARG_KINDS))
        args = tuple((f"x{j}" if k == "s" else f"y{j}", k) for j, k in enumerate(kinds))
        # A block may call only the blocks before it: no recursion, so every program ends.
        body = draw(_statements(1, args, tuple(p["kinds"] for p in procedures)))
        procedures.append({"kinds": kinds, "warp": draw(st.booleans()), "body": body})
    known = tuple(p["kinds"] for p in procedures)
    scripts = [
        (draw(_WHERE), draw(_statements(2, (), known))) for _ in range(draw(st.integers(1, 2)))
    ]
    receivers = [
        (draw(_WHERE), draw(_MESSAGES), draw(_statements(1, (), (), False)))
        for _ in range(draw(st.integers(0, 2)))
    ]
    # Sprite S's clones run these (no clones of clones here: the flag scripts make them).
    clone_scripts = [draw(_statements(1, (), (), False)) for _ in range(draw(st.integers(0, 1)))]
    return {
        "variables": {v: draw(_INITIAL_VALUES) for v in FUZZ_VARIABLES},
        "lists": {name: draw(st.lists(_INITIAL_VALUES, max_size=4)) for name in FUZZ_LISTS},
        "procedures": procedures,
        "scripts": scripts,
        "receivers": receivers,
        "clone_scripts": clone_scripts,
        "looks": {
            "x": draw(_START_XS),
            "direction": draw(_START_DIRECTIONS),
            "currentCostume": draw(_START_COSTUMES),
        },
        "seed": draw(st.integers(0, 2**32 - 1)),
        "turbo": draw(st.booleans()),
    }


# ## Hostile traces (tests/test_trace_hostile.py)
#
# A hostile trace is a real trace made to break the reader: its checksums are valid (recomputed as
# format.TraceWriter computes them), its contents are not. The strategies mutate a base trace the
# test records, so most mutations reach past the first check into the fields behind it.

TRACE_PREAMBLE = 12
CHUNK_HEAD = struct.Struct("<4sBBHIIQIQ")  # format.CHUNK without its trailing header CRC
CHUNK_KIND_CODES = b"HTSEZ"


@dataclass(frozen=True)
class StoredChunk:
    """A chunk as the file holds it: header fields and payload; `origin` is its offset in the base trace."""

    kind: int
    codec: int
    flags: int
    size: int  # the uncompressed length it states
    first: int
    count: int
    step: int
    payload: bytes
    origin: int | None = None

    def raw(self) -> bytes:
        """The payload uncompressed (for the base trace's own chunks)."""
        return zlib.decompress(self.payload) if self.codec else self.payload

    def with_raw(self, raw: bytes) -> "StoredChunk":
        """The same chunk holding other contents, compressed as the writer does, its size stated truly."""
        return replace(self, codec=1, size=len(raw), payload=zlib.compress(raw, 6))


def split_trace(data: bytes) -> tuple[bytes, list[StoredChunk]]:
    """A whole trace's preamble and its chunks."""
    pos, chunks = TRACE_PREAMBLE, []
    while pos < len(data):
        _, kind, codec, flags, length, size, first, count, step = CHUNK_HEAD.unpack_from(data, pos)
        start = pos + CHUNK_HEAD.size + 8
        payload = data[start : start + length]
        chunks.append(StoredChunk(kind, codec, flags, size, first, count, step, payload, pos))
        pos = start + length
    return data[:TRACE_PREAMBLE], chunks


def join_trace(preamble: bytes, chunks: list[StoredChunk], keep_refs: bool = True) -> bytes:
    """Chunks back into a file with valid checksums; with keep_refs, snapshots still find the snapshots they refer to."""
    out, moved = bytearray(preamble), {}
    for chunk in chunks:
        if chunk.origin is not None:
            moved[chunk.origin] = len(out)
        if keep_refs and chunk.kind == ord("S"):
            chunk = _moved_refs(chunk, moved)
        head = CHUNK_HEAD.pack(
            b"TRCK",
            chunk.kind,
            chunk.codec,
            chunk.flags,
            len(chunk.payload),
            chunk.size,
            chunk.first,
            chunk.count,
            chunk.step,
        )
        head += struct.pack("<I", zlib.crc32(chunk.payload))
        out += head + struct.pack("<I", zlib.crc32(head)) + chunk.payload
    return bytes(out)


def _moved_refs(chunk: StoredChunk, moved: dict[int, int]) -> StoredChunk:
    """A snapshot whose references follow the chunks they name to where they now are."""
    try:
        raw = chunk.raw()
        (n,) = struct.unpack_from("<I", raw)
        meta = json.loads(raw[4 : 4 + n])
        refs = [[c, moved.get(at, at)] for c, at in meta["refs"]]
    except (zlib.error, struct.error, ValueError, KeyError, TypeError):
        return chunk  # a hostile snapshot: left as it is
    if refs == meta["refs"]:
        return chunk
    head = json.dumps({**meta, "refs": refs}, sort_keys=True, separators=(",", ":")).encode()
    return chunk.with_raw(struct.pack("<I", len(head)) + head + raw[4 + n :])


def deflate_bomb(size: int, block: int = 1 << 20) -> bytes:
    """A zlib stream of `size` zero bytes made cheaply: one flushed block of zeros, repeated."""
    squeeze = zlib.compressobj(9)
    head = squeeze.compress(bytes(block)) + squeeze.flush(zlib.Z_FULL_FLUSH)
    again = squeeze.compress(bytes(block)) + squeeze.flush(zlib.Z_FULL_FLUSH)
    return head + again * (size // block - 1) + squeeze.flush()


def json_values() -> st.SearchStrategy[object]:
    """Any JSON value, with the numbers a reader must refuse (negative, huge, fractional, non-finite)."""
    leaves = (
        st.none()
        | st.booleans()
        | st.integers(-1, 5)
        | st.integers(-(2**65), 2**65)
        | st.sampled_from([2**31, 2**32, 2**62, 2**63, 2**64, 1.5, 1e308])
        | st.floats()
        | st.text(max_size=12)
    )
    return st.recursive(
        leaves,
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
        ),
        max_leaves=10,
    )


def _places(value: object, path: tuple = ()) -> list[tuple]:
    """Every path to a value inside a JSON document."""
    found = [path]
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _places(inner, (*path, key))
    elif isinstance(value, list):
        for i, inner in enumerate(value[:8]):  # the first rows are enough, and keep this small
            found += _places(inner, (*path, i))
    return found


def _edit(value: object, path: tuple, change: object) -> object:
    """A copy of a JSON document with the value at path changed by `change` (a function of the old value)."""
    if not path:
        return change(value)  # type: ignore[operator]
    copy = dict(value) if isinstance(value, dict) else list(value)  # type: ignore[call-overload]
    copy[path[0]] = _edit(copy[path[0]], path[1:], change)
    return copy


@st.composite
def mutated_json(draw: st.DrawFn, document: object) -> object:
    """A real JSON document with one place changed: replaced, dropped from, grown, or a row cut short."""
    path = draw(st.sampled_from(_places(document)))
    how = draw(st.sampled_from(["replace", "drop", "grow", "swap"]))
    other = draw(json_values())

    def change(old: object) -> object:
        if how == "drop" and isinstance(old, dict) and old:
            gone = draw(st.sampled_from(sorted(old)))
            return {k: v for k, v in old.items() if k != gone}
        if how == "drop" and isinstance(old, list) and old:
            return old[:-1]
        if how == "grow" and isinstance(old, dict):
            return {**old, draw(st.text(max_size=8)): other}
        if how == "grow" and isinstance(old, list):
            return [*old, other]
        if how == "swap" and isinstance(old, list) and len(old) > 1:
            return old[::-1]
        return other

    return _edit(document, path, change)


def _deep(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


@st.composite
def hostile_json_chunk(draw: st.DrawFn, raw: bytes) -> bytes:
    """JSON contents for a JSON chunk: the real document mutated, any JSON, deep nesting, or not JSON."""
    how = draw(st.sampled_from(["mutate", "mutate", "mutate", "any", "deep", "bytes"]))
    if how == "mutate":
        return json.dumps(draw(mutated_json(json.loads(raw)))).encode()
    if how == "any":
        return json.dumps(draw(json_values())).encode()
    if how == "deep":
        return _deep(draw(st.integers(30, 50_000)))
    return draw(st.binary(max_size=64))


@st.composite
def hostile_columns(draw: st.DrawFn, raw: bytes) -> bytes:
    """Contents for a column chunk: its meta mutated, a column replaced, bytes overwritten, or cut or grown."""
    (n,) = struct.unpack_from("<I", raw)
    meta, body = json.loads(raw[4 : 4 + n]), raw[4 + n :]
    how = draw(
        st.sampled_from(
            ["meta", "meta", "column", "column", "column", "bytes", "cut", "grow", "length"]
        )
    )
    if how == "meta":
        head = json.dumps(draw(mutated_json(meta))).encode()
        return struct.pack("<I", len(head)) + head + body
    if how == "column":
        return draw(_hostile_column(raw))
    if how == "bytes" and body:
        at = draw(st.integers(0, len(body) - 1))
        new = draw(st.binary(min_size=1, max_size=8))[: len(body) - at]
        return (
            raw[: 4 + n + at] + new + raw[4 + n + at + len(new) :]
        )  # same length: the columns still line up
    if how == "cut":
        return raw[: draw(st.integers(0, len(raw)))]
    if how == "grow":
        return raw + draw(st.binary(min_size=1, max_size=16))
    return struct.pack("<I", draw(st.integers(0, 2**32 - 1))) + raw[4:]


_COLUMN_DTYPES = ["|u1", "<u2", "<u4", "<u8", "<i4", "<f8"]


@st.composite
def _hostile_column(draw: st.DrawFn, raw: bytes) -> bytes:
    """One column of a chunk with other numbers (boundary values, or any), another size, or another type."""
    meta, cols = codec.unpack(raw)
    name = draw(st.sampled_from(sorted(cols)))
    array = cols[name]
    dtype = np.dtype(draw(st.sampled_from([array.dtype.str, array.dtype.str, *_COLUMN_DTYPES])))
    size = draw(
        st.sampled_from([array.size, array.size, max(array.size - 1, 0), array.size + 1, 0])
    )
    if dtype.kind == "f":
        element = st.floats() | st.sampled_from([0.0, 1.0, 1e308])
    else:
        info = np.iinfo(dtype)
        special = st.sampled_from([0, 1, 2, 6, 7, int(info.max), int(info.min)])
        element = special | st.integers(int(info.min), min(int(info.max), 300))
    values = draw(st.lists(element, min_size=size, max_size=size))
    if (
        dtype == array.dtype and size and draw(st.booleans())
    ):  # most of the real numbers, a few changed
        values = [*array.tolist(), *values][:size]
        for i in draw(st.lists(st.integers(0, size - 1), max_size=3)):
            values[i] = draw(element)
    return pack_columns(meta, {**cols, name: np.array(values, dtype=dtype)})


def pack_columns(meta: dict, cols: dict[str, np.ndarray]) -> bytes:
    """A column payload packed as the writer packs it: the meta's "cols" give the order, the arrays their types."""
    out = codec.Columns()
    for name, _, _, shuffled in meta["cols"]:
        out.add(name, cols[name], shuffle=shuffled)
    return out.packed({k: v for k, v in meta.items() if k != "cols"})[0]


@st.composite
def hostile_payload(draw: st.DrawFn, chunk: StoredChunk) -> StoredChunk:
    """A chunk with hostile contents, well compressed and checksummed."""
    raw = chunk.raw()
    if chunk.kind in (ord("S"), ord("E")):
        return chunk.with_raw(draw(hostile_columns(raw)))
    return chunk.with_raw(draw(hostile_json_chunk(raw)))


@st.composite
def hostile_header(draw: st.DrawFn, chunk: StoredChunk) -> StoredChunk:
    """A chunk whose header states other sizes, counts, positions, kind or codec: near the truth, small, or huge."""
    field = draw(st.sampled_from(["size", "first", "count", "step", "codec", "kind"]))
    big = {"size": 2**32 - 1, "count": 2**32 - 1}.get(field, 2**64 - 1)
    now = getattr(chunk, field)
    near = st.integers(max(now - 2, 0), min(now + 2, big))
    value = draw(near | st.integers(0, 3) | st.integers(0, big) | st.just(big))
    if field == "codec":
        value = draw(st.sampled_from([0, 1, 2]))
    if field == "kind":
        value = draw(st.sampled_from(list(CHUNK_KIND_CODES)))
    return replace(chunk, **{field: value})


@st.composite
def hostile_compression(draw: st.DrawFn, chunk: StoredChunk) -> StoredChunk:
    """Compressed data that does not match its stated size: longer (a small bomb), shorter, cut, or with bytes after it."""
    raw = chunk.raw()
    how = draw(st.sampled_from(["bomb", "longer", "shorter", "cut", "trailing", "stored"]))
    if how == "bomb":
        return replace(chunk, payload=deflate_bomb(draw(st.integers(2, 8)) << 20))
    if how == "longer":
        return replace(chunk, payload=zlib.compress(raw + bytes(draw(st.integers(1, 1 << 16)))))
    if how == "shorter":
        return replace(
            chunk, payload=zlib.compress(raw[: draw(st.integers(0, max(len(raw) - 1, 0)))])
        )
    if how == "cut":
        return replace(chunk, payload=chunk.payload[: draw(st.integers(0, len(chunk.payload) - 1))])
    if how == "trailing":
        return replace(chunk, payload=chunk.payload + draw(st.binary(min_size=1, max_size=8)))
    return replace(chunk, codec=0, payload=raw, size=draw(st.integers(0, 2 * len(raw))))


@st.composite
def _reordered(draw: st.DrawFn, chunks: list[StoredChunk]) -> list[StoredChunk]:
    """The chunks in another order: the header kept first (or not), some dropped, some repeated."""
    head, rest = ([chunks[0]], chunks[1:]) if draw(st.integers(0, 4)) else ([], chunks)
    how = draw(st.sampled_from(["shuffle", "swap", "drop", "repeat"]))
    i, j = sorted(draw(st.lists(st.integers(0, len(rest) - 1), min_size=2, max_size=2)))
    if how == "shuffle":
        rest = draw(st.permutations(rest))
    elif how == "swap":
        rest[i], rest[j] = rest[j], rest[i]
    elif how == "drop":
        del rest[i : j + 1]
    else:
        rest.insert(j, rest[i])
    return head + rest


@st.composite
def hostile_traces(draw: st.DrawFn, base: bytes) -> bytes:
    """A base trace made hostile: one to three chunk rewrites, a reordering, a truncation or bit flips."""
    how = draw(st.sampled_from(["rewrite", "rewrite", "rewrite", "reorder", "cut", "flip"]))
    if how == "cut":
        return base[: draw(st.integers(0, len(base)))]
    if how == "flip":
        data = bytearray(base)
        for at in draw(st.lists(st.integers(0, len(base) * 8 - 1), min_size=1, max_size=3)):
            data[at // 8] ^= 1 << (at % 8)
        return bytes(data)
    preamble, chunks = split_trace(base)
    if how == "reorder":
        return join_trace(preamble, draw(_reordered(chunks)), keep_refs=draw(st.booleans()))
    # Each chunk is rewritten once at most: the rewrites start from a chunk's real contents.
    for i in draw(st.lists(st.integers(0, len(chunks) - 1), min_size=1, max_size=3, unique=True)):
        rewrite = draw(
            st.sampled_from([hostile_payload, hostile_payload, hostile_header, hostile_compression])
        )
        chunks[i] = draw(rewrite(chunks[i]))
    return join_trace(preamble, chunks)


# ## Hostile projects
#
# project.json documents as an attacker or a broken tool might write them, for the loader, linker,
# runtime and debugger (tests/test_sb3_hostile.py): any shape (missing, extra and mistyped keys),
# any depth, numbers a double cannot hold, strings with surrogates, control characters or a
# megabyte of text, links that loop (next, parent, an input that is its own block), and sizes at
# the limits. Mostly the shape scratch-vm writes, so the runtime and the debugger get to run.

HOSTILE_NUMBERS = [0, -0.0, 1, -1, 1.5, 2**53 + 1, 10**30, 1e308, -1e308, 5e-324, 10**400]
HOSTILE_NUMBERS += [-(10**400), math.inf, -math.inf, math.nan]
HOSTILE_TEXTS = [*TRICKY_STRINGS, "\x00", "\x1b[2J", "a\nb", "\r", "\ud800", "\udfff\ud800", "%s"]
HOSTILE_TEXTS += ["%b", "%n", "f %s %b", "[", "]]]", "{", '"', "\\", "__proto__", "constructor"]
HOSTILE_IDS = ["a", "b", "c", "d", "0", "1", "10", "\ud800", "", "a" * 300]
HOSTILE_INPUT_NAMES = ["STRING1", "STRING2", "NUM1", "NUM2", "OPERAND1", "OPERAND2", "CONDITION"]
HOSTILE_INPUT_NAMES += ["SUBSTACK", "SUBSTACK2", "MESSAGE", "TIMES", "INDEX", "ITEM", "VALUE"]
HOSTILE_INPUT_NAMES += ["custom_block", "FROM", "TO", "LETTER", "STRING", "NUM", "DURATION", "arg1"]
HOSTILE_FIELD_NAMES = ["VARIABLE", "LIST", "BROADCAST_OPTION", "OPERATOR", "STOP_OPTION", "VALUE"]
HOSTILE_OPCODES = [op.value for op in Opcode] + ["", "x_y", "pen_clear", "procedures_call"]
HOSTILE_HATS = ["event_whenflagclicked"] * 8 + ["event_whenbroadcastreceived"]
HOSTILE_PROCCODES = ["f %s", "f %s %b", "g", "f %s", "%s", "%b %n"]


@functools.cache
def hostile_strings() -> st.SearchStrategy[str]:
    """Tricky text, sometimes huge: up to a megabyte of one character."""
    huge = st.builds(
        lambda c, n: c * n, st.sampled_from("x\n\ud800[é"), st.sampled_from([300, 100_000, 10**6])
    )
    return st.one_of(st.sampled_from(HOSTILE_TEXTS), st.text(max_size=6), huge)


@functools.cache
def hostile_leaves() -> st.SearchStrategy[object]:
    """One JSON scalar, or a number JSON can write but a double cannot hold."""
    return st.one_of(
        st.none(),
        st.booleans(),
        st.sampled_from(HOSTILE_NUMBERS),
        st.integers(-(2**70), 2**70),
        st.floats(),
        hostile_strings(),
    )


@functools.cache
def hostile_json(max_leaves: int = 6) -> st.SearchStrategy[object]:
    """Any JSON value, small."""
    return st.recursive(
        hostile_leaves(),
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(HOSTILE_IDS), inner)
        ),
        max_leaves=max_leaves,
    )


@functools.cache
def deep_json() -> st.SearchStrategy[object]:
    """Arrays or objects nested 50 to 3,000 deep."""
    return st.builds(
        nested, st.sampled_from([50, 99, 101, 500, 3000]), st.sampled_from(["list", "dict"])
    )


class _DeepList(list):
    """A list nested deep, shown briefly: the printers of test reports recurse into what they show."""

    def __repr__(self) -> str:
        return f"<JSON nested {self.depth} deep>"  # type: ignore[attr-defined]

    def _repr_pretty_(self, printer: object, cycle: bool) -> None:
        printer.text(repr(self))  # type: ignore[attr-defined]


class _DeepDict(dict):
    """An object nested deep, shown briefly."""

    __repr__ = _DeepList.__repr__
    _repr_pretty_ = _DeepList._repr_pretty_


def nested(depth: int, kind: str) -> object:
    """An array (or an object) holding an array (an object) ... `depth` deep."""
    value: object = []
    for _ in range(depth - 2):
        value = [value] if kind == "list" else {"k": value}
    outer = _DeepList([value]) if kind == "list" else _DeepDict(k=value)
    outer.depth = depth  # type: ignore[attr-defined]
    return outer


def _odd(draw: st.DrawFn, wild: bool, good: object, bad: st.SearchStrategy | None = None) -> object:
    """The well-formed value; in a wild project, one time in eight anything at all or a deep nest."""
    choice = draw(st.integers(0, 7)) if wild else 0  # shrinks toward the well-formed value
    if choice < 6:
        return good
    return draw(deep_json() if choice == 7 else bad if bad is not None else hostile_json())


@st.composite
def hostile_slots(draw: st.DrawFn, wild: bool, ids: tuple[str, ...]) -> object:
    """What an input holds: a block id (perhaps its own block's), a compact primitive, or junk."""
    literal = st.tuples(st.integers(4, 10), hostile_leaves()).map(list)
    ref_ids = st.sampled_from(HOSTILE_IDS)
    reference = st.tuples(st.integers(11, 13), hostile_strings(), ref_ids).map(list)
    slot = st.one_of(literal, reference, st.none(), *([st.sampled_from(ids)] if ids else []))
    return draw(slot | hostile_json(max_leaves=3) if wild else slot)


@st.composite
def hostile_mutations(draw: st.DrawFn, wild: bool) -> object:
    """A custom block's mutation: its argument arrays as JSON strings, well or badly formed."""
    names = draw(st.lists(st.sampled_from(["a", "b", "arg1", "\ud800", ""]), max_size=3))
    arrays: dict[str, object] = {
        "argumentids": json.dumps([f"i{n}" for n in names]),
        "argumentnames": json.dumps(names),
        "argumentdefaults": json.dumps(draw(st.lists(hostile_leaves(), max_size=3))),
    }
    bad_arrays = st.one_of(
        st.lists(hostile_json(max_leaves=2), max_size=3).map(json.dumps),
        st.sampled_from([50, 101, 500, 3000]).map(lambda depth: "[" * depth + "]" * depth),
        st.sampled_from(["5", "{}", '"s"', "[", "[NaN]", "[1e400]", "1" + "0" * 400, "null"]),
        hostile_json(max_leaves=2),
    )
    mutation = {
        "tagName": "mutation",
        "children": [],
        "proccode": draw(st.sampled_from(HOSTILE_PROCCODES) | hostile_strings()),
        **{key: _odd(draw, wild, value, bad_arrays) for key, value in arrays.items()},
        "warp": draw(st.sampled_from(["true", "false", True, None, "1"])),
    }
    for key in draw(st.sets(st.sampled_from(sorted(mutation)))):
        del mutation[key]
    return _odd(draw, wild, mutation)


@st.composite
def hostile_blocks(draw: st.DrawFn, wild: bool, block_id: str, ids: tuple[str, ...]) -> object:
    """One block object, or a loose reporter array, with any links, inputs, fields and mutation.

    In a tame project links only point forward (next, inputs) or back (parent), so there are no
    cycles; a wild one links anywhere, a block to itself included.
    """
    if draw(st.integers(0, 9)) == 0:
        kinds = [12, 13, 4] if wild else [12, 13]
        loose = st.tuples(st.sampled_from(kinds), hostile_strings(), st.sampled_from(ids))
        return draw(loose.map(lambda t: [*t, 0, 0]))
    at = ids.index(block_id)
    later, earlier = ids[at + 1 :] or ids[:0], ids[:at]
    forward = st.sampled_from(ids) if wild or not later else st.sampled_from(later)
    back = st.sampled_from(ids) if wild or not earlier else st.sampled_from(earlier)
    slots = hostile_slots(wild, ids if wild else later)
    kinds = st.sampled_from([1, 2, 3, 3, 0, 7] if wild else [1, 2, 3])
    inputs = draw(
        st.dictionaries(
            st.sampled_from(HOSTILE_INPUT_NAMES), st.tuples(kinds, slots, slots), max_size=3
        )
    )
    fields = st.tuples(hostile_strings(), st.none() | st.sampled_from(ids)).map(list)
    opcodes = HOSTILE_OPCODES if at else HOSTILE_HATS + HOSTILE_OPCODES  # a script, often
    block = {
        "opcode": _odd(draw, wild, draw(st.sampled_from(opcodes)), hostile_strings()),
        "next": _odd(draw, wild, draw(forward | st.none()) if later or wild else None),
        "parent": _odd(draw, wild, draw(st.none() | back) if earlier or wild else None),
        "inputs": {n: list(v[:2]) if v[0] != 3 else list(v) for n, v in inputs.items()},
        "fields": draw(st.dictionaries(st.sampled_from(HOSTILE_FIELD_NAMES), fields, max_size=2)),
        "shadow": _odd(draw, wild, False),
        "topLevel": _odd(draw, wild, block_id == ids[0]),
    }
    if draw(st.booleans()):
        block["mutation"] = draw(hostile_mutations(wild))
    if wild:
        for key in draw(st.sets(st.sampled_from(sorted(block)), max_size=1)):
            block[key] = draw(hostile_json(max_leaves=2)) if draw(st.booleans()) else None
    return block


def _chain_of_joins(depth: int) -> dict:
    """A when-flag script saying `depth` joins nested in one another (a long join chain)."""
    blocks: dict = {
        "hat": {"opcode": "event_whenflagclicked", "topLevel": True, "next": "say"},
        "say": {"opcode": "looks_say", "parent": "hat", "inputs": {"MESSAGE": [3, "j0", [10, ""]]}},
    }
    for i in range(depth):
        inner = [3, f"j{i + 1}", [10, ""]] if i + 1 < depth else [1, [10, "z"]]
        blocks[f"j{i}"] = {
            "opcode": "operator_join",
            "inputs": {"STRING1": [1, [10, chr(97 + i % 26)]], "STRING2": inner},
        }
    return blocks


def _nested_ifs(depth: int) -> dict:
    """A when-flag script of `depth` ifs, each inside the one before, all true."""
    blocks: dict = {"hat": {"opcode": "event_whenflagclicked", "topLevel": True, "next": "i0"}}
    for i in range(depth):
        inputs: dict = {"CONDITION": [2, f"not{i}"]}
        if i + 1 < depth:
            inputs["SUBSTACK"] = [2, f"i{i + 1}"]
        blocks[f"i{i}"] = {"opcode": "control_if", "inputs": inputs}
        blocks[f"not{i}"] = {"opcode": "operator_not", "inputs": {}}
    return blocks


@st.composite
def hostile_procedure(draw: st.DrawFn, wild: bool) -> dict:
    """A custom block (hostile mutation and argument names) that a flag script calls, perhaps itself."""
    proccode = draw(st.sampled_from(HOSTILE_PROCCODES) | hostile_strings())
    mutation = draw(hostile_mutations(wild))
    if isinstance(mutation, dict):
        mutation["proccode"] = proccode
    call_mutation = {"tagName": "mutation", "children": [], "proccode": proccode}
    argument = {
        "opcode": draw(
            st.sampled_from(["argument_reporter_string_number", "argument_reporter_boolean"])
        ),
        "fields": {
            "VALUE": [draw(st.sampled_from(["a", "b", "\ud800", ""]) | hostile_strings()), None]
        },
    }
    calls = draw(st.lists(st.sampled_from(["p_hat", "p_call"]), min_size=1, max_size=3))
    args = {"i" + draw(st.sampled_from(["a", "b", ""])): [3, "p_arg", [10, ""]]}
    blocks: dict = {
        "p_def": {"opcode": "procedures_definition", "topLevel": True, "next": "p_body"},
        "p_proto": {"opcode": "procedures_prototype", "shadow": True, "mutation": mutation},
        "p_body": {"opcode": "looks_say", "inputs": {"MESSAGE": [3, "p_arg", [10, ""]]}},
        "p_arg": argument,
        "p_hat": {"opcode": "event_whenflagclicked", "topLevel": True, "next": "p_call"},
        "p_call": {"opcode": "procedures_call", "inputs": args, "mutation": call_mutation},
    }
    blocks["p_def"]["inputs"] = {"custom_block": [1, "p_proto"]}
    if "p_call" in calls[1:] and draw(st.booleans()):  # recursion, with or without warp
        blocks["p_body"]["next"] = "p_again"
        blocks["p_again"] = {"opcode": "procedures_call", "mutation": call_mutation}
    return blocks


@st.composite
def hostile_target_blocks(draw: st.DrawFn, wild: bool) -> object:
    """A target's blocks: a few random ones over a small set of ids, or a stress script."""
    kind = draw(st.sampled_from(["random"] * 6 + ["joins", "ifs", "procedure", "procedure"]))
    if kind == "joins":
        return _chain_of_joins(draw(st.sampled_from([1, 200, 1000, 3000])))
    if kind == "ifs":
        return _nested_ifs(draw(st.sampled_from([1, 300, 1000])))
    ids = tuple(draw(st.lists(st.sampled_from(HOSTILE_IDS), min_size=1, max_size=6, unique=True)))
    blocks = {block_id: draw(hostile_blocks(wild, block_id, ids)) for block_id in ids}
    if kind == "procedure":
        blocks.update(draw(hostile_procedure(wild)))
    return _odd(draw, wild, blocks)


@st.composite
def hostile_targets(draw: st.DrawFn, wild: bool, stage: bool) -> object:
    """A stage or sprite with hostile names, declarations, blocks and unmodelled keys."""
    entry = st.tuples(hostile_strings(), hostile_leaves()).map(list)
    items = st.lists(hostile_leaves(), max_size=4)
    if draw(st.integers(0, 20)) == 0:
        items = st.just(["1"] * 200_001)  # one past the VM's limit
    ids = st.sampled_from(HOSTILE_IDS)
    lists = st.dictionaries(ids, st.tuples(hostile_strings(), items).map(list), max_size=2)
    target = {
        "isStage": _odd(draw, wild, stage),
        "name": _odd(draw, wild, "Stage" if stage else draw(st.sampled_from(["Cat", "Stage", ""]))),
        "variables": _odd(draw, wild, draw(st.dictionaries(ids, entry, max_size=3))),
        "lists": _odd(draw, wild, draw(lists)),
        "broadcasts": _odd(draw, wild, draw(st.dictionaries(ids, hostile_strings(), max_size=2))),
        "blocks": draw(hostile_target_blocks(wild)),
        "costumes": _odd(draw, wild, []),
        "sounds": _odd(draw, wild, []),
        "layerOrder": _odd(draw, wild, 0 if stage else 1, st.sampled_from(HOSTILE_NUMBERS)),
    }
    if wild:
        for key in draw(st.sets(st.sampled_from(sorted(target)), max_size=1)):
            del target[key]
    if draw(st.booleans()):
        target[draw(st.sampled_from(["x", "tempo", "comments", "\ud800"]))] = draw(hostile_json())
    return _odd(draw, wild, target)


@st.composite
def hostile_projects(draw: st.DrawFn) -> object:
    """A whole project.json document (as parsed JSON): half of them wild, half well-shaped."""
    wild = draw(st.booleans())
    sprites = draw(st.lists(hostile_targets(wild, stage=False), max_size=2))
    doc = {
        "targets": _odd(draw, wild, [draw(hostile_targets(wild, stage=True)), *sprites]),
        "monitors": _odd(draw, wild, []),
        "extensions": _odd(draw, wild, []),
        "meta": _odd(draw, wild, {"semver": "3.0.0"}),
    }
    if wild:
        for key in draw(st.sets(st.sampled_from(sorted(doc)), max_size=1)):
            del doc[key]
    return _odd(draw, wild, doc)
