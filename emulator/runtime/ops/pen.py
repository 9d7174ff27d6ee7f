"""pen_* blocks: each sprite's pen state as the VM keeps it, and its strokes kept on the runtime's pen layer."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from emulator.project import Block
from emulator.runtime.nodes import Run
from emulator.runtime.pen import (
    PenState,
    Stamp,
    clamp_size,
    get_pen,
    set_color,
    set_hue,
    set_param,
    set_shade,
)
from emulator.runtime.sprites import costume_name
from emulator.runtime.thread import NEXT, Frame, Thread
from emulator.values import Value, to_number

if TYPE_CHECKING:
    from emulator.runtime.linker import Linker


def _with_pen(
    linker: Linker, block: Block, name: str | None, act: Callable[[PenState, Value], None]
) -> Run:
    """A block that reads one input (or none) and does something to the sprite's pen."""
    value = linker.input(block, name) if name is not None else None
    target, layer = linker.target, linker.rt.pen_layer

    def run(t: Thread, f: Frame) -> int:
        v = value(t) if value is not None else None
        act(get_pen(target, layer), v)
        return NEXT

    return run


def pen_clear(linker: Linker, block: Block) -> Run:
    layer = linker.rt.pen_layer

    def run(t: Thread, f: Frame) -> int:
        layer.clear()
        return NEXT

    return run


def pen_stamp(linker: Linker, block: Block) -> Run:
    target, layer = linker.target, linker.rt.pen_layer

    def run(t: Thread, f: Frame) -> int:
        layer.append(
            Stamp(
                target.name, costume_name(target), target.x, target.y, target.direction, target.size
            )
        )
        return NEXT

    return run


def _down(pen: PenState, _: Value, target_xy: Callable[[], tuple[Value, Value]]) -> None:
    pen.down = True
    x, y = target_xy()
    pen.line(x, y, x, y)  # a dot where the pen goes down


def pen_penDown(linker: Linker, block: Block) -> Run:
    target = linker.target
    return _with_pen(
        linker, block, None, lambda pen, v: _down(pen, v, lambda: (target.x, target.y))
    )


def pen_penUp(linker: Linker, block: Block) -> Run:
    return _with_pen(linker, block, None, lambda pen, v: setattr(pen, "down", False))


def pen_setPenColorToColor(linker: Linker, block: Block) -> Run:
    return _with_pen(linker, block, "COLOR", set_color)


def _param(linker: Linker, block: Block, change: bool) -> Run:
    param = linker.input(block, "COLOR_PARAM")
    value, target, layer = linker.input(block, "VALUE"), linker.target, linker.rt.pen_layer

    def run(t: Thread, f: Frame) -> int:
        which, v = param(t), to_number(value(t))
        set_param(get_pen(target, layer), which, v, change)
        return NEXT

    return run


def pen_changePenColorParamBy(linker: Linker, block: Block) -> Run:
    return _param(linker, block, True)


def pen_setPenColorParamTo(linker: Linker, block: Block) -> Run:
    return _param(linker, block, False)


def _size(pen: PenState, size: Value, change: bool) -> None:
    n = to_number(size)
    pen.diameter = clamp_size(pen.diameter + n if change else n)


def pen_changePenSizeBy(linker: Linker, block: Block) -> Run:
    return _with_pen(linker, block, "SIZE", lambda pen, v: _size(pen, v, True))


def pen_setPenSizeTo(linker: Linker, block: Block) -> Run:
    return _with_pen(linker, block, "SIZE", lambda pen, v: _size(pen, v, False))


# ## Scratch 2's hue and shade


def pen_setPenShadeToNumber(linker: Linker, block: Block) -> Run:
    return _with_pen(linker, block, "SHADE", set_shade)


def _change_shade(pen: PenState, change: Value) -> None:
    # The sum goes through Cast.toNumber again, so a NaN shade starts again from 0.
    set_shade(pen, pen.shade + to_number(change))


def pen_changePenShadeBy(linker: Linker, block: Block) -> Run:
    return _with_pen(linker, block, "SHADE", _change_shade)


def pen_setPenHueToNumber(linker: Linker, block: Block) -> Run:
    return _with_pen(linker, block, "HUE", lambda pen, v: set_hue(pen, to_number(v), False))


def pen_changePenHueBy(linker: Linker, block: Block) -> Run:
    return _with_pen(linker, block, "HUE", lambda pen, v: set_hue(pen, to_number(v), True))
