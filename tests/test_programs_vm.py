"""Every program in programs/ (and a few written here) ends in the official Scratch VM exactly as in the emulator.

Opt-in, like every check that needs Node: ``python -m pytest -m oracle tests/test_programs_vm.py``.
Each program is exported to an .sb3 as `scratch-emu export` writes it (save_sb3), and the project.json
inside that file runs in one long-lived VM process with the same
seed as the emulator (day3 draws its initial weights with pick random). States are compared
exactly, item by item, without building a diff of the 20,001-item lookup tables.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from emulator.dsl import (
    Expr,
    Program,
    broadcast_and_wait,
    else_,
    if_,
    join,
    mathop,
    repeat,
    repeat_until,
    say,
)
from emulator.loading import installed_program, program_names
from emulator.project import Project
from emulator.sb3 import save_sb3
from emulator.state_json import decode_state as decode_emulator_state
from tests.conformance.cases._emulate import first_difference, run_emulator
from tests.conformance.vm_server import VmServer
from tests.oracle import decode_state as decode_vm_state
from tests.oracle import vm_unavailable_reason

_REASON = vm_unavailable_reason()

pytestmark = [
    pytest.mark.oracle,
    pytest.mark.skipif(_REASON is not None, reason=_REASON or ""),
]

SEED = 20240611
MAX_FRAMES = 20000

# Parameters for programs/ entries; a program not named here is built with its defaults.
DAY3_SMALL = {"epochs": 1, "train": 3, "test": 2}
SPIRAL_SMALL = {"points": 3, "hidden": 3, "batch": 3, "epochs": 2, "grid": 3}
PROGRAM_PARAMS: dict[str, list[dict[str, Any]]] = {
    "day3": [{**DAY3_SMALL, "variant": "fixed"}, {**DAY3_SMALL, "variant": "buggy"}],
    "spiral": [
        {**SPIRAL_SMALL, "variant": "fixed"},
        {**SPIRAL_SMALL, "variant": "buggy", "math": "lut"},
        {**SPIRAL_SMALL, "check_gradient": True},
    ],
}


# ## Programs written here


def bubble_sort() -> Project:
    """Bubble sort with Scratch's comparison: numbers numerically, text case-folded, '' and ' ' as text."""
    prog = Program("bubble_sort")
    items = prog.stage.list(
        "items", ["10", "9", "b", "A", "1e1", "-0", "", "  3", "0x10", 2.5, True, "Infinity", "a"]
    )
    i, j, tmp, swaps = (prog.stage.var(n, 0) for n in ("i", "j", "tmp", "swaps"))
    sorter = prog.sprite("Sorter")
    with sorter.when_flag_clicked():
        swaps.set(0)
        i.set(1)
        with repeat(Expr("operator_subtract", {"NUM1": items.length(), "NUM2": "1"})):
            j.set(1)
            with repeat(Expr("operator_subtract", {"NUM1": items.length(), "NUM2": i})):
                with if_(
                    items.item(j) > items.item(Expr("operator_add", {"NUM1": j, "NUM2": "1"}))
                ):
                    tmp.set(items.item(j))
                    items.replace(j, items.item(Expr("operator_add", {"NUM1": j, "NUM2": "1"})))
                    items.replace(Expr("operator_add", {"NUM1": j, "NUM2": "1"}), tmp)
                    swaps.change(1)
                j.change(1)
            i.change(1)
        say(join("sorted: ", items))
    return prog.build()


def recursion() -> Project:
    """fib(12) through a stack list (non-warp, one tick per call) and 25! in a warp block."""
    prog = Program("recursion")
    result, acc = prog.stage.var("result", 0), prog.stage.var("acc", 1)
    stack = prog.stage.list("stack")
    sp = prog.sprite("Math")
    fib = sp.procedure("fib %s", ["n"])
    with fib.define() as (n,):
        with if_(n < 2):
            result.set(n)
        with else_():
            fib(n - 1)
            stack.add(result)
            fib(n - 2)
            result.set(stack.item("last") + result)
            stack.delete("last")
    fact = sp.procedure("fact %s", ["n"], warp=True)
    with fact.define() as (n,), if_(n > 1):
        acc.set(acc * n)
        fact(n - 1)
    with sp.when_flag_clicked():
        fib(12)
        fact(25)
        say(join(join(result, " "), acc))
    return prog.build()


def collatz_and_messages() -> Project:
    """Collatz steps with mod and repeat until, handed between sprites by broadcast and wait."""
    prog = Program("collatz")
    n, steps, log = prog.stage.var("n", 27), prog.stage.var("steps", 0), prog.stage.list("log")
    worker, boss = prog.sprite("Worker"), prog.sprite("Boss")
    with worker.when_i_receive("step"):
        with if_((n % 2) == 0):
            n.set(mathop("floor", n / 2))
        with else_():
            n.set(n * 3 + 1)
        steps.change(1)
    with boss.when_flag_clicked():
        with repeat_until(n == 1):
            broadcast_and_wait("step")
            with if_((steps % 10) == 0):
                log.add(join(steps, join(":", n)))
        say(join("steps: ", steps))
    return prog.build()


HERE: dict[str, Callable[[], Project]] = {
    "bubble_sort": bubble_sort,
    "recursion": recursion,
    "collatz_and_messages": collatz_and_messages,
}


def _builds() -> Iterator[tuple[str, Callable[[], Project]]]:
    for name in program_names():
        program = installed_program(name)
        assert program is not None
        build = program.build
        for params in PROGRAM_PARAMS.get(name, [{}]):
            label = "-".join([name, *(f"{k}={v}" for k, v in params.items())])
            yield label, (lambda build=build, params=params: build(**params))
    yield from HERE.items()


BUILDS = dict(_builds())


@pytest.fixture(scope="module")
def vm() -> Iterator[VmServer]:
    with VmServer(timeout=600.0) as server:
        yield server


def exported(built: Any, path: Path) -> dict[str, Any]:
    """The project.json of the .sb3 that export writes for a program."""
    save_sb3(built, path)
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("project.json"))


@pytest.mark.parametrize("name", list(BUILDS))
def test_program_matches_vm(name: str, vm: VmServer, tmp_path: Path) -> None:
    """The VM and the emulator end with the same variables, lists and bubbles, in the same frame."""
    project = exported(BUILDS[name](), tmp_path / f"{name}.sb3")
    result = vm.run(project, turbo=False, seed=SEED, max_frames=MAX_FRAMES)
    assert result["ok"], result.get("error")
    assert result["finished"], f"{name} did not finish within {MAX_FRAMES} frames in the VM"
    ours = run_emulator(project, turbo=False, seed=SEED, max_frames=MAX_FRAMES)
    difference = first_difference(
        decode_vm_state(result["state"]), decode_emulator_state(ours["state"])
    )
    assert difference is None, f"{name}: the emulator differs from the VM at {difference}"
    assert ours["finished"]
    assert ours["frames"] == result["frames"], (
        f"{name}: {ours['frames']} frames, the VM took {result['frames']}"
    )


def test_every_program_is_checked() -> None:
    """Each installed program is among the programs run here."""
    assert all(any(label.split("-")[0] == name for label in BUILDS) for name in program_names())
