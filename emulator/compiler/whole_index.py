"""Loop guards: list indices that are whole numbers whenever the numbers they are made of are, checked once before a loop's passes instead of at every read."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from emulator.compiler.ir import (
    ARITHMETIC,
    Body,
    Cast,
    Const,
    Expr,
    If,
    Invariant,
    ListExpr,
    ListWriteStmt,
    Loop,
    LoopConstant,
    Op,
    SetVar,
    Stmt,
    expressions,
    subexpressions,
    walk,
    writes,
)
from emulator.values import to_number

# Sums, differences and products of whole floats are whole or not finite: exact below 2**53, and
# every float from 2**52 up is whole; with an infinite operand they are not finite (NaN, which the
# loop's casts and arithmetic may make 0, is whole then). An index that is not finite is never
# inside a list (ir.ARITHMETIC).

# Each variable a loop writes, with the values it sets it to (None: it writes it some other way).
Written = dict[int, list[Expr] | None]


@dataclass(frozen=True, slots=True)
class WholeGuard:
    """A loop's guard: a local that is True when each variable in `wholes` (their numeric casts,
    n_N) holds a whole number. The loop keeps them whole or infinite (every write it makes to them
    is whole or not finite when they are), so while the guard is True, an index made of them and
    whole constants by sums, differences and products (`covers`) is whole wherever it is inside a
    list. It is computed where the loop begins and after each of its yields, as the casts are."""

    name: str
    wholes: frozenset[int]
    constants: Mapping[int, Expr]  # the LoopConstants (c_N) in scope, by index
    # Those of them the loop only steps by whole numbers up to 2**53 or sets to one: whole at
    # the guard, hence finite, they stay finite (a step that small never reaches Infinity).
    counters: frozenset[int] = frozenset()
    # The lists whose lengths the loops keep (z_N) where the guard begins: it has a limit of each.
    lists: frozenset[int] = frozenset()

    def covers(self, index: Expr) -> bool:
        """Whether the index is whole (or not finite) while the guard is True."""
        return _whole(index, self.wholes, self.constants)

    def source(self) -> str:
        """The guard's value."""
        return " and ".join(f"n_{i}.is_integer()" for i in sorted(self.wholes))

    def limit(self, list_index: int) -> str | None:
        """The local that holds the list's kept length + 1 (z_N) while the guard is True, and 1.0
        while it is False (None: it has none for that list): an index the guard covers is then
        inside the list and whole by one test, and none is inside while the guard does not hold
        (hooked code reads and writes it the general way then)."""
        return f"{self.name}z{list_index}" if list_index in self.lists else None

    def limits(self) -> Iterator[tuple[str, str]]:
        """Each of its limits, and its value."""
        for i in sorted(self.lists):
            yield f"{self.name}z{i}", f"z_{i} if {self.name} else 1.0"


def loop_guard(
    loop: Loop,
    cast: set[int],
    constants: Mapping[int, Expr],
    temp: Callable[[], str],
    reads: bool,
    lists: frozenset[int] = frozenset(),
) -> WholeGuard | None:
    """The guard for the list indices of a loop's own statements (not those of loops inside it):
    its replaces' and, if `reads` (code that reports reads), its reads'; None if it would cover
    none of them. `cast`: the variables whose n_N are set where the loop begins (its own casts
    and its enclosing loops'); `lists`: the lists whose lengths are kept there (its limits)."""
    indices = [index for stmt in _own(loop.body) for index in _indices(stmt, reads)]
    if reads and loop.kind in ("until", "while") and loop.arg is not None:
        indices += _item_indices(loop.arg)
    values = _written_values(loop)
    candidates = cast & set().union(*(_parts(i, constants) for i in indices))
    wholes = _kept_whole(values, candidates, constants)
    covered = [i for i in indices if _whole(i, wholes, constants)]
    if not covered:
        return None
    needed = _closure(values, set().union(*(_parts(i, constants) for i in covered)), constants)
    counters = {i for i in needed if _counts(i, values.get(i))}
    return WholeGuard(temp(), frozenset(needed), constants, frozenset(counters), lists)


def _counts(i: int, values: list[Expr] | None) -> bool:
    """Whether the loop writes variable i and only ever steps it (_step)."""
    return bool(values) and all(_step(i, v) for v in values or ())


def _step(i: int, value: Expr) -> bool:
    """Whether the value is a small whole number (_small), or variable i plus or minus one such."""
    match value:
        case Op(op="add", args=(Invariant(var=var), step) | (step, Invariant(var=var))):
            return var.index == i and _small(step)
        case Op(op="sub", args=(Invariant(var=var), step)):
            return var.index == i and _small(step)
    return _small(value)


def _small(e: Expr) -> bool:
    """Whether it is a whole constant of at most 2**53 either way."""
    match e:
        case Const(value=value) | Cast(expr=Const(value=value)):
            n = to_number(value)
            return n.is_integer() and abs(n) <= 2.0**53
    return False


def _kept_whole(values: Written, candidates: set[int], constants: Mapping[int, Expr]) -> set[int]:
    """The candidates the loop keeps whole: every value it writes to one (`values`) is whole
    while all of them are (the largest such set). One it never writes keeps the value the guard
    saw."""
    wholes = set(candidates)
    while broken := {i for i in wholes if i in values and not _keeps(values[i], wholes, constants)}:
        wholes -= broken
    return wholes


def _keeps(values: list[Expr] | None, wholes: set[int], constants: Mapping[int, Expr]) -> bool:
    """Whether the values a loop writes to a variable are whole while `wholes` are."""
    return values is not None and all(_whole(v, wholes, constants) for v in values)


def _closure(values: Written, needed: set[int], constants: Mapping[int, Expr]) -> set[int]:
    """The variables the guard must check for `needed` to stay whole: they and those the values
    the loop writes to them (`values`) are made of."""
    found, todo = set(needed), list(needed)
    while todo:
        for value in values.get(todo.pop()) or ():
            for i in _parts(value, constants) - found:
                found.add(i)
                todo.append(i)
    return found


def _written_values(loop: Loop) -> Written:
    """Each variable the loop writes (in loops inside it too), with the values it sets it to
    (None: it writes it some other way, as for each's counter)."""
    values: dict[int, list[Expr] | None] = {i: None for i in writes(loop)}
    for stmt in walk(loop.body):
        for i in writes(stmt):
            kept = values.setdefault(i, [])
            if isinstance(stmt, SetVar) and kept is not None:
                kept.append(stmt.value)
            else:
                values[i] = None
    return values


def _own(body: Body) -> Iterator[Stmt]:
    """A body's statements, inside its ifs but not inside its loops (a loop's own arguments are
    evaluated here, its body there)."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, If):
            yield from _own(stmt.then)
            yield from _own(stmt.orelse)


def _indices(stmt: Stmt, reads: bool) -> Iterator[Expr]:
    """The index a statement replaces an item at, and if `reads`, those it reads items at."""
    if isinstance(stmt, ListWriteStmt) and stmt.op == "replace":
        yield stmt.args[0]
    for e in expressions(stmt) if reads else ():
        yield from _item_indices(e)


def _item_indices(e: Expr) -> Iterator[Expr]:
    for x in subexpressions(e):
        if isinstance(x, ListExpr) and x.op == "item":
            yield x.args[0]


def _parts(e: Expr, constants: Mapping[int, Expr]) -> set[int]:
    """The variables (n_N) an expression reads, through the LoopConstants it reads."""
    found: set[int] = set()
    for x in subexpressions(e):
        if isinstance(x, Invariant):
            found.add(x.var.index)
        elif isinstance(x, LoopConstant) and x.index in constants:
            found |= _parts(constants[x.index], constants)
    return found


def _whole(e: Expr, wholes: set[int] | frozenset[int], constants: Mapping[int, Expr]) -> bool:
    """Whether an expression is whole (or not finite) when each variable in `wholes` is whole."""
    match e:
        case Const(value=value):
            return type(value) is float and value.is_integer()
        case Cast(to=to, expr=Const(value=value)) if to.is_number:
            return to_number(value).is_integer()
        case Invariant(var=var):
            return var.index in wholes
        case LoopConstant(index=index):
            return index in constants and _whole(constants[index], wholes, constants)
        case Cast(expr=inner, type=to) if to.is_number:
            return _whole(inner, wholes, constants)
        case Op(op=op, args=args) if op in ARITHMETIC:
            return all(_whole(a, wholes, constants) for a in args)
    return False
