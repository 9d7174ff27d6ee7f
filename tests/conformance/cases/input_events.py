"""Injected input and the hats it starts: keys, clicks, the mouse, and the edge-triggered `when timer >`.

Input is posted to the VM's io devices at frame boundaries, as the editor posts it; a click names
the target a renderer would pick under the pointer.
"""

from __future__ import annotations

from emulator.dsl import Program, join, reset_timer, timer, wait
from emulator.dsl_sprite import (
    MOUSE,
    create_clone,
    direction,
    distance_to,
    glide_to,
    go_to,
    go_to_xy,
    key_pressed,
    mouse_down,
    mouse_x,
    mouse_y,
    point_towards,
    set_drag_mode,
    switch_backdrop,
    x_position,
    y_position,
)
from emulator.inputs import parse_inputs
from emulator.project import Project
from tests.conformance.cases import CaseList

CASES = CaseList()


def _keys() -> Project:
    prog = Program("keys")
    out = prog.stage.list("out")
    s = prog.sprite("S")
    for key in ("space", "a", "any", "left arrow", "b"):
        with s.when_key_pressed(key):
            out.add(join("hat ", key))
            out.add(key_pressed(key))
    with s.when_flag_clicked():
        wait("0.5")
        for key in ("space", "a", "A", "any", "left arrow", "b"):
            out.add(key_pressed(key))
        wait("1")
        out.add(key_pressed("any"))
    return prog.build()


CASES.add(
    "keys",
    "key hats (a key, any key) and key pressed while held and after release",
    inputs=parse_inputs(keys=("space@0.2", "a@0.3-1", "left@0.4-0.6", "A@0.45")),
    timing=True,
)(_keys)


def _held_key_restarts() -> Project:
    prog = Program("held")
    out = prog.stage.list("out")
    s = prog.sprite("S")
    with s.when_key_pressed("space"):
        out.add("start")
        wait("0.5")
        out.add("end")
    return prog.build()


CASES.add(
    "key_hat_does_not_restart",
    "a second press while its script runs starts nothing; after it ends one does",
    inputs=parse_inputs(keys=("space@0.1", "space@0.3", "space@1")),
    timing=True,
)(_held_key_restarts)


def _clicks() -> Project:
    prog = Program("clicks")
    out = prog.stage.list("out")
    a = prog.sprite("A")
    d = prog.sprite("D", draggable=True)
    with a.when_this_sprite_clicked():
        out.add(join("A clicked, mouse down: ", mouse_down()))
    with d.when_this_sprite_clicked():
        out.add(join("D clicked, mouse down: ", mouse_down()))
    with prog.stage.when_stage_clicked():
        out.add(join("stage clicked at ", join(mouse_x(), join(",", mouse_y()))))
    with a.when_flag_clicked():
        wait("0.1")
        out.add(join(mouse_x(), join(",", mouse_y())))
        out.add(distance_to(MOUSE))
        wait("1.5")
        out.add(join(mouse_x(), join(",", mouse_y())))
    return prog.build()


CASES.add(
    "clicks",
    "clicks on a sprite, a draggable sprite (on release) and the stage; mouse moves and edges",
    inputs=parse_inputs(
        clicks=("A@0.5", "D@0.7", "stage@0.9", "A@1.3"),
        mice=("30,-40@0", "239.6,180@1", "-240,-180@1.2"),
    ),
    timing=True,
)(_clicks)


def _drag_then_click() -> Project:
    prog = Program("drag")
    out = prog.stage.list("out")
    a = prog.sprite("A")
    with a.when_this_sprite_clicked():
        out.add("clicked")
    with a.when_flag_clicked():
        set_drag_mode("draggable")
    return prog.build()


CASES.add(
    "draggable_by_block",
    "set drag mode makes a click start the hat on release",
    inputs=parse_inputs(clicks=("A@0.2",)),
    timing=True,
)(_drag_then_click)


def _timer_hat() -> Project:
    prog = Program("timer hat")
    out = prog.stage.list("out")
    s = prog.sprite("S")
    with s.when_greater_than("TIMER", "0.5"):
        out.add(join("timer > 0.5 at ", timer()))
    with s.when_greater_than("LOUDNESS", "-5"):
        out.add("loud")
    with s.when_greater_than("timer", "1"):
        out.add(join("timer > 1 at ", timer()))
    with s.when_flag_clicked():
        wait("0.8")
        reset_timer()
        wait("1")
    return prog.build()


CASES.add(
    "when_timer_greater",
    "edge-triggered: once when the timer passes, again after a reset; loudness never",
    timing=True,
)(_timer_hat)


def _backdrop_hat() -> Project:
    prog = Program("backdrop hat")
    out = prog.stage.list("out")
    prog.stage.costumes = ["one", "two"]
    s = prog.sprite("S")
    with s.when_backdrop_switches_to("two"):
        out.add("two")
    with prog.stage.when_backdrop_switches_to("TWO"):
        out.add("stage two")
    with s.when_flag_clicked():
        switch_backdrop("two")
        wait("0.1")
        switch_backdrop("one")
    return prog.build()


CASES.add("when_backdrop_switches", "when backdrop switches to, ignoring case")(_backdrop_hat)


def _touch_hat() -> Project:
    prog = Program("touch hat")
    out = prog.stage.list("out")
    s = prog.sprite("S")
    with s.when_touching(MOUSE):
        out.add("touching")
    with s.when_flag_clicked():
        wait("0.2")
        out.add("done")
    return prog.build()


CASES.add("when_touching_headless", "when touching never starts without a renderer", timing=True)(
    _touch_hat
)


def _only_input() -> Project:
    prog = Program("waits for input")
    out = prog.stage.list("out")
    s = prog.sprite("S")
    with s.when_key_pressed("x"):
        out.add(timer())
    return prog.build()


CASES.add(
    "run_lasts_until_input",
    "with no thread left the run goes on until the last input is posted",
    inputs=parse_inputs(keys=("x@1",)),
    timing=True,
)(_only_input)


def _follow_mouse() -> Project:
    prog = Program("follow")
    out = prog.stage.list("out")
    s = prog.sprite("S", x=10, y=10)
    with s.when_flag_clicked():
        point_towards(MOUSE)
        out.add(direction())
        wait("0.2")
        point_towards(MOUSE)
        out.add(direction())
        go_to(MOUSE)
        out.add(join(x_position(), join(",", y_position())))
        go_to_xy("0", "0")
        glide_to("0.1", MOUSE)
        out.add(join(x_position(), join(",", y_position())))
        out.add(distance_to(MOUSE))
    return prog.build()


CASES.add(
    "motion_follows_the_mouse",
    "point towards, go to and glide to the mouse once input has moved it",
    inputs=parse_inputs(mice=("-30,40@0.1",)),
    timing=True,
)(_follow_mouse)


def _timer_hat_reporter() -> Project:
    prog = Program("timer hat reporter")
    out = prog.stage.list("out")
    limit = prog.stage.var("limit", 0.3)
    s = prog.sprite("S")
    with s.when_greater_than("TIMER", limit + 0.1):
        out.add(join("fired at ", timer()))
        limit.set("100")
    with s.when_flag_clicked():
        create_clone()
        wait("0.6")
        limit.set("0")
        wait("0.2")
    return prog.build()


CASES.add(
    "when_timer_greater_reporter",
    "a reporter in the hat's value, re-read every frame; a clone tests its own copy of the hat",
    timing=True,
)(_timer_hat_reporter)
