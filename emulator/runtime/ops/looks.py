"""looks_* say and think: bubbles captured as output (timed ones wait on the virtual clock)."""

from __future__ import annotations

from emulator.project import Block
from emulator.runtime.interpreter import Linker, statement
from emulator.runtime.nodes import Run
from emulator.runtime.thread import END_TURN, NEXT, WAITING, Frame, Thread
from emulator.values import to_number


def _bubble(b: Linker, block: Block, kind: str) -> Run:
    message, rt, block_id = b.input(block, "MESSAGE"), b.rt, block.id

    def run(t: Thread, f: Frame) -> int:
        rt.say(t, block_id, kind, message(t))
        return NEXT

    return run


def _timed_bubble(b: Linker, block: Block, kind: str) -> Run:
    message, secs, rt, block_id = b.input(block, "MESSAGE"), b.input(block, "SECS"), b.rt, block.id

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


@statement("looks_say")
def looks_say(b: Linker, block: Block) -> Run:
    return _bubble(b, block, "say")


@statement("looks_think")
def looks_think(b: Linker, block: Block) -> Run:
    return _bubble(b, block, "think")


@statement("looks_sayforsecs")
def looks_sayforsecs(b: Linker, block: Block) -> Run:
    return _timed_bubble(b, block, "say")


@statement("looks_thinkforsecs")
def looks_thinkforsecs(b: Linker, block: Block) -> Run:
    return _timed_bubble(b, block, "think")


__all__ = ["WAITING"]
