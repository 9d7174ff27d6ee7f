"""Hypothesis strategies for Scratch values, shared by every test module."""

import functools
import json
import math

from hypothesis import strategies as st

from emulator.opcodes import Opcode
from emulator.values import Value, number_to_string

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


# ## Random programs for the differential fuzzer (tests/test_fuzz_vm.py)
#
# Programs are plain data (tuples, lists, dicts), so Hypothesis can shrink them and a failure's repr
# can be pasted into tests/conformance/cases/fuzz_found.py; tests/conformance/cases/_fuzz.py turns
# them into project.json. Expressions: ("lit", text), ("num", a JSON number), ("var", name),
# ("contents", list), ("arg", name, kind), ("timer",), (opcode, *operands) for operators and list
# reporters, ("mathop", op, x). Loops that could run for ever are bounded by construction.

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


@functools.cache
def _leaves(args: tuple[tuple[str, str], ...]) -> st.SearchStrategy[tuple]:
    leaves = [fuzz_literals(), _VARIABLE_NAMES.map(lambda v: ("var", v)), st.just(("timer",))]
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
    kinds += ["broadcast", "wait_until"] if broadcasts else []
    return st.sampled_from(kinds)


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


@st.composite
def fuzz_programs(draw: st.DrawFn) -> dict:
    """A small project: three stage variables, two lists, up to two custom blocks, two flag scripts, two receivers."""
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
    return {
        "variables": {v: draw(_INITIAL_VALUES) for v in FUZZ_VARIABLES},
        "lists": {name: draw(st.lists(_INITIAL_VALUES, max_size=4)) for name in FUZZ_LISTS},
        "procedures": procedures,
        "scripts": scripts,
        "receivers": receivers,
        "seed": draw(st.integers(0, 2**32 - 1)),
        "turbo": draw(st.booleans()),
    }


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
