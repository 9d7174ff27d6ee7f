"""The final state of a run as JSON: Scratch types kept, with {"$n": ...} for what JSON cannot hold."""

from __future__ import annotations

import math
from typing import Any

from emulator.runtime.runtime import Runtime
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


def _target_data(target: RuntimeTarget) -> dict[str, Any]:
    return {
        "variables": {c.name: encode_value(c.value) for c in target.variables.values()},
        "lists": {c.name: [encode_value(v) for v in c.items] for c in target.lists.values()},
    }


def dump_state(runtime: Runtime) -> dict[str, Any]:
    """{"variables", "lists", "sprites": {...}, "says": [the last bubbles kept], "says_total": N}."""
    state = _target_data(runtime.stage)
    state["sprites"] = {t.name: _target_data(t) for t in runtime.targets[1:]}
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
        return {
            "variables": {k: decode_value(v) for k, v in d.get("variables", {}).items()},
            "lists": {k: [decode_value(x) for x in v] for k, v in d.get("lists", {}).items()},
        }

    out = data(state)
    out["sprites"] = {name: data(s) for name, s in state.get("sprites", {}).items()}
    out["says"] = [dict(s, text=decode_value(s["text"])) for s in state.get("says", [])]
    return out
