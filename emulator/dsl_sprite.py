"""The DSL's sprite blocks: motion, looks, clones and the pen, written like emulator.dsl's statements.

    cat = prog.sprite("Cat", costumes=["walk1", "walk2"], x=-100)
    with cat.when_flag_clicked():
        with repeat(10):
            move(10)
            next_costume()
        create_clone(MYSELF)

A menu takes its choice as text (`go_to(RANDOM)`, `switch_costume("walk2")`) or a reporter.
"""

from __future__ import annotations

from typing import Any

from emulator.dsl import Expr, statement
from emulator.project import Field

MYSELF = "_myself_"
RANDOM = "_random_"
MOUSE = "_mouse_"

# ## Motion


def move(steps: Any) -> None:
    """move (steps) steps."""
    statement("motion_movesteps", {"STEPS": steps})


def turn_right(degrees: Any) -> None:
    """turn right (degrees) degrees."""
    statement("motion_turnright", {"DEGREES": degrees})


def turn_left(degrees: Any) -> None:
    """turn left (degrees) degrees."""
    statement("motion_turnleft", {"DEGREES": degrees})


def go_to_xy(x: Any, y: Any) -> None:
    """go to x: (x) y: (y)."""
    statement("motion_gotoxy", {"X": x, "Y": y})


def go_to(where: Any) -> None:
    """go to (RANDOM | MOUSE | a sprite's name)."""
    statement("motion_goto", {"TO": where})


def glide(secs: Any, x: Any, y: Any) -> None:
    """glide (secs) secs to x: (x) y: (y)."""
    statement("motion_glidesecstoxy", {"SECS": secs, "X": x, "Y": y})


def glide_to(secs: Any, where: Any) -> None:
    """glide (secs) secs to (RANDOM | MOUSE | a sprite's name)."""
    statement("motion_glideto", {"SECS": secs, "TO": where})


def point_in_direction(direction: Any) -> None:
    """point in direction (direction)."""
    statement("motion_pointindirection", {"DIRECTION": direction})


def point_towards(where: Any) -> None:
    """point towards (RANDOM | MOUSE | a sprite's name)."""
    statement("motion_pointtowards", {"TOWARDS": where})


def change_x(dx: Any) -> None:
    """change x by (dx)."""
    statement("motion_changexby", {"DX": dx})


def set_x(x: Any) -> None:
    """set x to (x)."""
    statement("motion_setx", {"X": x})


def change_y(dy: Any) -> None:
    """change y by (dy)."""
    statement("motion_changeyby", {"DY": dy})


def set_y(y: Any) -> None:
    """set y to (y)."""
    statement("motion_sety", {"Y": y})


def if_on_edge_bounce() -> None:
    """if on edge, bounce."""
    statement("motion_ifonedgebounce", {})


def set_rotation_style(style: str) -> None:
    """set rotation style [left-right | don't rotate | all around]."""
    statement("motion_setrotationstyle", {}, {"STYLE": Field(style)})


def x_position() -> Expr:
    """x position."""
    return Expr("motion_xposition")


def y_position() -> Expr:
    """y position."""
    return Expr("motion_yposition")


def direction() -> Expr:
    """direction."""
    return Expr("motion_direction")


# ## Looks


def show() -> None:
    """show."""
    statement("looks_show", {})


def hide() -> None:
    """hide."""
    statement("looks_hide", {})


def switch_costume(costume: Any) -> None:
    """switch costume to (a costume's name | "next costume" | a reporter)."""
    statement("looks_switchcostumeto", {"COSTUME": costume})


def next_costume() -> None:
    """next costume."""
    statement("looks_nextcostume", {})


def switch_backdrop(backdrop: Any, wait: bool = False) -> None:
    """switch backdrop to (a backdrop's name | "random backdrop" | a reporter) (and wait)."""
    opcode = "looks_switchbackdroptoandwait" if wait else "looks_switchbackdropto"
    statement(opcode, {"BACKDROP": backdrop})


def next_backdrop() -> None:
    """next backdrop."""
    statement("looks_nextbackdrop", {})


def change_size(change: Any) -> None:
    """change size by (change)."""
    statement("looks_changesizeby", {"CHANGE": change})


def set_size(size: Any) -> None:
    """set size to (size) %."""
    statement("looks_setsizeto", {"SIZE": size})


def change_effect(effect: str, change: Any) -> None:
    """change [COLOR | GHOST | ...] effect by (change)."""
    statement("looks_changeeffectby", {"CHANGE": change}, {"EFFECT": Field(effect)})


def set_effect(effect: str, value: Any) -> None:
    """set [COLOR | GHOST | ...] effect to (value)."""
    statement("looks_seteffectto", {"VALUE": value}, {"EFFECT": Field(effect)})


def clear_effects() -> None:
    """clear graphic effects."""
    statement("looks_cleargraphiceffects", {})


def go_to_layer(front_back: str) -> None:
    """go to [front | back] layer."""
    statement("looks_gotofrontback", {}, {"FRONT_BACK": Field(front_back)})


def go_layers(forward_backward: str, layers: Any) -> None:
    """go [forward | backward] (layers) layers."""
    statement(
        "looks_goforwardbackwardlayers",
        {"NUM": layers},
        {"FORWARD_BACKWARD": Field(forward_backward)},
    )


def costume(number_name: str = "number") -> Expr:
    """costume [number | name]."""
    return Expr("looks_costumenumbername", fields={"NUMBER_NAME": Field(number_name)})


def backdrop(number_name: str = "number") -> Expr:
    """backdrop [number | name]."""
    return Expr("looks_backdropnumbername", fields={"NUMBER_NAME": Field(number_name)})


def size() -> Expr:
    """size."""
    return Expr("looks_size")


# ## Clones


def create_clone(of: Any = MYSELF) -> None:
    """create clone of (MYSELF | a sprite's name)."""
    statement("control_create_clone_of", {"CLONE_OPTION": of})


def delete_this_clone() -> None:
    """delete this clone."""
    statement("control_delete_this_clone", {})


# ## Pen


def erase_all() -> None:
    """erase all."""
    statement("pen_clear", {})


def stamp() -> None:
    """stamp."""
    statement("pen_stamp", {})


def pen_down() -> None:
    """pen down."""
    statement("pen_penDown", {})


def pen_up() -> None:
    """pen up."""
    statement("pen_penUp", {})


def set_pen_color(color: Any) -> None:
    """set pen color to (a "#rrggbb" colour, or a number 0xAARRGGBB)."""
    statement("pen_setPenColorToColor", {"COLOR": color})


def change_pen(param: Any, value: Any) -> None:
    """change pen (color | saturation | brightness | transparency) by (value)."""
    statement("pen_changePenColorParamBy", {"COLOR_PARAM": param, "VALUE": value})


def set_pen(param: Any, value: Any) -> None:
    """set pen (color | saturation | brightness | transparency) to (value)."""
    statement("pen_setPenColorParamTo", {"COLOR_PARAM": param, "VALUE": value})


def change_pen_size(change: Any) -> None:
    """change pen size by (change)."""
    statement("pen_changePenSizeBy", {"SIZE": change})


def set_pen_size(size: Any) -> None:
    """set pen size to (size)."""
    statement("pen_setPenSizeTo", {"SIZE": size})


def set_pen_shade(shade: Any) -> None:
    """set pen shade to (shade): Scratch 2's block, hidden in Scratch 3."""
    statement("pen_setPenShadeToNumber", {"SHADE": shade})


def change_pen_shade(change: Any) -> None:
    """change pen shade by (change): Scratch 2's block."""
    statement("pen_changePenShadeBy", {"SHADE": change})


def set_pen_hue(hue: Any) -> None:
    """set pen hue to (hue): Scratch 2's "set pen color to (number)"."""
    statement("pen_setPenHueToNumber", {"HUE": hue})


def change_pen_hue(change: Any) -> None:
    """change pen hue by (change): Scratch 2's "change pen color by"."""
    statement("pen_changePenHueBy", {"HUE": change})


# ## Sensing

STAGE = "_stage_"
EDGE = "_edge_"


def touching(what: Any) -> Expr:
    """touching (MOUSE | EDGE | a sprite's name)?"""
    return Expr("sensing_touchingobject", {"TOUCHINGOBJECTMENU": what}, boolean=True)


def touching_color(color: Any) -> Expr:
    """touching color (color)?"""
    return Expr("sensing_touchingcolor", {"COLOR": color}, boolean=True)


def color_touching_color(color: Any, other: Any) -> Expr:
    """color (color) is touching (other)?"""
    return Expr("sensing_coloristouchingcolor", {"COLOR": color, "COLOR2": other}, boolean=True)


def distance_to(what: Any) -> Expr:
    """distance to (MOUSE | a sprite's name)."""
    return Expr("sensing_distanceto", {"DISTANCETOMENU": what})


def attribute_of(prop: str, of: Any) -> Expr:
    """([x position | costume # | a variable's name ...] of (STAGE | a sprite's name))."""
    return Expr("sensing_of", {"OBJECT": of}, fields={"PROPERTY": Field(prop)})


def mouse_x() -> Expr:
    """mouse x."""
    return Expr("sensing_mousex")


def mouse_y() -> Expr:
    """mouse y."""
    return Expr("sensing_mousey")


def mouse_down() -> Expr:
    """mouse down?"""
    return Expr("sensing_mousedown", boolean=True)


def key_pressed(key: Any) -> Expr:
    """key (space | a | any | ...) pressed?"""
    return Expr("sensing_keypressed", {"KEY_OPTION": key}, boolean=True)


def set_drag_mode(mode: str) -> None:
    """set drag mode [draggable | not draggable]."""
    statement("sensing_setdragmode", {}, {"DRAG_MODE": Field(mode)})


def current(part: str) -> Expr:
    """current [YEAR | MONTH | DATE | DAYOFWEEK | HOUR | MINUTE | SECOND]."""
    return Expr("sensing_current", fields={"CURRENTMENU": Field(part)})


def days_since_2000() -> Expr:
    """days since 2000."""
    return Expr("sensing_dayssince2000")


def loudness() -> Expr:
    """loudness."""
    return Expr("sensing_loudness")


def loud() -> Expr:
    """loud? (hidden from the palette)."""
    return Expr("sensing_loud", boolean=True)


def username() -> Expr:
    """username."""
    return Expr("sensing_username")


def user_id() -> Expr:
    """user id (Scratch 2's)."""
    return Expr("sensing_userid")


# ## Sound


def start_sound(sound: Any) -> None:
    """start sound (a sound's name | a number | a reporter)."""
    statement("sound_play", {"SOUND_MENU": sound})


def play_sound_until_done(sound: Any) -> None:
    """play sound (sound) until done."""
    statement("sound_playuntildone", {"SOUND_MENU": sound})


def stop_all_sounds() -> None:
    """stop all sounds."""
    statement("sound_stopallsounds", {})


def set_sound_effect(effect: str, value: Any) -> None:
    """set [PITCH | PAN] effect to (value)."""
    statement("sound_seteffectto", {"VALUE": value}, {"EFFECT": Field(effect)})


def change_sound_effect(effect: str, change: Any) -> None:
    """change [PITCH | PAN] effect by (change)."""
    statement("sound_changeeffectby", {"VALUE": change}, {"EFFECT": Field(effect)})


def clear_sound_effects() -> None:
    """clear sound effects."""
    statement("sound_cleareffects", {})


def set_volume(volume: Any) -> None:
    """set volume to (volume) %."""
    statement("sound_setvolumeto", {"VOLUME": volume})


def change_volume(change: Any) -> None:
    """change volume by (change)."""
    statement("sound_changevolumeby", {"VOLUME": change})


def volume() -> Expr:
    """volume."""
    return Expr("sound_volume")
