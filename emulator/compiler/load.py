"""Compiles generated source under synthetic file names, registers it in linecache, returns the functions."""

from __future__ import annotations

import linecache
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from emulator.compiler.emit import Source
from emulator.compiler.hooked import HOOKED_NAMES
from emulator.compiler.lower import Unit
from emulator.compiler.prelude import NAMES
from emulator.runtime.block_flags import FRACTION_FLAG, MISS_FLAG, READ_FLAG, BlockFlags
from emulator.runtime.handoff import HandOff, frames_at

if TYPE_CHECKING:
    from emulator.runtime.runtime import Runtime


def namespace(
    runtime: Runtime,
    unit: Unit,
    pauses: BlockFlags,
    reads: BlockFlags,
    misses: BlockFlags,
    fractions: BlockFlags,
) -> dict[str, Any]:
    """The globals of a unit's code: the prelude, the runtime, the flags of its sites, and the
    unit's tables by their names."""
    ns: dict[str, Any] = dict(NAMES)
    if unit.hooks:
        ns.update(HOOKED_NAMES)
        reads.bind(ns, READ_FLAG)
        misses.bind(ns, MISS_FLAG)
        fractions.bind(ns, FRACTION_FLAG)
        ns["MISS_FLAGS"], ns["FRACTION_FLAGS"] = misses, fractions  # h_item sets them
        ns["WRITE_LOG"] = None  # the hooks' WriteLog, while they hear every write (Runtime.retune)
        ns["ITEM_LOG"] = None  # the hooks' read log, while they log list writes there (the same)
    if unit.pausable:
        ns["HandOff"], ns["frames_at"], ns["PAUSE_AT"] = HandOff, frames_at, pauses.flags
    ns["_rt"], ns["_rng"] = runtime, runtime.rng
    t = unit.tables
    for i, cell in enumerate(t.variables):
        ns[f"VG_{i}" if i in t.lazy_variables else f"V_{i}"] = cell
    for i, cell in enumerate(t.lists):
        # A list's items never change identity (delete all clears them in place): bind them once.
        ns[f"LG_{i}" if i in t.lazy_lists else f"L_{i}"] = cell if i in t.lazy_lists else cell.items
        if unit.hooks and i not in t.lazy_lists:
            ns[f"LC_{i}"], ns[f"LN_{i}"] = cell, cell.name
            ns[f"MARKS_{i}"] = None  # the hooks' marks of its items (Runtime._hand_write_log)
    for i, closure in enumerate(t.fallbacks):
        ns[f"FB_{i}"] = closure
    for fn in unit.functions:
        if fn.proccode is not None:
            ns[f"PC_{fn.name.removeprefix('proc_')}"] = fn.proccode
    return ns


def load(ns: dict[str, Any], sources: list[Source]) -> dict[str, Callable[..., Any]]:
    """Compile each source under its own file name (tracebacks show its lines) into one namespace."""
    for source in sources:
        code = compile(source.text, source.filename, "exec")
        lines = source.text.splitlines(keepends=True)
        # mtime None: linecache.checkcache keeps the entry, as there is no file to compare with.
        linecache.cache[source.filename] = (len(source.text), None, lines, source.filename)
        exec(code, ns)
    return {source.name: ns[source.name] for source in sources}
