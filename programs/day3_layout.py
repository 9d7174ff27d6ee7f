"""Where day3 keeps each layer in its flat lists: weight/bias slices, activation and delta offsets.

This is the one place these offsets are computed in Python; the Scratch program computes the same
numbers at run time with its own blocks, and the reference, the debugger's named slices and the
tests all read them from here. The checked argparse types of the program's options live here too.
"""

from __future__ import annotations

from argparse import ArgumentTypeError
from dataclasses import dataclass

from emulator.cli.argtypes import finite_non_negative_float, finite_positive_float, int_in_range
from emulator.slices import Slice
from emulator.values import LIST_ITEM_LIMIT

DEFAULT_LAYERS = (196, 20, 8, 4, 10)
IMAGE_PIXELS, CLASSES = 196, 10  # the mnist14 images are 14x14 pixels of the digits 0-9
TRAIN_SAMPLES, TEST_SAMPLES = 600, 100  # the mnist14 subset's sizes (programs/data/mnist14)
MAX_HIDDEN = 1000


@dataclass(frozen=True)
class Layout:
    """The flat layout of a network with these layer sizes (input layer first)."""

    sizes: tuple[int, ...]

    @property
    def layer_count(self) -> int:
        """Number of layers, input included."""
        return len(self.sizes)

    def weight_offset(self, layer: int) -> int:
        """0-based offset in `weights` of the matrix into `layer` (2..L): W1 B1 W2 B2 ... in order."""
        return sum(self.sizes[k - 1] * self.sizes[k] + self.sizes[k] for k in range(1, layer - 1))

    def bias_offset(self, layer: int) -> int:
        """0-based offset in `weights` of the biases of `layer` (2..L)."""
        return self.weight_offset(layer) + self.sizes[layer - 2] * self.sizes[layer - 1]

    def activation_offset(self, layer: int) -> int:
        """0-based offset in `activations` of `layer` (1..L): every layer's outputs in order."""
        return sum(self.sizes[: layer - 1])

    def delta_offset(self, layer: int) -> int:
        """0-based offset in `deltas` of `layer` (2..L): output layer first, then backwards."""
        return sum(self.sizes[layer:])

    @property
    def weights_length(self) -> int:
        """Items in `weights`."""
        return self.weight_offset(self.layer_count + 1)

    @property
    def activations_length(self) -> int:
        """Items in `activations`."""
        return sum(self.sizes)

    @property
    def deltas_length(self) -> int:
        """Items in `deltas`: every layer but the input."""
        return sum(self.sizes[1:])

    def slices(self) -> list[Slice]:
        """W1, B1, W2, B2, ... of `weights`, then each layer's activations and deltas."""
        out = []
        for k, layer in enumerate(range(2, self.layer_count + 1), start=1):
            n_in, n_out = self.sizes[layer - 2], self.sizes[layer - 1]
            w, b = self.weight_offset(layer), self.bias_offset(layer)
            out.append(Slice("weights", f"W{k}", w + 1, w + n_in * n_out, (n_in, n_out)))
            out.append(Slice("weights", f"B{k}", b + 1, b + n_out, (n_out,)))
        for layer in range(1, self.layer_count + 1):
            a = self.activation_offset(layer)
            out.append(
                Slice(
                    "activations",
                    f"A{layer - 1}",
                    a + 1,
                    a + self.sizes[layer - 1],
                    (self.sizes[layer - 1],),
                )
            )
        for k, layer in enumerate(range(2, self.layer_count + 1), start=1):
            d = self.delta_offset(layer)
            out.append(
                Slice("deltas", f"D{k}", d + 1, d + self.sizes[layer - 1], (self.sizes[layer - 1],))
            )
        return out


def parse_layers(text: str) -> tuple[int, ...]:
    """'196,20,8,4,10' -> (196, 20, 8, 4, 10): an argparse type for the sizes the MNIST data can train."""
    try:
        sizes = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise ArgumentTypeError(f"{text!r} is not comma-separated whole numbers") from None
    problem = _layers_problem(sizes)
    if problem:
        raise ArgumentTypeError(f"{text!r}: {problem}")
    return sizes


def _layers_problem(sizes: tuple[int, ...]) -> str | None:
    """Why the program cannot train a network of these sizes on the mnist14 images, or None."""
    if len(sizes) < 2 or sizes[0] != IMAGE_PIXELS or sizes[-1] != CLASSES:
        return f"the first layer is the {IMAGE_PIXELS} pixels of a 14x14 image and the last the {CLASSES} digits"
    if not all(1 <= size <= MAX_HIDDEN for size in sizes[1:-1]):
        return f"a hidden layer has 1 to {MAX_HIDDEN} neurons"
    weights = Layout(sizes).weights_length  # the longest of the program's lists
    if weights > LIST_ITEM_LIMIT:
        return (
            f"{weights:,} weights do not fit in a Scratch list of at most {LIST_ITEM_LIMIT:,} items"
        )
    return None


class OptionTypes:
    """The argparse types of day3's options (add_arguments), each checking its value's range."""

    epochs = staticmethod(int_in_range(0))  # 0 epochs: the untrained network's test accuracy
    # A run with no samples has nothing to learn from or measure: its mean loss or accuracy is 0/0.
    train = staticmethod(int_in_range(1, TRAIN_SAMPLES))
    test = staticmethod(int_in_range(1, TEST_SAMPLES))
    layers = staticmethod(parse_layers)
    lr = staticmethod(finite_positive_float)
    init = staticmethod(finite_non_negative_float)  # 0: every weight starts equal, a known lesson
