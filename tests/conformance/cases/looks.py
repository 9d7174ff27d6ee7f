"""Looks with no renderer: costumes and backdrops by name, number or word, effects clamped, size unchanged, layers as execution order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from emulator.dsl import Expr, Program, broadcast, join, wait
from emulator.dsl_sprite import (
    backdrop,
    change_effect,
    change_size,
    clear_effects,
    costume,
    go_layers,
    go_to_layer,
    hide,
    next_backdrop,
    next_costume,
    set_effect,
    set_size,
    show,
    size,
    switch_backdrop,
    switch_costume,
)
from emulator.project import Project
from tests.conformance.cases import CaseList
from tests.conformance.cases import _json as J
from tests.conformance.cases._dsl import false, inf, ninf, num, true

CASES = CaseList()

R = ("5 headless redraw",)


def _sprite_case(
    case_id: str,
    description: str,
    costumes: tuple[str, ...] = (),
    covers: tuple[str, ...] = R,
    backdrops: tuple[str, ...] = (),
    **looks: Any,
) -> Callable[[Callable[[Any], None]], None]:
    """A case whose sprite "S" (with these costumes and looks) runs the body under the flag."""

    def register(body: Callable[[Any], None]) -> None:
        def build() -> Project:
            prog = Program(case_id)
            prog.stage.costumes = list(backdrops)
            out = prog.stage.list("out")
            s = prog.sprite("S", costumes=costumes, **looks)
            with s.when_flag_clicked():
                body(out)
            return prog.build()

        CASES.add(case_id, description, covers=covers)(build)

    return register


def _costume(out: Any) -> None:
    out.add(join(costume("number"), join(" ", costume("name"))))


@_sprite_case(
    "switch_costume",
    "switch costume: a name first, then next/previous, then a number JS reads; numbers are 1-based and wrap",
    costumes=("3", "walk", "jump"),
)
def _switch_costume(out: Any) -> None:
    for requested in (
        "jump",
        "3",  # the costume named "3", not costume 3
        "next costume",
        "previous costume",
        "previous costume",
        "0x2",
        " 2 ",
        " ",
        "",
        "Jump",
        "nope",
        num("3"),
        num("0"),
        num("-1"),
        num("1.5"),
        num("2.5"),
        num("-0.4"),
        inf(),
        num("7"),
        true(),
        false(),
        Expr("operator_divide", {"NUM1": "0", "NUM2": "0"}),
    ):
        switch_costume(requested)
        _costume(out)
    next_costume()
    _costume(out)


@_sprite_case(
    "next_costume_wraps",
    "next costume goes round; the costume reporters report the number and name",
    costumes=("a", "b"),
    currentCostume=1,
)
def _next_costume(out: Any) -> None:
    _costume(out)
    next_costume()
    _costume(out)
    next_costume()
    next_costume()
    _costume(out)


def _loaded_costume() -> dict:
    sp = J.Blocks("sp")
    sp.flag(
        sp.list_add(
            "out",
            J.reporter(sp.add("looks_costumenumbername", {}, {"NUMBER_NAME": ["number", None]})),
        ),
        sp.list_add("out", J.reporter(sp.add("looks_size"))),
    )
    project = J.project(None, J.Sprite("S", sp), lists={"out": []})
    sprite = project["targets"][1]
    sprite["costumes"] = [dict(J.MINIMAL_COSTUME, name=n) for n in ("c1", "c2", "c3")]
    sprite.update({"currentCostume": 7, "size": 33.5, "visible": False, "draggable": True})
    sprite["volume"] = 42
    return project


CASES.add(
    "loaded_looks",
    "currentCostume past the end clamps to the last costume on load; size, visibility, "
    "draggable and volume are kept; size reports rounded",
    covers=R,
)(_loaded_costume)


@_sprite_case("show_hide", "hide and show set visible; a hidden sprite still runs", visible=False)
def _show_hide(out: Any) -> None:
    show()
    hide()
    show()
    hide()
    out.add("ran")


@_sprite_case(
    "size_unchanged_headless",
    "set size and change size change nothing without a renderer: the clamp needs the costume's size",
    size=80.4,
)
def _size(out: Any) -> None:
    set_size("300")
    out.add(size())
    change_size("-50")
    out.add(size())
    set_size(Expr("operator_divide", {"NUM1": "1", "NUM2": "0"}))
    out.add(size())


@_sprite_case(
    "effects_clamped",
    "ghost clamps to 0..100 and brightness to -100..100; other effects keep any number, NaN too",
)
def _effects(out: Any) -> None:
    change_effect("COLOR", "25")
    change_effect("COLOR", "-30.5")
    set_effect("GHOST", "150")
    change_effect("GHOST", "-500")
    change_effect("GHOST", "12.5")
    set_effect("BRIGHTNESS", "-200")
    set_effect("FISHEYE", inf())
    change_effect("FISHEYE", ninf())
    set_effect("WHIRL", num("-0"))
    set_effect("PIXELATE", "1e300")
    change_effect("MOSAIC", "abc")
    set_effect("NONSENSE", "5")
    change_effect("nonsense", "5")
    set_effect("ghost", num("-0"))  # the field is lowered first: lower-case names work too
    out.add("done")


@_sprite_case("clear_effects", "clear graphic effects sets all seven back to 0")
def _clear(out: Any) -> None:
    for effect in ("COLOR", "FISHEYE", "WHIRL", "PIXELATE", "MOSAIC", "BRIGHTNESS", "GHOST"):
        set_effect(effect, "40")
    clear_effects()
    set_effect("COLOR", "7")


# ## Backdrops


def _backdrops(body: Callable[[Any, Any], None], costumes: tuple[str, ...] = ()) -> Project:
    prog = Program("backdrops")
    prog.stage.costumes = ["b1", "b2", "b3", "4"]
    out = prog.stage.list("out")
    s = prog.sprite("S", costumes=costumes)
    for name in ("b1", "B2", "b3", "4"):
        with prog.stage.when_backdrop_switches_to(name):
            out.add(join("hat ", name))
    with s.when_flag_clicked():
        body(out, s)
    return prog.build()


def _where(out: Any) -> None:
    out.add(join(backdrop("number"), join(" ", backdrop("name"))))


def _switching(out: Any, s: Any) -> None:
    for requested in (
        "b2",
        "b2",  # the hats start even when nothing changed
        "next backdrop",
        "previous backdrop",
        "4",  # the backdrop named "4", which is backdrop 4
        "3",
        num("6"),
        "random backdrop",
        "random backdrop",
        "nope",
    ):
        switch_backdrop(requested)
        _where(out)
    next_backdrop()
    _where(out)


CASES.add(
    "switch_backdrop",
    "switch backdrop by name, word, number and at random (never the current one); "
    "each switch starts the new backdrop's hats, matched ignoring case",
    covers=(*R, "3 random", "7 restart hats"),
    seed=11,
)(lambda: _backdrops(_switching))


def _and_wait(out: Any, s: Any) -> None:
    switch_backdrop("b3", wait=True)
    out.add(join("waited ", Expr("sensing_timer")))
    switch_backdrop("nope", wait=True)  # no such backdrop: still b3, whose hat runs again
    out.add(join("again ", Expr("sensing_timer")))


def _slow_hats() -> Project:
    prog = Program("backdrop and wait")
    prog.stage.costumes = ["b1", "b2", "b3"]
    out = prog.stage.list("out")
    s = prog.sprite("S")
    with prog.stage.when_backdrop_switches_to("b3"):
        out.add("b3 starts")
        wait("0.1")
        out.add("b3 ends")
    with s.when_flag_clicked():
        _and_wait(out, s)
        switch_backdrop("b1", wait=True)  # no hat: goes straight on
        out.add(join("no hat ", Expr("sensing_timer")))
    return prog.build()


CASES.add(
    "switch_backdrop_and_wait",
    "switch backdrop and wait waits for the hats it started, like broadcast and wait",
    covers=(*R, "7 broadcast and wait"),
    timing=True,
)(_slow_hats)


def _sprite_switches_costume_on_stage() -> dict:
    st = J.Blocks("st")
    menu = st.add("looks_costume", {}, {"COSTUME": ["b2", None]}, shadow=True)
    st.flag(
        st.add("looks_switchcostumeto", {"COSTUME": [1, menu]}),
        st.list_add(
            "out",
            J.reporter(st.add("looks_backdropnumbername", {}, {"NUMBER_NAME": ["name", None]})),
        ),
        st.add("looks_hide"),
        st.add("looks_gotofrontback", {}, {"FRONT_BACK": ["front", None]}),
    )
    st.script(
        st.add("event_whenbackdropswitchesto", {}, {"BACKDROP": ["b2", None]}),
        st.list_add("out", J.text("hat")),
    )
    project = J.project(st, lists={"out": []})
    project["targets"][0]["costumes"] = [
        dict(J.MINIMAL_COSTUME, name=n) for n in ("b1", "b2", "b3")
    ]
    return project


CASES.add(
    "stage_switch_costume",
    "the stage's switch costume changes the backdrop without starting hats; hide and layers "
    "do nothing to the stage",
    covers=R,
)(_sprite_switches_costume_on_stage)


# ## Layers


def _layers(moves: Callable[[dict[str, Any]], None]) -> Callable[[], Project]:
    def build() -> Project:
        prog = Program("layers")
        out = prog.stage.list("out")
        sprites = {name: prog.sprite(name) for name in ("A", "B", "C", "D")}
        for name, sprite in sprites.items():
            with sprite.when_i_receive("who"):
                out.add(name)
        with prog.stage.when_flag_clicked():
            wait("0")  # the sprites' moves have run by now
            broadcast("who")
        moves(sprites)
        return prog.build()

    return build


def _moves(sprites: dict[str, Any]) -> None:
    with sprites["A"].when_flag_clicked():
        go_to_layer("front")
    with sprites["D"].when_flag_clicked():
        go_to_layer("back")
    with sprites["B"].when_flag_clicked():
        go_layers("forward", "1.5")
    with sprites["C"].when_flag_clicked():
        go_layers("backward", "0.5")


CASES.add(
    "layer_moves",
    "go to front/back and forward/backward n layers reorder execution: hats then start front first",
    covers=(*R, "7 layer order"),
)(_layers(_moves))


def _far_moves(sprites: dict[str, Any]) -> None:
    with sprites["B"].when_flag_clicked():
        go_layers("forward", "100")
    with sprites["C"].when_flag_clicked():
        go_layers("backward", inf())
    with sprites["D"].when_flag_clicked():
        go_layers("forward", "-2")
    with sprites["A"].when_flag_clicked():
        go_layers("backward", "-0.9")


CASES.add(
    "layer_moves_far",
    "moving past the front or back stops there (never behind the stage); fractions truncate",
    covers=(*R, "7 layer order"),
)(_layers(_far_moves))
