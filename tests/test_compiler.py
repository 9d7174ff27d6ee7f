"""The compiled engine computes what the interpreter computes: same final state, say output, frames and clock.

Every conformance case runs compiled against its golden from the official VM; the programs and
Hypothesis-generated scripts run under both engines; hostile names and literals compile to code
that runs them as data and never as code.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import tokenize
from typing import Any

import pytest
from hypothesis import event, example, given

from emulator.cli import main
from emulator.compiler import lower_exprs, lower_stmts
from emulator.dsl import Program, broadcast, broadcast_and_wait, if_, join, repeat, say, wait
from emulator.dsl_sprite import change_x
from emulator.errors import EmulatorError
from emulator.programs.apple_orange import build as apple_orange
from emulator.programs.day3_mlp import build as day3
from emulator.project import Project
from emulator.runtime.hooks import RunHooks
from emulator.runtime.linker import UnsupportedBlock
from emulator.runtime.runtime import Runtime
from emulator.sb3 import project_from_json, project_to_json
from emulator.state_json import decode_state, dump_state
from tests import strategies
from tests.conformance.cases import Case
from tests.conformance.cases._emulate import first_difference
from tests.conformance.cases._fuzz import build_project
from tests.oracle import decode_state as decode_vm_state
from tests.test_conformance import CASES, _param, golden


class _FramesUsedUp(Exception):
    """Raised after the last allowed frame."""


def run(
    project: Project | dict[str, Any],
    engine: str,
    *,
    turbo: bool = False,
    answers: tuple[str, ...] = (),
    seed: int = 0,
    max_frames: int = 3000,
    **devices: Any,
) -> dict[str, Any]:
    """{"frames", "finished", "blocks", "state", "source"}: a run as test_conformance runs it."""
    if isinstance(project, dict):
        project = project_from_json(project)
    rt = Runtime(project, seed=seed, turbo=turbo, answers=list(answers), engine=engine, **devices)

    def after_frame() -> None:
        if rt.frame_count >= max_frames:
            raise _FramesUsedUp

    rt.on_frame = after_frame
    rt.green_flag()
    if max_frames > 0:
        with contextlib.suppress(_FramesUsedUp):
            rt.run()
    source = "\n".join(c.text() for c in rt.compiled)
    return {
        "frames": rt.frame_count,
        "finished": not rt.threads,
        "blocks": rt.blocks,
        "state": decode_state(dump_state(rt)),
        "source": source,
    }


def assert_same_run(project: Project | dict[str, Any], **params: Any) -> dict[str, Any]:
    """Both engines end in the same state, with the same output, frames and block count."""
    expected = run(project, "interpreter", **params)
    actual = run(project, "compiled", **params)
    difference = first_difference(expected["state"], actual["state"])
    where = f"\n--- generated source ---\n{actual['source']}"
    assert difference is None, f"the compiled run differs at {difference}{where}"
    for key in ("frames", "finished", "blocks"):
        assert actual[key] == expected[key], f"{key}: {actual[key]} != {expected[key]}{where}"
    return actual


def test_a_warp_block_called_after_a_pass_that_went_on_at_once_times_its_own_warp() -> None:
    """A lone loop without warp that goes on at once after a pass (next_turn_is_at_once) still
    ends its turn there, and with it the warp timer: a warp custom block it calls next times its
    500 ms from its own start, so a wait inside it busy-waits to the interpreter's clock."""
    prog = Program("warp_again")
    a = prog.stage.var("a", "")
    sprite = prog.sprite("S")
    busy = sprite.procedure("busy", warp=True)
    with busy.define():
        a.set("")
        a.change(1)
        wait(0.05)
    with sprite.when_flag_clicked(), repeat(2):
        busy()
    assert_same_run(prog.build())


def _lone_loop(moves: bool) -> Project:
    """A non-warp loop long enough to span frames, alone until it starts a second thread halfway."""
    prog = Program("lone_loop")
    x, seen = prog.stage.var("x", 0), prog.stage.var("seen", 0)
    looping, listener = prog.sprite("Loop"), prog.sprite("Listener")
    with looping.when_flag_clicked():
        x.set(0)
        with repeat(60_000):
            x.change(1)
            if moves:
                change_x(1)  # asks for a redraw: outside turbo mode the frame ends
            with if_(x == 25_000):
                broadcast("go")
        say(join(x, join(" ", seen)))
    with listener.when_i_receive("go"):
        seen.set(x)
        with repeat(3):
            seen.change(1)
    return prog.build()


@pytest.mark.parametrize("turbo", [False, True], ids=["normal", "turbo"])
@pytest.mark.parametrize("moves", [False, True], ids=["still", "moving"])
def test_a_lone_loop_keeps_its_turn_where_the_sequencer_would_give_it_back(
    turbo: bool, moves: bool
) -> None:
    """Compiled, a non-warp loop alone goes on without a round trip through the sequencer, only while
    nothing can tell: the frames, the clock and the other thread's view of x stay the interpreter's."""
    result = assert_same_run(_lone_loop(moves), turbo=turbo)
    assert "next_turn_is_at_once(" in result["source"]
    assert result["frames"] > 1


def _numbers_kept_in_loops(warp: bool) -> Project:
    """Loops that write only numbers to variables which start as text, become NaN, are changed by
    another thread between passes, run no pass at all, or are written in a nested loop too."""
    prog = Program("loop_numbers")
    x, y, total, out = (prog.stage.var(n, 0) for n in ("x", "y", "total", "out"))
    looping, other = prog.sprite("Loop"), prog.sprite("Other")
    body = looping.procedure("body", warp=warp)
    with body.define():
        x.set("12 apples")  # text, read as 0
        total.set(0)
        with repeat(4):
            total.change(x)
            x.change(2)
        out.set(join(x, join(" ", total)))
        x.set("Infinity")
        y.set("-Infinity")
        with repeat(3):  # Infinity + -Infinity is NaN, which the next read takes as 0
            total.change(x)
            x.change(y)
        out.set(join(out, join(" ", join(x, join(" ", total)))))
        x.set("never")
        with repeat(0):
            x.change(1)
        out.set(join(out, join(" ", x)))
        x.set("1")
        with repeat(3):
            x.change(x)
            with repeat(2):
                x.change(1)
                total.change(x)
            total.change(x)
        out.set(join(out, join(" ", join(x, join(" ", total)))))
        broadcast("go")
        x.set(0)
        with repeat(6):  # outside warp the other thread runs between passes and writes text
            total.change(x)
            x.change(1)
        out.set(join(out, join(" ", join(x, join(" ", total)))))
    with looping.when_flag_clicked():
        body()
        say(out)
    with other.when_i_receive("go"):
        x.set(join("1", "0"))
    return prog.build()


@pytest.mark.parametrize("warp", [False, True], ids=["yielding", "warp"])
def test_a_loop_casts_a_variable_it_writes_only_numbers_to_once(warp: bool) -> None:
    """Type narrowing across passes: a variable a loop keeps a number is cast before the loop and
    after its yields, not in every pass, and every run computes what the interpreter computes."""
    result = assert_same_run(_numbers_kept_in_loops(warp))
    assert "# it writes only numbers to it" in result["source"]
    out = result["state"]["variables"]["out"].split(" ")
    assert out[:5] == ["8", "12", "-Infinity", "NaN", "never"], out
    # Outside warp the other thread's "10" lands after the first of six passes: x ends at 15.
    assert out[-2] == ("6" if warp else "15"), out


def _arithmetic_a_loop_never_changes(warp: bool) -> Project:
    """Loops adding up arithmetic on variables they never write: one another thread changes between
    passes, Infinity * 0 (NaN, read as 0), text, an inner loop's terms the outer loop writes, and
    an inner loop's count (text) another thread changes between passes."""
    prog = Program("loop_constants")
    names = ("a", "b", "i", "k", "n", "total", "out")
    a, b, i, k, n, total, out = (prog.stage.var(name, 0) for name in names)
    looping, other = prog.sprite("Loop"), prog.sprite("Other")
    body = looping.procedure("body", warp=warp)
    with body.define():
        a.set("3")
        b.set(" 4 ")
        total.set(0)
        i.set(0)
        broadcast("go")
        with repeat(5):  # outside warp the other thread changes a between passes
            total.change(a * b + i)
            i.change(1)
        out.set(total)
        a.set("Infinity")
        b.set(0)
        with repeat(2):
            total.change((a * b) + 1)
        out.set(join(out, join(" ", total)))
        a.set(5)
        k.set(1)
        n.set(" 2 ")
        broadcast("more")
        with repeat(3):
            with repeat(n):
                total.change(a - (k * 2) + b)
                total.change((k * 10) - 1)
            k.change(1)
        out.set(join(out, join(" ", total)))
    with looping.when_flag_clicked():
        body()
        say(out)
    with other.when_i_receive("go"):
        a.set(join("1", "0"))
    with other.when_i_receive("more"):
        n.set(3)
    return prog.build()


@pytest.mark.parametrize("warp", [False, True], ids=["yielding", "warp"])
def test_a_loop_computes_arithmetic_it_never_changes_once(warp: bool) -> None:
    """Loop-invariant code motion: arithmetic on casts a loop keeps of what it never writes is
    computed before the loop (c_N) and again after its yields, and every run computes what the
    interpreter computes."""
    result = assert_same_run(_arithmetic_a_loop_never_changes(warp))
    assert "c_0 = " in result["source"] and "passes(c_" in result["source"], result["source"]
    out = result["state"]["variables"]["out"].split(" ")
    # In warp, 5 x 12 + (0+1+2+3+4); outside it the other thread's "10" lands after the first pass.
    assert out[0] == ("70" if warp else "182"), out
    assert out[1] == str(int(out[0]) + 2), out  # Infinity * 0 is NaN, read as 0
    # n x ((5 - 2k) + (10k - 1)) for k = 1, 2, 3; outside warp n is 3 from the second k on.
    assert out[2] == str(int(out[1]) + (120 if warp else 168)), out


def _indices_outside_a_list() -> Project:
    """Reads and replaces of a three-item list at computed numeric indices outside it or fractional
    (0, -1, 0.5, 3.5, 4, Infinity, -Infinity, NaN) and at text indices, in a loop."""
    prog = Program("outside_a_list")
    items, indices = prog.stage.list("items", [10, 20, 30]), prog.stage.list("indices")
    k, zero, out = prog.stage.var("k", 0), prog.stage.var("zero", 0), prog.stage.var("out", "")
    looping = prog.sprite("Loop")
    with looping.when_flag_clicked():
        for i in (0, -1, 0.5, 3.5, 4, "2", " 3 ", "last", "x", "random"):
            indices.add(i)
        k.set(0)
        with repeat(indices.length()):
            k.change(1)
            at = indices.item(k)
            # `at * 1` is a float (a number typed as such); `at` itself may be text.
            out.set(join(out, join(items.item(at * 1), join("/", join(items.item(at), " ")))))
            items.replace(at * 1, join("n", k))
            items.replace(at, join("t", k))
        for index in (1 / zero, (0 - 1) / zero, zero / zero):  # Infinity, -Infinity, NaN
            out.set(join(out, items.item(index)))
            items.replace(index, "never")
        say(out)
    return prog.build()


def test_a_number_outside_a_list_reads_nothing_and_writes_nothing_inline() -> None:
    """An index known to be a float is read and replaced without a call: outside the list it reads
    "" and writes nothing, as Cast.toListIndex has it; text indices still go through the call."""
    result = assert_same_run(_indices_outside_a_list())
    source = result["source"]
    assert "else '')" in source, source
    # A text index goes to the call after the tests for a float and for text holding a number.
    guarded = r"'' if type\((_t\d+)\) is float else [^\n]*?CAST_CACHE\.get\(\1\)[^\n]*?item_of\("
    assert len(re.findall(guarded, source)) == source.count("item_of(") > 0, source
    # Item 1 is never at an index given (0, -1, 0.5, "x" write nothing); item 3 is "last" at k = 8.
    items = result["state"]["lists"]["items"]
    assert items[0] == 10 and items[2] == "t8", items


def test_a_sum_with_a_finite_constant_is_never_nan() -> None:
    """A non-NaN number plus, minus or times (non-zero) a finite constant needs no NaN check;
    times 0 does, as Infinity * 0 is NaN."""
    from emulator.compiler.ir import NUMBER, NUMBER_NAN, Op, VarRef, const
    from emulator.compiler.ir import Invariant as Number
    from emulator.compiler.optimize import fold

    n = Number(VarRef(0, "n"))
    for op, c in (("add", 1.0), ("sub", -2.5), ("mul", 3.0)):
        assert fold(Op(op, (n, const(c)), NUMBER_NAN)).type is NUMBER
        assert fold(Op(op, (const(c), n), NUMBER_NAN)).type is NUMBER
    for op, c in (("mul", 0.0), ("add", float("inf")), ("sub", float("nan"))):
        assert fold(Op(op, (n, const(c)), NUMBER_NAN)).type is NUMBER_NAN
    assert fold(Op("add", (n, n), NUMBER_NAN)).type is NUMBER_NAN


def nan_inside_arithmetic(warp: bool) -> Project:
    """Sums, differences and products with NaN inside them (Infinity * 0, Infinity - Infinity),
    which Scratch reads as 0 at the next operation, as list indices and as operands, in a loop and
    out of it, some with list items among their operands, then the same arithmetic without NaN."""
    prog = Program("nan_inside")
    names = ("a", "b", "c", "i", "total", "out")
    a, b, c, i, total, out = (prog.stage.var(name, 0) for name in names)
    items = prog.stage.list("items", [10, 20, 30, 40, 50])
    looping = prog.sprite("Loop")
    body = looping.procedure("body", warp=warp)
    with body.define():
        i.set(0)
        with repeat(3):
            i.change(1)
            read = items.item((a * b) + c + 1)  # NaN + 1 + 1 reads item 2
            out.set(join(out, join(read, " ")))
            read = items.item((i * c) + (a - a) + 1)
            out.set(join(out, join(read, join(" ", join(items.item(i * 2 - 1), " ")))))
            total.change((((a * b) + c) * 2) + (a - a))
            # The same with the loop's counter inside (computed at each pass): 0 * a is NaN.
            read = items.item(((i * 0) * a) + (i * c) + 1)
            out.set(join(out, join(read, " ")))
            total.change(((i * 0) * a) + (i * b))
            items.replace((a * b) + i + (c * 0), join("r", i))
            # Items read inside such trees, as operands and in an index: each read once.
            total.change(((items.item(i) * a) * b) + items.item(i + 4))
            read = items.item(((items.item(i) * b) * a) + (items.item(i + 5) * c) + 1)
            out.set(join(out, join(read, " ")))
        out.set(join(out, join(total, items.item((a * b) + (b * a)))))
    with looping.when_flag_clicked():
        out.set("")
        for first, second in (("Infinity", 0), ("-Infinity", "Infinity"), (3, " 2 ")):
            a.set(first)
            b.set(second)
            c.set(1)
            body()
            out.set(join(out, "|"))
        say(out)
    return prog.build()


@pytest.mark.parametrize("warp", [False, True], ids=["yielding", "warp"])
def test_nan_inside_arithmetic_is_read_as_zero_where_the_interpreter_reads_it(warp: bool) -> None:
    """A tree of sums, differences and products is computed without its inner NaN tests first and
    again with them only when its root is NaN: the reads, writes and sums are the interpreter's."""
    result = assert_same_run(nan_inside_arithmetic(warp))
    assert re.search(r"else '' if (_t\d+) == \1 else", result["source"]), result["source"]
    assert re.search(r"if \((v_\d+) := [^\n]*\) == \1:\n", result["source"]), result["source"]
    out = result["state"]["variables"]["out"].split("|")
    assert out[0].split(" ")[:3] == ["20", "20", "10"], out  # Infinity * 0 and Infinity - Infinity


def test_two_targets_of_one_name_each_run_their_own_custom_blocks() -> None:
    """A sprite named like the stage (project.json allows it) calls its own custom block, compiled too."""

    def target(is_stage: bool, proccode: str, layer: int) -> dict[str, Any]:
        mutation = {"tagName": "mutation", "children": [], "proccode": proccode}
        prototype = {**mutation, "argumentids": "[]", "argumentnames": "[]"}
        prototype["argumentdefaults"], prototype["warp"] = "[]", "true"
        say = {"opcode": "looks_say", "inputs": {"MESSAGE": [1, [10, proccode]]}}
        blocks = {
            "def": {"opcode": "procedures_definition", "topLevel": True, "next": "say"},
            "proto": {"opcode": "procedures_prototype", "shadow": True, "mutation": prototype},
            "say": {**say, "parent": "def"},
            "hat": {"opcode": "event_whenflagclicked", "topLevel": True, "next": "call"},
            "call": {"opcode": "procedures_call", "parent": "hat", "mutation": mutation},
        }
        blocks["def"]["inputs"] = {"custom_block": [1, "proto"]}
        return {"isStage": is_stage, "name": "Stage", "blocks": blocks, "layerOrder": layer}

    doc = {"targets": [target(True, "f %s %b", 0), target(False, "g", 1)], "meta": {}}
    result = assert_same_run(doc)
    assert sorted(s["text"] for s in result["state"]["says"]) == ["f %s %b", "g"]


# ## Every conformance case, compiled, against the official VM's golden


def _case_run(case: Case) -> dict[str, Any]:
    return run(
        case.project(),
        "compiled",
        turbo=case.turbo,
        answers=case.answers,
        seed=case.seed,
        max_frames=case.max_frames,
        **case.devices(),
    )


@pytest.mark.parametrize(("module", "case"), [_param(m, c) for m, c in CASES])
def test_conformance_case_compiled(module: str, case: Case) -> None:
    """Compiled, each conformance case reaches the VM's recorded state, end and frame count."""
    recorded = golden(module)["cases"][case.id]
    result = _case_run(case)
    where = f"\n--- generated source ---\n{result['source']}"
    difference = first_difference(decode_vm_state(recorded["state"]), result["state"])
    assert difference is None, f"{case.description}: compiled differs at {difference}{where}"
    assert result["finished"] == recorded["finished"], where
    if case.timing:
        assert result["frames"] == recorded["frames"], where


# ## The shipped programs


@pytest.mark.parametrize(
    "project",
    [
        pytest.param(apple_orange(), id="apple_orange"),
        *(
            pytest.param(
                day3(
                    variant=variant,
                    epochs=1,
                    train=train,
                    test=test,
                    layers=layers,
                    seed=3,
                ),
                id=f"day3-{variant}-{'-'.join(map(str, layers))}-{train}",
            )
            for variant in ("fixed", "buggy")
            for layers, train, test in (((196, 6, 10), 2, 1), ((196, 20, 8, 4, 10), 3, 2))
        ),
    ],
)
def test_programs_run_the_same(project: Project) -> None:
    """apple_orange and day3 (both variants, two sizes) end the same under both engines."""
    assert_same_run(project, seed=3)


# ## Random scripts


@strategies.fuzz_settings(strategies.COMPILER_EXAMPLES)
@given(program=strategies.fuzz_programs())
# Found by Hypothesis: a custom block that ends waiting, called last in a script.
@example(
    program={
        "variables": {"a": "", "b": "", "c": ""},
        "lists": {"L": [], "M": []},
        "procedures": [
            {"kinds": (), "warp": False, "body": [("say_for", ("timer",), ("lit", "0"))]}
        ],
        "scripts": [("stage", [("call", 0, [])])],
        "receivers": [],
        "seed": 0,
        "turbo": False,
    }
)
# Found by Hypothesis: a variable written before an inner loop must be written back at the outer
# loop's yield, though the inner loop re-read it.
@example(
    program={
        "variables": {"a": "", "b": "", "c": ""},
        "lists": {"L": [], "M": []},
        "procedures": [],
        "scripts": [
            (
                "stage",
                [
                    (
                        "repeat_until",
                        ("data_itemoflist", "L", ("lit", "Infinity")),
                        [("repeat_until", ("lit", "0.0001"), [("set", "a", ("lit", ""))])],
                    )
                ],
            )
        ],
        "receivers": [("stage", "m2", [("set", "a", ("lit", "0"))])],
        "seed": 0,
        "turbo": False,
    }
)
# Found by Hypothesis: a loop whose condition runs an interpreter closure (a sprite's x position)
# counted its last pass twice, once before the closure and once at the exit.
@example(
    program={
        "variables": {"a": "", "b": "", "c": ""},
        "lists": {"L": [], "M": []},
        "procedures": [],
        "scripts": [
            (
                "stage",
                [
                    (
                        "repeat_until",
                        ("sprite", "motion_xposition", None),
                        [("set", "a", ("lit", ""))],
                    )
                ],
            )
        ],
        "receivers": [],
        "clone_scripts": [],
        "looks": {"x": 0, "direction": 90, "currentCostume": 0},
        "seed": 0,
        "turbo": False,
    }
)
def test_random_programs_run_the_same(program: dict[str, Any]) -> None:
    """Compiling never changes what a program computes, says, or how many frames it takes.

    Sprite, pen and clone blocks are in most programs: their reporters and statements run through
    the interpreter's closures inside generated code.
    """
    project = build_project(program)
    if _uses_sprite_blocks(project):
        event("sprite, pen or clone blocks")
    assert_same_run(project, seed=program["seed"], turbo=program["turbo"], max_frames=60)


SPRITE_PREFIXES = ("motion_", "looks_", "pen_", "control_create_clone", "control_delete_this_clone")


def _uses_sprite_blocks(project: dict[str, Any]) -> bool:
    return any(
        block.get("opcode", "").startswith(SPRITE_PREFIXES)
        and not block.get("opcode", "").startswith(("looks_say", "looks_think"))
        for target in project["targets"]
        for block in target["blocks"].values()
        if isinstance(block, dict)
    )


# ## The interpreter's closures, where the compiler leaves a block to them


def test_fallback_runs_the_interpreters_closures(monkeypatch: pytest.MonkeyPatch) -> None:
    """With no rule for say, add, set or join, the compiler calls the interpreter's closures."""
    for opcode in ("looks_say", "data_addtolist", "data_setvariableto"):
        monkeypatch.delitem(lower_stmts.RULES, opcode)
    monkeypatch.delitem(lower_exprs.RULES, "operator_join")
    prog = Program("fallbacks")
    out = prog.stage.list("out")
    x = prog.stage.var("x", 0)
    sprite = prog.sprite("S")
    twice = sprite.procedure("twice %s", ["v"], warp=True)
    with twice.define() as (v,):
        x.set(join(v, v))
        out.add(join(x, "!"))
    with sprite.when_flag_clicked(), repeat(3):
        twice(join("a", x))
        say(x)
    result = assert_same_run(prog.build())
    assert "run_statement(FB_" in result["source"]
    assert "run_reporter(FB_" in result["source"]


def test_an_unsupported_block_stops_both_engines_alike() -> None:
    """A block no engine knows raises UnsupportedBlock, after the same blocks ran in both."""
    prog = Program("unsupported")
    x = prog.stage.var("x", 0)
    with prog.sprite("S").when_flag_clicked():
        x.set(5)
    doc = project_to_json(prog.build())
    blocks = doc["targets"][1]["blocks"]
    last = next(k for k, b in blocks.items() if b["opcode"] == "data_setvariableto")
    blocks[last]["next"] = "odd"
    blocks["odd"] = {
        "opcode": "faketension_dothing",
        "next": None,
        "parent": last,
        "inputs": {"STEPS": [1, [4, "10"]]},
        "fields": {},
        "shadow": False,
        "topLevel": False,
    }
    states = []
    for engine in ("interpreter", "compiled"):
        rt = Runtime(project_from_json(doc), engine=engine)
        rt.green_flag()
        with pytest.raises(UnsupportedBlock):
            rt.run()
        states.append((decode_state(dump_state(rt)), rt.blocks))
    assert states[0] == states[1]


def test_compiled_code_cannot_pause() -> None:
    """A pause predicate needs the interpreter: a compiled run refuses it instead of ignoring it."""
    rt = Runtime(apple_orange(), engine="compiled")
    rt.green_flag()
    with pytest.raises(EmulatorError, match="interpreter"):
        rt.run_until(lambda thread, stmt: False)


# ## Project text is data, never code

HOSTILE = [
    "x'); import os; os._exit(3) #",
    'y"""\n__import__("os")._exit(4)\n"""',
    "back\\slash\\",
    "line\nbreak\r\nand\u2028separator",
    "{format} {braces!r} %s %(name)s",
    "__import__('sys').exit(5)",
    "nul\x00byte",
    "unicode ✓ 😀 \ud83d",
    "v_0",
    "_rt",
    "def",
]


def _hostile_program() -> Project:
    prog = Program("hostile")
    stage = prog.stage
    names = [stage.var(name, name) for name in HOSTILE]
    lists = [stage.list(f"L {name}", [name, 1]) for name in HOSTILE]
    sprite = prog.sprite(HOSTILE[1])
    # A custom block's text takes no "%" but its argument slots.
    procs = [
        sprite.procedure(f"{name.replace('%', '‰')} %s %b", [name, name + "!"], warp=True)
        for name in HOSTILE
    ]
    for proc, var, lst in zip(procs, names, lists, strict=True):
        with proc.define() as (a, b):
            var.set(join(a, b))
            lst.add(join(a, var))
            with if_(b):
                lst.add(a)
    with sprite.when_flag_clicked():
        for i, (proc, var) in enumerate(zip(procs, names, strict=True)):
            proc(HOSTILE[-1 - i], i % 2 == 0)
            say(join(var, HOSTILE[i]))
            broadcast_and_wait(HOSTILE[i])
    for i, name in enumerate(HOSTILE):
        with sprite.when_i_receive(name):
            lists[i].add(name)
    return prog.build()


def _names_in(source: str) -> set[str]:
    """Every identifier the source uses as code (not inside strings or comments)."""
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return {t.string for t in tokens if t.type == tokenize.NAME}


INJECTED = {"os", "sys", "_exit", "exit", "__import__", "format", "braces", "import"}


def test_hostile_names_and_literals_run_as_data() -> None:
    """Quotes, backslashes, newlines, braces, NUL, __import__ and unicode in every name and literal."""
    result = assert_same_run(_hostile_program())
    assert not _names_in(result["source"]) & INJECTED
    for name in HOSTILE:
        if ascii(name)[1:-1] != name:  # newlines, backslashes, NUL, non-ASCII: only ever escaped
            assert name not in result["source"]
    said = [s["text"] for s in result["state"]["says"]]
    assert said == [
        f"{HOSTILE[-1 - i]}{'true' if i % 2 == 0 else 'false'}{n}" for i, n in enumerate(HOSTILE)
    ]
    lists = result["state"]["lists"]
    assert all(lists[f"L {name}"][-1] == name for name in HOSTILE)  # each receiver ran


def test_hostile_block_ids_only_appear_escaped() -> None:
    """Block, variable and list ids full of quotes and newlines stay inside escaped comments and literals."""
    doc = project_to_json(_hostile_program())
    text = json.dumps(doc)
    for n, (old, new) in enumerate(_hostile_ids(doc).items()):
        text = text.replace(json.dumps(old), json.dumps(new + str(n)))
    result = assert_same_run(json.loads(text))
    assert not _names_in(result["source"]) & INJECTED


def _hostile_ids(doc: dict[str, Any]) -> dict[str, str]:
    ids = [k for t in doc["targets"] for k in t["blocks"]]
    return {old: HOSTILE[i % len(HOSTILE)] for i, old in enumerate(ids)}


# ## The command line


def test_cli_run_compiled_says_what_the_interpreter_says(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`run --engine compiled` prints the same output and final state as the interpreter."""
    outputs = []
    for engine in ("interpreter", "compiled"):
        assert main(["run", "apple_orange", "--engine", engine, "--dump-state", "-"]) == 0
        outputs.append(capsys.readouterr())
    assert outputs[0].out == outputs[1].out
    assert outputs[0].err == outputs[1].err


def test_cli_run_compiled_takes_the_mark_from_the_interpreter(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """day3's summary, which compares the weights at the mark with the end, is the same compiled."""
    argv = ["run", "day3", "--epochs", "1", "--train", "2", "--test", "1", "--layers", "196,6,10"]
    outputs = []
    for engine in ("interpreter", "compiled"):
        assert main([*argv, "--engine", engine]) == 0
        outputs.append(
            [line for line in capsys.readouterr().out.splitlines() if "blocks/s" not in line]
        )
    assert outputs[0] == outputs[1]


def test_cli_compile_prints_source_that_compiles(capsys: pytest.CaptureFixture[str]) -> None:
    """`compile` prints each function under a header; the text is valid Python."""
    assert main(["compile", "apple_orange"]) == 0
    text = capsys.readouterr().out
    assert "def script_" in text and "def proc_" in text
    compile(text, "<printed>", "exec")


def test_a_script_too_deep_for_python_runs_in_the_interpreter() -> None:
    """An expression nested past what Python's compiler takes leaves its script to the interpreter."""
    prog = Program("deep")
    x, y = prog.stage.var("x", 0), prog.stage.var("y", 0)
    deep: Any = x
    for i in range(150):
        deep = join(deep, "a") if i % 2 else deep + 1
    sprite = prog.sprite("S")
    with sprite.when_flag_clicked():
        x.set(deep)
    with sprite.when_flag_clicked(), repeat(3):
        y.change(1)
    rt = Runtime(prog.build(), engine="compiled")
    assert rt.compiled  # compiled on first need
    compiled = [s.compiled is not None for s in rt.scripts if s.target.name == "S"]
    assert compiled == [False, True]
    assert_same_run(prog.build())


def test_hooks_run_in_code_compiled_to_report() -> None:
    """With hooks attached when a thread starts, it runs code compiled to report, and the hooks see its writes."""

    class Writes(RunHooks):
        def __init__(self) -> None:
            self.count = 0

        def on_var_set(self, thread: Any, block_id: str, cell: Any, value: Any) -> None:
            self.count += 1

    seen = []
    for engine in ("interpreter", "compiled"):
        hooks = Writes()
        rt = Runtime(apple_orange(), engine=engine, hooks=hooks)
        rt.green_flag()
        assert all((t.compiled is not None) == (engine == "compiled") for t in rt.threads)
        rt.run()
        seen.append(hooks.count)
    assert seen[0] == seen[1] > 0
