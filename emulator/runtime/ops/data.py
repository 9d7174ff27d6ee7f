"""data_* blocks: variables and lists, with Scratch's 1-based, drop-what-is-out-of-range rules."""

from __future__ import annotations

from math import floor  # of a float, a third of int()'s time on CPython 3.11
from typing import TYPE_CHECKING

from emulator.project import Block
from emulator.runtime.hooks import (
    LIST_ADD,
    LIST_DELETE,
    LIST_INSERT,
    LIST_REPLACE,
    READ_MISS,
    WRITE_MISS,
)
from emulator.runtime.nodes import Reporter, Run
from emulator.runtime.thread import NEXT, Frame, Thread
from emulator.values import (
    LIST_ALL,
    LIST_INVALID,
    LIST_ITEM_LIMIT,
    Value,
    compare,
    list_contents,
    to_list_index,
    to_number,
)

if TYPE_CHECKING:
    from emulator.runtime.linker import Linker


# ## Variables


def data_variable(linker: Linker, block: Block) -> Reporter:
    get = linker.variable(block)
    return lambda t: get().value


def data_setvariableto(linker: Linker, block: Block) -> Run:
    get, value, rt, block_id = (
        linker.variable(block),
        linker.input(block, "VALUE"),
        linker.rt,
        block.id,
    )

    def run(t: Thread, f: Frame) -> int:
        # Scratch stores the value as it is: a literal "10" stays the string "10".
        v = value(t)
        cell = get()
        cell.value = v
        if rt.hooks is not None:
            rt.report_var(t, block_id, cell, v)
        return NEXT

    return run


def data_changevariableby(linker: Linker, block: Block) -> Run:
    get, delta, rt, block_id = (
        linker.variable(block),
        linker.input(block, "VALUE"),
        linker.rt,
        block.id,
    )

    def run(t: Thread, f: Frame) -> int:
        d = delta(t)
        cell = get()
        v = to_number(cell.value) + to_number(d)
        cell.value = v
        if rt.hooks is not None:
            rt.report_var(t, block_id, cell, v)
        return NEXT

    return run


def _show_or_hide(linker: Linker, block: Block) -> Run:
    # Monitors are not emulated; showing or hiding one changes no state.
    return lambda t, f: NEXT


data_showvariable = data_hidevariable = data_showlist = data_hidelist = _show_or_hide


# ## List reporters


def data_listcontents(linker: Linker, block: Block) -> Reporter:
    get = linker.list(block)
    return lambda t: list_contents(get().items)


def data_itemoflist(linker: Linker, block: Block) -> Reporter:
    get, index, rt, block_id = linker.list(block), linker.input(block, "INDEX"), linker.rt, block.id

    def report(t: Thread) -> Value:
        i = index(t)
        cell = get()
        items = cell.items
        # Fast path: a whole float index inside the list (NaN fails both tests).
        if type(i) is float and 1.0 <= i < len(items) + 1:
            k = floor(i)
            if k == i:
                if rt.reads_watched:
                    rt.report_read(t, block_id, cell, i, k)
                return items[k - 1]
        k = to_list_index(i, len(items), False, rt.rng)
        if rt.hooks is not None:
            rt.report_index(t, block_id, cell, i, k)
            if rt.reads_watched:
                rt.report_read(t, block_id, cell, i, k)
        if k == LIST_INVALID:
            # Scratch answers "" for an item that is not there.
            if rt.hooks is not None:
                rt.hooks.on_list_miss(t, block_id, cell, READ_MISS, i, len(items))
            return ""
        return items[k - 1]

    return report


def data_itemnumoflist(linker: Linker, block: Block) -> Reporter:
    get, item = linker.list(block), linker.input(block, "ITEM")

    def report(t: Thread) -> Value:
        x = item(t)
        for k, candidate in enumerate(get().items, 1):
            if compare(candidate, x) == 0:
                return float(k)
        return 0.0

    return report


def data_lengthoflist(linker: Linker, block: Block) -> Reporter:
    get = linker.list(block)
    return lambda t: float(len(get().items))


def data_listcontainsitem(linker: Linker, block: Block) -> Reporter:
    get, item = linker.list(block), linker.input(block, "ITEM")

    def report(t: Thread) -> Value:
        x = item(t)
        return any(compare(candidate, x) == 0 for candidate in get().items)

    return report


# ## List writes


def data_addtolist(linker: Linker, block: Block) -> Run:
    get, item, rt, block_id = linker.list(block), linker.input(block, "ITEM"), linker.rt, block.id

    def run(t: Thread, f: Frame) -> int:
        x = item(t)
        cell = get()
        items = cell.items
        # Scratch silently ignores an add once a list holds 200,000 items.
        if len(items) < LIST_ITEM_LIMIT:
            items.append(x)
            if rt.hooks is not None:
                rt.report_list(t, block_id, cell, LIST_ADD, len(items), "", x)
        elif rt.hooks is not None:
            rt.hooks.on_list_miss(t, block_id, cell, WRITE_MISS, float(len(items) + 1), len(items))
        return NEXT

    return run


def data_deleteoflist(linker: Linker, block: Block) -> Run:
    get, index, rt, block_id = linker.list(block), linker.input(block, "INDEX"), linker.rt, block.id

    def run(t: Thread, f: Frame) -> int:
        i = index(t)
        cell = get()
        items = cell.items
        k = to_list_index(i, len(items), True, rt.rng)
        if rt.hooks is not None and k != LIST_ALL:
            rt.report_index(t, block_id, cell, i, k)
        if k == LIST_ALL:
            old = items[:]
            items.clear()
            if rt.hooks is not None:
                rt.hooks.on_list_clear(t, block_id, cell, old)
        elif k == LIST_INVALID:
            if rt.hooks is not None:
                rt.hooks.on_list_miss(t, block_id, cell, WRITE_MISS, i, len(items))
        else:
            old_item = items.pop(k - 1)
            if rt.hooks is not None:
                rt.report_list(t, block_id, cell, LIST_DELETE, k, old_item, "")
        return NEXT

    return run


def data_deletealloflist(linker: Linker, block: Block) -> Run:
    get, rt, block_id = linker.list(block), linker.rt, block.id

    def run(t: Thread, f: Frame) -> int:
        cell = get()
        old = cell.items[:]
        cell.items.clear()
        if rt.hooks is not None:
            rt.hooks.on_list_clear(t, block_id, cell, old)
        return NEXT

    return run


def data_insertatlist(linker: Linker, block: Block) -> Run:
    get, rt, block_id = linker.list(block), linker.rt, block.id
    item, index = linker.input(block, "ITEM"), linker.input(block, "INDEX")

    def run(t: Thread, f: Frame) -> int:
        x, i = item(t), index(t)
        cell = get()
        items = cell.items
        # The valid range is 1..length+1, so "last" (and length+1) appends.
        k = to_list_index(i, len(items) + 1, False, rt.rng)
        if rt.hooks is not None:
            rt.report_index(t, block_id, cell, i, k)
        if k == LIST_INVALID or k > LIST_ITEM_LIMIT:
            if rt.hooks is not None:
                rt.hooks.on_list_miss(t, block_id, cell, WRITE_MISS, i, len(items))
            return NEXT
        items.insert(k - 1, x)
        if len(items) > LIST_ITEM_LIMIT:
            items.pop()  # Scratch drops the last item to stay within the limit
        if rt.hooks is not None:
            rt.report_list(t, block_id, cell, LIST_INSERT, k, "", x)
        return NEXT

    return run


def data_replaceitemoflist(linker: Linker, block: Block) -> Run:
    get, rt, block_id = linker.list(block), linker.rt, block.id
    index, item = linker.input(block, "INDEX"), linker.input(block, "ITEM")

    def run(t: Thread, f: Frame) -> int:
        i, x = index(t), item(t)
        cell = get()
        items = cell.items
        k = floor(i) if type(i) is float and 1.0 <= i < len(items) + 1 else 0
        if k == 0 or k != i:
            k = to_list_index(i, len(items), False, rt.rng)
            if rt.hooks is not None:
                rt.report_index(t, block_id, cell, i, k)
            if k == LIST_INVALID:
                # Scratch silently drops a replace outside the list.
                if rt.hooks is not None:
                    rt.hooks.on_list_miss(t, block_id, cell, WRITE_MISS, i, len(items))
                return NEXT
        if rt.hooks is not None:
            rt.report_list(t, block_id, cell, LIST_REPLACE, k, items[k - 1], x)
        items[k - 1] = x
        return NEXT

    return run
