"""The frame/tick sequencer: thread order, yields, frames, warp, broadcasts and stop, as scratch-vm runs them."""

from __future__ import annotations

import pytest

from emulator.dsl import (
    Program,
    broadcast,
    broadcast_and_wait,
    if_,
    join,
    repeat,
    say_for,
    stop,
    timer,
    wait,
    wait_until,
)
from emulator.project import Project
from emulator.runtime import sequencer
from tests.helpers import Blocks, project, run_project


def logging_program() -> tuple[Program, object]:
    """A program with a stage list `log` that scripts append to."""
    prog = Program("p")
    return prog, prog.stage.list("log")


def log_of(project: Project, **kwargs: object) -> list[object]:
    """The stage list `log` after a run."""
    return run_project(project, **kwargs)["lists"]["log"]


# ## Section 11 vectors 79-84


def test_vector_79_two_loops_interleave_one_iteration_per_turn() -> None:
    """Two looping scripts take turns, one iteration each: ababab."""
    prog, log = logging_program()
    sprite = prog.sprite("S")
    for letter in "ab":
        with sprite.when_flag_clicked(), repeat(3):
            log.add(letter)
    assert log_of(prog.build()) == ["a", "b", "a", "b", "a", "b"]


def test_vector_80_broadcast_receivers_run_later_in_the_same_tick() -> None:
    """A broadcast never yields; its receiver runs after the broadcaster, in the same tick."""
    prog, log = logging_program()
    sprite = prog.sprite("S")
    with sprite.when_flag_clicked():
        log.add("A1")
        broadcast("m")
        log.add("A2")
    with sprite.when_i_receive("m"):
        log.add("R1")
    state = run_project(prog.build())
    assert state["lists"]["log"] == ["A1", "A2", "R1"]
    assert state["frames"] == 1


def test_vector_81_broadcast_and_wait_waits_for_the_receivers() -> None:
    """Broadcast and wait resumes only once every receiver has finished."""
    prog, log = logging_program()
    sprite = prog.sprite("S")
    with sprite.when_flag_clicked():
        log.add("A1")
        broadcast_and_wait("m")
        log.add("A2")
    with sprite.when_i_receive("m"):
        log.add("R1")
        log.add("R2")
    assert log_of(prog.build()) == ["A1", "R1", "R2", "A2"]


def test_vector_82_topmost_sprite_starts_first_and_stage_last() -> None:
    """Flag scripts start topmost sprite first, then lower sprites, then the stage (in script order)."""
    prog, log = logging_program()
    with prog.stage.when_flag_clicked():
        log.add("Stage1")
    with prog.stage.when_flag_clicked():
        log.add("Stage2")
    lower, upper = prog.sprite("A"), prog.sprite("B")  # B is made last, so it is on top
    with lower.when_flag_clicked():
        log.add("A")
    with upper.when_flag_clicked():
        log.add("B")
    assert log_of(prog.build()) == ["B", "A", "Stage1", "Stage2"]


def test_vector_83_threads_after_stop_all_still_run_in_that_tick() -> None:
    """After `stop all`, the threads after the stopper in this tick still run until they yield."""
    prog = Program("p")
    x, z = prog.stage.var("x", 0), prog.stage.var("z", 0)
    sprite = prog.sprite("S")
    with sprite.when_flag_clicked():
        x.set(1)
        stop("all")
        x.set(2)
    with sprite.when_flag_clicked():
        z.set(join(x, "!"))
    state = run_project(prog.build())
    assert state["variables"] == {"x": "1", "z": "1!"}


def test_vector_83_stop_all_ends_threads_before_the_stopper_too() -> None:
    """Stop all also ends threads that already had their turn: they never run again."""
    prog, log = logging_program()
    sprite = prog.sprite("S")
    with sprite.when_flag_clicked(), repeat(5):
        log.add("loop")
    with sprite.when_flag_clicked():
        stop("all")
    with sprite.when_flag_clicked(), repeat(5):
        log.add("after")
    assert log_of(prog.build()) == ["loop", "after"]


def test_a_thread_that_restarts_itself_then_stops_all_runs_its_new_copy_at_once() -> None:
    """After `stop all` the tick looks at the stopper's slot again (stepThreads' i--): if the thread
    had restarted itself there by broadcasting, the fresh copy runs in the same tick."""
    prog, log = logging_program()
    sprite = prog.sprite("S")
    with sprite.when_i_receive("m"):
        log.add("r")
        broadcast("m")
        stop("all")
    with sprite.when_flag_clicked():
        broadcast("m")
    assert log_of(prog.build()) == ["r", "r"]


def wait_zero_loop(count: int) -> Project:
    prog = Program("p")
    x = prog.stage.var("x", 0)
    with prog.sprite("S").when_flag_clicked(), repeat(count):
        x.change(1)
        wait(0)
    return prog.build()


def test_vector_84_wait_0_ends_the_frame_unless_turbo() -> None:
    """`wait 0` requests a redraw, which ends the frame: 20 of them take 21 frames, 1 in turbo."""
    assert run_project(wait_zero_loop(20))["frames"] == 21
    turbo = run_project(wait_zero_loop(20), turbo=True)
    assert turbo["frames"] == 1
    assert turbo["variables"]["x"] == 20.0


# ## Thread order and yields


def test_scripts_of_a_target_start_in_js_key_order_integer_like_ids_first() -> None:
    """Within a target, scripts start in JS key order: integer-like block ids first, ascending."""
    b = Blocks()
    for hat_id in ("x1", "10", "2", "a"):
        b.flag_script(b.add_to("log", [1, [10, hat_id]]), hat_id=hat_id)
    state = run_project(project(b, lists={"log": []}))
    assert state["lists"]["log"] == ["2", "10", "x1", "a"]


def test_a_loop_whose_condition_is_false_at_entry_does_not_yield() -> None:
    """repeat 0 and repeat-until-true run straight through: the other thread sees no yield."""
    prog, log = logging_program()
    sprite = prog.sprite("S")
    with sprite.when_flag_clicked():
        with repeat(0):
            log.add("never")
        log.add("a1")
        log.add("a2")
    with sprite.when_flag_clicked():
        log.add("b")
    assert log_of(prog.build()) == ["a1", "a2", "b"]


def test_an_empty_loop_body_still_yields_once_per_iteration() -> None:
    """repeat 2 with nothing inside yields twice: the other thread runs in between."""
    prog, log = logging_program()
    sprite = prog.sprite("S")
    with sprite.when_flag_clicked():
        with repeat(2):
            pass
        log.add("a")
    with sprite.when_flag_clicked(), repeat(3):
        log.add("b")
    assert log_of(prog.build()) == ["b", "b", "a", "b"]


def test_a_wait_ended_by_another_threads_work_resumes_in_the_same_frame() -> None:
    """A thread that worked, then waited, may have unblocked an earlier one: the frame goes on."""
    prog, log = logging_program()
    x = prog.stage.var("x", 0)
    sprite = prog.sprite("S")
    with sprite.when_flag_clicked():
        wait_until(x == 1)
        x.set(2)
        log.add(timer())
    with sprite.when_flag_clicked():
        x.change(1)
        wait_until(x == 2)
        log.add(timer())
    state = run_project(prog.build())
    assert state["lists"]["log"] == [0.033, 0.033]
    assert state["frames"] == 1


def test_wait_until_yields_until_its_condition_holds() -> None:
    """`wait until` re-checks once per frame here: the counter waits 1 frame per step."""
    prog, log = logging_program()
    x = prog.stage.var("x", 0)
    sprite = prog.sprite("S")
    with sprite.when_flag_clicked():
        wait_until(x > 5)
        log.add(x)
    with sprite.when_flag_clicked(), repeat(10):
        x.change(1)
        wait(0)
    state = run_project(prog.build())
    assert state["lists"]["log"] == [6.0]
    assert state["frames"] == 11


# ## The virtual clock


def test_timer_reads_the_frame_clock_in_whole_milliseconds() -> None:
    """The flag is at 0 and frame n runs at floor(n * 1000 / 30) ms: the timer reads 0.033 in frame 1."""
    prog, log = logging_program()
    with prog.sprite("S").when_flag_clicked():
        log.add(timer())
        wait(0)
        log.add(timer())
        wait(0)
        log.add(timer())
    assert log_of(prog.build()) == [0.033, 0.066, 0.1]


@pytest.mark.parametrize("frames_before", [0, 50, 53, 98])
def test_wait_1_takes_30_frames_wherever_it_starts(frames_before: int) -> None:
    """A one-second wait ends exactly 30 frames after it starts: the clock has no rounding drift."""
    prog, log = logging_program()
    with prog.sprite("S").when_flag_clicked():
        with repeat(frames_before):
            wait(0)
        log.add(timer())
        wait(1)
        log.add(timer())
    start, end = log_of(prog.build())
    assert round((end - start) * 30) == 30


def test_wait_measures_the_frame_clock_so_turbo_changes_nothing() -> None:
    """`wait 0.5` takes 15 frames in turbo mode too: the clock moves once per frame."""
    prog, log = logging_program()
    with prog.sprite("S").when_flag_clicked():
        wait(0.5)
        log.add(timer())
    for turbo in (False, True):
        state = run_project(prog.build(), turbo=turbo)
        assert state["lists"]["log"] == [0.533]
        assert state["frames"] == 16


# ## Warp


def test_wait_inside_warp_busy_waits_then_completes_in_a_later_frame() -> None:
    """In warp, `wait 0.1` spins for the warp timer's 500 ms of work, yields, and ends frames later."""
    prog, log = logging_program()
    sprite = prog.sprite("S")
    pause = sprite.procedure("pause", warp=True)
    with pause.define():
        log.add("before")
        wait(0.1)
        log.add("after")
    with sprite.when_flag_clicked():
        pause()
    with sprite.when_flag_clicked(), repeat(5):
        log.add("o")
    state = run_project(prog.build())
    assert state["lists"]["log"] == ["before", "o", "o", "o", "after", "o", "o"]
    assert state["frames"] == 4


def test_wait_0_inside_warp_completes_at_once() -> None:
    """In warp, `wait 0` finishes on its immediate re-execution: no yield, no frame."""
    prog, log = logging_program()
    sprite = prog.sprite("S")
    quick = sprite.procedure("quick", warp=True)
    with quick.define():
        log.add("a1")
        wait(0)
        log.add("a2")
    with sprite.when_flag_clicked():
        quick()
    with sprite.when_flag_clicked():
        log.add("b")
    state = run_project(prog.build())
    assert state["lists"]["log"] == ["a1", "a2", "b"]
    assert state["frames"] == 1


def test_section_5_warp_example_aaaiiiA_then_bbbb() -> None:
    """The warp example of section 5: warp outer (aaa) calls non-warp inner (iii), then A; then bbbb."""
    prog, log = logging_program()
    sprite = prog.sprite("S")
    inner = sprite.procedure("inner", warp=False)
    outer = sprite.procedure("outer", warp=True)
    with inner.define(), repeat(3):
        log.add("i")
    with outer.define():
        with repeat(3):
            log.add("a")
        inner()
        log.add("A")
    with sprite.when_flag_clicked():
        outer()
    with sprite.when_flag_clicked(), repeat(4):
        log.add("b")
    assert "".join(log_of(prog.build())) == "aaaiiiAbbbb"


def test_warp_ends_when_the_warp_procedure_returns() -> None:
    """Warp ends when the warp procedure returns: the caller's own loop yields again (c, b interleave)."""
    prog, log = logging_program()
    sprite = prog.sprite("S")
    inner = sprite.procedure("inner", warp=False)
    outer = sprite.procedure("outer", warp=True)
    with inner.define(), repeat(3):
        log.add("i")
    with outer.define():
        with repeat(3):
            log.add("a")
        inner()
        log.add("A")
    with sprite.when_flag_clicked():
        outer()
        with repeat(2):
            log.add("c")
    with sprite.when_flag_clicked(), repeat(4):
        log.add("b")
    assert "".join(log_of(prog.build())) == "aaaiiiAcbcbbb"


def test_a_warp_loop_yields_once_its_500_ms_of_work_are_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A warp loop longer than the warp timer yields at a loop end and goes on in a later tick."""
    # Shrink the clock (warp timer = 20 frame budgets, as in the VM) so the loop can be short.
    monkeypatch.setattr(sequencer, "WORK_BLOCKS", 500)
    monkeypatch.setattr(sequencer, "WARP_BLOCKS", 10_000)
    prog, log = logging_program()
    n = prog.stage.var("n", 0)
    sprite = prog.sprite("S")
    long_loop = sprite.procedure("long", warp=True)
    with long_loop.define(), repeat(30_000):
        n.change(1)
    with sprite.when_flag_clicked():
        long_loop()
    with sprite.when_flag_clicked(), repeat(3):
        log.add(n)
    state = run_project(prog.build(), turbo=True)
    assert state["variables"]["n"] == 30_000.0
    first, second, third = state["lists"]["log"]
    assert 0 < first < second < third < 30_000  # the other thread ran between warp slices
    assert state["frames"] > 1


def test_broadcast_and_wait_inside_warp_spins_out_the_warp_timer_each_turn() -> None:
    """In warp, a broadcast-and-wait re-checks until the warp timer ends, yields, and resumes when done."""
    prog, log = logging_program()
    sprite = prog.sprite("S")
    waiter = sprite.procedure("waiter", warp=True)
    with waiter.define():
        log.add("a")
        broadcast_and_wait("m")
        log.add("b")
    with sprite.when_flag_clicked():
        waiter()
    with sprite.when_i_receive("m"), repeat(3):
        log.add("r")
    state = run_project(prog.build())
    assert state["lists"]["log"] == ["a", "r", "r", "r", "b"]
    assert state["frames"] == 5  # each spin uses a whole frame's work budget


# ## Broadcasts


def test_a_running_receiver_restarts_in_place_after_the_current_turn() -> None:
    """Re-broadcasting to your own script lets this instance run to its next yield, then restarts it."""
    prog, log = logging_program()
    n = prog.stage.var("n", 0)
    sprite = prog.sprite("S")
    with sprite.when_i_receive("m"):
        n.change(1)
        log.add(join("in", n))
        with if_(n < 3):
            broadcast("m")
            log.add(join("after", n))
    with sprite.when_flag_clicked():
        broadcast("m")
    assert log_of(prog.build()) == ["in1", "after1", "in2", "after2", "in3"]


def test_a_receiver_earlier_in_the_thread_list_restarts_from_its_top() -> None:
    """A receiver restarted by a later thread starts over from the top in its old place, next tick."""
    prog, log = logging_program()
    sprite = prog.sprite("S")
    with sprite.when_flag_clicked():
        broadcast("m")  # the receiver's thread comes before the sender's
        broadcast("go")
    with sprite.when_i_receive("m"):
        log.add("r-start")
        with repeat(3):
            log.add("r")
    with sprite.when_i_receive("go"):
        log.add("g1")
        broadcast("m")
        log.add("g2")
    assert log_of(prog.build()) == ["r-start", "r", "g1", "g2", "r-start", "r", "r", "r"]


def test_broadcast_names_match_ignoring_case() -> None:
    """A computed name finds its message ignoring case; receivers match case-insensitively too."""
    prog, log = logging_program()
    sprite = prog.sprite("S")
    with sprite.when_i_receive("Go"):
        log.add("got Go")
    with sprite.when_i_receive("other"):
        log.add("got other")
    with sprite.when_flag_clicked():
        broadcast(join("g", "O"))
        broadcast(join("OTH", "er"))
    assert log_of(prog.build()) == ["got Go", "got other"]


def test_broadcast_to_an_unknown_name_does_nothing() -> None:
    """A computed name that no message has starts nothing and raises nothing."""
    prog, log = logging_program()
    sprite = prog.sprite("S")
    with sprite.when_i_receive("m"):
        log.add("R")
    with sprite.when_flag_clicked():
        broadcast(join("nothing", "here"))
        broadcast_and_wait(join("no", "ne"))
        log.add("A")
    assert log_of(prog.build()) == ["A"]


def test_a_menu_id_missing_from_the_stage_broadcasts_is_repaired_by_name() -> None:
    """VM 15 repairs a menu id no target declares on load: it becomes the stage message of that name."""
    b = Blocks()
    b.script(
        b.add("event_whenbroadcastreceived", {}, {"BROADCAST_OPTION": ["m", "m-id"]}),
        b.add_to("log", [1, [10, "R"]]),
    )
    b.flag_script(
        b.add("event_broadcast", {"BROADCAST_INPUT": [1, [11, "m", "missing-id"]]}),
        b.add_to("log", [1, [10, "A"]]),
    )
    state = run_project(project(b, lists={"log": []}, broadcasts={"m-id": "m"}))
    assert state["lists"]["log"] == ["A", "R"]


def test_broadcast_and_wait_with_no_receiver_does_not_yield() -> None:
    """Broadcast and wait that starts nothing continues at once."""
    prog, log = logging_program()
    prog.broadcast_id("unheard")
    sprite = prog.sprite("S")
    with sprite.when_flag_clicked():
        broadcast_and_wait("unheard")
        log.add("a")
    with sprite.when_flag_clicked():
        log.add("b")
    assert log_of(prog.build()) == ["a", "b"]


def test_broadcast_and_wait_ends_early_when_its_receiver_is_restarted() -> None:
    """A receiver restarted by another broadcast is a new thread: the waiter stops waiting for it."""
    prog, log = logging_program()
    sprite = prog.sprite("S")
    with sprite.when_flag_clicked():
        log.add("start")
        broadcast_and_wait("m")
        log.add("end-bw")
    with sprite.when_flag_clicked():
        wait(0)
        broadcast("m")
    with sprite.when_i_receive("m"):
        log.add("R-in")
        wait(0.1)
        log.add("R-out")
    assert log_of(prog.build()) == ["start", "R-in", "R-in", "end-bw", "R-out"]


def test_a_thread_woken_at_its_scripts_end_counts_as_running_until_its_turn() -> None:
    """A receiver whose last block was `say for 0 secs` is still running when woken, so broadcast and
    wait sees it active (no extra frame) and resumes in the same frame the receiver ends."""
    prog, log = logging_program()
    sprite = prog.sprite("S")
    with sprite.when_flag_clicked():
        broadcast_and_wait("m")
        log.add(timer())
    with sprite.when_i_receive("m"):
        say_for("x", 0)
    state = run_project(prog.build())
    assert state["lists"]["log"] == [0.066]
    assert state["frames"] == 2


def test_after_a_timed_bubble_a_warp_blocks_own_body_runs_without_warp() -> None:
    """Resuming after `say for secs` pushes a new stack entry that copies the caller's warp, not the
    warp block's: the rest of that body's loop yields every pass (w b w b w b b)."""
    prog, log = logging_program()
    sprite = prog.sprite("S")
    fast = sprite.procedure("fast", warp=True)
    with fast.define():
        say_for("hi", 0)
        with repeat(3):
            log.add("w")
    with sprite.when_flag_clicked():
        fast()
    with sprite.when_flag_clicked():
        wait(0)
        with repeat(4):
            log.add("b")
    assert "".join(log_of(prog.build())) == "wbwbwbb"


def test_inside_an_if_a_timed_bubble_keeps_warp() -> None:
    """When the bubble sits in a branch, the new entry copies the warp block's own entry: warp stays."""
    prog, log = logging_program()
    sprite = prog.sprite("S")
    fast = sprite.procedure("fast", warp=True)
    with fast.define(), if_(True):
        say_for("hi", 0)
        with repeat(3):
            log.add("w")
    with sprite.when_flag_clicked():
        fast()
    with sprite.when_flag_clicked():
        wait(0)
        with repeat(4):
            log.add("b")
    assert "".join(log_of(prog.build())) == "wwwbbbb"


# ## Stop


def test_stop_other_scripts_in_sprite_stops_only_that_sprites_other_threads() -> None:
    """`stop other scripts in sprite` ends the sprite's other threads; other sprites go on."""
    prog, log = logging_program()
    sprite, other = prog.sprite("S"), prog.sprite("O")
    with sprite.when_flag_clicked(), repeat(3):
        log.add("s1")
    with sprite.when_flag_clicked():
        log.add("stopper")
        stop("other scripts in sprite")
        with repeat(2):
            log.add("st")
    with sprite.when_flag_clicked(), repeat(3):
        log.add("s3")
    with other.when_flag_clicked(), repeat(3):
        log.add("o")
    assert log_of(prog.build()) == ["o", "s1", "stopper", "st", "o", "st", "o"]


def test_stop_this_script_at_top_level_ends_the_thread() -> None:
    """`stop this script` outside a procedure ends its thread, even inside a loop."""
    prog, log = logging_program()
    with prog.sprite("S").when_flag_clicked():
        with repeat(3):
            log.add("once")
            stop("this script")
        log.add("never")
    assert log_of(prog.build()) == ["once"]
