"""Saving a runtime and restoring it: the run that follows a restore is the run that followed the save."""

from __future__ import annotations

from typing import Any

import pytest

from emulator.dsl import Program, repeat, wait
from emulator.programs.day3_mlp import build
from emulator.runtime.runtime import Runtime
from emulator.runtime.saved import InCompiledCode, restore_runtime, save_runtime

TINY = {"layers": (196, 6, 10), "epochs": 1, "train": 3, "test": 2}


def _state(rt: Runtime) -> dict[str, Any]:
    """Everything observable after a run: data, clock, generator, bubbles."""
    return {
        "data": [
            (
                {k: c.value for k, c in t.variables.items()},
                {k: list(c.items) for k, c in t.lists.items()},
            )
            for t in rt.targets
        ],
        "clock": (rt.blocks, rt.frame_count, rt.now_ms, rt.rng.getstate()),
        "says": [(s.target, s.text) for s in rt.says],
    }


@pytest.mark.parametrize("pause_after", [1, 5_000, 20_011])
def test_restore_then_the_same_run_is_bit_for_bit_the_same(pause_after: int) -> None:
    """Paused anywhere (mid-tick, mid-warp, in a loop), save, run to the end; restore, run again: same end."""
    rt = Runtime(build(variant="fixed", **TINY), seed=3)
    rt.green_flag()
    assert rt.step(pause_after) is not None
    saved = save_runtime(rt)
    rt.run()
    first = _state(rt)
    restore_runtime(rt, saved)
    rt.run()
    assert _state(rt) == first
    # And again from the same save, after the runtime had ended: the save is not used up.
    restore_runtime(rt, saved)
    rt.run()
    assert _state(rt) == first


def test_a_restore_matches_a_run_that_never_paused() -> None:
    """Pausing, saving and restoring changes nothing against an uninterrupted run."""
    plain = Runtime(build(variant="fixed", **TINY), seed=3)
    plain.green_flag()
    plain.run()
    rt = Runtime(build(variant="fixed", **TINY), seed=3)
    rt.green_flag()
    rt.step(17_777)
    saved = save_runtime(rt)
    rt.step(3_000)
    restore_runtime(rt, saved)
    rt.run()
    assert _state(rt) == _state(plain)


def threads_and_waits() -> Runtime:
    """Two sprites: broadcast and wait, timed bubbles, random numbers and a shared list."""
    from emulator.dsl import Program, broadcast_and_wait, random, repeat, say_for, wait

    prog = Program("threads")
    x, y = prog.stage.var("x", 0), prog.stage.var("y", 0)
    log = prog.stage.list("log")
    a, b = prog.sprite("A"), prog.sprite("B")
    with a.when_flag_clicked(), repeat(12):
        x.change(random(1, 10))
        broadcast_and_wait("go")
        say_for(x, 0.05)
    with b.when_i_receive("go"), repeat(3):
        y.change(1)
        log.add(y + x)
        wait(0.01)
    rt = Runtime(prog.build(), seed=7)
    rt.green_flag()
    return rt


@pytest.mark.parametrize("pause_after", [1, 2, 17, 40, 91])
def test_restore_with_several_threads_and_waits(pause_after: int) -> None:
    """Threads waiting on a broadcast, a timer and a bubble resume as they were, bit for bit."""
    plain = threads_and_waits()
    plain.run()
    rt = threads_and_waits()
    assert rt.step(pause_after) is not None
    saved = save_runtime(rt)
    rt.step(23)
    restore_runtime(rt, saved)
    rt.run()
    assert _state(rt) == _state(plain)


def sprites_clones_and_pen() -> Runtime:
    """A sprite that moves, draws and makes clones that move, change looks, draw and delete themselves."""
    from emulator.dsl import Program, if_, random, repeat
    from emulator.dsl_sprite import (
        change_effect,
        create_clone,
        delete_this_clone,
        move,
        pen_down,
        turn_right,
    )

    prog = Program("clones")
    made = prog.stage.var("made", 0)
    painter = prog.sprite("Painter")
    with painter.when_flag_clicked():
        pen_down()
        with repeat(30):
            move(random(1, 20))
            turn_right(random(-30, 30))
            with if_(made < 8):
                create_clone()
                made.change(1)
    with painter.when_i_start_as_clone():
        with repeat(4):
            move(5)
            change_effect("ghost", 10)
        with if_(made > 4):
            delete_this_clone()
    rt = Runtime(prog.build(), seed=5)
    rt.green_flag()
    return rt


def _looks(rt: Runtime) -> list[Any]:
    """Every target and clone, back to front, as it looks, and what the pens drew."""
    targets = [
        (t.name, t.is_original, t.x, t.y, t.direction, t.costume, t.visible, dict(t.effects))
        for t in rt.executable
    ]
    return [targets, list(rt.pen_layer), rt.clone_count]


@pytest.mark.parametrize("pause_after", [3, 100, 150, 250])
def test_restore_puts_back_sprites_clones_and_the_pen(pause_after: int) -> None:
    """Clones made or deleted after the save are undone, sprites stand where they stood, and the
    pen layer is as it was: the run from a restore ends as the run from the save did."""
    rt = sprites_clones_and_pen()
    assert rt.step(pause_after) is not None
    saved = save_runtime(rt)
    at_save = _looks(rt)
    rt.run()
    first = (_state(rt), _looks(rt))
    restore_runtime(rt, saved)
    assert _looks(rt) == at_save
    rt.run()
    assert (_state(rt), _looks(rt)) == first


def test_restore_puts_back_where_a_shared_reporter_sends_its_value() -> None:
    """Which input a block two inputs name feeds, and what each input last received, are part of
    the run: restored to before either statement was built and nudged (as the gradient check
    nudges), the run ends as a fresh run nudged at the same place."""
    from emulator.sb3 import project_from_json
    from tests.conformance.cases.project_json import CASES

    case = next(c for c in CASES if c.id == "shared_reporter_across_statements")

    def paused() -> Runtime:
        rt = Runtime(project_from_json(case.project()))
        rt.green_flag()
        assert rt.step(2) is not None
        return rt

    def nudged_run(rt: Runtime) -> dict[str, Any]:
        rt.stage.variable(None, "v").value = 100.0
        rt.run()
        return _state(rt)

    rt = paused()
    saved = save_runtime(rt)
    rt.run()
    restore_runtime(rt, saved)
    assert nudged_run(rt) == nudged_run(paused())


def test_a_thread_inside_compiled_code_cannot_be_saved() -> None:
    """A compiled thread between its turns is a suspended generator: saving the run refuses; once
    the thread has ended, the run saves."""
    prog = Program("loop")
    with prog.sprite("S").when_flag_clicked(), repeat(3):
        wait(0.1)  # frames go by while it waits
    runtime = Runtime(prog.build(), engine="compiled")
    refused: list[int] = []

    def after_frame() -> None:
        if runtime.threads and not refused:
            with pytest.raises(InCompiledCode):
                save_runtime(runtime)
            refused.append(runtime.frame_count)

    runtime.on_frame = after_frame
    runtime.green_flag()
    runtime.run()
    assert refused == [1]
    restore_runtime(runtime, save_runtime(runtime))
