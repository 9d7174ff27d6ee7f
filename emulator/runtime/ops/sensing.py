"""sensing_* timer, reset timer, ask and wait, answer: on the virtual clock and scripted answers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.project import Block
from emulator.runtime.nodes import Reporter, Run
from emulator.runtime.thread import END_TURN, NEXT, Frame, Thread

if TYPE_CHECKING:
    from emulator.runtime.linker import Linker


def sensing_timer(linker: Linker, block: Block) -> Reporter:
    rt = linker.rt
    return lambda t: (rt.now_ms - rt.timer_start_ms) / 1000.0


def sensing_resettimer(linker: Linker, block: Block) -> Run:
    rt = linker.rt

    def run(t: Thread, f: Frame) -> int:
        rt.timer_start_ms = rt.now_ms
        return NEXT

    return run


def sensing_answer(linker: Linker, block: Block) -> Reporter:
    rt = linker.rt
    return lambda t: rt.questions.answer


def sensing_askandwait(linker: Linker, block: Block) -> Run:
    question, rt, block_id = linker.input(block, "QUESTION"), linker.rt, block.id

    def run(t: Thread, f: Frame) -> int:
        rt.ask(t, block_id, question(t))
        return END_TURN

    return run
