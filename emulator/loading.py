"""Finds what the user named on the command line: a program from programs/, a .py file, an .sb3 or project.json."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
from typing import Any

from emulator.errors import InputFileError
from emulator.project import Project
from emulator.sb3 import load_project

PROJECT_SUFFIXES = (".sb3", ".json")


PROGRAM_ENTRY_POINTS = "scratch_emu.programs"


def program_names() -> dict[str, str]:
    """Program name -> module name, from the installed packages' `scratch_emu.programs` entry points."""
    return {ep.name: ep.value for ep in entry_points(group=PROGRAM_ENTRY_POINTS)}


def program_module(target: str) -> ModuleType | None:
    """The Python module a target names (a program name or a .py path), or None for a project file."""
    names = program_names()
    if target in names:
        return importlib.import_module(names[target])
    path = Path(target)
    if path.suffix == ".py":
        if not path.is_file():
            raise InputFileError(f"{target}: no such file")
        spec = importlib.util.spec_from_file_location(f"scratch_program_{path.stem}", path)
        if spec is None or spec.loader is None:
            raise InputFileError(f"{target}: cannot be loaded as a Python module")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        if not callable(getattr(module, "build", None)):
            raise InputFileError(f"{target}: a program file must define build(**params) -> Project")
        return module
    if path.suffix.lower() not in PROJECT_SUFFIXES and not path.exists():
        known = ", ".join(sorted(names)) or "none installed"
        raise InputFileError(
            f"{target}: not a program name ({known}), a .py file, an .sb3 or a project.json"
        )
    return None


def program_parser(module: ModuleType | None, prog: str) -> argparse.ArgumentParser:
    """A parser for a program's own options (its `add_arguments(parser)`, if it has one)."""
    parser = argparse.ArgumentParser(prog=prog, add_help=False)
    if module is not None and hasattr(module, "add_arguments"):
        module.add_arguments(parser)
    return parser


def load_target(
    target: str, params: dict[str, Any] | None = None
) -> tuple[Project, ModuleType | None]:
    """The Project a target names, built with `params` when it is a program."""
    module = program_module(target)
    if module is None:
        return load_project(target), None
    return module.build(**(params or {})), module
