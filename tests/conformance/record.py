"""Record the conformance goldens: run every case in the official Scratch VM and write what it ends with.

    python -m tests.conformance.record              # every module
    python -m tests.conformance.record control      # some modules
    python -m tests.conformance.record --check      # only report goldens that are out of date

Installs the VM first (``npm ci --prefix tests/conformance``) when it is missing. One Node process
runs every case, in batches of cases that share their run parameters. Writes
``tests/conformance/golden/<module>.json`` for each module, and leaves a file untouched when
nothing in it changed; review the result with ``git diff tests/conformance/golden``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from tests.conformance.cases import MODULES, Case, load_module, project_sha256
from tests.conformance.vm_server import VmServer, node_version, vm_version
from tests.oracle import CONFORMANCE_DIR, INSTALL_COMMAND, OracleError, vm_unavailable_reason

GOLDEN_DIR = CONFORMANCE_DIR / "golden"
RECORD_COMMAND = "python -m tests.conformance.record"
FORMAT = 1


def golden_path(module: str) -> Path:
    """Where a module's golden lives."""
    return GOLDEN_DIR / f"{module}.json"


def ensure_vm() -> None:
    """Install the VM with npm when it is missing; raise OracleError when it cannot run."""
    reason = vm_unavailable_reason()
    if reason is not None and "node_modules" in reason and shutil.which("npm"):
        print(f"installing the Scratch VM: {INSTALL_COMMAND}", file=sys.stderr)
        subprocess.run(
            ["npm", "ci", "--prefix", str(CONFORMANCE_DIR), "--no-audit", "--no-fund"], check=True
        )
        reason = vm_unavailable_reason()
    if reason is not None:
        raise OracleError(reason)


def _batch_key(case: Case) -> tuple[Any, ...]:
    return (
        case.turbo,
        case.max_frames,
        case.answers,
        case.seed,
        case.inputs,
        case.date,
        case.username,
    )


def record(modules: list[str]) -> dict[str, dict[str, Any]]:
    """The golden document of each module, freshly recorded."""
    cases = [(m, case, case.project()) for m in modules for case in load_module(m)]
    batches: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for i, (_, case, _) in enumerate(cases):
        batches[_batch_key(case)].append(i)
    results: list[dict[str, Any]] = [{} for _ in cases]
    with VmServer(timeout=600.0) as vm:
        for (turbo, max_frames, answers, seed, *_), indices in batches.items():
            answered = vm.run_many(
                [cases[i][2] for i in indices],
                turbo=turbo,
                max_frames=max_frames,
                answers=answers,
                seed=seed,
                **cases[indices[0]][1].devices(),
            )
            for i, result in zip(indices, answered, strict=True):
                results[i] = result
    header = {"vm": vm_version(), "node": node_version(), "regenerate": RECORD_COMMAND}
    docs: dict[str, dict[str, Any]] = {
        m: {"format": FORMAT, "module": m, **header, "projects_sha256": {}, "cases": {}}
        for m in modules
    }
    failures = []
    for (module, case, project), result in zip(cases, results, strict=True):
        if not result.get("ok"):
            failures.append(f"{module}.{case.id}: {result.get('error')}")
            continue
        doc = docs[module]
        doc["projects_sha256"][case.id] = project_sha256(project)
        doc["cases"][case.id] = {
            "description": case.description,
            "params": case.params(),
            "frames": result["frames"],
            "finished": result["finished"],
            "state": result["state"],
        }
        if result.get("step_errors"):
            # Blocks that threw in the VM (each ended its frame); kept for review, not compared.
            doc["cases"][case.id]["step_errors"] = result["step_errors"]
    if failures:
        raise OracleError("the VM could not run these cases:\n  " + "\n  ".join(failures))
    return docs


def render(doc: dict[str, Any]) -> str:
    """A golden document as the text written to disk (stable, ASCII, one key per line)."""
    return json.dumps(doc, indent=1, ensure_ascii=True, allow_nan=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=RECORD_COMMAND, description=__doc__.split("\n")[0])
    parser.add_argument(
        "modules",
        nargs="*",
        metavar="MODULE",
        help=f"case modules to record (default: all of {', '.join(MODULES)})",
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if a golden is stale"
    )
    args = parser.parse_args(argv)
    unknown = [m for m in args.modules if m not in MODULES]
    if unknown:
        parser.error(f"unknown module(s) {', '.join(unknown)}; choose from {', '.join(MODULES)}")
    modules = list(args.modules) or list(MODULES)
    try:
        ensure_vm()
        docs = record(modules)
    except (OracleError, subprocess.CalledProcessError) as exc:
        print(f"record: {exc}", file=sys.stderr)
        return 2
    stale = 0
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    for module, doc in docs.items():
        path, text = golden_path(module), render(doc)
        old = path.read_text(encoding="utf-8") if path.is_file() else None
        if old == text:
            continue
        stale += 1
        if args.check:
            print(
                f"stale: {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}"
            )
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.name}: {len(doc['cases'])} cases")
    total = sum(len(d["cases"]) for d in docs.values())
    print(
        f"{total} cases in {len(docs)} modules; {stale} golden file(s) {'stale' if args.check else 'changed'}"
    )
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
