"""Finds what the user named on the command line: an installed program, a .py file, an .sb3 or project.json."""

from __future__ import annotations

import importlib.util
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from emulator.errors import InputFileError
from emulator.program import ProgramSpec
from emulator.project import Project
from emulator.sb3 import load_project

PROJECT_SUFFIXES = (".sb3", ".json")
PROGRAM_ENTRY_POINTS = "scratch_emu.programs"


def program_names() -> list[str]:
    """The names of the installed programs (`scratch_emu.programs` entry points)."""
    return sorted(ep.name for ep in entry_points(group=PROGRAM_ENTRY_POINTS))


def installed_program(name: str) -> ProgramSpec | None:
    """The installed program with this name, or None."""
    for ep in entry_points(group=PROGRAM_ENTRY_POINTS, name=name):
        return _spec(ep.load(), name)
    return None


def find_program(target: str) -> ProgramSpec | None:
    """The program a target names (an installed name or a .py path), or None for a project file."""
    spec = installed_program(target)
    if spec is not None:
        return spec
    path = Path(target)
    if path.suffix == ".py":
        return _program_file(path)
    if path.suffix.lower() not in PROJECT_SUFFIXES and not path.exists():
        known = ", ".join(program_names()) or "none installed"
        raise InputFileError(
            f"{target}: not a program name ({known}), a .py file, an .sb3 or a project.json"
        )
    return None


def _program_file(path: Path) -> ProgramSpec:
    """Run a .py file the user named and take the program it defines."""
    if not path.is_file():
        raise InputFileError(f"{path}: no such file")
    spec = importlib.util.spec_from_file_location(f"scratch_program_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise InputFileError(f"{path}: cannot be loaded as a Python module")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return _spec(module, path.stem)


def _spec(found: object, name: str) -> ProgramSpec:
    """A module's PROGRAM, or a program with no declarations around a module's bare `build`."""
    program = getattr(found, "PROGRAM", found)
    if isinstance(program, ProgramSpec):
        return program
    build = getattr(found, "build", None)
    if callable(build):
        return ProgramSpec(name=name, build=build)
    raise InputFileError(
        f"{name}: a program file must define PROGRAM = ProgramSpec(...) or build(**params) -> Project"
    )


def build_target(target: str, program: ProgramSpec | None, params: dict[str, Any]) -> Project:
    """The Project of a target already resolved by find_program: built, or loaded from its file."""
    return program.build(**params) if program is not None else load_project(target)


def load_target(
    target: str, params: dict[str, Any] | None = None
) -> tuple[Project, ProgramSpec | None]:
    """The Project a target names, built with `params` when it is a program."""
    program = find_program(target)
    if program is None:
        return load_project(target), None
    return program.build(**(params or {})), program
