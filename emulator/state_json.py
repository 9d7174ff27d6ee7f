"""The final state of a run as JSON: Scratch types kept, with {"$n": ...} for what JSON cannot hold."""

from __future__ import annotations

import math
from typing import Any

from emulator.runtime.pen import PenState
from emulator.runtime.runtime import Runtime
from emulator.runtime.sprites import costume_name
from emulator.runtime.state import RuntimeTarget
from emulator.values import Value


def encode_value(value: Value) -> Any:
    """A Scratch value as JSON: numbers, strings and booleans as themselves; the rest tagged."""
    if value is None:
        return {"$undefined": True}
    if type(value) is not float:
        return value
    if math.isnan(value):
        return {"$n": "NaN"}
    if math.isinf(value):
        return {"$n": "Infinity" if value > 0 else "-Infinity"}
    if value == 0 and math.copysign(1.0, value) < 0:
        return {"$n": "-0"}
    if value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def decode_value(value: Any) -> Value:
    """The inverse of encode_value; every JSON number becomes a float."""
    if isinstance(value, dict):
        if value.get("$undefined"):
            return None
        return {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf, "-0": -0.0}[
            value["$n"]
        ]
    if isinstance(value, bool | str):
        return value
    return float(value)


# A sprite's looks and place, as the VM keeps them: the values that are Scratch numbers.
_LOOKS_NUMBERS = ("x", "y", "direction", "size", "costume", "volume")
# The pen's numbers, dumped only for a target that used a pen block (the VM makes its state then).
_PEN_NUMBERS = ("color", "saturation", "brightness", "transparency", "shade", "size")


def _target_data(target: RuntimeTarget) -> dict[str, Any]:
    return {
        "variables": {c.name: encode_value(c.value) for c in target.variables.values()},
        "lists": {c.name: [encode_value(v) for v in c.items] for c in target.lists.values()},
    }


def _effects(target: RuntimeTarget) -> dict[str, Any]:
    return {name: encode_value(v) for name, v in target.effects.items()}


def _pen(pen: PenState) -> dict[str, Any]:
    return {
        "down": pen.down,
        **{k: encode_value(getattr(pen, k)) for k in _PEN_NUMBERS if k != "size"},
        "size": encode_value(pen.diameter),
        "rgba": [encode_value(c) for c in pen.rgba],
    }


def _sprite_data(runtime: Runtime, target: RuntimeTarget) -> dict[str, Any]:
    pen = {"pen": _pen(target.pen)} if target.pen is not None else {}
    return {
        **pen,
        **_target_data(target),
        "x": encode_value(target.x),
        "y": encode_value(target.y),
        "direction": encode_value(target.direction),
        "rotationStyle": target.rotation_style,
        "size": encode_value(target.size),
        "visible": target.visible,
        "costume": encode_value(target.costume + 1),
        "costumeName": encode_value(costume_name(target)),
        "effects": _effects(target),
        "draggable": target.draggable,
        "volume": encode_value(target.volume),
        "layer": runtime.executable.index(target),
    }


def dump_state(runtime: Runtime) -> dict[str, Any]:
    """{"variables", "lists", "stage", "sprites": {...}, "says": [the last bubbles kept], "says_total": N}.

    "stage" holds the backdrop and the stage's effects and volume; each sprite its variables,
    lists, looks, layer (0 is the stage, the highest the front), "pen" once a pen block used its
    pen, and "clones", oldest first.
    """
    stage = runtime.stage
    state = _target_data(stage)
    state["stage"] = {
        "backdrop": encode_value(stage.costume + 1),
        "backdropName": encode_value(costume_name(stage)),
        "effects": _effects(stage),
        "volume": encode_value(stage.volume),
    }
    state["sprites"] = {
        t.name: {
            **_sprite_data(runtime, t),
            "clones": [_sprite_data(runtime, c) for c in t.clones],
        }
        for t in runtime.targets[1:]
    }
    # str(): the dump holds plain JSON types, not the BubbleKind member equal to the name.
    state["says"] = [
        {"target": s.target, "type": str(s.kind), "text": encode_value(s.text)}
        for s in runtime.says
    ]
    if runtime.say_count > len(runtime.says):
        state["says_total"] = runtime.say_count  # only the last bubbles are in "says"
    return state


def decode_state(state: dict[str, Any]) -> dict[str, Any]:
    """A dumped state with every value decoded, for exact comparison (types included)."""

    def data(d: dict[str, Any]) -> dict[str, Any]:
        out = dict(d)
        out["variables"] = {k: decode_value(v) for k, v in d.get("variables", {}).items()}
        out["lists"] = {k: [decode_value(x) for x in v] for k, v in d.get("lists", {}).items()}
        for key in (*_LOOKS_NUMBERS, "layer", "costumeName", "backdrop", "backdropName"):
            if key in d:
                out[key] = decode_value(d[key])
        if "effects" in d:
            out["effects"] = {k: decode_value(v) for k, v in d["effects"].items()}
        if "clones" in d:
            out["clones"] = [data(c) for c in d["clones"]]
        if "pen" in d:
            pen = {k: decode_value(v) for k, v in d["pen"].items() if k != "rgba"}
            out["pen"] = {**pen, "rgba": [decode_value(c) for c in d["pen"]["rgba"]]}
        return out

    out = data({k: v for k, v in state.items() if k in ("variables", "lists")})
    if "stage" in state:
        stage = data(state["stage"])
        out["stage"] = {k: v for k, v in stage.items() if k not in ("variables", "lists")}
    out["sprites"] = {name: data(s) for name, s in state.get("sprites", {}).items()}
    out["says"] = [dict(s, text=decode_value(s["text"])) for s in state.get("says", [])]
    return out
