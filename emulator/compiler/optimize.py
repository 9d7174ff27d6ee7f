"""IR to IR passes, each a plain function: constant folding, type narrowing, hoisting out of loops."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

from emulator.compiler.ir import (
    ARITHMETIC,
    BOOLEAN,
    NUMBER,
    STRING,
    Body,
    Broadcast,
    Call,
    Cast,
    Const,
    Expr,
    FallbackStmt,
    Function,
    If,
    Invariant,
    Let,
    ListExpr,
    ListRef,
    ListWriteStmt,
    Loop,
    LoopConstant,
    Op,
    ReadVar,
    Say,
    SetVar,
    Simple,
    Stmt,
    ValueType,
    VarRef,
    Wait,
    WaitOutside,
    calls_out,
    const,
    expressions,
    join_types,
    subexpressions,
    walk,
    with_operands,
)
from emulator.values import (
    divide,
    equals,
    greater_than,
    join,
    js_mod,
    js_number,
    js_round,
    less_than,
    letter_of,
    mathop,
    text_contains,
    text_length,
    to_boolean,
    to_number,
    to_string,
)

# The operators folded when every operand is a constant: the very functions the run would call.
FOLD: dict[str, Callable[..., Any]] = {
    "add": float.__add__,
    "sub": float.__sub__,
    "mul": float.__mul__,
    "div": divide,
    "mod": js_mod,
    "round": js_round,
    "mathop": mathop,
    "join": join,
    "letter_of": letter_of,
    "length": text_length,
    "contains": text_contains,
    "lt": less_than,
    "gt": greater_than,
    "eq": equals,
    "and": lambda a, b: a and b,
    "or": lambda a, b: a or b,
    "not": lambda a: not a,
    "count": js_round,  # of the count cast to a number: repeat_count
    "js_number": js_number,
}
CASTS: dict[ValueType, Callable[[Any], Any]] = {
    NUMBER: to_number,
    STRING: to_string,
    BOOLEAN: to_boolean,
}


def optimize(
    fn: Function, lazy: frozenset[int] = frozenset(), keep_frames: bool = False
) -> Function:
    """Every pass, in order; `lazy` are the variables created at run time (left alone).

    With keep_frames, an `if` on a constant stays an `if`: code that can hand its thread to the
    interpreter rebuilds the stack frame the branch runs in.
    """
    fn = replace(fn, body=fold_body(fn.body, keep_frames))
    fn = replace(fn, body=narrow(fn.body, {})[0])
    fn = replace(fn, body=hoist_casts(fn.body, frozenset(lazy), itertools.count()))
    return replace(fn, hoisted=hoist(fn.body))


# ## Constant folding (and dropping casts a value's type makes useless)


def fold(e: Expr) -> Expr:
    """An expression with constant operators computed and needless casts removed."""
    match e:
        case Cast(to=to, expr=inner):
            inner = fold(inner)
            if isinstance(inner, Const):
                return const(CASTS[to](inner.value))
            if inner.type is to:
                return inner  # a number that is never NaN, a string or a boolean already
            return replace(e, expr=inner)
        case Op(op=op, args=args):
            args = tuple(fold(a) for a in args)
            if op in FOLD and all(isinstance(a, Const) for a in args):
                return const(_float(FOLD[op](*(a.value for a in args))))  # type: ignore[union-attr]
            return replace(e, args=args, type=_never_nan(op, args) or e.type)
        case ListExpr(args=args):
            return replace(e, args=tuple(fold(a) for a in args))
        case Let(value=value, body=body):
            return replace(e, value=fold(value), body=fold(body))
    return e


def _never_nan(op: str, args: tuple[Expr, ...]) -> ValueType | None:
    """NUMBER for a sum, difference or product that cannot be NaN: a number that is never NaN
    and a finite constant (non-zero for a product, as Infinity * 0 is NaN)."""
    if op not in ARITHMETIC or any(a.type is not NUMBER for a in args):
        return None
    finite = [a for a in args if isinstance(a, Const) and math.isfinite(a.value)]  # type: ignore[arg-type]
    if op == "mul":
        finite = [a for a in finite if a.value != 0.0]
    return NUMBER if finite else None


def _float(v: Any) -> Any:
    return float(v) if isinstance(v, int) and not isinstance(v, bool) else v


def fold_body(body: Body, keep_frames: bool = False) -> Body:
    """Fold every statement; an `if` on a constant keeps its cost and only the branch it takes."""
    out: list[Stmt] = []
    for stmt in body:
        stmt = _fold_stmt(stmt, keep_frames)
        if isinstance(stmt, If) and isinstance(stmt.cond, Const) and not keep_frames:
            out.append(Simple(stmt.info, "nothing"))
            out.extend(stmt.then if stmt.cond.value else stmt.orelse)
        else:
            out.append(stmt)
    return tuple(out)


def _fold_stmt(stmt: Stmt, keep_frames: bool) -> Stmt:
    match stmt:
        case SetVar(value=value):
            return replace(stmt, value=fold(value))
        case Say(text=text):
            return replace(stmt, text=fold(text))
        case ListWriteStmt(args=args) | WaitOutside(args=args):
            return replace(stmt, args=tuple(fold(a) for a in args))
        case Call(inputs=inputs):
            return replace(stmt, inputs=tuple(fold(a) for a in inputs))
        case If(cond=cond, then=then, orelse=orelse):
            then, orelse = fold_body(then, keep_frames), fold_body(orelse, keep_frames)
            return replace(stmt, cond=fold(cond), then=then, orelse=orelse)
        case Loop(arg=arg, body=body):
            return replace(stmt, arg=_maybe(arg), body=fold_body(body, keep_frames))
        case Wait(arg=arg):
            return replace(stmt, arg=_maybe(arg))
        case Broadcast(reporter=reporter):
            return replace(stmt, reporter=_maybe(reporter))
    return stmt


def _maybe(e: Expr | None) -> Expr | None:
    return fold(e) if e is not None else None


# ## Type narrowing: what each variable holds between the points where other code can run

Types = dict[int, ValueType]


def narrow(body: Body, known: Types) -> tuple[Body, Types]:
    """The body with variable reads typed, and what is known after it.

    Only straight-line code and `if` branches keep what they know: a loop may yield at the end of
    every pass and a call may run anything, so after them nothing is known.
    """
    out: list[Stmt] = []
    for stmt in body:
        stmt, known = _narrow_stmt(stmt, known)
        out.append(stmt)
    return tuple(out), known


def _narrow_stmt(stmt: Stmt, known: Types) -> tuple[Stmt, Types]:
    match stmt:
        case SetVar(var=var, value=value):
            value = typed(value, known)
            return replace(stmt, value=value), {**known, var.index: value.type}
        case If(cond=cond, then=then, orelse=orelse):
            cond = typed(cond, known)
            then, after_then = narrow(then, known)
            orelse, after_else = narrow(orelse, known)
            both = {
                k: join_types(t, after_else[k]) for k, t in after_then.items() if k in after_else
            }
            return replace(stmt, cond=cond, then=then, orelse=orelse), both
        case Loop(arg=arg, body=body):
            # The count (or condition) is read before the first pass, which has not yielded yet.
            # A count with random draws runs again on later passes, after yields: it stays untyped.
            if arg is not None and stmt.kind == "repeat" and not stmt.arg_has_effect:
                arg = typed(arg, known)
            return replace(stmt, arg=arg, body=narrow(body, {})[0]), {}
        case ListWriteStmt(args=args):
            return replace(stmt, args=tuple(typed(a, known) for a in args)), known
        case Say(text=text):
            return replace(stmt, text=typed(text, known)), known
        case Broadcast(reporter=reporter) if reporter is not None:
            return replace(stmt, reporter=typed(reporter, known)), known
        case Call(inputs=inputs):
            return replace(stmt, inputs=tuple(typed(a, known) for a in inputs)), {}
        case Wait() | WaitOutside() | FallbackStmt():
            return stmt, {}
    return stmt, known


def typed(e: Expr, known: Types) -> Expr:
    """The expression with each variable read typed by what is known, then folded again."""
    if not known:
        return e
    return fold(_retype(e, known))


def _retype(e: Expr, known: Types) -> Expr:
    match e:
        case ReadVar(var=var):
            return replace(e, type=known.get(var.index, e.type))
        case Let(value=value, body=body):
            body = _retype(body, known)
            return replace(e, value=_retype(value, known), body=body, type=body.type)
    return with_operands(e, lambda x: _retype(x, known))


# ## Hoisting: the lists a loop reads or writes are bound to locals once, before any loop runs


def hoist(body: Body) -> tuple[ListRef, ...]:
    """The lists used inside loops, in order of first use."""
    found: dict[int, ListRef] = {}
    for stmt in walk(body):
        if isinstance(stmt, Loop):
            for inner in walk(stmt.body):
                for ref in _lists(inner):
                    found.setdefault(ref.index, ref)
    return tuple(found.values())


def _lists(stmt: Stmt) -> list[ListRef]:
    refs = [stmt.list] if isinstance(stmt, ListWriteStmt) else []
    for e in expressions(stmt):
        refs += [x.list for x in subexpressions(e) if isinstance(x, ListExpr)]
    return refs


# ## Loop casts: a variable a loop never writes has one value in every pass of one turn, and one it
# only writes numbers to stays a number: either is cast once, not in every pass


def hoist_casts(
    body: Body,
    skip: frozenset[int],
    numbering: Iterator[int],
    lists: frozenset[int] = frozenset(),
) -> Body:
    """Loops with no call, wait or interpreter in them cast each variable they only read once,
    and each variable they only write numbers to once (its writes keep the cast up to date).

    They also read once the length of each list whose length they never change, and compute once
    the arithmetic on what they never change (LoopConstant, numbered from `numbering`). `skip`
    and `lists` are what an enclosing loop computes already.
    """
    out: list[Stmt] = []
    for stmt in body:
        if isinstance(stmt, Loop) and not any(calls_out(s) for s in walk(stmt.body)):
            stmt = _hoist_loop(stmt, skip, lists, numbering)
        elif isinstance(stmt, If):
            then, orelse = (
                hoist_casts(stmt.then, skip, numbering, lists),
                hoist_casts(stmt.orelse, skip, numbering, lists),
            )
            stmt = replace(stmt, then=then, orelse=orelse)
        elif isinstance(stmt, Loop):
            stmt = replace(stmt, body=hoist_casts(stmt.body, skip, numbering, lists))
        out.append(stmt)
    return tuple(out)


def _hoist_loop(
    loop: Loop, skip: frozenset[int], lists: frozenset[int], numbering: Iterator[int]
) -> Loop:
    stmts = list(walk(loop.body))
    counters = {s.var.index for s in [loop, *stmts] if isinstance(s, Loop) and s.var}
    each_pass = [e for s in stmts for e in expressions(s)]
    if loop.arg is not None and (loop.kind != "repeat" or loop.arg_has_effect):
        each_pass.append(loop.arg)
    numbers = _number_writes(stmts)
    found: dict[int, VarRef] = {}
    for e in each_pass:
        for x in subexpressions(e):
            if isinstance(x, Cast) and x.to is NUMBER and isinstance(x.expr, ReadVar):
                i = x.expr.var.index
                if i not in counters and i not in skip and numbers.get(i, True):
                    found.setdefault(i, x.expr.var)
    chosen = frozenset(found)
    lengths = _fixed_lengths(stmts, each_pass, lists)
    inner_lists = lists | {ref.index for ref in lengths}
    body = _replace_casts(loop.body, chosen)
    changed = counters | set(numbers)  # every variable the loop writes
    constants: dict[Expr, int] = {}
    body = tuple(
        _map_exprs(s, lambda e: _loop_constants(e, changed, constants, numbering)) for s in body
    )
    body = hoist_casts(body, skip | chosen, numbering, inner_lists)
    arg = loop.arg
    if arg is not None and (loop.kind != "repeat" or loop.arg_has_effect):
        arg = _invariant(arg, chosen)
    written = tuple(ref for i, ref in found.items() if i in numbers)
    return replace(
        loop,
        body=body,
        arg=arg,
        invariants=tuple(found.values()),
        numbers=written,
        fixed_lengths=lengths,
        constants=tuple((index, e) for e, index in constants.items()),
    )


def _number_writes(stmts: list[Stmt]) -> dict[int, bool]:
    """For each variable the statements set: whether every value they set it to is a number.

    A variable that only ever holds numbers in a loop keeps its numeric cast in a local that its
    writes update, so that no pass casts it again (type narrowing across passes).
    """
    numbers: dict[int, bool] = {}
    for s in stmts:
        if isinstance(s, SetVar):
            numbers[s.var.index] = numbers.get(s.var.index, True) and s.value.type.is_number
    return numbers


def _fixed_lengths(
    stmts: list[Stmt], exprs: list[Expr], done: frozenset[int]
) -> tuple[ListRef, ...]:
    """The lists a loop indexes whose length it never changes (replacing an item keeps it)."""
    resized = {s.list.index for s in stmts if isinstance(s, ListWriteStmt) and s.op != "replace"}
    indexed: dict[int, ListRef] = {}
    for s in stmts:
        if isinstance(s, ListWriteStmt) and s.op == "replace":
            indexed.setdefault(s.list.index, s.list)
    for e in exprs:
        for x in subexpressions(e):
            if isinstance(x, ListExpr) and x.op == "item":
                indexed.setdefault(x.list.index, x.list)
    return tuple(ref for i, ref in indexed.items() if i not in resized and i not in done)


def _replace_casts(body: Body, chosen: frozenset[int]) -> Body:
    return tuple(_map_exprs(stmt, lambda e: _invariant(e, chosen)) for stmt in body)


def _invariant(e: Expr, chosen: frozenset[int]) -> Expr:
    match e:
        case Cast(to=to, expr=ReadVar(var=var)) if to is NUMBER and var.index in chosen:
            return Invariant(var)
    return with_operands(e, lambda x: _invariant(x, chosen))


def _loop_constants(
    e: Expr, written: set[int], found: dict[Expr, int], numbering: Iterator[int]
) -> Expr:
    """The expression with each largest piece of arithmetic that stays the same in every pass of
    the loop (which writes `written`) made a LoopConstant; `found` gathers them, by index."""
    if _same_each_pass(e, written) and (
        isinstance(e, Op) or (isinstance(e, Cast) and isinstance(e.expr, Op))
    ):
        if e not in found:
            found[e] = next(numbering)
        return LoopConstant(found[e], e.type)
    return with_operands(e, lambda x: _loop_constants(x, written, found, numbering))


def _same_each_pass(e: Expr, written: set[int]) -> bool:
    """Whether it is a sum, difference, product or repeat count (which never raise or draw) of
    constants, casts the loop keeps of what it never writes, and an enclosing loop's LoopConstants."""
    match e:
        case Const() | LoopConstant():
            return True
        case Invariant(var=var):
            return var.index not in written
        case Cast(to=to, expr=inner) if to is NUMBER:
            return _same_each_pass(inner, written)
        case Op(op="add" | "sub" | "mul" | "count", args=args):
            return all(_same_each_pass(a, written) for a in args)
    return False


def _map_exprs(stmt: Stmt, f: Callable[[Expr], Expr]) -> Stmt:
    """The statement with f applied to each of its expressions, nested bodies included."""
    match stmt:
        case SetVar(value=value):
            return replace(stmt, value=f(value))
        case Say(text=text):
            return replace(stmt, text=f(text))
        case ListWriteStmt(args=args):
            return replace(stmt, args=tuple(f(a) for a in args))
        case If(cond=cond, then=then, orelse=orelse):
            then = tuple(_map_exprs(s, f) for s in then)
            orelse = tuple(_map_exprs(s, f) for s in orelse)
            return replace(stmt, cond=f(cond), then=then, orelse=orelse)
        case Loop(arg=arg, body=body):
            body = tuple(_map_exprs(s, f) for s in body)
            return replace(stmt, arg=f(arg) if arg is not None else None, body=body)
        case Broadcast(reporter=reporter) if reporter is not None:
            return replace(stmt, reporter=f(reporter))
    return stmt
