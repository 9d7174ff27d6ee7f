"""The command line: apple_orange's output, --dump-state's shape, and one clear line for every bad input."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

import emulator
from emulator.cli import main

APPLE_ORANGE = [
    "price: 715",
    "dApple: 2.2",
    "dApple_num: 110",
    "dOrange: 3.3000000000000003",
    "dOrange_num: 165",
    "dTax: 650",
]


FOREVER_PROGRAM = (
    "from emulator.dsl import Program, forever\n"
    "def build():\n"
    "    p = Program('loop')\n"
    "    x = p.stage.var('x', 0)\n"
    "    with p.sprite('S').when_flag_clicked():\n"
    "        with forever():\n"
    "            x.change(1)\n"
    "    return p.build()\n"
)


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_apple_orange_says_the_six_lines(capsys: pytest.CaptureFixture[str]) -> None:
    """`run apple_orange` prints exactly the textbook's six lines."""
    status, out, _ = run_cli(capsys, "run", "apple_orange")
    assert status == 0
    assert out.splitlines() == APPLE_ORANGE


def test_dump_state_shape(capsys: pytest.CaptureFixture[str]) -> None:
    """--dump-state - writes the documented JSON shape; bubbles go to stderr so stdout stays JSON."""
    status, out, err = run_cli(capsys, "run", "apple_orange", "--dump-state", "-")
    state = json.loads(out)
    assert status == 0 and set(state) == {"variables", "lists", "stage", "sprites", "says"}
    shop = state["sprites"]["Shop"]
    assert state["variables"]["dtax"] == 650 and (shop["variables"], shop["lists"]) == ({}, {})
    looks = (shop["x"], shop["y"], shop["direction"], shop["costume"], shop["layer"])
    assert looks == (0, 0, 90, 1, 1)
    assert shop["clones"] == [] and state["stage"]["backdropName"] == "backdrop1"
    assert state["says"][0] == {"target": "Shop", "type": "say", "text": "price: 715"}
    assert err.splitlines() == APPLE_ORANGE


def test_dump_state_tags_values_json_cannot_hold(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """NaN, infinities and -0 are written as {"$n": ...}; literal text stays text."""
    program = tmp_path / "specials.py"
    program.write_text(
        "from emulator.dsl import Program, round_\n"
        "def build():\n"
        "    p = Program('specials')\n"
        "    v = {n: p.stage.var(n, 0) for n in ('nan', 'inf', 'minf', 'mzero', 'text')}\n"
        "    s = p.sprite('S')\n"
        "    with s.when_flag_clicked():\n"
        "        v['nan'].set(v['mzero'] / 0)\n"
        "        v['inf'].set(1 / v['mzero'])\n"
        "        v['minf'].set(-1 / v['mzero'])\n"
        "        v['mzero'].set(round_(-0.4))\n"
        "        v['text'].set(10)\n"
        "    return p.build()\n"
    )
    dump = tmp_path / "state.json"
    assert run_cli(capsys, "run", str(program), "--dump-state", str(dump))[0] == 0
    variables = json.loads(dump.read_text())["variables"]
    assert variables == {
        "nan": {"$n": "NaN"},
        "inf": {"$n": "Infinity"},
        "minf": {"$n": "-Infinity"},
        "mzero": {"$n": "-0"},
        "text": "10",
    }


def test_export_then_run_the_sb3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An exported .sb3 runs to the same output as the DSL program it came from."""
    out_file = tmp_path / "ao.sb3"
    assert run_cli(capsys, "export", "apple_orange", "-o", str(out_file))[0] == 0
    status, out, _ = run_cli(capsys, "run", str(out_file))
    assert status == 0 and out.splitlines() == APPLE_ORANGE


def test_export_keeps_an_sb3s_costumes_and_sounds_byte_for_byte(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exporting a project made in the editor loses none of its files; a file it lacks is named."""
    png, wav = b"\x89PNG\r\n\x1a\n costume", b"RIFF....WAVEfmt  sound"
    costume = {"name": "c", "assetId": "a" * 32, "md5ext": "a" * 32 + ".png", "dataFormat": "png"}
    sound = {"name": "s", "assetId": "b" * 32, "md5ext": "b" * 32 + ".wav", "dataFormat": "wav"}
    lost = {**costume, "name": "lost", "assetId": "c" * 32, "md5ext": "c" * 32 + ".png"}
    doc = json.loads(_project({}))
    doc["targets"][0].update(costumes=[costume, lost], sounds=[sound])
    files = {"project.json": json.dumps(doc).encode(), costume["md5ext"]: png, sound["md5ext"]: wav}
    source = _zip(tmp_path / "made in the editor.sb3", files)
    status, out, err = run_cli(capsys, "export", str(source), "-o", str(tmp_path / "out.sb3"))
    assert status == 0 and "wrote" in out
    assert err.count("\n") == 1 and "1 costume or sound file" in err
    with zipfile.ZipFile(tmp_path / "out.sb3") as z:
        assert z.read(costume["md5ext"]) == png and z.read(sound["md5ext"]) == wav
        assert lost["md5ext"] not in z.namelist()
        saved = json.loads(z.read("project.json"))["targets"][0]
    assert [c["name"] for c in saved["costumes"]] == ["c", "lost"]
    assert [s["md5ext"] for s in saved["sounds"]] == [sound["md5ext"]]


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def _project(blocks: dict) -> bytes:
    stage = {
        "isStage": True,
        "name": "Stage",
        "variables": {},
        "lists": {},
        "broadcasts": {},
        "blocks": {},
        "costumes": [],
        "sounds": [],
    }
    sprite = dict(stage, isStage=False, name="S", blocks=blocks)
    return json.dumps({"targets": [stage, sprite], "meta": {"semver": "3.0.0"}}).encode()


BAD_INPUTS = {
    "missing file": lambda d: d / "nope.sb3",
    "not a zip": lambda d: (d / "x.sb3").write_bytes(b"\x00\x01garbage") and d / "x.sb3",
    "zip without project.json": lambda d: _zip(d / "empty.sb3", {"other.txt": b"hi"}),
    "invalid JSON": lambda d: (d / "bad.json").write_text('{"targets": [') and d / "bad.json",
    "not Scratch 3": lambda d: (
        (d / "s2.json").write_text('{"objName": "Stage", "children": []}') and d / "s2.json"
    ),
    "block cycle": lambda d: _zip(
        d / "cycle.sb3",
        {
            "project.json": _project(
                {
                    "a": {
                        "opcode": "looks_say",
                        "next": "b",
                        "parent": None,
                        "inputs": {},
                        "fields": {},
                        "shadow": False,
                        "topLevel": True,
                        "x": 0,
                        "y": 0,
                    },
                    "b": {
                        "opcode": "looks_say",
                        "next": "a",
                        "parent": "a",
                        "inputs": {},
                        "fields": {},
                        "shadow": False,
                        "topLevel": False,
                    },
                }
            )
        },
    ),
    "missing block": lambda d: _zip(
        d / "dangling.sb3",
        {
            "project.json": _project(
                {
                    "a": {
                        "opcode": "looks_say",
                        "next": "ghost",
                        "parent": None,
                        "inputs": {},
                        "fields": {},
                        "shadow": False,
                        "topLevel": True,
                        "x": 0,
                        "y": 0,
                    }
                }
            )
        },
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_one_line_and_status_2(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every bad input gets one line on stderr naming the file, exit status 2, and no traceback."""
    path = BAD_INPUTS[case](tmp_path)
    status, _, err = run_cli(capsys, "run", str(path))
    assert status == 2, err
    assert len(err.strip().splitlines()) == 1 and Path(path).name in err and "Traceback" not in err
    if case in ("block cycle", "missing block"):
        assert "'a'" in err or "'b'" in err or "ghost" in err


def test_unsupported_block_stops_with_its_opcode_and_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A project with a block the emulator lacks loads, and stops when it reaches it, naming it."""
    hat = {
        "opcode": "event_whenflagclicked",
        "next": "m",
        "parent": None,
        "inputs": {},
        "fields": {},
        "shadow": False,
        "topLevel": True,
        "x": 0,
        "y": 0,
    }
    move = {
        "opcode": "videoSensing_setVideoTransparency",
        "next": None,
        "parent": "h",
        "inputs": {"TRANSPARENCY": [1, [4, "10"]]},
        "fields": {},
        "shadow": False,
        "topLevel": False,
    }
    path = _zip(tmp_path / "move.sb3", {"project.json": _project({"h": hat, "m": move})})
    status, _, err = run_cli(capsys, "run", str(path))
    assert status == 1 and "videoSensing_setVideoTransparency" in err and "'m'" in err


def test_max_steps_stops_a_forever_loop(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--max-steps ends a run that would never finish, with a message and status 1."""
    program = tmp_path / "loop.py"
    program.write_text(FOREVER_PROGRAM)
    status, _, err = run_cli(capsys, "run", str(program), "--max-steps", "1000")
    assert status == 1 and "--max-steps 1,000" in err


def test_unknown_target_and_bad_program_options(capsys: pytest.CaptureFixture[str]) -> None:
    """A name that is no program or file, and an unknown program option, are bad input."""
    assert run_cli(capsys, "run", "no_such_program")[0] == 2
    status, _, err = run_cli(capsys, "run", "apple_orange", "--no-such-option")
    assert status == 2 and "--no-such-option" in err


def test_ctrl_c_stops_cleanly_with_130(tmp_path: Path) -> None:
    """SIGINT during a long run ends it with status 130 and no traceback."""
    program = tmp_path / "loop.py"
    # The program says a line before its endless loop, so the signal comes once the run is under
    # way (a signal during the interpreter's start-up is not ours to handle), however slow that is.
    program.write_text(
        FOREVER_PROGRAM.replace(
            "from emulator.dsl import Program, forever",
            "from emulator.dsl import Program, forever, say",
        ).replace("        with forever():", "        say('running')\n        with forever():")
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "emulator", "run", str(program)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None and proc.stdout.readline() == "running\n"
    time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=20)
    assert proc.returncode == 130 and "Traceback" not in err


def test_lut_report_prints_the_error_figures(capsys: pytest.CaptureFixture[str]) -> None:
    """`lut --report` prints the tables' error against exact exp, log and sigmoid."""
    status, out, _ = run_cli(capsys, "lut", "--report")
    assert status == 0 and "exp" in out and "log" in out and "sigmoid" in out


def test_version_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    """`--version` prints `scratch-emu` and emulator.__version__, the one place the version is written."""
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"scratch-emu {emulator.__version__}\n"


def test_the_command_line_imports_heavy_modules_only_for_the_subcommands_that_use_them() -> None:
    """Every run and every timed bench worker starts by importing the command line: numpy, rich,
    the DSL and the debugger wait for the subcommands that need them."""
    heavy = ("numpy", "rich", "emulator.dsl", "emulator.debug.session", "emulator.trace.replay")
    code = f"import sys, emulator.cli; print(','.join(m for m in {heavy!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""
