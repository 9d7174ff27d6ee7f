"""One timed run of an .sb3 for `scratch-emu bench`: a fresh process per run, timed whole and from inside.

Every engine is started the same way: the official VM as `node time_vm.js FILE.sb3`, ours as
`python -m emulator bench --worker ENGINE FILE.sb3`. The caller times the whole process (start-up,
loading, the run); the process reports the run alone, from the green flag to the last thread's end,
and the blocks it executed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from emulator.errors import EmulatorError
from emulator.runtime.runtime import Runtime
from emulator.sb3 import load_project

# Where the official VM and its timer live in a checkout of this project (the conformance suite).
CONFORMANCE_DIR = Path(__file__).resolve().parents[2] / "tests" / "conformance"
VM_ENTRY = Path("node_modules") / "@scratch" / "scratch-vm" / "src" / "index.js"
VM_TIMER = "time_vm.js"
INSTALL_HINT = "npm ci --prefix tests/conformance"


@dataclass(frozen=True)
class Timing:
    """One run: its own seconds (measured inside the process), the whole process's, and its blocks."""

    seconds: float
    process_seconds: float
    blocks: int | None


def vm_unavailable(folder: Path) -> str | None:
    """None when Node and the official VM can run; otherwise what is missing."""
    if shutil.which("node") is None:
        return "node is not on PATH"
    if not (folder / VM_ENTRY).is_file():
        return f"the official Scratch VM is not installed in {folder} (`{INSTALL_HINT}`)"
    if not (folder / VM_TIMER).is_file():
        return f"{VM_TIMER} is missing from {folder}"
    return None


def vm_command(folder: Path, sb3: Path, seed: int, count: bool) -> list[str]:
    """The official VM timing one project (counting its blocks, which slows it, when `count`)."""
    node = shutil.which("node") or "node"
    return [node, str(folder / VM_TIMER), str(sb3), "--seed", str(seed)] + (
        ["--count"] if count else []
    )


def engine_command(engine: str, sb3: Path, seed: int) -> list[str]:
    """One of our engines timing one project, started as the command line starts."""
    return [
        sys.executable,
        "-m",
        "emulator",
        "bench",
        "--worker",
        engine,
        str(sb3),
        "--seed",
        str(seed),
    ]


def timed(command: list[str], cwd: Path | None = None) -> Timing:
    """Run a timing process and read its one-line JSON answer."""
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=cwd, check=False)
    whole = time.perf_counter() - start
    lines = done.stdout.strip().splitlines()
    try:
        answer = json.loads(lines[-1]) if lines else {}
    except json.JSONDecodeError:
        answer = {}
    if done.returncode != 0 or not answer.get("ok"):
        why = answer.get("error") or done.stderr.strip()[-500:] or f"exit status {done.returncode}"
        raise EmulatorError(f"timing run {' '.join(command[-4:])} failed: {why}")
    blocks = answer.get("blocks")
    return Timing(float(answer["seconds"]), whole, None if blocks is None else int(blocks))


def worker(engine: str, sb3: str, seed: int) -> int:
    """Inside the timing process: load, compile, then time the run alone; print one JSON line."""
    runtime = Runtime(load_project(sb3), seed=seed, turbo=True, engine=engine)
    _ = runtime.compiled  # compiled before the clock starts (on first need otherwise)
    start = time.perf_counter()
    runtime.green_flag()
    runtime.run()
    seconds = time.perf_counter() - start
    print(json.dumps({"ok": True, "seconds": seconds, "blocks": runtime.blocks}))
    return 0
