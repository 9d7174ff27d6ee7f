"""The NumPy oracle for spiral_net: the same TwoLayerNet on the same flat layout, operation for operation.

Bit-identical to the Scratch program in both modes. Every sum runs in the program's order, one
term at a time (floating-point addition is not associative; NumPy's matmul and sum are not used).
"exact" mode computes e^x and ln x with the functions Scratch uses (V8's fdlibm ports in
emulator.jsmath) rather than np.exp and np.log, which differ from them in the last bit for a few
percent of inputs; "lut" reads the lookup tables as the program does. `pick random` is the run's
own generator (emulator.rng.JsRandom), drawn in the program's order: Box-Muller for the initial
weights, Fisher-Yates for each epoch's shuffle.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from emulator import jsmath
from emulator.lut.tables import lookup_exp, lookup_log
from emulator.programs.spiral_layout import CLASSES, Layout
from emulator.rng import JsRandom
from emulator.values import mathop

STEP_H = 1e-4
LOG_EPSILON = 1e-7
PRINT_EVERY = 10
MODES = ("exact", "lut")


def _exp(x: np.ndarray, mode: str) -> np.ndarray:
    if mode == "lut":
        return lookup_exp(x)
    return np.array([jsmath.exp(float(v)) for v in np.ravel(x)]).reshape(np.shape(x))


def _log(x: np.ndarray, mode: str) -> np.ndarray:
    if mode == "lut":
        return lookup_log(x)
    return np.array([jsmath.log(float(v)) for v in np.ravel(x)]).reshape(np.shape(x))


def init_params(layout: Layout, init: float, rng: JsRandom) -> np.ndarray:
    """The program's `init params`: W = INIT * sqrt(-2 ln(1 - r1)) cos(360 r2 degrees), b = 0."""
    out: list[float] = []
    sizes = layout.sizes
    for layer in range(2, len(sizes) + 1):
        for _ in range(sizes[layer - 2] * sizes[layer - 1]):
            r1, r2 = rng.random(), rng.random()
            normal = mathop("sqrt", -2.0 * mathop("ln", 1.0 - r1)) * mathop("cos", 360.0 * r2)
            out.append(init * normal)
        out += [0.0] * sizes[layer - 1]
    return np.array(out, dtype=np.float64)


def shuffle(count: int, rng: JsRandom) -> np.ndarray:
    """The program's `shuffle`: 1..count, then Fisher-Yates with `pick random 1 to i`."""
    order = list(range(1, count + 1))
    for i in range(count, 1, -1):
        j = 1 + math.floor(rng.random() * i)
        order[i - 1], order[j - 1] = order[j - 1], order[i - 1]
    return np.array(order, dtype=np.int64)


def _matrices(layout: Layout, flat: np.ndarray, layer: int) -> tuple[np.ndarray, np.ndarray]:
    """Views of W (in x out) and b (out) of `layer` (2 or 3) inside the flat params or grads."""
    n_in, n_out = layout.sizes[layer - 2], layout.sizes[layer - 1]
    w, b = layout.weight_offset(layer), layout.bias_offset(layer)
    return flat[w : w + n_in * n_out].reshape(n_in, n_out), flat[b : b + n_out]


def affine_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """out[r, j] = (sum over i of x[r, i] * W[i, j], from 0) + b[j]."""
    total = np.zeros((x.shape[0], w.shape[1]))
    for i in range(w.shape[0]):
        total = total + x[:, i : i + 1] * w[i]
    return total + b


def affine_backward(
    x: np.ndarray, w: np.ndarray, dout: np.ndarray, buggy: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """dx = dout W^T, dW = x^T dout, db = dout summed over the rows (buggy: row j over the columns)."""
    dx = np.zeros(x.shape)
    for j in range(w.shape[1]):
        dx = dx + dout[:, j : j + 1] * w[:, j]
    dw = np.zeros(w.shape)
    db = np.zeros(w.shape[1])
    for r in range(x.shape[0]):
        dw = dw + x[r][:, None] * dout[r]
        if not buggy:
            db = db + dout[r]
    if buggy:
        for k in range(w.shape[1]):
            db = db + dout[: w.shape[1], k]
    return dx, dw, db


def sigmoid_forward(x: np.ndarray, mode: str) -> np.ndarray:
    """1 / (1 + e^(0 - x))."""
    return 1.0 / (1.0 + _exp(0.0 - x, mode))


def sigmoid_backward(dout: np.ndarray, out: np.ndarray) -> np.ndarray:
    """dout * (1 - out) * out, in that order."""
    return dout * (1.0 - out) * out


def softmax_with_loss_forward(
    scores: np.ndarray, t: np.ndarray, mode: str
) -> tuple[np.ndarray, float]:
    """y = softmax of each row (its largest first subtracted); loss = (0 - sum of ln(y[t] + 1e-7)) / rows."""
    y = np.zeros(scores.shape)
    total_loss = 0.0
    for r in range(scores.shape[0]):
        row = scores[r]
        largest = row[0]
        for j in range(1, CLASSES):
            if row[j] > largest:
                largest = row[j]
        e = _exp(row - largest, mode)
        total = 0.0
        for value in e:
            total += float(value)
        y[r] = e / total
        total_loss += float(_log(np.array([y[r, t[r]] + LOG_EPSILON]), mode)[0])
    return y, (0.0 - total_loss) / scores.shape[0]


def softmax_with_loss_backward(y: np.ndarray, t: np.ndarray) -> np.ndarray:
    """(y - one-hot t) / rows."""
    d = y.copy()
    d[np.arange(len(t)), t] = d[np.arange(len(t)), t] - 1.0
    return d / y.shape[0]


@dataclass
class Pass:
    """One forward and backward pass on a batch: the tensors, the loss and the flat gradients."""

    loss: float
    y: np.ndarray
    grads: np.ndarray


def forward(
    layout: Layout, params: np.ndarray, x: np.ndarray, t: np.ndarray, mode: str
) -> tuple[float, list[np.ndarray]]:
    """The loss on a batch, and the tensors x, affine1 out, sigmoid out, scores, softmax out."""
    w1, b1 = _matrices(layout, params, 2)
    w2, b2 = _matrices(layout, params, 3)
    h = affine_forward(x, w1, b1)
    a = sigmoid_forward(h, mode)
    s = affine_forward(a, w2, b2)
    y, loss = softmax_with_loss_forward(s, t, mode)
    return loss, [x, h, a, s, y]


def predict(layout: Layout, params: np.ndarray, x: np.ndarray, mode: str) -> np.ndarray:
    """The scores of each row of x."""
    w1, b1 = _matrices(layout, params, 2)
    w2, b2 = _matrices(layout, params, 3)
    return affine_forward(sigmoid_forward(affine_forward(x, w1, b1), mode), w2, b2)


def gradient(
    layout: Layout, params: np.ndarray, x: np.ndarray, t: np.ndarray, mode: str, buggy: bool = False
) -> Pass:
    """Forward and backward on a batch: the flat gradients in the params' layout."""
    loss, (x, _h, a, _s, y) = forward(layout, params, x, t, mode)
    grads = np.zeros(params.shape)
    gw1, gb1 = _matrices(layout, grads, 2)
    gw2, gb2 = _matrices(layout, grads, 3)
    w1, _ = _matrices(layout, params, 2)
    w2, _ = _matrices(layout, params, 3)
    ds = softmax_with_loss_backward(y, t)
    da, gw2[...], gb2[...] = affine_backward(a, w2, ds, buggy)
    dh = sigmoid_backward(da, a)
    _dx, gw1[...], gb1[...] = affine_backward(x, w1, dh, buggy)
    return Pass(loss, y, grads)


def accuracy(layout: Layout, params: np.ndarray, x: np.ndarray, t: np.ndarray, mode: str) -> float:
    """Share of points whose first largest score is their arm."""
    correct = 0
    for point, label in zip(x, t, strict=True):
        scores = predict(layout, params, point[None, :], mode)[0]
        best = 0
        for j in range(1, CLASSES):
            if scores[j] > scores[best]:
                best = j
        correct += int(best == label)
    return correct / len(t)


@dataclass
class Config:
    """What a training run needs besides data and starting point: the program's options."""

    layout: Layout
    epochs: int
    lr: float
    mode: str = "exact"
    buggy: bool = False


@dataclass
class History:
    """A training run's results: the printed lines, final params and accuracy."""

    # Each printed line's epoch, iteration in the epoch, iterations per epoch and mean loss.
    printed: list[tuple[int, int, int, float]] = field(default_factory=list)
    params: np.ndarray = field(default_factory=lambda: np.zeros(0))
    accuracy: float = math.nan


def train(
    config: Config,
    params: np.ndarray,
    x: np.ndarray,
    t: np.ndarray,
    rng: JsRandom,
    on_step: Callable[[int, int, np.ndarray, np.ndarray], None] | None = None,
) -> History:
    """Shuffled mini-batch SGD from `params`, drawing shuffles from `rng` (in the state of the mark).

    `on_step(epoch, iteration, params, grads)` is told the params after each iteration and the
    gradients they were updated with (both 1-based; iterations count across epochs).
    """
    layout = config.layout
    history = History(params=np.array(params, dtype=np.float64))
    iters = len(t) // layout.batch
    total_loss, loss_count, iteration = 0.0, 0, 0
    for epoch in range(1, config.epochs + 1):
        order = shuffle(len(t), rng) - 1
        for it in range(iters):
            iteration += 1
            batch = order[it * layout.batch : (it + 1) * layout.batch]
            step = gradient(layout, history.params, x[batch], t[batch], config.mode, config.buggy)
            history.params = history.params - config.lr * step.grads
            total_loss += step.loss
            loss_count += 1
            if iteration % PRINT_EVERY == 0:
                history.printed.append((epoch, it + 1, iters, total_loss / loss_count))
                total_loss, loss_count = 0.0, 0
            if on_step is not None:
                on_step(epoch, iteration, history.params, step.grads)
    history.accuracy = accuracy(layout, history.params, x, t, config.mode)
    return history


def numerical_gradient(
    layout: Layout, params: np.ndarray, x: np.ndarray, t: np.ndarray, mode: str
) -> np.ndarray:
    """The textbook's central differences, item by item: (L(p + h) - L(p - h)) / 2h."""
    grads = np.zeros(params.shape)
    nudged = params.copy()
    for k in range(len(params)):
        tmp = nudged[k]
        nudged[k] = tmp + STEP_H
        l1, _ = forward(layout, nudged, x, t, mode)
        nudged[k] = tmp - STEP_H
        l2, _ = forward(layout, nudged, x, t, mode)
        grads[k] = (l1 - l2) / (2 * STEP_H)
        nudged[k] = tmp
    return grads


def gradient_check(
    layout: Layout,
    params: np.ndarray,
    x: np.ndarray,
    t: np.ndarray,
    mode: str,
    buggy: bool = False,
) -> dict[str, float]:
    """Mean |backprop - numerical| per parameter (W1, b1, W2, b2), each summed in item order."""
    numeric = numerical_gradient(layout, params, x, t, mode)
    backprop = gradient(layout, params, x, t, mode, buggy).grads
    out = {}
    for s in (s for s in layout.slices() if s.list_name == "params"):
        total = 0.0
        for k in range(s.start - 1, s.end):
            total += abs(float(backprop[k]) - float(numeric[k]))
        out[s.name] = total / s.size
    return out
