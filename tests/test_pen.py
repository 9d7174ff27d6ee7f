"""The pen's strokes, which the headless VM cannot show: kept in order as vectors, cleared, drawn as SVG."""

from __future__ import annotations

from pathlib import Path

import pytest

from emulator.cli import main
from emulator.dsl import Program, repeat
from emulator.dsl_sprite import (
    erase_all,
    glide,
    go_to_xy,
    move,
    pen_down,
    pen_up,
    set_pen,
    set_pen_size,
    stamp,
    switch_costume,
    turn_right,
)
from emulator.runtime.pen import (
    Stamp,
    Stroke,
    hsv_to_rgb,
    rgb_to_hsv,
    to_pixels,
    to_rgb_color,
    to_svg,
)
from emulator.runtime.runtime import Runtime


def square() -> Program:
    """Sprite S goes to (0, 0), puts its pen down and draws a 20-step square in red, size 4."""
    prog = Program("square")
    s = prog.sprite("S", costumes=["a", "b"])
    with s.when_flag_clicked():
        go_to_xy(0, 0)
        set_pen("color", 0)
        set_pen_size(4)
        pen_down()
        with repeat(4):
            move(20)
            turn_right(90)
        pen_up()
        move(50)  # pen up: no line
        switch_costume("b")
        stamp()
    return prog


def run(prog: Program) -> Runtime:
    runtime = Runtime(prog.build())
    runtime.green_flag()
    runtime.run()
    return runtime


def test_strokes_are_kept_in_order() -> None:
    """A dot where the pen went down, one line per move while down, and a stamp of the sprite."""
    layer = run(square()).pen_layer
    strokes = [m for m in layer if isinstance(m, Stroke)]
    assert (strokes[0].x0, strokes[0].y0, strokes[0].x1, strokes[0].y1) == (0, 0, 0, 0)
    ends = [(round(s.x1), round(s.y1)) for s in strokes[1:]]
    assert ends == [(20, 0), (20, -20), (0, -20), (0, 0)]
    assert {s.rgba for s in strokes} == {(1.0, 0.0, 0.0, 1.0)} and {
        s.diameter for s in strokes
    } == {4}
    assert layer[-1] == Stamp("S", "b", 50.0, layer[-1].y, 90.0, 100.0)  # type: ignore[union-attr]


def test_a_glide_draws_once_a_frame_and_erase_all_clears() -> None:
    """Each glide step while the pen is down is a line; erase all empties the layer."""
    prog = Program("glide")
    s = prog.sprite("S")
    with s.when_flag_clicked():
        pen_down()
        glide(0.1, 30, 0)
    runtime = run(prog)
    assert [round(m.x1) for m in runtime.pen_layer if isinstance(m, Stroke)] == [0, 0, 10, 20, 30]
    prog2 = Program("erase")
    with prog2.sprite("S").when_flag_clicked():
        pen_down()
        move(10)
        erase_all()
        move(5)
    [line] = run(prog2).pen_layer
    assert isinstance(line, Stroke) and (line.x0, line.x1) == (10, 15)


def test_the_layer_draws_as_svg(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """run --pen-svg writes the strokes as SVG lines (y up, as on the stage) and stamps as labels."""
    svg = to_svg(run(square()).pen_layer)
    assert svg.count("<line ") == 5 and 'stroke="rgb(255,0,0)"' in svg and ">S: b</text>" in svg
    program = tmp_path / "square.py"
    program.write_text(
        "from tests.test_pen import square\ndef build():\n    return square().build()\n",
        encoding="utf-8",
    )
    out = tmp_path / "pen.svg"
    assert main(["run", str(program), "--pen-svg", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == svg


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("#ff8000", (255.0, 128.0, 0.0, None)),
        ("#F0f", (255.0, 0.0, 255.0, None)),
        ("#zzz", (0.0, 0.0, 0.0, 255.0)),  # not a colour: black, with an alpha
        ("#ff00001", (0.0, 0.0, 0.0, 255.0)),
        (2164195328.0, (255.0, 0.0, 0.0, 128.0)),  # 0x80FF0000
        (-1.0, (255.0, 255.0, 255.0, 255.0)),
        ("abc", (0.0, 0.0, 0.0, 255.0)),  # a number cast: 0, whose alpha 0 reads as 255
    ],
)
def test_colours_are_read_as_the_vm_reads_them(value: object, expected: tuple[object, ...]) -> None:
    """Cast.toRgbColorObject: hex text (short or long) or a 32-bit number with alpha."""
    assert to_rgb_color(value) == expected  # type: ignore[arg-type]


def test_hsv_round_trips_through_whole_channels() -> None:
    """hsvToRgb floors channels; rgbToHsv of the result gives the hue back for pure colours."""
    assert hsv_to_rgb(120.0, 1.0, 1.0) == (0.0, 255.0, 0.0)
    assert hsv_to_rgb(float("nan"), 1.0, 1.0)[0] == 255.0  # a NaN hue falls to the first case
    assert rgb_to_hsv(0.0, 255.0, 0.0) == (120.0, 1.0, 1.0)


def test_the_layer_samples_as_pixels() -> None:
    """On a 4x3 grid over the stage, a red horizontal line at y = 0 fills the middle row's cells it passes."""
    red = (1.0, 0.0, 0.0, 1.0)
    line = Stroke(-200.0, 0.0, 0.0, 0.0, red, 4.0)
    hidden = Stroke(200.0, 150.0, 200.0, 150.0, (0.0, 0.0, 1.0, 0.0), 50.0)  # fully transparent
    grid = to_pixels([line, hidden], 4, 3)
    assert grid[1] == [(1.0, 0.0, 0.0), (1.0, 0.0, 0.0), (1.0, 0.0, 0.0), None]
    assert grid[0] == [None] * 4 and grid[2] == [None] * 4
