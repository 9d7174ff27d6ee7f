"""Evaluating reporters on a paused thread without changing the run: the values the debugger shows."""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from typing import TYPE_CHECKING, Any

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
    # Lookups create a missing variable or list; counting is enough to notice one (the usual case:
    # none), and only then is the target's set of names compared, to take the new one away.
    counts = [(len(t.variables), len(t.lists)) for t in runtime.targets]
    runtime.attach(None)  # reads outside a list would be reported as the program's
    try:
        return [(name, report(thread)) for name, report in reporters]
    finally:
        runtime.attach(hooks)
        runtime.rng.setstate(rng_state)  # "pick random" and item "random" draw from it
        for target, (variables, lists) in zip(runtime.targets, counts, strict=True):
            _drop_new(target.variables, variables)
            _drop_new(target.lists, lists)


def _drop_new(cells: MutableMapping[str, Any], count: int) -> None:
    """Remove the entries added after the first `count` (dicts keep insertion order)."""
    for key in list(cells)[count:]:
        del cells[key]
