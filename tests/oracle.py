"""Run project.json dicts in the official Scratch VM (Node) and read back their state.

The VM is installed with ``npm ci --prefix tests/conformance``; the runner is
``tests/conformance/run_vm.js`` (its header documents the protocol and the
deterministic clock). One call of :func:`run_in_vm` starts Node once and runs
every project given, so batch projects: starting Node and loading the VM's
modules costs most of a second, each further small project a few milliseconds.

Typical use in a test::

    reason = vm_unavailable_reason()
    if reason:
        pytest.skip(reason)
    [result] = run_in_vm([project])
    assert result["ok"], result["error"]
    state = decode_state(result["state"])
    assert state["variables"]["v"] == "10"
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from pathlib import Path
from typing import Any

CONFORMANCE_DIR = Path(__file__).resolve().parent / "conformance"
RUNNER = CONFORMANCE_DIR / "run_vm.js"
VM_PACKAGE_DIR = CONFORMANCE_DIR / "node_modules" / "@scratch" / "scratch-vm"
INSTALL_COMMAND = "npm ci --prefix tests/conformance"

# The GUI's empty backdrop: the smallest costume the sb3 schema accepts.
MINIMAL_COSTUME: dict[str, Any] = {
    "assetId": "cd21514d0531fdffb22204e0ec5ed84a",
    "name": "backdrop1",
    "md5ext": "cd21514d0531fdffb22204e0ec5ed84a.svg",
    "dataFormat": "svg",
    "rotationCenterX": 240,
    "rotationCenterY": 180,
}

_SPECIAL_NUMBERS = {
    "Infinity": math.inf,
    "-Infinity": -math.inf,
    "NaN": math.nan,
    "-0": -0.0,
}


class OracleError(RuntimeError):
    """The Node runner could not be started or did not answer as expected."""


def vm_unavailable_reason() -> str | None:
    """None when the VM can run; otherwise a sentence naming what is missing and the fix."""
    if shutil.which("node") is None:
        return (
            "node is not on PATH: install Node.js 20, then install the Scratch VM with "
            f"`{INSTALL_COMMAND}`"
        )
    if not (VM_PACKAGE_DIR / "src" / "index.js").is_file():
        return (
            "the Scratch VM is not installed in tests/conformance/node_modules: "
            f"run `{INSTALL_COMMAND}`"
        )
    if not RUNNER.is_file():
        return f"the runner {RUNNER.name} is missing from tests/conformance"
    return None


def run_in_vm(
    projects: list[dict],
    turbo: bool = True,
    max_frames: int = 3000,
    answers: list[str] | None = None,
    *,
    seed: int = 0,
    frame_budget: int | None = None,
    timeout: float | None = None,
) -> list[dict]:
    """Run each project (a project.json dict) in a fresh Scratch VM, all in one Node process.

    Returns one dict per project, in order: ``{"ok": True, "frames": int, "finished": bool,
    "state": STATE}`` or ``{"ok": False, "error": str}``. STATE is still encoded; pass it to
    :func:`decode_state`. ``answers`` are given in order to "ask and wait" (each project gets
    the whole list). ``seed`` seeds Math.random (V8's xorshift128+, as ``emulator.rng.JsRandom``)
    afresh for each project. ``frame_budget`` overrides the work budget of a frame (default
    250000 units: one per block plus one per reporter evaluated). run_vm.js documents the
    virtual clock. Raises :class:`OracleError` when the VM is unavailable or the runner fails
    as a whole.
    """
    reason = vm_unavailable_reason()
    if reason is not None:
        raise OracleError(reason)
    request: dict[str, Any] = {
        "projects": list(projects),
        "turbo": bool(turbo),
        "max_frames": int(max_frames),
        "seed": str(int(seed)),
    }
    if answers is not None:
        request["ask_answers"] = [str(a) for a in answers]
    if frame_budget is not None:
        request["frame_budget"] = int(frame_budget)
    if timeout is None:
        timeout = 120.0 + 10.0 * len(request["projects"])
    try:
        proc = subprocess.run(
            ["node", str(RUNNER)],
            input=json.dumps(request, allow_nan=False),
            capture_output=True,
            text=True,
            encoding="utf-8",
            cwd=str(CONFORMANCE_DIR),
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise OracleError(f"run_vm.js did not finish within {timeout:g} s") from exc
    except ValueError as exc:  # NaN/inf in a project dict cannot be sent as JSON
        raise OracleError(f"project is not valid JSON: {exc}") from exc
    stderr_tail = proc.stderr.strip()[-2000:]
    if proc.returncode != 0:
        raise OracleError(f"run_vm.js exited with {proc.returncode}: {stderr_tail}")
    try:
        results = json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        raise OracleError(
            f"run_vm.js printed no JSON ({exc}); stdout starts {proc.stdout[:200]!r}; "
            f"stderr: {stderr_tail}"
        ) from exc
    if not isinstance(results, list) or len(results) != len(request["projects"]):
        raise OracleError(f"run_vm.js answered {str(results)[:200]!r}")
    return results


def decode_value(value: Any) -> Any:
    """One encoded VM value -> Python: every number a float, {"$n": ...} a float, undefined None."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, dict):
        if len(value) == 1 and "$n" in value:
            return _SPECIAL_NUMBERS[value["$n"]]
        if value == {"$undefined": True}:
            return None
        return {k: decode_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode_value(v) for v in value]
    return value


def _decode_scope(scope: dict) -> dict:
    """Variables and lists by name (a name is never read as a tag), then looks and clones."""
    out = {
        k: decode_value(v) for k, v in scope.items() if k not in ("variables", "lists", "clones")
    }
    out["variables"] = {name: decode_value(v) for name, v in scope.get("variables", {}).items()}
    out["lists"] = {
        name: [decode_value(item) for item in items]
        for name, items in scope.get("lists", {}).items()
    }
    if "clones" in scope:
        out["clones"] = [_decode_scope(clone) for clone in scope["clones"]]
    return out


def decode_state(state: dict) -> dict:
    """Decode a runner STATE so it compares exactly (types included) with the emulator's.

    Numbers become Python floats (never int), ``{"$n": "NaN"}`` etc. become nan, inf, -inf
    and -0.0, and JS undefined becomes None. Strings and booleans are kept.
    """
    top = _decode_scope({k: state[k] for k in ("variables", "lists") if k in state})
    looks = {"stage": decode_value(state["stage"])} if "stage" in state else {}
    return {
        "variables": top["variables"],
        "lists": top["lists"],
        **looks,
        "sprites": {name: _decode_scope(scope) for name, scope in state.get("sprites", {}).items()},
        "says": [
            {
                "target": say.get("target"),
                "type": say.get("type"),
                "text": decode_value(say.get("text")),
            }
            for say in state.get("says", [])
        ],
    }
