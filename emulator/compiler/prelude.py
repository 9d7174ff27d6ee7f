"""Helpers the generated code calls: list slow paths, repeat counts, recursion checks, waits, fallbacks.

Every cast and comparison comes from emulator.values; the generated code imports those names from
here (see NAMES), so a generated module's globals are this module's exports plus its own tables.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from emulator.errors import EmulatorError
from emulator.runtime.hooks import BubbleKind
from emulator.runtime.sequencer import WARP_BLOCKS, next_turn_is_at_once
from emulator.runtime.thread import NEXT, STOPPED, WAITED, YIELD_TICK, Frame
from emulator.values import (
    CAST_CACHE,
    LIST_ALL,
    LIST_INVALID,
    LIST_ITEM_LIMIT,
    RandomSource,
    Value,
    compare,
    divide,
    equals,
    greater_than,
    join,
    js_mod,
    js_number,
    js_round,
    less_than,
    letter_of,
    list_contents,
    mathop,
    random_between,
    text_contains,
    text_length,
    to_boolean,
    to_list_index,
    to_number,
    to_string,
)

if TYPE_CHECKING:
    from emulator.runtime.handoff import Context
    from emulator.runtime.nodes import Reporter, Stmt
    from emulator.runtime.runtime import Runtime
    from emulator.runtime.thread import Thread

# How many stack entries below a call scratch-vm looks at for the same procedure (thread.js).
RECURSION_WINDOW = 6

# ## Lists (the slow paths; the generated code reads a float index inside the list inline)


def item_of(items: list[Value], index: Value, rng: RandomSource) -> Value:
    """data_itemoflist: the item, or "" for an index outside the list."""
    k = to_list_index(index, len(items), False, rng)
    return "" if k == LIST_INVALID else items[k - 1]


def item_number(items: list[Value], item: Value) -> float:
    """data_itemnumoflist: the first position whose item compares equal, else 0."""
    for k, candidate in enumerate(items, 1):
        if compare(candidate, item) == 0:
            return float(k)
    return 0.0


def list_has(items: list[Value], item: Value) -> bool:
    """data_listcontainsitem."""
    return any(compare(candidate, item) == 0 for candidate in items)


def add_item(items: list[Value], item: Value) -> None:
    """data_addtolist: ignored once the list holds 200,000 items."""
    if len(items) < LIST_ITEM_LIMIT:
        items.append(item)


def delete_item(items: list[Value], index: Value, rng: RandomSource) -> None:
    """data_deleteoflist: "all" empties the list; an index outside it does nothing."""
    k = to_list_index(index, len(items), True, rng)
    if k == LIST_ALL:
        items.clear()
    elif k != LIST_INVALID:
        del items[k - 1]


def insert_item(items: list[Value], item: Value, index: Value, rng: RandomSource) -> None:
    """data_insertatlist (item first, as the block evaluates it): valid from 1 to length + 1."""
    k = to_list_index(index, len(items) + 1, False, rng)
    if k == LIST_INVALID or k > LIST_ITEM_LIMIT:
        return
    items.insert(k - 1, item)
    if len(items) > LIST_ITEM_LIMIT:
        items.pop()


def replace_item(items: list[Value], index: Value, item: Value, rng: RandomSource) -> None:
    """data_replaceitemoflist: an index outside the list does nothing."""
    k = to_list_index(index, len(items), False, rng)
    if k != LIST_INVALID:
        items[k - 1] = item


# ## Loops


ENDLESS_COUNT = (
    9007199254740992.0  # 2**53: count - 1 == count, scratch-vm's counter never reaches 0
)


def passes(count: float) -> Iterable[None]:
    """The passes of a repeat whose rounded count is `count` (a count past 2**53 never runs out)."""
    if count >= ENDLESS_COUNT:
        return itertools.repeat(None)
    if count < 1:
        return ()
    return itertools.repeat(None, math.floor(count))


def counted_passes(count: float) -> Iterable[float]:
    """passes, each telling what is left of the count after it (control_repeat's frame state)."""
    if count >= ENDLESS_COUNT:
        return itertools.repeat(count - 1)
    if count < 1:
        return ()
    return (float(n) for n in range(math.floor(count) - 1, -1, -1))


def timer(rt: Runtime) -> float:
    """sensing_timer: seconds since the timer was reset, on the frame's frozen clock."""
    return (rt.now_ms - rt.timer_start_ms) / 1000.0


def recursive(ctx: Context, proccode: str, depth: int) -> bool:
    """Thread.is_recursive_call for compiled code: is `proccode` in the 6 stack entries below the call?"""
    distance = depth + 1  # the call's own branch frames, then its procedure's call frame
    while ctx is not None and distance <= RECURSION_WINDOW:
        caller, frames_below, ctx = ctx
        if caller == proccode:
            return True
        distance += frames_below + 1
    return False


def warp_limit(thread: Thread) -> int:
    """The block count past which a warp-mode thread yields at its next chance."""
    return thread.warp_start + WARP_BLOCKS


def warp_end(thread: Thread) -> int:
    """The clock after a wait inside warp busy-waited until the warp timer ran out."""
    return thread.warp_start + WARP_BLOCKS + 1


def set_idle(thread: Thread, cost: int) -> None:
    """Mark a turn that ends on an unfinished wait; `cost` is what re-checking it costs."""
    thread.idle = True
    thread.frames[-1].node.cost = cost  # type: ignore[union-attr]


# ## Broadcasts and waits outside the tick loop


def any_running(rt: Runtime, started: list[Thread]) -> bool:
    """broadcast and wait: whether a thread it started is still in the thread list."""
    return any(rt.has_thread(s) for s in started)


def all_waiting(rt: Runtime, started: list[Thread]) -> bool:
    """broadcast and wait: whether every thread it started waits (so it waits a whole frame)."""
    return all(rt.is_waiting(s) for s in started)


def broadcast_name(rt: Runtime, value: Value) -> str | None:
    """The stage's message a reporter in a broadcast slot names, ignoring case."""
    return rt.broadcast_by_name(to_string(value))


def timed_bubble(
    rt: Runtime, thread: Thread, block_id: str, kind: str, text: Value, seconds: Value
) -> None:
    """say/think for (secs): show the bubble and wait outside the tick loop until it is due."""
    shown = rt.say(thread, block_id, BubbleKind(kind), text)
    deadline = rt.now_ms + 1000.0 * to_number(seconds)

    def wake() -> bool:
        if rt.now_ms < deadline:
            return False
        rt.clear_bubble(thread.target, shown)  # only if nothing replaced it meanwhile
        return True

    rt.wait_outside(thread, wake)


def say(rt: Runtime, thread: Thread, block_id: str, kind: str, text: Value) -> None:
    """say / think (text)."""
    rt.say(thread, block_id, BubbleKind(kind), text)


# ## The interpreter, for blocks the compiler leaves to it


def run_statement(stmt: Stmt, thread: Thread, params: dict[str, Value] | None) -> None:
    """Run one block with the interpreter's closure; it must go on to the next block."""
    frame = thread.frames[-1]
    frame.params = params
    try:
        action = stmt.run(thread, Frame(stmt, frame.warp))
    finally:
        frame.params = None
    if action != NEXT:
        raise EmulatorError(f"{stmt.opcode} cannot run inside compiled code (it changes the stack)")


def run_reporter(report: Reporter, thread: Thread, params: dict[str, Value] | None) -> Value:
    """Evaluate one reporter with the interpreter's closure (argument reporters read `params`)."""
    frame = thread.frames[-1]
    frame.params = params
    try:
        return report(thread)
    finally:
        frame.params = None


# ## What generated code may name: these, plus its unit's own tables

NAMES: dict[str, Any] = {
    fn.__name__: fn
    for fn in (
        # values.py, the one home of Scratch's casts and operators
        to_number,
        to_string,
        to_boolean,
        js_number,
        js_round,
        js_mod,
        divide,
        equals,
        less_than,
        greater_than,
        join,
        letter_of,
        text_length,
        text_contains,
        list_contents,
        mathop,
        random_between,
        # this module
        item_of,
        item_number,
        list_has,
        add_item,
        delete_item,
        insert_item,
        replace_item,
        passes,
        counted_passes,
        timer,
        recursive,
        warp_limit,
        warp_end,
        set_idle,
        any_running,
        all_waiting,
        broadcast_name,
        timed_bubble,
        say,
        run_statement,
        run_reporter,
        next_turn_is_at_once,
    )
}
NAMES.update(
    # A list index inside the list is a float >= 1: its item is items[floor(index) - 1]. On CPython
    # 3.11 math.floor of a float is a third of int()'s time (int goes through the type's constructor).
    floor=math.floor,
    CAST_CACHE=CAST_CACHE,
    INF=math.inf,
    NAN=math.nan,
    WARP_BLOCKS=WARP_BLOCKS,
    LIST_ITEM_LIMIT=LIST_ITEM_LIMIT,
    STOPPED=STOPPED,
    WAITED=WAITED,
    YIELD_TICK=YIELD_TICK,
)
