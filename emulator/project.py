"""The project model: Scratch 3's project.json as frozen dataclasses (targets, variables, lists, blocks by id)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from emulator.values import Value

# Compact primitive kinds of project.json inputs (sb3.js: 38-90).
MATH_NUMBER, POSITIVE_NUMBER, WHOLE_NUMBER, INTEGER, ANGLE, COLOUR, TEXT = 4, 5, 6, 7, 8, 9, 10
BROADCAST, VARIABLE, LIST = 11, 12, 13
LITERAL_KINDS = frozenset(
    {MATH_NUMBER, POSITIVE_NUMBER, WHOLE_NUMBER, INTEGER, ANGLE, COLOUR, TEXT}
)
REFERENCE_KINDS = frozenset({BROADCAST, VARIABLE, LIST})

# Input kinds: a shadow alone, a block with no shadow, a block over an obscured shadow.
INPUT_SHADOW, INPUT_NO_SHADOW, INPUT_OBSCURED = 1, 2, 3


@dataclass(frozen=True, slots=True)
class Primitive:
    """A compact input value: [kind, value] for literals, [kind, name, id] for variable/list/broadcast."""

    kind: int
    value: Value
    ref_id: str | None = None


Slot = str | Primitive | None
"""What an input holds: a block id, a compact primitive, or nothing."""


@dataclass(frozen=True, slots=True)
class Input:
    """One block input: `slot` runs; `shadow` is the obscured shadow under it (kind 3 only)."""

    kind: int
    slot: Slot
    shadow: Slot = None


@dataclass(frozen=True, slots=True)
class Field:
    """One block field: its value and, for variable/list/broadcast fields, the id it names."""

    value: Value
    ref_id: str | None = None


@dataclass(frozen=True, slots=True)
class Block:
    """One block of a target, keyed by id, exactly as project.json holds it."""

    id: str
    opcode: str
    next: str | None = None
    parent: str | None = None
    inputs: Mapping[str, Input] = field(default_factory=dict)
    fields: Mapping[str, Field] = field(default_factory=dict)
    shadow: bool = False
    top_level: bool = False
    x: float | None = None
    y: float | None = None
    mutation: Mapping[str, Any] | None = None
    comment: str | None = None
    source: str | None = None  # "path:line" of the DSL line that made it; not part of project.json


@dataclass(frozen=True, slots=True)
class Variable:
    """A scalar variable: id, name and initial value (cloud variables flagged)."""

    id: str
    name: str
    value: Value
    is_cloud: bool = False


@dataclass(frozen=True, slots=True)
class ListVar:
    """A list variable: id, name and initial items, types kept."""

    id: str
    name: str
    items: tuple[Value, ...]


@dataclass(frozen=True, slots=True)
class Target:
    """The stage or a sprite: its data, its blocks in project.json order, and other keys kept verbatim."""

    name: str
    is_stage: bool
    variables: Mapping[str, Variable] = field(default_factory=dict)
    lists: Mapping[str, ListVar] = field(default_factory=dict)
    broadcasts: Mapping[str, str] = field(default_factory=dict)
    blocks: Mapping[str, Block] = field(default_factory=dict)
    layer_order: int = 0
    extra: Mapping[str, Any] = field(default_factory=dict)

    def top_blocks(self) -> Iterator[Block]:
        """Top-level blocks in the order Scratch starts their scripts."""
        for block_id in js_key_order(self.blocks):
            block = self.blocks[block_id]
            if block.top_level and not block.shadow:
                yield block


@dataclass(frozen=True, slots=True)
class Project:
    """A whole Scratch 3 project: the stage first, then sprites, plus monitors, extensions and meta."""

    targets: tuple[Target, ...]
    monitors: tuple[Mapping[str, Any], ...] = ()
    extensions: tuple[str, ...] = ()
    meta: Mapping[str, Any] = field(default_factory=lambda: {"semver": "3.0.0"})
    name: str = "project"

    @property
    def stage(self) -> Target:
        """The stage target (Scratch requires it first)."""
        return self.targets[0]

    def sprites(self) -> tuple[Target, ...]:
        """Every target but the stage."""
        return self.targets[1:]

    def target(self, name: str) -> Target:
        """The target with this name."""
        for t in self.targets:
            if t.name == name:
                return t
        raise KeyError(name)

    def find_block(self, block_id: str) -> tuple[Target, Block] | None:
        """The target and block with this id, if any target has it."""
        for t in self.targets:
            if block_id in t.blocks:
                return t, t.blocks[block_id]
        return None

    def with_target(self, new: Target) -> Project:
        """A copy with the same-named target replaced."""
        return replace(self, targets=tuple(new if t.name == new.name else t for t in self.targets))


def _is_array_index(key: str) -> bool:
    return (
        key.isascii() and key.isdigit() and (key == "0" or key[0] != "0") and int(key) < 2**32 - 1
    )


def js_key_order(keys: Mapping[str, Any] | list[str]) -> list[str]:
    """Keys in JavaScript's own-property order."""
    # JS objects list integer-like keys ("1", "2", ...) first, ascending, then the rest in insertion
    # order; Scratch starts a target's scripts in that order.
    keys = list(keys)
    index_keys = sorted((k for k in keys if _is_array_index(k)), key=int)
    return index_keys + [k for k in keys if not _is_array_index(k)]
