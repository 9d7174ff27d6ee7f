"""The spiral network's data and layout: the three-armed spiral, where W1 b1 W2 b2 lie in `params`, and option types.

The spiral is the textbook's construction with its generator (NumPy's legacy Mersenne Twister,
seeded; NumPy keeps that stream fixed), made once in Python and shipped in the project's lists,
as an author would import it: Scratch has no Gaussian draw, and a list import is what the editor
offers. The Scratch program and the reference read the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from emulator.cli.argtypes import finite_non_negative_float, finite_positive_float, int_in_range
from emulator.slices import Slice

INPUTS, CLASSES = 2, 3  # a point's (x, y), and the three arms
TEXTBOOK_SEED = 1984  # the textbook's seed: its 300 points exactly


def spiral(points: int, seed: int = TEXTBOOK_SEED) -> tuple[np.ndarray, np.ndarray]:
    """`points` per arm: coordinates (3*points, 2) and each point's arm (0, 1, 2), arm by arm."""
    rng = np.random.RandomState(seed)
    x = np.zeros((points * CLASSES, INPUTS))
    t = np.zeros(points * CLASSES, dtype=np.int64)
    for j in range(CLASSES):
        for i in range(points):
            rate = i / points
            radius = 1.0 * rate
            theta = j * 4.0 + 4.0 * rate + rng.randn() * 0.2
            ix = points * j + i
            x[ix] = np.array([radius * np.sin(theta), radius * np.cos(theta)]).flatten()
            t[ix] = j
    return x, t


@dataclass(frozen=True)
class Layout:
    """Where the 2-H-3 network keeps things: W1 b1 W2 b2 in `params` (and `grads`), batch tensors in `acts`."""

    hidden: int
    batch: int

    @property
    def sizes(self) -> tuple[int, int, int]:
        """Layer sizes, input first."""
        return (INPUTS, self.hidden, CLASSES)

    def weight_offset(self, layer: int) -> int:
        """0-based offset in `params` of the matrix into `layer` (2 or 3), stored row by row."""
        s = self.sizes
        return sum(s[k - 1] * s[k] + s[k] for k in range(1, layer - 1))

    def bias_offset(self, layer: int) -> int:
        """0-based offset in `params` of the biases of `layer` (2 or 3)."""
        return self.weight_offset(layer) + self.sizes[layer - 2] * self.sizes[layer - 1]

    @property
    def params_length(self) -> int:
        """Items in `params` (and in `grads`)."""
        return self.weight_offset(len(self.sizes) + 1)

    def slices(self) -> list[Slice]:
        """dW1, db1, dW2, db2 of `grads`, then W1, b1, W2, b2 of `params` (the textbook's names).

        Gradients first: where run and reference part, a gradient differs before the parameter it
        updates, and its writer is the layer block that computed it.
        """
        out = []
        for list_name, prefix in (("grads", "d"), ("params", "")):
            for k, layer in ((1, 2), (2, 3)):
                n_in, n_out = self.sizes[layer - 2], self.sizes[layer - 1]
                w, b = self.weight_offset(layer), self.bias_offset(layer)
                shape = (n_in, n_out)
                out.append(Slice(list_name, f"{prefix}W{k}", w + 1, w + n_in * n_out, shape))
                out.append(Slice(list_name, f"{prefix}b{k}", b + 1, b + n_out, (n_out,)))
        return out

    def acts_offsets(self) -> dict[str, int]:
        """0-based offsets in `acts` (and `dacts`) of the batch's x, affine1 out, sigmoid out, scores, softmax out."""
        b, h = self.batch, self.hidden
        x, h1 = 0, INPUTS * b
        a1 = h1 + h * b
        score = a1 + h * b
        return {"X_OFF": x, "H_OFF": h1, "A_OFF": a1, "S_OFF": score, "Y_OFF": score + CLASSES * b}

    @property
    def acts_length(self) -> int:
        """Items in `acts`."""
        return self.acts_offsets()["Y_OFF"] + CLASSES * self.batch


class OptionTypes:
    """The argparse types of the program's options, each checking its range."""

    points = staticmethod(int_in_range(1, 10_000))  # per arm
    hidden = staticmethod(int_in_range(1, 1000))
    batch = staticmethod(int_in_range(1, 30_000))
    epochs = staticmethod(int_in_range(0))
    lr = staticmethod(finite_positive_float)
    init = staticmethod(finite_non_negative_float)
    grid = staticmethod(int_in_range(0, 200))
    data_seed = staticmethod(int_in_range(0, 2**32 - 1))
