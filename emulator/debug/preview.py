"""Evaluating reporters on a paused thread without changing the run: the values the debugger shows."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from emulator.values import Value

if TYPE_CHECKING:
    from emulator.runtime.nodes import Reporter, Stmt
    from emulator.runtime.runtime import Runtime
    from emulator.runtime.thread import Thread


def preview_inputs(runtime: Runtime, thread: Thread, stmt: Stmt) -> list[tuple[str, Value]]:
    """The values of a block's inputs (a paused one's, say), evaluated without changing the run."""
    return preview(runtime, thread, stmt.inputs)


def preview(
    runtime: Runtime, thread: Thread, reporters: Iterable[tuple[str, Reporter]]
) -> list[tuple[str, Value]]:
    """Evaluate named reporters on a thread without changing the run."""
    rng_state, hooks = runtime.rng.getstate(), runtime.hooks
    known = [(t, set(t.variables), set(t.lists)) for t in runtime.targets]
    runtime.hooks = None  # reads outside a list would be reported as the program's
    try:
        return [(name, report(thread)) for name, report in reporters]
    finally:
        runtime.hooks = hooks
        runtime.rng.setstate(rng_state)  # "pick random" and item "random" draw from it
        for target, variables, lists in known:  # lookups create missing variables and lists
            for var_id in set(target.variables) - variables:
                del target.variables[var_id]
            for list_id in set(target.lists) - lists:
                del target.lists[list_id]
