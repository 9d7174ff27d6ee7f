"""Sprites and clones where the VM's runner cannot look: a second green flag, the debugger, traces, many clones."""

from __future__ import annotations

import io

from emulator.debug.list_access import list_access_at
from emulator.dsl import Program, repeat, wait
from emulator.dsl_sprite import MYSELF, create_clone, set_effect
from emulator.runtime.runtime import Runtime
from emulator.trace.recorder import Recorder
from emulator.trace.replay import Trace


def cloning_program(clones: int = 2) -> Program:
    """Sprite S makes `clones` clones; each adds 10 to its own n, then calls a custom block."""
    prog = Program("clones")
    sprite = prog.sprite("S")
    n, items = sprite.var("n", 1), sprite.list("items")
    bump = sprite.procedure("bump")
    with bump.define():
        items.add(n)
        items.replace(5, n)  # out of range: the debugger previews this clone's list
    with sprite.when_flag_clicked():
        set_effect("COLOR", "30")
        for _ in range(clones):
            create_clone(MYSELF)
        wait(1)
    with sprite.when_i_start_as_clone():
        n.change(10)
        bump()
    return prog


def test_the_green_flag_deletes_clones_and_clears_effects() -> None:
    """Clicking the flag again stops everything, deletes every clone and clears every effect."""
    runtime = Runtime(cloning_program().build())
    runtime.green_flag()
    runtime.step(40)
    sprite = runtime.target("S")
    assert len(sprite.clones) == 2 and runtime.clone_count == 2
    assert sprite.effects["color"] == 30
    runtime.green_flag()
    assert sprite.clones == [] and runtime.clone_count == 0
    assert sprite.effects["color"] == 0 and runtime.executable == runtime.targets


def test_a_clone_runs_custom_blocks_on_its_own_variables() -> None:
    """A clone's custom block reads and writes the clone's copies; the original's stay as they were."""
    runtime = Runtime(cloning_program().build())
    runtime.green_flag()
    runtime.run()
    sprite = runtime.target("S")
    assert [c.value for c in sprite.variables.values()] == [1.0]
    assert [lst.items for lst in sprite.lists.values()] == [[]]


def test_the_debugger_previews_a_clones_own_list() -> None:
    """Paused at a clone's list block, the preview reads the clone's list, not its original's."""
    runtime = Runtime(cloning_program(clones=1).build())
    runtime.green_flag()
    paused = runtime.run_until(lambda t, s: s.opcode == "data_replaceitemoflist")
    assert paused is not None
    thread, stmt = paused
    assert not thread.target.is_original
    access = list_access_at(runtime, thread, stmt)
    assert access is not None and (access.length, access.kind) == (1, "write")


def test_a_trace_names_a_clones_variables_after_the_clone() -> None:
    """Recorded writes of clones land on cells labelled "S (clone n)", apart from the original's."""
    runtime = Runtime(cloning_program().build())
    sink = io.BytesIO()
    recorder = Recorder(runtime, sink, program="clones")
    runtime.hooks = recorder
    runtime.green_flag()
    runtime.run()
    recorder.close()
    trace = Trace.from_bytes(sink.getvalue())
    written = {(e.cell.owner, e.cell.name) for e in trace.events() if e.kind_name == "set"}
    assert written == {("S (clone 1)", "n"), ("S (clone 2)", "n")}
    cells = trace.tables.cells
    assert sorted(trace.label(i) for i, c in enumerate(cells) if c.name == "n") == [
        "S (clone 1):n",
        "S (clone 2):n",
        "S:n",
    ]


def test_three_hundred_clones_at_most() -> None:
    """Clones past the 300th are not made; each new one goes just behind its original."""
    big = Program("more")
    s = big.sprite("S")
    with s.when_flag_clicked(), repeat(400):
        create_clone(MYSELF)
    runtime = Runtime(big.build())
    runtime.green_flag()
    runtime.run()
    assert runtime.clone_count == 300 == len(runtime.target("S").clones)
    assert len(runtime.executable) == 302  # the stage, S and its clones, each behind S
    assert runtime.executable[-1] is runtime.target("S")
