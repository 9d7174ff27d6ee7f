"""procedures_* blocks: custom block calls with their arguments, warp, and Scratch's recursion yields."""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.project import Block
from emulator.runtime.handoff import enter_compiled
from emulator.runtime.nodes import Reporter, Run
from emulator.runtime.thread import JUMP, NEXT, YIELD, Frame, Thread
from emulator.values import Value

if TYPE_CHECKING:
    from emulator.runtime.linker import Linker


def procedures_call(linker: Linker, block: Block) -> Run:
    proccode = str((block.mutation or {}).get("proccode", ""))
    prototype = linker.prototype(proccode)
    if prototype is None:
        # No prototype with this proccode in the calling target: the call does nothing.
        return lambda t, f: NEXT
    names, ids, defaults, warp = prototype
    # An input with an empty slot is no argument at all: the VM skips it, so the default applies.
    given = [
        (arg_id, linker.input(block, arg_id))
        for arg_id, inp in block.inputs.items()
        if inp.slot is not None
    ]
    getters = [get for _, get in given]
    slots = _param_slots(names, ids, defaults, [arg_id for arg_id, _ in given])
    definition = linker.definition(proccode)
    rt = linker.rt
    sequencer = rt.sequencer

    def run(t: Thread, f: Frame) -> int:
        values = [
            get(t) for get in getters
        ]  # every input, every execution, as the VM evaluates them
        if f.state is not None:
            return NEXT  # back from the procedure (it ran "stop this script")
        # Params are keyed by name, so with duplicate names the last one wins.
        f.params = {name: values[i] if i >= 0 else default for name, i, default in slots}
        f.state = True
        if definition is None:
            return NEXT
        recursive = not warp and t.is_recursive_call(proccode)
        expired = f.warp and sequencer.warp_expired(t)
        if (calls := rt.compiled_calls) and not expired and (warp or not recursive):
            # Pausable compiled code for it, in a run that counts no blocks one by one: enter it
            # where the definition's frame would go (a call that yields first goes on here).
            code = calls.get((t.target, proccode))
            if code is not None and sequencer.frame_limit is None:
                return enter_compiled(t, f, code)
        frame = Frame(definition, f.warp)
        t.frames.append(frame)
        if expired:
            return YIELD
        if warp:
            frame.warp = True
        elif recursive:
            return YIELD  # each recursive call in normal mode costs a tick
        return JUMP

    return run


def _param_slots(
    names: list[str], ids: list[str], defaults: list[Value], given: list[str]
) -> list[tuple[str, int, Value]]:
    """(name, index of the call's value or -1, default) for each argument of the prototype."""
    return [
        (name, given.index(arg_id) if arg_id in given else -1, default)
        for name, arg_id, default in zip(names, ids, defaults, strict=False)
    ]


def _argument_reporter(linker: Linker, block: Block) -> Reporter:
    name = str(linker.field(block, "VALUE"))
    return lambda t: t.param(name)


argument_reporter_string_number = argument_reporter_boolean = _argument_reporter
