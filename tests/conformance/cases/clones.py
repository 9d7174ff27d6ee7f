"""Clones: what they copy, where they go in the layers, their own hats and stops, the limit of 300, stop all."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from emulator.dsl import Expr, Program, broadcast, if_, join, repeat, say, stop, wait
from emulator.dsl_sprite import (
    MYSELF,
    change_effect,
    change_x,
    costume,
    create_clone,
    delete_this_clone,
    direction,
    go_to_layer,
    go_to_xy,
    hide,
    next_costume,
    point_in_direction,
    set_effect,
    switch_costume,
    x_position,
)
from emulator.project import Project
from tests.conformance.cases import CaseList

CASES = CaseList()

C = ("5 clones",)


def _case(case_id: str, description: str, covers: tuple[str, ...] = C, **params: Any):
    def register(build: Callable[[], Project]) -> Callable[[], Project]:
        return CASES.add(case_id, description, covers=covers, **params)(build)

    return register


@_case("clone_copies_looks_and_data", "a clone starts as a copy of its original, but at volume 100")
def _copies() -> Project:
    prog = Program("copies")
    out = prog.stage.list("out")
    s = prog.sprite("S", costumes=("a", "b", "c"), volume=40, draggable=True)
    mine = s.var("mine", "original")
    items = s.list("items", ("x",))
    with s.when_flag_clicked():
        go_to_xy("12.5", "-7")
        point_in_direction("45")
        switch_costume("b")
        set_effect("GHOST", "30")
        hide()
        mine.set("changed before cloning")
        items.add("y")
        create_clone(MYSELF)
        mine.set("original after")
        items.add("z")
        change_x("100")
        out.add(join("original ", x_position()))
    with s.when_i_start_as_clone():
        out.add(join(mine, join(" ", items)))
        out.add(join(x_position(), join(" ", join(direction(), costume("name")))))
        next_costume()
        change_effect("GHOST", "5")
        mine.set("clone's own")
        items.delete_all()
    return prog.build()


@_case(
    "clone_layer_and_hat_order",
    "a clone goes just behind its original: it starts hats after it, and a clone's clone behind that",
)
def _layers() -> Project:
    prog = Program("layers")
    out = prog.stage.list("out")
    back = prog.sprite("Back")
    s = prog.sprite("S")
    front = prog.sprite("Front")
    n = s.var("n", 0)
    for name, sprite in (("Back", back), ("Front", front)):
        with sprite.when_i_receive("who"):
            out.add(name)
    with s.when_i_receive("who"):
        out.add(join("S ", n))
    with s.when_flag_clicked():
        create_clone(MYSELF)
        wait("0")
        broadcast("who")
    with s.when_i_start_as_clone():
        n.change(1)
        with if_(n == 1):
            create_clone(MYSELF)  # a clone of this clone (n is 1 in it too), behind it
    return prog.build()


@_case(
    "clone_of_another_sprite",
    "create clone of a sprite by name clones the original; the stage's name and unknown names do nothing",
)
def _other() -> Project:
    prog = Program("other")
    out = prog.stage.list("out")
    t = prog.sprite("T", x=50)
    s = prog.sprite("S")
    with t.when_i_start_as_clone():
        out.add(join("T clone at ", x_position()))
    with s.when_flag_clicked():
        create_clone("T")
        create_clone("Stage")
        create_clone("nobody")
        create_clone(Expr("operator_join", {"STRING1": "T", "STRING2": ""}))
    with prog.stage.when_flag_clicked():
        create_clone(MYSELF)  # the stage cannot be cloned
        create_clone("S")
    with s.when_i_start_as_clone():
        out.add("S clone")
    return prog.build()


@_case(
    "clone_limit_300",
    "at most 300 clones live at once; deleting some makes room for more",
)
def _limit() -> Project:
    prog = Program("limit")
    made = prog.stage.var("made", 0)
    s = prog.sprite("S")
    with s.when_flag_clicked():
        with repeat("310"):
            create_clone(MYSELF)
        broadcast("die")
        wait("0")
        with repeat("5"):
            create_clone(MYSELF)
        broadcast("die")
    with s.when_i_start_as_clone():
        made.change(1)
    with s.when_i_receive("die"):
        delete_this_clone()
    return prog.build()


@_case(
    "delete_this_clone",
    "delete this clone ends the clone's scripts at once; in an original it does nothing",
)
def _delete() -> Project:
    prog = Program("delete")
    out = prog.stage.list("out")
    s = prog.sprite("S")
    with s.when_flag_clicked():
        delete_this_clone()
        out.add("original goes on")
        create_clone(MYSELF)
        wait("0")
        broadcast("ping")
    with s.when_i_start_as_clone():
        out.add("clone starts")
        wait("0")
        delete_this_clone()
        out.add("never")
    with s.when_i_start_as_clone(), repeat("3"):
        out.add("clone loop")
    with s.when_i_receive("ping"):
        out.add("ping")
    return prog.build()


@_case(
    "stop_other_scripts_per_clone",
    "stop other scripts in sprite stops only that clone's other scripts",
)
def _stop_other() -> Project:
    prog = Program("stop other")
    out = prog.stage.list("out")
    s = prog.sprite("S")
    is_clone = s.var("clone?", "no")
    with s.when_flag_clicked():
        create_clone(MYSELF)
        with repeat("4"):
            out.add(join("loop ", is_clone))
            wait("0")
    with s.when_i_start_as_clone():
        is_clone.set("yes")
        wait("0")
        stop("other scripts in sprite")
        out.add("clone stopped its others")
    return prog.build()


@_case(
    "stop_all_deletes_clones",
    "stop all deletes every clone and clears effects; a clone's threads later in the tick do not run",
    covers=(*C, "5 stop all", "7 stop all quirk"),
)
def _stop_all() -> Project:
    prog = Program("stop all")
    out = prog.stage.list("out")
    s = prog.sprite("S")
    with s.when_flag_clicked():
        set_effect("COLOR", "20")
        create_clone(MYSELF)
        create_clone(MYSELF)
        wait("0")
        stop("all")
    with s.when_i_start_as_clone():
        change_effect("COLOR", "5")
        wait("0")
        out.add("clone after stop")
    with prog.stage.when_flag_clicked():
        wait("0")
        out.add("stage after stop")
    return prog.build()


@_case(
    "clones_say_and_receive",
    "clones receive broadcasts and speak under their sprite's name",
    covers=(*C, "2 say raw"),
)
def _say() -> Project:
    prog = Program("say")
    s = prog.sprite("S")
    n = s.var("n", 0)
    with s.when_flag_clicked():
        create_clone(MYSELF)
        create_clone(MYSELF)
        broadcast("speak")
    with s.when_i_start_as_clone():
        n.change(1)
    with s.when_i_receive("speak"):
        say(join("n=", n))
    return prog.build()


@_case(
    "clone_goes_to_front",
    "a clone moved to the front starts its hats before everyone",
    covers=(*C, "7 layer order"),
)
def _front() -> Project:
    prog = Program("front")
    out = prog.stage.list("out")
    s = prog.sprite("S")
    t = prog.sprite("T")
    tag = s.var("tag", "S")
    with t.when_i_receive("go"):
        out.add("T")
    with s.when_i_receive("go"):
        out.add(tag)
    with s.when_flag_clicked():
        create_clone(MYSELF)
        wait("0")
        broadcast("go")
    with s.when_i_start_as_clone():
        tag.set("S clone")
        go_to_layer("front")
    return prog.build()
