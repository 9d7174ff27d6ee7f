"""The pen headless: its state per sprite (made by the first pen block that needs it), colours as scratch3_pen computes them, no redraws."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from emulator.dsl import Expr, Program, if_, join, repeat
from emulator.dsl_sprite import (
    MYSELF,
    change_pen,
    change_pen_hue,
    change_pen_shade,
    change_pen_size,
    create_clone,
    erase_all,
    move,
    pen_down,
    pen_up,
    set_pen,
    set_pen_color,
    set_pen_hue,
    set_pen_shade,
    set_pen_size,
    stamp,
)
from emulator.project import Project
from tests.conformance.cases import CaseList
from tests.conformance.cases._dsl import inf, ninf, num

CASES = CaseList()

R = ("5 headless redraw",)


def _sprite(
    case_id: str, description: str, **params: Any
) -> Callable[[Callable[[Any], None]], None]:
    """A case whose sprite "S" runs the body under the flag; the body gets the list "out"."""

    def register(body: Callable[[Any], None]) -> None:
        def build() -> Project:
            prog = Program(case_id)
            out = prog.stage.list("out")
            with prog.sprite("S").when_flag_clicked():
                body(out)
            return prog.build()

        CASES.add(case_id, description, covers=R, **params)(build)

    return register


@_sprite("pen_sizes", "pen size clamps to 1..1200; pen down and up keep their state")
def _sizes(out: Any) -> None:
    pen_down()
    set_pen_size("0")
    change_pen_size("5000")
    change_pen_size("-3.5")
    pen_up()
    pen_down()


@_sprite(
    "pen_color_params", "color wraps into [0, 101); saturation, brightness, transparency clamp"
)
def _params(out: Any) -> None:
    set_pen("color", "150")
    change_pen("color", "-60.25")
    set_pen("saturation", "120")
    change_pen("brightness", "-105")
    set_pen("transparency", "37.5")
    set_pen(join("COL", "OR"), "99")  # no such parameter: only the colour is recomputed
    change_pen("saturation", num("-0"))


@_sprite("pen_color_nan", "an infinite color change makes the colour NaN, and the rgba with it")
def _nan(out: Any) -> None:
    set_pen("color", inf())
    change_pen("transparency", ninf())


def _colors(values: tuple[Any, ...]) -> Callable[[Any], None]:
    def body(out: Any) -> None:
        for value in values:
            # The schema takes only "#rrggbb" in a colour slot: anything else comes from a reporter.
            literal = isinstance(value, str) and re.fullmatch("#[0-9a-fA-F]{6}", value)
            set_pen_color(value if literal else join(value, ""))
            out.add(join(value, ""))
        set_pen_size("3")

    return body


for _n, (_label, _value) in enumerate(
    (
        ("#ff8000", "#ff8000"),
        ("short hex", "#F0f"),
        ("text that is no colour", "#zzz"),
        ("five hex digits", "#12345"),
        ("hex without #", "ff0000"),
        ("the number 0xFF00FF", num("16711935")),
        ("the number 0x80FF0000, alpha 0x80", num("2164195328")),
        ("the number -1", num("-1")),
        ("0x7f00ff00 read as a number", Expr("operator_add", {"NUM1": "0x7f00ff00", "NUM2": "0"})),
        ("grey", "#808080"),
        ("black", "#000000"),
    )
):
    _sprite(
        f"set_pen_color_{_n}", f"set pen color to {_label}: hex, short hex, numbers with alpha"
    )(_colors((_value,)))


@_sprite(
    "pen_legacy_hue_and_shade", "Scratch 2's hue and shade blocks, shade wrapping into [0, 200)"
)
def _legacy(out: Any) -> None:
    set_pen_hue("50")
    change_pen_hue("300")
    set_pen_shade("30")
    change_pen_shade("100")
    set_pen_shade("-10")
    set_pen("transparency", "20")
    set_pen_hue("-75")


@_sprite(
    "pen_legacy_shade_infinite", "an infinite shade is NaN; the next change starts again from 0"
)
def _shade_nan(out: Any) -> None:
    set_pen_shade(inf())
    change_pen_shade("20")


@_sprite(
    "stamp_and_clear_make_no_pen",
    "stamp and erase all do not make a pen state; moving draws nothing",
)
def _no_pen(out: Any) -> None:
    stamp()
    erase_all()
    move("10")


@_sprite(
    "pen_never_ends_a_frame",
    "headless the pen asks for no redraw: a drawing loop runs in one frame",
    timing=True,
)
def _loop(out: Any) -> None:
    pen_down()
    with repeat("50"):
        move("2")
        change_pen("color", "1")
    out.add(Expr("sensing_timer"))


def _clones() -> Project:
    prog = Program("pen clones")
    s = prog.sprite("S")
    t = prog.sprite("T")
    n = s.var("n", 0)
    with s.when_flag_clicked():
        set_pen_size("7")
        set_pen("color", "30")
        pen_down()
        create_clone(MYSELF)
    with s.when_i_start_as_clone():
        n.change(1)
        with if_(n == 1):
            set_pen_size("10")
            pen_up()
            create_clone(MYSELF)  # a clone of this clone: its pen is the sprite's (7, down)
    with t.when_flag_clicked():
        create_clone(MYSELF)  # T never used its pen: its clone has none either
    return prog.build()


CASES.add(
    "clones_copy_their_sprites_pen",
    "a clone's pen is a copy of its original sprite's, even when a clone makes the clone",
    covers=(*R, "5 clones"),
)(_clones)
