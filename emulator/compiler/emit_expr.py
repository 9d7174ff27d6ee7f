"""IR expressions to Python source: a cast only where the type demands it, list reads inline."""

from __future__ import annotations

import math
from collections import Counter, deque
from collections.abc import Callable, Iterator
from typing import TypeGuard

from emulator.compiler.counted_misses import CountedSite
from emulator.compiler.ir import (
    ARITHMETIC,
    BOOLEAN,
    NUMBER,
    NUMBER_NAN,
    STRING,
    Cast,
    Const,
    Expr,
    FallbackExpr,
    Invariant,
    Let,
    ListExpr,
    LoopConstant,
    Op,
    ReadArg,
    ReadVar,
    Temp,
    has_effect,
    reports,
    subexpressions,
)
from emulator.compiler.whole_index import WholeGuard
from emulator.runtime.block_flags import FRACTION_FLAG, MISS_FLAG, READ_FLAG
from emulator.values import LIST_WORDS, Value, index_quirk, to_number

# Operators written as a call of the values function that the interpreter calls too.
CALLS = {
    "div": "divide",
    "mod": "js_mod",
    "round": "js_round",
    "mathop": "mathop",
    "join": "join",
    "letter_of": "letter_of",
    "length": "text_length",
    "contains": "text_contains",
    "count": "js_round",  # of the count cast to a number: repeat_count
    "js_number": "js_number",
}
INFIX = {"add": "+", "sub": "-", "mul": "*", "and": "&", "or": "|"}
COMPARE = {"lt": ("<", "less_than"), "gt": (">", "greater_than"), "eq": ("==", "equals")}
# A list read's source at an index: the index's name, the item, the test that the item is read
# inline, and the source of any other read (see ExprEmitter.read_at).
Read = tuple[str, str, str, str]
LIST_CALLS = {"item_num": "item_number", "contains": "list_has", "contents": "list_contents"}


def constant(value: Value) -> str:
    """A constant as source: repr, except the floats repr cannot write as a literal."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NAN" if math.isnan(value) else ("INF" if value > 0 else "(-INF)")
    return repr(value)


def _shareable(e: Expr, hooks: bool) -> bool:
    """Whether computing an expression once for several occurrences is worth it, and safe."""
    if hooks and reports(e):
        return False  # each occurrence is a read the hooks hear of, as in the interpreter
    if isinstance(e, Op | ListExpr):
        return not has_effect(e)
    return isinstance(e, Cast)


def is_name(source: str) -> bool:
    """Whether the source is a plain identifier (so reading it twice costs nothing)."""
    return source.isidentifier()


class ExprEmitter:
    """Writes expressions; `var` and `items` name where variables and lists live."""

    def __init__(
        self,
        var: Callable[[ReadVar], str],
        items: Callable[[int], str],
        params: str,
        cell: Callable[[int], str] | None = None,
        list_name: Callable[[int], str] | None = None,
        read_site: Callable[[str], int] | None = None,
    ) -> None:
        self.var = var
        self.items = items
        self.params = params  # source of the argument dict for the interpreter's closures
        # Where a list's cell is, when the code reports to hooks (None: it never does).
        self.cell = cell
        self.list_name = list_name  # and where its name is
        self.read_site = read_site  # a block's read site's number (its flags' globals), with hooks
        # With hooks: the clock and the (cell, local) pairs seen() writes before a report, as
        # they are before the statement being emitted (FunctionEmitter.prepare sets it).
        self.observe = "_b"
        self.lengths: set[int] = set()  # lists whose length + 1 an enclosing loop holds in z_N
        self.shared: dict[Expr, str | None] = {}  # see share()
        # While a replace's inputs are written: its list and index (see reported_item).
        self.replacing: tuple[int, Expr] | None = None
        self.guards: list[WholeGuard] = []  # the enclosing loops' guards (with hooks)
        # The read sites whose misses the function counts in locals (counted_miss), in the order
        # they are written, and the loops (their blocks) around the code being written.
        self.counted_misses: dict[int, CountedSite] = {}
        self.loop_path: tuple[str, ...] = ()
        self.collapsing = True  # whether NaN tests may be collapsed (see collapsible)
        # The reads a bare tree being written binds, and those its tested tree reads (collapsed).
        self.bound: list[tuple[Expr, str]] = []
        self.reread: deque[tuple[Expr, str]] = deque()
        self._temps = 0

    def temp(self) -> str:
        """A fresh local for an inline walrus."""
        self._temps += 1
        return f"_t{self._temps}"

    def share(self, exprs: list[Expr]) -> None:
        """Compute once each pure expression that a statement's expressions hold more than once.

        Within one statement nothing runs between its expressions but themselves, and the templates
        evaluate operands left to right and unconditionally, so the first occurrence written is
        the first evaluated: it binds a temporary (_sN) the later ones read.
        """
        counts = Counter(x for e in exprs for x in subexpressions(e))
        self.shared = {}
        # Largest first: the copies of a shared expression after the first are a temporary, so the
        # expressions inside those copies are not written again.
        for x in sorted(counts, key=lambda x: -sum(1 for _ in subexpressions(x))):
            if counts[x] > 1 and _shareable(x, self.cell is not None):
                self.shared[x] = None
                inner = Counter(subexpressions(x))
                del inner[x]
                for y, n in inner.items():
                    counts[y] -= (counts[x] - 1) * n

    def __call__(self, e: Expr) -> str:
        if self.reread and e is self.reread[0][0]:
            return self.reread.popleft()[1]  # read by the bare tree (see collapsed)
        if e not in self.shared:
            return self.write(e)
        name = self.shared[e]
        if name is None:
            self._temps += 1
            name = self.shared[e] = f"_s{self._temps}"
            return f"({name} := {self.write(e)})"
        return name

    def write(self, e: Expr) -> str:
        """An expression's source, its operands written through __call__."""
        match e:
            case Const(value=value):
                return constant(value)
            case ReadVar():
                return self.var(e)
            case ReadArg(index=index):
                return f"a_{index}"
            case Temp(name=name):
                return name
            case Let(name=name, value=value, body=body):
                return f"(({name} := {self(value)}), {self(body)})[1]"
            case Cast():
                return self.cast(e)
            case Op():
                return self.op(e)
            case ListExpr():
                return self.list_expr(e)
            case Invariant(var=var):
                return f"n_{var.index}"
            case LoopConstant(index=index):
                return f"c_{index}"
            case FallbackExpr(index=index):
                return f"run_reporter(FB_{index}, thread, {self.params})"
        raise AssertionError(f"unknown expression {e!r}")

    # ## Casts

    def cast(self, e: Cast) -> str:
        inner = e.expr
        if _nan_tested(e) and self.collapsible(inner):
            u = self.temp()
            bare, tested = self.collapsed(inner, e)
            return f"({u} if ({u} := {bare}) == {u} else {tested})"
        if e.to is STRING:
            return f"to_string({self(inner)})"
        if e.to is BOOLEAN:
            return f"to_boolean({self(inner)})"
        return self.number(inner)

    def number(self, inner: Expr) -> str:
        """Scratch's numeric cast of an expression that is not known to be a non-NaN number."""
        source = self(inner)
        if inner.type is BOOLEAN:
            return f"(1.0 if {source} else 0.0)"
        if inner.type is STRING:
            return f"to_number({source})"
        if inner.type is NUMBER_NAN:
            t, first = self._once(source)
            return f"({t} if {first} == {t} else 0.0)"
        return self.any_number(source)

    def any_number(self, source: str) -> str:
        """to_number of a value of any type, inline: a float needs only its NaN turned to 0, and
        text seen before is looked up in to_number's own cache without calling it."""
        t, first = self._once(source)
        return (
            f"({t} if type({first}) is float and {t} == {t} "
            f"else CAST_CACHE[{t}] if {t} in CAST_CACHE else to_number({t}))"
        )

    # ## NaN tests inside sums, differences and products

    # Scratch casts a NaN operand to 0 (a test at each inner operation of a tree like
    # `(a + b * c) + 1`), but NaN propagates through + - *: if the tree computed without the inner
    # tests is not NaN at its root, none of them would have fired, and its value is the tested
    # one's. So the tree is computed bare first and the tested tree only when the root is NaN: one
    # test where there were several, or none where the root is tested anyway (an index's range).

    def collapsible(self, e: Expr) -> bool:
        """Whether e is such a tree with an inner NaN test, that is safe to compute twice: it draws
        no random number and shares no part of it with the statement."""
        spine = list(_spine(e))
        return (
            self.collapsing
            and any(_nan_tested(x) for x in spine)
            and not has_effect(e)
            and not any(x in self.shared for x in spine)
        )

    def collapsed(self, e: Expr, tested: Expr | None = None) -> tuple[str, str]:
        """The tree bare (without its inner NaN tests) and `tested` (e with them, by default),
        written in the order they run. The tested tree runs only after the bare one, and
        Scratch reads each item once: where the code reports reads to hooks, the bare tree binds
        each read to a temporary that the tested tree reads again instead of reading the item."""
        outer_bound, outer_reread = self.bound, self.reread
        self.bound = []
        try:
            bare = self._bare(e)
            self.reread = deque(self.bound)
            self.collapsing, was = False, self.collapsing
            try:
                again = self(e if tested is None else tested)
            finally:
                self.collapsing = was
            assert not self.reread, "a read of the bare tree is not in the tested tree"
            return bare, again
        finally:
            self.bound, self.reread = outer_bound, outer_reread

    def _bare(self, e: Expr) -> str:
        """The tree without its inner NaN tests; a read the hooks hear of bound (see collapsed)."""
        if _nan_tested(e):
            return self._bare(e.expr)
        if _arithmetic(e):
            return f"({self._bare(e.args[0])} {INFIX[e.op]} {self._bare(e.args[1])})"
        source = self(e)
        if self.cell is None or not reports(e):
            return source
        t = self.temp()
        self.bound.append((e, t))
        return f"({t} := {source})"

    def _once(self, source: str) -> tuple[str, str]:
        """A name for the value and the source that binds it where it is first read."""
        if is_name(source):
            return source, source
        t = self.temp()
        return t, f"({t} := {source})"

    # ## Operators

    def op(self, e: Op) -> str:
        args = [self(a) for a in e.args]
        if e.op in INFIX:
            return f"({args[0]} {INFIX[e.op]} {args[1]})"
        if e.op in CALLS:
            return f"{CALLS[e.op]}({', '.join(args)})"
        if e.op in COMPARE:
            symbol, function = COMPARE[e.op]
            # Two numbers that are never NaN compare as floats; anything else as Scratch compares.
            if all(a.type is NUMBER for a in e.args):
                return f"({args[0]} {symbol} {args[1]})"
            return f"{function}({args[0]}, {args[1]})"
        if e.op == "not":
            return f"(not {args[0]})"
        if e.op == "random":
            return f"random_between({args[0]}, {args[1]}, _rng)"
        if e.op == "timer":
            return "timer(_rt)"
        if e.op == "answer":
            return "_rt.questions.answer"
        raise AssertionError(f"unknown operator {e.op!r}")

    # ## Lists

    def list_expr(self, e: ListExpr) -> str:
        items = self.items(e.list.index)
        if e.op == "length":
            return f"float(len({items}))"
        if e.op == "item" and self.cell is not None:
            return self.reported_item(e, items)
        if e.op == "item":
            return self.item(items, e.args[0], self.limit(e.list.index, items))
        return f"{LIST_CALLS[e.op]}({items}{''.join(', ' + self(a) for a in e.args)})"

    def limit(self, index: int, items: str) -> str:
        """The list's length + 1: the first index past its end."""
        return f"z_{index}" if index in self.lengths else f"len({items}) + 1"

    def item(self, items: str, index: Expr, limit: str) -> str:
        """item (index) of list: a float index inside the list is read inline."""
        if isinstance(index, Const) and index.value not in ("random", "any", "last"):
            return self.fixed_item(items, index.value)
        if isinstance(index, Const) and index.value == "last":
            return f"({items}[-1] if {items} else '')"
        if index.type.is_number:  # a float outside the list (NaN too) reads "" (to_list_index)
            return self.read_at(index, lambda source: self.number_read(items, source, limit))
        t = self.temp()
        check = f"type({t} := {self(index)}) is float and 1.0 <= {t} < {limit}"
        n, cached = self.cached_index(t, limit, whole=False)
        outside = f"'' if type({t}) is float else {items}[floor({n}) - 1] if {cached}"
        outside += f" else item_of({items}, {t}, _rng)"
        return f"({items}[floor({t}) - 1] if {check} else {outside})"

    def number_read(self, items: str, index_source: str, limit: str) -> Read:
        """A read at a float index: the item inside the list, "" outside it."""
        t = self.temp()
        return t, f"{items}[floor({t}) - 1]", f"1.0 <= ({t} := {index_source}) < {limit}", "''"

    def read_at(self, index: Expr, read: Callable[[str], Read]) -> str:
        """The read `read` makes at the index; at a collapsible tree's bare value, and again at
        the tested index where that is NaN (a NaN fails the range test). The bare index is written
        first, as it is evaluated first (see share)."""
        if not (index.type.is_number and self.collapsible(index)):
            _, item, inside, outside = read(self(index))
            return f"({item} if {inside} else {outside})"
        bare, tested_index = self.collapsed(index)
        t, item, inside, outside = read(bare)
        _, t_item, t_inside, t_outside = read(tested_index)
        tested = f"({t_item} if {t_inside} else {t_outside})"
        return f"({item} if {inside} else {outside} if {t} == {t} else {tested})"

    def cached_index(self, t: str, limit: str, whole: bool) -> tuple[str, str]:
        """For text holding a number (a number passed on as text): the name its number gets, and a
        test that to_number's cache holds that number (only text is cached), inside the list and,
        if `whole`, a whole number."""
        n = self.temp()
        test = f"({n} := CAST_CACHE.get({t})) is not None"
        if whole:
            test += f" and {n}.is_integer()"
        return n, f"{test} and 1.0 <= {n} < {limit}"

    def reported_item(self, e: ListExpr, items: str) -> str:
        """item (index) of list, for hooks: a whole float index inside the list, when no hook
        watches this block's reads, is read inline; anything else is reported as the interpreter does.
        A literal index naming an item (text, as a project holds its numbers) is read at that item
        at once while it is inside the list and unwatched: such a read has nothing to report."""
        general = self.read_at(e.args[0], lambda source: self.reported_at(e, items, source))
        k = literal_item(e.args[0])
        if k is None:
            return general
        assert self.read_site is not None
        site = self.read_site(e.block_id)
        return f"({items}[{k - 1}] if len({items}) >= {k} and not {READ_FLAG}{site} else {general})"

    def reported_at(self, e: ListExpr, items: str, index_source: str) -> Read:
        """reported_item's read at the index `index_source` computes."""
        assert self.cell is not None and self.list_name is not None and self.read_site is not None
        index, limit = e.args[0], self.limit(e.list.index, items)
        t, k = self.temp(), self.temp()
        value = f"({t} := {index_source})"
        check = f"1.0 <= {value} < {limit}"
        if not index.type.is_number:
            check = f"type({value}) is float and 1.0 <= {t} < {limit}"
        block, cell = constant(e.block_id), self.cell(e.list.index)
        # A watched read of an item in the list is heard here, without h_item's call around it:
        # appended to the hooks' read log if they keep one, else told to on_list_read. The item
        # the enclosing replace writes (the same list at the same pure index) is not logged. The
        # block's read flag (Runtime._flag_reads) is False while no hook hears it, else the hooks'
        # read log, or True when they keep none.
        logged = self.logged_read(e, k, t)
        if self.replacing == (e.list.index, index) and not has_effect(index):
            logged = "True"
        call = f"_rt.hooks.on_list_read(thread, {block}, {cell}, {t}, {k})"
        told = f"(seen(_rt, {self.observe}) or {call}) is None"
        site = self.read_site(e.block_id)
        # The item (a whole number inside the list) is never 0, so its assignment is true.
        heard = (
            f"(not {READ_FLAG}{site} or ({k} := floor({t}))"
            f" and ({logged} if (_rl := {READ_FLAG}{site}) is not True else {told}))"
        )
        guarded = self.guarded_limit(e.list.index, index)
        if guarded is not None:  # inside the list and whole (WholeGuard.limit)
            check = f"1.0 <= {value} < {guarded} and {heard}"
        else:  # float.is_integer is quicker than comparing the float with its floor (an int)
            check += f" and {self.whole_index(index, t)} and {heard}"
        flags = f"MISS_FLAGS, FRACTION_FLAGS, {site}"
        report = f"h_item(_rt, thread, {block}, {cell}, {t}, {flags}, {self.observe})"
        if not index.type.is_number:
            # Text holding a whole number inside the list, unwatched: nothing to report.
            n, cached = self.cached_index(t, limit, whole=True)
            report = (
                f"({items}[floor({n}) - 1] if {cached} and not {READ_FLAG}{site} else {report})"
            )
        item = f"{items}[floor({t}) - 1]"
        if guarded is not None:
            # While the guard holds, the index is whole (WholeGuard) and so outside the list here;
            # while it does not, the limit let no index in: h_item reads it, whatever it is.
            assert self.guard is not None
            past = self.past_end(e, t, items, site, report, known_whole=True)
            return t, item, check, f"({past} if {self.guard.name} else {report})"
        fraction = self.fraction(e, t, item, limit, site, report)
        return t, item, check, self.past_end(e, t, items, site, fraction)

    @property
    def guard(self) -> WholeGuard | None:
        """The innermost loop guard (WholeGuard), if any."""
        return self.guards[-1] if self.guards else None

    def guarded_limit(self, list_index: int, index: Expr) -> str | None:
        """The innermost loop guard's limit of the list (WholeGuard.limit) where the guard covers
        the index and a loop keeps the list's length, else None."""
        guard = self.guard
        if guard is None or not index.type.is_number or not guard.covers(index):
            return None
        return guard.limit(list_index)

    def whole_index(self, index: Expr, t: str) -> str:
        """The test that a float index `t`, inside a list, is whole: the loop's guard says so
        at once where it covers the index (WholeGuard)."""
        guard = self.guard
        if guard is not None and guard.covers(index):
            return f"({guard.name} or {t}.is_integer())"
        return f"{t}.is_integer()"

    def past_end(
        self, e: ListExpr, t: str, items: str, site: int, other: str, known_whole: bool = False
    ) -> str:
        """A read outside the list at a whole index, by the site's miss flag (MISS_FLAG; see
        Runtime._flag_reads): False, nothing hears it and it reads "" at once; a tally of the
        block's misses (RunHooks.read_misses), it is logged if watched and added to the tally
        without h_item's call (a program with a wrong offset reads so on every pass), counted in
        locals inside a loop that keeps the list's length (counted_miss); True, or anything but a
        whole index, `other`. With `known_whole` (a loop's guard holds) the index is not tested."""
        index = e.args[0]
        if known_whole:
            whole = ""
            flag = f"(_mt := {MISS_FLAG}{site})"
        else:
            tested = (
                self.whole_index(index, t)
                if index.type.is_number
                else f"type({t}) is float and {t}.is_integer()"
            )
            whole = f" and {tested}"
            flag = f"(_mt := ({MISS_FLAG}{site} if {tested} else True))"
        logged = self.logged_read(e, "PAST_END", t)
        heard = f"(not {READ_FLAG}{site} or (_rl := {READ_FLAG}{site}) is not True and {logged})"
        kept = e.list.index in self.lengths  # a loop keeps the list's length: locals count
        tally = self.counted_miss(t, items, site) if kept else f"tallied(_mt, {t}, len({items}))"
        general = (
            f'("" if {flag} is False else {tally} if _mt is not True and {heard} else {other})'
        )
        if not kept:
            return general
        # The common case first, in the fewest steps: the locals count for the site's tally, the
        # index is whole and nothing watches the read.
        counting = f"{MISS_FLAG}{site} is _mk{site}{whole} and not {READ_FLAG}{site}"
        return f'("" if {counting} and {self.one_more_miss(t, site)} else {general})'

    def counted_miss(self, t: str, items: str, site: int) -> str:
        """A miss (a whole index `t` past the list's end, added to the tally in _mt) inside a loop
        that keeps the list's length, counted without a call: the site's locals hold the tally
        they count for (_mkN), and how many misses, the lowest and the highest index since it was
        last flushed (hooked.flushed, wherever anything may look at the tally: FunctionEmitter.
        flush_misses). A miss for another tally, or the first since a flush, flushes what the
        locals hold and starts them again. "" either way."""
        self.counted_misses.setdefault(site, CountedSite(items, self.loop_path))
        tally, count, first, last = (f"_m{x}{site}" for x in "kcfl")
        counted = f"_mt is {tally} and {self.one_more_miss(t, site)}"
        again = (
            f"flushed({tally}, {count}, {first}, {last}, len({items})) is None"
            f" and ({tally} := _mt) is not None and ({count} := 1)"
            f" and ({first} := {t}) is not None and ({last} := {t}) is not None"
        )
        return f'("" if {counted} else {again} and "")'

    @staticmethod
    def one_more_miss(t: str, site: int) -> str:
        """One more miss at `t` in the site's locals (counted_miss), as an expression that is true.
        A new highest is tested first, and the lowest only below it: a wrong offset as a rule
        reads on past the end, each pass further."""
        count, first, last = (f"_m{x}{site}" for x in "cfl")
        return (
            f"({count} := {count} + 1)"
            f" and ({t} > {last} and ({last} := {t}) is not None"
            f" or {t} >= {first} or ({first} := {t}) is not None)"
        )

    def fraction(self, e: ListExpr, t: str, item: str, limit: str, site: int, report: str) -> str:
        """A read inside the list at a fractional index, unwatched, by the site's fraction flag
        (FRACTION_FLAG; see Runtime._flag_reads): False, no hook is attached and it reads the item
        at once; a tally of the block's fractional indices (RunHooks.fractions), the item is read
        and counted into it without h_item's call (a lookup table read at a scaled argument reads
        so on every call); True, or any other read, `report`."""
        inside = f"1.0 <= {t} < {limit}"
        if not e.args[0].type.is_number:
            inside = f"type({t}) is float and {inside}"
        heard = f"(_mq := {FRACTION_FLAG}{site}) is True or {READ_FLAG}{site} or not ({inside})"
        return f"({report} if {heard} else {item} if _mq is False else counted(_mq, {item}))"

    def logged_read(self, e: ListExpr, item: str, index: str) -> str:
        """A read appended to the hooks' read log (ReadLog.read, inline; the log is in _rl), as
        an expression that is True."""
        assert self.list_name is not None
        block, name = constant(e.block_id), self.list_name(e.list.index)
        return f"_rl.entries.append(({block}, {name}, {item}, {index}, _rl.stamp)) is None"

    def fixed_item(self, items: str, value: Value) -> str:
        """An item at a literal index: floored once, here."""
        n = to_number(value) if not (isinstance(value, str) and value == "all") else 0.0
        if not math.isfinite(n) or math.floor(n) < 1:
            return "''"
        k = math.floor(n)
        return f"({items}[{k - 1}] if len({items}) >= {k} else '')"


def literal_item(index: Expr) -> int | None:
    """The item a literal index names where Scratch reads it as that item with nothing to report
    (a whole number from 1, as a number or text holding one; index_quirk), else None."""
    if not isinstance(index, Const):
        return None
    value = index.value
    if value in LIST_WORDS or index_quirk(value) is not None:
        return None
    n = to_number(value)  # whole, or infinite: index_quirk found no fraction
    return int(n) if math.isfinite(n) and n >= 1.0 else None


def _arithmetic(e: Expr) -> TypeGuard[Op]:
    """Whether e is a sum, difference or product (a NaN operand anywhere in a tree of them reaches
    its root)."""
    return isinstance(e, Op) and e.op in ARITHMETIC


def _nan_tested(e: Expr) -> TypeGuard[Cast]:
    """Whether e is the cast that turns a sum, difference or product's NaN into 0."""
    return (
        isinstance(e, Cast) and e.to is NUMBER and e.expr.type is NUMBER_NAN and _arithmetic(e.expr)
    )


def _spine(e: Expr) -> Iterator[Expr]:
    """The arithmetic operators and NaN tests of a tree of them, from its root (see _bare)."""
    if _nan_tested(e):
        yield e
        yield from _spine(e.expr)
    elif _arithmetic(e):
        yield e
        for a in e.args:
            yield from _spine(a)
