"""The official VM's load-time repair of dangling references: ids no target declares become stage variables.

scratch-vm 15 (Target.reconcileVariableReferences, run for every target when a whole project loads)
treats a variable, list or broadcast id that no target defines as a global from elsewhere: it is
mapped to the stage variable of the same name and type, or a new stage variable is created with
that id and a name no variable of that type uses yet. Older VMs created such variables on the
sprite at run time instead; the emulator follows the pinned official VM.
"""

from __future__ import annotations

from collections.abc import Container, Iterator
from dataclasses import dataclass, field, replace

from emulator.project import (
    BROADCAST,
    LIST,
    VARIABLE,
    Block,
    Field,
    Input,
    ListVar,
    Primitive,
    Project,
    Target,
    Variable,
)

SCALAR, LIST_TYPE, BROADCAST_TYPE = "", "list", "broadcast_msg"
FIELD_TYPES = {"VARIABLE": SCALAR, "LIST": LIST_TYPE, "BROADCAST_OPTION": BROADCAST_TYPE}
PRIMITIVE_TYPES = {VARIABLE: SCALAR, LIST: LIST_TYPE, BROADCAST: BROADCAST_TYPE}


@dataclass
class _Stage:
    """The stage's declarations while references are being repaired, indexed by type and name."""

    variables: dict[str, Variable]
    lists: dict[str, ListVar]
    broadcasts: dict[str, str]
    first_ids: dict[str, dict[str, str]]  # type -> name -> the first stage id with that name
    taken: dict[str, set[str]]  # type -> names a new global of that type must not reuse
    counters: dict[str, dict[str, int]] = field(default_factory=dict)  # unused_name's, by type

    @classmethod
    def of(cls, project: Project) -> _Stage:
        """The stage's declarations, and the names sprites use (a new global must not take them)."""
        stage = project.stage
        declared = {
            SCALAR: {i: v.name for i, v in stage.variables.items()},
            LIST_TYPE: {i: v.name for i, v in stage.lists.items()},
            BROADCAST_TYPE: dict(stage.broadcasts),
        }
        taken = {kind: set(names.values()) for kind, names in declared.items()}
        for sprite in project.sprites():
            taken[SCALAR].update(v.name for v in sprite.variables.values())
            taken[LIST_TYPE].update(v.name for v in sprite.lists.values())
        first_ids: dict[str, dict[str, str]] = {kind: {} for kind in declared}
        for kind, names in declared.items():
            for ref_id, name in names.items():
                first_ids[kind].setdefault(name, ref_id)
        return cls(
            dict(stage.variables), dict(stage.lists), dict(stage.broadcasts), first_ids, taken
        )

    def declares(self, ref_id: str) -> bool:
        """Whether the stage has a variable, list or message with this id."""
        return ref_id in self.variables or ref_id in self.lists or ref_id in self.broadcasts

    def create(self, ref_id: str, name: str, kind: str) -> str:
        """Declare a new global with this id and a name no declaration of its type has yet.

        A scalar starts at 0, a list empty, a message as its name. Returns the name given.
        """
        fresh = unused_name(name, self.taken[kind], self.counters.setdefault(kind, {}))
        if kind == SCALAR:
            self.variables[ref_id] = Variable(ref_id, fresh, 0.0)
        elif kind == LIST_TYPE:
            self.lists[ref_id] = ListVar(ref_id, fresh, ())
        else:
            self.broadcasts[ref_id] = fresh
        self.taken[kind].add(fresh)
        self.first_ids[kind].setdefault(fresh, ref_id)
        return fresh


def reconcile_references(project: Project) -> Project:
    """The project as the official VM holds it after loading: every referenced id declared somewhere."""
    stage = _Stage.of(project)
    fixes: dict[str, dict[str, tuple[str, str]]] = {}
    for target in project.targets:
        fixes[target.name] = _repairs(target, stage)
    if not any(fixes.values()):
        return project
    targets = []
    for target in project.targets:
        blocks = {i: _fix_block(b, fixes[target.name]) for i, b in target.blocks.items()}
        if target.is_stage:
            target = replace(
                target, variables=stage.variables, lists=stage.lists, broadcasts=stage.broadcasts
            )
        targets.append(replace(target, blocks=blocks))
    return replace(project, targets=tuple(targets))


def _key(ref_id: str | None) -> str:
    # The VM gathers references in an object keyed by id, so a null id is the key "null".
    return "null" if ref_id is None else ref_id


def _references(target: Target) -> Iterator[tuple[str, str, str]]:
    """(id, name, type) of every variable, list and broadcast reference in a target's blocks, in order."""
    for block in target.blocks.values():
        for name, f in block.fields.items():
            if name in FIELD_TYPES:
                yield _key(f.ref_id), str(f.value), FIELD_TYPES[name]
        for inp in block.inputs.values():
            for slot in (inp.slot, inp.shadow):
                if isinstance(slot, Primitive) and slot.kind in PRIMITIVE_TYPES:
                    yield _key(slot.ref_id), str(slot.value), PRIMITIVE_TYPES[slot.kind]


def _declared(target: Target, stage: _Stage, ref_id: str) -> bool:
    # lookupVariableById: this target's variables of any type, then the stage's.
    own = ref_id in target.variables or ref_id in target.lists or ref_id in target.broadcasts
    return own or stage.declares(ref_id)


def _repairs(target: Target, stage: _Stage) -> dict[str, tuple[str, str]]:
    """Dangling id -> (new id, new name) for one target, declaring globals on the stage as needed."""
    repairs: dict[str, tuple[str, str]] = {}
    created: dict[tuple[str, str], tuple[str, str]] = {}
    for ref_id, name, kind in _references(target):
        if ref_id in repairs or _declared(target, stage, ref_id):
            continue
        same_name = stage.first_ids[kind].get(name)
        if same_name is not None:
            repairs[ref_id] = (same_name, name)
        elif (kind, name) in created:
            # Two dangling references to "score" meant one variable.
            repairs[ref_id] = created[(kind, name)]
        else:
            fresh = stage.create(ref_id, name, kind)
            created[(kind, name)] = repairs[ref_id] = (ref_id, fresh)
    return repairs


def unused_name(name: str, existing: Container[str], counters: dict[str, int] | None = None) -> str:
    """StringUtil.unusedName: the name itself if free, else its stem with the lowest free number from 2.

    With `counters`, kept between calls while `existing` only grows, the search for a stem starts
    where the last one ended (every number below it is taken), so many calls stay linear.
    """
    if name not in existing:
        return name
    stem = name.rstrip("0123456789")  # withoutTrailingDigits: ASCII digits, in linear time
    i = 2 if counters is None else counters.get(stem, 2)
    while f"{stem}{i}" in existing:
        i += 1
    if counters is not None:
        counters[stem] = i
    return f"{stem}{i}"


def _fix_block(block: Block, repairs: dict[str, tuple[str, str]]) -> Block:
    if not repairs:
        return block
    fields = {n: _fix_field(n, f, repairs) for n, f in block.fields.items()}
    inputs = {
        n: Input(i.kind, _fix_slot(i.slot, repairs), _fix_slot(i.shadow, repairs))
        for n, i in block.inputs.items()
    }
    if fields == dict(block.fields) and inputs == dict(block.inputs):
        return block
    return replace(block, fields=fields, inputs=inputs)


def _repaired(
    ref_id: str | None, repairs: dict[str, tuple[str, str]]
) -> tuple[str | None, str] | None:
    found = repairs.get(_key(ref_id))
    if found is None:
        return None
    new_id, new_name = found
    # A null id that led to a new stage variable stays null (only the name is updated), as in the VM.
    return (None if ref_id is None and new_id == "null" else new_id), new_name


def _fix_field(name: str, f: Field, repairs: dict[str, tuple[str, str]]) -> Field:
    found = _repaired(f.ref_id, repairs) if name in FIELD_TYPES else None
    return f if found is None else Field(found[1], found[0])


def _fix_slot(
    slot: str | Primitive | None, repairs: dict[str, tuple[str, str]]
) -> str | Primitive | None:
    if isinstance(slot, Primitive) and slot.kind in PRIMITIVE_TYPES:
        found = _repaired(slot.ref_id, repairs)
        if found is not None:
            return Primitive(slot.kind, found[1], found[0])
    return slot
