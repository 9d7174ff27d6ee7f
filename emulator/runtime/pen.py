"""The pen: each sprite's pen state as scratch3_pen keeps it, and the strokes it draws kept as vectors.

Headless the VM keeps the pen state but draws nothing (its pen layer needs a renderer), so only
the state can be checked against it; the strokes, dots and stamps here are what a renderer would
have been asked to draw, in order, in Scratch coordinates.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from emulator.values import (
    Value,
    js_clamp,
    js_floor,
    js_max,
    js_min,
    js_remainder,
    to_int32,
    to_number,
    wrap_clamp,
)

if TYPE_CHECKING:
    from emulator.runtime.state import RuntimeTarget

RGB = tuple[float, float, float]
PARAMS = ("color", "saturation", "brightness", "transparency")


@dataclass(frozen=True, slots=True)
class Stroke:
    """A line the pen drew from (x0, y0) to (x1, y1); a dot when both ends are one point."""

    x0: Value
    y0: Value
    x1: Value
    y1: Value
    rgba: tuple[float, float, float, float]  # each 0..1, as the renderer gets them
    diameter: float


@dataclass(frozen=True, slots=True)
class Stamp:
    """A sprite stamped onto the pen layer as it looked then."""

    target: str
    costume: Value
    x: Value
    y: Value
    direction: float
    size: float


Mark = Stroke | Stamp


class PenState:
    """A target's pen: up or down, its colour in Scratch's 0..100 parameters, and its size."""

    __slots__ = (
        "brightness",
        "color",
        "diameter",
        "down",
        "layer",
        "rgba",
        "saturation",
        "shade",
        "transparency",
    )

    def __init__(self, layer: list[Mark]) -> None:
        self.layer = layer  # the stage's pen layer, which every pen draws on
        self.down = False
        self.color, self.saturation, self.brightness = 66.66, 100.0, 100.0
        self.transparency = 0.0
        self.shade = 50.0  # the legacy "shade" of Scratch 2's pen blocks
        self.rgba = [0.0, 0.0, 1.0, 1.0]
        self.diameter = 1.0

    def copy(self) -> PenState:
        """The same pen, for a clone (its strokes go on the same layer)."""
        pen = PenState(self.layer)
        for name in ("down", "color", "saturation", "brightness", "transparency", "shade"):
            setattr(pen, name, getattr(self, name))
        pen.rgba, pen.diameter = list(self.rgba), self.diameter
        return pen

    def line(self, x0: Value, y0: Value, x1: Value, y1: Value) -> None:
        """Draw from one point to another with the current colour and size."""
        self.layer.append(Stroke(x0, y0, x1, y1, (*self.rgba,), self.diameter))  # type: ignore[arg-type]

    def update_rgba(self) -> None:
        """_updatePenColor: the renderer's colour from the four parameters."""
        r, g, b = hsv_to_rgb(self.color * 360 / 100, self.saturation / 100, self.brightness / 100)
        self.rgba = [r / 255.0, g / 255.0, b / 255.0, 1.0 - (self.transparency / 100.0)]


def get_pen(target: RuntimeTarget, layer: list[Mark]) -> PenState:
    """The target's pen, made with the defaults the first time a pen block needs it."""
    if target.pen is None:
        target.pen = PenState(layer)
    return target.pen


# ## Colour parameters (scratch3_pen.js)


def set_param(pen: PenState, param: Value, value: float, change: bool) -> None:
    """_setOrChangeColorParam: color wraps into [0, 101), the others clamp to 0..100."""
    if param == "color":
        pen.color = wrap_clamp(value + (pen.color if change else 0.0), 0.0, 100.0)
    elif param in PARAMS:
        name = str(param)
        setattr(pen, name, js_clamp(value + (getattr(pen, name) if change else 0.0), 0.0, 100.0))
    # An unknown parameter only logs a warning; the colour is recomputed all the same.
    pen.update_rgba()


def set_color(pen: PenState, value: Value) -> None:
    """setPenColorToColor: a "#rrggbb" text or a number 0xAARRGGBB, read back into parameters."""
    r, g, b, a = to_rgb_color(value)
    h, s, v = rgb_to_hsv(r, g, b)
    pen.color, pen.saturation, pen.brightness = (h / 360) * 100, s * 100, v * 100
    pen.transparency = 0.0 if a is None else 100 * (1 - (a / 255.0))
    pen.shade = pen.brightness / 2  # Scratch 2's way to keep the shade
    pen.update_rgba()


def set_shade(pen: PenState, shade: Value) -> None:
    """setPenShadeToNumber: the shade wraps into [0, 200) with JS `%`."""
    new = js_remainder(to_number(shade), 200.0)
    if new < 0:
        new += 200
    pen.shade = new
    legacy_update(pen)


def set_hue(pen: PenState, hue: float, change: bool) -> None:
    """setPenHueToNumber / changePenHueBy: Scratch 2's hue is twice the color parameter."""
    set_param(pen, "color", hue / 2, change)
    if not change:
        set_param(pen, "transparency", 0.0, False)
    legacy_update(pen)


def legacy_update(pen: PenState) -> None:
    """_legacyUpdatePenColor: the colour at full saturation mixed toward black or white by shade."""
    rgb: RGB = hsv_to_rgb(pen.color * 360 / 100, 1.0, 1.0)
    shade = 200 - pen.shade if pen.shade > 100 else pen.shade
    if shade < 50:
        rgb = mix_rgb((0.0, 0.0, 0.0), rgb, (10 + shade) / 60)
    else:
        rgb = mix_rgb(rgb, (255.0, 255.0, 255.0), (shade - 50) / 60)
    h, s, v = rgb_to_hsv(*rgb)
    pen.color, pen.saturation, pen.brightness = 100 * h / 360, 100 * s, 100 * v
    pen.update_rgba()


# ## util/color.js and Cast.toRgbColorObject, with JS's arithmetic

_HEX = re.compile(r"#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})", re.IGNORECASE | re.ASCII)
_SHORT_HEX = re.compile(r"#?([0-9a-f])([0-9a-f])([0-9a-f])", re.IGNORECASE | re.ASCII)


def to_rgb_color(value: Value) -> tuple[float, float, float, float | None]:
    """Cast.toRgbColorObject: (r, g, b, alpha or None when the colour has none)."""
    if isinstance(value, str) and value[:1] == "#":
        short = _SHORT_HEX.fullmatch(value)
        text = "".join(c + c for c in short.groups()) if short else value
        found = _HEX.fullmatch(text)
        if found is None:
            return 0.0, 0.0, 0.0, 255.0  # not really a hex colour: black
        r, g, b = (float(int(part, 16)) for part in found.groups())
        return r, g, b, None
    n = to_int32(to_number(value))
    alpha = (n >> 24) & 0xFF
    return float((n >> 16) & 0xFF), float((n >> 8) & 0xFF), float(n & 0xFF), float(alpha or 255)


def hsv_to_rgb(h: float, s: float, v: float) -> RGB:
    """Color.hsvToRgb: h in degrees (JS `%` keeps NaN), s and v clamped, channels floored to 0..255."""
    h = js_remainder(h, 360.0)
    if h < 0:
        h += 360
    s, v = js_max(0.0, js_min(s, 1.0)), js_max(0.0, js_min(v, 1.0))
    i = js_floor(h / 60)
    f = (h / 60) - i
    p, q, t = v * (1 - s), v * (1 - (s * f)), v * (1 - (s * (1 - f)))
    # A NaN hue matches no case and falls to the first, as the switch's default does.
    r, g, b = {1.0: (q, v, p), 2.0: (p, v, t), 3.0: (p, q, v), 4.0: (t, p, v), 5.0: (v, p, q)}.get(
        i, (v, t, p)
    )
    return js_floor(r * 255), js_floor(g * 255), js_floor(b * 255)


def rgb_to_hsv(r: float, g: float, b: float) -> RGB:
    """Color.rgbToHsv: h in degrees (0 for greys), s and v in 0..1."""
    r, g, b = r / 255, g / 255, b / 255
    x, v = js_min(js_min(r, g), b), js_max(js_max(r, g), b)
    if x == v:  # greys; NaN is never equal, as in JS
        return 0.0, 0.0, v
    f = g - b if r == x else (b - r if g == x else r - g)
    i = 3 if r == x else (5 if g == x else 1)
    return js_remainder((i - (f / (v - x))) * 60, 360.0), (v - x) / v, v


def mix_rgb(rgb0: RGB, rgb1: RGB, fraction1: float) -> RGB:
    """Color.mixRgb: a blend of two colours (unfloored)."""
    if fraction1 <= 0:
        return rgb0
    if fraction1 >= 1:
        return rgb1
    fraction0 = 1 - fraction1
    r0, g0, b0 = rgb0
    r1, g1, b1 = rgb1
    return (
        (fraction0 * r0) + (fraction1 * r1),
        (fraction0 * g0) + (fraction1 * g1),
        (fraction0 * b0) + (fraction1 * b1),
    )


def clamp_size(size: float) -> float:
    """The pen's diameter stays within 1..1200."""
    return js_clamp(size, 1.0, 1200.0)


# ## The layer as a picture


def to_svg(marks: list[Mark]) -> str:
    """The pen layer as SVG on the 480x360 stage: strokes as round-capped lines, stamps as labels."""
    out = [
        '<svg xmlns="http://www.w3.org/2000/svg" width="480" height="360" viewBox="-240 -180 480 360">'
    ]
    for mark in marks:
        if isinstance(mark, Stroke):
            coords = [_coordinate(c) for c in (mark.x0, mark.y0, mark.x1, mark.y1)]
            if not all(math.isfinite(c) for c in coords) or not math.isfinite(mark.diameter):
                continue  # a line to NaN or Infinity draws nothing
            x0, y0, x1, y1 = coords
            r, g, b, a = (0.0 if c != c else c for c in mark.rgba)
            out.append(
                f'<line x1="{x0:g}" y1="{-y0:g}" x2="{x1:g}" y2="{-y1:g}" '
                f'stroke="rgb({r * 255:.0f},{g * 255:.0f},{b * 255:.0f})" stroke-opacity="{a:g}" '
                f'stroke-width="{mark.diameter:g}" stroke-linecap="round"/>'
            )
        else:
            x, y = _coordinate(mark.x), _coordinate(mark.y)
            if math.isfinite(x) and math.isfinite(y):
                label = _xml(f"{mark.target}: {mark.costume}")
                out.append(f'<text x="{x:g}" y="{-y:g}" font-size="8">{label}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _coordinate(value: Value) -> float:
    return value if type(value) is float else math.nan


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_pixels(marks: list[Mark], columns: int, rows: int) -> list[list[RGB | None]]:
    """The pen layer sampled on a grid over the 480x360 stage, top row first: each cell's colour or None.

    A cell takes the colour of the last stroke that comes within half a cell of its centre, so a
    line thinner than a cell still shows. Stamps are left out (they need the costume's picture).
    """
    grid: list[list[RGB | None]] = [[None] * columns for _ in range(rows)]
    for mark in marks:
        if isinstance(mark, Stroke):
            rgb = (mark.rgba[0], mark.rgba[1], mark.rgba[2])
            for row, col in stroke_cells(mark, columns, rows):
                grid[row][col] = rgb
    return grid


def stroke_cells(mark: Stroke, columns: int, rows: int) -> Iterator[tuple[int, int]]:
    """The (row, column) cells of a columns x rows grid over the stage that a stroke covers."""
    if mark.rgba[3] <= 0:
        return
    coords = [_coordinate(c) for c in (mark.x0, mark.y0, mark.x1, mark.y1)]
    if not all(math.isfinite(c) for c in coords) or not math.isfinite(mark.diameter):
        return
    x0, y0, x1, y1 = coords
    cell_w, cell_h = 480 / columns, 360 / rows
    reach = mark.diameter / 2 + max(cell_w, cell_h) / 2
    first_col = max(0, int((min(x0, x1) - reach + 240) / cell_w))
    last_col = min(columns - 1, int((max(x0, x1) + reach + 240) / cell_w))
    first_row = max(0, int((180 - max(y0, y1) - reach) / cell_h))
    last_row = min(rows - 1, int((180 - min(y0, y1) + reach) / cell_h))
    for row in range(first_row, last_row + 1):
        y = 180 - (row + 0.5) * cell_h
        for col in range(first_col, last_col + 1):
            x = (col + 0.5) * cell_w - 240
            if _distance_to_segment(x, y, x0, y0, x1, y1) <= reach:
                yield row, col


def _distance_to_segment(x: float, y: float, x0: float, y0: float, x1: float, y1: float) -> float:
    dx, dy = x1 - x0, y1 - y0
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, ((x - x0) * dx + (y - y0) * dy) / length))
    return math.hypot(x - (x0 + t * dx), y - (y0 + t * dy))
