"""Conformance cases: small Scratch projects whose final state in the official VM is recorded as golden.

Each topic module defines ``CASES``, a :class:`CaseList` of :class:`Case`. A case builds one
project.json dict (from the DSL, or by hand for what the DSL cannot write) and names the run
parameters both the emulator and the VM get. ``python -m tests.conformance.record`` runs every
case in the VM and writes ``tests/conformance/golden/<module>.json``; ``tests/test_conformance.py``
replays them in the emulator.
"""

from __future__ import annotations

import hashlib
import importlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from emulator.inputs import Post
from emulator.project import Project
from emulator.sb3 import project_to_json

# Topic modules, in the order the report and the goldens list them.
MODULES: tuple[str, ...] = (
    "casts_and_printing",
    "comparisons",
    "variables",
    "list_indices",
    "list_blocks",
    "list_limit",
    "list_reporter_join",
    "operators_edge",
    "control",
    "procedures",
    "threads",
    "broadcasts",
    "say_think",
    "ask_answer",
    "timer",
    "pick_random",
    "project_json",
    "motion",
    "looks",
    "clones",
    "pen",
    "sensing",
    "input_events",
    "sound",
    "music",
    "fuzz_found",
)

ProjectSource = Callable[[], "Project | dict[str, Any]"]


@dataclass(frozen=True)
class Case:
    """One project and the parameters it runs with; `timing` says whether its frame count is checked."""

    id: str
    description: str
    source: ProjectSource = field(repr=False)
    turbo: bool = False
    answers: tuple[str, ...] = ()
    seed: int = 0
    max_frames: int = 600
    timing: bool = False
    covers: tuple[str, ...] = ()  # rule ids of tests/conformance/cases/_rules.py
    inputs: tuple[Post, ...] = ()  # injected input (emulator.inputs spells it)
    date: str | None = None  # the wall clock at the flag; None for the runners' default
    username: str = ""

    def project(self) -> dict[str, Any]:
        """The case's project.json dict (a DSL Project is exported the way the CLI exports it)."""
        built = self.source()
        return project_to_json(built) if isinstance(built, Project) else built

    def params(self) -> dict[str, Any]:
        """The run parameters, as recorded beside the golden state (input, date and user when given)."""
        params: dict[str, Any] = {
            "turbo": self.turbo,
            "answers": list(self.answers),
            "seed": self.seed,
            "max_frames": self.max_frames,
            "timing": self.timing,
        }
        if self.inputs:
            params["inputs"] = [p.to_json() for p in self.inputs]
        if self.date is not None:
            params["date"] = self.date
        if self.username:
            params["username"] = self.username
        return params

    def devices(self) -> dict[str, Any]:
        """What the case feeds the io devices, as run_emulator and the VM runner take it."""
        return {"inputs": self.inputs, "date": self.date, "username": self.username}


class CaseList(list[Case]):
    """A module's cases; `@CASES.add(...)` registers a builder function as a case."""

    def add(
        self, case_id: str, description: str, **params: Any
    ) -> Callable[[ProjectSource], ProjectSource]:
        """Decorator: the function (no arguments) returns a DSL Project or a project.json dict."""

        def register(source: ProjectSource) -> ProjectSource:
            if any(c.id == case_id for c in self):
                raise ValueError(f"duplicate case id {case_id!r}")
            self.append(Case(case_id, description, source, **params))
            return source

        return register


def canonical_json(project: dict[str, Any]) -> bytes:
    """The bytes a case's hash is taken over: key order kept (it is meaningful to Scratch)."""
    return json.dumps(project, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode()


def project_sha256(project: dict[str, Any]) -> str:
    """The hex sha256 of a project.json dict."""
    return hashlib.sha256(canonical_json(project)).hexdigest()


def load_module(name: str) -> CaseList:
    """The CASES of one topic module."""
    module = importlib.import_module(f"{__name__}.{name}")
    return module.CASES


def all_cases() -> Iterator[tuple[str, Case]]:
    """(module name, case) for every case of every module."""
    for name in MODULES:
        for case in load_module(name):
            yield name, case


def opcodes_in(value: Any, found: set[str] | None = None) -> set[str]:
    """Every opcode a project.json value names: each block object's "opcode"."""
    found = set() if found is None else found
    if isinstance(value, dict):
        if isinstance(value.get("opcode"), str):
            found.add(value["opcode"])
        for v in value.values():
            opcodes_in(v, found)
    elif isinstance(value, list):
        for v in value:
            opcodes_in(v, found)
    return found
