"""Runs are bounded: the step limit counts frames of waiting too, and a chatty run keeps its last bubbles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emulator.cli import main
from emulator.dsl import Program, forever, say, say_for
from emulator.runtime.runtime import SAYS_KEPT, Runtime
from emulator.runtime.sequencer import StepLimitReached


def _write(tmp_path: Path, name: str, project_build: str) -> Path:
    path = tmp_path / name
    path.write_text(
        "from emulator.dsl import Program, forever, say, say_for\n\n\n"
        f"def build():\n    prog = Program('p')\n{project_build}    return prog.build()\n"
    )
    return path


def waiting_for_ever() -> Program:
    """A sprite that says something for a billion seconds: every later frame runs no block."""
    prog = Program("wait")
    with prog.sprite("S").when_flag_clicked():
        say_for("hello", 1e9)
    return prog


def test_the_step_limit_stops_a_run_that_only_waits() -> None:
    """`say for 1e9 secs` ends at the step limit, counted in frames, instead of never."""
    runtime = Runtime(waiting_for_ever().build())
    runtime.green_flag()
    with pytest.raises(StepLimitReached, match="frames"):
        runtime.run(max_blocks=100)
    assert runtime.frame_count == 100


def test_a_chatty_run_keeps_only_its_last_bubbles() -> None:
    """A forever loop of `say` keeps the last SAYS_KEPT bubbles and counts them all."""
    prog = Program("chatty")
    with prog.sprite("S").when_flag_clicked(), forever():
        say("x")
    runtime = Runtime(prog.build())
    runtime.green_flag()
    with pytest.raises(StepLimitReached):
        runtime.run(max_blocks=3 * SAYS_KEPT)
    assert len(runtime.says) == SAYS_KEPT < runtime.say_count


@pytest.mark.parametrize("command", ["run", "explain", "record"])
def test_every_running_command_takes_the_step_limit(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """run, explain and record all stop a waiting program at --max-steps, with status 1."""
    path = _write(
        tmp_path,
        "waits.py",
        "    with prog.sprite('S').when_flag_clicked():\n        say_for('hello', 1e9)\n",
    )
    extra = ["-o", str(tmp_path / "w.trace")] if command == "record" else []
    assert main([command, str(path), "--max-steps", "50", *extra]) == 1
    out, err = capsys.readouterr()
    if command == "explain":
        assert "the run did not finish: stopped after 50 frames" in out
    else:
        assert "step limit" in out or "stopped after 50 frames" in err


def test_explain_json_says_the_run_stopped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """explain --json names why the run ended early."""
    path = _write(
        tmp_path,
        "loops.py",
        "    with prog.sprite('S').when_flag_clicked(), forever():\n        say('x')\n",
    )
    assert main(["explain", str(path), "--max-steps", "1000", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["stopped"].startswith("stopped after")
