"""Reporter blocks to IR expressions: each rule reads its inputs in the order the interpreter's handler does."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from emulator.compiler.ir import (
    ANY,
    BOOLEAN,
    NUMBER,
    NUMBER_NAN,
    STRING,
    Cast,
    Expr,
    ListExpr,
    Op,
    ReadArg,
    ReadVar,
    ValueType,
    const,
)
from emulator.opcodes import Opcode
from emulator.project import Block

if TYPE_CHECKING:
    from emulator.compiler.lower import Lowering

ExprRule = Callable[["Lowering", Block], Expr]


def as_number(e: Expr) -> Expr:
    """Scratch's numeric cast (NaN reads as 0)."""
    return Cast(NUMBER, e, NUMBER)


def as_boolean(e: Expr) -> Expr:
    """Scratch's boolean cast."""
    return Cast(BOOLEAN, e, BOOLEAN)


def _numeric(op: str) -> ExprRule:
    def rule(lw: Lowering, block: Block) -> Expr:
        a, b = lw.inputs(block, ("NUM1", "NUM2"))
        return Op(op, (as_number(a), as_number(b)), NUMBER_NAN)

    return rule


def _raw(op: str, names: tuple[str, ...], result: ValueType) -> ExprRule:
    """An operator of the values module that casts its raw inputs itself."""

    def rule(lw: Lowering, block: Block) -> Expr:
        return Op(op, tuple(lw.inputs(block, names)), result)

    return rule


def _logic(op: str, names: tuple[str, ...]) -> ExprRule:
    def rule(lw: Lowering, block: Block) -> Expr:
        return Op(op, tuple(as_boolean(e) for e in lw.inputs(block, names)), BOOLEAN)

    return rule


def _round(lw: Lowering, block: Block) -> Expr:
    (n,) = lw.inputs(block, ("NUM",))
    return Op("round", (as_number(n),), NUMBER)


def _mathop(lw: Lowering, block: Block) -> Expr:
    (n,) = lw.inputs(block, ("NUM",))
    return Op("mathop", (const(str(lw.field(block, "OPERATOR"))), as_number(n)), NUMBER_NAN)


def _variable(lw: Lowering, block: Block) -> Expr:
    return ReadVar(lw.variable_field(block))


def _list(op: str, names: tuple[str, ...], result: ValueType) -> ExprRule:
    def rule(lw: Lowering, block: Block) -> Expr:
        args = tuple(lw.inputs(block, names))
        return ListExpr(op, lw.list_field(block), args, result, block.id)

    return rule


def _argument(lw: Lowering, block: Block) -> Expr:
    name = str(lw.field(block, "VALUE"))
    index = lw.params.get(name)
    # Outside a procedure, or for a name the procedure lacks, the reporter gives the number 0.
    return const(0.0) if index is None else ReadArg(index, name)


def _nullary(op: str, result: ValueType) -> ExprRule:
    return lambda lw, block: Op(op, (), result)


_O = Opcode
RULES: dict[str, ExprRule] = {
    _O.OPERATOR_ADD: _numeric("add"),
    _O.OPERATOR_SUBTRACT: _numeric("sub"),
    _O.OPERATOR_MULTIPLY: _numeric("mul"),
    _O.OPERATOR_DIVIDE: _numeric("div"),
    _O.OPERATOR_MOD: _numeric("mod"),
    _O.OPERATOR_ROUND: _round,
    _O.OPERATOR_MATHOP: _mathop,
    _O.OPERATOR_RANDOM: _raw("random", ("FROM", "TO"), NUMBER_NAN),
    _O.OPERATOR_JOIN: _raw("join", ("STRING1", "STRING2"), STRING),
    _O.OPERATOR_LETTER_OF: _raw("letter_of", ("LETTER", "STRING"), STRING),
    _O.OPERATOR_LENGTH: _raw("length", ("STRING",), NUMBER),
    _O.OPERATOR_CONTAINS: _raw("contains", ("STRING1", "STRING2"), BOOLEAN),
    _O.OPERATOR_LT: _raw("lt", ("OPERAND1", "OPERAND2"), BOOLEAN),
    _O.OPERATOR_GT: _raw("gt", ("OPERAND1", "OPERAND2"), BOOLEAN),
    _O.OPERATOR_EQUALS: _raw("eq", ("OPERAND1", "OPERAND2"), BOOLEAN),
    _O.OPERATOR_AND: _logic("and", ("OPERAND1", "OPERAND2")),
    _O.OPERATOR_OR: _logic("or", ("OPERAND1", "OPERAND2")),
    _O.OPERATOR_NOT: _logic("not", ("OPERAND",)),
    _O.DATA_VARIABLE: _variable,
    _O.DATA_LISTCONTENTS: _list("contents", (), STRING),
    _O.DATA_ITEMOFLIST: _list("item", ("INDEX",), ANY),
    _O.DATA_ITEMNUMOFLIST: _list("item_num", ("ITEM",), NUMBER),
    _O.DATA_LENGTHOFLIST: _list("length", (), NUMBER),
    _O.DATA_LISTCONTAINSITEM: _list("contains", ("ITEM",), BOOLEAN),
    _O.ARGUMENT_REPORTER_STRING_NUMBER: _argument,
    _O.ARGUMENT_REPORTER_BOOLEAN: _argument,
    _O.SENSING_TIMER: _nullary("timer", NUMBER),
    _O.SENSING_ANSWER: _nullary("answer", ANY),
}

# Operators whose result depends on when they run: they draw from the run's random numbers.
RANDOM_OPS = frozenset({"random"})
RANDOM_LIST_OPS = frozenset({"item"})  # item "random" of a list
