"""event_* blocks: broadcast and broadcast-and-wait (the runtime starts the hats)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from emulator.project import BROADCAST, Block, Primitive
from emulator.runtime.nodes import Run
from emulator.runtime.thread import END_TURN, NEXT, YIELD, YIELD_TICK, Frame, Thread
from emulator.values import to_string

if TYPE_CHECKING:
    from emulator.runtime.linker import Linker


def _message(linker: Linker, block: Block) -> Callable[[Thread], str | None]:
    """The broadcast's message name as the stage knows it, or None when there is none."""
    rt = linker.rt
    inp = block.inputs.get("BROADCAST_INPUT")
    slot = inp.slot if inp is not None else None
    menu_id: str | None = None
    if isinstance(slot, Primitive) and slot.kind == BROADCAST:
        menu_id = slot.ref_id
    elif (
        isinstance(slot, str) and linker.blocks.get(slot) is not None and linker.blocks[slot].shadow
    ):
        menu_id = linker.field_id(linker.blocks[slot], "BROADCAST_OPTION")
    else:
        value = linker.input(block, "BROADCAST_INPUT")
        # A reporter in the slot: its text is matched by name, ignoring case.
        return lambda t: rt.broadcast_by_name(to_string(value(t)))
    # A menu names its message by id only; an id the stage lacks broadcasts nothing.
    name = rt.broadcast_by_id(menu_id)
    return lambda t: name


def event_broadcast(linker: Linker, block: Block) -> Run:
    message, rt = _message(linker, block), linker.rt

    def run(t: Thread, f: Frame) -> int:
        name = message(t)
        if name is not None:
            rt.start_broadcast(name)
        return NEXT

    return run


def event_broadcastandwait(linker: Linker, block: Block) -> Run:
    message, rt = _message(linker, block), linker.rt
    idle = not linker.draws_random(block)  # a re-check that draws random numbers is work

    def run(t: Thread, f: Frame) -> int:
        name = message(t)  # a reporter in the slot runs on every execution, as the VM's inputs do
        if f.state is None:
            if name is None:
                return NEXT
            f.state = rt.start_broadcast(name)
            if not f.state:
                return NEXT
        # Still waiting while any started thread is in the thread list; a receiver restarted by
        # another broadcast is a new thread, so the wait ends.
        started = f.state
        if not any(rt.has_thread(s) for s in started):
            return NEXT
        # Still waiting: a re-check like a wait's (in warp it would spin until the warp timer ends).
        t.idle = idle
        if all(rt.is_waiting(s) for s in started):
            t.status = YIELD_TICK
            return END_TURN
        return YIELD

    return run
