"""Blocks to IR: one Function per script and per custom block a script reaches, read from the opcode table.

Costs come from the linker's Stmt for each block, so the compiled clock counts what the interpreter
counts. A block the compiler does not handle becomes a Fallback that runs the interpreter's closure.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from emulator.compiler import lower_stmts
from emulator.compiler.analysis import finish
from emulator.compiler.ir import (
    STRING,
    After,
    BlockInfo,
    Body,
    Expr,
    FallbackExpr,
    FallbackStmt,
    Function,
    Let,
    ListExpr,
    ListRef,
    ProcRef,
    ReadVar,
    Simple,
    Stmt,
    Temp,
    VarRef,
    const,
)
from emulator.compiler.lower_exprs import RULES as EXPR_RULES
from emulator.compiler.lower_stmts import parameter_names
from emulator.errors import ProgramError
from emulator.opcodes import HATS, Opcode
from emulator.project import LIST, VARIABLE, Block, Primitive, Slot
from emulator.runtime.input_order import input_order
from emulator.runtime.ops import REPORTERS, STATEMENTS
from emulator.runtime.origins import cells_named, variables_read

if TYPE_CHECKING:
    from emulator.runtime.linker import Linker, Prototype
    from emulator.runtime.nodes import Stmt as LinkedStmt
    from emulator.runtime.runtime import Runtime, Script
    from emulator.runtime.state import RuntimeTarget, VarCell


@dataclass
class Tables:
    """The live objects a unit's generated code reads: cells, item lists, interpreter closures."""

    variables: list[Any] = field(
        default_factory=list
    )  # a VarCell, or a getter (created at run time)
    lists: list[Any] = field(default_factory=list)  # a ListCell, or a getter
    lazy_variables: set[int] = field(default_factory=set)
    lazy_lists: set[int] = field(default_factory=set)
    fallbacks: list[Any] = field(default_factory=list)  # the interpreter's Stmt or Reporter
    keys: dict[Any, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Unit:
    """One target compiled: its functions and the tables they read."""

    target: str
    functions: tuple[Function, ...]
    tables: Tables
    scripts: dict[str, str]  # hat block id -> the name of its function
    hooks: bool = False  # the code reports to the runtime's hooks, as the interpreter does
    # With hooks: before each block, the code can hand its thread to the interpreter (handoff.py).
    pausable: bool = False
    # With hooks: whether those attached when it was compiled heard every variable's writes (a
    # recorder); its code then writes the cells back at each write and reports it without a flag.
    hears_every_write: bool = False
    # With hooks: whether they hear writes alone (RunHooks.hears_writes_only): the code then reads
    # as plain code does and keeps no origins, and its writes are only logged.
    writes_only: bool = False


@dataclass(frozen=True, slots=True)
class Owner:
    """The C-block whose mouth a body is: whether it loops, and whether it ends its own chain."""

    loop: bool
    tail: bool
    parent: Owner | None


@dataclass(frozen=True, slots=True)
class Position:
    """Where a block sits: its depth in stack frames, its C-block, and whether it ends its chain."""

    depth: int
    owner: Owner | None
    last: bool


class Lowering:
    """Lowers one target's scripts, and the custom blocks they call, into Functions."""

    def __init__(self, runtime: Runtime, target: RuntimeTarget, hooks: bool = False) -> None:
        self.rt = runtime
        self.target = target
        self.hooks = hooks  # the code will report to hooks: a list read is an effect
        self.linker: Linker = runtime.linkers[target]
        self.blocks = target.source.blocks
        self.tables = Tables()
        self.procs: dict[str, ProcRef] = {}
        self.queue: list[ProcRef] = []
        self.params: dict[str, int] = {}
        self.in_procedure = False
        self._temps = itertools.count()
        self._prototypes: dict[str, Prototype | None] = {}
        self._definitions: dict[str, LinkedStmt | None] = {}

    def prototype(self, proccode: str) -> Prototype | None:
        """The linker's prototype for a proccode (looked up once: each look-up scans every block)."""
        if proccode not in self._prototypes:
            self._prototypes[proccode] = self.linker.prototype(proccode)
        return self._prototypes[proccode]

    def definition(self, proccode: str) -> LinkedStmt | None:
        """The linker's definition for a proccode (looked up once)."""
        if proccode not in self._definitions:
            self._definitions[proccode] = self.linker.definition(proccode)
        return self._definitions[proccode]

    # ## Functions

    def script(self, number: int, hat: Block) -> Function:
        """A script's Function: the blocks under its hat."""
        self.params, self.in_procedure = {}, False
        body = self.chain(hat.next, 0, None)
        short = hat.opcode.partition("_")[2]
        return Function(f"script_{number}", f"{short}#{number}", body)

    def procedure(self, ref: ProcRef) -> Function:
        """A custom block's Function, from the first definition with its proccode."""
        proto = self.prototype(ref.proccode)
        definition = self.definition(ref.proccode)
        assert proto is not None and definition is not None  # a ProcRef is made only for these
        names = parameter_names(proto)
        self.params, self.in_procedure = {n: i for i, n in enumerate(names)}, True
        body = self.chain(definition.block.next, 0, None)
        title = f"define {ref.proccode}"
        fn = Function(f"proc_{ref.index}", title, body, ref.proccode, tuple(names), proto[3])
        return replace(fn, entry_cost=definition.cost, definition=definition.block.id)

    def proc_ref(self, proccode: str, warp: bool) -> ProcRef:
        """The compiled custom block for a proccode, queued for lowering on first use."""
        if proccode not in self.procs:
            ref = ProcRef(len(self.procs), proccode, warp)
            self.procs[proccode] = ref
            self.queue.append(ref)
        return self.procs[proccode]

    # ## Stacks

    def chain(self, block_id: str | None, depth: int, owner: Owner | None) -> Body:
        """The statements of a chain of blocks, from its first block to the last."""
        out: list[Stmt] = []
        seen: set[str] = set()
        while block_id is not None:
            if block_id in seen:
                raise ProgramError(
                    f"{self.target.name}: block {block_id!r} is in a cycle of next links"
                )
            seen.add(block_id)
            block = self.block(block_id)
            out.append(self.statement(block, Position(depth, owner, block.next is None)))
            block_id = block.next
        return tuple(out)

    def statement(self, block: Block, pos: Position) -> Stmt:
        """One stack block's statement."""
        info = BlockInfo(block.id, block.opcode, self.linker.stmt(block.id).cost)
        rule = lower_stmts.RULES.get(block.opcode)
        if rule is not None and block.opcode in STATEMENTS:
            return rule(self, block, info, pos)
        if block.opcode in HATS:
            return Simple(info, "nothing")
        return FallbackStmt(info, self.fallback(self.linker.stmt(block.id)))

    def branch(self, block: Block, name: str, pos: Position, loop: bool) -> Body:
        """The statements in a C-block's mouth (one stack frame deeper)."""
        inp = block.inputs.get(name)
        if inp is None or not isinstance(inp.slot, str):
            return ()
        return self.chain(inp.slot, pos.depth + 1, Owner(loop, pos.last, pos.owner))

    def after(self, pos: Position) -> After:
        """Where the thread goes on after this block waited outside the tick loop (see After)."""
        last, depth, owner = pos.last, pos.depth, pos.owner
        while last:
            if owner is None:
                return After("return") if self.in_procedure else After("next")
            if owner.loop:
                return After("loop")
            last, depth, owner = owner.tail, depth - 1, owner.parent
        return After("next", warp_reset=self.in_procedure and depth == 0)

    # ## Inputs, fields and references

    def inputs(self, block: Block, names: tuple[str, ...]) -> list[Expr]:
        """The inputs in the handler's order, evaluated in project.json order where that can show."""
        exprs = [self.input(block, n) for n in names]
        if input_order(block, self.blocks) is None:
            return exprs
        position = {name: i for i, name in enumerate(block.inputs)}
        order = sorted(range(len(names)), key=lambda i: position.get(names[i], -1))
        if order == list(range(len(names))):
            return exprs
        # Two inputs draw random numbers: evaluate all of them in key order, into temporaries.
        temps = [f"_o{next(self._temps)}" for _ in names]
        first: Expr = Temp(temps[0], exprs[0].type)
        for i in reversed(order):
            first = Let(temps[i], exprs[i], first, first.type)
        return [first, *(Temp(t, e.type) for t, e in zip(temps[1:], exprs[1:], strict=True))]

    def input(self, block: Block, name: str) -> Expr:
        """One input's expression; a missing input is undefined."""
        inp = block.inputs.get(name)
        return self.slot(inp.slot) if inp is not None else const(None)

    def slot(self, slot: Slot) -> Expr:
        """What an input slot holds: a literal, a variable or list, or a reporter block."""
        if slot is None:
            return const(None)
        if isinstance(slot, Primitive):
            if slot.kind == VARIABLE:
                return ReadVar(self.variable(slot.ref_id, str(slot.value)))
            if slot.kind == LIST:
                return ListExpr("contents", self.list_ref(slot.ref_id, str(slot.value)), (), STRING)
            return const(slot.value)
        return self.reporter(slot)

    def reporter(self, block_id: str) -> Expr:
        """A reporter block's expression (a menu shadow gives its field's value)."""
        block = self.block(block_id)
        rule = EXPR_RULES.get(block.opcode)
        if rule is not None and block.opcode in REPORTERS:
            return rule(self, block)
        if block.opcode not in REPORTERS and len(block.fields) == 1 and not block.inputs:
            return const(next(iter(block.fields.values())).value)
        closure = self.linker.reporter(block_id)
        return FallbackExpr(self.fallback(closure), block.opcode, block.id)

    def field(self, block: Block, name: str) -> Any:
        """A field's value (None when missing)."""
        f = block.fields.get(name)
        return f.value if f is not None else None

    def variable_field(self, block: Block, name: str = "VARIABLE") -> VarRef:
        """The variable a block's field names."""
        f = block.fields.get(name)
        return self.variable(f.ref_id, str(f.value)) if f is not None else self.variable(None, "")

    def list_field(self, block: Block) -> ListRef:
        """The list a block's LIST field names."""
        f = block.fields.get("LIST")
        return self.list_ref(f.ref_id, str(f.value)) if f is not None else self.list_ref(None, "")

    def variable(self, var_id: str | None, name: str) -> VarRef:
        """A variable resolved as the linker resolves it (created at run time when it exists nowhere)."""
        cell = self.target.find_variable(var_id, name)
        if cell is not None:
            return self._cell_ref(cell)
        target = self.target
        index = self._entry(
            ("new var", var_id, name),
            self.tables.variables,
            self.tables.lazy_variables,
            lambda: target.variable(var_id, name),
        )
        return VarRef(index, name)

    def _cell_ref(self, cell: VarCell) -> VarRef:
        """A variable's cell, found when compiling."""
        index = self._entry(
            ("var", id(cell)), self.tables.variables, self.tables.lazy_variables, cell
        )
        return VarRef(index, cell.name)

    def origin_reads(self, block: Block, var: VarRef) -> tuple[VarRef, ...] | None:
        """With hooks, the variables a write's origin joins, as the runtime would find them at the
        write; None without hooks, or when a variable may yet be created (the run finds them then)."""
        if not self.hooks or var.index in self.tables.lazy_variables:
            return None
        names = variables_read(self.blocks, block)
        if len(cells_named(self.target, names)) < len(names):
            return None
        cell = self.tables.variables[var.index]
        cells = self.rt.origins.cells_read(self.target, block.id, cell)
        return tuple(self._cell_ref(c) for c in cells)

    def keeps_origin(self, var: VarRef) -> bool:
        """Whether writes of the variable keep their origin (only variables that reach an index do)."""
        return self.rt.origins.keeps(var.name)

    def list_ref(self, list_id: str | None, name: str) -> ListRef:
        """A list resolved as the linker resolves it."""
        cell = self.target.find_list(list_id, name)
        target = self.target
        index = self._entry(
            ("list", id(cell)) if cell is not None else ("new list", list_id, name),
            self.tables.lists,
            self.tables.lazy_lists,
            cell if cell is not None else (lambda: target.list(list_id, name)),
        )
        return ListRef(index, name)

    def _entry(self, key: Any, table: list[Any], lazy: set[int], value: Any) -> int:
        if key not in self.tables.keys:
            self.tables.keys[key] = len(table)
            if callable(value):
                lazy.add(len(table))
            table.append(value)
        return self.tables.keys[key]

    def fallback(self, closure: Any) -> int:
        """Register an interpreter closure the generated code calls."""
        self.tables.fallbacks.append(closure)
        return len(self.tables.fallbacks) - 1

    def block(self, block_id: str) -> Block:
        """A block of this target by id."""
        block = self.blocks.get(block_id)
        if block is None:
            raise ProgramError(f"{self.target.name}: block {block_id!r} does not exist")
        return block


def lower_target(
    runtime: Runtime, target: RuntimeTarget, scripts: list[Script], hooks: bool = False
) -> Unit:
    """Every script of a target that can run, and every custom block they reach."""
    lw = Lowering(runtime, target, hooks)
    functions: list[Function] = []
    names: dict[str, str] = {}
    # A script's number is its place among the target's top blocks, however many are compiled.
    numbers = {id(s): n for n, s in enumerate(s for s in runtime.scripts if s.target is target)}
    for script in scripts:
        if script.hat.opcode == Opcode.PROCEDURES_DEFINITION or script.first is None:
            continue
        fn = lw.script(numbers[id(script)], script.hat)
        functions.append(fn)
        names[script.hat.id] = fn.name
    procedures: list[Function] = []
    while lw.queue:
        procedures.append(lw.procedure(lw.queue.pop(0)))
    return Unit(target.name, finish(functions, procedures), lw.tables, names, hooks)
