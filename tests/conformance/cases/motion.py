"""Motion with no renderer: no fence, directions wrapping into [-179, 181), the undefined mouse, glides on the frame clock.

Each case's sprite ends with its position and direction in the dumped state; the list "out"
holds what the reporters said along the way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from emulator.dsl import Expr, Program, join, repeat, wait
from emulator.dsl_sprite import (
    MOUSE,
    RANDOM,
    change_x,
    change_y,
    direction,
    glide,
    glide_to,
    go_to,
    go_to_xy,
    if_on_edge_bounce,
    move,
    point_in_direction,
    point_towards,
    set_rotation_style,
    set_x,
    set_y,
    turn_left,
    turn_right,
    x_position,
    y_position,
)
from emulator.project import Project
from tests.conformance.cases import CaseList
from tests.conformance.cases import _json as J
from tests.conformance.cases._dsl import Ctx, inf, ninf, num, program

CASES = CaseList()

R = ("5 headless redraw",)


def _case(
    case_id: str, description: str, body: Callable[[Ctx], Any], covers=R, **params: Any
) -> None:
    CASES.add(case_id, description, covers=covers, **params)(lambda: program(body))


def _where(c: Ctx) -> None:
    """Add x position, y position and direction to "out"."""
    for reporter in (x_position(), y_position(), direction()):
        c.out.add(reporter)


def _moves(c: Ctx) -> None:
    move("10")
    _where(c)
    point_in_direction("45")
    move("10")
    _where(c)
    turn_right("30")
    turn_left("400")
    move("-5.5")
    _where(c)
    point_in_direction("0")
    move("3")
    _where(c)


_case("move_and_turn", "move steps along the direction with V8's cos and sin; turns add", _moves)


def _directions(c: Ctx) -> None:
    for d in ("180.5", "-179.5", "270", "-180", "540", "180", "-179", "1e300", "-0", "abc"):
        point_in_direction(d)
        c.out.add(direction())
    point_in_direction("33")
    for bad in (inf(), ninf(), Expr("operator_divide", {"NUM1": "0", "NUM2": "0"})):
        point_in_direction(bad)  # not finite: ignored (NaN casts to 0 first, so it is not)
        c.out.add(direction())
    turn_right(inf())
    c.out.add(direction())
    turn_left("-720.25")
    c.out.add(direction())


_case(
    "direction_wraps",
    "point in direction wraps into [-179, 181): 180.5 stays, -179.5 becomes 180.5, -0 kept, infinities ignored",
    _directions,
)


def _xy(c: Ctx) -> None:
    go_to_xy("1e308", "-12.5")
    change_x("1e308")
    _where(c)
    set_x("abc")
    set_y(" 7 ")
    change_y("0x10")
    _where(c)
    go_to_xy("-100000", num("-0"))
    _where(c)
    set_x(inf())
    change_x(ninf())
    _where(c)


_case("go_to_and_change", "positions are kept as given: no fence, Infinity and NaN included", _xy)


def _precision(c: Ctx) -> None:
    for x in ("-1e-10", "2.0000000001", "2.000000002", "0.4999999999", "-0.5"):
        set_x(x)
        c.out.add(x_position())
        c.out.add(join(x_position(), ""))
    go_to_xy("0", Expr("operator_add", {"NUM1": "0.1", "NUM2": "0.2"}))
    c.out.add(y_position())


_case(
    "position_reporters_snap",
    "x and y position snap to a whole number within 1e-9 (a tiny negative reports -0)",
    _precision,
)


def _random_places(c: Ctx) -> None:
    for _ in range(3):
        go_to(RANDOM)
        _where(c)
    point_towards(RANDOM)
    c.out.add(direction())
    c.out.add(Expr("operator_random", {"FROM": "1", "TO": "1000"}))


_case(
    "random_position_and_direction",
    "go to random position draws x then y, rounded; point towards random draws a whole direction",
    _random_places,
    covers=(*R, "3 random"),
    seed=7,
)


def _mouse(c: Ctx) -> None:
    go_to_xy("5", "6")
    point_towards(MOUSE)
    c.out.add(direction())
    go_to(MOUSE)
    c.out.add(x_position())
    c.out.add(join(y_position(), "!"))
    c.out.add(Expr("operator_add", {"NUM1": x_position(), "NUM2": "1"}))
    change_x("10")
    c.out.add(x_position())
    glide_to("0", MOUSE)
    _where(c)


_case(
    "mouse_has_no_position",
    "headless the mouse has no position: go to it leaves x and y undefined; a glide to it ends at 0, 0",
    _mouse,
)


def _two_sprites() -> Project:
    prog = Program("two sprites")
    out = prog.stage.list("out")
    prog.sprite("T", x=-30, y=40)
    s = prog.sprite("S", x=10, y=0, direction=-90)
    with s.when_flag_clicked():
        point_towards("T")
        out.add(direction())
        go_to("T")
        out.add(join(x_position(), join(",", y_position())))
        go_to_xy("10", "10")
        point_towards("nobody")
        point_towards("S")  # its own position: atan2(0, 0) is 0, so 90
        out.add(direction())
        go_to("Stage")  # the stage is no sprite: nothing happens
        point_towards(num("5"))
        out.add(join(x_position(), join(",", direction())))
    return prog.build()


CASES.add(
    "towards_other_sprites",
    "point towards and go to another sprite by name; unknown names and the stage do nothing",
    covers=R,
)(_two_sprites)


def _loaded() -> dict:
    sp = J.Blocks("sp")
    sp.flag(
        sp.list_add("out", J.reporter(sp.add("motion_xposition"))),
        sp.list_add("out", J.reporter(sp.add("motion_direction"))),
        sp.add("motion_setrotationstyle", {}, {"STYLE": ["sideways", None]}),
        sp.add("motion_ifonedgebounce"),
    )
    project = J.project(None, J.Sprite("S", sp), lists={"out": []})
    sprite = project["targets"][1]
    sprite.update({"x": 1000.25, "y": -999, "direction": 270, "rotationStyle": "left-right"})
    return project


CASES.add(
    "loaded_sprite_state",
    "x, y, direction (wrapped on load) and rotation style come from project.json; "
    "bounce and an unknown style change nothing",
    covers=R,
)(_loaded)


def _styles(c: Ctx) -> None:
    set_rotation_style("don't rotate")
    point_in_direction("-45")
    go_to_xy("500", "400")
    if_on_edge_bounce()
    _where(c)


_case(
    "rotation_style_and_bounce",
    "set rotation style keeps the style; headless, if on edge bounce does nothing at all",
    _styles,
)


def _stage_motion() -> dict:
    st = J.Blocks("st")
    st.flag(
        st.add("motion_gotoxy", {"X": J.number("50"), "Y": J.number("60")}),
        st.add("motion_movesteps", {"STEPS": J.number("10")}),
        st.add("motion_pointindirection", {"DIRECTION": [1, [8, "0"]]}),
        st.list_add("out", J.reporter(st.add("motion_xposition"))),
        st.list_add("out", J.reporter(st.add("motion_yposition"))),
        st.list_add("out", J.reporter(st.add("motion_direction"))),
    )
    return J.project(st, lists={"out": []})


CASES.add(
    "stage_does_not_move",
    "motion blocks on the stage change nothing; its x, y and direction report 0, 0, 90",
    covers=R,
)(_stage_motion)


# ## Glides: timed on the frame clock


def _watcher(prog_stage: Any, out: Any, frames: int) -> None:
    with prog_stage.when_flag_clicked(), repeat(str(frames)):
        out.add(join(x_position(), join(",", y_position())))
        wait("0")


def _glide_frames(turbo: bool) -> Callable[[], Project]:
    def build() -> Project:
        prog = Program("glide")
        out = prog.stage.list("out")
        s = prog.sprite("S")
        with s.when_flag_clicked():
            glide("0.2", "100", "-50")
            out.add(join("end ", x_position()))
        _watcher(s, out, 10)
        return prog.build()

    return build


for _turbo in (False, True):
    CASES.add(
        f"glide_frame_by_frame{'_turbo' if _turbo else ''}",
        "glide moves once a frame by the time elapsed and ends on the frame its time is up",
        covers=R,
        turbo=_turbo,
        timing=True,
    )(_glide_frames(_turbo))


def _glide_edges(c: Ctx) -> None:
    glide("0", "10", "20")
    _where(c)
    glide("-1", "30", "abc")
    _where(c)
    glide("0.05", "5", "5")
    c.out.add(Expr("sensing_timer"))
    _where(c)


_case(
    "glide_zero_and_negative",
    "a glide of 0 or fewer seconds jumps at once (no yield); a short one takes whole frames",
    _glide_edges,
    timing=True,
)


def _glide_warp(c: Ctx) -> None:
    proc = c.sprite.procedure("slide", warp=True)
    with proc.define():
        glide("0.1", "40", "0")
        c.out.add(Expr("sensing_timer"))
    proc()
    _where(c)


_case(
    "glide_in_warp",
    "a glide inside a warp custom block busy-waits until the warp timer runs out, then goes on",
    _glide_warp,
    covers=(*R, "5 warp wait"),
    timing=True,
)


def _glide_to_random(c: Ctx) -> None:
    glide_to("0.1", RANDOM)
    _where(c)
    c.out.add(Expr("operator_random", {"FROM": "1", "TO": "1000000"}))


_case(
    "glide_to_random_draws_each_frame",
    "glide to random position looks a place up on every execution: two draws per re-check",
    _glide_to_random,
    covers=(*R, "3 random"),
    seed=3,
    timing=True,
)


def _glide_to_sprite() -> Project:
    prog = Program("glide to sprite")
    out = prog.stage.list("out")
    t = prog.sprite("T", x=60, y=30)
    s = prog.sprite("S")
    with s.when_flag_clicked():
        glide_to("0.1", "T")
        out.add(join(x_position(), join(",", y_position())))
        glide_to("1", "nobody")  # no such sprite: no glide, no wait
        out.add(Expr("sensing_timer"))
    with t.when_flag_clicked():
        wait("0")
        go_to_xy("-60", "-30")  # the glide's end was fixed when it began
    return prog.build()


CASES.add(
    "glide_to_sprite",
    "glide to a sprite aims at where it was at the start; an unknown sprite skips the glide",
    covers=R,
    timing=True,
)(_glide_to_sprite)
