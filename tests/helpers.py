"""Test helpers: run a project to its end and read back its state; write blocks by hand, JSON-style."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from emulator.project import (
    Block,
    Field,
    Input,
    ListVar,
    Primitive,
    Project,
    Slot,
    Target,
    Variable,
)
from emulator.runtime.hooks import WriteLog
from emulator.runtime.runtime import Runtime
from emulator.state_json import decode_state, dump_state


def run_project(project: Project, **runtime_kwargs: Any) -> dict[str, Any]:
    """Click the flag, run until no thread is left; the decoded final state plus "frames"."""
    runtime = Runtime(project, **runtime_kwargs)
    runtime.green_flag()
    runtime.run()
    state = decode_state(dump_state(runtime))
    state["frames"] = runtime.frame_count
    return state


def started(project: Project, **runtime_kwargs: Any) -> Runtime:
    """A runtime with the green flag clicked and nothing run yet."""
    runtime = Runtime(project, **runtime_kwargs)
    runtime.green_flag()
    return runtime


def said(state: dict[str, Any]) -> list[Any]:
    """The raw values of every bubble shown, in order."""
    return [s["text"] for s in state["says"]]


# ## Hand-written blocks, for what the DSL cannot express


def _slot(raw: Any) -> Slot:
    if raw is None or isinstance(raw, str):
        return raw
    kind, value, *ref = raw
    if isinstance(value, int) and not isinstance(value, bool):
        value = float(value)  # every JSON number is a double
    return Primitive(kind, value, ref[0] if ref else None)


def _input(raw: list[Any]) -> Input:
    return Input(raw[0], _slot(raw[1]), _slot(raw[2]) if len(raw) > 2 else None)


class Blocks:
    """A target's blocks written as project.json writes them: inputs `[1, [4, "10"]]`, fields `["v", id]`.

    Ids are "<prefix><n>" unless given, so they never look like integers unless a test wants that.
    """

    def __init__(self, prefix: str = "b") -> None:
        self.prefix = prefix
        self.blocks: dict[str, Block] = {}
        self._ids = itertools.count(1)

    def add(
        self,
        opcode: str,
        inputs: dict[str, list[Any]] | None = None,
        fields: dict[str, list[Any]] | None = None,
        *,
        id: str | None = None,
        shadow: bool = False,
        mutation: dict[str, Any] | None = None,
    ) -> str:
        """Add one block; returns its id."""
        block_id = id or f"{self.prefix}{next(self._ids)}"
        self.blocks[block_id] = Block(
            id=block_id,
            opcode=opcode,
            inputs={k: _input(v) for k, v in (inputs or {}).items()},
            fields={k: Field(*v) for k, v in (fields or {}).items()},
            shadow=shadow,
            mutation=mutation,
        )
        return block_id

    def update(self, block_id: str, **changes: Any) -> None:
        """Replace some attributes of a block (blocks are frozen)."""
        self.blocks[block_id] = replace(self.blocks[block_id], **changes)

    def chain(self, *ids: str) -> str:
        """Link blocks with next/parent; returns the first id."""
        for a, b in itertools.pairwise(ids):
            self.update(a, next=b)
            self.update(b, parent=a)
        return ids[0]

    def script(self, hat: str, *ids: str) -> str:
        """A top-level script starting with the hat block `hat` (an id)."""
        self.chain(hat, *ids)
        self.update(hat, top_level=True, x=0.0, y=0.0)
        return hat

    def flag_script(self, *ids: str, hat_id: str | None = None) -> str:
        """when green flag clicked, then the blocks."""
        return self.script(self.add("event_whenflagclicked", id=hat_id), *ids)

    def set_var(self, name: str, value: list[Any]) -> str:
        """set [name] to (value), value as a project.json input."""
        return self.add("data_setvariableto", {"VALUE": value}, {"VARIABLE": [name, f"var-{name}"]})

    def add_to(self, name: str, value: list[Any]) -> str:
        """add (value) to [name]."""
        return self.add("data_addtolist", {"ITEM": value}, {"LIST": [name, f"list-{name}"]})


def var(name: str) -> list[Any]:
    """An input slot holding the variable reporter of `name`."""
    return [3, [12, name, f"var-{name}"], [10, ""]]


def target(
    name: str,
    blocks: Blocks | None = None,
    *,
    is_stage: bool = False,
    layer: int = 0,
    variables: dict[str, Any] | None = None,
    lists: dict[str, list[Any]] | None = None,
    broadcasts: dict[str, str] | None = None,
    visible: bool = True,
) -> Target:
    """A target whose variable and list ids are "var-<name>" and "list-<name>"."""
    return Target(
        name=name,
        is_stage=is_stage,
        variables={f"var-{n}": Variable(f"var-{n}", n, v) for n, v in (variables or {}).items()},
        lists={f"list-{n}": ListVar(f"list-{n}", n, tuple(v)) for n, v in (lists or {}).items()},
        broadcasts=dict(broadcasts or {}),
        blocks=dict(blocks.blocks) if blocks is not None else {},
        layer_order=layer,
        extra={} if is_stage else {"visible": visible},
    )


def project(
    stage: Blocks | None = None, *sprites: tuple[str, Blocks], **stage_data: Any
) -> Project:
    """A project: stage blocks and data, then sprites (name, blocks) with layers 1, 2, ..."""
    targets = [target("Stage", stage, is_stage=True, **stage_data)]
    targets += [target(name, blocks, layer=i) for i, (name, blocks) in enumerate(sprites, 1)]
    return Project(targets=tuple(targets))


def calls_of(monkeypatch: Any, module: Any, name: str, noted: Callable[..., Any]) -> list[Any]:
    """What `noted(*arguments)` gives for each call of `module.name`, in order; the calls still happen."""
    seen: list[Any] = []
    original = getattr(module, name)

    def spied(*args: Any) -> Any:
        seen.append(noted(*args))
        return original(*args)

    monkeypatch.setattr(module, name, spied)
    return seen


def interrupting_log(after: int) -> type[WriteLog]:
    """A WriteLog that raises KeyboardInterrupt (Ctrl-C) as the `after`-th write is appended."""

    class InterruptedLog(WriteLog):
        __slots__ = ("writes",)

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.writes = 0

        def append(self, value: Any) -> None:  # a write's value is appended last
            self.writes += 1
            if self.writes == after:
                raise KeyboardInterrupt
            super().append(value)

    return InterruptedLog
