"""`scratch-emu run day3`: the day3 program with its mark, progress line and reference summary."""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np

from emulator.programs import day3_reference
from emulator.programs.day3_layout import Layout, Slice
from emulator.programs.day3_mlp import DEFAULTS, add_arguments, build, program_data
from emulator.runtime.runtime import Runtime
from emulator.runtime.sequencer import Pause
from emulator.runtime.state import Snapshot, lists_by_name
from emulator.values import compare, to_number

__all__ = [
    "EXPLAIN_DEFAULTS",
    "OFFSET_PROBES",
    "add_arguments",
    "build",
    "layer_map",
    "mark",
    "progress",
    "reference_lists",
    "slices",
    "summary",
]


def slices(params: dict[str, Any]) -> list[Slice]:
    """The named slices of the program's lists for these parameters."""
    return Layout(tuple(params.get("layers", DEFAULTS["layers"]))).slices()


def mark(runtime: Runtime) -> Pause:
    """Pauses where training starts: the weights are initialised and nothing has been learned."""
    phase = runtime.stage.variable(None, "phase")
    return lambda thread, stmt: phase.value == "train"


def progress(runtime: Runtime, params: dict[str, Any]) -> tuple[float, float, str]:
    """(samples done, samples in all, a line about the epoch and the running loss)."""
    p = {**DEFAULTS, **params}
    var = runtime.stage.variable
    epoch, sample = to_number(var(None, "epoch").value), to_number(var(None, "sample").value)
    done = max(0.0, (epoch - 1) * p["train"] + sample - 1) if epoch > 0 else 0.0
    loss = to_number(var(None, "loss_sum").value) / max(1.0, sample - 1)
    return done, float(p["epochs"] * p["train"]), f"epoch {epoch:g}/{p['epochs']} loss {loss:.3f}"


def _list_floats(runtime: Runtime, name: str) -> list[float]:
    return [to_number(v) for v in runtime.stage.list(None, name).items]


def _reference(params: dict[str, Any], initial: np.ndarray) -> day3_reference.History:
    mode = "lut" if params["math"] == "lut" else "exact"
    return day3_reference.train(
        Layout(tuple(params["layers"])),
        initial,
        reference_data(params),
        params["epochs"],
        params["lr"],
        mode,
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


EXPLAIN_DEFAULTS = {"epochs": 1, "train": 20, "test": 10}
"""explain needs only a few samples to show where gradients go."""

OFFSET_PROBES = {
    "get_weight_offset": ("weights", "p_layer", "p_offset"),
    "get_activation_offset": ("activations", "p_layer", "p_offset"),
    "get_delta_offset": ("deltas", "p_layer", "p_offset"),
}
"""The program's offset finders: custom block -> (list, argument variable, result variable)."""


def reference_lists(
    params: dict[str, Any], initial: dict[str, list[Any]]
) -> dict[str, list[float]]:
    """The reference's `weights` after the same training from the same initial weights."""
    p = {**DEFAULTS, **params}
    ref = _reference(p, np.array([to_number(v) for v in initial["weights"]]))
    return {"weights": [float(x) for x in ref.weights]}


def layer_map(
    offsets: dict[str, dict[int, float]], sizes: list[int], lengths: dict[str, int]
) -> list[dict[str, Any]]:
    """Each layer's sizes and item ranges as the program computed them, checked against list lengths."""
    rows = []
    for layer, size in enumerate(sizes, start=1):
        ranges: dict[str, tuple[int, int] | None] = {
            "activations": _range(offsets, "activations", layer, size)
        }
        if layer >= 2:
            n_in = sizes[layer - 2]
            w = offsets.get("weights", {}).get(layer)
            ranges["weights"] = None if w is None else (int(w) + 1, int(w) + n_in * size)
            ranges["biases"] = (
                None if w is None else (int(w) + n_in * size + 1, int(w) + n_in * size + size)
            )
            ranges["deltas"] = _range(offsets, "deltas", layer, size)
        problems = [
            f"{name} of layer {layer} are items {r[0]}..{r[1]} but `{_list_of(name)}` has "
            f"{lengths.get(_list_of(name), 0)} items"
            for name, r in ranges.items()
            if r is not None and r[1] > lengths.get(_list_of(name), 0)
        ]
        text = f"layer {layer} ({size}): " + ", ".join(
            f"{name} {'not computed' if r is None else f'{r[0]}..{r[1]}'}"
            for name, r in ranges.items()
        )
        rows.append(
            {
                "layer": layer,
                "size": size,
                **{k: (list(v) if v else None) for k, v in ranges.items()},
                "problems": problems,
                "text": text + ("  <-- " + "; ".join(problems) if problems else ""),
            }
        )
    return rows


def _range(
    offsets: dict[str, dict[int, float]], list_name: str, layer: int, size: int
) -> tuple[int, int] | None:
    off = offsets.get(list_name, {}).get(layer)
    return None if off is None else (int(off) + 1, int(off) + size)


def _list_of(name: str) -> str:
    return "weights" if name == "biases" else name
