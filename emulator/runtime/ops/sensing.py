"""sensing_* blocks as the VM answers them headless: no renderer, io devices fed by injected input."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from emulator.project import Block
from emulator.runtime.devices import calendar, days_since_2000
from emulator.runtime.nodes import Reporter, Run
from emulator.runtime.sprites import MOUSE, coordinate, costume_name, sprite_named
from emulator.runtime.state import RuntimeTarget
from emulator.runtime.thread import END_TURN, NEXT, Frame, Thread
from emulator.values import Value, js_lower, to_string

if TYPE_CHECKING:
    from emulator.runtime.linker import Linker
    from emulator.runtime.runtime import Runtime

STAGE = "_stage_"
FAR = 10000.0  # distanceTo from the stage, or to a sprite that does not exist

# ## Timer and questions


def sensing_timer(linker: Linker, block: Block) -> Reporter:
    rt = linker.rt
    return lambda t: (rt.now_ms - rt.timer_start_ms) / 1000.0


def sensing_resettimer(linker: Linker, block: Block) -> Run:
    rt = linker.rt

    def run(t: Thread, f: Frame) -> int:
        rt.timer_start_ms = rt.now_ms
        return NEXT

    return run


def sensing_answer(linker: Linker, block: Block) -> Reporter:
    rt = linker.rt
    return lambda t: rt.questions.answer


def sensing_askandwait(linker: Linker, block: Block) -> Run:
    question, rt, block_id = linker.input(block, "QUESTION"), linker.rt, block.id

    def run(t: Thread, f: Frame) -> int:
        rt.ask(t, block_id, question(t))
        return END_TURN

    return run


# ## Touching: headless the VM has no renderer, so nothing ever touches


def _never(linker: Linker, block: Block, *names: str) -> Reporter:
    inputs = [linker.input(block, n) for n in names]

    def report(t: Thread) -> Value:
        for value in inputs:
            value(t)  # a reporter in the slot still runs
        return False

    return report


def sensing_touchingobject(linker: Linker, block: Block) -> Reporter:
    return _never(linker, block, "TOUCHINGOBJECTMENU")


def sensing_touchingcolor(linker: Linker, block: Block) -> Reporter:
    return _never(linker, block, "COLOR")


def sensing_coloristouchingcolor(linker: Linker, block: Block) -> Reporter:
    return _never(linker, block, "COLOR", "COLOR2")


# ## Distance and attributes


def sensing_distanceto(linker: Linker, block: Block) -> Reporter:
    menu, rt, target = linker.input(block, "DISTANCETOMENU"), linker.rt, linker.target

    def report(t: Thread) -> Value:
        name = menu(t)
        if target.is_stage:
            return FAR
        if name == MOUSE:
            x, y = rt.devices.mouse.x, rt.devices.mouse.y
        else:
            other = sprite_named(rt.targets, name)
            if other is None:
                return FAR
            x, y = other.x, other.y
        dx = coordinate(target.x) - coordinate(x)
        dy = coordinate(target.y) - coordinate(y)
        return math.sqrt(dx * dx + dy * dy)

    return report


def sensing_of(linker: Linker, block: Block) -> Reporter:
    menu, rt = linker.input(block, "OBJECT"), linker.rt
    prop = to_string(linker.field(block, "PROPERTY"))

    def report(t: Thread) -> Value:
        name = menu(t)
        found = rt.stage if name == STAGE else sprite_named(rt.targets, name)
        return 0.0 if found is None else attribute_of(found, prop)

    return report


_STAGE_ATTRIBUTES = {
    "background #": lambda s: s.costume + 1,  # Scratch 1.4's name
    "backdrop #": lambda s: s.costume + 1,
    "backdrop name": costume_name,
    "volume": lambda s: s.volume,
}
_SPRITE_ATTRIBUTES = {
    "x position": lambda s: s.x,
    "y position": lambda s: s.y,
    "direction": lambda s: s.direction,
    "costume #": lambda s: s.costume + 1,
    "costume name": costume_name,
    "size": lambda s: s.size,
    "volume": lambda s: s.volume,
}


def attribute_of(target: RuntimeTarget, prop: str) -> Value:
    """getAttributeOf: a built-in attribute, else the target's own variable of that name, else 0."""
    table = _STAGE_ATTRIBUTES if target.is_stage else _SPRITE_ATTRIBUTES
    if prop in table:
        return table[prop](target)  # type: ignore[no-any-return]
    # lookupVariableByNameAndType(name, '', skipStage): the target's own scalars, exact name.
    for cell in target.variables.values():
        if cell.name == prop:
            return cell.value
    return 0.0


# ## Mouse and keyboard


def sensing_mousex(linker: Linker, block: Block) -> Reporter:
    mouse = linker.rt.devices.mouse
    return lambda t: mouse.x


def sensing_mousey(linker: Linker, block: Block) -> Reporter:
    mouse = linker.rt.devices.mouse
    return lambda t: mouse.y


def sensing_mousedown(linker: Linker, block: Block) -> Reporter:
    mouse = linker.rt.devices.mouse
    return lambda t: mouse.down


def sensing_keypressed(linker: Linker, block: Block) -> Reporter:
    key, keyboard = linker.input(block, "KEY_OPTION"), linker.rt.devices.keyboard
    return lambda t: keyboard.is_down(key(t))


def sensing_setdragmode(linker: Linker, block: Block) -> Run:
    mode, target = linker.field(block, "DRAG_MODE"), linker.target

    def run(t: Thread, f: Frame) -> int:
        if not target.is_stage:
            target.draggable = mode == "draggable"
        return NEXT

    return run


# ## Date, sound level and user


def _now(rt: Runtime) -> float:
    """The wall clock the blocks read: the virtual date at the flag plus the frame clock."""
    return rt.devices.date_ms + rt.now_ms


def sensing_current(linker: Linker, block: Block) -> Reporter:
    part, rt = js_lower(to_string(linker.field(block, "CURRENTMENU"))), linker.rt
    return lambda t: calendar(_now(rt), part)


def sensing_dayssince2000(linker: Linker, block: Block) -> Reporter:
    rt = linker.rt
    return lambda t: days_since_2000(_now(rt))


def sensing_loudness(linker: Linker, block: Block) -> Reporter:
    # Headless there is no audio engine: getLoudness reports -1.
    return lambda t: -1.0


def sensing_loud(linker: Linker, block: Block) -> Reporter:
    return lambda t: False  # loudness (-1) > 10


def sensing_username(linker: Linker, block: Block) -> Reporter:
    rt = linker.rt
    return lambda t: rt.devices.username


def sensing_userid(linker: Linker, block: Block) -> Reporter:
    return lambda t: None  # Scratch 2's block: the VM's no-op reports undefined
