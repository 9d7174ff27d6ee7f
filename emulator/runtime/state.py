"""Mutable run state: each target's variables and lists, looked up as Scratch looks them up."""

from __future__ import annotations

from dataclasses import dataclass, field

from emulator.project import Target
from emulator.runtime.hooks import BubbleKind
from emulator.values import Value


class VarCell:
    """A scalar variable's live value."""

    __slots__ = ("id", "name", "owner", "value")

    def __init__(self, var_id: str, name: str, value: Value, owner: str) -> None:
        self.id = var_id
        self.name = name
        self.value = value
        self.owner = owner

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


class RuntimeTarget:
    """The stage or a sprite while it runs: its variables, lists and visibility."""

    def __init__(self, source: Target, stage: RuntimeTarget | None) -> None:
        self.source = source
        self.name = source.name
        self.is_stage = source.is_stage
        self.stage = stage or self
        self.layer_order = source.layer_order
        self.visible = bool(source.extra.get("visible", True))
        self.variables = {
            v.id: VarCell(v.id, v.name, v.value, source.name) for v in source.variables.values()
        }
        self.lists = {
            lst.id: ListCell(lst.id, lst.name, list(lst.items), source.name)
            for lst in source.lists.values()
        }

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
