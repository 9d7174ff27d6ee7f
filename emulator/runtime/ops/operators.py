"""operator_* reporters: arithmetic, comparison, logic, text and mathop, as closures over their inputs."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from emulator.project import Block
from emulator.runtime.nodes import Reporter
from emulator.runtime.thread import Thread
from emulator.values import (
    Value,
    compare,
    divide,
    join,
    js_mod,
    js_round,
    letter_of,
    mathop,
    random_between,
    text_contains,
    text_length,
    to_boolean,
    to_number,
)

if TYPE_CHECKING:
    from emulator.runtime.linker import Linker


def _numeric(linker: Linker, block: Block, op: Callable[[float, float], float]) -> Reporter:
    """A two-number operator; a literal operand is cast once, when the block is built."""
    first = linker.input(block, "NUM1")
    second = linker.input(block, "NUM2")
    const1, v1 = linker.constant(block, "NUM1")
    const2, v2 = linker.constant(block, "NUM2")
    if const2:
        n2 = to_number(v2)
        return lambda t: op(to_number(first(t)), n2)
    if const1:
        n1 = to_number(v1)
        return lambda t: op(n1, to_number(second(t)))
    return lambda t: op(to_number(first(t)), to_number(second(t)))


def operator_add(linker: Linker, block: Block) -> Reporter:
    return _numeric(linker, block, float.__add__)


def operator_subtract(linker: Linker, block: Block) -> Reporter:
    return _numeric(linker, block, float.__sub__)


def operator_multiply(linker: Linker, block: Block) -> Reporter:
    return _numeric(linker, block, float.__mul__)


def operator_divide(linker: Linker, block: Block) -> Reporter:
    return _numeric(linker, block, divide)


def operator_mod(linker: Linker, block: Block) -> Reporter:
    return _numeric(linker, block, js_mod)


def _comparison(linker: Linker, block: Block, test: Callable[[float], bool]) -> Reporter:
    first = linker.input(block, "OPERAND1")
    second = linker.input(block, "OPERAND2")
    return lambda t: test(compare(first(t), second(t)))


def operator_lt(linker: Linker, block: Block) -> Reporter:
    return _comparison(linker, block, lambda d: d < 0)


def operator_equals(linker: Linker, block: Block) -> Reporter:
    return _comparison(linker, block, lambda d: d == 0)


def operator_gt(linker: Linker, block: Block) -> Reporter:
    return _comparison(linker, block, lambda d: d > 0)


def operator_and(linker: Linker, block: Block) -> Reporter:
    first = linker.input(block, "OPERAND1")
    second = linker.input(block, "OPERAND2")

    def report(t: Thread) -> Value:
        # Both operands are evaluated before the block runs: no short circuit.
        a, c = first(t), second(t)
        return to_boolean(a) and to_boolean(c)

    return report


def operator_or(linker: Linker, block: Block) -> Reporter:
    first = linker.input(block, "OPERAND1")
    second = linker.input(block, "OPERAND2")

    def report(t: Thread) -> Value:
        a, c = first(t), second(t)
        return to_boolean(a) or to_boolean(c)

    return report


def operator_not(linker: Linker, block: Block) -> Reporter:
    operand = linker.input(block, "OPERAND")
    return lambda t: not to_boolean(operand(t))


def operator_random(linker: Linker, block: Block) -> Reporter:
    low = linker.input(block, "FROM")
    high = linker.input(block, "TO")
    rng = linker.rt.rng
    return lambda t: random_between(low(t), high(t), rng)


def operator_join(linker: Linker, block: Block) -> Reporter:
    first = linker.input(block, "STRING1")
    second = linker.input(block, "STRING2")
    return lambda t: join(first(t), second(t))


def operator_letter_of(linker: Linker, block: Block) -> Reporter:
    index = linker.input(block, "LETTER")
    text = linker.input(block, "STRING")
    return lambda t: letter_of(index(t), text(t))


def operator_length(linker: Linker, block: Block) -> Reporter:
    text = linker.input(block, "STRING")
    return lambda t: text_length(text(t))


def operator_contains(linker: Linker, block: Block) -> Reporter:
    haystack = linker.input(block, "STRING1")
    needle = linker.input(block, "STRING2")
    return lambda t: text_contains(haystack(t), needle(t))


def operator_round(linker: Linker, block: Block) -> Reporter:
    num = linker.input(block, "NUM")
    return lambda t: js_round(to_number(num(t)))


def operator_mathop(linker: Linker, block: Block) -> Reporter:
    num = linker.input(block, "NUM")
    name = str(linker.field(block, "OPERATOR"))
    return lambda t: mathop(name, to_number(num(t)))
