"""`scratch-emu run spiral`: the spiral TwoLayerNet and what it declares: mark, slices, reference, layer map, progress."""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np

from emulator.program import (
    RANDOM_AT_MARK,
    Curve,
    ItemRange,
    LayerMap,
    LayerRanges,
    Mark,
    OffsetProbe,
    Offsets,
    ProgramSpec,
    Progress,
    ReferenceStep,
    VariableGroup,
)
from emulator.programs import spiral_reference as reference
from emulator.programs.spiral_layout import INPUTS, Layout, spiral
from emulator.programs.spiral_net import DEFAULTS, add_arguments, build
from emulator.rng import JsRandom
from emulator.runtime.runtime import Runtime
from emulator.runtime.state import Snapshot
from emulator.slices import Slice
from emulator.values import Value, to_number

__all__ = ["PROGRAM", "config", "data", "parse", "reference_run", "slices"]


def parse(argv: list[str]) -> dict[str, Any]:
    """Parameters from command-line words, for tests and scripts."""
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return vars(parser.parse_args(argv))


def layout(params: dict[str, Any]) -> Layout:
    """The layout for these parameters."""
    p = {**DEFAULTS, **params}
    return Layout(p["hidden"], p["batch"])


def slices(params: dict[str, Any]) -> list[Slice]:
    """dW1, db1, dW2, db2 of `grads`, then W1, b1, W2, b2 of `params`."""
    return layout(params).slices()


def config(params: dict[str, Any]) -> reference.Config:
    """The reference's settings for these parameters."""
    p = {**DEFAULTS, **params}
    mode = "lut" if p["math"] == "lut" else "exact"
    return reference.Config(layout(p), p["epochs"], p["lr"], mode, p["variant"] == "buggy")


def data(params: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """The points and their arms, as the program's lists hold them."""
    p = {**DEFAULTS, **params}
    return spiral(p["points"], p["data_seed"])


def reference_run(params: dict[str, Any], seed: int) -> reference.History:
    """The reference's whole run with `pick random` seeded as `--seed` seeds the program's."""
    rng = JsRandom(seed)
    c = config(params)
    start = reference.init_params(c.layout, {**DEFAULTS, **params}["init"], rng)
    x, t = data(params)
    return reference.train(c, start, x, t, rng)


# ## What the debugger needs to know


def _floats(items: Sequence[Value]) -> np.ndarray:
    return np.array([to_number(v) for v in items], dtype=np.float64)


def reference_steps(params: dict[str, Any], initial: dict[str, list[Any]]) -> list[ReferenceStep]:
    """The reference's `params` after each mini-batch, from the params and `pick random` at the mark."""
    p = {**DEFAULTS, **params}
    state = p.get(RANDOM_AT_MARK)
    if p["check_gradient"] or state is None:
        return []  # no training: nothing to compare; no generator state: no shuffle to draw
    rng = JsRandom()
    rng.setstate(state)
    steps: list[ReferenceStep] = []

    def keep(epoch: int, iteration: int, flat: np.ndarray, grads: np.ndarray) -> None:
        lists = {"params": [float(v) for v in flat], "grads": [float(v) for v in grads]}
        steps.append(ReferenceStep(epoch, iteration, lists))

    x = _floats(initial["x_data"]).reshape(-1, INPUTS)
    t = _floats(initial["t_data"]).astype(np.int64)
    # The textbook's network, whichever variant runs: the reference is what the program should do.
    correct = dataclasses.replace(config(p), buggy=False)
    reference.train(correct, _floats(initial["params"]), x, t, rng, keep)
    return steps


def layer_ranges(sizes: Sequence[int], offsets: Offsets) -> list[LayerRanges]:
    """Each layer's weights and biases in `params`, and their gradients in `grads`, from the offsets `param offset` returned."""
    rows = []
    for layer in range(2, len(sizes) + 1):
        n_in, size = sizes[layer - 2], sizes[layer - 1]
        w = offsets.get("params", {}).get(layer)
        if w is None:
            rows.append(LayerRanges(layer, size, dict.fromkeys(("weights", "biases", "gradients"))))
            continue
        w, b, end = int(w), int(w) + n_in * size, int(w) + n_in * size + size
        parts = {
            "weights": ItemRange("params", w + 1, b),
            "biases": ItemRange("params", b + 1, end),
            "gradients": ItemRange("grads", w + 1, end),  # the same layout as params
        }
        rows.append(LayerRanges(layer, size, parts))
    return rows


def progress(runtime: Runtime, params: dict[str, Any]) -> Progress:
    """Mini-batches done of all, and a line with the epoch and the last loss."""
    p = {**DEFAULTS, **params}
    var = runtime.stage.variable
    iters = (3 * p["points"]) // p["batch"]
    done = to_number(var(None, "iteration").value)
    epoch, loss = to_number(var(None, "epoch").value), to_number(var(None, "loss").value)
    return Progress(
        done, float(p["epochs"] * iters), f"epoch {epoch:g}/{p['epochs']} loss {loss:.4f}"
    )


def summary(runtime: Runtime, marked: Snapshot | None, params: dict[str, Any]) -> str:
    """The settings, the first and last mean loss printed, and the final accuracy."""
    p = {**DEFAULTS, **params}
    net = (
        f"spiral ({p['variant']}): 2-{p['hidden']}-3, {3 * p['points']} points, {p['math']} exp/ln"
    )
    if p["check_gradient"]:
        return f"{net}: gradient check (h = 1e-4) on the first mini-batch of {p['batch']}"
    lines = [f"{net}, lr {p['lr']:g}, batch {p['batch']}, {p['epochs']} epoch(s)"]
    if marked is None:
        return "\n".join([*lines, "(the run stopped before training started)"])
    curve = runtime.stage.list(None, "loss_curve").items
    if curve:
        first, last = to_number(curve[0]), to_number(curve[-1])
        lines.append(f"mean loss: first printed {first:.4f}, last {last:.4f}")
    accuracy = to_number(runtime.stage.variable(None, "accuracy").value)
    lines.append(f"training accuracy {accuracy:.3f}")
    return "\n".join(lines)


PROGRAM = ProgramSpec(
    name="spiral",
    build=build,
    add_arguments=add_arguments,
    # explain needs a few mini-batches, not the textbook's 3,000.
    explain_defaults={"points": 10, "batch": 10, "epochs": 2, "grid": 0},
    slices=slices,
    # Training starts: the parameters are drawn and nothing has been learned.
    mark=Mark("phase", "train"),
    reference_steps=reference_steps,
    reference_tolerance=lambda params: 0.0,  # bit-exact in both modes
    loss_variable="loss",  # the mini-batch's loss, written once per forward pass
    layer_map=LayerMap(
        sizes_list="layer_size",
        probes=(OffsetProbe("param offset", "params", "p_layer", "p_offset"),),
        ranges=layer_ranges,
    ),
    variable_groups=(
        VariableGroup(r"(af|ab|sf|sb|slb|sl|sh|ac|gc|rg)_", "{prefix} locals", per_match=True),
        VariableGroup("p_", "p_ arguments and results"),
        VariableGroup("u_", "u_ utilities"),
        VariableGroup("", "others"),
        VariableGroup(r"[A-Z][A-Z0-9_]*$", "constants"),
    ),
    status_variables=("epoch", "iteration", "loss"),
    sample_variable="iteration",  # each mini-batch starts with a write of it
    curves=(Curve("loss_curve", "mean loss every 10 iterations"),),
    progress=progress,
    summary=summary,
)
