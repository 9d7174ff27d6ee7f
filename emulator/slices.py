"""Named, shaped slices of lists (W1 = weights 1..3920 as 196x20), and the one reader of items and ranges as typed."""

from __future__ import annotations

import re
from collections.abc import Iterable
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
        start, end = _ordered_range(parts[1])
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


# ## Items and ranges as people type them

Items = int | tuple[int, int] | None
"""One item, a closed run of items, or None for the whole variable or list."""

_RANGE = re.compile(r"^\s*(\d+)\s*(?:(?:\.\.|-)\s*(\d+)\s*)?$")
_NAMED_RANGE = re.compile(r"^\s*(?P<name>.+?)\s*[:\s]\s*(?P<range>\d+\s*(?:(?:\.\.|-)\s*\d+)?)\s*$")


@dataclass(frozen=True)
class ItemRef:
    """Something to watch or ask about: a variable or a list, or some of a list's items."""

    name: str
    items: Items

    @property
    def bounds(self) -> tuple[int, int] | None:
        """The items as a closed range (None: the whole variable or list)."""
        if self.items is None:
            return None
        return (self.items, self.items) if isinstance(self.items, int) else self.items


def _ordered_range(text: str) -> tuple[int, int]:
    """'A-B' or 'A..B' as written (no reordering); ValueError if not two whole numbers."""
    match = _RANGE.match(text)
    if match is None or match.group(2) is None:
        raise ValueError(text)
    return int(match.group(1)), int(match.group(2))


def parse_range(text: str) -> tuple[int, int]:
    """'A..B' or 'A-B' (either order) or 'N', whole numbers, as a closed range; ValueError if not."""
    match = _RANGE.match(text)
    if match is None:
        raise ValueError(f"{text!r}: want A..B or N (whole numbers)")
    a = int(match.group(1))
    b = int(match.group(2)) if match.group(2) is not None else a
    return (a, b) if a <= b else (b, a)


def parse_item_ref(text: str, slices: Iterable[Slice] = ()) -> ItemRef:
    """'LIST[I]', 'LIST[A..B]', a slice's name, or a variable or list name; ValueError if malformed."""
    text = text.strip()
    if text.endswith("]") and "[" in text:
        name, inner = text[:-1].split("[", 1)
        a, b = parse_range(inner)
        return ItemRef(name.strip(), a if inner.strip().isdigit() else (a, b))
    for s in slices:
        if s.name == text:
            return ItemRef(s.list_name, (s.start, s.end))
    return ItemRef(text, None)


def split_named_range(text: str) -> tuple[str, tuple[int, int]] | None:
    """'LIST:A-B', 'LIST A..B' or 'LIST:N' as (name, range); None when the text has no range at its end."""
    match = _NAMED_RANGE.match(text)
    if match is None:
        return None
    return match["name"], parse_range(match["range"])
