"""The projects `scratch-emu bench` times besides a named program: a dot product and the Leibniz pi loop."""

from __future__ import annotations

from dataclasses import dataclass

from emulator.dsl import Program, repeat
from emulator.project import Project


@dataclass(frozen=True)
class Sizes:
    """How big the built-in cases are: the full benchmark's sizes, or a reduced form's."""

    dot_size: int = 4000  # items in each list
    dot_rounds: int = 200  # dot products computed
    pi_terms: int = 10_000_000  # terms of the Leibniz series

    def scaled(self, scale: float) -> Sizes:
        """Every loop count times `scale` (at least 1)."""
        return Sizes(
            max(1, round(self.dot_size * scale)),
            max(1, round(self.dot_rounds * scale)),
            max(1, round(self.pi_terms * scale)),
        )


def dot_product_program(size: int, rounds: int, warp: bool = True) -> Project:
    """A sprite fills two lists, then sums their products `rounds` times in a custom block."""
    prog = Program("dot_product")
    stage = prog.stage
    a, b = stage.list("a"), stage.list("b")
    i, total = stage.var("i", 0), stage.var("total", 0)
    sprite = prog.sprite("Bench")
    dot = sprite.procedure("dot", warp=warp)
    with dot.define():
        total.set(0)
        i.set(1)
        with repeat(a.length()):
            total.change(a[i] * b[i])
            i.change(1)
    with sprite.when_flag_clicked():
        i.set(1)
        with repeat(size):
            a.add(i * 0.5)
            b.add(i - 3)
            i.change(1)
        with repeat(rounds):
            dot()
    return prog.build()


def pi_program(terms: int) -> Project:
    """pi as 4/1 - 4/3 + 4/5 - ..., written as Scratch users write it: variables in a plain repeat loop.

    The loop is not in a custom block, so it runs without warp: Scratch yields at the end of every
    iteration, as in the well-known benchmark project.
    """
    prog = Program("pi")
    stage = prog.stage
    pi, denominator, sign = stage.var("pi", 0), stage.var("denominator", 1), stage.var("sign", 1)
    sprite = prog.sprite("Bench")
    with sprite.when_flag_clicked():
        pi.set(0)
        denominator.set(1)
        sign.set(1)
        with repeat(terms):
            pi.change(sign * (4 / denominator))
            denominator.change(2)
            sign.set(0 - sign)
    return prog.build()
