"""The files commands write: --force, and the checks made before a run so a user's file is never lost."""

from __future__ import annotations

import argparse
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from emulator.files import OutputError, output_path, refuse_other_kind, same_file


@dataclass(frozen=True)
class Kind:
    """A kind of file a command writes, and how to tell an existing one from a file of another kind."""

    noun: str
    looks_right: Callable[[Path], bool]


def _is_trace(path: Path) -> bool:
    from emulator.trace.format import MAGIC

    with path.open("rb") as f:
        return f.read(len(MAGIC)) == MAGIC


def _is_sb3(path: Path) -> bool:
    if not zipfile.is_zipfile(path):
        return False
    with zipfile.ZipFile(path) as archive:
        return any(name.rsplit("/", 1)[-1] == "project.json" for name in archive.namelist())


def _is_state(path: Path) -> bool:
    """A JSON object with the variables and lists --dump-state writes."""
    try:
        data = json.loads(path.read_bytes())
    except ValueError:  # also UnicodeDecodeError
        return False
    return isinstance(data, dict) and {"variables", "lists"} <= data.keys()


def _is_svg(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(256).lstrip().startswith((b"<svg", b"<?xml"))


def _is_png(path: Path) -> bool:
    from emulator.png import SIGNATURE

    with path.open("rb") as f:
        return f.read(len(SIGNATURE)) == SIGNATURE


TRACE = Kind("a trace", _is_trace)
SVG = Kind("an SVG picture", _is_svg)
PNG = Kind("a PNG picture", _is_png)
SB3 = Kind("an .sb3 (a zip holding a project.json)", _is_sb3)
STATE = Kind("a state written by --dump-state", _is_state)


def add_force(parser: argparse.ArgumentParser) -> None:
    """--force: replace an output that holds another kind of file."""
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace the output file even if it holds another kind of file",
    )


def check_output(path: str, kind: Kind, args: argparse.Namespace, option: str) -> None:
    """Refuse, before anything runs, an output the command must not replace.

    That is a directory, FIFO or device, the input itself (args.target), or, unless args.force, an
    existing file of another kind.
    """
    output_path(path)
    if same_file(path, args.target):
        raise OutputError(f"{option} {path} is the input {args.target}; write to another file")
    if not args.force:
        refuse_other_kind(path, kind.looks_right, kind.noun)
