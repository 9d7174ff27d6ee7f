"""Mutable run state: each target's variables and lists, looked up as Scratch looks them up, and its looks."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from emulator.project import Target
from emulator.runtime.hooks import BubbleKind
from emulator.runtime.origins import WriteOrigin
from emulator.runtime.pen import PenState
from emulator.values import Value, as_double, js_clamp, wrap_clamp


class VarCell:
    """A scalar variable's live value."""

    __slots__ = ("heard", "id", "name", "origin", "owner", "tracked", "value")

    def __init__(self, var_id: str, name: str, value: Value, owner: str) -> None:
        self.id = var_id
        self.name = name
        self.value = value
        self.owner = owner
        self.origin: WriteOrigin | None = None  # kept when hooks want it (runtime/origins.py)
        # What hooked compiled code does at its writes besides testing for NaN (Runtime.retune
        # keeps both): tell the hooks (False only while they do not hear it; their read log, a
        # ReadLog, while only the log hears it), keep its origin (False only while no hooks want
        # origins, or it reaches no index).
        self.heard: Any = True
        self.tracked = True

    def __repr__(self) -> str:
        return f"<var {self.name!r}={self.value!r}>"


class ListCell:
    """A list variable's live items."""

    __slots__ = ("id", "items", "name", "owner")

    def __init__(self, list_id: str, name: str, items: list[Value], owner: str) -> None:
        self.id = list_id
        self.name = name
        self.items = items
        self.owner = owner

    def __repr__(self) -> str:
        return f"<list {self.name!r} len={len(self.items)}>"


EFFECTS = ("color", "fisheye", "whirl", "pixelate", "mosaic", "brightness", "ghost")
"""The graphic effects a target keeps, in scratch-vm's order."""

SOUND_EFFECTS = ("pitch", "pan")
"""The sound effects a target keeps (scratch3_sound's state)."""

ROTATION_STYLES = ("all around", "left-right", "don't rotate")


class RuntimeTarget:
    """The stage, a sprite or a clone while it runs: its variables, lists and what the VM keeps of its looks.

    x and y are None once a sprite went to the mouse pointer: headless, the VM's mouse has no
    position, so it keeps undefined there. Costume is 0-based, as the VM keeps it.
    """

    def __init__(self, source: Target, stage: RuntimeTarget | None) -> None:
        self.source = source
        self.name = source.name
        self.is_stage = source.is_stage
        self.stage = stage or self
        self.layer_order = source.layer_order
        self.is_original = True
        self.sprite = self  # the original this is a clone of (itself for an original)
        self.clones: list[RuntimeTarget] = []  # an original's living clones, oldest first
        self.clones_made = 0  # how many clones of this sprite were ever made (they are numbered)
        self.variables = {
            v.id: VarCell(v.id, v.name, v.value, source.name) for v in source.variables.values()
        }
        self.lists = {
            lst.id: ListCell(lst.id, lst.name, list(lst.items), source.name)
            for lst in source.lists.values()
        }
        self._load_looks(source.extra)

    def _load_looks(self, extra: Mapping[str, Any]) -> None:
        # scratch-vm's parseScratchObject: direction is wrapped, the costume index clamped.
        names = tuple(str(c.get("name", "")) for c in extra.get("costumes", ()))
        # A target with no costume is exported with the editor's empty one; run it as that.
        self.costumes = names or (("backdrop1",) if self.is_stage else ("costume1",))
        self.x: Value = _number(extra, "x", 0.0)
        self.y: Value = _number(extra, "y", 0.0)
        self.direction = wrap_clamp(_number(extra, "direction", 90.0), -179.0, 180.0)
        self.size = _number(extra, "size", 100.0)
        self.volume = _number(extra, "volume", 100.0)
        self.tempo = _number(extra, "tempo", 60.0)  # the stage's, in beats a minute (music blocks)
        self.instrument = 0.0  # the music blocks' instrument, counted from 0
        last = float(max(len(self.costumes) - 1, 0))
        self.costume = js_clamp(_number(extra, "currentCostume", 0.0), 0.0, last)
        style = extra.get("rotationStyle")
        self.rotation_style = style if style in ROTATION_STYLES else ROTATION_STYLES[0]
        self.visible = bool(extra.get("visible", True))
        self.draggable = bool(extra.get("draggable", False))
        self.effects = dict.fromkeys(EFFECTS, 0.0)
        self.sound_effects = dict.fromkeys(SOUND_EFFECTS, 0.0)
        self.pen: PenState | None = None  # made by the first pen block that needs it
        self.edge_values: dict[str, bool] = {}  # each edge-triggered hat's last answer, by hat id

    def make_clone(self) -> RuntimeTarget:
        """A clone of this sprite or clone: its looks and a copy of its variables and lists."""
        # RenderedTarget.makeClone copies position, direction, draggable, visibility, size,
        # costume, rotation style, effects and variables, but not volume: a clone starts at 100.
        clone = copy.copy(self)
        clone.is_original = False
        clone.clones = []
        clone.effects = dict(self.effects)
        clone.sound_effects = dict(self.sound_effects)
        clone.edge_values = {}  # a new target: its hats have not been tested yet
        clone.volume = 100.0
        # The VM's pen copies the pen of the clone's sprite (clones[0]), even for a clone's clone.
        clone.pen = self.sprite.pen.copy() if self.sprite.pen is not None else None
        # Its cells are named for the clone, so a trace tells its writes from its original's.
        self.sprite.clones_made += 1
        owner = f"{self.name} (clone {self.sprite.clones_made})"
        clone.variables = {
            i: VarCell(c.id, c.name, c.value, owner) for i, c in self.variables.items()
        }
        clone.lists = {
            i: ListCell(c.id, c.name, list(c.items), owner) for i, c in self.lists.items()
        }
        return clone

    def find_variable(self, var_id: str | None, name: str) -> VarCell | None:
        """The variable a block names: by id here, then on the stage, then by name likewise."""
        # scratch-vm lookupOrCreateVariable: id first (own, then stage), then the first exact,
        # case-sensitive name match (own, then stage).
        for scope in (self, self.stage):
            if var_id is not None and var_id in scope.variables:
                return scope.variables[var_id]
        for scope in (self, self.stage):
            for cell in scope.variables.values():
                if cell.name == name:
                    return cell
        return None

    def find_list(self, list_id: str | None, name: str) -> ListCell | None:
        """The list a block names, looked up like find_variable."""
        for scope in (self, self.stage):
            if list_id is not None and list_id in scope.lists:
                return scope.lists[list_id]
        for scope in (self, self.stage):
            for cell in scope.lists.values():
                if cell.name == name:
                    return cell
        return None

    def variable(self, var_id: str | None, name: str) -> VarCell:
        """The variable a block names, created here (value 0) when it exists nowhere."""
        cell = self.find_variable(var_id, name)
        if cell is None:
            cell = VarCell(var_id or name, name, 0.0, self.name)
            self.variables[cell.id] = cell
        return cell

    def list(self, list_id: str | None, name: str) -> ListCell:
        """The list a block names, created here (empty) when it exists nowhere."""
        cell = self.find_list(list_id, name)
        if cell is None:
            cell = ListCell(list_id or name, name, [], self.name)
            self.lists[cell.id] = cell
        return cell

    def __repr__(self) -> str:
        return f"<target {self.name!r}>"


def _number(extra: Mapping[str, Any], key: str, default: float) -> float:
    """A numeric target property of project.json (the schema allows only numbers; others are ignored)."""
    raw = extra.get(key, default)
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        return default
    return as_double(raw)


@dataclass
class Say:
    """One say/think bubble shown: which target, which kind, and the raw value."""

    target: str
    kind: BubbleKind
    text: Value
    at_ms: float = 0.0  # virtual time since the flag


@dataclass
class Snapshot:
    """Every variable's and list's value at one moment, for restore()."""

    variables: dict[tuple[str, str], Value] = field(default_factory=dict)
    lists: dict[tuple[str, str], list[Value]] = field(default_factory=dict)


def snapshot(targets: list[RuntimeTarget]) -> Snapshot:
    """Copy the data of every target."""
    snap = Snapshot()
    for t in targets:
        for cell in t.variables.values():
            snap.variables[(t.name, cell.id)] = cell.value
        for lst in t.lists.values():
            snap.lists[(t.name, lst.id)] = list(lst.items)
    return snap


def lists_by_name(targets: list[RuntimeTarget], snap: Snapshot) -> dict[str, list[Value]]:
    """A snapshot's lists keyed by their names (as the running targets name them)."""
    names = {(t.name, c.id): c.name for t in targets for c in t.lists.values()}
    return {names[key]: items for key, items in snap.lists.items() if key in names}


def restore(targets: list[RuntimeTarget], snap: Snapshot) -> None:
    """Put back the data a snapshot holds, in place."""
    for t in targets:
        for cell in t.variables.values():
            cell.value = snap.variables.get((t.name, cell.id), cell.value)
        for lst in t.lists.values():
            if (t.name, lst.id) in snap.lists:
                lst.items[:] = snap.lists[(t.name, lst.id)]
