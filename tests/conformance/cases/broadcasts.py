"""Broadcasts: receivers in the same tick, and-wait, restarts, case-insensitive names, unknown names and ids (7, 10.13)."""

from __future__ import annotations

from emulator.dsl import Expr, Program, broadcast, broadcast_and_wait, if_, join, repeat, wait
from tests.conformance.cases import CaseList
from tests.conformance.cases import _json as J

CASES = CaseList()


@CASES.add(
    "receiver_runs_same_tick",
    "flag: A1, broadcast, A2; the receiver's R1 comes after A2 in the same tick",
    covers=("7 broadcast no yield", "7 appended threads", "V80"),
)
def _same_tick() -> object:
    prog = Program("case")
    log = prog.stage.list("log")
    s = prog.sprite("S")
    with s.when_flag_clicked():
        log.add("A1")
        broadcast("m")
        log.add("A2")
    with s.when_i_receive("m"):
        log.add("R1")
    return prog.build()


@CASES.add(
    "broadcast_and_wait_order",
    "broadcast and wait: A1, R1, R2, then A2 on a later tick",
    covers=("7 broadcast and wait", "5 block yield", "V81"),
)
def _and_wait() -> object:
    prog = Program("case")
    log = prog.stage.list("log")
    s = prog.sprite("S")
    with s.when_flag_clicked():
        log.add("A1")
        broadcast_and_wait("m")
        log.add("A2")
    with s.when_i_receive("m"):
        log.add("R1")
        log.add("R2")
    return prog.build()


@CASES.add(
    "broadcast_and_wait_for_loops",
    "broadcast and wait waits until every receiver's loop is done",
    covers=("7 broadcast and wait",),
)
def _and_wait_loops() -> object:
    prog = Program("case")
    log = prog.stage.list("log")
    s, t = prog.sprite("S"), prog.sprite("T")
    with s.when_flag_clicked():
        broadcast_and_wait("m")
        log.add("done")
    with s.when_i_receive("m"), repeat("2"):
        log.add("s")
    with t.when_i_receive("m"), repeat("4"):
        log.add("t")
    return prog.build()


@CASES.add(
    "broadcast_and_wait_no_receivers",
    "broadcast and wait with no receiver does not yield: A runs before B",
    covers=("7 broadcast and wait",),
)
def _and_wait_nobody() -> object:
    prog = Program("case")
    log = prog.stage.list("log")
    s = prog.sprite("S")
    with s.when_flag_clicked():
        broadcast_and_wait("nobody listens")
        log.add("A")
    with prog.stage.when_flag_clicked():
        log.add("B")
    # A hat for another message keeps "nobody listens" from mattering: it has no receiver.
    with prog.stage.when_i_receive("other"):
        log.add("never")
    return prog.build()


@CASES.add(
    "broadcast_and_wait_restarted_receiver",
    "if its receiver is restarted, broadcast and wait stops waiting",
    covers=("7 broadcast and wait restart", "7 broadcast restart", "10.13"),
)
def _and_wait_restart() -> object:
    prog = Program("case")
    log = prog.stage.list("log")
    s = prog.sprite("S")
    with s.when_flag_clicked():
        log.add("start")
        broadcast_and_wait("m")
        log.add("end-bw")
    with s.when_i_receive("m"):
        log.add("R-in")
        with repeat("4"):
            log.add("R-loop")
        log.add("R-out")
    with prog.stage.when_flag_clicked():
        with repeat("2"):
            log.add("tick")
        broadcast("m")
    return prog.build()


@CASES.add(
    "receiver_restarts_itself",
    "a receiver broadcasting its own message finishes its slice, then restarts",
    covers=("7 broadcast restart", "7 restart hats"),
)
def _self_restart() -> object:
    prog = Program("case")
    log = prog.stage.list("log")
    k = prog.stage.var("k", 0)
    s = prog.sprite("S")
    with s.when_flag_clicked():
        broadcast("m")
    with s.when_i_receive("m"):
        k.change("1")
        log.add(join("in", k))
        with if_(Expr("operator_lt", {"OPERAND1": k, "OPERAND2": "3"}, boolean=True)):
            broadcast("m")
        log.add(join("after", k))
        wait("0")
        log.add(join("waited", k))
    return prog.build()


@CASES.add(
    "receiver_restarted_by_later_thread",
    "a running receiver restarted from a later thread starts over in place",
    covers=("7 broadcast restart", "7 restart hats"),
)
def _restart_other() -> object:
    prog = Program("case")
    log = prog.stage.list("log")
    s = prog.sprite("S")
    with s.when_flag_clicked():
        broadcast("m")
    with s.when_i_receive("m"):
        with repeat("3"):
            log.add("r")
        log.add("r-done")
    with prog.stage.when_flag_clicked():
        log.add("x")
        log.add("x")
        wait("0")
        broadcast("m")
        log.add("again")
    return prog.build()


@CASES.add(
    "broadcast_name_case_insensitive",
    "broadcast (join 'g' 'O') starts 'when I receive Go'",
    covers=("7 broadcast name", "7 broadcast case", "10.13"),
)
def _case_insensitive() -> object:
    prog = Program("case")
    log = prog.stage.list("log")
    s = prog.sprite("S")
    with s.when_flag_clicked():
        broadcast(join("g", "O"))
    with s.when_i_receive("Go"):
        log.add("got Go")
    with s.when_i_receive("GO"):
        log.add("got GO too")
    return prog.build()


@CASES.add(
    "broadcast_unknown_name",
    "broadcasting a computed name nobody declared does nothing",
    covers=("7 broadcast unknown", "10.13"),
)
def _unknown() -> object:
    prog = Program("case")
    log = prog.stage.list("log")
    s = prog.sprite("S")
    with s.when_flag_clicked():
        broadcast(join("nob", "ody"))
        log.add("sent")
    with s.when_i_receive("somebody"):
        log.add("wrong receiver")
    return prog.build()


@CASES.add(
    "broadcast_number_reporter",
    "a number in the broadcast slot is cast to text: 1 + 1 starts 'when I receive 2'",
    covers=("7 broadcast input", "7 broadcast name"),
)
def _number() -> object:
    prog = Program("case")
    log = prog.stage.list("log")
    s = prog.sprite("S")
    with s.when_flag_clicked():
        broadcast(Expr("operator_add", {"NUM1": "1", "NUM2": "1"}))
        broadcast(Expr("operator_equals", {"OPERAND1": "1", "OPERAND2": "1"}, boolean=True))
    with s.when_i_receive("2"):
        log.add("two")
    with s.when_i_receive("true"):
        log.add("true")
    return prog.build()


@CASES.add(
    "receivers_in_layer_order",
    "one broadcast starts receivers topmost sprite first, stage last",
    covers=("7 layer order", "7 broadcast no yield"),
)
def _receiver_order() -> object:
    prog = Program("case")
    log = prog.stage.list("log")
    a, b = prog.sprite("A"), prog.sprite("B")
    with a.when_flag_clicked():
        broadcast("m")
    for target, name in ((prog.stage, "stage"), (a, "A"), (b, "B")):
        with target.when_i_receive("m"):
            log.add(name)
    return prog.build()


@CASES.add(
    "broadcast_twice_same_tick",
    "two broadcasts in one turn restart the receiver once it has started",
    covers=("7 broadcast restart",),
)
def _twice() -> object:
    prog = Program("case")
    log = prog.stage.list("log")
    s = prog.sprite("S")
    with s.when_flag_clicked():
        broadcast("m")
        broadcast("m")
        log.add("sent twice")
    with s.when_i_receive("m"):
        log.add("r1")
        wait("0")
        log.add("r2")
    return prog.build()


@CASES.add(
    "menu_id_missing_from_stage",
    "a broadcast menu whose id the stage does not declare",
    covers=("7 broadcast id", "10.13"),
)
def _missing_id() -> dict:
    sp = J.Blocks("sp")
    sp.flag(
        sp.list_add("log", J.text("before")),
        sp.broadcast("go", "undeclared-id"),
        sp.list_add("log", J.text("after")),
    )
    sp.receive("go", sp.list_add("log", J.text("received")), message_id="undeclared-id")
    return J.project(None, J.Sprite("S", sp), lists={"log": []}, broadcasts={})


@CASES.add(
    "menu_id_differs_from_hat_id",
    "a menu id unknown to the stage, while a hat names the message under another id",
    covers=("7 broadcast id", "7 broadcast unreferenced"),
)
def _id_mismatch() -> dict:
    sp = J.Blocks("sp")
    sp.flag(sp.broadcast("go", "menu-id"), sp.list_add("log", J.text("sent")))
    sp.receive("go", sp.list_add("log", J.text("received")), message_id="hat-id")
    return J.project(None, J.Sprite("S", sp), lists={"log": []}, broadcasts={"hat-id": "go"})


@CASES.add(
    "unreferenced_message_dropped",
    "a stage message no hat or menu names is dropped; its name still broadcasts?",
    covers=("7 broadcast unreferenced", "7 broadcast name"),
)
def _unreferenced() -> dict:
    sp = J.Blocks("sp")
    name = sp.join(J.text("lon"), J.text("ely"))
    sp.flag(
        sp.add("event_broadcast", {"BROADCAST_INPUT": J.reporter(name, [11, "x", "msg-x"])}),
        sp.list_add("log", J.text("sent")),
    )
    sp.receive("x", sp.list_add("log", J.text("x received")))
    hat = sp.add("event_whenbroadcastreceived", fields={"BROADCAST_OPTION": ["lonely", None]})
    sp.script(hat, sp.list_add("log", J.text("lonely received")))
    return J.project(
        None,
        J.Sprite("S", sp),
        lists={"log": []},
        broadcasts={"msg-x": "x", "msg-lonely": "lonely"},
    )


@CASES.add(
    "hat_field_id_irrelevant",
    "a receiver's own field id does not matter, only its name",
    covers=("7 broadcast case", "7 broadcast id"),
)
def _hat_id() -> dict:
    sp = J.Blocks("sp")
    sp.flag(sp.broadcast("go", "msg-go"))
    sp.receive("GO", sp.list_add("log", J.text("received")), message_id="some-other-id")
    return J.project(None, J.Sprite("S", sp), lists={"log": []}, broadcasts={"msg-go": "go"})


@CASES.add(
    "broadcast_empty_name", "broadcast ('') with a receiver named ''", covers=("7 broadcast name",)
)
def _empty_name() -> object:
    prog = Program("case")
    log = prog.stage.list("log")
    s = prog.sprite("S")
    with s.when_flag_clicked():
        broadcast(join("", ""))
        log.add("sent")
    with s.when_i_receive(""):
        log.add("received ''")
    return prog.build()


@CASES.add(
    "broadcast_menu_block",
    "a broadcast menu saved as an event_broadcast_menu shadow block, not the compact [11, ...]",
    covers=("7 broadcast id",),
)
def _menu_block() -> dict:
    sp = J.Blocks("sp")
    menu = sp.add(
        "event_broadcast_menu", fields={"BROADCAST_OPTION": ["go", "msg-go"]}, shadow=True
    )
    sp.flag(sp.add("event_broadcast", {"BROADCAST_INPUT": [1, menu]}))
    sp.receive("go", sp.list_add("log", J.text("received")), message_id="msg-go")
    return J.project(None, J.Sprite("S", sp), lists={"log": []}, broadcasts={"msg-go": "go"})
