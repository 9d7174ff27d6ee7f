"""The day3 MLP in Scratch against its NumPy reference: exact training, softmax, the buggy variant, 0 epochs, Scratch math."""

from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from emulator.programs import day3_reference as reference
from emulator.programs.data.mnist14.load import load_split
from emulator.programs.day3 import PROGRAM
from emulator.programs.day3_layout import Layout, Slice
from emulator.programs.day3_mlp import build
from emulator.runtime.runtime import Runtime
from emulator.values import Value, compare, js_number, to_number
from tests import strategies

HEAVY = settings(max_examples=40, deadline=None)

# The default 196-20-8-4-10 network on the first real MNIST samples.
_TRAIN, _TEST = load_split("train"), load_split("test")
MNIST_PARAMS: dict[str, Any] = {
    "layers": (196, 20, 8, 4, 10),
    "epochs": 1,
    "train": 3,
    "test": 2,
    "lr": 0.5,
    "init": 1.0,
    "seed": 0,
    "train_images": _TRAIN[0][:3],
    "train_labels": _TRAIN[1][:3],
    "test_images": _TEST[0][:2],
    "test_labels": _TEST[1][:2],
}

# Unit roundoff of doubles: one rounding to nearest is off by a factor (1 + d) with |d| <= U.
U = 2.0**-53


# ## Helpers


def start(params: dict[str, Any]) -> Runtime:
    """The program built from params, run up to its mark: weights initialised, nothing tested or learned."""
    rt = Runtime(build(**params), seed=params["seed"])
    rt.green_flag()
    assert PROGRAM.mark is not None and rt.run_until(PROGRAM.mark.reached(rt)) is not None
    return rt


def items(rt: Runtime, name: str) -> list[Value]:
    """A copy of a stage list's items as the program holds them."""
    return list(rt.stage.list(None, name).items)


def floats(rt: Runtime, name: str) -> np.ndarray:
    """A stage list read as numbers; NaN stays NaN (to_number would read it as 0 and hide it)."""
    return np.array([js_number(v) for v in rt.stage.list(None, name).items], dtype=np.float64)


def data(params: dict[str, Any]) -> dict[str, np.ndarray]:
    """The samples the program was given, as the reference's pixel matrices and label vectors."""
    n_in = params["layers"][0]

    def pixels(images: list[str]) -> np.ndarray:
        return np.array([[float(c) for c in s] for s in images], dtype=np.float64).reshape(
            len(images), n_in
        )

    def labels(values: list[str]) -> np.ndarray:
        return np.array([int(v) for v in values], dtype=np.int64)

    return {
        "train_x": pixels(params["train_images"]),
        "train_y": labels(params["train_labels"]),
        "test_x": pixels(params["test_images"]),
        "test_y": labels(params["test_labels"]),
    }


def flat_activations(layout: Layout, outputs: list[np.ndarray]) -> np.ndarray:
    """The reference's per-layer outputs laid out as the program's `activations` list."""
    flat = np.zeros(layout.activations_length)
    for layer, out in enumerate(outputs, start=1):
        offset = layout.activation_offset(layer)
        flat[offset : offset + len(out)] = out
    return flat


def flat_deltas(layout: Layout, deltas: list[np.ndarray]) -> np.ndarray:
    """The reference's deltas (layer 2 first) laid out as the program's `deltas` list (output layer first)."""
    flat = np.zeros(layout.deltas_length)
    for layer, d in enumerate(deltas, start=2):
        offset = layout.delta_offset(layer)
        flat[offset : offset + len(d)] = d
    return flat


def weight_slices(layout: Layout) -> list[Slice]:
    """W1, B1, W2, B2, ...: the slices of `weights`."""
    return [s for s in layout.slices() if s.list_name == "weights"]


def span(s: Slice) -> slice:
    """The 0-based Python slice of a layout Slice (whose items are 1-based, inclusive)."""
    return slice(s.start - 1, s.end)


def scratch_changed(before: list[Value], after: list[Value]) -> bool:
    """Whether Scratch would call any item different ("0" and 0 are the same)."""
    return any(compare(a, b) != 0 for a, b in zip(before, after, strict=True))


# ## 1. The fixed program is the reference, bit for bit


@example(params=MNIST_PARAMS)
@HEAVY
@given(params=strategies.day3_params())
def test_fixed_program_trains_exactly_as_the_reference(params: dict[str, Any]) -> None:
    """In lut mode the fixed program's activations, deltas and weights after its first epoch of training, and
    its final weights, per-epoch mean losses and accuracies, equal the reference's exactly."""
    layout, lr = Layout(params["layers"]), to_number(params["lr"])
    rt = start(params)
    initial = floats(rt, "weights")
    epoch_loss = rt.stage.list(None, "epoch_loss")
    # epoch_loss gets its first item after the last sample of epoch 1 and before that epoch's test pass,
    # which would overwrite `activations`: here they still hold that sample's forward pass.
    assert rt.run_until(lambda thread, stmt: len(epoch_loss.items) == 1) is not None

    samples = data(params)
    weights, outputs, deltas = initial, [], []
    for x, y in zip(samples["train_x"], samples["train_y"], strict=True):
        outputs = reference.forward(layout, weights, x, "lut")
        deltas = reference.backward(layout, weights, outputs, int(y))
        weights = reference.update(layout, weights, outputs, deltas, lr)
    assert np.array_equal(floats(rt, "activations"), flat_activations(layout, outputs))
    assert np.array_equal(floats(rt, "deltas"), flat_deltas(layout, deltas))
    assert np.array_equal(floats(rt, "weights"), weights)

    assert rt.run_until(None) is None
    history = reference.train(layout, initial, samples, params["epochs"], lr, "lut")
    assert np.array_equal(floats(rt, "weights"), history.weights)
    assert floats(rt, "epoch_loss").tolist() == history.mean_loss
    assert floats(rt, "epoch_accuracy").tolist() == history.accuracy


# Found while writing these tests: with no training (or no test) samples the program divides 0 by 0
# and records NaN; the reference now does the same.
@pytest.mark.parametrize(("train", "test"), [(0, 1), (1, 0)])
def test_empty_sample_sets_agree_with_the_reference(train: int, test: int) -> None:
    """With no training (or no test) samples the program's mean loss and accuracy equal the reference's."""
    params = {
        "layers": (2, 2),
        "epochs": 1,
        "train": train,
        "test": test,
        "lr": 0.5,
        "init": 1,
        "seed": 0,
        "train_images": ["11"] * train,
        "train_labels": ["0"] * train,
        "test_images": ["11"] * test,
        "test_labels": ["0"] * test,
    }
    rt = start(params)
    initial = floats(rt, "weights")
    rt.run_until(None)
    history = reference.train(Layout((2, 2)), initial, data(params), 1, 0.5, "lut")
    assert np.array_equal(floats(rt, "epoch_loss"), history.mean_loss, equal_nan=True)
    assert np.array_equal(floats(rt, "epoch_accuracy"), history.accuracy, equal_nan=True)


# ## 2. Softmax


@HEAVY
@given(params=strategies.day3_params(epochs=(0, 1)), math=st.sampled_from(["lut", "scratch"]))
def test_softmax_outputs_sum_to_one(params: dict[str, Any], math: str) -> None:
    """The output layer's activations lie in [0, 1] and sum to 1 within (n + 1) units of roundoff for n outputs,
    with the lookup tables and with Scratch's `e ^`."""
    layout = Layout(params["layers"])
    rt = start({**params, "math": math})
    rt.run_until(None)
    n = layout.sizes[-1]
    offset = layout.activation_offset(layout.layer_count)
    out = floats(rt, "activations")[offset : offset + n]
    assert np.all((out >= 0) & (out <= 1))
    # Whatever exp values e_j the table or e^ gave (the table's error cancels in the division), the program
    # sums them one at a time, S = sum(e) * (1 + eta) with |eta| <= g = (n-1)U / (1 - (n-1)U), and each output
    # is (e_j / S)(1 + d_j) with |d_j| <= U. Summed exactly (as Fractions, no further rounding) the outputs
    # give (1 + d) / (1 + eta) with d a weighted mean of the d_j, which is within (U + g) / (1 - g) of 1:
    # below (n + 1) U for every n this test draws. The largest e_j is e^0 = 1, so S >= 1 and nothing underflows.
    total = sum((Fraction(float(v)) for v in out), Fraction(0))
    assert abs(total - 1) <= (n + 1) * Fraction(U)


# ## 3. The buggy variant


@HEAVY
@given(params=strategies.day3_params(layers=strategies.mlp_layers(min_outputs=2), epochs=(1, 1)))
def test_buggy_program_never_updates_the_first_layer(params: dict[str, Any]) -> None:
    """The buggy program leaves every item of W1 and B1 as it was, where the reference changes B1 (and W1 when
    a training pixel is 1), and changes every other weight slice that the reference changes."""
    # Buggy get_delta_offset puts layer l's deltas at sum(sizes[l-1:]), one layer too far: layer 2's (W1, B1)
    # start at len(deltas), so Scratch drops the writes and reads "" (0) back. With two layers, layer 2 is the
    # output layer: W1 and B1 are all the weights, and the buggy program learns nothing at all.
    layout, lr = Layout(params["layers"]), to_number(params["lr"])
    rt = start({**params, "variant": "buggy"})
    before = items(rt, "weights")
    rt.run_until(None)
    after = items(rt, "weights")
    # Writes past the end of `deltas` are dropped, not appended.
    assert len(items(rt, "deltas")) == layout.deltas_length

    initial = np.array([to_number(v) for v in before])
    history = reference.train(layout, initial, data(params), params["epochs"], lr, "lut")
    ref_changed = {
        s.name: bool(np.any(history.weights[span(s)] != initial[span(s)]))
        for s in weight_slices(layout)
    }
    # With two or more outputs the output deltas are nonzero, and so (generically) is every hidden delta.
    assert ref_changed["B1"]
    assert ref_changed["W1"] == ("1" in "".join(params["train_images"]))

    for s in weight_slices(layout):
        changed = scratch_changed(before[span(s)], after[span(s)])
        if s.name in ("W1", "B1"):
            assert not changed, s.name
        elif ref_changed[s.name]:
            assert changed, s.name


# ## 4. Zero epochs


@HEAVY
@given(params=strategies.day3_params(epochs=(0, 0)), other_epochs=st.integers(1, 3))
def test_zero_epochs_only_initialise_and_test(params: dict[str, Any], other_epochs: int) -> None:
    """With 0 epochs the program initialises the weights (the same ones, for the same seed, as with any number of
    epochs), tests once with them as the reference does, records no loss, and changes no weight."""
    layout = Layout(params["layers"])
    rt = start(params)
    initial = items(rt, "weights")
    assert items(start({**params, "epochs": other_epochs}), "weights") == initial

    init = abs(to_number(params["init"]))
    assert len(initial) == layout.weights_length
    for s in weight_slices(layout):
        values = np.array([to_number(v) for v in initial[span(s)]])
        # Weights are (pick random -1.0 to 1.0) * INIT_SCALE, so within the scale; biases start at 0.
        bound = init if s.name.startswith("W") else 0.0
        assert np.all(np.abs(values) <= bound), s.name

    assert rt.run_until(None) is None
    assert items(rt, "weights") == initial
    assert items(rt, "epoch_loss") == []
    samples, weights = data(params), np.array([to_number(v) for v in initial])
    assert floats(rt, "epoch_accuracy").tolist() == [
        reference.accuracy(layout, weights, samples["test_x"], samples["test_y"], "lut")
    ]
    # The test pass is a forward pass; the last test sample's stays in `activations`.
    outputs = reference.forward(layout, weights, samples["test_x"][-1], "lut")
    assert np.array_equal(floats(rt, "activations"), flat_activations(layout, outputs))


# ## 5. Scratch's own exp and ln


def mathop_options(params: dict[str, Any]) -> set[str]:
    """The options of every `mathop` block in the built program."""
    project = build(**params)
    return {
        str(block.fields["OPERATOR"].value)
        for target in project.targets
        for block in target.blocks.values()
        if block.opcode == "operator_mathop"
    }


def test_scratch_math_uses_mathops_and_no_tables() -> None:
    """math="scratch" computes exp and log with the `e ^` and `ln` blocks and leaves the tables empty."""
    params = {**MNIST_PARAMS, "math": "scratch"}
    assert {"e ^", "ln"} <= mathop_options(params)
    assert mathop_options(MNIST_PARAMS).isdisjoint({"e ^", "ln"})
    rt = Runtime(build(**params))
    assert items(rt, "exp_lut") == [] and items(rt, "log_lut") == []


@HEAVY
@given(params=strategies.day3_params())
def test_scratch_math_matches_the_exact_reference(params: dict[str, Any]) -> None:
    """With math="scratch" the program's weights and mean losses match the reference in "exact" mode to 1e-9,
    and its accuracies equal the reference's."""
    layout, lr = Layout(params["layers"]), to_number(params["lr"])
    rt = start({**params, "math": "scratch"})
    initial = floats(rt, "weights")
    rt.run_until(None)
    history = reference.train(layout, initial, data(params), params["epochs"], lr, "exact")
    # Everything but exp and log is the same double arithmetic in the same order, so the only differences are
    # the `e ^` and `ln` blocks' exp and log against NumPy's np.exp and np.log: each within a few ulps of the
    # true value, so a relative 1e-15 apart. At most 8 SGD steps through layers of 12 neurons, with
    # weights of a few units and learning rates up to 2, grow that by far less than the 10^6 that 1e-9 allows
    # (the worst difference seen over hundreds of runs is 2e-14). atol covers weights near 0, whose relative
    # difference means nothing; weights and losses are of order 1.
    np.testing.assert_allclose(floats(rt, "weights"), history.weights, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(floats(rt, "epoch_loss"), history.mean_loss, rtol=1e-9, atol=1e-9)
    # A 1e-15 change flips an argmax only between outputs that near-tie; exact ties come out equal both ways.
    assert floats(rt, "epoch_accuracy").tolist() == history.accuracy
