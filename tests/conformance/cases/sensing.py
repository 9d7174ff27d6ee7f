"""Sensing with no renderer: attributes, distances, touching, the mouse and keys, the calendar, user and loudness.

Each case's list "out" holds what the reporters said; the calendar cases fix the date the run
starts at, so `current` and `days since 2000` are reproducible.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from emulator.dsl import Program, join, wait
from emulator.dsl_sprite import (
    EDGE,
    MOUSE,
    STAGE,
    attribute_of,
    color_touching_color,
    create_clone,
    current,
    days_since_2000,
    distance_to,
    go_to,
    go_to_xy,
    key_pressed,
    loud,
    loudness,
    mouse_down,
    mouse_x,
    mouse_y,
    point_in_direction,
    set_drag_mode,
    switch_backdrop,
    switch_costume,
    touching,
    touching_color,
    user_id,
    username,
)
from emulator.project import Project
from tests.conformance.cases import CaseList
from tests.conformance.cases._dsl import Ctx, num, program

CASES = CaseList()


def _case(case_id: str, description: str, body: Callable[[Ctx], Any], **params: Any) -> None:
    CASES.add(case_id, description, **params)(lambda: program(body))


def _add_all(c: Ctx, *reporters: Any) -> None:
    for r in reporters:
        c.out.add(r)


# ## of


def _two_sprites() -> Project:
    prog = Program("of")
    out = prog.stage.list("out")
    prog.stage.var("shared", "stage value")
    prog.stage.costumes = ["bd1", "bd2"]
    other = prog.sprite("Other", costumes=["c1", "c2", "c3"], x=12.5, y=-7, direction=45, size=80)
    other.var("secret", 42)
    other.var("x position", "a variable named like an attribute")
    me = prog.sprite("Me")
    me.var("mine", "not the other's")
    with me.when_flag_clicked():
        switch_backdrop("bd2")
        for prop in ("x position", "y position", "direction", "costume #", "costume name"):
            out.add(attribute_of(prop, "Other"))
        for prop in ("size", "volume", "secret", "mine", "shared", "nothing", "backdrop #"):
            out.add(attribute_of(prop, "Other"))
        for prop in ("backdrop #", "backdrop name", "background #", "volume", "shared"):
            out.add(attribute_of(prop, STAGE))
        for prop in ("x position", "secret", "costume #"):
            out.add(attribute_of(prop, STAGE))
        out.add(attribute_of("x position", "Nobody"))
        out.add(attribute_of("mine", "Me"))
        out.add(attribute_of("x position", join("Oth", "er")))
        out.add(attribute_of("secret", "other"))
    with other.when_flag_clicked():
        switch_costume("c3")
    return prog.build()


CASES.add(
    "of_attributes", "every attribute of a sprite and of the stage, variables, missing names"
)(_two_sprites)


def _distances() -> Project:
    prog = Program("distance")
    out = prog.stage.list("out")
    prog.sprite("Far", x=30, y=40)
    me = prog.sprite("Me", x=0, y=0)
    with me.when_flag_clicked():
        out.add(distance_to("Far"))
        out.add(distance_to("Nobody"))
        out.add(distance_to(MOUSE))
        go_to_xy("-1.5", "2")
        out.add(distance_to("Far"))
        out.add(distance_to("Me"))
        go_to(MOUSE)
        out.add(distance_to("Far"))
    with prog.stage.when_flag_clicked():
        out.add(distance_to("Far"))
    return prog.build()


CASES.add("distance_to", "distance to a sprite, itself, a missing one, the mouse, from the stage")(
    _distances
)


def _touching(c: Ctx) -> None:
    _add_all(
        c,
        touching(MOUSE),
        touching(EDGE),
        touching("S"),
        touching_color("#ff0000"),
        color_touching_color("#ff0000", "#00ff00"),
        touching(join("S", "")),
    )


_case("touching_headless", "touching anything, any colour, is false without a renderer", _touching)


def _mouse_and_keys(c: Ctx) -> None:
    _add_all(c, mouse_x(), mouse_y(), mouse_down(), key_pressed("space"), key_pressed("any"))
    _add_all(c, key_pressed("a"), key_pressed(num("65")), key_pressed(join("", "")))
    _add_all(c, join(mouse_x(), ""), loudness(), loud(), username(), user_id())


_case(
    "devices_untouched",
    "mouse, keys, loudness, user with no input: undefined, false, -1, ''",
    _mouse_and_keys,
)
_case(
    "username_given",
    "the user name the editor posts",
    lambda c: _add_all(c, username(), join("hi ", username())),
    username="scratcher",
)


def _drag(c: Ctx) -> None:
    set_drag_mode("draggable")
    c.out.add(attribute_of("x position", "S"))


def _drag_project() -> Project:
    prog = Program("drag")
    prog.stage.list("out")
    a = prog.sprite("A")
    b = prog.sprite("B", draggable=True)
    with a.when_flag_clicked():
        set_drag_mode("draggable")
    with b.when_flag_clicked():
        set_drag_mode("not draggable")
    with prog.stage.when_flag_clicked():
        set_drag_mode("draggable")
    return prog.build()


CASES.add("drag_mode", "set drag mode on sprites (the stage ignores it)")(_drag_project)


# ## The calendar


def _calendar(c: Ctx) -> None:
    parts = ("YEAR", "MONTH", "DATE", "DAYOFWEEK", "HOUR", "MINUTE", "SECOND", "nonsense")
    _add_all(c, *(current(p) for p in parts))
    c.out.add(days_since_2000())
    wait("2")
    _add_all(c, current("SECOND"), days_since_2000())


_case(
    "calendar_default",
    "current and days since 2000 at the default virtual date",
    _calendar,
    timing=True,
)
_case(
    "calendar_set",
    "a date set for the run, read as it advances with the frame clock",
    _calendar,
    date="2024-02-29T23:59:58.5Z",
    timing=True,
)
_case(
    "calendar_before_2000",
    "days since 2000 is negative before it",
    _calendar,
    date="1999-12-31T12:00:00Z",
)


def _point(c: Ctx) -> None:
    point_in_direction("90")
    c.out.add(attribute_of("direction", "S"))


_case("of_own_direction", "of reads the sprite that runs it too", _point)


def _of_clones() -> Project:
    prog = Program("of clones")
    out = prog.stage.list("out")
    other = prog.sprite("Other", x=5)
    n = other.var("n", 1)
    with other.when_flag_clicked():
        create_clone()
    with other.when_i_start_as_clone():
        n.set("clone's")
        go_to_xy("99", "99")
        out.add(attribute_of("n", "Other"))
        out.add(attribute_of("x position", "Other"))
    me = prog.sprite("Me")
    with me.when_flag_clicked():
        wait("0.1")
        out.add(attribute_of("n", "Other"))
        out.add(attribute_of("x position", "Other"))
        out.add(distance_to("Other"))
    return prog.build()


CASES.add("of_reads_the_original", "of and distance to read the original sprite, not its clones")(
    _of_clones
)
