"""A project.json writer for cases the DSL cannot express: blocks as raw dicts, inputs as written.

Inputs are given exactly as project.json holds them (``[1, [10, "x"]]``, ``[4, 10]``, ``[1, None]``),
so a case can use every shape the VM accepts. Block ids are "<prefix><n>" (never integer-like)
unless a case passes ``id=``.
"""

from __future__ import annotations

import copy
import itertools
from typing import Any

MINIMAL_COSTUME: dict[str, Any] = {
    "assetId": "cd21514d0531fdffb22204e0ec5ed84a",
    "name": "backdrop1",
    "md5ext": "cd21514d0531fdffb22204e0ec5ed84a.svg",
    "dataFormat": "svg",
    "rotationCenterX": 240,
    "rotationCenterY": 180,
}

Input = list[Any]


# ## Input shapes


def text(value: Any) -> Input:
    """A text slot holding `value` (a string, as the editor writes it)."""
    return [1, [10, value]]


def number(value: Any) -> Input:
    """A math_number slot holding `value` as given: "10" (editor style) or 10 (a JSON number)."""
    return [1, [4, value]]


def reporter(block_id: str, shadow: Any = None) -> Input:
    """A reporter block over an empty text shadow (or the given shadow)."""
    return [3, block_id, shadow if shadow is not None else [10, ""]]


def boolean(block_id: str | None) -> Input:
    """A boolean slot holding a block (or None: an empty slot written as [2, null])."""
    return [2, block_id]


def var(name: str, var_id: str | None = None) -> Input:
    """A slot holding the variable reporter `name`."""
    return [3, [12, name, var_id or f"var-{name}"], [10, ""]]


def list_reporter(name: str, list_id: str | None = None) -> Input:
    """A slot holding the list reporter `name`."""
    return [3, [13, name, list_id or f"list-{name}"], [10, ""]]


def substack(first: str | None) -> Input:
    """A C-block mouth starting at `first`."""
    return [2, first]


# ## Blocks


class Blocks:
    """A target's ``blocks`` dict under construction."""

    def __init__(self, prefix: str = "b") -> None:
        self.prefix = prefix
        self.blocks: dict[str, Any] = {}
        self._ids = itertools.count(1)

    def add(
        self,
        opcode: str,
        inputs: dict[str, Input] | None = None,
        fields: dict[str, list[Any]] | None = None,
        *,
        id: str | None = None,
        shadow: bool = False,
        mutation: dict[str, Any] | None = None,
    ) -> str:
        """Add one block; returns its id."""
        block_id = id or f"{self.prefix}{next(self._ids)}"
        block: dict[str, Any] = {
            "opcode": opcode,
            "next": None,
            "parent": None,
            "inputs": inputs or {},
            "fields": fields or {},
            "shadow": shadow,
            "topLevel": False,
        }
        if mutation is not None:
            block["mutation"] = mutation
        self.blocks[block_id] = block
        return block_id

    def menu(self, opcode: str, field: str, value: str) -> Input:
        """A menu input: a shadow block of `opcode` holding `value` in its one field."""
        return [1, self.add(opcode, fields={field: [value, None]}, shadow=True)]

    def raw(self, block_id: str, value: Any) -> None:
        """Put any value under an id (e.g. a loose top-level reporter array)."""
        self.blocks[block_id] = value

    def chain(self, *ids: str) -> str:
        """Link statements with next/parent; returns the first id."""
        for a, b in itertools.pairwise(ids):
            self.blocks[a]["next"] = b
            self.blocks[b]["parent"] = a
        return ids[0]

    def script(self, hat: str, *ids: str) -> str:
        """A top-level script: the hat `hat` (an id) followed by the statements."""
        self.chain(hat, *ids)
        self.blocks[hat].update({"topLevel": True, "x": 0, "y": 0})
        return hat

    def flag(self, *ids: str, hat_id: str | None = None) -> str:
        """when green flag clicked, then the statements."""
        return self.script(self.add("event_whenflagclicked", id=hat_id), *ids)

    def receive(self, name: str, *ids: str, message_id: str | None = None) -> str:
        """when I receive [name], then the statements."""
        hat = self.add(
            "event_whenbroadcastreceived",
            fields={"BROADCAST_OPTION": [name, message_id or f"msg-{name}"]},
        )
        return self.script(hat, *ids)

    # Statements -----------------------------------------------------------------------------

    def set(self, name: str, value: Input | None, var_id: str | None = None) -> str:
        """set [name] to (value); None leaves the VALUE input out."""
        inputs = {"VALUE": value} if value is not None else {}
        return self.add("data_setvariableto", inputs, {"VARIABLE": [name, var_id or f"var-{name}"]})

    def change(self, name: str, value: Input, var_id: str | None = None) -> str:
        """change [name] by (value)."""
        return self.add(
            "data_changevariableby", {"VALUE": value}, {"VARIABLE": [name, var_id or f"var-{name}"]}
        )

    def list_add(self, name: str, value: Input, list_id: str | None = None) -> str:
        """add (value) to [name]."""
        return self.add(
            "data_addtolist", {"ITEM": value}, {"LIST": [name, list_id or f"list-{name}"]}
        )

    def say(self, value: Input) -> str:
        """say (value)."""
        return self.add("looks_say", {"MESSAGE": value})

    def c_block(
        self,
        opcode: str,
        inputs: dict[str, Input],
        *body: str,
        fields: dict[str, list[Any]] | None = None,
    ) -> str:
        """A C block whose mouth holds `body`."""
        first = self.chain(*body) if body else None
        return self.add(opcode, {**inputs, "SUBSTACK": substack(first)}, fields)

    def repeat(self, times: Input, *body: str) -> str:
        """repeat (times) { body }."""
        return self.c_block("control_repeat", {"TIMES": times}, *body)

    def broadcast(self, name: str, message_id: str | None = None, *, wait: bool = False) -> str:
        """broadcast [name] (and wait) from the menu."""
        opcode = "event_broadcastandwait" if wait else "event_broadcast"
        return self.add(opcode, {"BROADCAST_INPUT": [1, [11, name, message_id or f"msg-{name}"]]})

    # Reporters ------------------------------------------------------------------------------

    def op(self, opcode: str, **inputs: Input) -> str:
        """A reporter block with these inputs, in the order given."""
        return self.add(opcode, dict(inputs))

    def join(self, a: Input, b: Input) -> str:
        """join (a) (b)."""
        return self.op("operator_join", STRING1=a, STRING2=b)

    def equals(self, a: Input, b: Input) -> str:
        """(a) = (b)."""
        return self.op("operator_equals", OPERAND1=a, OPERAND2=b)

    def finish(self) -> dict[str, Any]:
        """The blocks dict, with `parent` set on every block used as an input."""
        for block_id, block in self.blocks.items():
            if not isinstance(block, dict):
                continue
            for value in block["inputs"].values():
                for ref in value[1:]:
                    child = self.blocks.get(ref) if isinstance(ref, str) else None
                    if isinstance(child, dict):
                        child["parent"] = block_id
        return self.blocks


# ## Procedures


def proc_mutation(
    proccode: str,
    ids: list[str],
    names: list[str] | None = None,
    defaults: list[str] | None = None,
    warp: Any = "false",
) -> dict[str, Any]:
    """A procedures_prototype (names given) or procedures_call mutation."""
    import json

    mutation: dict[str, Any] = {
        "tagName": "mutation",
        "children": [],
        "proccode": proccode,
        "argumentids": json.dumps(ids),
    }
    if names is not None:
        mutation["argumentnames"] = json.dumps(names)
        mutation["argumentdefaults"] = json.dumps(
            defaults if defaults is not None else [""] * len(names)
        )
    mutation["warp"] = warp
    return mutation


def define(
    blocks: Blocks,
    proccode: str,
    args: list[tuple[str, str, str]],
    *body: str,
    warp: Any = "false",
    defaults: list[str] | None = None,
) -> str:
    """A custom block definition; args are (id, name, "s" | "b"). Returns the definition's id."""
    proto_inputs = {}
    for arg_id, name, kind in args:
        opcode = "argument_reporter_boolean" if kind == "b" else "argument_reporter_string_number"
        proto_inputs[arg_id] = [1, blocks.add(opcode, fields={"VALUE": [name, None]}, shadow=True)]
    mutation = proc_mutation(
        proccode,
        [a[0] for a in args],
        [a[1] for a in args],
        defaults if defaults is not None else ["false" if a[2] == "b" else "" for a in args],
        warp,
    )
    proto = blocks.add("procedures_prototype", proto_inputs, shadow=True, mutation=mutation)
    definition = blocks.add("procedures_definition", {"custom_block": [1, proto]})
    return blocks.script(definition, *body)


def call(blocks: Blocks, proccode: str, args: dict[str, Input], warp: Any = "false") -> str:
    """A procedures_call block; args maps argument id -> input, in the order given."""
    return blocks.add(
        "procedures_call", dict(args), mutation=proc_mutation(proccode, list(args), warp=warp)
    )


def arg(blocks: Blocks, name: str, kind: str = "s") -> str:
    """An argument reporter block (not a shadow: as dragged into a script)."""
    opcode = "argument_reporter_boolean" if kind == "b" else "argument_reporter_string_number"
    return blocks.add(opcode, fields={"VALUE": [name, None]})


# ## Projects


def _target(
    name: str,
    blocks: Blocks | None,
    *,
    is_stage: bool,
    layer: int,
    variables: dict[str, Any] | None,
    lists: dict[str, list[Any]] | None,
    broadcasts: dict[str, str] | None,
    prefix: str,
) -> dict[str, Any]:
    target: dict[str, Any] = {
        "isStage": is_stage,
        "name": name,
        "variables": {f"{prefix}var-{n}": [n, v] for n, v in (variables or {}).items()},
        "lists": {f"{prefix}list-{n}": [n, list(v)] for n, v in (lists or {}).items()},
        "broadcasts": dict(broadcasts or {}),
        "blocks": blocks.finish() if blocks is not None else {},
        "comments": {},
        "currentCostume": 0,
        "costumes": [copy.deepcopy(MINIMAL_COSTUME)],
        "sounds": [],
        "volume": 100,
        "layerOrder": layer,
    }
    if is_stage:
        target.update(
            {"tempo": 60, "videoTransparency": 50, "videoState": "on", "textToSpeechLanguage": None}
        )
    else:
        target.update(
            {
                "visible": True,
                "x": 0,
                "y": 0,
                "size": 100,
                "direction": 90,
                "draggable": False,
                "rotationStyle": "all around",
            }
        )
    return target


class Sprite:
    """A sprite to put in a project: its blocks and local data (ids "<name>:var-<n>")."""

    def __init__(
        self,
        name: str,
        blocks: Blocks,
        variables: dict[str, Any] | None = None,
        lists: dict[str, list[Any]] | None = None,
        layer: int | None = None,
    ) -> None:
        self.name, self.blocks, self.variables, self.lists, self.layer = (
            name,
            blocks,
            variables,
            lists,
            layer,
        )


def project(
    stage: Blocks | None = None,
    *sprites: Sprite,
    variables: dict[str, Any] | None = None,
    lists: dict[str, list[Any]] | None = None,
    broadcasts: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A whole project.json: the stage (ids "var-<n>", "list-<n>") and sprites on layers 1, 2, ..."""
    targets = [
        _target(
            "Stage",
            stage,
            is_stage=True,
            layer=0,
            variables=variables,
            lists=lists,
            broadcasts=broadcasts,
            prefix="",
        )
    ]
    for i, s in enumerate(sprites, 1):
        targets.append(
            _target(
                s.name,
                s.blocks,
                is_stage=False,
                layer=s.layer if s.layer is not None else i,
                variables=s.variables,
                lists=s.lists,
                broadcasts=None,
                prefix=f"{s.name}:",
            )
        )
    return {
        "targets": targets,
        "monitors": [],
        "extensions": [],
        "meta": {"semver": "3.0.0", "vm": "0.2.0", "agent": ""},
    }
