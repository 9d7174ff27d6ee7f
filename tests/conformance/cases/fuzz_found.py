"""Programs the differential fuzzer (tests/test_fuzz_vm.py) found the emulator getting wrong, kept as golden cases."""

from __future__ import annotations

from typing import Any

from tests.conformance.cases import CaseList
from tests.conformance.cases._fuzz import build_project

CASES = CaseList()

# name -> (what differed, the fuzzer's program as Hypothesis printed it, minimised by hand).
FOUND: dict[str, dict[str, Any]] = {}
DESCRIPTIONS: dict[str, str] = {}

for _name, _program in FOUND.items():
    CASES.add(_name, DESCRIPTIONS[_name], seed=_program["seed"], turbo=True, max_frames=30)(
        lambda program=_program: build_project(program))
