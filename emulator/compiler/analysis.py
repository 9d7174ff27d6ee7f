"""What the emitter needs to know of each function once the whole unit is lowered (a fixpoint over calls)."""

from __future__ import annotations

from dataclasses import replace

from emulator.compiler.ir import Call, Function, Loop, Stop, Wait, WaitOutside, walk


def finish(scripts: list[Function], procedures: list[Function]) -> tuple[Function, ...]:
    """The unit's functions with warp_fixed, may_stop, may_return_waiting and generator set."""
    waiting = _returns_waiting(procedures)
    # A script is always a generator: the sequencer resumes it.
    return (*scripts, *(_annotate(fn, waiting) for fn in procedures))


def _returns_waiting(procedures: list[Function]) -> set[int]:
    """The procedures (by index) that can end in a wait whose continuation pops their frames."""
    found: set[int] = set()
    changed = True
    while changed:
        changed = False
        for i, fn in enumerate(procedures):
            if i not in found and any(_pops_frames(s, found) for s in walk(fn.body)):
                found.add(i)
                changed = True
    return found


def _pops_frames(stmt: object, waiting: set[int]) -> bool:
    match stmt:
        case WaitOutside(after=after):
            return after.kind == "return"
        case Call(proc=proc, after=after) if proc is not None and after is not None:
            return proc.index in waiting and after.kind == "return"
    return False


def _resets_warp(stmt: object, waiting: set[int]) -> bool:
    match stmt:
        case WaitOutside(after=after):
            return after.warp_reset
        case Call(proc=proc, after=after) if proc is not None and after is not None:
            return proc.index in waiting and after.warp_reset
    return False


def _annotate(fn: Function, waiting: set[int]) -> Function:
    index = int(fn.name.rpartition("_")[2])
    stmts = list(walk(fn.body))
    return replace(
        fn,
        warp_fixed=fn.warp and not any(_resets_warp(s, waiting) for s in stmts),
        may_stop=any(isinstance(s, Stop) and s.option == "this script" for s in stmts),
        may_return_waiting=index in waiting,
        generator=any(_suspends(s) for s in stmts),
    )


def _suspends(stmt: object) -> bool:
    """Whether the statement itself can end a turn (a call's own warp and recursion checks included)."""
    match stmt:
        case Loop() | Wait() | WaitOutside():
            return True
        case Call(proc=proc):
            return proc is not None
        case Stop(option=option):
            return option == "all"
    return False
