"""motion_* blocks: position and direction as the VM keeps them with no renderer (no fence, no bounds)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.project import Block
from emulator.runtime.nodes import Reporter, Run
from emulator.runtime.sprites import (
    MOUSE,
    RANDOM,
    Point,
    coordinate,
    limit_precision,
    move_steps,
    point_at,
    random_direction,
    random_position,
    set_direction,
    set_xy,
    sprite_named,
)
from emulator.runtime.thread import NEXT, YIELD, Frame, Thread
from emulator.values import Value, to_number

if TYPE_CHECKING:
    from emulator.runtime.linker import Linker
    from emulator.runtime.runtime import Runtime


def _where(rt: Runtime, name: Value) -> Point | None:
    """getTargetXY: the mouse (undefined headless), a random point, or a sprite's position."""
    if name == MOUSE:
        mouse = rt.devices.mouse  # undefined until input moves it
        return mouse.x, mouse.y
    if name == RANDOM:
        return random_position(rt.rng)
    sprite = sprite_named(rt.targets, name)
    return (sprite.x, sprite.y) if sprite is not None else None


# ## Moving and turning


def motion_movesteps(linker: Linker, block: Block) -> Run:
    steps, target = linker.input(block, "STEPS"), linker.target

    def run(t: Thread, f: Frame) -> int:
        move_steps(target, to_number(steps(t)))
        return NEXT

    return run


def _turn(linker: Linker, block: Block, sign: float) -> Run:
    degrees, target = linker.input(block, "DEGREES"), linker.target

    def run(t: Thread, f: Frame) -> int:
        set_direction(target, target.direction + sign * to_number(degrees(t)))
        return NEXT

    return run


def motion_turnright(linker: Linker, block: Block) -> Run:
    return _turn(linker, block, 1.0)


def motion_turnleft(linker: Linker, block: Block) -> Run:
    return _turn(linker, block, -1.0)


def motion_pointindirection(linker: Linker, block: Block) -> Run:
    direction, target = linker.input(block, "DIRECTION"), linker.target

    def run(t: Thread, f: Frame) -> int:
        set_direction(target, to_number(direction(t)))
        return NEXT

    return run


def motion_pointtowards(linker: Linker, block: Block) -> Run:
    towards, rt, target = linker.input(block, "TOWARDS"), linker.rt, linker.target

    def run(t: Thread, f: Frame) -> int:
        name = towards(t)
        if name == RANDOM:
            set_direction(target, random_direction(rt.rng))
            return NEXT
        if name == MOUSE:
            # Until input moves the mouse it has no position: the direction is NaN, and ignored.
            point_at(target, rt.devices.mouse.x, rt.devices.mouse.y)
            return NEXT
        sprite = sprite_named(rt.targets, name)
        if sprite is not None:
            point_at(target, sprite.x, sprite.y)
        return NEXT

    return run


def motion_ifonedgebounce(linker: Linker, block: Block) -> Run:
    # Without a renderer a sprite has no bounds, and the VM's bounce returns at once.
    return lambda t, f: NEXT


def motion_setrotationstyle(linker: Linker, block: Block) -> Run:
    style, target = linker.field(block, "STYLE"), linker.target

    def run(t: Thread, f: Frame) -> int:
        if style in ("all around", "left-right", "don't rotate"):
            target.rotation_style = style  # type: ignore[assignment]
        return NEXT

    return run


# ## Going places


def motion_gotoxy(linker: Linker, block: Block) -> Run:
    x, y, target = linker.input(block, "X"), linker.input(block, "Y"), linker.target

    def run(t: Thread, f: Frame) -> int:
        set_xy(target, to_number(x(t)), to_number(y(t)))
        return NEXT

    return run


def motion_goto(linker: Linker, block: Block) -> Run:
    to, rt, target = linker.input(block, "TO"), linker.rt, linker.target

    def run(t: Thread, f: Frame) -> int:
        point = _where(rt, to(t))
        if point is not None:
            set_xy(target, *point)
        return NEXT

    return run


def _change(linker: Linker, block: Block, name: str, axis: int) -> Run:
    delta, target = linker.input(block, name), linker.target

    def run(t: Thread, f: Frame) -> int:
        d = to_number(delta(t))
        if axis == 0:
            set_xy(target, coordinate(target.x) + d, target.y)
        else:
            set_xy(target, target.x, coordinate(target.y) + d)
        return NEXT

    return run


def motion_changexby(linker: Linker, block: Block) -> Run:
    return _change(linker, block, "DX", 0)


def motion_changeyby(linker: Linker, block: Block) -> Run:
    return _change(linker, block, "DY", 1)


def motion_setx(linker: Linker, block: Block) -> Run:
    x, target = linker.input(block, "X"), linker.target

    def run(t: Thread, f: Frame) -> int:
        set_xy(target, to_number(x(t)), target.y)
        return NEXT

    return run


def motion_sety(linker: Linker, block: Block) -> Run:
    y, target = linker.input(block, "Y"), linker.target

    def run(t: Thread, f: Frame) -> int:
        set_xy(target, target.x, to_number(y(t)))
        return NEXT

    return run


# ## Gliding: timed on the frame clock, one position per re-check


def _glide(rt: Runtime, t: Thread, f: Frame, secs: Value, x: Value, y: Value, idle: bool) -> int:
    """One execution of a glide: start it, move along it, or arrive."""
    target = t.target
    if f.state is None:
        duration, end = to_number(secs), (to_number(x), to_number(y))
        if duration <= 0:
            set_xy(target, *end)
            return NEXT
        f.state = (rt.now_ms, duration * 1000, coordinate(target.x), coordinate(target.y), *end)
        return YIELD
    started, ms, x0, y0, x1, y1 = f.state
    elapsed = rt.now_ms - started
    if elapsed >= ms:
        set_xy(target, x1, y1)
        return NEXT
    frac = elapsed / ms
    set_xy(target, x0 + frac * (x1 - x0), y0 + frac * (y1 - y0))
    t.idle = idle  # within a frame the clock stands still: a re-check moves nowhere new
    return YIELD


def motion_glidesecstoxy(linker: Linker, block: Block) -> Run:
    secs, x, y = (linker.input(block, n) for n in ("SECS", "X", "Y"))
    rt, idle = linker.rt, not linker.draws_random(block)

    def run(t: Thread, f: Frame) -> int:
        return _glide(rt, t, f, secs(t), x(t), y(t), idle)

    return run


def motion_glideto(linker: Linker, block: Block) -> Run:
    secs, to, rt = linker.input(block, "SECS"), linker.input(block, "TO"), linker.rt
    # Every execution looks the place up again, so a glide to a random position draws two
    # numbers on each re-check: those are not idle.
    idle = not linker.draws_random(block) and linker.constant(block, "TO")[1] != RANDOM

    def run(t: Thread, f: Frame) -> int:
        seconds, point = secs(t), _where(rt, to(t))
        if point is None:
            return NEXT
        return _glide(rt, t, f, seconds, point[0], point[1], idle)

    return run


# ## Reporters


def motion_xposition(linker: Linker, block: Block) -> Reporter:
    target = linker.target
    return lambda t: limit_precision(target.x)


def motion_yposition(linker: Linker, block: Block) -> Reporter:
    target = linker.target
    return lambda t: limit_precision(target.y)


def motion_direction(linker: Linker, block: Block) -> Reporter:
    target = linker.target
    return lambda t: target.direction
