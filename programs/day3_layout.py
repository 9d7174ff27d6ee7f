"""Where day3 keeps each layer in its flat lists: weight/bias slices, activation and delta offsets.

This is the one place these offsets are computed in Python; the Scratch program computes the same
numbers at run time with its own blocks, and the reference, the debugger's named slices and the
tests all read them from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from emulator.slices import Slice

DEFAULT_LAYERS = (196, 20, 8, 4, 10)


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
    """'196,20,8,4,10' -> (196, 20, 8, 4, 10); at least two layers of at least one neuron."""
    try:
        sizes = tuple(int(part) for part in text.split(","))
    except ValueError as exc:
        raise ValueError(f"--layers wants comma-separated whole numbers, got {text!r}") from exc
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"--layers wants at least two layers of at least one neuron, got {text!r}")
    return sizes
