"""control_* blocks: loops, conditionals, waits, stop and clones, as the sequencer in scratch-vm runs them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.project import Block
from emulator.runtime.nodes import Run
from emulator.runtime.sprites import MYSELF, sprite_named
from emulator.runtime.thread import DONE, END_TURN, JUMP, NEXT, YIELD, Frame, Thread
from emulator.values import js_number, repeat_count, to_boolean, to_number, to_string

if TYPE_CHECKING:
    from emulator.runtime.linker import Linker


def control_repeat(linker: Linker, block: Block) -> Run:
    times, body = linker.input(block, "TIMES"), linker.branch(block)

    def run(t: Thread, f: Frame) -> int:
        # The count input is evaluated on every pass, but only the first value counts.
        n = times(t)
        if f.state is None:
            f.state = repeat_count(n)
        f.state -= 1
        if f.state >= 0:
            t.push(f, body, True)
            return JUMP
        return NEXT

    return run


def control_forever(linker: Linker, block: Block) -> Run:
    body = linker.branch(block)

    def run(t: Thread, f: Frame) -> int:
        t.push(f, body, True)
        return JUMP

    return run


def control_repeat_until(linker: Linker, block: Block) -> Run:
    condition, body = linker.input(block, "CONDITION"), linker.branch(block)

    def run(t: Thread, f: Frame) -> int:
        if to_boolean(condition(t)):
            return NEXT
        t.push(f, body, True)
        return JUMP

    return run


def control_while(linker: Linker, block: Block) -> Run:
    condition, body = linker.input(block, "CONDITION"), linker.branch(block)

    def run(t: Thread, f: Frame) -> int:
        if not to_boolean(condition(t)):
            return NEXT
        t.push(f, body, True)
        return JUMP

    return run


def control_for_each(linker: Linker, block: Block) -> Run:
    get, value, body = linker.variable(block), linker.input(block, "VALUE"), linker.branch(block)
    rt, block_id = linker.rt, block.id

    def run(t: Thread, f: Frame) -> int:
        # The hidden legacy "for each" casts with Number(), not Scratch's cast: NaN stays NaN.
        limit = js_number(value(t))
        if f.state is None:
            f.state = 0.0
        if f.state < limit:
            f.state += 1.0
            cell = get()
            cell.value = f.state
            if rt.hooks is not None:
                rt.report_var(t, block_id, cell, f.state)
            t.push(f, body, True)
            return JUMP
        return NEXT

    return run


def control_if(linker: Linker, block: Block) -> Run:
    condition, body = linker.input(block, "CONDITION"), linker.branch(block)

    def run(t: Thread, f: Frame) -> int:
        if to_boolean(condition(t)) and body is not None:
            t.push(f, body, False)
            return JUMP
        return NEXT

    return run


def control_if_else(linker: Linker, block: Block) -> Run:
    condition = linker.input(block, "CONDITION")
    body, other = linker.branch(block, "SUBSTACK"), linker.branch(block, "SUBSTACK2")

    def run(t: Thread, f: Frame) -> int:
        chosen = body if to_boolean(condition(t)) else other
        if chosen is None:
            return NEXT
        t.push(f, chosen, False)
        return JUMP

    return run


def control_all_at_once(linker: Linker, block: Block) -> Run:
    body = linker.branch(block)

    def run(t: Thread, f: Frame) -> int:
        if body is None:
            return NEXT
        t.push(f, body, False)
        return JUMP

    return run


def control_wait(linker: Linker, block: Block) -> Run:
    duration, rt = linker.input(block, "DURATION"), linker.rt
    # A re-check that draws random numbers is not idle: repeating it changes the rng.
    idle = not linker.draws_random(block)

    def run(t: Thread, f: Frame) -> int:
        seconds = duration(t)
        if f.state is None:
            # Every wait, even wait 0, yields at least once and asks for a redraw; the clock it
            # reads is frozen within a frame.
            f.state = (rt.now_ms, max(0.0, 1000.0 * to_number(seconds)))
            rt.redraw_requested = True
            return YIELD
        return until_timer_ends(rt.now_ms, t, f, idle)

    return run


def until_timer_ends(now_ms: float, t: Thread, f: Frame, idle: bool) -> int:
    """A stack timer started in f.state = (start ms, length ms): go on once it has run out, else
    yield (idle: a re-check that changes nothing). A NaN length ends at once, as in the VM."""
    started, ms = f.state
    if not now_ms - started < ms:
        return NEXT
    t.idle = idle
    return YIELD


def control_wait_until(linker: Linker, block: Block) -> Run:
    condition = linker.input(block, "CONDITION")
    idle = not linker.draws_random(
        block
    )  # a condition with "pick random" may come true on a re-check

    def run(t: Thread, f: Frame) -> int:
        if to_boolean(condition(t)):
            return NEXT
        t.idle = idle
        return YIELD

    return run


def control_stop(linker: Linker, block: Block) -> Run:
    option, rt = str(linker.field(block, "STOP_OPTION")), linker.rt

    def run(t: Thread, f: Frame) -> int:
        if option == "all":
            rt.stop_all()
            return END_TURN
        if option in ("other scripts in sprite", "other scripts in stage"):
            rt.stop_for_target(t.target, except_thread=t)
            return NEXT
        if option == "this script":
            t.stop_this_script()
            return END_TURN if t.status == DONE else JUMP
        return NEXT  # any other option does nothing

    return run


# ## Clones


def control_create_clone_of(linker: Linker, block: Block) -> Run:
    option, rt, target = linker.input(block, "CLONE_OPTION"), linker.rt, linker.target

    def run(t: Thread, f: Frame) -> int:
        name = to_string(option(t))
        # "_myself_" clones this very target (a clone clones itself); a name, the original sprite.
        of = target if name == MYSELF else sprite_named(rt.targets, name)
        if of is not None:
            rt.create_clone(of)
        return NEXT

    return run


def control_delete_this_clone(linker: Linker, block: Block) -> Run:
    rt, target = linker.rt, linker.target

    def run(t: Thread, f: Frame) -> int:
        if target.is_original:
            return NEXT  # an original sprite (or the stage) is never deleted
        rt.delete_clone(target)  # which stops this thread too
        return END_TURN

    return run
