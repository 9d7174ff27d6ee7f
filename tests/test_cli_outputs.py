"""The files the command line writes: whole or not at all, never over the input, another kind of file,
a directory or a device; program options checked to one line; `debug` refuses a pipe."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from emulator.cli import main

# A program that counts for ever (so only --max-steps or Ctrl-C ends it), and notes that it was built.
COUNTING_PROGRAM = (
    "from pathlib import Path\n"
    "from emulator.dsl import Program, forever\n"
    "def build():\n"
    "    Path(__file__).with_name('built').touch()\n"
    "    p = Program('loop')\n"
    "    x = p.stage.var('x', 0)\n"
    "    with p.sprite('S').when_flag_clicked():\n"
    "        with forever():\n"
    "            x.change(1)\n"
    "    return p.build()\n"
)

# What each writing command writes, and the words that ask for it.
WRITERS: dict[str, Callable[[str, str], list[str]]] = {
    "record": lambda target, out: ["record", target, "-o", out],
    "export": lambda target, out: ["export", target, "-o", out],
    "dump-state": lambda target, out: ["run", target, "--dump-state", out],
}
SUFFIX = {"record": ".trace", "export": ".sb3", "dump-state": ".json"}


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def one_error_line(err: str) -> str:
    """The single line a refused or failed command prints on stderr."""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert err.startswith("scratch-emu: error: "), err
    return err.strip()


def names(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], writer: str, name: str = ""
) -> Path:
    """A file the writer made from apple_orange (the user's file that later commands must keep)."""
    path = tmp_path / (name or f"mine{SUFFIX[writer]}")
    assert run_cli(capsys, *WRITERS[writer]("apple_orange", str(path)))[0] == 0
    return path


def project_file(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str) -> Path:
    """apple_orange as a project file: an .sb3, or the bare project.json inside one."""
    sb3 = written(tmp_path, capsys, "export", "ao.sb3")
    if name.endswith(".sb3"):
        return sb3.rename(tmp_path / name)
    with zipfile.ZipFile(sb3) as archive:
        (tmp_path / name).write_bytes(archive.read("project.json"))
    sb3.unlink()
    return tmp_path / name


def unsupported_sb3(path: Path) -> Path:
    """A project that sets a variable, then reaches a block the emulator lacks: the run fails."""
    top = {"parent": None, "topLevel": True, "x": 0, "y": 0}
    inner = {"topLevel": False, "fields": {}, "shadow": False}
    blocks = {
        "h": {"opcode": "event_whenflagclicked", "next": "s", "inputs": {}, "fields": {}}
        | top
        | {"shadow": False},
        "s": {
            "opcode": "data_setvariableto",
            "next": "m",
            "parent": "h",
            "inputs": {"VALUE": [1, [10, "7"]]},
            "topLevel": False,
            "fields": {"VARIABLE": ["x", "vx"]},
            "shadow": False,
        },
        "m": {"opcode": "motion_movesteps", "next": None, "parent": "s"}
        | {"inputs": {"STEPS": [1, [4, "10"]]}}
        | inner,
    }
    stage: dict[str, Any] = {"isStage": True, "name": "Stage", "lists": {}, "broadcasts": {}}
    stage |= {"variables": {"vx": ["x", 0]}, "blocks": {}, "costumes": [], "sounds": []}
    sprite = stage | {"isStage": False, "name": "S", "variables": {}, "blocks": blocks}
    doc = {"targets": [stage, sprite], "meta": {"semver": "3.0.0"}}
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.json", json.dumps(doc))
    return path


# ## Program options are checked, each bad value one line naming its option


BAD_OPTIONS = [
    ("--train", "100000"),
    ("--train", "-5"),
    ("--train", "0"),
    ("--train", "ten"),
    ("--test", "101"),
    ("--test", "-1"),
    ("--layers", "10,10"),
    ("--layers", "196,20"),
    ("--layers", "196,2000,10"),
    ("--layers", "196,0,10"),
    ("--layers", "196,1000,10"),  # 207,010 weights: more than a Scratch list holds
    ("--layers", "196,x,10"),
    ("--lr", "nan"),
    ("--lr", "inf"),
    ("--lr", "0"),
    ("--lr", "-0.5"),
    ("--epochs", "-1"),
    ("--init", "nan"),
    ("--init", "-inf"),
    ("--init", "-1"),
    ("--variant", "nope"),
]


@pytest.mark.parametrize(("option", "value"), BAD_OPTIONS)
@pytest.mark.parametrize("command", ["run", "record", "explain"])
@pytest.mark.parametrize("joined", [False, True])
def test_a_bad_program_option_is_one_line(
    command: str,
    option: str,
    value: str,
    joined: bool,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`run day3 --train 100000` (or --train=100000) and the like: status 2, one line naming the option."""
    words = [f"{option}={value}"] if joined else [option, value]
    argv = [command, "day3", *words]
    if command == "record":
        argv += ["-o", str(tmp_path / "x.trace")]
    status, out, err = run_cli(capsys, *argv)
    assert status == 2 and out == ""
    assert f"argument {option}:" in one_error_line(err)
    assert names(tmp_path) == []


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "apple_orange", "--max-steps", "-1"],
        ["run", "apple_orange", "--max-steps", "0"],
        ["record", "apple_orange", "-o", "x.trace", "--max-steps", "-1"],
        ["record", "apple_orange", "-o", "x.trace", "--snapshot-every", "0"],
        ["record", "apple_orange"],
        ["no-such-command"],
    ],
)
def test_a_bad_command_option_is_one_line(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """The command's own options are usage errors too: one line and status 2, not the usage text."""
    status, _, err = run_cli(capsys, *argv)
    assert status == 2 and "usage:" not in one_error_line(err)


def test_the_limits_are_what_the_data_allows(capsys: pytest.CaptureFixture[str]) -> None:
    """The largest --train and --test are the mnist14 split sizes; 0 epochs and --init 0 run."""
    from emulator.programs.data.mnist14.load import load_split
    from emulator.programs.day3_layout import TEST_SAMPLES, TRAIN_SAMPLES

    assert (len(load_split("train")[0]), len(load_split("test")[0])) == (
        TRAIN_SAMPLES,
        TEST_SAMPLES,
    )
    argv = ["--train", "2", "--test", "1", "--epochs", "0", "--init", "0", "--layers", "196,10"]
    status, out, _ = run_cli(capsys, "run", "day3", *argv)
    assert status == 0 and "0 epoch(s)" in out
