"""`scratch-emu run day3`: the day3 program and what it declares: mark, slices, reference, layer map, progress."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from emulator.program import (
    Curve,
    ItemRange,
    LayerMap,
    LayerRanges,
    Mark,
    OffsetProbe,
    Offsets,
    PictureLabel,
    ProgramSpec,
    Progress,
    ReferenceStep,
    VariableGroup,
)
from emulator.programs import day3_reference
from emulator.programs.day3_layout import Layout, Slice
from emulator.programs.day3_mlp import DEFAULTS, add_arguments, build, program_data
from emulator.project import Project
from emulator.runtime.runtime import Runtime
from emulator.runtime.state import Snapshot, lists_by_name
from emulator.values import compare, to_number

__all__ = ["PROGRAM", "day3_program", "progress", "reference_lists", "slices", "summary"]


def slices(params: dict[str, Any]) -> list[Slice]:
    """The named slices of the program's lists for these parameters."""
    return Layout(tuple(params.get("layers", DEFAULTS["layers"]))).slices()


def progress(runtime: Runtime, params: dict[str, Any]) -> Progress:
    """Samples done of all, and a line about the epoch and the running loss."""
    p = {**DEFAULTS, **params}
    var = runtime.stage.variable
    epoch, sample = to_number(var(None, "epoch").value), to_number(var(None, "sample").value)
    done = max(0.0, (epoch - 1) * p["train"] + sample - 1) if epoch > 0 else 0.0
    loss = to_number(var(None, "loss_sum").value) / max(1.0, sample - 1)
    return Progress(
        done, float(p["epochs"] * p["train"]), f"epoch {epoch:g}/{p['epochs']} loss {loss:.3f}"
    )


def _list_floats(runtime: Runtime, name: str) -> list[float]:
    return [to_number(v) for v in runtime.stage.list(None, name).items]


def _reference(
    params: dict[str, Any],
    initial: np.ndarray,
    on_step: Callable[[int, int, np.ndarray], None] | None = None,
) -> day3_reference.History:
    mode = "lut" if params["math"] == "lut" else "exact"
    return day3_reference.train(
        Layout(tuple(params["layers"])),
        initial,
        reference_data(params),
        params["epochs"],
        params["lr"],
        mode,
        on_step,
    )


def reference_data(params: dict[str, Any]) -> dict[str, np.ndarray]:
    """The samples the program trains and tests on (the very lists it was built with), as arrays."""
    p = {**DEFAULTS, **params}
    data = program_data(p, Layout(tuple(p["layers"])))

    def pixels(images: list[str]) -> np.ndarray:
        return np.array([[float(c) for c in image] for image in images]).reshape(
            len(images), p["layers"][0]
        )

    def labels(items: list[str]) -> np.ndarray:
        return np.array([int(y) for y in items], dtype=np.int64)

    return {
        "train_x": pixels(data["train_images"]),
        "train_y": labels(data["train_labels"]),
        "test_x": pixels(data["test_images"]),
        "test_y": labels(data["test_labels"]),
    }


def summary(runtime: Runtime, marked: Snapshot | None, params: dict[str, Any]) -> str:
    """Accuracy and loss per epoch beside the reference's, and how much of each slice changed."""
    p = {**DEFAULTS, **params}
    lines = [
        f"day3 ({p['variant']}): layers {'-'.join(map(str, p['layers']))}, lr {p['lr']:g}, "
        f"init +-{p['init']:g}, {p['train']} train / {p['test']} test samples, {p['epochs']} epoch(s), "
        f"{p['math']} exp/log"
    ]
    if marked is None:
        return "\n".join([*lines, "(the run stopped before training started)"])
    initial = lists_by_name(runtime.targets, marked)["weights"]
    ref = _reference(p, np.array([to_number(v) for v in initial]))
    lines += _epoch_table(runtime, ref)
    lines += _slice_table(runtime, initial, ref, p)
    return "\n".join(lines)


def _epoch_table(runtime: Runtime, ref: day3_reference.History) -> list[str]:
    acc, loss = _list_floats(runtime, "epoch_accuracy"), _list_floats(runtime, "epoch_loss")
    rows = ["", "epoch  test accuracy (emulator / reference)  mean loss (emulator / reference)"]
    for e, ref_acc in enumerate(ref.accuracy):
        emu_acc = f"{acc[e]:.3f}" if e < len(acc) else "-"
        emu_loss = f"{loss[e - 1]:.4f}" if 0 < e <= len(loss) else "-"
        ref_loss = f"{ref.mean_loss[e - 1]:.4f}" if e > 0 else "-"
        rows.append(f"{e:>5}  {emu_acc:>8} / {ref_acc:<8.3f}{'':19}{emu_loss:>8} / {ref_loss}")
    return rows


def _slice_table(
    runtime: Runtime, initial: list[Any], ref: day3_reference.History, p: dict[str, Any]
) -> list[str]:
    final = runtime.stage.list(None, "weights").items
    rows = ["", "slice of weights  items changed since initialisation   (reference)"]
    start = np.array([to_number(v) for v in initial])
    for s in slices(p):
        if s.list_name != "weights":
            continue
        changed = sum(
            compare(a, b) != 0
            for a, b in zip(initial[s.start - 1 : s.end], final[s.start - 1 : s.end], strict=True)
        )
        ref_changed = int(
            np.count_nonzero(ref.weights[s.start - 1 : s.end] != start[s.start - 1 : s.end])
        )
        rows.append(
            f"{s.name:<4} {'x'.join(map(str, s.shape)):>7}  {changed:>6}/{s.size:<6}"
            f"{'':22}({ref_changed}/{s.size})"
        )
    return rows


def parse(argv: list[str]) -> dict[str, Any]:
    """Parameters from command-line words, for tests and scripts."""
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return vars(parser.parse_args(argv))


# ## What the debugger needs to know


def reference_lists(
    params: dict[str, Any], initial: dict[str, list[Any]]
) -> dict[str, list[float]]:
    """The reference's `weights` after the same training from the same initial weights."""
    p = {**DEFAULTS, **params}
    ref = _reference(p, np.array([to_number(v) for v in initial["weights"]]))
    return {"weights": np.asarray(ref.weights, dtype=np.float64).tolist()}


def reference_steps(params: dict[str, Any], initial: dict[str, list[Any]]) -> list[ReferenceStep]:
    """The reference's `weights` after each training sample, from the same initial weights."""
    p = {**DEFAULTS, **params}
    steps: list[ReferenceStep] = []

    def keep(epoch: int, sample: int, weights: np.ndarray) -> None:
        steps.append(
            ReferenceStep(
                epoch, sample, {"weights": np.asarray(weights, dtype=np.float64).tolist()}
            )
        )

    _reference(p, np.array([to_number(v) for v in initial["weights"]]), keep)
    return steps


def reference_tolerance(params: dict[str, Any]) -> float:
    """0 with the lookup tables (the reference is bit-exact); Scratch's e^ and ln against NumPy's differ
    in the last bits, which training carries on: 1e-9 leaves room for that and for nothing else."""
    return 0.0 if {**DEFAULTS, **params}["math"] == "lut" else 1e-9


def layer_ranges(sizes: Sequence[int], offsets: Offsets) -> list[LayerRanges]:
    """Each layer's activations, weights, biases and deltas, from the offsets the program computed."""
    rows = []
    for layer, size in enumerate(sizes, start=1):
        parts = {"activations": _range(offsets, "activations", layer, size)}
        if layer >= 2:
            n_in = sizes[layer - 2]
            w = offsets.get("weights", {}).get(layer)
            parts["weights"] = (
                None if w is None else ItemRange("weights", int(w) + 1, int(w) + n_in * size)
            )
            parts["biases"] = (
                None
                if w is None
                else ItemRange("weights", int(w) + n_in * size + 1, int(w) + n_in * size + size)
            )
            parts["deltas"] = _range(offsets, "deltas", layer, size)
        rows.append(LayerRanges(layer, size, parts))
    return rows


def _range(offsets: Offsets, list_name: str, layer: int, size: int) -> ItemRange | None:
    off = offsets.get(list_name, {}).get(layer)
    return None if off is None else ItemRange(list_name, int(off) + 1, int(off) + size)


def day3_program(build: Callable[..., Project], name: str = "day3") -> ProgramSpec:
    """day3's declarations around a build function (this package's, or that of a copy of day3_mlp.py)."""
    return ProgramSpec(
        name=name,
        build=build,
        add_arguments=add_arguments,
        # explain needs only a few samples to show where gradients go.
        explain_defaults={"epochs": 1, "train": 20, "test": 10},
        # bench times one epoch at the default sizes (600 training samples).
        bench_defaults={"epochs": 1},
        slices=slices,
        # Training starts: the weights are initialised and nothing has been learned.
        mark=Mark("phase", "train"),
        reference=reference_lists,
        reference_steps=reference_steps,
        reference_tolerance=reference_tolerance,
        loss_variable="loss_sum",  # each sample adds its loss to it
        layer_map=LayerMap(
            sizes_list="layer_size",
            probes=tuple(
                OffsetProbe(f"get_{part}_offset", list_name, "p_layer", "p_offset")
                for part, list_name in (
                    ("weight", "weights"),
                    ("activation", "activations"),
                    ("delta", "deltas"),
                )
            ),
            ranges=layer_ranges,
        ),
        variable_groups=(
            VariableGroup(r"s\d+_", "{prefix} step locals", per_match=True),
            VariableGroup("p_", "p_ arguments and results"),
            VariableGroup("u_", "u_ utilities"),
            VariableGroup("", "others"),  # every variable no other group takes
            VariableGroup(r"[A-Z][A-Z0-9_]*$", "constants"),
        ),
        status_variables=("epoch", "sample"),
        sample_variable="sample",
        picture="A0",
        picture_labels=(
            PictureLabel("true", variable="p_label"),
            # u_argmax's answer lives in p_result only for a moment; the output layer keeps it.
            PictureLabel("predicted", argmax_slice="A4"),
        ),
        curves=(
            Curve("epoch_loss", "mean loss per epoch"),
            Curve("epoch_accuracy", "test accuracy per epoch"),
        ),
        progress=progress,
        summary=summary,
    )


PROGRAM = day3_program(build)
