"""The computational-graph example: buying apples and oranges, forward and backward through layers.

MulLayer and AddLayer each have forward and backward custom blocks that take their arguments and
return their results in `p_` global variables (Scratch custom blocks cannot return values).
Like the original Python example, price and the two *_num gradients are shown with int(),
which for these positive values is `floor`.
"""

from __future__ import annotations

from typing import Any

from emulator.dsl import Program, TargetBuilder, floor, join, say
from emulator.program import ProgramSpec
from emulator.project import Project


def _layers(sprite: TargetBuilder, stage: TargetBuilder) -> dict[str, Any]:
    """MulLayer and AddLayer as custom blocks; each MulLayer instance keeps its x, y in globals."""
    p = {name: stage.var(name, 0) for name in ("p_x", "p_y", "p_out", "p_dout", "p_dx", "p_dy")}
    blocks: dict[str, Any] = {"p": p}
    for layer in ("mul_apple", "mul_orange", "mul_tax"):
        x, y = stage.var(f"{layer}_x", 0), stage.var(f"{layer}_y", 0)
        forward = sprite.procedure(f"{layer}.forward", warp=True)
        with forward.define():
            x.set(p["p_x"])
            y.set(p["p_y"])
            p["p_out"].set(p["p_x"] * p["p_y"])
        backward = sprite.procedure(f"{layer}.backward", warp=True)
        with backward.define():
            p["p_dx"].set(p["p_dout"] * y)
            p["p_dy"].set(p["p_dout"] * x)
        blocks[layer] = (forward, backward)
    add_forward = sprite.procedure("add.forward", warp=True)
    with add_forward.define():
        p["p_out"].set(p["p_x"] + p["p_y"])
    add_backward = sprite.procedure("add.backward", warp=True)
    with add_backward.define():
        p["p_dx"].set(p["p_dout"] * 1)
        p["p_dy"].set(p["p_dout"] * 1)
    blocks["add"] = (add_forward, add_backward)
    return blocks


def build(
    apple: float = 100,
    apple_num: float = 2,
    orange: float = 150,
    orange_num: float = 3,
    tax: float = 1.1,
) -> Project:
    """The program; the defaults are the textbook's numbers."""
    prog = Program("apple_orange")
    stage = prog.stage
    sprite = prog.sprite("Shop")
    b = _layers(sprite, stage)
    p = b["p"]
    v = {
        name: stage.var(name, 0)
        for name in (
            "apple_price",
            "orange_price",
            "all_price",
            "price",
            "dapple_price",
            "dorange_price",
            "dall_price",
            "dapple",
            "dapple_num",
            "dorange",
            "dorange_num",
            "dtax",
        )
    }

    def call(step: Any, x: Any, y: Any, out: Any) -> None:
        p["p_x"].set(x)
        p["p_y"].set(y)
        step()
        out.set(p["p_out"])

    def back(step: Any, dout: Any, dx: Any, dy: Any) -> None:
        p["p_dout"].set(dout)
        step()
        dx.set(p["p_dx"])
        dy.set(p["p_dy"])

    with sprite.when_flag_clicked():
        call(b["mul_apple"][0], apple, apple_num, v["apple_price"])
        call(b["mul_orange"][0], orange, orange_num, v["orange_price"])
        call(b["add"][0], v["apple_price"], v["orange_price"], v["all_price"])
        call(b["mul_tax"][0], v["all_price"], tax, v["price"])
        back(b["mul_tax"][1], 1, v["dall_price"], v["dtax"])
        back(b["add"][1], v["dall_price"], v["dapple_price"], v["dorange_price"])
        back(b["mul_orange"][1], v["dorange_price"], v["dorange"], v["dorange_num"])
        back(b["mul_apple"][1], v["dapple_price"], v["dapple"], v["dapple_num"])
        say(join("price: ", floor(v["price"])))
        say(join("dApple: ", v["dapple"]))
        say(join("dApple_num: ", floor(v["dapple_num"])))
        say(join("dOrange: ", v["dorange"]))
        say(join("dOrange_num: ", floor(v["dorange_num"])))
        say(join("dTax: ", v["dtax"]))
    return prog.build()


PROGRAM = ProgramSpec(name="apple_orange", build=build)
