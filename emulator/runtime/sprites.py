"""What motion and looks blocks do to a target, as scratch-vm's RenderedTarget does it with no renderer.

Headless there is no fencing, no size clamp and no bounds: positions are kept as given, `set size`
changes nothing (the clamp needs the costume's size, which only a renderer knows), and `if on
edge, bounce` does nothing (it needs the sprite's bounds). Directions and costume indices wrap.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from emulator import jsmath
from emulator.runtime.state import RuntimeTarget
from emulator.values import (
    RandomSource,
    Value,
    is_whitespace,
    js_clamp,
    js_number,
    js_round,
    to_string,
    wrap_clamp,
)

STAGE_WIDTH = 480.0
STAGE_HEIGHT = 360.0
MOUSE = "_mouse_"
RANDOM = "_random_"
MYSELF = "_myself_"
# The effects whose values are clamped (scratch3_looks.js clampEffect); the rest are kept as given.
EFFECT_LIMITS = {"ghost": (0.0, 100.0), "brightness": (-100.0, 100.0)}

Point = tuple[Value, Value]
"""A position as the VM holds it: numbers, or undefined (None) for the headless mouse."""

# ## Motion


def coordinate(value: Value) -> float:
    """A kept coordinate in arithmetic: undefined (after `go to mouse-pointer`) adds as NaN."""
    return math.nan if value is None else value  # type: ignore[return-value]


def set_xy(target: RuntimeTarget, x: Value, y: Value) -> None:
    """RenderedTarget.setXY without a renderer: no fence, and the stage never moves.

    A sprite whose pen is down draws a line from where it was, even to where it already is.
    """
    if not target.is_stage:
        x0, y0 = target.x, target.y
        target.x, target.y = x, y
        pen = target.pen
        if pen is not None and pen.down:
            pen.line(x0, y0, x, y)


def set_direction(target: RuntimeTarget, direction: float) -> None:
    """RenderedTarget.setDirection: a non-finite direction is ignored, the rest wraps into [-179, 181)."""
    if not target.is_stage and math.isfinite(direction):
        target.direction = wrap_clamp(direction, -179.0, 180.0)


def _radians(degrees: float) -> float:
    return degrees * math.pi / 180  # MathUtil.degToRad


def move_steps(target: RuntimeTarget, steps: float) -> None:
    """motion_movesteps: along the direction, with V8's cos and sin."""
    radians = _radians(90 - target.direction)
    dx, dy = steps * jsmath.cos(radians), steps * jsmath.sin(radians)
    set_xy(target, coordinate(target.x) + dx, coordinate(target.y) + dy)


def point_at(target: RuntimeTarget, x: Value, y: Value) -> None:
    """Turn toward a point; from the headless mouse (undefined) the direction is NaN and ignored."""
    dx, dy = coordinate(x) - coordinate(target.x), coordinate(y) - coordinate(target.y)
    set_direction(target, 90 - jsmath.atan2(dy, dx) * 180 / math.pi)


def limit_precision(value: Value) -> Value:
    """The x and y position reporters: within 1e-9 of a whole number, report the whole number."""
    # Scratch 2's snapToInteger. Math.round(-1e-10) is -0, so a tiny negative reports -0;
    # undefined (the headless mouse's position) is reported as it is.
    if value is None:
        return None
    rounded = js_round(value)  # type: ignore[arg-type]
    return rounded if abs(value - rounded) < 1e-9 else value  # type: ignore[operator]


def random_position(rng: RandomSource) -> Point:
    """A whole-number point on the stage: x drawn first, then y."""
    x = js_round(STAGE_WIDTH * (rng.random() - 0.5))
    return x, js_round(STAGE_HEIGHT * (rng.random() - 0.5))


def random_direction(rng: RandomSource) -> float:
    """`point towards random direction`: a whole direction in [-180, 180]."""
    return js_round(rng.random() * 360) - 180


def sprite_named(targets: Sequence[RuntimeTarget], name: Value) -> RuntimeTarget | None:
    """runtime.getSpriteTargetByName: the original sprite with this name (never the stage)."""
    wanted = to_string(name)
    return next((t for t in targets if not t.is_stage and t.name == wanted), None)


# ## Looks


def set_costume(target: RuntimeTarget, index: float) -> None:
    """RenderedTarget.setCostume: rounded, non-finite read as 0, then wrapped into the costumes."""
    index = js_round(index)
    if not math.isfinite(index):
        index = 0.0
    target.costume = wrap_clamp(index, 0.0, float(len(target.costumes) - 1))


def costume_name(target: RuntimeTarget) -> Value:
    """The name of the current costume (undefined if the index fell between costumes)."""
    i = target.costume
    return target.costumes[int(i)] if i == int(i) and 0 <= i < len(target.costumes) else None


def request_costume(
    target: RuntimeTarget, requested: Value, words: tuple[str, str], zero_based: bool = False
) -> bool:
    """Looks' _setCostume/_setBackdrop for everything but 'random backdrop'; False if it did nothing.

    A number is an index, 1-based unless `zero_based`. Text is a costume name first, then
    `words` (next, previous), then a 1-based number if JS reads it as one (not blank).
    """
    if type(requested) is float:
        set_costume(target, requested if zero_based else requested - 1)
        return True
    text = to_string(requested)
    if text in target.costumes:
        set_costume(target, float(target.costumes.index(text)))
    elif requested == words[0]:
        set_costume(target, target.costume + 1)
    elif requested == words[1]:
        set_costume(target, target.costume - 1)
    elif js_number(requested) == js_number(requested) and not is_whitespace(requested):
        # isNaN() reads the text with Number(): "0x2" is costume 2, " 2 " too, "" is not read.
        set_costume(target, js_number(requested) - 1)
    else:
        return False
    return True


def random_backdrop(stage: RuntimeTarget, rng: RandomSource) -> None:
    """'random backdrop': any backdrop but the current one (MathUtil.inclusiveRandIntWithout)."""
    count = len(stage.costumes)
    if count > 1:
        pick = math.floor(rng.random() * (count - 1))
        set_costume(stage, float(pick + 1 if pick >= stage.costume else pick))


def set_effect(target: RuntimeTarget, effect: str, value: float) -> None:
    """Set a graphic effect the target has, clamped for ghost and brightness."""
    if effect in target.effects:
        limits = EFFECT_LIMITS.get(effect)
        target.effects[effect] = js_clamp(value, *limits) if limits else value


def clear_effects(target: RuntimeTarget) -> None:
    """Every graphic effect back to 0 (clear graphic effects, the green flag, stop all)."""
    for effect in target.effects:
        target.effects[effect] = 0.0


def clear_sound_effects(target: RuntimeTarget) -> None:
    """Pitch and pan back to 0 (clear sound effects, the green flag, stop all)."""
    for effect in target.sound_effects:
        target.sound_effects[effect] = 0.0


# ## Layers: headless, the order of execution is the only layer order the VM keeps


def move_layers(order: list[RuntimeTarget], target: RuntimeTarget, delta: float) -> None:
    """runtime.moveExecutable: up to the front (end) or back (just above the stage) by delta places."""
    old = order.index(target)
    del order[old]
    new = old + delta
    if new > len(order):
        new = len(order)
    if new <= 0:
        new = 1 if order and order[0].is_stage else 0
    order.insert(int(new), target)  # splice truncates a fractional place toward zero


def place_behind(order: list[RuntimeTarget], target: RuntimeTarget, other: RuntimeTarget) -> None:
    """goBehindOther: the target takes the other's place, just behind it."""
    move_layers(order, target, order.index(other) - order.index(target))
