"""Every conformance case ends in the emulator exactly as it ended in the official Scratch VM.

The VM's results are recorded in tests/conformance/golden/ by ``python -m tests.conformance.record``,
so this runs offline. States are compared exactly: types, -0 against 0, NaN equal to NaN.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import pytest

from emulator.state_json import decode_state as decode_emulator_state
from tests.conformance.cases import MODULES, Case, all_cases, project_sha256
from tests.conformance.cases._emulate import first_difference, run_emulator
from tests.conformance.cases._rules import RULES, UNSUPPORTED
from tests.conformance.cases.fuzz_found import OPEN as OPEN_FUZZ_FINDINGS
from tests.conformance.record import RECORD_COMMAND, golden_path
from tests.oracle import decode_state as decode_vm_state

# Cases the emulator gets wrong: "module.case" -> what differs. Each is a strict xfail, so a fix
# that makes one pass fails the suite until its entry is removed here.
KNOWN_EMULATOR_BUGS: dict[str, str] = {
    # Deliberate: a scripted run with no answer left stops with a clear error instead of waiting forever.
    "ask_answer.answers_run_out": "when 'ask and wait' has no answer left the emulator raises ProgramError; "
    "the VM leaves the question open and the run goes on until max_frames",
    **{f"fuzz_found.{name}": what for name, what in OPEN_FUZZ_FINDINGS.items()},
}

CASES: list[tuple[str, Case]] = list(all_cases())


@functools.cache
def golden(module: str) -> dict[str, Any]:
    """A module's recorded golden document."""
    path = golden_path(module)
    if not path.is_file():
        pytest.fail(
            f"{path.name} is missing: run `{RECORD_COMMAND} {module}` (needs Node) and commit it"
        )
    return json.loads(path.read_text(encoding="utf-8"))


def _param(module: str, case: Case) -> Any:
    key = f"{module}.{case.id}"
    marks = []
    if key in KNOWN_EMULATOR_BUGS:
        marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_EMULATOR_BUGS[key]))
    return pytest.param(module, case, id=key, marks=marks)


@pytest.mark.parametrize(("module", "case"), [_param(m, c) for m, c in CASES])
def test_case_matches_vm(module: str, case: Case) -> None:
    """The emulator reaches the VM's recorded final state (and its frame count, where timing matters)."""
    doc = golden(module)
    recorded = doc["cases"].get(case.id)
    stale = f"run `{RECORD_COMMAND} {module}` and review `git diff tests/conformance/golden`"
    assert recorded is not None, f"case {case.id!r} has no golden: {stale}"
    project = case.project()
    assert doc["projects_sha256"].get(case.id) == project_sha256(project), (
        f"case {case.id!r} changed since its golden was recorded: {stale}"
    )
    assert recorded["params"] == case.params(), f"the parameters of {case.id!r} changed: {stale}"

    result = run_emulator(
        project,
        turbo=case.turbo,
        answers=case.answers,
        seed=case.seed,
        max_frames=case.max_frames,
        **case.devices(),
    )
    expected = decode_vm_state(recorded["state"])
    actual = decode_emulator_state(result["state"])
    difference = first_difference(expected, actual)
    assert difference is None, (
        f"{case.description}: the emulator differs from the VM at {difference}"
    )
    assert result["finished"] == recorded["finished"], (
        "the VM and the emulator disagree on whether it ended"
    )
    if case.timing:
        assert result["frames"] == recorded["frames"], (
            f"{case.description}: {result['frames']} frames in the emulator, {recorded['frames']} in the VM"
        )


def test_goldens_hold_only_current_cases() -> None:
    """A golden entry whose case was deleted or renamed is stale."""
    for module in MODULES:
        ids = {c.id for m, c in CASES if m == module}
        orphans = sorted(set(golden(module)["cases"]) - ids)
        assert not orphans, (
            f"{golden_path(module).name} holds removed cases {orphans}: run `{RECORD_COMMAND} {module}`"
        )


def test_every_rule_has_a_case() -> None:
    """Each rule and test vector of the semantics reference is pinned by some case."""
    covered = {rule for _, case in CASES for rule in case.covers}
    unknown = sorted(covered - set(RULES) - set(UNSUPPORTED))
    assert not unknown, f"cases name rules that do not exist: {unknown}"
    missing = sorted(set(RULES) - covered)
    assert not missing, f"no case covers {missing}"


def test_case_ids_are_unique_and_described() -> None:
    """Case ids are unique per module and every case says what it checks."""
    seen: set[str] = set()
    for module, case in CASES:
        key = f"{module}.{case.id}"
        assert key not in seen
        seen.add(key)
        assert case.description.strip(), key
