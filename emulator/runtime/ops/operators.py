"""operator_* reporters: arithmetic, comparison, logic, text and mathop, as closures over their inputs."""

from __future__ import annotations

from collections.abc import Callable

from emulator.project import Block
from emulator.runtime.interpreter import Linker, reporter
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


def _numeric(b: Linker, block: Block, op: Callable[[float, float], float]) -> Reporter:
    """A two-number operator; a literal operand is cast once, when the block is built."""
    first = b.input(block, "NUM1")
    second = b.input(block, "NUM2")
    const1, v1 = b.constant(block, "NUM1")
    const2, v2 = b.constant(block, "NUM2")
    if const2:
        n2 = to_number(v2)
        return lambda t: op(to_number(first(t)), n2)
    if const1:
        n1 = to_number(v1)
        return lambda t: op(n1, to_number(second(t)))
    return lambda t: op(to_number(first(t)), to_number(second(t)))


@reporter("operator_add")
def operator_add(b: Linker, block: Block) -> Reporter:
    return _numeric(b, block, float.__add__)


@reporter("operator_subtract")
def operator_subtract(b: Linker, block: Block) -> Reporter:
    return _numeric(b, block, float.__sub__)


@reporter("operator_multiply")
def operator_multiply(b: Linker, block: Block) -> Reporter:
    return _numeric(b, block, float.__mul__)


@reporter("operator_divide")
def operator_divide(b: Linker, block: Block) -> Reporter:
    return _numeric(b, block, divide)


@reporter("operator_mod")
def operator_mod(b: Linker, block: Block) -> Reporter:
    return _numeric(b, block, js_mod)


def _comparison(b: Linker, block: Block, test: Callable[[float], bool]) -> Reporter:
    first = b.input(block, "OPERAND1")
    second = b.input(block, "OPERAND2")
    return lambda t: test(compare(first(t), second(t)))


@reporter("operator_lt")
def operator_lt(b: Linker, block: Block) -> Reporter:
    return _comparison(b, block, lambda d: d < 0)


@reporter("operator_equals")
def operator_equals(b: Linker, block: Block) -> Reporter:
    return _comparison(b, block, lambda d: d == 0)


@reporter("operator_gt")
def operator_gt(b: Linker, block: Block) -> Reporter:
    return _comparison(b, block, lambda d: d > 0)


@reporter("operator_and")
def operator_and(b: Linker, block: Block) -> Reporter:
    first = b.input(block, "OPERAND1")
    second = b.input(block, "OPERAND2")

    def report(t: Thread) -> Value:
        # Both operands are evaluated before the block runs: no short circuit.
        a, c = first(t), second(t)
        return to_boolean(a) and to_boolean(c)

    return report


@reporter("operator_or")
def operator_or(b: Linker, block: Block) -> Reporter:
    first = b.input(block, "OPERAND1")
    second = b.input(block, "OPERAND2")

    def report(t: Thread) -> Value:
        a, c = first(t), second(t)
        return to_boolean(a) or to_boolean(c)

    return report


@reporter("operator_not")
def operator_not(b: Linker, block: Block) -> Reporter:
    operand = b.input(block, "OPERAND")
    return lambda t: not to_boolean(operand(t))


@reporter("operator_random")
def operator_random(b: Linker, block: Block) -> Reporter:
    low = b.input(block, "FROM")
    high = b.input(block, "TO")
    rng = b.rt.rng
    return lambda t: random_between(low(t), high(t), rng)


@reporter("operator_join")
def operator_join(b: Linker, block: Block) -> Reporter:
    first = b.input(block, "STRING1")
    second = b.input(block, "STRING2")
    return lambda t: join(first(t), second(t))


@reporter("operator_letter_of")
def operator_letter_of(b: Linker, block: Block) -> Reporter:
    index = b.input(block, "LETTER")
    text = b.input(block, "STRING")
    return lambda t: letter_of(index(t), text(t))


@reporter("operator_length")
def operator_length(b: Linker, block: Block) -> Reporter:
    text = b.input(block, "STRING")
    return lambda t: text_length(text(t))


@reporter("operator_contains")
def operator_contains(b: Linker, block: Block) -> Reporter:
    haystack = b.input(block, "STRING1")
    needle = b.input(block, "STRING2")
    return lambda t: text_contains(haystack(t), needle(t))


@reporter("operator_round")
def operator_round(b: Linker, block: Block) -> Reporter:
    num = b.input(block, "NUM")
    return lambda t: js_round(to_number(num(t)))


@reporter("operator_mathop")
def operator_mathop(b: Linker, block: Block) -> Reporter:
    num = b.input(block, "NUM")
    name = str(b.field(block, "OPERATOR"))
    return lambda t: mathop(name, to_number(num(t)))
