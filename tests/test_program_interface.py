"""The program interface: a program is found by its file, and the emulator knows no program's names."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from emulator.cli import main
from emulator.loading import find_program, program_names
from emulator.programs import day3_mlp

EMULATOR = Path(__file__).resolve().parent.parent / "emulator"
DAY3_NAMES = re.compile(r'"(layer_size|activations|deltas|weights|A0|epoch|sample)"')
PROGRAM_IMPORTS = re.compile(r"^\s*(from|import)\s+emulator\.(programs|lut)\b", re.MULTILINE)
EXPLAIN = ["--variant", "buggy", "--train", "20", "--test", "10"]


def _emulator_sources() -> list[Path]:
    return sorted(EMULATOR.rglob("*.py"))


def test_nothing_in_the_emulator_names_a_list_or_variable_of_day3() -> None:
    """No string in emulator/ is one of day3's list or variable names."""
    hits = [
        f"{p}:{m.group(0)}" for p in _emulator_sources() for m in DAY3_NAMES.finditer(p.read_text())
    ]
    assert hits == []


def test_nothing_in_the_emulator_imports_the_programs_or_the_tables() -> None:
    """Programs reach the emulator through the interface and entry points, never by import."""
    hits = [str(p) for p in _emulator_sources() if PROGRAM_IMPORTS.search(p.read_text())]
    assert hits == []


def test_installed_programs_come_from_entry_points() -> None:
    """The programs shipped with the package are found by name."""
    assert {"apple_orange", "day3"} <= set(program_names())
    program = find_program("day3")
    assert program is not None and program.mark is not None and program.layer_map is not None


def _explain_text(target: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["explain", target, *EXPLAIN]) == 0
    return capsys.readouterr().out


def test_a_copy_of_day3_anywhere_is_explained_as_day3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """day3_mlp.py copied elsewhere, with day3's declarations imported, gets explain day3's whole report."""
    copy = tmp_path / "day3_copy.py"
    shutil.copy(day3_mlp.__file__, copy)
    with copy.open("a") as f:
        f.write("\n\nfrom emulator.programs.day3 import day3_program  # noqa: E402\n\n")
        f.write('PROGRAM = day3_program(build, "day3_copy")\n')
    original = _explain_text("day3", capsys)
    copied = _explain_text(str(copy), capsys)
    # Block sources name the file that built them; everything else is the same, line numbers included.
    original = re.sub(r"\S*day3_mlp\.py:", "FILE:", original)
    copied = re.sub(r"\S*day3_copy\.py:", "FILE:", copied)
    assert "reference's largest change" in copied and "layer map" in copied
    assert "FILE:149" in copied
    assert copied == original


def test_a_file_with_only_build_is_a_program_with_no_declarations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A .py file that defines only build(**params) runs, and explain reports without slices."""
    path = tmp_path / "tiny.py"
    path.write_text(
        "from emulator.dsl import Program, say\n\n\n"
        "def build():\n"
        '    prog = Program("tiny")\n'
        '    with prog.sprite("S").when_flag_clicked():\n'
        '        say("hi")\n'
        "    return prog.build()\n"
    )
    assert main(["run", str(path)]) == 0
    assert capsys.readouterr().out == "hi\n"
    assert main(["explain", str(path)]) == 0
    assert "slices" not in capsys.readouterr().out
