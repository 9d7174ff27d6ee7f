"""Stack blocks to IR statements: each rule reads its inputs in the order the interpreter's handler does."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from emulator.compiler.ir import (
    NUMBER,
    NUMBER_NAN,
    Broadcast,
    Call,
    Const,
    If,
    ListWriteStmt,
    Loop,
    Op,
    ReadVar,
    Say,
    SetVar,
    Simple,
    Stmt,
    Stop,
    Wait,
    WaitOutside,
    const,
    reports,
)
from emulator.compiler.lower_exprs import as_boolean, as_number
from emulator.opcodes import Opcode
from emulator.project import BROADCAST, Block, Primitive
from emulator.runtime.input_order import draws_random

if TYPE_CHECKING:
    from emulator.compiler.ir import BlockInfo, Expr
    from emulator.compiler.lower import Lowering, Position
    from emulator.runtime.linker import Prototype


def parameter_names(proto: Prototype) -> list[str]:
    """A custom block's parameters: its argument names in order, a repeated name once."""
    names, ids, _, _ = proto
    return list(dict.fromkeys(names[: len(ids)]))


StmtRule = Callable[["Lowering", Block, "BlockInfo", "Position"], Stmt]

# ## Variables and lists


def _set(lw: Lowering, block: Block, info: BlockInfo, pos: Position) -> Stmt:
    # Scratch stores the value as it is: a literal "10" stays the string "10".
    (value,) = lw.inputs(block, ("VALUE",))
    var = lw.variable_field(block)
    return SetVar(info, var, value, lw.origin_reads(block, var), lw.keeps_origin(var))


def _change(lw: Lowering, block: Block, info: BlockInfo, pos: Position) -> Stmt:
    (delta,) = lw.inputs(block, ("VALUE",))
    var = lw.variable_field(block)
    total = Op("add", (as_number(ReadVar(var)), as_number(delta)), NUMBER_NAN)
    return SetVar(info, var, total, lw.origin_reads(block, var), lw.keeps_origin(var))


def _list_write(op: str, names: tuple[str, ...]) -> StmtRule:
    def rule(lw: Lowering, block: Block, info: BlockInfo, pos: Position) -> Stmt:
        return ListWriteStmt(info, op, lw.list_field(block), tuple(lw.inputs(block, names)))

    return rule


def _nothing(lw: Lowering, block: Block, info: BlockInfo, pos: Position) -> Stmt:
    # Monitors are not emulated: showing or hiding one changes no state.
    return Simple(info, "nothing")


# ## Control


def _repeat(lw: Lowering, block: Block, info: BlockInfo, pos: Position) -> Stmt:
    (times,) = lw.inputs(block, ("TIMES",))
    body = lw.branch(block, "SUBSTACK", pos, loop=True)
    # The count input runs on every pass (only the first value counts), so a random draw in it
    # repeats, and so does a list read the hooks hear of.
    again = _draws(lw, block) or (lw.hooks and reports(times))
    # The count is Math.round(toNumber(times)) (repeat_count): its cast is one a loop around the
    # repeat can keep (hoist_casts), and then the count too (a LoopConstant).
    count = Op("count", (as_number(times),), NUMBER)
    return Loop(info, "repeat", count, body, None, again)


def _forever(lw: Lowering, block: Block, info: BlockInfo, pos: Position) -> Stmt:
    return Loop(info, "forever", None, lw.branch(block, "SUBSTACK", pos, loop=True))


def _conditional_loop(kind: str) -> StmtRule:
    def rule(lw: Lowering, block: Block, info: BlockInfo, pos: Position) -> Stmt:
        (cond,) = lw.inputs(block, ("CONDITION",))
        return Loop(info, kind, as_boolean(cond), lw.branch(block, "SUBSTACK", pos, loop=True))

    return rule


def _for_each(lw: Lowering, block: Block, info: BlockInfo, pos: Position) -> Stmt:
    var = lw.variable_field(block)
    (value,) = lw.inputs(block, ("VALUE",))
    body = lw.branch(block, "SUBSTACK", pos, loop=True)
    # The hidden legacy "for each" casts with Number(), not Scratch's cast: NaN stays NaN.
    return Loop(info, "for_each", Op("js_number", (value,), NUMBER_NAN), body, var)


def _if(lw: Lowering, block: Block, info: BlockInfo, pos: Position) -> Stmt:
    (cond,) = lw.inputs(block, ("CONDITION",))
    return If(info, as_boolean(cond), lw.branch(block, "SUBSTACK", pos, loop=False), ())


def _if_else(lw: Lowering, block: Block, info: BlockInfo, pos: Position) -> Stmt:
    (cond,) = lw.inputs(block, ("CONDITION",))
    then = lw.branch(block, "SUBSTACK", pos, loop=False)
    return If(info, as_boolean(cond), then, lw.branch(block, "SUBSTACK2", pos, loop=False))


def _all_at_once(lw: Lowering, block: Block, info: BlockInfo, pos: Position) -> Stmt:
    return If(info, const(True), lw.branch(block, "SUBSTACK", pos, loop=False), ())


def _wait(lw: Lowering, block: Block, info: BlockInfo, pos: Position) -> Stmt:
    (duration,) = lw.inputs(block, ("DURATION",))
    return Wait(info, "seconds", duration, not draws_random(block, lw.blocks))


def _wait_until(lw: Lowering, block: Block, info: BlockInfo, pos: Position) -> Stmt:
    (cond,) = lw.inputs(block, ("CONDITION",))
    return Wait(info, "until", as_boolean(cond), not draws_random(block, lw.blocks))


def _stop(lw: Lowering, block: Block, info: BlockInfo, pos: Position) -> Stmt:
    return Stop(info, str(lw.field(block, "STOP_OPTION")))


def _draws(lw: Lowering, block: Block) -> bool:
    return draws_random(block, lw.blocks)


# ## Events, looks and sensing


def _message(lw: Lowering, block: Block) -> tuple[str | None, Expr | None]:
    """(the stage's message name from a menu, None) or (None, the reporter in the slot)."""
    inp = block.inputs.get("BROADCAST_INPUT")
    slot = inp.slot if inp is not None else None
    menu_id: str | None = None
    if isinstance(slot, Primitive) and slot.kind == BROADCAST:
        menu_id = slot.ref_id
    elif isinstance(slot, str) and slot in lw.blocks and lw.blocks[slot].shadow:
        f = lw.blocks[slot].fields.get("BROADCAST_OPTION")
        menu_id = f.ref_id if f is not None else None
    else:
        (value,) = lw.inputs(block, ("BROADCAST_INPUT",))
        return None, value
    # A menu names its message by id only; an id the stage lacks broadcasts nothing.
    return lw.rt.broadcast_by_id(menu_id), None


def _broadcast(lw: Lowering, block: Block, info: BlockInfo, pos: Position) -> Stmt:
    name, reporter = _message(lw, block)
    return Broadcast(info, name, reporter)


def _broadcast_and_wait(lw: Lowering, block: Block, info: BlockInfo, pos: Position) -> Stmt:
    name, reporter = _message(lw, block)
    return Wait(info, "broadcast", reporter, not _draws(lw, block), name)


def _bubble(kind: str) -> StmtRule:
    def rule(lw: Lowering, block: Block, info: BlockInfo, pos: Position) -> Stmt:
        (text,) = lw.inputs(block, ("MESSAGE",))
        return Say(info, kind, text)

    return rule


def _timed_bubble(kind: str) -> StmtRule:
    def rule(lw: Lowering, block: Block, info: BlockInfo, pos: Position) -> Stmt:
        args = tuple(lw.inputs(block, ("MESSAGE", "SECS")))
        return WaitOutside(info, kind, args, lw.after(pos))

    return rule


def _ask(lw: Lowering, block: Block, info: BlockInfo, pos: Position) -> Stmt:
    args = tuple(lw.inputs(block, ("QUESTION",)))
    return WaitOutside(info, "ask", args, lw.after(pos))


def _reset_timer(lw: Lowering, block: Block, info: BlockInfo, pos: Position) -> Stmt:
    return Simple(info, "reset_timer")


# ## Custom blocks


def _call(lw: Lowering, block: Block, info: BlockInfo, pos: Position) -> Stmt:
    proccode = str((block.mutation or {}).get("proccode", ""))
    proto = lw.prototype(proccode)
    if proto is None:
        # No prototype with this proccode in the calling target: the call does nothing.
        return Simple(info, "nothing")
    names, ids, defaults, warp = proto
    # An input with an empty slot is no argument at all, so the default applies.
    given = [arg_id for arg_id, inp in block.inputs.items() if inp.slot is not None]
    inputs = tuple(lw.input(block, arg_id) for arg_id in given)
    chosen: dict[str, int | Const] = {}
    for name, arg_id, default in zip(names, ids, defaults, strict=False):
        # Params are keyed by name, so with duplicate names the last one wins.
        chosen[name] = given.index(arg_id) if arg_id in given else const(default)
    if lw.definition(proccode) is None:
        return Call(info, None, inputs, (), pos.depth, None)
    ref = lw.proc_ref(proccode, warp)
    params = tuple(chosen[n] for n in parameter_names(proto))
    return Call(info, ref, inputs, params, pos.depth, lw.after(pos))


_O = Opcode
RULES: dict[str, StmtRule] = {
    _O.DATA_SETVARIABLETO: _set,
    _O.DATA_CHANGEVARIABLEBY: _change,
    _O.DATA_SHOWVARIABLE: _nothing,
    _O.DATA_HIDEVARIABLE: _nothing,
    _O.DATA_SHOWLIST: _nothing,
    _O.DATA_HIDELIST: _nothing,
    _O.DATA_ADDTOLIST: _list_write("add", ("ITEM",)),
    _O.DATA_DELETEOFLIST: _list_write("delete", ("INDEX",)),
    _O.DATA_DELETEALLOFLIST: _list_write("delete_all", ()),
    _O.DATA_INSERTATLIST: _list_write("insert", ("ITEM", "INDEX")),
    _O.DATA_REPLACEITEMOFLIST: _list_write("replace", ("INDEX", "ITEM")),
    _O.CONTROL_REPEAT: _repeat,
    _O.CONTROL_FOREVER: _forever,
    _O.CONTROL_REPEAT_UNTIL: _conditional_loop("until"),
    _O.CONTROL_WHILE: _conditional_loop("while"),
    _O.CONTROL_FOR_EACH: _for_each,
    _O.CONTROL_IF: _if,
    _O.CONTROL_IF_ELSE: _if_else,
    _O.CONTROL_ALL_AT_ONCE: _all_at_once,
    _O.CONTROL_WAIT: _wait,
    _O.CONTROL_WAIT_UNTIL: _wait_until,
    _O.CONTROL_STOP: _stop,
    _O.EVENT_BROADCAST: _broadcast,
    _O.EVENT_BROADCASTANDWAIT: _broadcast_and_wait,
    _O.LOOKS_SAY: _bubble("say"),
    _O.LOOKS_THINK: _bubble("think"),
    _O.LOOKS_SAYFORSECS: _timed_bubble("say"),
    _O.LOOKS_THINKFORSECS: _timed_bubble("think"),
    _O.SENSING_ASKANDWAIT: _ask,
    _O.SENSING_RESETTIMER: _reset_timer,
    _O.PROCEDURES_CALL: _call,
}
