"""Sensing, injected input and sound in the emulator: key names, mouse posts, the calendar, the spellings of `run`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from emulator.cli import main
from emulator.dsl import Program, join, say, timer
from emulator.dsl_sprite import key_pressed, mouse_x, mouse_y
from emulator.inputs import InputSpellingError, click_posts, key_posts, mouse_post, parse_inputs
from emulator.runtime.devices import Mouse, calendar, days_since_2000, parse_date
from emulator.runtime.runtime import Runtime
from emulator.values import key_arg_to_scratch_key, key_string_to_scratch_key

# ## Key names (io/keyboard.js)


@pytest.mark.parametrize(
    ("browser", "scratch"),
    [(" ", "space"), ("ArrowLeft", "left arrow"), ("Up", "up arrow"), ("a", "A"), ("Shift", "")],
)
def test_a_browser_key_has_its_scratch_name(browser: str, scratch: str) -> None:
    """Keys a browser reports become Scratch's names; letters are upper-cased, modifiers dropped."""
    assert key_string_to_scratch_key(browser) == scratch


@pytest.mark.parametrize(
    ("arg", "key"),
    [
        ("space", "space"),
        ("a", "A"),
        ("abc", "A"),
        (" x", "space"),
        (65.0, "A"),
        (50.5, "2"),
        (32.0, "space"),
        (37.0, "left arrow"),
        (100.0, "1"),
        ("", ""),
    ],
)
def test_a_key_argument_names_one_key(arg: Any, key: str) -> None:
    """`key () pressed?` reads numbers as character codes and text by its first character."""
    assert key_arg_to_scratch_key(arg) == key


# ## The mouse (io/mouse.js)


def test_the_mouse_has_no_position_until_posted_and_ignores_a_zero_coordinate() -> None:
    """`if (data.x)`: a post at the canvas's left or top edge leaves that coordinate as it was."""
    clicked: list[Any] = []
    mouse = Mouse(clicked.append)
    assert (mouse.x, mouse.y) == (None, None)
    mouse.post({"x": 250.4, "y": 170.0}, None)
    assert (mouse.x, mouse.y) == (10.0, 10.0)
    mouse.post({"x": 0, "y": 360.0}, None)
    assert (mouse.x, mouse.y) == (10.0, -180.0)


def test_a_draggable_target_is_clicked_on_release() -> None:
    """Click hats start on the button going down, or going up for a draggable target."""

    class Target:
        draggable = True

    clicked: list[Any] = []
    mouse = Mouse(clicked.append)
    where = {"x": 240.0, "y": 180.0}
    mouse.post({**where, "isDown": True}, Target())
    assert clicked == []
    mouse.post({**where, "isDown": False}, Target())
    assert len(clicked) == 1


# ## The calendar


def test_the_calendar_reads_utc_parts() -> None:
    """`current` reads the virtual date in UTC; Sunday is day 1 of the week."""
    sunday = parse_date("2024-03-03T04:05:06Z")
    parts = ("year", "month", "date", "dayofweek", "hour", "minute", "second", "x")
    assert [calendar(sunday, p) for p in parts] == [2024, 3, 3, 1, 4, 5, 6, 0]
    assert days_since_2000(parse_date("2000-01-02T12:00:00Z")) == 1.5


# ## Spellings


def test_spellings_become_posts_in_time_order() -> None:
    """A tap lasts 0.1 s, a hold its range; a click lands where the mouse last moved."""
    posts = parse_inputs(keys=["space@1", "a@0.5-2"], clicks=["Cat@1.5"], mice=["10,-20@0"])
    assert [(p.at, p.device) for p in posts][:3] == [
        (0, "mouse"),
        (0.5, "keyboard"),
        (1, "keyboard"),
    ]
    click = [p for p in posts if p.pick == "Cat"]
    assert [p.fields()["isDown"] for p in click] == [True, False]
    assert (click[0].fields()["x"], click[0].fields()["y"]) == (250.0, 200.0)


@pytest.mark.parametrize(
    ("parse", "spec"),
    [
        (key_posts, "spacebar@1"),
        (key_posts, "space"),
        (key_posts, "space@2-1"),
        (mouse_post, "10@1"),
        (mouse_post, "1,2@1-2"),
        (click_posts, "Cat@1-2"),
    ],
)
def test_a_bad_spelling_is_refused(parse: Any, spec: str) -> None:
    """Every malformed spelling raises, saying what was expected."""
    with pytest.raises(InputSpellingError):
        parse(spec)


# ## Runs


def _game() -> Any:
    prog = Program("game")
    out = prog.stage.list("out")
    cat = prog.sprite("Cat")
    with cat.when_key_pressed("space"):
        out.add(join("space ", key_pressed("space")))
    with cat.when_this_sprite_clicked():
        out.add(join(mouse_x(), join(",", mouse_y())))
    with cat.when_greater_than("TIMER", "0.2"):
        say(join("timer ", timer()))
    return prog.build()


def test_injected_input_starts_hats_and_the_run_waits_for_it() -> None:
    """With no thread left, the run goes on until the last post; each post starts its hats."""
    posts = parse_inputs(keys=["space@1"], clicks=["Cat@0.5"], mice=["-5,7@0.4"])
    runtime = Runtime(_game(), inputs=posts)
    runtime.green_flag()
    runtime.run()
    items = next(iter(runtime.stage.lists.values())).items
    assert items == ["-5,7", "space true"]
    assert [s.text for s in runtime.says] == ["timer 0.233"]


def test_run_reports_a_bad_input_spelling_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A misspelt --key is a usage error: one line, status 2."""
    path = tmp_path / "game.py"
    path.write_text("from tests.test_sensing import _game as build\n", encoding="utf-8")
    status = main(["run", str(path), "--key", "space@soon"])
    err = capsys.readouterr().err
    assert status == 2 and len(err.strip().splitlines()) == 1 and "space@soon" in err


def test_a_restored_runtime_replays_the_input_still_to_come() -> None:
    """Saving mid-run keeps the posts not yet delivered and what the devices hold."""
    from emulator.runtime.saved import restore_runtime, save_runtime

    posts = parse_inputs(keys=["space@1"], clicks=["Cat@0.5"], mice=["-5,7@0.4"])
    runtime = Runtime(_game(), inputs=posts)
    runtime.green_flag()
    assert runtime.run_until(lambda t, b: runtime.now_ms > 450) is not None
    assert runtime.pending_inputs  # the key is still to come
    saved = save_runtime(runtime)
    runtime.run()
    first = list(next(iter(runtime.stage.lists.values())).items)
    restore_runtime(runtime, saved)
    runtime.run()
    assert next(iter(runtime.stage.lists.values())).items == first == ["-5,7", "space true"]


def test_explain_takes_the_same_input(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """The debugger's runs get injected input too: explain runs the hats the input starts."""
    path = tmp_path / "game.py"
    path.write_text("from tests.test_sensing import _game as build\n", encoding="utf-8")
    assert main(["explain", str(path)]) == 0
    idle = capsys.readouterr().out.splitlines()[0]
    assert main(["explain", str(path), "--key", "space@1", "--click", "Cat@0.5"]) == 0
    driven = capsys.readouterr().out.splitlines()[0]
    assert idle != driven and driven.endswith("blocks run")


def test_a_recorded_run_keeps_its_input_for_diff(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """record stores the injected input in the trace; diff re-runs the target with it, and agrees."""
    path = tmp_path / "game.py"
    path.write_text("from tests.test_sensing import _game as build\n", encoding="utf-8")
    trace = tmp_path / "game.trace"
    argv = ["record", str(path), "-o", str(trace), "--key", "space@1", "--click", "Cat@0.5"]
    assert main(argv) == 0
    assert main(["diff", str(trace), str(path)]) == 0
    out = capsys.readouterr().out
    assert "no divergence" in out and "every list matches" in out
    assert main(["record", str(path), "-o", str(tmp_path / "idle.trace")]) == 0
    capsys.readouterr()
    main(["diff", str(trace), str(tmp_path / "idle.trace")])
    assert "every list matches" not in capsys.readouterr().out
