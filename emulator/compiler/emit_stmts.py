"""Each IR statement kind as Python source, written through a FunctionEmitter."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

from emulator.compiler.emit import FunctionEmitter, list_cell, list_name
from emulator.compiler.emit_expr import constant
from emulator.compiler.ir import (
    ANY,
    NUMBER,
    NUMBER_NAN,
    Broadcast,
    Call,
    Const,
    Expr,
    FallbackStmt,
    If,
    ListWriteStmt,
    Loop,
    Say,
    SetVar,
    Simple,
    Stmt,
    Stop,
    ValueType,
    VarRef,
    Wait,
    WaitOutside,
    has_effect,
)
from emulator.compiler.logged_runs import LoggedRun, counters, logs_runs
from emulator.compiler.origin_memo import OriginMemo, loop_memos
from emulator.compiler.whole_index import loop_guard
from emulator.opcodes import Opcode
from emulator.runtime.hooks import LIST_ADD as ADD
from emulator.runtime.hooks import LIST_REPLACE as REPLACE

# A list write's slow path in code for hooks that hear writes alone (log_alone): the log handed
# over if full, and the log and the clock's bound from there on (hooked.checked).
CHECKED = "checked(_wl, WRITE_LOG, thread, _b, _ah)"
# Where the clock passed _full but the log is still the hooks' and this thread's, short of where
# it is handed over (hooked.checked), only the bound moves on, as hooked.room computes it: the run
# goes on and nothing is written back. Most looks are these (day3: 36 of 38 a training sample,
# 30 of them as a chunk's exact end nears), and the calls they save cost about a microsecond.
# The log's writes (_e) are WriteLog.events, with those of the run going on (LoggedRun.skipped).
STILL_ROOM = (
    "_wl is WRITE_LOG and _wl.thread is thread and (_e := {events}) < _wl.limit - _wl.slack"
)
ROOM_BOUND = "_b + _wl.limit - _e - _ah - 2"


def statement(em: FunctionEmitter, stmt: Stmt) -> None:
    """Write one statement."""
    match stmt:
        case SetVar():
            set_var(em, stmt)
        case ListWriteStmt():
            list_write(em, stmt)
        case If(cond=cond, then=then, orelse=orelse):
            em.pending += stmt.info.cost
            em.prepare([cond])
            with em.level(stmt.info.id, False, "None"):
                em.branches([f"if {em.ex(cond)}:", "else:"], [then, orelse])
        case Loop():
            loop(em, stmt)
        case Wait():
            wait(em, stmt)
        case WaitOutside():
            wait_outside(em, stmt)
        case Call():
            call(em, stmt)
        case _:
            simple(em, stmt)


def simple(em: FunctionEmitter, stmt: Stmt) -> None:
    """Statements that never yield: say, broadcast, stop, reset timer, nothing, the interpreter's."""
    em.pending += stmt.info.cost
    w = em.w
    match stmt:
        case Say(kind=kind, text=text):
            em.prepare([text])
            if em.hooks:
                em.observed()  # the bubble is reported
            w.line(f"say(_rt, thread, {constant(stmt.info.id)}, {kind!r}, {em.ex(text)})")
        case Broadcast():
            broadcast(em, stmt)
        case Stop():
            stop(em, stmt)
        case Simple(kind="reset_timer"):
            w.line("_rt.timer_start_ms = _rt.now_ms")
        case FallbackStmt(index=index):
            em.store(keep=False)
            em.sync()
            w.line(f"run_statement(FB_{index}, thread, {em.ex.params})  # the interpreter runs it")
            em.resync()


# ## Variables and lists


def set_var(em: FunctionEmitter, stmt: SetVar) -> None:
    em.pending += stmt.info.cost
    em.prepare([stmt.value], at_once=True)
    i = stmt.var.index
    if em.hooks:
        set_var_reported(em, stmt)
    elif i in em.lazy:
        em.w.line(f"VG_{i}().value = {em.ex(stmt.value)}")
    elif _sets_a_kept_sum(em, stmt):
        set_kept_number(em, i, stmt.value)
    else:
        em.w.line(f"v_{i} = {em.ex(stmt.value)}")
        em.vars[i] = True
        em.keep_number(i, stmt.value)


def _sets_a_kept_sum(em: FunctionEmitter, stmt: SetVar) -> bool:
    """Whether set_kept_number writes the statement: a variable the loop keeps as a number, set
    to a sum, difference or product with NaN tests inside."""
    value = stmt.value
    return stmt.var.index in em.numbers and value.type is NUMBER_NAN and em.ex.collapsible(value)


def set_kept_number(em: FunctionEmitter, i: int, value: Expr) -> None:
    """Set v_N and the numeric cast a loop keeps of it (n_N) to a sum, difference or product with
    NaN tests inside: computed bare (ExprEmitter.collapsible), a root that is not NaN is the value
    and its own cast; only a NaN root is computed again with the tests, and cast."""
    w = em.w
    bare, tested = em.ex.collapsed(value)
    with w.block(f"if (v_{i} := {bare}) == v_{i}:"):
        w.line(f"n_{i} = v_{i}")
    with w.block("else:"):
        w.line(f"v_{i} = {tested}")
        w.line(f"n_{i} = v_{i} if v_{i} == v_{i} else 0.0")
    em.vars[i] = True


def set_var_reported(em: FunctionEmitter, stmt: SetVar) -> None:
    """set / change, then the report the interpreter makes of it."""
    w, i = em.w, stmt.var.index
    keep = None  # the variable whose numeric cast the report sets (see _kept_by_report)
    if i in em.lazy:
        value, cell = em.ex.temp(), em.ex.temp()
        w.line(f"{value} = {em.ex(stmt.value)}")
        w.line(f"{cell} = VG_{i}()")
        w.line(f"{cell}.value = {value}")
    else:
        value, cell = f"v_{i}", f"V_{i}"  # the local holds the value until the report
        keep = i if _kept_by_report(em, stmt) else None
        if keep is None and _sets_a_kept_sum(em, stmt):
            set_kept_number(em, i, stmt.value)
        else:
            w.line(f"v_{i} = {em.ex(stmt.value)}")
            em.vars[i] = True
            if keep is None:
                em.keep_number(i, stmt.value)
    reads = None if i in em.lazy else stmt.origin_reads
    change = stmt.info.opcode == Opcode.DATA_CHANGEVARIABLEBY
    variable = None if i in em.lazy else i
    report_var(
        em,
        stmt.info.id,
        cell,
        value,
        stmt.value.type,
        reads,
        stmt.keeps_origin,
        change,
        variable,
        keep=keep,
    )


def _kept_by_report(em: FunctionEmitter, stmt: SetVar) -> bool:
    """Whether the numeric cast a loop keeps of the variable (keep_number) is set in the two
    branches of the report's test for NaN and Infinity, rather than after a NaN test of its own:
    a number that may be NaN, written where that test follows."""
    value_type = stmt.value.type
    return (
        stmt.var.index in em.numbers
        and value_type.is_number
        and value_type is not NUMBER
        and not em.unit.hears_every_write
    )


def report_var(
    em: FunctionEmitter,
    block_id: str,
    cell: str,
    value: str,
    value_type: ValueType = NUMBER,
    reads: tuple[VarRef, ...] | None = None,
    keeps_origin: bool = True,
    change: bool = False,
    variable: int | None = None,
    keep: int | None = None,
) -> None:
    """Keep where the value came from (if the variable keeps origins) and tell the hooks, as
    Runtime.report_var does, with every cell and the clock up to date (a write only the hooks'
    read log hears is logged there, RunHooks.logged_writes, and a `change` right after the same
    block's change of the variable stands in for it); a value known not to be a number is never
    NaN or infinite. The cell's flags say whether its origin is kept (VarCell.tracked) and
    whether the hooks hear its writes (VarCell.heard): an origin needs no cell or clock written.
    Code for hooks that hear every write (Unit.hears_every_write) reports each without a flag;
    for hooks that hear writes alone (Unit.writes_only), without its origin or a test for NaN."""
    w, bid, alone = em.w, constant(block_id), em.unit.writes_only
    if keeps_origin and not alone:
        memo = em.memos.get(block_id)
        settling = memo.settling if memo else None
        with w.block(f"if not {settling.settled}:") if settling else nullcontext():
            with w.block(f"if {cell}.tracked:"):
                keep_origin(em, block_id, cell, reads)
            if settling:
                # Hooks attached in the middle of a pass may keep origins from here on.
                with w.block("else:"):
                    w.line(f"{settling.clean} = False")
                if block_id == settling.last:  # the pass's last write: has it settled?
                    w.line(f"{settling.settled} = {settling.clean}")
                    w.line(f"{settling.clean} = True")
    test = nonfinite(value, value_type)
    guard = em.ex.guard
    if test and guard is not None and variable in guard.counters:
        test = f"(not {guard.name} and {test})"  # a counter the guard found whole stays finite
    if em.unit.hears_every_write:
        if variable is None:  # a variable made at run time: told as it is written
            em.observed()
            _tell_hooks(em, bid, cell, value)
            return
        site = em.log_site(block_id, variable, None)
        if em.logs_alone:
            slow = f"wrote(_rt, _wl, WRITE_LOG, thread, {bid}, {cell}, {value}, _b, _ah)"
            log_alone(em, site, None, value, slow, variable=variable)
            return
        with w.block("if (_wl := WRITE_LOG) is not None:"):
            log_write(em, site, bid, cell, value, test)
        with w.block("else:"):
            em.observed_here()
            _tell_hooks(em, bid, cell, value)
        return
    with w.block(f"if {cell}.heard or {test}:" if test else f"if {cell}.heard:"):
        if keep is not None:  # NaN, Infinity, or a finite number the hooks hear
            w.line(f"n_{keep} = v_{keep} if v_{keep} == v_{keep} else 0.0")
        # A write only the hooks' read log hears (the flag is the log): logged, with nothing
        # written back (the log keeps no value and no clock).
        only_logged = f"(_rl := {cell}.heard) is not True" + (f" and not ({test})" if test else "")
        with w.block(f"if {only_logged}:"):
            log_var_write(em, bid, cell, change)
        with w.block("else:"):
            em.observed_here()
            _tell_hooks(em, bid, cell, value)
    if keep is not None:
        with w.block("else:"):  # a finite number
            w.line(f"n_{keep} = v_{keep}")


def _tell_hooks(em: FunctionEmitter, bid: str, cell: str, value: str) -> None:
    """Tell the hooks of the write as Runtime.report_var does (hooked.tell_var): one call, as
    the hooks hear few writes one by one (the read log and the write log take the rest inline)."""
    em.w.line(f"tell_var(_rt, thread, {bid}, {cell}, {value})")


def log_write(
    em: FunctionEmitter,
    site: int,
    bid: str,
    cell: str,
    value: str,
    test: str | None,
    item: str | None = None,
    store: str | None = None,
) -> None:
    """Append the write to the hooks' WriteLog (in _wl) as on_var_set or on_list_write would hear
    it, then `store` it; only when the log is full or the value NaN or infinite are the cells and
    the clock written (see logged). The clock logged is _b: the site holds what it lacks
    (Sites.write's `ahead`, em.pending), which saves an addition at every write."""
    w = em.w
    with w.block("if _wl.thread is not thread:"):
        w.line("_wl.mark(thread)")
    append_write(em, site, item, value, "_wl.codes", "_wl.clocks")
    if store is not None:
        w.line(store)  # before the log is taken in: its snapshot holds the item
    full = "len(_wl) + _wl.skipped >= _wl.limit"  # WriteLog.events
    with w.block(f"if {full} or {test}:" if test else f"if {full}:"):
        em.observed_here()
        w.line(f"logged(_rt, _wl, thread, {bid}, {cell}, {value})")


def log_alone(
    em: FunctionEmitter,
    site: int,
    item: str | None,
    value: str,
    slow: str,
    store: str | None = None,
    variable: int | None = None,
) -> None:
    """log_write, for code for hooks that hear writes alone (FunctionEmitter.logs_alone): the log
    is looked at only once the clock passes _full (hooked.room), by the call `slow`, which gives
    back the log and the bound from there on. `variable`: the one written, if not a list."""
    w, run = em.w, em.run
    if run is not None:
        run.log_value(w, site, item, value, variable)
    else:
        append_write(em, site, item, value, "_wc", "_wk")
    if store is not None:
        w.line(store)
    events = "len(_wl) + _wl.skipped"
    if run is not None and run.counters:
        events += f" + {run.skipped(len(run.sites))}"
    with w.unless("_b <= _full"):  # the log may be full, or take no writes (room)
        with w.block(f"if {STILL_ROOM.format(events=events)}:"):
            w.line(f"_full = {ROOM_BOUND}")
        with w.block("else:"):
            em.observed_here()
            with em.run_broken():
                w.line(f"_wl, _wc, _wk, _full = {slow}")


def append_write(
    em: FunctionEmitter, site: int, item: str | None, value: str, codes: str, clocks: str
) -> None:
    """Append a write to the log's lists (WriteLog): its site and clock, its item if a list's
    (None: a variable's), and its value last (the log's length counts the writes)."""
    w = em.w
    w.line(f"{codes}.append({site})")
    w.line(f"{clocks}.append(_b)")
    if item is not None:
        w.line(f"_wl.items.append({item})")
    w.line(f"_wl.append({value})")


def log_var_write(em: FunctionEmitter, bid: str, cell: str, change: bool) -> None:
    """Append the write to the read log's events (ReadLog.wrote, inline; the log is in _rl). A
    change right after the same block's change of the variable takes that event's place instead:
    a running sum's terms then cost the trail one event, which it takes as those changes one by
    one (ReadTrail.settle)."""
    w = em.w
    event = f"(len(_rl.entries), {bid}, {cell}.name)"
    if not change:
        w.line(f"_rl.events.append({event})")
        return
    w.line("_ev = _rl.events")
    with w.block(f"if _ev and (_l := _ev[-1])[1] == {bid} and _l[2] == {cell}.name:"):
        w.line(f"_ev[-1] = {event}")
    with w.block("else:"):
        w.line(f"_ev.append({event})")


def nonfinite(value: str, value_type: ValueType) -> str | None:
    """The test that a value is NaN or an infinity (None: it is known not to be a float), true or
    false as a condition: a finite float less itself is 0.0, false; an infinity or NaN less
    itself is NaN, true (fewer steps than comparing the value times zero with zero)."""
    if value_type.is_number:
        return f"{value} - {value}"
    return f"type({value}) is float and {value} - {value}" if value_type is ANY else None


def keep_origin(
    em: FunctionEmitter, block_id: str, cell: str, reads: tuple[VarRef, ...] | None
) -> None:
    """The written value's origin, as Origins.wrote keeps it: inline from the cells the block reads
    when compiling found them (a counter's is one tuple), else by the runtime."""
    w, bid = em.w, constant(block_id)
    if reads is None:
        w.line(f"_rt.origins.wrote(thread.target, {bid}, {cell})")
        return
    fresh = f"({bid}, {cell}.name, (), 1)"
    if not reads:
        w.line(f"{cell}.origin = {fresh}")
    elif len(reads) == 1:
        parent = em.ex.temp()
        depth = f"{parent}[3]"
        linked = (
            f"{cell}.origin = ({bid}, {cell}.name, ({parent},), {depth} + 1) "
            f"if {parent} is not None and {depth} < MAX_ORIGIN_DEPTH else {fresh}"
        )
        if cell != f"V_{reads[0].index}":
            w.line(f"{parent} = V_{reads[0].index}.origin")
            w.line(linked)
            return
        memo = em.memos.get(block_id)
        with w.block(f"if {cell}.origin is not {memo.kept}:") if memo else nullcontext():
            # A counter this block wrote last keeps its origin: another link would only repeat it.
            w.line(f"{parent} = {cell}.origin")
            with w.block(f"if {parent} is None or {parent}[0] != {bid}:"):
                w.line(linked)
            if memo:
                w.line(f"{memo.kept} = {cell}.origin")
                unsettled(em, memo)
    elif cell != f"V_{reads[0].index}":
        parents = ", ".join(f"V_{r.index}.origin" for r in reads)
        w.line(f"{cell}.origin = joined({bid}, {cell}.name, ({parents},))")
    elif (memo := em.memos.get(block_id)) is not None:
        changed = [f"{cell}.origin is not {memo.kept}"]
        changed += [f"V_{i}.origin is not {name}" for i, name in memo.parents]
        with w.block(f"if {' or '.join(changed)}:"):
            running_sum_origin(em, bid, cell, reads)
            w.line(f"{memo.kept} = {cell}.origin")
            for i, name in memo.parents:
                w.line(f"{name} = V_{i}.origin")
            unsettled(em, memo)
    else:
        running_sum_origin(em, bid, cell, reads)


def unsettled(em: FunctionEmitter, memo: OriginMemo) -> None:
    """A write found its memo changed: this pass does not settle its loop (Settling)."""
    if memo.settling is not None:
        em.w.line(f"{memo.settling.clean} = False")


def running_sum_origin(em: FunctionEmitter, bid: str, cell: str, reads: tuple[VarRef, ...]) -> None:
    """A running sum's origin: kept when this block wrote it last from the same other origins, as
    joined decides; asked here without building the parents (identical ones: the common case)."""
    w = em.w
    last, kept = em.ex.temp(), em.ex.temp()
    others = [f"V_{r.index}.origin" for r in reads[1:]]
    same = " and ".join(f"{kept}[{k}] is {o}" for k, o in enumerate(others, 1))
    w.line(f"{last} = {cell}.origin")
    repeats = (
        f"{last} is not None and {last}[0] == {bid} "
        f"and len({kept} := {last}[2]) == {len(reads)} and {same}"
    )
    with w.block(f"if not ({repeats}):"):
        w.line(f"{cell}.origin = joined({bid}, {cell}.name, ({last}, {', '.join(others)},))")


HOOKED_WRITES = {
    "add": "h_add",
    "delete": "h_delete",
    "delete_all": "h_clear",
    "insert": "h_insert",
    "replace": "h_replace",
}


def list_write(em: FunctionEmitter, stmt: ListWriteStmt) -> None:
    em.pending += stmt.info.cost
    if stmt.op == "replace":
        em.ex.replacing = (stmt.list.index, stmt.args[0])
    # A hooked replace evaluates its inputs first; the other writes tell the hooks before.
    em.prepare(stmt.args, at_once=stmt.op == "replace")
    args = [em.ex(a) for a in stmt.args]
    em.ex.replacing = None
    w = em.w
    if em.hooks and stmt.op == "replace":
        reported_replace(em, stmt, args)
        return
    if stmt.op == "add" and em.logs_alone and stmt.list.index not in em.unit.tables.lazy_lists:
        logged_add(em, stmt, args[0])
        return
    if em.hooks:
        em.observed()
        cell = list_cell(em.unit, stmt.list.index)
        call = f"{HOOKED_WRITES[stmt.op]}(_rt, thread, {constant(stmt.info.id)}, {cell}"
        w.line(call + "".join(f", {a}" for a in args) + ")")
        return
    items = em.ex.items(stmt.list.index)
    if stmt.op == "add":
        if has_effect(stmt.args[0]):
            w.line(f"add_item({items}, {args[0]})")
        else:
            # Scratch silently ignores an add once a list holds 200,000 items.
            with w.block(f"if len({items}) < LIST_ITEM_LIMIT:"):
                w.line(f"{items}.append({args[0]})")
    elif stmt.op == "delete_all":
        w.line(f"{items}.clear()")
    elif stmt.op == "delete":
        w.line(f"delete_item({items}, {args[0]}, _rng)")
    elif stmt.op == "insert":
        w.line(f"insert_item({items}, {args[0]}, {args[1]}, _rng)")
    else:
        replace_item(em, stmt, items, args)


def reported_replace(em: FunctionEmitter, stmt: ListWriteStmt, args: list[str]) -> None:
    """replace item, for hooks: a whole float index inside the list is reported and written inline
    (appended to the hooks' WriteLog, while they take list writes there). The cells and the clock
    are written only where something is told of it (a log needs neither)."""
    w, bid = em.w, constant(stmt.info.id)
    cell, items = list_cell(em.unit, stmt.list.index), em.ex.items(stmt.list.index)
    i, x, k = em.ex.temp(), em.ex.temp(), em.ex.temp()
    w.line(f"{i} = {args[0]}")
    w.line(f"{x} = {args[1]}")
    limit = em.ex.limit(stmt.list.index, items)
    guarded = em.ex.guarded_limit(stmt.list.index, stmt.args[0])
    check = f"1.0 <= {i} < {guarded or limit}"
    if guarded is None and not em.unit.writes_only:  # a fractional index is an index quirk
        check += f" and {em.ex.whole_index(stmt.args[0], i)}"
    if not stmt.args[0].type.is_number:
        check = f"type({i}) is float and {check}"
    test = nonfinite(x, stmt.args[1].type)
    inline = em.unit.hears_every_write and stmt.list.index not in em.unit.tables.lazy_lists
    call = f"h_replace(_rt, thread, {bid}, {cell}, {i}, {x})"
    with _call_unless(em, check, call, logs_in_run=inline and em.logs_alone):
        if inline:
            w.line(f"{k} = floor({i})")
            store = f"{items}[{k} - 1] = {x}"
            site = em.log_site(stmt.info.id, stmt.list.index, REPLACE)
            if em.logs_alone:  # _wl is the log, or one that takes no lists (room)
                with w.block("if _wl.lists:"):
                    log_alone(em, site, k, x, CHECKED, store)
                with w.block("else:"):  # as for a variable (report_var): a call keeps it short
                    em.observed_here()
                    with em.run_broken(through=None if em.run is None else len(em.run.sites) - 1):
                        w.line(f"h_replace(_rt, thread, {bid}, {cell}, {i}, {x})")
            else:
                with w.block("if (_wl := WRITE_LOG) is not None and _wl.lists:"):
                    log_write(em, site, bid, cell, x, test, k, store)
                with w.block("else:"):
                    _tell_replace(em, stmt, bid, (k, f"{k} - 1"), x, test)
        else:
            w.line(f"{k} = floor({i}) - 1")  # the item's place in the list: one step, not two
            _tell_replace(em, stmt, bid, (f"{k} + 1", k), x, test)


@contextmanager
def _call_unless(em: FunctionEmitter, usual: str, call: str, logs_in_run: bool) -> Iterator[None]:
    """The lines under it where the test `usual` holds; else the write told by `call` (the
    hooks' handler). The call's branch comes first, as it is short, so that the comparisons'
    jumps are (Writer.unless says why); a run goes on after it at the write after this one,
    which the lines under it log in the run if `logs_in_run` (LoggedRun.log_value)."""
    run = em.run if logs_in_run else None
    with em.w.block(f"if not ({usual}):"):
        em.observed_here()
        with em.run_broken(write=None if run is None else len(run.sites) + 1):
            em.w.line(call)
    with em.w.block("else:"):
        yield


def logged_add(em: FunctionEmitter, stmt: ListWriteStmt, value: str) -> None:
    """add, in code for hooks that hear writes alone (FunctionEmitter.logs_alone): stored and
    logged inline as a replace is, its item the list's new length, while the log takes list
    writes and the list is under Scratch's limit; otherwise told through h_add as before."""
    w, bid = em.w, constant(stmt.info.id)
    cell, items = list_cell(em.unit, stmt.list.index), em.ex.items(stmt.list.index)
    x = em.ex.temp()
    w.line(f"{x} = {value}")
    site = em.log_site(stmt.info.id, stmt.list.index, ADD)
    call = f"h_add(_rt, thread, {bid}, {cell}, {x})"
    with _call_unless(em, f"_wl.lists and len({items}) < LIST_ITEM_LIMIT", call, logs_in_run=True):
        w.line(f"{items}.append({x})")  # before the log is taken in: its snapshot holds the item
        log_alone(em, site, f"len({items})", x, CHECKED)


def _tell_replace(
    em: FunctionEmitter,
    stmt: ListWriteStmt,
    bid: str,
    item: tuple[str, str],
    x: str,
    test: str | None,
) -> None:
    """Report an item's replace to the hooks (or mark it in their marks, or log it in their read
    log), then store it; `item` is its number and its place in the list (one less)."""
    w = em.w
    k, at = item
    cell, items = list_cell(em.unit, stmt.list.index), em.ex.items(stmt.list.index)
    told = f"_h.on_list_write(thread, {bid}, {cell}, REPLACED, {k}, {items}[{at}], {x})"
    log = "if"
    if stmt.list.index not in em.unit.tables.lazy_lists:
        # The hooks' marks of the list's items, where they keep them (RunHooks.item_marks).
        marks = f"MARKS_{stmt.list.index}"
        with w.block(f"if {marks} is not None:"):
            with w.block("try:"):
                w.line(f"{marks}[{at}] = {bid}")
            with w.block("except IndexError:"):  # an item past the marks
                em.observed_here()
                w.line("_h = _rt.hooks")
                w.line(told)
        log = "elif"
    # ITEM_LOG is the hooks' read log while they log list writes there (Runtime._hand_write_log).
    with w.block(f"{log} (_rl := ITEM_LOG) is not None:"):  # ReadLog.wrote_item, inline
        w.line("_rl.stamp += 1")
        name = list_name(em.unit, stmt.list.index)
        w.line(f"(_e := _rl.events).append((len(_rl.entries), {bid}, {name}, {k}))")
        with w.block("if len(_e) + len(_rl.entries) >= LOG_LIMIT:"):  # ReadLog.full
            em.observed_here()
            w.line("_rt.hooks.on_log_full()")
    with w.block("elif (_h := _rt.hooks) is not None:"):
        # Reported before it is stored, as the interpreter does (the recorder relies on it).
        em.observed_here()
        w.line(told)
    if test:
        with w.block(f"if {test} and (_h := _rt.hooks) is not None:"):
            em.observed_here()
            w.line(f"_h.on_nonfinite(thread, {bid}, {cell}.name, {x})")
    w.line(f"{items}[{at}] = {x}")


def replace_item(em: FunctionEmitter, stmt: ListWriteStmt, items: str, args: list[str]) -> None:
    """replace item: a float index inside the list is written inline."""
    w = em.w
    i, x = em.ex.temp(), em.ex.temp()
    w.line(f"{i} = {args[0]}")
    w.line(f"{x} = {args[1]}")
    check = f"1.0 <= {i} < {em.ex.limit(stmt.list.index, items)}"
    if not stmt.args[0].type.is_number:
        check = f"type({i}) is float and {check}"
    with w.block(f"if {check}:"):
        w.line(f"{items}[floor({i}) - 1] = {x}")
    # A float outside the list (NaN too) writes nothing (to_list_index); text goes to the call.
    if not stmt.args[0].type.is_number:
        with w.block(f"elif type({i}) is not float:"):
            w.line(f"replace_item({items}, {i}, {x}, _rng)")


# ## Control


def loop(em: FunctionEmitter, stmt: Loop) -> None:
    w, cost = em.w, stmt.info.cost
    counter = ""
    state = "None"  # the loop's frame's state, for pausable code (handoff.Level)
    if stmt.kind == "repeat":
        assert stmt.arg is not None
        em.prepare([stmt.arg], ahead=cost)
        if em.unit.pausable:
            state = em.ex.temp()  # what is left of the count, as control_repeat keeps it
            header = f"for {state} in counted_passes({em.ex(stmt.arg)}):"
        else:
            header = f"for _ in passes({em.ex(stmt.arg)}):"
    else:
        header = "while True:"
    head = em.loop_head(stmt)
    at_head = dict(em.vars)  # every exit leaves from the top of a pass, in this state
    invariants = [ref.index for ref in stmt.invariants]
    numbers = {ref.index for ref in stmt.numbers}
    em.numbers |= numbers
    em.cast_invariants(invariants)
    em.invariants.extend(invariants)
    em.compute_constants(stmt.constants)
    em.constants.extend(stmt.constants)
    lengths = [ref.index for ref in stmt.fixed_lengths]
    em.measure_lists(lengths)
    em.ex.lengths.update(lengths)
    guarded = len(em.ex.guards)
    if em.hooks and not em.unit.writes_only:  # (which tells no index quirk and no NaN)
        cast, constants = set(em.invariants), dict(em.constants)
        kept = frozenset(em.ex.lengths)
        guard = loop_guard(stmt, cast, constants, em.ex.temp, em.reads_reported, kept)
        if guard is not None:
            em.ex.guards.append(guard)
            em.check_wholes([guard])
            em.guard_limits([guard])
    if stmt.kind == "for_each":
        counter = state = em.ex.temp()
        w.line(f"{counter} = 0.0")
    em.loops.append(head)
    memos = loop_memos(stmt, em.lazy, em.ex.temp) if em.hooks else {}
    em.memos.update(memos)
    own = [name for memo in memos.values() for name in memo.locals()]
    for name in own:
        w.line(f"{name} = False  # no origin kept yet (OriginMemo; an origin is a tuple or None)")
    settling = next((memo.settling for memo in memos.values() if memo.settling), None)
    if settling is not None:
        w.line(f"{settling.settled} = False  # no pass has kept every origin yet (Settling)")
        w.line(f"{settling.clean} = True")
        own.append(settling.settled)
    em.memo_scopes.append(own)
    if logs_runs(em, stmt):
        em.run = LoggedRun(em.sites.first_pattern + len(em.sites.patterns), counters(em, stmt))
        em.run.start(w, 0)
    with w.block(header), em.level(stmt.info.id, True, state):
        em.pending = cost  # every pass runs the loop block again
        if stmt.kind in ("until", "while", "for_each"):
            loop_test(em, stmt, counter)
        em.body(stmt.body)
        if em.run is not None:
            em.run.stride = em.pending  # what a pass adds to the clock
            if em.run.counters:  # its runs' ends and looks inside the pass tell passes by it
                em.strides[em.run.stride_name] = em.pending
        em.loop_end(head, stmt.info.id)
        if stmt.kind == "repeat" and stmt.arg_has_effect:
            em.effects((stmt.arg,), ahead=cost)  # type: ignore[arg-type]
            em.normalize(head)
    if em.run is not None:
        em.run.end(w, 0)  # _b is where a next pass would start
        em.sites.patterns.extend(em.run.patterns())
        em.run = None
    if lengths:
        em.flush_misses()  # the lengths it kept are the misses' lengths no more
    em.loops.pop()
    em.memo_scopes.pop()
    del em.ex.guards[guarded:]
    del em.invariants[len(em.invariants) - len(invariants) :]
    del em.constants[len(em.constants) - len(stmt.constants) :]
    em.numbers -= numbers
    em.ex.lengths.difference_update(lengths)
    em.vars = at_head
    em.pending = cost if stmt.kind == "repeat" else 0  # the pass that ends the loop


def loop_test(em: FunctionEmitter, stmt: Loop, counter: str) -> None:
    """The test at the top of each pass of repeat until, while and for each."""
    w = em.w
    assert stmt.arg is not None
    em.prepare([stmt.arg])
    value = em.ex(stmt.arg)
    if stmt.kind == "for_each":
        test = f"not ({counter} < {value})"
    else:
        test = value if stmt.kind == "until" else f"not {value}"
    with w.block(f"if {test}:"):
        # The pass's cost, unless the test's interpreter closures had it written to _b already.
        if em.pending:
            w.line(f"_b += {em.pending}")
        w.line("break")
    if stmt.kind == "for_each":
        assert stmt.var is not None
        w.line(f"{counter} += 1.0")
        i = stmt.var.index
        if i in em.lazy:
            cell = em.ex.temp()
            w.line(f"{cell} = VG_{i}()")
            w.line(f"{cell}.value = {counter}")
        elif i in em.vars:
            cell = f"V_{i}"
            w.line(f"v_{i} = {counter}")
            em.vars[i] = True
        else:
            cell = f"V_{i}"
            w.line(f"{cell}.value = {counter}")
        if em.hooks:
            variable = None if i in em.lazy else i
            report_var(em, stmt.info.id, cell, counter, change=True, variable=variable)


def wait(em: FunctionEmitter, stmt: Wait) -> None:
    """wait (seconds), wait until, broadcast and wait: a block that re-runs until it is done."""
    cost, w = stmt.info.cost, em.w
    if stmt.kind == "until":
        em.store(keep=False)
        em.flush_clock()
        with w.block("while True:"):
            w.line(f"_b += {cost}")
            assert stmt.arg is not None
            em.prepare([stmt.arg])
            with w.block(f"if {em.ex(stmt.arg)}:"):
                w.line("break")
            _recheck(em, stmt)
            em.pause_site(stmt.info.id)
        return
    if stmt.kind == "seconds":
        wait_seconds(em, stmt)
    else:
        broadcast_and_wait(em, stmt)


def _recheck(em: FunctionEmitter, stmt: Wait) -> None:
    """The end of an unfinished check: an idle turn, then the block runs again."""
    if stmt.idle:
        em.w.line(f"set_idle(thread, {stmt.info.cost})")
    em.maybe_suspend("waiting: the block runs again", stmt.idle)


def wait_seconds(em: FunctionEmitter, stmt: Wait) -> None:
    w, cost = em.w, stmt.info.cost
    assert stmt.arg is not None
    em.pending += cost
    em.prepare([stmt.arg])
    start, duration = em.ex.temp(), em.ex.temp()
    # Every wait, even wait 0, yields at least once and asks for a redraw; the clock it reads is
    # frozen within a frame.
    w.line(f"{duration} = max(0.0, 1000.0 * {em.number(stmt.arg)})")
    w.line(f"{start} = _rt.now_ms")
    w.line("_rt.redraw_requested = True")
    em.maybe_suspend("wait: the first check always yields", idle=False)
    state = f"({start}, {duration})"  # control_wait's frame state
    em.pause_site(stmt.info.id, state)
    with w.block("while True:"):
        w.line(f"_b += {cost}")
        em.effects((stmt.arg,))
        with w.block(f"if _rt.now_ms - {start} >= {duration}:"):
            w.line("break")
        _recheck(em, stmt)
        em.normalize(set())
        em.pause_site(stmt.info.id, state)


def broadcast_and_wait(em: FunctionEmitter, stmt: Wait) -> None:
    w, cost = em.w, stmt.info.cost
    em.pending += cost
    name = _message_source(em, stmt.message, stmt.arg)
    if name is None:
        return
    em.store(keep=False)
    em.sync()
    started = em.ex.temp()
    if name.startswith("_"):
        w.line(f"{started} = _rt.start_broadcast({name}) if {name} is not None else []")
    else:
        w.line(f"{started} = _rt.start_broadcast({name})")
    em.resync()
    # Still waiting while a thread it started is in the thread list (a restarted receiver is new).
    with w.block(f"while {started} and any_running(_rt, {started}):"):
        if stmt.idle:
            w.line(f"set_idle(thread, {cost})")
        with w.block(f"if all_waiting(_rt, {started}):"):
            w.line("thread.status = YIELD_TICK")
            em.suspend("every thread it started waits: wait a frame")
        with w.block("else:"):
            em.maybe_suspend("waiting for the threads it started", stmt.idle)
        em.pause_site(stmt.info.id, started)
        w.line(f"_b += {cost}")
        if stmt.arg is not None:
            em.effects((stmt.arg,))
        em.normalize(set())


def _message_source(em: FunctionEmitter, message: str | None, reporter: Expr | None) -> str | None:
    """Source of the message name: a constant, a temporary (None at run time: no message), or None."""
    if reporter is None:
        return None if message is None else constant(message)
    em.prepare([reporter])
    name = em.ex.temp()
    em.w.line(f"{name} = broadcast_name(_rt, {em.ex(reporter)})")
    return name


def broadcast(em: FunctionEmitter, stmt: Broadcast) -> None:
    name = _message_source(em, stmt.message, stmt.reporter)
    if name is None:
        return
    em.sync()
    w = em.w
    # Starting a hat costs a block of the clock; the receivers run later in this tick.
    if name.startswith("_"):
        with w.block(f"if {name} is not None:"):
            w.line(f"_rt.start_broadcast({name})")
    else:
        w.line(f"_rt.start_broadcast({name})")
    em.resync()


def wait_outside(em: FunctionEmitter, stmt: WaitOutside) -> None:
    """say/think for (secs) and ask and wait: the thread waits outside the tick loop."""
    em.pending += stmt.info.cost
    em.prepare(stmt.args)
    args = [em.ex(a) for a in stmt.args]
    block_id = constant(stmt.info.id)
    em.store(keep=False)
    em.sync()
    if stmt.kind == "ask":
        em.w.line(f"_rt.ask(thread, {block_id}, {args[0]})")
    else:
        em.w.line(f"timed_bubble(_rt, thread, {block_id}, {stmt.kind!r}, {args[0]}, {args[1]})")
    em.w.line("yield  # waits outside the tick loop until it is done")
    em.resync()
    em.continue_after(stmt.after)


def stop(em: FunctionEmitter, stmt: Stop) -> None:
    w = em.w
    if stmt.option in ("other scripts in sprite", "other scripts in stage"):
        w.line("_rt.stop_for_target(thread.target, thread)")
        return
    if stmt.option not in ("all", "this script"):
        return  # any other option does nothing
    em.store(keep=False)
    em.sync()
    if stmt.option == "all":
        w.line("_rt.stop_all()")
        w.line(
            "yield  # the thread is stopped: this turn is its last" if em.fn.proccode else "return"
        )
    else:
        w.line("return STOPPED" if em.fn.proccode is not None else "return")


# ## Custom blocks


def call(em: FunctionEmitter, stmt: Call) -> None:
    w = em.w
    em.pending += stmt.info.cost
    em.prepare(stmt.inputs)
    values = []
    for e in stmt.inputs:
        if isinstance(e, Const):
            values.append(em.ex(e))
        else:
            values.append(em.ex.temp())
            w.line(f"{values[-1]} = {em.ex(e)}")
    if stmt.proc is None:
        return  # a prototype with no definition: the call only evaluates its inputs
    callee = em.procs[f"proc_{stmt.proc.index}"]
    em.store(keep=False)
    em.flush_clock()
    _call_yields(em, stmt, callee.warp)
    em.sync()
    args = [values[p] if isinstance(p, int) else em.ex(p) for p in stmt.params]
    warp = {True: "True", False: "False", None: "_warp"}[em.warp]
    call_src = f"proc_{stmt.proc.index}(thread, (PC_{stmt.proc.index}, {stmt.depth}, ctx), {warp}"
    call_src += "".join(f", {a}" for a in args) + ")"
    if callee.generator:
        # The sequencer runs the callee's generator on the thread's own stack, in this turn, and
        # sends back what it returns: Scratch recursion never becomes Python recursion.
        call_src = f"(yield {call_src})"
    needs_result = callee.may_stop or callee.may_return_waiting
    call_line = f"_r = {call_src}" if needs_result else call_src
    if em.unit.pausable:
        handed_over(em, stmt.info.id, call_line)
    else:
        w.line(call_line)
    em.resync()
    if callee.generator and em.warp is True:
        w.line("_lim = warp_limit(thread)  # the callee may have yielded")
    elif callee.generator and em.warp is None:
        with w.block("if _warp:"):
            w.line("_lim = warp_limit(thread)  # the callee may have yielded")
    if callee.may_stop:
        with w.block("if _r == STOPPED:"):
            # scratch-vm runs the call block once more after "stop this script", then goes on.
            w.line(f"_b += {stmt.info.cost}")
            em.effects(stmt.inputs)
            em.store(keep=False)
    if callee.may_return_waiting and stmt.after is not None:
        with w.block(
            "if _r == WAITED:  # it ended waiting: its frames are gone, and so is the call's"
        ):
            before = len(w.lines)
            em.continue_after(stmt.after)
            if len(w.lines) == before:
                w.line("pass  # the next block runs as after any call")


def handed_over(em: FunctionEmitter, call_id: str, call_line: str) -> None:
    """A call whose callee may hand the thread over: the caller's frames go below the callee's."""
    w = em.w
    with w.block("try:"):
        w.line(call_line)
    with w.block("except HandOff as _h:"):
        levels = em.levels_source(call_id)
        w.line(f"_h.called({em.frames_source(levels)}, {em.params_source})")
        w.line("raise")


def _call_yields(em: FunctionEmitter, stmt: Call, callee_warp: bool) -> None:
    """The call's own yields: the warp timer ran out, or a recursive call outside warp."""
    assert stmt.proc is not None
    w = em.w
    recursion = f"recursive(ctx, PC_{stmt.proc.index}, {stmt.depth})"
    if em.warp is True:
        with w.unless(em.warp_time_left()):
            em.suspend("the warp timer ran out: yield before the custom block runs")
        return
    if em.warp is False:
        if not callee_warp:
            with w.block(f"if {recursion}:"):
                em.suspend("a recursive call yields once outside warp")
        return
    with w.block("if _warp and _b > _lim:"):
        em.suspend("the warp timer ran out: yield before the custom block runs")
    if not callee_warp:
        with w.block(f"elif not _warp and {recursion}:"):
            em.suspend("a recursive call yields once outside warp")
