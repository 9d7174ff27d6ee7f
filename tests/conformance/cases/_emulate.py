"""Run a project.json in the emulator the way run_vm.js runs it in the VM, and compare states exactly."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterable
from typing import Any

from emulator.inputs import Post
from emulator.runtime.runtime import Runtime
from emulator.sb3 import project_from_json
from emulator.state_json import dump_state


class _FramesUsedUp(Exception):
    """Raised after the last allowed frame, to leave the run where the VM's runner leaves it."""


def run_emulator(
    project: dict[str, Any],
    *,
    turbo: bool,
    answers: Iterable[str] = (),
    seed: int = 0,
    max_frames: int = 3000,
    inputs: Iterable[Post] = (),
    date: str | None = None,
    username: str = "",
) -> dict[str, Any]:
    """{"frames", "finished", "state"} with the state in the runner's encoded form.

    As run_vm.js: the flag is clicked at time 0, then frames run until no thread is left or
    `max_frames` frames have run.
    """
    runtime = Runtime(
        project_from_json(project),
        seed=seed,
        turbo=turbo,
        answers=list(answers),
        inputs=inputs,
        date=date,
        username=username,
    )

    def after_frame() -> None:
        if runtime.frame_count >= max_frames:
            raise _FramesUsedUp

    runtime.on_frame = after_frame
    runtime.green_flag()
    if max_frames > 0:
        with contextlib.suppress(_FramesUsedUp):
            runtime.run()
    return {
        "frames": runtime.frame_count,
        "finished": not runtime.threads,
        "state": dump_state(runtime),
    }


def same(a: Any, b: Any) -> bool:
    """Exact equality of decoded Scratch values: types kept, -0 is not 0, NaN equals NaN."""
    return first_difference(a, b) is None


def first_difference(expected: Any, actual: Any, path: str = "") -> str | None:
    """Where two decoded states first differ, as one line; None when they are the same."""
    if type(expected) is not type(actual):
        return f"{path or 'value'}: expected {_show(expected)}, got {_show(actual)}"
    if isinstance(expected, float):
        if math.isnan(expected) and math.isnan(actual):
            return None
        if expected == actual and math.copysign(1.0, expected) == math.copysign(1.0, actual):
            return None
        return f"{path or 'value'}: expected {_show(expected)}, got {_show(actual)}"
    if isinstance(expected, dict):
        for key in expected:
            if key not in actual:
                return f"{path}/{key}: missing (expected {_show(expected[key])})"
        for key in actual:
            if key not in expected:
                return f"{path}/{key}: unexpected {_show(actual[key])}"
        for key in expected:
            found = first_difference(expected[key], actual[key], f"{path}/{key}")
            if found:
                return found
        return None
    if isinstance(expected, list):
        for i, (e, a) in enumerate(zip(expected, actual, strict=False)):
            found = first_difference(e, a, f"{path}[{i}]")
            if found:
                return found
        if len(expected) != len(actual):
            return f"{path}: expected {len(expected)} items, got {len(actual)}"
        return None
    return (
        None
        if expected == actual
        else f"{path or 'value'}: expected {_show(expected)}, got {_show(actual)}"
    )


def _show(value: Any) -> str:
    """A value with its Scratch type: -0 and NaN spelled out, long things cut."""
    if isinstance(value, float):
        if value == 0 and math.copysign(1.0, value) < 0:
            return "-0 (number)"
        return f"{value!r} (number)"
    if value is None:
        return "undefined"
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."
