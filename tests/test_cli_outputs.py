"""The files the command line writes: whole or not at all, never over the input, another kind of file,
a directory or a device; program options checked to one line; `debug` refuses a pipe."""

from __future__ import annotations

import errno
import io
import json
import os
import resource
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from emulator import files
from emulator.cli import main
from emulator.runtime.runtime import Runtime
from emulator.trace.replay import Trace

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
        "m": {"opcode": "faketension_dothing", "next": None, "parent": "s"}
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


# ## Output == input is refused before anything runs


@pytest.mark.parametrize(
    ("writer", "input_name"),
    [
        ("record", "game.json"),
        ("record", "game.sb3"),
        ("dump-state", "game.json"),
        ("export", "game.sb3"),
        ("export", "game.json"),
    ],
)
def test_writing_over_the_input_is_refused(
    writer: str, input_name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`record game.json -o game.json` and the like: one line, status 2, the input unchanged."""
    game = project_file(tmp_path, capsys, input_name)
    before = game.read_bytes()
    for extra in ([], ["--force"]):  # --force never makes the input an output
        status, out, err = run_cli(capsys, *WRITERS[writer](str(game), str(game)), *extra)
        assert status == 2 and out == ""
        assert "is the input" in one_error_line(err)
    assert game.read_bytes() == before and names(tmp_path) == [input_name]


def test_a_symlink_to_the_input_is_the_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The paths are compared as files, so a link to the input is refused too."""
    game = project_file(tmp_path, capsys, "game.sb3")
    (tmp_path / "link.sb3").symlink_to(game)
    before = game.read_bytes()
    status, _, err = run_cli(capsys, "export", str(game), "-o", str(tmp_path / "link.sb3"))
    assert status == 2 and "is the input" in one_error_line(err)
    assert game.read_bytes() == before


def test_a_refusal_comes_before_the_program_is_built(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A refused output costs nothing: the program is not even built."""
    program = tmp_path / "loop.py"
    program.write_text(COUNTING_PROGRAM)
    status, _, err = run_cli(capsys, "record", str(program), "-o", str(program))
    assert status == 2 and "is the input" in one_error_line(err)
    assert not (tmp_path / "built").exists()


# ## A file of another kind is replaced only with --force


@pytest.mark.parametrize("writer", sorted(WRITERS))
@pytest.mark.parametrize(
    "content", [b"my notes\n", b'{"not": "a state"}', b"PK\x03\x04 not really a zip"]
)
def test_a_file_of_another_kind_needs_force(
    writer: str, content: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A non-empty file that is not what the command writes is refused, and replaced with --force."""
    notes = tmp_path / "notes.txt"
    notes.write_bytes(content)
    argv = WRITERS[writer]("apple_orange", str(notes))
    status, _, err = run_cli(capsys, *argv)
    assert status == 2 and "--force" in one_error_line(err) and "notes.txt" in err
    assert notes.read_bytes() == content and names(tmp_path) == ["notes.txt"]
    assert run_cli(capsys, *argv, "--force")[0] == 0
    assert notes.read_bytes() != content and names(tmp_path) == ["notes.txt"]


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_file_of_the_same_kind_or_an_empty_one_is_replaced(
    writer: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Writing again over the command's own output, or over an empty file, needs no --force."""
    path = written(tmp_path, capsys, writer)
    assert run_cli(capsys, *WRITERS[writer]("apple_orange", str(path)))[0] == 0
    empty = tmp_path / f"empty{SUFFIX[writer]}"
    empty.touch()
    assert run_cli(capsys, *WRITERS[writer]("apple_orange", str(empty)))[0] == 0
    assert empty.read_bytes() == path.read_bytes()


def test_a_state_must_look_like_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--dump-state keeps another JSON file, such as a project.json, unless --force."""
    project = project_file(tmp_path, capsys, "project.json")
    before = project.read_bytes()
    status, _, err = run_cli(capsys, "run", "apple_orange", "--dump-state", str(project))
    assert status == 2 and "not a state" in one_error_line(err)
    assert project.read_bytes() == before


# ## Symlinks are written through; directories, FIFOs and devices are never replaced


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_symlink_is_written_through(
    writer: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The link stays a link, and the file it points at gets the new content."""
    real = tmp_path / "real"
    real.mkdir()
    target = real / f"out{SUFFIX[writer]}"
    target.write_bytes(b"")
    link = tmp_path / f"link{SUFFIX[writer]}"
    link.symlink_to(target)
    assert run_cli(capsys, *WRITERS[writer]("apple_orange", str(link)))[0] == 0
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.stat().st_size > 0 and names(real) == [target.name]


def _fifo(tmp_path: Path) -> str:
    os.mkfifo(tmp_path / "fifo")
    return str(tmp_path / "fifo")


SPECIAL: dict[str, Callable[[Path], str]] = {
    "directory": lambda d: str(d),
    "FIFO": _fifo,
    "device": lambda d: os.devnull,
}


@pytest.mark.parametrize("writer", sorted(WRITERS))
@pytest.mark.parametrize("kind", sorted(SPECIAL))
def test_a_directory_fifo_or_device_is_never_replaced(
    writer: str, kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Even with --force: one line naming what the path is, status 2."""
    path = SPECIAL[kind](tmp_path)
    before = names(tmp_path)
    status, _, err = run_cli(capsys, *WRITERS[writer]("apple_orange", path), "--force")
    assert status == 2 and f"is a {kind}" in one_error_line(err)
    assert names(tmp_path) == before and Path(os.devnull).is_char_device()


def test_a_missing_directory_is_refused_before_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--dump-state into a folder that does not exist fails at once, not after the run."""
    status, out, err = run_cli(
        capsys, "run", "apple_orange", "--dump-state", str(tmp_path / "no" / "s.json")
    )
    assert status == 2 and out == "" and "no such directory" in one_error_line(err)


# ## A failed or interrupted run keeps the previous file and leaves no temporary file


@pytest.mark.parametrize("writer", ["record", "dump-state"])
def test_a_run_that_fails_keeps_the_file(
    writer: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A block the emulator lacks stops the run (status 1); the old output stays as it was."""
    path = written(tmp_path, capsys, writer)
    before = path.read_bytes()
    project = unsupported_sb3(tmp_path / "bad.sb3")
    status, _, err = run_cli(capsys, *WRITERS[writer](str(project), str(path)))
    assert status == 1 and "faketension_dothing" in err and "Traceback" not in err
    assert path.read_bytes() == before and names(tmp_path) == sorted([path.name, "bad.sb3"])


def _interrupt(*args: Any, **kwargs: Any) -> None:
    raise KeyboardInterrupt


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_ctrl_c_keeps_the_file(
    writer: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C during the run or the write ends with 130 and the old output as it was."""
    from emulator import sb3

    path = written(tmp_path, capsys, writer)
    before = path.read_bytes()
    monkeypatch.setattr(Runtime, "run", _interrupt)
    monkeypatch.setattr(sb3, "_write_zip", _interrupt)
    status, _, err = run_cli(capsys, *WRITERS[writer]("apple_orange", str(path)))
    assert status == 130 and err.strip() == "scratch-emu: interrupted"
    assert path.read_bytes() == before and names(tmp_path) == [path.name]


class FullDisk(io.FileIO):
    """A file on a disk with room for 100 bytes: a short write, then ENOSPC."""

    def write(self, data: Any) -> int:
        room = 100 - self.tell()
        if room <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return super().write(bytes(data)[:room])


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_full_disk_keeps_the_file(
    writer: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that fails part-way is one line naming the file; the old output stays as it was."""
    path = written(tmp_path, capsys, writer)
    before = path.read_bytes()
    monkeypatch.setattr(files, "_raw_file", lambda fd: FullDisk(fd, "wb"))
    status, _, err = run_cli(capsys, *WRITERS[writer]("apple_orange", str(path)))
    line = one_error_line(err)
    assert status == 2 and path.name in line and "No space left on device" in line
    assert path.read_bytes() == before and names(tmp_path) == [path.name]


def _limit_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))


def test_a_file_size_limit_keeps_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Under `ulimit -f`, a trace that outgrows the limit fails in one line and replaces nothing."""
    path = written(tmp_path, capsys, "record")
    before = path.read_bytes()
    assert len(before) > 1000
    done = subprocess.run(
        [sys.executable, "-m", "emulator", "record", "apple_orange", "-o", str(path)],
        capture_output=True,
        text=True,
        preexec_fn=_limit_file_size,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        timeout=120,
    )
    assert done.returncode == 2 and "File too large" in one_error_line(done.stderr)
    assert path.read_bytes() == before and names(tmp_path) == [path.name]


def test_sigint_while_recording_keeps_the_file(tmp_path: Path) -> None:
    """A real Ctrl-C half way through a recording: status 130, the old trace, no temporary file."""
    program = tmp_path / "loop.py"
    program.write_text(COUNTING_PROGRAM)
    path = tmp_path / "old.trace"
    path.write_bytes(b"")  # an empty file: any kind may replace it
    proc = subprocess.Popen(
        [sys.executable, "-m", "emulator", "record", str(program), "-o", str(path)],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    deadline = time.monotonic() + 60
    while not any(p.suffix == ".tmp" for p in tmp_path.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130 and "Traceback" not in err
    assert path.read_bytes() == b"" and names(tmp_path) == ["built", "loop.py", "old.trace"]


# ## The step limit ends the run, and what it reached is written


def test_the_step_limit_writes_what_was_reached(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--max-steps asks for a prefix: the trace and the state are whole, and the status is 1."""
    program = tmp_path / "loop.py"
    program.write_text(COUNTING_PROGRAM)
    trace, state = tmp_path / "t.trace", tmp_path / "s.json"
    assert run_cli(capsys, "record", str(program), "-o", str(trace), "--max-steps", "500")[0] == 1
    ending = Trace.open(trace).ending
    assert ending is not None and ending.reason == "step limit"
    status, _, _ = run_cli(
        capsys, "run", str(program), "--dump-state", str(state), "--max-steps", "500"
    )
    assert status == 1 and json.loads(state.read_text())["variables"]["x"] > 0


# ## The writer itself


def test_replacing_keeps_the_mode_and_removes_its_temporary_file(tmp_path: Path) -> None:
    """A replaced file keeps its permissions; a body that raises leaves the file and the folder as they were."""
    path = tmp_path / "f"
    path.write_bytes(b"old")
    path.chmod(0o640)
    with files.replacing(path) as f:
        f.write(b"new")
    assert path.read_bytes() == b"new" and path.stat().st_mode & 0o777 == 0o640
    with pytest.raises(ValueError, match="half way"), files.replacing(path) as f:
        f.write(b"partial")
        raise ValueError("half way")
    assert path.read_bytes() == b"new" and names(tmp_path) == ["f"]


def test_a_large_write_that_fails_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write too big for the buffer reaches the disk at once; its failure names the file too."""
    path = tmp_path / "big"
    monkeypatch.setattr(files, "_raw_file", lambda fd: FullDisk(fd, "wb"))
    full = pytest.raises(files.OutputError, match="big: cannot write: No space left")
    with full, files.replacing(path) as f:
        f.write(b"x" * 100_000)
    assert names(tmp_path) == []


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


# ## debug needs a terminal


def test_debug_into_a_pipe_points_to_explain(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With stdout not a terminal, debug does not start the inspector: one line, status 2."""
    import emulator.tui.live.app as live

    started: list[object] = []
    monkeypatch.setattr(live, "run_app", started.append)
    status, out, err = run_cli(capsys, "debug", "apple_orange")
    assert status == 2 and out == "" and "explain apple_orange" in one_error_line(err)
    assert started == []
