"""The NumPy oracle for day3_mlp: the same network on the same flat layout, operation for operation.

Mode "lut" looks exp and log up in the tables exactly as the Scratch program does (clamp, float
index, floor), so the fixed program matches it bit for bit; mode "exact" uses np.exp and np.log.
Sums run in the program's order (one term at a time), because floating-point addition is not
associative and exact agreement is the goal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from emulator.lut.tables import lookup_exp, lookup_log
from emulator.programs.day3_layout import Layout

MODES = ("lut", "exact")


def _exp(x: np.ndarray, mode: str) -> np.ndarray:
    return lookup_exp(x) if mode == "lut" else np.exp(x)


def _log(x: np.ndarray, mode: str) -> np.ndarray:
    return lookup_log(x) if mode == "lut" else np.log(x)


def _matrices(layout: Layout, weights: np.ndarray, layer: int) -> tuple[np.ndarray, np.ndarray]:
    """Views of W (in x out) and B (out) of `layer` (2..L) inside the flat weights."""
    n_in, n_out = layout.sizes[layer - 2], layout.sizes[layer - 1]
    w, b = layout.weight_offset(layer), layout.bias_offset(layer)
    return weights[w : w + n_in * n_out].reshape(n_in, n_out), weights[b : b + n_out]


def forward(layout: Layout, weights: np.ndarray, x: np.ndarray, mode: str) -> list[np.ndarray]:
    """Every layer's outputs for one input, input layer first (the program's `activations`)."""
    outputs = [np.asarray(x, dtype=np.float64)]
    for layer in range(2, layout.layer_count + 1):
        w, b = _matrices(layout, weights, layer)
        z = _running_sum(b, outputs[-1][:, None] * w)
        if layer < layout.layer_count:
            outputs.append(1.0 / (1.0 + _exp(0.0 - z, mode)))
        else:
            outputs.append(_softmax(z, mode))
    return outputs


def _running_sum(start: np.ndarray, terms: np.ndarray) -> np.ndarray:
    """start + terms[0] + terms[1] + ..., row by row in that order, as the program's loop adds them
    (add.accumulate adds in order; sum and reduce may pair terms up, which rounds differently)."""
    return np.add.accumulate(np.vstack([start[None, :], terms]), axis=0)[-1]


def _softmax(z: np.ndarray, mode: str) -> np.ndarray:
    e = _exp(z - np.max(z), mode)
    total = 0.0
    for value in e:
        total += float(value)
    return e / total


def backward(
    layout: Layout, weights: np.ndarray, outputs: list[np.ndarray], label: int
) -> list[np.ndarray]:
    """Deltas of layers 2..L (index 0 is layer 2), from softmax + cross-entropy at the output."""
    target = np.zeros(layout.sizes[-1])
    target[label] = 1.0
    deltas = {layout.layer_count: outputs[-1] - target}
    for layer in range(layout.layer_count - 1, 1, -1):
        w_next, _ = _matrices(layout, weights, layer + 1)
        d_next = deltas[layer + 1]
        total = _running_sum(np.zeros(layout.sizes[layer - 1]), (w_next * d_next).T)
        a = outputs[layer - 1]
        deltas[layer] = total * (a * (1.0 - a))
    return [deltas[layer] for layer in range(2, layout.layer_count + 1)]


def update(
    layout: Layout,
    weights: np.ndarray,
    outputs: list[np.ndarray],
    deltas: list[np.ndarray],
    lr: float,
) -> np.ndarray:
    """The flat weights after one SGD step: w = w - lr * (a_i * delta_j), b = b - lr * delta_j."""
    new = weights.copy()
    for layer in range(2, layout.layer_count + 1):
        w, b = _matrices(layout, new, layer)
        d = deltas[layer - 2]
        w[...] = w - lr * np.outer(outputs[layer - 2], d)
        b[...] = b - lr * d
    return new


def loss(outputs: list[np.ndarray], label: int, mode: str) -> float:
    """Cross-entropy of one sample: -log(output[label])."""
    return float(0.0 - _log(np.array([outputs[-1][label]]), mode)[0])


def accuracy(
    layout: Layout, weights: np.ndarray, images: np.ndarray, labels: np.ndarray, mode: str
) -> float:
    """Share of samples whose first largest output is their label."""
    if len(labels) == 0:
        return float("nan")  # the program divides 0 correct by 0 samples: NaN in Scratch
    correct = sum(
        int(np.argmax(forward(layout, weights, x, mode)[-1]) == y)
        for x, y in zip(images, labels, strict=True)
    )
    return correct / len(labels)


@dataclass
class History:
    """What a training run produced: accuracy before training and after each epoch, mean losses."""

    accuracy: list[float] = field(default_factory=list)
    mean_loss: list[float] = field(default_factory=list)
    weights: np.ndarray = field(default_factory=lambda: np.zeros(0))


def train(
    layout: Layout,
    weights: np.ndarray,
    data: dict[str, np.ndarray],
    epochs: int,
    lr: float,
    mode: str = "lut",
    on_step: Callable[[int, int, np.ndarray], None] | None = None,
) -> History:
    """Train sample by sample, in order, testing before training and after every epoch.

    `on_step(epoch, sample, weights)` is told the weights after each sample (both 1-based).
    """
    history = History(weights=np.array(weights, dtype=np.float64))
    history.accuracy.append(accuracy(layout, history.weights, data["test_x"], data["test_y"], mode))
    for epoch in range(1, epochs + 1):
        total = 0.0
        for sample, (x, y) in enumerate(zip(data["train_x"], data["train_y"], strict=True), 1):
            outputs = forward(layout, history.weights, x, mode)
            total += loss(outputs, int(y), mode)
            deltas = backward(layout, history.weights, outputs, int(y))
            history.weights = update(layout, history.weights, outputs, deltas, lr)
            if on_step is not None:
                on_step(epoch, sample, history.weights)
        history.mean_loss.append(
            total / len(data["train_y"]) if len(data["train_y"]) else float("nan")
        )
        history.accuracy.append(
            accuracy(layout, history.weights, data["test_x"], data["test_y"], mode)
        )
    return history
