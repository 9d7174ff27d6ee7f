"""Hypothesis strategies for Scratch values, shared by every test module."""

from hypothesis import strategies as st

from emulator.values import Value

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
