"""The io devices a headless VM keeps: keyboard, mouse, user name and a virtual calendar clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from emulator.values import Value, js_round, key_arg_to_scratch_key, key_string_to_scratch_key

STAGE_CANVAS = (480.0, 360.0)  # the canvas size injected mouse posts are measured on
DEFAULT_DATE = "2025-01-01T00:00:00Z"  # what `current` and `days since 2000` read at the flag
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_Y2K_MS = 946_684_800_000.0  # Date.UTC(2000, 0, 1)
MS_PER_DAY = 24 * 60 * 60 * 1000


def parse_date(text: str) -> float:
    """An ISO 8601 date and time (UTC unless it names an offset) as milliseconds since 1970."""
    when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return float((when - _EPOCH) // dt.timedelta(milliseconds=1))


class Keyboard:
    """io/keyboard.js: the keys held down, in the order they went down, by their Scratch names."""

    def __init__(self, on_press: Callable[[str], None]) -> None:
        self.pressed: list[str] = []
        self._on_press = on_press

    def post(self, key: str, down: bool) -> None:
        """A key went down or up (`key` as a browser names it: " ", "ArrowLeft", "a")."""
        name = key_string_to_scratch_key(key)
        if not name:
            return
        if down:
            self._on_press(name)  # every key down starts the key hats, held or not
            if name not in self.pressed:
                self.pressed.append(name)
        elif name in self.pressed:
            self.pressed.remove(name)

    def is_down(self, key: Value) -> bool:
        """`key () pressed?`: "any" is any key; a number is read as a character code."""
        if key == "any":
            return bool(self.pressed)
        return key_arg_to_scratch_key(key) in self.pressed


class Mouse:
    """io/mouse.js: no position until a post gives one, and the click hats of the target picked.

    Headless the VM picks the stage for every click; an injected click names the target a
    renderer would have picked.
    """

    def __init__(self, on_click: Callable[[Any], None]) -> None:
        self.x: Value = None  # undefined until a post moves the mouse
        self.y: Value = None
        self.client_x: Value = None
        self.client_y: Value = None
        self.down = False
        self._on_click = on_click

    def post(self, data: dict[str, Any], picked: Any) -> None:
        """A mouse post: client x and y on the canvas, and maybe the button's new state."""
        width, height = STAGE_CANVAS
        cx, cy = data.get("x"), data.get("y")
        # `if (data.x)`: 0 (and NaN) is falsy, so a post at the canvas's left or top edge moves nothing.
        if cx is not None and _truthy(cx):
            self.client_x = cx
            self.x = js_round(min(max(480 * (cx / width - 0.5), -240.0), 240.0))
        if cy is not None and _truthy(cy):
            self.client_y = cy
            self.y = js_round(min(max(-360 * (cy / height - 0.5), -180.0), 180.0))
        if "isDown" not in data:
            return
        was, self.down = self.down, bool(data["isDown"])
        if was == self.down or data.get("wasDragged"):
            return
        if cx is None or cy is None or not (0 < cx < width and 0 < cy < height):
            return
        # A draggable target's click hats start on the button going up, the others' on it going down.
        if picked.draggable != self.down:
            self._on_click(picked)


def _truthy(value: Any) -> bool:
    return bool(value) and value == value


@dataclass
class Devices:
    """Every device of one run, and the calendar: `date_ms` is the wall clock at the flag."""

    keyboard: Keyboard
    mouse: Mouse
    username: str = ""
    date_ms: float = field(default_factory=lambda: parse_date(DEFAULT_DATE))


def calendar(now_ms: float, part: str) -> float:
    """`current [part]` at `now_ms` (ms since 1970), in UTC; 0 for a part it does not know."""
    when = _EPOCH + dt.timedelta(milliseconds=now_ms)
    parts = {
        "year": when.year,
        "month": when.month,
        "date": when.day,
        "dayofweek": when.isoweekday() % 7 + 1,  # Sunday is 1
        "hour": when.hour,
        "minute": when.minute,
        "second": when.second,
    }
    return float(parts.get(part, 0))


def days_since_2000(now_ms: float) -> float:
    """`days since 2000` in UTC: whole and fractional days since 2000-01-01 00:00."""
    return (now_ms - _Y2K_MS) / MS_PER_DAY
