"""List reads and writes for compiled code that carries hooks: each reports what the interpreter's handler reports.

Generated code calls these only when it was compiled for a run with hooks attached; a plain
compiled run never names them. Each mirrors its handler in emulator/runtime/ops/data.py, report
for report and in the same order, given inputs the generated code has already evaluated.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, TypeVar

from emulator.runtime.hooks import (
    EVERY_VARIABLE,
    LIST_ADD,
    LIST_DELETE,
    LIST_INSERT,
    LIST_REPLACE,
    LOG_LIMIT,
    READ_MISS,
    WRITE_MISS,
    FractionTally,
    MissTally,
    WriteLog,
)
from emulator.runtime.origins import MAX_DEPTH, joined
from emulator.values import (
    CAST_CACHE,
    LIST_ALL,
    LIST_INVALID,
    LIST_ITEM_LIMIT,
    Value,
    to_list_index,
)

if TYPE_CHECKING:
    from emulator.runtime.block_flags import BlockFlags
    from emulator.runtime.runtime import Runtime
    from emulator.runtime.state import ListCell, RuntimeTarget, VarCell
    from emulator.runtime.thread import Thread

T = TypeVar("T")  # a tally the hooks keep per block (MissTally, FractionTally)


def seen(rt: Runtime, blocks: int, *cells_and_values: Any) -> None:
    """Before a report made inside an expression: the clock, and each (cell, value) pair's cell,
    as the interpreter has them (generated code holds them in locals until a report needs them)."""
    rt.blocks = blocks
    for k in range(0, len(cells_and_values), 2):
        cells_and_values[k].value = cells_and_values[k + 1]


def tallied(tally: MissTally, i: float, length: int) -> str:
    """A further read past the end of a list, added to its block's tally (RunHooks.read_misses) as
    on_list_miss would count it; generated code calls this for a whole index outside the list."""
    tally.count += 1
    if i < tally.first_index:
        tally.first_index = i
    if i > tally.last_index:
        tally.last_index = i
    tally.length = length
    return ""


def flushed(tally: MissTally | None, count: int, first: float, last: float, length: int) -> None:
    """Misses at one site that a loop counted in its locals (ExprEmitter.counted_miss), added to
    their tally as tallied would have added each: generated code calls this wherever anything
    may look at the tally (a yield, a call out, the loop's end) and forgets the tally there."""
    if tally is None:
        return
    tally.count += count
    if first < tally.first_index:
        tally.first_index = first
    if last > tally.last_index:
        tally.last_index = last
    tally.length = length


def logged(
    rt: Runtime, log: WriteLog, t: Thread, block_id: str, cell: VarCell, value: Value
) -> None:
    """After generated code appended a write to the hooks' WriteLog: hand the log over once it is
    full, and tell the hooks of NaN or an infinity, as Runtime.report_var does."""
    if len(log) + log.skipped >= log.limit:  # WriteLog.events, without a call
        log.on_full()
    if type(value) is float and value * 0.0 != 0.0 and rt.hooks is not None:
        rt.hooks.on_nonfinite(t, block_id, cell.name, value)


# Where code for hooks that hear writes alone appends while no such hooks take its writes: every
# write then takes the slow path (room's clock of -1), which empties it and tells the hooks.
NO_LOG = WriteLog(0, lambda: None, lists=False)

# What code for hooks that hear writes alone appends a write to (hooked.room): the log (values),
# its codes and its clocks; and the clock past which the log may be full.
Room = tuple[WriteLog, list[int], list[int], int]


def room(log: WriteLog | None, t: Thread, b: int, ahead: int) -> Room:
    """The log code for hooks that hear writes alone appends to (with its codes and clocks, for
    the code to hold), and the clock its `_b` must pass before the log can be full: the log is
    checked only then (wrote), not at each write. Thread t writes to it from here.

    Each write is a block of its own, at least a block past the one before it, so the k-th write
    from here runs at least k - 1 blocks past b (the clock read back, or the slow path's write's
    _b). Code whose writes run at most `ahead` blocks past its _b, with the log holding room for
    m more writes, cannot fill it before _b passes b + m - ahead - 2 (the bound generated code
    moves on by itself where it looks and the log is short: emit_stmts.ROOM_BOUND)."""
    if log is None:
        NO_LOG.clear()  # of the runs a loop began and ended there (a write's slow path clears it)
        return NO_LOG, NO_LOG.codes, NO_LOG.clocks, -1
    if log.thread is not t:
        log.mark(t)
    return log, log.codes, log.clocks, b + log.limit - len(log) - log.skipped - ahead - 2


def wrote(
    rt: Runtime,
    log: WriteLog,
    current: WriteLog | None,
    t: Thread,
    block_id: str,
    cell: VarCell,
    value: Value,
    b: int,
    ahead: int,
) -> Room:
    """checked, after a variable's write; with no log taking writes (other hooks attached
    since the thread started), the write is told to the hooks as Runtime.report_var tells it."""
    if log is NO_LOG:
        log.clear()
        if rt.hooks is not None:
            rt.report_var(t, block_id, cell, value)
        return room(current, t, b, ahead)
    return checked(log, current, t, b, ahead)


def checked(log: WriteLog, current: WriteLog | None, t: Thread, b: int, ahead: int) -> Room:
    """After a write appended to `log` when its clock passed room's bound (the cells and the
    clock are up to date, an item's replace stored): the log handed over if it is full, or as
    near full as its slack allows (WriteLog.slack); the log and bound from here on (`current` is
    the hooks' log now)."""
    if len(log) + log.skipped >= log.limit - log.slack:  # WriteLog.events
        log.on_full()
    return room(current, t, b, ahead)


def tell_var(rt: Runtime, t: Thread, block_id: str, cell: VarCell, value: Value) -> None:
    """A variable's write told to the hooks, by hooked code that has brought the cells and the
    clock up to date: as Runtime.report_var tells it (its origin kept by the code), a write only
    the hooks' read log hears logged there (ReadLog.wrote)."""
    hooks = rt.hooks
    if hooks is None:
        return
    heard = hooks.reported_writes
    if heard is EVERY_VARIABLE or cell.name in heard:
        if cell.name in hooks.logged_writes:
            assert hooks.read_log is not None
            hooks.read_log.wrote(block_id, cell.name)
        else:
            hooks.on_var_set(t, block_id, cell, value)
    if type(value) is float and value * 0.0 != 0.0:
        hooks.on_nonfinite(t, block_id, cell.name, value)


def counted(tally: FractionTally, item: Value) -> Value:
    """A further read at a fractional index inside the list, counted into its block's tally
    (RunHooks.fractions) as on_list_index would count it; the item read."""
    tally.count += 1
    return item


def h_item(
    rt: Runtime,
    t: Thread,
    block_id: str,
    cell: ListCell,
    i: Value,
    misses: BlockFlags,
    fractions: BlockFlags,
    site: int,
    blocks: int,
    *cells_and_values: Any,
) -> Value:
    """data_itemoflist with its reports: index quirks, watched reads, reads outside the list.
    Before it calls a hook, the clock and the cells are brought up to date (see seen). Once the
    hooks keep a tally of the block's reads past the end (RunHooks.read_misses), it becomes the
    site's miss flag (`misses`), and their tally of its fractional indices inside the list
    (RunHooks.fractions) its fraction flag: generated code adds to them without this call."""
    items = cell.items
    hooks = rt.hooks
    # A whole number, or text that holds one (a number passed on as text), has no quirk to report;
    # a word, or text that is no number, is cached as 0.
    n = i if type(i) is float else CAST_CACHE.get(i) if type(i) is str else None
    if n is not None and n.is_integer() and 1.0 <= n < len(items) + 1:
        k = math.floor(n)
        if hooks is not None and block_id in rt.reported_reads:
            seen(rt, blocks, *cells_and_values)
            hooks.on_list_read(t, block_id, cell, i, k)  # Runtime.report_read, inline
        return items[k - 1]
    if type(i) is float and i.is_integer():  # outside the list (text goes on: tallies keep numbers)
        if hooks is not None:  # as a program with a wrong offset reads
            if block_id in rt.reported_reads:
                log = hooks.read_log
                if log is not None:  # ReadLog.read, inline: a wrong offset reads here often
                    log.entries.append((block_id, cell.name, LIST_INVALID, i, log.stamp))
                else:
                    seen(rt, blocks, *cells_and_values)
                    hooks.on_list_read(t, block_id, cell, i, LIST_INVALID)
            kept = _kept(hooks.read_misses, t, block_id, cell)
            if kept is not None:
                tallied(kept, i, len(items))
            elif hooks.hears_read_misses:
                if cells_and_values:
                    seen(rt, blocks, *cells_and_values)
                else:  # seen's work, without its call: a wrong offset misses here often
                    rt.blocks = blocks
                hooks.on_list_miss(t, block_id, cell, READ_MISS, i, len(items))
                kept = _kept(hooks.read_misses, t, block_id, cell)
            if kept is not None and misses.flags[site] is True:
                misses.set(site, kept)
        return ""
    k = to_list_index(i, len(items), False, rt.rng)
    if hooks is not None:
        seen(rt, blocks, *cells_and_values)
        rt.report_index(t, block_id, cell, i, k)
        if rt.reads_watched:
            rt.report_read(t, block_id, cell, i, k)
        if k != LIST_INVALID and fractions.flags[site] is True:
            counts = _kept(hooks.fractions, t, block_id, cell)
            if counts is not None:
                fractions.set(site, counts)
    if k == LIST_INVALID:
        if hooks is not None:
            hooks.on_list_miss(t, block_id, cell, READ_MISS, i, len(items))
        return ""
    return items[k - 1]


def _kept(
    tallies: dict[str, tuple[RuntimeTarget, ListCell, T]] | None,
    t: Thread,
    block_id: str,
    cell: ListCell,
) -> T | None:
    """The hooks' tally (RunHooks.read_misses, RunHooks.fractions) of this block's reads of this
    list by this thread's target, if they keep one."""
    kept = tallies.get(block_id) if tallies is not None else None
    return kept[2] if kept is not None and kept[0] is t.target and kept[1] is cell else None


def h_add(rt: Runtime, t: Thread, block_id: str, cell: ListCell, x: Value) -> None:
    """data_addtolist with its reports."""
    items = cell.items
    if len(items) < LIST_ITEM_LIMIT:
        items.append(x)
        if rt.hooks is not None:
            rt.report_list(t, block_id, cell, LIST_ADD, len(items), "", x)
    elif rt.hooks is not None:
        rt.hooks.on_list_miss(t, block_id, cell, WRITE_MISS, float(len(items) + 1), len(items))


def h_delete(rt: Runtime, t: Thread, block_id: str, cell: ListCell, i: Value) -> None:
    """data_deleteoflist with its reports."""
    items = cell.items
    k = to_list_index(i, len(items), True, rt.rng)
    hooks = rt.hooks
    if hooks is not None and k != LIST_ALL:
        rt.report_index(t, block_id, cell, i, k)
    if k == LIST_ALL:
        old = items[:]
        items.clear()
        if hooks is not None:
            hooks.on_list_clear(t, block_id, cell, old)
    elif k == LIST_INVALID:
        if hooks is not None:
            hooks.on_list_miss(t, block_id, cell, WRITE_MISS, i, len(items))
    else:
        old_item = items.pop(k - 1)
        if hooks is not None:
            rt.report_list(t, block_id, cell, LIST_DELETE, k, old_item, "")


def h_clear(rt: Runtime, t: Thread, block_id: str, cell: ListCell) -> None:
    """data_deletealloflist with its report."""
    old = cell.items[:]
    cell.items.clear()
    if rt.hooks is not None:
        rt.hooks.on_list_clear(t, block_id, cell, old)


def h_insert(rt: Runtime, t: Thread, block_id: str, cell: ListCell, x: Value, i: Value) -> None:
    """data_insertatlist with its reports (the item is evaluated first, as the block does)."""
    items = cell.items
    k = to_list_index(i, len(items) + 1, False, rt.rng)
    hooks = rt.hooks
    if hooks is not None:
        rt.report_index(t, block_id, cell, i, k)
    if k == LIST_INVALID or k > LIST_ITEM_LIMIT:
        if hooks is not None:
            hooks.on_list_miss(t, block_id, cell, WRITE_MISS, i, len(items))
        return
    items.insert(k - 1, x)
    if len(items) > LIST_ITEM_LIMIT:
        items.pop()
    if hooks is not None:
        rt.report_list(t, block_id, cell, LIST_INSERT, k, "", x)


def h_replace(rt: Runtime, t: Thread, block_id: str, cell: ListCell, i: Value, x: Value) -> None:
    """data_replaceitemoflist with its reports: the write is reported before it is stored."""
    items = cell.items
    k = math.floor(i) if type(i) is float and 1.0 <= i < len(items) + 1 else 0
    hooks = rt.hooks
    if k == 0 or k != i:
        k = to_list_index(i, len(items), False, rt.rng)
        if hooks is not None:
            rt.report_index(t, block_id, cell, i, k)
        if k == LIST_INVALID:
            if hooks is not None:
                hooks.on_list_miss(t, block_id, cell, WRITE_MISS, i, len(items))
            return
    if hooks is not None:
        rt.report_list(t, block_id, cell, LIST_REPLACE, k, items[k - 1], x)
    items[k - 1] = x


HOOKED_NAMES: dict[str, Any] = {
    fn.__name__: fn
    for fn in (
        seen,
        tallied,
        flushed,
        counted,
        logged,
        room,
        wrote,
        checked,
        h_item,
        tell_var,
        h_add,
        h_delete,
        h_clear,
        h_insert,
        h_replace,
    )
}
HOOKED_NAMES["REPLACED"] = LIST_REPLACE
HOOKED_NAMES["PAST_END"] = LIST_INVALID
HOOKED_NAMES["EVERY_VARIABLE"] = EVERY_VARIABLE
HOOKED_NAMES["LOG_LIMIT"] = LOG_LIMIT
HOOKED_NAMES["joined"] = joined  # a write's origin (runtime/origins.py)
HOOKED_NAMES["MAX_ORIGIN_DEPTH"] = MAX_DEPTH
