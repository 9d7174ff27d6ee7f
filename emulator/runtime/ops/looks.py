"""looks_* say and think: bubbles captured as output (timed ones wait on the virtual clock)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.project import Block
from emulator.runtime.hooks import BubbleKind
from emulator.runtime.nodes import Run
from emulator.runtime.thread import END_TURN, NEXT, WAITING, Frame, Thread
from emulator.values import to_number

if TYPE_CHECKING:
    from emulator.runtime.linker import Linker


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


__all__ = ["WAITING"]
