"""Threads: interleaving, start order across layers and within a target (JSON key order), the stop-all quirk (7)."""

from __future__ import annotations

from emulator.dsl import Program, join, repeat, stop
from tests.conformance.cases import CaseList
from tests.conformance.cases import _json as J

CASES = CaseList()


@CASES.add(
    "two_loops_interleave",
    "repeat 3 {add a} and repeat 3 {add b} interleave: ababab",
    covers=("5 loop yield", "V79"),
)
def _ababab() -> object:
    prog = Program("case")
    log = prog.stage.var("log", "")
    for letter in "ab":
        with prog.stage.when_flag_clicked(), repeat("3"):
            log.set(join(log, letter))
    return prog.build()


@CASES.add(
    "three_loops_round_robin",
    "three loops of different lengths take turns; finished ones drop out",
    covers=("5 loop yield", "7 ticks"),
)
def _round_robin() -> object:
    prog = Program("case")
    log = prog.stage.var("log", "")
    for letter, times in (("a", "1"), ("b", "3"), ("c", "2")):
        with prog.stage.when_flag_clicked(), repeat(times):
            log.set(join(log, letter))
    return prog.build()


@CASES.add(
    "layer_order",
    "flag scripts start topmost sprite first, stage last: B, A, Stage",
    covers=("7 layer order", "V82", "10.14"),
)
def _layers() -> object:
    prog = Program("case")
    log = prog.stage.list("log")
    a, b = prog.sprite("A"), prog.sprite("B")
    for target, name in ((prog.stage, "Stage1"), (a, "A"), (b, "B"), (prog.stage, "Stage2")):
        with target.when_flag_clicked():
            log.add(name)
    return prog.build()


@CASES.add(
    "layer_order_not_target_order",
    "layerOrder, not the targets' order in the file, decides",
    covers=("7 layer order",),
)
def _layer_field() -> dict:
    blocks = {}
    for name in ("Low", "High", "Mid"):
        b = J.Blocks(name)
        b.flag(b.list_add("log", J.text(name)))
        blocks[name] = b
    return J.project(
        None,
        J.Sprite("Low", blocks["Low"], layer=1),
        J.Sprite("High", blocks["High"], layer=3),
        J.Sprite("Mid", blocks["Mid"], layer=2),
        lists={"log": []},
    )


@CASES.add(
    "script_order_key_order",
    "within a target, scripts start in the blocks object's key order",
    covers=("7 script order",),
)
def _key_order() -> dict:
    st = J.Blocks("st")
    for name in ("first", "second", "third"):
        st.flag(st.list_add("log", J.text(name)))
    return J.project(st, lists={"log": []})


@CASES.add(
    "integer_like_ids_first",
    "hats with integer-like ids start first, in ascending order",
    covers=("7 script order", "7 integer ids", "10.14"),
)
def _integer_ids() -> dict:
    st = J.Blocks("st")
    st.flag(st.list_add("log", J.text("named z")), hat_id="z")
    st.flag(st.list_add("log", J.text("id 10")), hat_id="10")
    st.flag(st.list_add("log", J.text("named a")), hat_id="a")
    st.flag(st.list_add("log", J.text("id 2")), hat_id="2")
    st.flag(st.list_add("log", J.text("id 07 (not integer-like)")), hat_id="07")
    return J.project(st, lists={"log": []})


@CASES.add(
    "stop_all_quirk",
    "after stop all, a later thread in the same tick still runs: z = '1!'",
    covers=("7 stop all quirk", "5 stop all", "V83", "10.12"),
)
def _stop_all_quirk() -> object:
    prog = Program("case")
    x, z = prog.stage.var("x", 0), prog.stage.var("z", 0)
    a = prog.sprite("A")
    with a.when_flag_clicked():
        x.set("1")
        stop("all")
    with prog.stage.when_flag_clicked():
        z.set(join(x, "!"))
    return prog.build()


@CASES.add(
    "stop_all_quirk_until_yield",
    "the later thread runs only until its next yield",
    covers=("7 stop all quirk", "5 stop all"),
)
def _stop_all_yield() -> object:
    prog = Program("case")
    log = prog.stage.list("log")
    a = prog.sprite("A")
    with a.when_flag_clicked():
        log.add("stop")
        stop("all")
    with prog.stage.when_flag_clicked():
        with repeat("3"):
            log.add("loop")
        log.add("after loop")
    return prog.build()


@CASES.add(
    "stop_all_earlier_threads_done",
    "threads before the stopper in the tick already ran; none run after it",
    covers=("7 stop all quirk",),
)
def _stop_all_before() -> object:
    prog = Program("case")
    log = prog.stage.list("log")
    b, a = prog.sprite("B"), prog.sprite("A")  # A is on top: it runs first
    with a.when_flag_clicked(), repeat("3"):
        log.add("A")
    with b.when_flag_clicked():
        log.add("B stops")
        stop("all")
        log.add("never")
    return prog.build()


@CASES.add(
    "threads_share_variables_mid_tick",
    "a thread sees another's write made earlier in the same tick",
    covers=("7 ticks", "5 loop yield"),
)
def _shared() -> object:
    prog = Program("case")
    n = prog.stage.var("n", 0)
    log = prog.stage.list("log")
    with prog.stage.when_flag_clicked(), repeat("3"):
        n.change("1")
    with prog.stage.when_flag_clicked(), repeat("3"):
        log.add(n)
    return prog.build()


@CASES.add(
    "many_sprites_round_robin",
    "five sprites each loop twice: one pass each per tick, topmost first",
    covers=("7 layer order", "5 loop yield"),
)
def _many() -> object:
    prog = Program("case")
    log = prog.stage.var("log", "")
    for name in "vwxyz":
        sprite = prog.sprite(name)
        with sprite.when_flag_clicked(), repeat("2"):
            log.set(join(log, name))
    return prog.build()


@CASES.add(
    "idle_hats_never_start",
    "hats no headless run can fire (key, clicks, backdrop, loudness > 10, touching) start nothing",
)
def _idle_hats() -> dict:
    st, sp = J.Blocks("st"), J.Blocks("sp")
    st.flag(st.list_add("log", J.text("flag")))
    st.script(st.add("event_whenstageclicked"), st.list_add("log", J.text("stage clicked")))
    hats = {
        "key": sp.add("event_whenkeypressed", fields={"KEY_OPTION": ["space", None]}),
        "clicked": sp.add("event_whenthisspriteclicked"),
        "backdrop": sp.add(
            "event_whenbackdropswitchesto", fields={"BACKDROP": ["backdrop1", None]}
        ),
        # The VM checks this edge-triggered hat every frame; loudness is -1 with no microphone.
        "loud": sp.add(
            "event_whengreaterthan",
            {"VALUE": J.number("10")},
            {"WHENGREATERTHANMENU": ["LOUDNESS", None]},
        ),
        "touching": sp.add(
            "event_whentouchingobject",
            {
                "TOUCHINGOBJECTMENU": sp.menu(
                    "event_touchingobjectmenu", "TOUCHINGOBJECTMENU", "_mouse_"
                )
            },
        ),
    }
    for name, hat in hats.items():
        sp.script(hat, sp.list_add("log", J.text(name)))
    return J.project(st, J.Sprite("S", sp), lists={"log": []})
