"""looks_* blocks: say and think bubbles captured as output, and costumes, effects, layers as the VM keeps them headless.

Size stays as loaded: without a renderer the VM's setSize changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.opcodes import Opcode
from emulator.project import Block
from emulator.runtime.hooks import BubbleKind
from emulator.runtime.nodes import Reporter, Run
from emulator.runtime.sprites import (
    clear_effects,
    costume_name,
    move_layers,
    random_backdrop,
    request_costume,
    set_costume,
    set_effect,
)
from emulator.runtime.thread import END_TURN, LOSE_FRAME, NEXT, YIELD, YIELD_TICK, Frame, Thread
from emulator.values import Value, js_lower, js_round, to_number, to_string

if TYPE_CHECKING:
    from emulator.runtime.linker import Linker
    from emulator.runtime.runtime import Runtime


def _bubble(linker: Linker, block: Block, kind: BubbleKind) -> Run:
    message, rt, block_id = linker.input(block, "MESSAGE"), linker.rt, block.id

    def run(t: Thread, f: Frame) -> int:
        rt.say(t, block_id, kind, message(t))
        return NEXT

    return run


def _timed_bubble(linker: Linker, block: Block, kind: BubbleKind) -> Run:
    message, secs, rt, block_id = (
        linker.input(block, "MESSAGE"),
        linker.input(block, "SECS"),
        linker.rt,
        block.id,
    )

    def run(t: Thread, f: Frame) -> int:
        text, seconds = message(t), secs(t)
        shown = rt.say(t, block_id, kind, text)
        deadline = rt.now_ms + 1000.0 * to_number(seconds)

        def wake() -> bool:
            if rt.now_ms < deadline:
                return False
            # The bubble is cleared only if nothing replaced it meanwhile.
            rt.clear_bubble(t.target, shown)
            return True

        rt.wait_outside(t, wake)
        return END_TURN

    return run


def looks_say(linker: Linker, block: Block) -> Run:
    return _bubble(linker, block, BubbleKind.SAY)


def looks_think(linker: Linker, block: Block) -> Run:
    return _bubble(linker, block, BubbleKind.THINK)


def looks_sayforsecs(linker: Linker, block: Block) -> Run:
    return _timed_bubble(linker, block, BubbleKind.SAY)


def looks_thinkforsecs(linker: Linker, block: Block) -> Run:
    return _timed_bubble(linker, block, BubbleKind.THINK)


# ## Showing and hiding


def _show(linker: Linker, visible: bool) -> Run:
    target = linker.target

    def run(t: Thread, f: Frame) -> int:
        if not target.is_stage:
            target.visible = visible
        return NEXT

    return run


def looks_show(linker: Linker, block: Block) -> Run:
    return _show(linker, True)


def looks_hide(linker: Linker, block: Block) -> Run:
    return _show(linker, False)


# ## Costumes and backdrops


def looks_switchcostumeto(linker: Linker, block: Block) -> Run:
    costume, target = linker.input(block, "COSTUME"), linker.target

    def run(t: Thread, f: Frame) -> int:
        request_costume(target, costume(t), ("next costume", "previous costume"))
        return NEXT

    return run


def looks_nextcostume(linker: Linker, block: Block) -> Run:
    target = linker.target

    def run(t: Thread, f: Frame) -> int:
        set_costume(target, target.costume + 1)
        return NEXT

    return run


def _switch_backdrop(rt: Runtime, requested: Value, zero_based: bool = False) -> list[Thread]:
    """_setBackdrop: switch (by number, name or word), then start the hats of the new backdrop."""
    stage = rt.stage
    if requested == "random backdrop" and requested not in stage.costumes:
        random_backdrop(stage, rt.rng)
    else:
        request_costume(stage, requested, ("next backdrop", "previous backdrop"), zero_based)
    # The hats start even when the backdrop did not change.
    name = to_string(costume_name(stage))
    return rt.start_hats(Opcode.EVENT_WHENBACKDROPSWITCHESTO, name, field="BACKDROP")


def looks_switchbackdropto(linker: Linker, block: Block) -> Run:
    backdrop, rt = linker.input(block, "BACKDROP"), linker.rt

    def run(t: Thread, f: Frame) -> int:
        _switch_backdrop(rt, backdrop(t))
        return NEXT

    return run


def looks_nextbackdrop(linker: Linker, block: Block) -> Run:
    rt = linker.rt

    def run(t: Thread, f: Frame) -> int:
        _switch_backdrop(rt, rt.stage.costume + 1, zero_based=True)
        return NEXT

    return run


def looks_switchbackdroptoandwait(linker: Linker, block: Block) -> Run:
    backdrop, rt = linker.input(block, "BACKDROP"), linker.rt
    idle = not linker.draws_random(block)  # a re-check that draws random numbers is work

    def run(t: Thread, f: Frame) -> int:
        requested = backdrop(t)  # evaluated on every execution, as the VM's inputs are
        if f.state is None:
            f.state = _switch_backdrop(rt, requested)
            if not f.state:
                return NEXT
            # VM 15.1.1 starts the hats with runtime.startHats, which leaves its shared
            # BlockUtility on the last new thread: reading startedThreads back then throws,
            # and the frame ends. Next frame the block runs again, and waits.
            return LOSE_FRAME
        # As broadcast and wait: until every started script has left the thread list.
        if not any(rt.has_thread(s) for s in f.state):
            return NEXT
        t.idle = idle
        if all(rt.is_waiting(s) for s in f.state):
            t.status = YIELD_TICK
            return END_TURN
        return YIELD

    return run


def _number_or_name(of_stage: bool, linker: Linker, block: Block) -> Reporter:
    rt, own = linker.rt, linker.target
    number = linker.field(block, "NUMBER_NAME") == "number"

    def report(t: Thread) -> Value:
        target = rt.stage if of_stage else own
        return target.costume + 1 if number else costume_name(target)

    return report


def looks_costumenumbername(linker: Linker, block: Block) -> Reporter:
    return _number_or_name(False, linker, block)


def looks_backdropnumbername(linker: Linker, block: Block) -> Reporter:
    return _number_or_name(True, linker, block)


# ## Effects and size


def looks_changeeffectby(linker: Linker, block: Block) -> Run:
    change, target = linker.input(block, "CHANGE"), linker.target
    effect = js_lower(to_string(linker.field(block, "EFFECT")))

    def run(t: Thread, f: Frame) -> int:
        by = to_number(change(t))
        if effect in target.effects:
            set_effect(target, effect, by + target.effects[effect])
        return NEXT

    return run


def looks_seteffectto(linker: Linker, block: Block) -> Run:
    value, target = linker.input(block, "VALUE"), linker.target
    effect = js_lower(to_string(linker.field(block, "EFFECT")))

    def run(t: Thread, f: Frame) -> int:
        set_effect(target, effect, to_number(value(t)))
        return NEXT

    return run


def looks_cleargraphiceffects(linker: Linker, block: Block) -> Run:
    target = linker.target

    def run(t: Thread, f: Frame) -> int:
        clear_effects(target)
        return NEXT

    return run


def _size_unchanged(linker: Linker, block: Block, name: str) -> Run:
    # The input is evaluated, but headless setSize keeps the size: its clamp needs the renderer.
    size = linker.input(block, name)

    def run(t: Thread, f: Frame) -> int:
        size(t)
        return NEXT

    return run


def looks_changesizeby(linker: Linker, block: Block) -> Run:
    return _size_unchanged(linker, block, "CHANGE")


def looks_setsizeto(linker: Linker, block: Block) -> Run:
    return _size_unchanged(linker, block, "SIZE")


def looks_size(linker: Linker, block: Block) -> Reporter:
    target = linker.target
    return lambda t: js_round(target.size)


# ## Layers: the order scripts start in, front first


def looks_gotofrontback(linker: Linker, block: Block) -> Run:
    rt, target = linker.rt, linker.target
    delta = float("inf") if linker.field(block, "FRONT_BACK") == "front" else float("-inf")

    def run(t: Thread, f: Frame) -> int:
        if not target.is_stage:
            move_layers(rt.executable, target, delta)
        return NEXT

    return run


def looks_goforwardbackwardlayers(linker: Linker, block: Block) -> Run:
    num, rt, target = linker.input(block, "NUM"), linker.rt, linker.target
    sign = 1.0 if linker.field(block, "FORWARD_BACKWARD") == "forward" else -1.0

    def run(t: Thread, f: Frame) -> int:
        layers = to_number(num(t))
        if not target.is_stage:
            move_layers(rt.executable, target, sign * layers)
        return NEXT

    return run
