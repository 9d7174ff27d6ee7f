"""Differential fuzzing: random small programs end in the emulator exactly as in the official Scratch VM.

Opt-in (needs Node): ``python -m pytest -m oracle tests/test_fuzz_vm.py``. One VM process serves
every example, so Hypothesis can run and shrink them one at a time. The number of examples is
SCRATCH_FUZZ_EXAMPLES (default 200); the rate is printed at the end (``-s`` to see it). Every
mismatch found is kept for ever as a golden case in tests/conformance/cases/fuzz_found.py: a strict
xfail of tests/test_conformance.py while its bug is open, an @example here once it is fixed. While
a bug is open, the fuzzer passes over a mismatch in a program that has the bug's trigger
(fuzz_found.OPEN_TRIGGERS) and goes on looking for others.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import example, given, reject

from emulator.state_json import decode_state as decode_emulator_state
from tests import strategies
from tests.conformance.cases._emulate import first_difference, run_emulator
from tests.conformance.cases._fuzz import build_project
from tests.conformance.cases.fuzz_found import FOUND, OPEN, OPEN_TRIGGERS
from tests.conformance.vm_server import VmServer
from tests.oracle import decode_state as decode_vm_state
from tests.oracle import vm_unavailable_reason

_REASON = vm_unavailable_reason()

pytestmark = [
    pytest.mark.oracle,
    pytest.mark.skipif(_REASON is not None, reason=_REASON or ""),
]

EXAMPLES = int(os.environ.get("SCRATCH_FUZZ_EXAMPLES", "200"))
MAX_FRAMES = (
    60  # fuzzed programs are bounded: their loops run a few times, their waits 0.1 s at most
)

_stats = {"examples": 0, "exempt": 0, "seconds": 0.0}


@pytest.fixture(scope="module")
def vm() -> Iterator[VmServer]:
    started = time.perf_counter()
    with VmServer(timeout=120.0) as server:
        yield server
    _stats["seconds"] = time.perf_counter() - started
    if _stats["examples"]:
        rate = _stats["examples"] / _stats["seconds"]
        print(
            f"\nfuzz: {_stats['examples']} examples in {_stats['seconds']:.1f} s = {rate:.1f} examples/s; "
            f"{_stats['exempt']} mismatches passed over as known open bugs"
        )


def disagreement(vm: VmServer, program: dict[str, Any]) -> str | None:
    """Run one program in both; the first difference, or None."""
    _stats["examples"] += 1
    project = build_project(program)
    seed, turbo = program["seed"], program.get("turbo", True)
    result = vm.run(project, turbo=turbo, seed=seed, max_frames=MAX_FRAMES)
    assert result["ok"], f"the VM could not run a generated program: {result.get('error')}"
    ours = run_emulator(project, turbo=turbo, seed=seed, max_frames=MAX_FRAMES)
    difference = first_difference(
        decode_vm_state(result["state"]), decode_emulator_state(ours["state"])
    )
    if difference is not None:
        return f"the emulator differs from the VM at {difference}"
    if (ours["finished"], ours["frames"]) != (result["finished"], result["frames"]):
        return (
            f"finished/frames: emulator {ours['finished']}/{ours['frames']}, "
            f"VM {result['finished']}/{result['frames']}"
        )
    return None


def _with_found_examples(test: Any) -> Any:
    # Open bugs are pinned as strict xfails by tests/test_conformance.py; fixed ones are replayed here.
    for name, program in reversed(list(FOUND.items())):
        if name not in OPEN:
            test = example(program=program)(test)
    return test


# filter_too_much: replaying a saved failure of an open bug rejects every shrink that keeps its trigger.
@strategies.fuzz_settings(EXAMPLES)
@given(program=strategies.fuzz_programs())
@_with_found_examples
def test_random_programs_match_vm(vm: VmServer, program: dict[str, Any]) -> None:
    """Any small program of variables, list writes, loops, ifs, custom blocks, says, broadcasts, motion, looks and clones ends the same."""
    difference = disagreement(vm, program)
    if difference is not None and any(trigger(program) for trigger in OPEN_TRIGGERS.values()):
        _stats["exempt"] += 1
        reject()  # a known, open bug (fuzz_found.OPEN), pinned by its golden cases
    assert difference is None, difference
