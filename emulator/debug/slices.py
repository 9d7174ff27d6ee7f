"""Named, shaped slices of lists (W1 = weights items 1..3920 as 196x20), from a program or the command line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Slice:
    """A named run of items in one list: items start..end (1-based, inclusive), with a shape."""

    list_name: str
    name: str
    start: int
    end: int
    shape: tuple[int, ...]

    @property
    def size(self) -> int:
        """How many items the slice holds."""
        return self.end - self.start + 1


def parse_slice(text: str) -> Slice:
    """'weights:1-3920:196x20:W1' (shape and name optional) -> a Slice."""
    parts = text.split(":")
    if len(parts) < 2 or "-" not in parts[1]:
        raise ValueError(f"a slice is LIST:START-END[:SHAPE][:NAME], got {text!r}")
    try:
        start, end = (int(p) for p in parts[1].split("-", 1))
        shape = (
            tuple(int(d) for d in parts[2].split("x"))
            if len(parts) > 2 and parts[2]
            else (end - start + 1,)
        )
    except ValueError as exc:
        raise ValueError(f"a slice is LIST:START-END[:SHAPE][:NAME], got {text!r}") from exc
    if not 1 <= start <= end:
        raise ValueError(f"slice {text!r}: want 1 <= START <= END")
    if _product(shape) != end - start + 1:
        raise ValueError(f"slice {text!r}: shape {shape} does not hold {end - start + 1} items")
    name = parts[3] if len(parts) > 3 else f"{parts[0]}[{start}..{end}]"
    return Slice(parts[0], name, start, end, shape)


def _product(shape: tuple[int, ...]) -> int:
    total = 1
    for d in shape:
        total *= d
    return total
