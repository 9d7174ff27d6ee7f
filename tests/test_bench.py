"""`scratch-emu bench --json` in its reduced form: the answer's shape, and every engine counting the same blocks.

Nothing here looks at a time: the machine may be busy, and timing is what `bench` reports, not what
the tests check. The official VM's rows are opt-in: ``python -m pytest -m oracle tests/test_bench.py``.
"""

from __future__ import annotations

import contextlib
import io
import json
from typing import Any

import pytest

from emulator.cli import main
from tests.oracle import vm_unavailable_reason

# Tiny sizes, one run each: the dot product 4 x 1, pi to 10,000 terms, day3 on 3 samples.
REDUCED = ["bench", "--json", "--quick", "--scale", "0.001", "--repeat", "1"]
DAY3_TINY = ["--train", "3", "--test", "2"]
ENGINES = {"interpreter", "compiled"}


def bench(*words: str) -> tuple[dict[str, Any], str]:
    """The JSON `bench` printed, and what it said on stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        assert main([*REDUCED, *words, *DAY3_TINY]) == 0
    return json.loads(out.getvalue()), err.getvalue()


@pytest.fixture(scope="module")
def without_vm() -> tuple[dict[str, Any], str]:
    """One reduced run without the official VM, shared by the tests that read it."""
    return bench("--no-vm")


def rows_by_case(result: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    """case name -> engine -> its row."""
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for row in result["cases"]:
        found.setdefault(row["name"], {})[row["engine"]] = row
    return found


def test_bench_json_has_every_case_engine_and_ratio(without_vm: tuple[dict[str, Any], str]) -> None:
    """Three cases under both engines, NumPy beside the program, seconds and blocks present, ratios per case."""
    result, err = without_vm
    assert set(result) >= {"cases", "ratios"}
    cases = rows_by_case(result)
    assert len(cases) == 3
    for engines in cases.values():
        assert set(engines) >= ENGINES
        for row in engines.values():
            assert set(row) >= {"name", "engine", "seconds", "blocks"}
            assert row["seconds"] >= 0
    day3 = next(engines for name, engines in cases.items() if name.startswith("day3"))
    assert day3["numpy"]["blocks"] is None
    assert all("compiled vs interpreter" in pairs for pairs in result["ratios"].values())
    assert "official VM rows skipped" in err  # said once, on stderr
    assert "interpreter, run 1/1" in err  # progress names the case and the engine


def test_engines_execute_the_same_blocks(without_vm: tuple[dict[str, Any], str]) -> None:
    """The interpreter and the compiled engine count the same blocks on every case."""
    result, _ = without_vm
    for name, engines in rows_by_case(result).items():
        assert engines["interpreter"]["blocks"] > 0, name
        assert engines["interpreter"]["blocks"] == engines["compiled"]["blocks"], name


_REASON = vm_unavailable_reason()


@pytest.mark.oracle
@pytest.mark.skipif(_REASON is not None, reason=_REASON or "")
def test_vm_executes_the_same_blocks() -> None:
    """The official VM, running the exported .sb3 of each case, counts the blocks our engines count."""
    result, _ = bench()
    for name, engines in rows_by_case(result).items():
        assert engines["vm"]["blocks"] == engines["compiled"]["blocks"], name
        assert "compiled vs vm" in result["ratios"][name]
