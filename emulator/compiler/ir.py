"""The compiler's intermediate representation: frozen dataclasses for expressions, statements and functions."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from enum import Enum

from emulator.values import Value


class ValueType(Enum):
    """What an expression is known to produce, before any run."""

    NUMBER = "number"  # a float that is never NaN
    NUMBER_NAN = "number or NaN"  # a float that may be NaN (0 / 0, Infinity - Infinity)
    STRING = "string"
    BOOLEAN = "boolean"
    ANY = "any"

    @property
    def is_number(self) -> bool:
        """Whether the value is a float (NaN allowed)."""
        return self in (ValueType.NUMBER, ValueType.NUMBER_NAN)


NUMBER, NUMBER_NAN, STRING, BOOLEAN, ANY = (
    ValueType.NUMBER,
    ValueType.NUMBER_NAN,
    ValueType.STRING,
    ValueType.BOOLEAN,
    ValueType.ANY,
)


def type_of(value: Value) -> ValueType:
    """The static type of a constant."""
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, float):
        return NUMBER_NAN if math.isnan(value) else NUMBER
    if isinstance(value, str):
        return STRING
    return ANY  # undefined


def join_types(a: ValueType, b: ValueType) -> ValueType:
    """The type of a value that is either an `a` or a `b`."""
    if a is b:
        return a
    if a.is_number and b.is_number:
        return NUMBER_NAN
    return ANY


# ## References to the run's data, resolved when the script is compiled


@dataclass(frozen=True, slots=True)
class VarRef:
    """A variable by its index in the unit's table (the name is only for comments)."""

    index: int
    name: str


@dataclass(frozen=True, slots=True)
class ListRef:
    """A list by its index in the unit's table."""

    index: int
    name: str


@dataclass(frozen=True, slots=True)
class BlockInfo:
    """Which block a statement comes from, and what running it costs on the virtual clock."""

    id: str
    opcode: str
    cost: int  # 1 + the reporters in its inputs, as the linker counts them


# ## Expressions


@dataclass(frozen=True, slots=True)
class Const:
    """A literal value."""

    value: Value
    type: ValueType


def const(value: Value) -> Const:
    """A Const with the type of its value."""
    return Const(value, type_of(value))


@dataclass(frozen=True, slots=True)
class ReadVar:
    """A variable's value."""

    var: VarRef
    type: ValueType = ANY


@dataclass(frozen=True, slots=True)
class ReadArg:
    """A custom block's argument, by its index among the procedure's parameters."""

    index: int
    name: str
    type: ValueType = ANY


@dataclass(frozen=True, slots=True)
class Cast:
    """Scratch's cast of a value to a number, a string or a boolean."""

    to: ValueType
    expr: Expr
    type: ValueType


# Sums, differences and products: the operators a float computes as JavaScript's numbers do (IEEE
# 754, a NaN operand giving NaN), written as Python's own + - *.
ARITHMETIC = ("add", "sub", "mul")


@dataclass(frozen=True, slots=True)
class Op:
    """An operator of values.py applied to its operands, which are already cast as it needs."""

    op: str  # a key of ops.OPS
    args: tuple[Expr, ...]
    type: ValueType


@dataclass(frozen=True, slots=True)
class ListExpr:
    """A list reporter: item, item #, length, contains or the contents."""

    op: str  # "item", "item_num", "length", "contains", "contents"
    list: ListRef
    args: tuple[Expr, ...]
    type: ValueType
    block_id: str = ""  # the reporter block, which a run with hooks names in its reports


@dataclass(frozen=True, slots=True)
class Let:
    """Evaluate `value` into a temporary, then `body` (which reads it): fixes evaluation order."""

    name: str
    value: Expr
    body: Expr
    type: ValueType


@dataclass(frozen=True, slots=True)
class Temp:
    """A temporary bound by an enclosing Let."""

    name: str
    type: ValueType


@dataclass(frozen=True, slots=True)
class Invariant:
    """The numeric cast of a variable an enclosing loop keeps in a local (n_N): cast once before
    the loop and after each of its yields, and set again where the loop writes a number to it."""

    var: VarRef
    type: ValueType = NUMBER


@dataclass(frozen=True, slots=True)
class LoopConstant:
    """Arithmetic on constants and invariants that an enclosing loop never changes (c_N): computed
    once before the loop and again after each of its yields, as the invariants are."""

    index: int
    type: ValueType


@dataclass(frozen=True, slots=True)
class FallbackExpr:
    """A reporter the compiler does not handle: the interpreter's closure for it is called."""

    index: int  # into the unit's table of closures
    opcode: str
    block_id: str
    type: ValueType = ANY


Expr = (
    Const
    | ReadVar
    | ReadArg
    | Cast
    | Op
    | ListExpr
    | Let
    | Temp
    | Invariant
    | LoopConstant
    | FallbackExpr
)


# ## Where a thread goes on after a block it waited on outside the tick loop


@dataclass(frozen=True, slots=True)
class After:
    """The continuation scratch-vm rebuilds after a timed bubble or a question (execute.js handlePromise).

    "next": the next block in program order runs; `warp_reset` when that block now sits in a new
    stack frame at the top of a procedure body, whose warp mode is copied from the caller's frame.
    "loop": the enclosing loop block runs again, with no yield for the pass just ended.
    "return": the procedure's frames are all gone; its caller goes on as if the call had waited.
    """

    kind: str
    warp_reset: bool = False


# ## Statements


@dataclass(frozen=True, slots=True)
class SetVar:
    """set [var] to (value)."""

    info: BlockInfo
    var: VarRef
    value: Expr
    # With hooks: the variables whose origins the written value's origin joins (Origins.cells_read),
    # found when compiling; None when only the run can find them (the runtime then keeps it).
    origin_reads: tuple[VarRef, ...] | None = None
    keeps_origin: bool = True  # whether the variable keeps origins at all (Origins.keeps)


@dataclass(frozen=True, slots=True)
class ChangeVar:
    """change [var] by (delta)."""

    info: BlockInfo
    var: VarRef
    delta: Expr


@dataclass(frozen=True, slots=True)
class ListWriteStmt:
    """A list write: add, delete, delete all, insert or replace."""

    info: BlockInfo
    op: str  # "add", "delete", "delete_all", "insert", "replace"
    list: ListRef
    args: tuple[Expr, ...]  # in the order the block evaluates its inputs


@dataclass(frozen=True, slots=True)
class If:
    """if / if-else / all at once (a condition of True)."""

    info: BlockInfo
    cond: Expr
    then: Body
    orelse: Body


@dataclass(frozen=True, slots=True)
class Loop:
    """repeat, forever, repeat until, while and for each; every pass runs the loop block (its cost)."""

    info: BlockInfo
    kind: str  # "repeat", "forever", "until", "while", "for_each"
    arg: Expr | None  # the count, the condition, or for each's limit
    body: Body
    var: VarRef | None = None  # for each's counter
    # The count is evaluated again on every pass when it draws random numbers.
    arg_has_effect: bool = False
    invariants: tuple[VarRef, ...] = ()  # variables whose numeric casts are computed before it
    numbers: tuple[VarRef, ...] = ()  # those of them it writes, only ever numbers
    fixed_lengths: tuple[ListRef, ...] = ()  # lists it reads whose length it never changes
    constants: tuple[tuple[int, Expr], ...] = ()  # the LoopConstants it computes, by index


@dataclass(frozen=True, slots=True)
class Wait:
    """wait (seconds), wait until <cond>, broadcast and wait: they yield until done."""

    info: BlockInfo
    kind: str  # "seconds", "until", "broadcast"
    arg: Expr | None  # the duration, the condition, or the message name reporter
    idle: bool  # a re-check draws no random numbers, so a turn of re-checks alone is idle
    message: str | None = (
        None  # broadcast and wait from a menu: the message name (None: no message)
    )


@dataclass(frozen=True, slots=True)
class Broadcast:
    """broadcast (message): a menu's name resolved when compiled, or a reporter's text."""

    info: BlockInfo
    message: str | None
    reporter: Expr | None


@dataclass(frozen=True, slots=True)
class Say:
    """say / think (text)."""

    info: BlockInfo
    kind: str  # "say" or "think"
    text: Expr


@dataclass(frozen=True, slots=True)
class WaitOutside:
    """say/think for (secs) and ask and wait: the thread waits outside the tick loop."""

    info: BlockInfo
    kind: str  # "say", "think" or "ask"
    args: tuple[Expr, ...]
    after: After


@dataclass(frozen=True, slots=True)
class ProcRef:
    """A compiled custom block of the same target (its Function is the unit's proc_<index>)."""

    index: int
    proccode: str
    warp: bool


@dataclass(frozen=True, slots=True)
class Call:
    """A custom block call: every given input is evaluated; each parameter takes one input or its default."""

    info: BlockInfo
    proc: ProcRef | None  # None: the prototype exists but no definition (the call only sets params)
    inputs: tuple[Expr, ...]
    params: tuple[int | Const, ...]  # an index into inputs, or the prototype's default
    depth: int  # stack frames between the call and the procedure (or script) it sits in
    after: After | None  # where to go when the callee returns having waited outside the tick loop


@dataclass(frozen=True, slots=True)
class Stop:
    """stop [all / this script / other scripts in sprite]."""

    info: BlockInfo
    option: str


@dataclass(frozen=True, slots=True)
class Simple:
    """A block with no inputs and a fixed effect: reset timer, or nothing (show variable, a hat)."""

    info: BlockInfo
    kind: str  # "reset_timer" or "nothing"


@dataclass(frozen=True, slots=True)
class FallbackStmt:
    """A stack block the compiler does not handle: the interpreter's Stmt runs it."""

    info: BlockInfo
    index: int


Stmt = (
    SetVar
    | ChangeVar
    | ListWriteStmt
    | If
    | Loop
    | Wait
    | Broadcast
    | Say
    | WaitOutside
    | Call
    | Stop
    | Simple
    | FallbackStmt
)
Body = tuple[Stmt, ...]


# ## Functions


@dataclass(frozen=True, slots=True)
class Function:
    """A script (under a hat) or a custom block, compiled to one generator function."""

    name: str  # the generated identifier: script_N or proc_N
    title: str  # what it is, for the header comment (project text: escaped when emitted)
    body: Body
    proccode: str | None = None  # None for a script
    params: tuple[str, ...] = ()  # argument names, for comments
    warp: bool = False  # the prototype's warp flag
    # Found by analysis.finish once every function of the unit is lowered:
    warp_fixed: bool = False  # a warp block whose warp mode no wait outside the tick loop can reset
    may_stop: bool = False  # its body has "stop this script" (its caller runs the call again)
    may_return_waiting: bool = (
        False  # it can end in a wait outside the tick loop that pops its frames
    )
    generator: bool = True  # it can yield (loops, waits, calls); False: a plain function
    entry_cost: int = 0  # what the definition hat costs when a call enters it
    definition: str | None = None  # the definition hat's block id (custom blocks only)
    hoisted: tuple[ListRef, ...] = ()  # lists bound to locals on entry (optimize.hoist)


# ## Walking the tree


def children(stmt: Stmt) -> tuple[Body, ...]:
    """The bodies nested in a statement (a C-block's mouths)."""
    match stmt:
        case If(then=then, orelse=orelse):
            return (then, orelse)
        case Loop(body=body):
            return (body,)
    return ()


def walk(body: Body) -> Iterator[Stmt]:
    """Every statement of a body, nested ones included, in program order."""
    for stmt in body:
        yield stmt
        for inner in children(stmt):
            yield from walk(inner)


def expressions(stmt: Stmt) -> tuple[Expr, ...]:
    """The expressions a statement evaluates itself (not those of its nested bodies), in order."""
    match stmt:
        case SetVar(value=value):
            return (value,)
        case ListWriteStmt(args=args) | WaitOutside(args=args):
            return args
        case Call(inputs=inputs):
            return inputs
        case If(cond=cond):
            return (cond,)
        case Loop(arg=arg) | Wait(arg=arg):
            return (arg,) if arg is not None else ()
        case Broadcast(reporter=reporter):
            return (reporter,) if reporter is not None else ()
        case Say(text=text):
            return (text,)
    return ()


def subexpressions(expr: Expr) -> Iterator[Expr]:
    """An expression and every expression inside it."""
    yield expr
    match expr:
        case Cast(expr=inner):
            yield from subexpressions(inner)
        case Op(args=args) | ListExpr(args=args):
            for arg in args:
                yield from subexpressions(arg)
        case Let(value=value, body=body):
            yield from subexpressions(value)
            yield from subexpressions(body)


def with_operands(expr: Expr, f: Callable[[Expr], Expr]) -> Expr:
    """The expression with f applied to each of its direct operands (itself, if it has none)."""
    match expr:
        case Cast(expr=inner):
            return replace(expr, expr=f(inner))
        case Op(args=args) | ListExpr(args=args):
            return replace(expr, args=tuple(f(a) for a in args))
        case Let(value=value, body=body):
            return replace(expr, value=f(value), body=f(body))
    return expr


def has_effect(expr: Expr) -> bool:
    """Whether evaluating it can be seen: it draws random numbers, or runs the interpreter."""
    for e in subexpressions(expr):
        match e:
            case Op(op="random") | FallbackExpr():
                return True
            case ListExpr(op="item", args=(index,)):
                # "random" and "any" draw; a number or a literal that is neither never does.
                if isinstance(index, Const):
                    if index.value in ("random", "any"):
                        return True
                elif not index.type.is_number:
                    return True
    return False


def reports(expr: Expr) -> bool:
    """Whether evaluating it reports to hooks, when a run has them: it reads a list item."""
    return any(isinstance(e, ListExpr) and e.op == "item" for e in subexpressions(expr))


def calls_out(stmt: Stmt) -> bool:
    """Whether other code can run during the statement itself: a call, a wait, the interpreter."""
    if isinstance(stmt, Call | Wait | WaitOutside | FallbackStmt):
        return True
    return any(isinstance(x, FallbackExpr) for e in expressions(stmt) for x in subexpressions(e))


def writes(stmt: Stmt) -> list[int]:
    """The variables a statement writes itself (not those its nested bodies write)."""
    if isinstance(stmt, SetVar):
        return [stmt.var.index]
    if isinstance(stmt, Loop) and stmt.var is not None:
        return [stmt.var.index]
    return []


def reads(expr: Expr) -> Iterator[VarRef]:
    """The variables an expression reads."""
    for e in subexpressions(expr):
        if isinstance(e, ReadVar):
            yield e.var
