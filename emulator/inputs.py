"""Injected input: key presses, clicks and mouse moves at virtual times, as the editor's io devices post them.

Spellings (times in virtual seconds since the green flag):

    --key space@1.5        press space at 1.5 s and let go 0.1 s later
    --key a@1-2.5          hold "a" from 1 s to 2.5 s
    --click Sprite1@2      click Sprite1 at 2 s (the stage: --click stage@2)
    --mouse 10,-20@0       move the mouse to x 10, y -20 at 0 s

A post is delivered before the first frame whose clock has reached its time. A click happens where
the mouse was last moved (the centre of the stage if it never was).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from emulator.errors import ProgramError

TAP_SECONDS = 0.1  # how long a key tap or a click holds its button down
CANVAS = (480, 360)
STAGE = "_stage_"
_KEYS = {
    "space": " ",
    "enter": "Enter",
    "left": "ArrowLeft",
    "right": "ArrowRight",
    "up": "ArrowUp",
    "down": "ArrowDown",
    "left arrow": "ArrowLeft",
    "right arrow": "ArrowRight",
    "up arrow": "ArrowUp",
    "down arrow": "ArrowDown",
}
_TIME = r"(\d+(?:\.\d*)?|\.\d+)"
_AT = re.compile(rf"(?P<what>.+)@{_TIME}(?:-{_TIME})?")
_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)"
_POINT = re.compile(rf"({_NUMBER}),({_NUMBER})")


@dataclass(frozen=True, slots=True)
class Post:
    """One post to an io device at a virtual time: what the editor sends the VM's postIOData."""

    at: float  # seconds since the flag
    device: str  # "keyboard" or "mouse"
    data: tuple[tuple[str, Any], ...]  # the posted object, as (key, value) pairs
    pick: str | None = None  # a mouse button post: the target a renderer would pick there

    @property
    def due_ms(self) -> float:
        """The frame clock (ms) at which it is delivered."""
        return self.at * 1000

    def fields(self) -> dict[str, Any]:
        """The posted object."""
        return dict(self.data)

    def to_json(self) -> dict[str, Any]:
        """The form the VM runner reads."""
        out: dict[str, Any] = {"at": self.at, "device": self.device, "data": self.fields()}
        if self.pick is not None:
            out["pick"] = self.pick
        return out


class InputSpellingError(ProgramError):
    """An injected input spelled wrongly (a usage error)."""


def _split(spec: str, example: str) -> tuple[str, float, float | None]:
    found = _AT.fullmatch(spec)
    if found is None:
        raise InputSpellingError(f"{spec!r}: expected {example}")
    start = float(found.group(2))
    end = float(found.group(3)) if found.group(3) is not None else None
    if not math.isfinite(start) or (end is not None and not (math.isfinite(end) and end > start)):
        raise InputSpellingError(f"{spec!r}: the times must be finite, the end after the start")
    return found.group("what"), start, end


def browser_key(name: str) -> str:
    """The key a browser reports for a key as people name it (space, left, a, 7)."""
    if name.lower() in _KEYS:
        return _KEYS[name.lower()]
    if len(name) == 1 and name.isprintable() and name != " ":
        return name
    raise InputSpellingError(
        f"{name!r}: a key is one character, space, enter, left, right, up or down"
    )


def key_posts(spec: str) -> list[Post]:
    """--key KEY@T (a tap) or KEY@T1-T2 (held): the key going down, then up."""
    what, start, end = _split(spec, "KEY@SECONDS or KEY@START-END, e.g. space@1.5")
    key = browser_key(what)
    up = end if end is not None else start + TAP_SECONDS
    return [
        Post(start, "keyboard", (("key", key), ("isDown", True))),
        Post(up, "keyboard", (("key", key), ("isDown", False))),
    ]


def mouse_post(spec: str) -> Post:
    """--mouse X,Y@T: the mouse moves to a stage point."""
    what, start, end = _split(spec, "X,Y@SECONDS, e.g. 10,-20@0")
    point = _POINT.fullmatch(what)
    if point is None or end is not None:
        raise InputSpellingError(f"{spec!r}: expected X,Y@SECONDS, e.g. 10,-20@0")
    x, y = float(point.group(1)), float(point.group(2))
    return Post(start, "mouse", _client(x, y))


def click_posts(spec: str, moves: Iterable[Post] = ()) -> list[Post]:
    """--click TARGET@T: the button goes down on the target, and up 0.1 s later, where the mouse is."""
    what, start, end = _split(spec, "SPRITE@SECONDS or stage@SECONDS, e.g. Sprite1@2")
    if end is not None:
        raise InputSpellingError(f"{spec!r}: a click takes one time, e.g. Sprite1@2")
    pick = STAGE if what == "stage" else what
    before = [m for m in moves if m.at <= start]
    where = before[-1].data if before else _client(0.0, 0.0)
    return [
        Post(start, "mouse", (*where, ("isDown", True)), pick),
        Post(start + TAP_SECONDS, "mouse", (*where, ("isDown", False)), pick),
    ]


def _client(x: float, y: float) -> tuple[tuple[str, Any], ...]:
    # The GUI posts the pointer in canvas pixels; at 480x360 a pixel is a stage unit.
    width, height = CANVAS
    return (
        ("x", x + width / 2),
        ("y", height / 2 - y),
        ("canvasWidth", width),
        ("canvasHeight", height),
    )


def parse_inputs(
    keys: Iterable[str] = (), clicks: Iterable[str] = (), mice: Iterable[str] = ()
) -> tuple[Post, ...]:
    """Every post the options spell, in time order (at one time: moves, then clicks, then keys)."""
    moves = sorted((mouse_post(m) for m in mice), key=lambda p: p.at)
    posts = [*moves]
    for c in clicks:
        posts.extend(click_posts(c, moves))
    for k in keys:
        posts.extend(key_posts(k))
    return tuple(sorted(posts, key=lambda p: p.at))


def posts_from_json(items: Any) -> tuple[Post, ...]:
    """Posts read back from their JSON form (a trace's header); InputSpellingError if malformed."""
    if not isinstance(items, list | tuple):
        raise InputSpellingError(f"recorded input is not a list: {str(items)[:80]!r}")
    return tuple(_post_from_json(i) for i in items)


def _post_from_json(item: Any) -> Post:
    ok = (
        isinstance(item, Mapping)
        and isinstance(item.get("at"), int | float)
        and not isinstance(item.get("at"), bool)
        and math.isfinite(item["at"])
        and item.get("device") in ("keyboard", "mouse")
        and isinstance(item.get("data"), Mapping)
        and all(isinstance(v, str | int | float | bool) for v in item["data"].values())
        and isinstance(item.get("pick", ""), str)
    )
    if not ok:
        raise InputSpellingError(f"recorded input is malformed: {str(item)[:80]!r}")
    return Post(float(item["at"]), item["device"], tuple(item["data"].items()), item.get("pick"))
