"""sensing_* timer, reset timer, ask and wait, answer: on the virtual clock and scripted answers."""

from __future__ import annotations

from emulator.project import Block
from emulator.runtime.interpreter import Linker, reporter, statement
from emulator.runtime.nodes import Reporter, Run
from emulator.runtime.thread import END_TURN, NEXT, Frame, Thread


@reporter("sensing_timer")
def sensing_timer(b: Linker, block: Block) -> Reporter:
    rt = b.rt
    return lambda t: (rt.now_ms - rt.timer_start_ms) / 1000.0


@statement("sensing_resettimer")
def sensing_resettimer(b: Linker, block: Block) -> Run:
    rt = b.rt

    def run(t: Thread, f: Frame) -> int:
        rt.timer_start_ms = rt.now_ms
        return NEXT

    return run


@reporter("sensing_answer")
def sensing_answer(b: Linker, block: Block) -> Reporter:
    rt = b.rt
    return lambda t: rt.questions.answer


@statement("sensing_askandwait")
def sensing_askandwait(b: Linker, block: Block) -> Run:
    question, rt, block_id = b.input(block, "QUESTION"), b.rt, block.id

    def run(t: Thread, f: Frame) -> int:
        rt.ask(t, block_id, question(t))
        return END_TURN

    return run
