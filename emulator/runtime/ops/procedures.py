"""procedures_* blocks: custom block calls with their arguments, warp, and Scratch's recursion yields."""

from __future__ import annotations

from emulator.project import Block
from emulator.runtime.interpreter import Linker, reporter, statement
from emulator.runtime.nodes import Reporter, Run
from emulator.runtime.thread import JUMP, NEXT, YIELD, Frame, Thread
from emulator.values import Value


@statement("procedures_call")
def procedures_call(b: Linker, block: Block) -> Run:
    proccode = str((block.mutation or {}).get("proccode", ""))
    prototype = b.prototype(proccode)
    if prototype is None:
        # No prototype with this proccode in the calling target: the call does nothing.
        return lambda t, f: NEXT
    names, ids, defaults, warp = prototype
    # An input with an empty slot is no argument at all: the VM skips it, so the default applies.
    given = [(arg_id, b.input(block, arg_id)) for arg_id, inp in block.inputs.items() if inp.slot is not None]
    definition = b.definition(proccode)
    rt = b.rt

    def run(t: Thread, f: Frame) -> int:
        values = {arg_id: get(t) for arg_id, get in given}  # evaluated on every execution, as in the VM
        if f.state is not None:
            return NEXT  # back from the procedure (it ran "stop this script")
        params: dict[str, Value] = {}
        for name, arg_id, default in zip(names, ids, defaults, strict=False):
            params[name] = values.get(arg_id, default)  # duplicate names: the last one wins
        f.params = params
        f.state = True
        if definition is None:
            return NEXT
        recursive = t.is_recursive_call(proccode)
        t.frames.append(Frame(definition, f.warp))
        if f.warp and rt.warp_expired(t):
            return YIELD
        if warp:
            t.frames[-1].warp = True
        elif recursive:
            return YIELD  # each recursive call in normal mode costs a tick
        return JUMP

    return run


@reporter("argument_reporter_string_number")
@reporter("argument_reporter_boolean")
def argument_reporter(b: Linker, block: Block) -> Reporter:
    name = str(b.field(block, "VALUE"))
    return lambda t: t.param(name)
