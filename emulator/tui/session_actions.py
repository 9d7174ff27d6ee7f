"""What the inspector's keys do to a DebugSession, without a screen: watches, conditions, search, labels."""

from __future__ import annotations

import re
from collections.abc import Callable

from emulator.debug.findings import Watch
from emulator.debug.session import DebugSession, Paused
from emulator.render_blocks import render_script, scripts
from emulator.runtime.runtime import Runtime

Condition = Callable[[Runtime], bool]

_RANGE = re.compile(
    r"^\s*(?P<name>.+?)\s*[:\s]\s*(?P<start>\d+)\s*(?:(?:-|\.\.)\s*(?P<end>\d+))?\s*$"
)


def mark_condition(session: DebugSession) -> Condition | None:
    """A condition that sets the session's mark where the program's mark is; None if it has none.

    It runs in the engine's thread before each block, takes the snapshot once, and never stops
    the run: the mark is where changes and write coverage count from (day3: training starts).
    """
    mark = getattr(session.module, "mark", None)
    if mark is None:
        return None
    reached = mark(session.runtime)

    def at_mark(runtime: Runtime) -> bool:
        thread = runtime.active_thread
        stmt = thread.current if thread is not None else None
        if (
            session.marked is None
            and thread is not None
            and stmt is not None
            and reached(thread, stmt)
        ):
            session.set_mark()
        return False

    return at_mark


def add_watch(session: DebugSession, text: str) -> str | None:
    """Watch `NAME` or `LIST:START-END` (also `LIST START..END`, `LIST:N`); an error message, or None."""
    match = _RANGE.match(text)
    stage = session.runtime.stage
    targets = session.runtime.targets
    if match is not None and any(t.find_list(None, match["name"]) for t in targets):
        start = int(match["start"])
        end = int(match["end"] or start)
        if end < start:
            return f"{text!r}: the range ends before it starts"
        session.watch_list(match["name"], start, end)
        return None
    if any(t.find_variable(None, text) for t in targets) or stage.find_variable(None, text):
        session.watch_variable(text)
        return None
    return f"no variable or list called {text.split(':')[0]!r}"


def out_of_range_condition(session: DebugSession) -> Condition:
    """A condition that holds before a block whose list item falls outside its list."""
    touches: dict[int, bool] = {}

    def condition(runtime: Runtime) -> bool:
        thread = runtime.active_thread
        stmt = thread.current if thread is not None else None
        if thread is None or stmt is None:
            return False
        # Most blocks touch no list: remember those, so only list blocks pay for an evaluation.
        if touches.get(id(stmt), True) is False:
            return False
        access = session.list_access_at(thread, stmt)
        touches[id(stmt)] = access is not None
        return access is not None and not access.in_range

    return condition


def find_text(
    session: DebugSession, text: str, after: tuple[str, str] | None
) -> tuple[str, str] | None:
    """(target, block id) of the next block whose line contains the text, after a position, wrapping."""
    wanted = text.lower()
    hits = [
        (t.name, line.block_id)
        for t in session.project.targets
        for top in scripts(t.blocks)
        for line in render_script(t.blocks, top)
        if line.block_id is not None and wanted in line.text.lower()
    ]
    if not hits:
        return None
    if after in hits:
        return hits[(hits.index(after) + 1) % len(hits)]  # type: ignore[arg-type]
    return hits[0]  # type: ignore[return-value]


def state_text(paused: Paused) -> str:
    if paused.finished:
        return "finished"
    return f"paused ({paused.reason})"


def watch_text(w: Watch) -> str:
    return f"watch {w.name} {w.start}..{w.end}" if w.is_list else f"watch {w.name}"


def describe_target(session: DebugSession) -> str:
    params = " ".join(
        f"{k}={v}" for k, v in session.params.items() if not isinstance(v, (list, tuple))
    )
    return f"{session.project.name}" + (f" ({params})" if params else "")
