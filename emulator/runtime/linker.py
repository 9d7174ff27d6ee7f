"""Links a target's blocks into runnable form: a Stmt chain per script, a Reporter closure per input."""

from __future__ import annotations

import builtins
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from emulator.errors import EmulatorError, ProgramError
from emulator.opcodes import HATS, Opcode
from emulator.project import LIST, VARIABLE, Block, Primitive, Slot
from emulator.runtime.input_order import InputOrder, draws_random, input_order
from emulator.runtime.nodes import Reporter, Run, Stmt
from emulator.runtime.ops import REPORTERS, STATEMENTS
from emulator.runtime.state import ListCell, RuntimeTarget, VarCell
from emulator.values import Value, list_contents

if TYPE_CHECKING:
    from emulator.runtime.runtime import Runtime
    from emulator.runtime.thread import Frame, Thread

Prototype = tuple[list[str], list[str], list[Value], bool]
"""A custom block's argument names, ids and defaults, and its warp flag."""


class UnsupportedBlock(EmulatorError):
    """The run reached a block the emulator does not implement."""

    def __init__(self, opcode: str, block_id: str, target: str) -> None:
        super().__init__(f"unsupported block {opcode!r} (block id {block_id!r} in {target!r})")
        self.opcode = opcode
        self.block_id = block_id


class Linker:
    """Builds the runnable form of one target's blocks, resolving variables and procedures."""

    def __init__(self, runtime: Runtime, target: RuntimeTarget) -> None:
        self.rt = runtime
        self.target = target
        self.blocks = target.source.blocks
        self._stmts: dict[str, Stmt] = {}
        self._reporters = 0
        self._top_inputs: list[tuple[str, Reporter]] | None = None
        self._orders: dict[str, InputOrder | None] = {}

    # ## Stack blocks

    def chain(self, block_id: str | None) -> Stmt | None:
        """The Stmt for a block and, linked behind it, every block after it."""
        first: Stmt | None = None
        previous: Stmt | None = None
        seen: set[str] = set()
        while block_id is not None:
            if block_id in seen:
                raise ProgramError(
                    f"{self.target.name}: block {block_id!r} is in a cycle of next links"
                )
            seen.add(block_id)
            done = block_id in self._stmts
            stmt = self.stmt(block_id)
            if previous is None:
                first = stmt
            else:
                previous.next = stmt
            if done:
                break
            previous = stmt
            block_id = self.blocks[block_id].next
        return first

    def stmt(self, block_id: str) -> Stmt:
        """The Stmt for one block (built once; its `next` is linked by chain())."""
        if block_id in self._stmts:
            return self._stmts[block_id]
        block = self._block(block_id)
        stmt = Stmt(block, self.target)
        self._stmts[block_id] = stmt
        saved = self._reporters, self._top_inputs
        self._reporters, self._top_inputs = 0, []
        stmt.run = self._statement_run(block)
        stmt.cost = 1 + self._reporters
        stmt.inputs = tuple(self._top_inputs)
        self._reporters, self._top_inputs = saved
        if block.opcode == Opcode.PROCEDURES_CALL and block.mutation:
            stmt.proccode = str(block.mutation.get("proccode", ""))
        return stmt

    def _statement_run(self, block: Block) -> Run:
        builder = STATEMENTS.get(block.opcode)
        if builder is not None:
            return builder(self, block)
        if block.opcode in HATS:
            return _no_op
        return _unsupported_statement(block, self.target.name)

    def branch(self, block: Block, name: str = "SUBSTACK") -> Stmt | None:
        """The first Stmt of a C-block's mouth, or None when it is empty."""
        inp = block.inputs.get(name)
        if inp is None or not isinstance(inp.slot, str):
            return None
        saved = self._reporters, self._top_inputs
        first = self.chain(inp.slot)
        self._reporters, self._top_inputs = saved
        return first

    # ## Inputs and fields

    def input(self, block: Block, name: str) -> Reporter:
        """A reporter for one input of a block; a missing input reports undefined (None)."""
        top, self._top_inputs = self._top_inputs, None  # inputs of inputs are not listed
        inp = block.inputs.get(name)
        fn = self._slot(inp.slot) if inp is not None else _constant(None)
        order = self._input_order(block)
        if order is not None and name in order.names:
            fn = order.wrap(name, fn)
        self._top_inputs = top
        if top is not None:
            top.append((name, fn))
        return fn

    def _input_order(self, block: Block) -> InputOrder | None:
        if block.id not in self._orders:
            self._orders[block.id] = input_order(block, self.blocks)
        return self._orders[block.id]

    def draws_random(self, block: Block) -> bool:
        """Whether evaluating the block's inputs may draw a random number (so re-running them is work)."""
        return draws_random(block, self.blocks)

    def constant(self, block: Block, name: str) -> tuple[bool, Value]:
        """(True, value) when an input is a literal, so a builder can fold it."""
        inp = block.inputs.get(name)
        if inp is None:
            return True, None
        slot = inp.slot
        if isinstance(slot, Primitive) and slot.kind not in (VARIABLE, LIST):
            return True, slot.value
        if slot is None:
            return True, None
        if isinstance(slot, str):
            inner = self.blocks.get(slot)
            if inner is not None and _is_menu(inner) and inner.opcode not in REPORTERS:
                return True, next(iter(inner.fields.values())).value
        return False, None

    def field(self, block: Block, name: str) -> Value:
        """A field's value; a missing field is undefined (None)."""
        f = block.fields.get(name)
        return f.value if f is not None else None

    def field_id(self, block: Block, name: str) -> str | None:
        """The id a variable/list/broadcast field names."""
        f = block.fields.get(name)
        return f.ref_id if f is not None else None

    def variable(self, block: Block, name: str = "VARIABLE") -> Callable[[], VarCell]:
        """A getter for the variable a field names (resolved now when it exists)."""
        f = block.fields.get(name)
        var_id, var_name = (f.ref_id, str(f.value)) if f is not None else (None, "")
        return self._variable_getter(var_id, var_name)

    def list(self, block: Block, name: str = "LIST") -> Callable[[], ListCell]:
        """A getter for the list a field names (resolved now when it exists)."""
        f = block.fields.get(name)
        list_id, list_name = (f.ref_id, str(f.value)) if f is not None else (None, "")
        return self._list_getter(list_id, list_name)

    def _variable_getter(self, var_id: str | None, name: str) -> Callable[[], VarCell]:
        target = self.target
        cell = target.find_variable(var_id, name)
        if cell is not None:
            return lambda: cell
        return lambda: target.variable(var_id, name)

    def _slot(self, slot: Slot) -> Reporter:
        if slot is None:
            return _constant(None)
        if isinstance(slot, Primitive):
            return self._primitive(slot)
        return self.reporter(slot)

    def _primitive(self, p: Primitive) -> Reporter:
        if p.kind == VARIABLE:
            self._reporters += 1
            cell = self.target.find_variable(p.ref_id, str(p.value))
            if cell is not None:
                return lambda t: cell.value
            get = self._variable_getter(p.ref_id, str(p.value))
            return lambda t: get().value
        if p.kind == LIST:
            self._reporters += 1
            get_list = self._list_getter(p.ref_id, str(p.value))
            return lambda t: list_contents(get_list().items)
        return _constant(p.value)  # a literal, or a broadcast menu's name

    def _list_getter(self, list_id: str | None, name: str) -> Callable[[], ListCell]:
        target = self.target
        cell = target.find_list(list_id, name)
        if cell is not None:
            return lambda: cell
        # Scratch creates a missing list on the running target when the block first runs.
        return lambda: target.list(list_id, name)

    def reporter(self, block_id: str) -> Reporter:
        """A reporter closure for the block with this id."""
        block = self._block(block_id)
        builder = REPORTERS.get(block.opcode)
        if builder is not None:
            self._reporters += 1
            return builder(self, block)
        if _is_menu(block):
            # A shadow with no primitive and one field gives its field value unchanged.
            return _constant(next(iter(block.fields.values())).value)
        self._reporters += 1
        return _unsupported_reporter(block, self.target.name)

    def _block(self, block_id: str) -> Block:
        block = self.blocks.get(block_id)
        if block is None:
            raise ProgramError(f"{self.target.name}: block {block_id!r} does not exist")
        return block

    # ## Procedures

    def prototype(self, proccode: str) -> Prototype | None:
        """(names, ids, defaults, warp) of the first prototype with this proccode in this target."""
        for block in self._in_js_order():
            if block.opcode == Opcode.PROCEDURES_PROTOTYPE and _proccode(block) == proccode:
                return _parse_prototype(block, self.target.name)
        return None

    def definition(self, proccode: str) -> Stmt | None:
        """The Stmt of the first procedures_definition whose prototype has this proccode."""
        for block in self._in_js_order():
            if block.opcode != Opcode.PROCEDURES_DEFINITION:
                continue
            inp = block.inputs.get("custom_block")
            proto = self.blocks.get(inp.slot) if inp and isinstance(inp.slot, str) else None
            if proto is not None and _proccode(proto) == proccode:
                return self.chain(block.id)
        return None

    def _in_js_order(self) -> builtins.list[Block]:
        from emulator.project import js_key_order

        return [self.blocks[k] for k in js_key_order(self.blocks)]


def _proccode(block: Block) -> str | None:
    return str(block.mutation.get("proccode")) if block.mutation else None


def _parse_prototype(block: Block, target: str) -> Prototype:
    mutation: dict[str, Any] = dict(block.mutation or {})
    try:
        names = json.loads(mutation.get("argumentnames", "[]"))
        ids = json.loads(mutation.get("argumentids", "[]"))
        defaults = json.loads(mutation.get("argumentdefaults", "[]"))
    except (TypeError, ValueError) as exc:
        raise ProgramError(
            f"{target}: custom block {block.id!r} has a malformed mutation: {exc}"
        ) from exc
    warp = mutation.get("warp", False)
    if isinstance(warp, str):
        # The VM JSON.parses a string warp flag: exactly "true" or "false".
        warp = warp == "true"
    defaults = [_default(d) for d in defaults]
    defaults += [None] * (len(ids) - len(defaults))  # paramDefaults[i] is undefined past the end
    return [str(n) for n in names], [str(i) for i in ids], defaults, bool(warp)


def _default(d: Any) -> Value:
    """An argument default from the prototype's JSON, as the argument reporter will give it."""
    if d is None:
        return 0.0  # the argument reporters answer 0 for a null param
    if isinstance(d, int | float) and not isinstance(d, bool):
        return float(d)
    return d  # type: ignore[no-any-return]


def _is_menu(block: Block) -> bool:
    return len(block.fields) == 1 and not block.inputs


def _constant(value: Value) -> Reporter:
    return lambda t: value


def _no_op(thread: Thread, frame: Frame) -> int:
    return 0


def _unsupported_statement(block: Block, target: str) -> Run:
    def run(thread: Thread, frame: Frame) -> int:
        raise UnsupportedBlock(block.opcode, block.id, target)

    return run


def _unsupported_reporter(block: Block, target: str) -> Reporter:
    def report(thread: Thread) -> Value:
        raise UnsupportedBlock(block.opcode, block.id, target)

    return report
