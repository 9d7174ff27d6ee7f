"""Links a target's blocks into runnable form: a Stmt chain per script, a Reporter closure per input.

Linking never recurses in Python once per level of nesting: the C-block mouths nested in a script
and the reporters nested in an input are linked innermost first, so a handler that asks for its
branch or its input finds it already linked. Each reporter block is linked once, and a custom
block's definition is linked once, after the script that first calls it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from emulator.errors import EmulatorError, InputFileError, ProgramError
from emulator.opcodes import HATS, SPECS, STACK_INPUTS, InputKind, Opcode
from emulator.project import LIST, VARIABLE, Block, Primitive, Slot, js_key_order
from emulator.runtime.block_cache import BlockCache, shared_reporters
from emulator.runtime.input_order import InputOrder, draws_random, input_order
from emulator.runtime.nodes import Reporter, Run, Stmt
from emulator.runtime.ops import REPORTERS, STATEMENTS
from emulator.runtime.state import ListCell, RuntimeTarget, VarCell
from emulator.sb3 import procedure_arguments
from emulator.values import Value, list_contents

if TYPE_CHECKING:
    from emulator.runtime.runtime import Runtime
    from emulator.runtime.thread import Frame, Thread

Prototype = tuple[list[str], list[str], list[Value], bool]
"""A custom block's argument names, ids and defaults, and its warp flag."""

# The inputs each C-block's handler links as branches (Linker.branch), by opcode.
_BRANCHES = {
    spec.opcode.value: names
    for spec in SPECS
    if (names := tuple(i.name for i in spec.inputs if i.kind == InputKind.SUBSTACK))
}

# A reporter closure calls the closures of its inputs: evaluating one nested N deep takes about N
# Python frames (2N through an InputOrder). Past STACK_ROOM_FROM levels an input is run with the
# recursion limit raised by FRAMES_PER_LEVEL * N for the time it takes.
STACK_ROOM_FROM = 100
FRAMES_PER_LEVEL = 3


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
        self._draws: dict[str, bool] = {}
        # Reporter block id -> (closure, reporter blocks it evaluates, how deep they nest).
        self._built: dict[str, tuple[Reporter, int, int]] = {}
        self._in_reporter = 0  # above 0 while a reporter's handler asks for its inputs
        self._chaining = 0  # chain() calls under way
        self._pending: list[str] = []  # definitions whose bodies are still to link
        self._linking_pending = False
        self._procedures: tuple[dict[str, Block], dict[str, str]] | None = None
        self._prototypes: dict[str, Prototype | None] = {}
        # Reporter blocks that two inputs name run as the VM's block cache runs them.
        self._shared = shared_reporters(self.blocks)
        self._cache = runtime.block_cache(target.source) if self._shared else None

    # ## Stack blocks

    def chain(self, block_id: str | None) -> Stmt | None:
        """The Stmt for a block and, linked behind it, every block after it."""
        self._chaining += 1
        try:
            for nested in self._nested_chains(block_id):
                self._chain(nested)
            first = self._chain(block_id)
        finally:
            self._chaining -= 1
        if self._chaining == 0 and not self._linking_pending:
            self._link_pending()
        return first

    def _chain(self, block_id: str | None) -> Stmt | None:
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

    def _nested_chains(self, first: str | None) -> list[str]:
        """The first blocks of the branches nested in a chain not yet linked, innermost first."""
        order: list[str] = []
        seen: set[str] = set()
        todo: list[tuple[str, bool]] = []
        self._push_branches(first, todo, seen)
        while todo:
            branch, inner_done = todo.pop()
            if inner_done:
                order.append(branch)
            elif branch not in self._stmts:
                todo.append((branch, True))
                self._push_branches(branch, todo, seen)
        return order

    def _push_branches(
        self, block_id: str | None, todo: list[tuple[str, bool]], seen: set[str]
    ) -> None:
        """Queue the branches of every block of the chain from block_id that is not linked yet."""
        while block_id is not None and block_id in self.blocks and block_id not in seen:
            if block_id in self._stmts:
                return
            seen.add(block_id)
            block = self.blocks[block_id]
            for name in _BRANCHES.get(block.opcode, ()):
                inp = block.inputs.get(name)
                if inp is not None and isinstance(inp.slot, str) and inp.slot not in seen:
                    todo.append((inp.slot, False))
            block_id = block.next

    def _link_pending(self) -> None:
        """Link the bodies of the definitions that calls asked for while a script was linked."""
        self._linking_pending = True
        try:
            while self._pending:
                definition = self._pending.pop()
                self._stmts[definition].next = self.chain(self.blocks[definition].next)
        finally:
            self._linking_pending = False

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
        if self._cache is not None:
            stmt.run = _building(self._cache, block.id, stmt.run)
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
        if self._cache is not None and inp is not None and inp.slot in self._shared:
            fn = self._cache.input(block.id, name, str(inp.slot), fn)
        if self._in_reporter == 0 and inp is not None and isinstance(inp.slot, str):
            depth = self._built[inp.slot][2] if inp.slot in self._built else 0
            if depth > STACK_ROOM_FROM:
                fn = _with_stack_room(fn, FRAMES_PER_LEVEL * depth)
        order = self._input_order(block)
        if order is not None and name in order.names:
            fn = order.wrap(name, fn)
        self._top_inputs = top
        if top is not None:
            top.append((name, fn))
        return fn

    def _input_order(self, block: Block) -> InputOrder | None:
        if block.id not in self._orders:
            self._orders[block.id] = input_order(block, self.blocks, self._draws)
        return self._orders[block.id]

    def draws_random(self, block: Block) -> bool:
        """Whether evaluating the block's inputs may draw a random number (so re-running them is work)."""
        return draws_random(block, self.blocks, self._draws)

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
        """A reporter closure for the block with this id (linked once, with the blocks in its inputs)."""
        built = self._built.get(block_id)
        if built is None:
            self._link_reporters(block_id)
            built = self._built[block_id]
        report, count, _ = built
        self._reporters += count
        return report

    def _link_reporters(self, root: str) -> None:
        """Link a reporter and every reporter in its inputs, innermost first."""
        on_path = {root}
        todo = [(root, self._reporter_inputs(self._block(root)))]
        while todo:
            block_id, inputs = todo[-1]
            inner = next(inputs, None)
            if inner is None:
                todo.pop()
                on_path.discard(block_id)
                self._built[block_id] = self._link_reporter(self.blocks[block_id])
            elif inner in on_path:
                raise ProgramError(
                    f"{self.target.name}: block {inner!r} is on a cycle of input links"
                )
            elif inner not in self._built:
                on_path.add(inner)
                todo.append((inner, self._reporter_inputs(self.blocks[inner])))

    def _reporter_inputs(self, block: Block) -> Iterator[str]:
        """Ids of the blocks in a block's value inputs."""
        for name, inp in block.inputs.items():
            if isinstance(inp.slot, str) and inp.slot in self.blocks and name not in STACK_INPUTS:
                yield inp.slot

    def _link_reporter(self, block: Block) -> tuple[Reporter, int, int]:
        """(closure, reporter blocks it evaluates, nesting depth) of a block whose inputs are linked."""
        saved = self._reporters, self._top_inputs
        self._reporters, self._top_inputs = 0, None
        self._in_reporter += 1
        try:
            report = self._reporter_of(block)
            count = self._reporters
        finally:
            self._reporters, self._top_inputs = saved
            self._in_reporter -= 1
        nested = (self._built[i][2] for i in self._reporter_inputs(block) if i in self._built)
        return report, count, 1 + max(nested, default=0)

    def _reporter_of(self, block: Block) -> Reporter:
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
        if proccode not in self._prototypes:
            block = self._procedure_index()[0].get(proccode)
            found = None if block is None else _parse_prototype(block, self.target.name)
            self._prototypes[proccode] = found
        return self._prototypes[proccode]

    def definition(self, proccode: str) -> Stmt | None:
        """The Stmt of the first procedures_definition whose prototype has this proccode.

        Its body is linked once the script being linked is done, so custom blocks that call one
        another in a long chain do not nest Python calls.
        """
        block_id = self._procedure_index()[1].get(proccode)
        if block_id is None:
            return None
        if block_id in self._stmts:
            return self._stmts[block_id]
        stmt = self.stmt(block_id)
        self._pending.append(block_id)
        if self._chaining == 0 and not self._linking_pending:
            self._link_pending()
        return stmt

    def _procedure_index(self) -> tuple[dict[str, Block], dict[str, str]]:
        """proccode -> its first prototype, and -> its first definition's id, in JS key order."""
        if self._procedures is None:
            prototypes: dict[str, Block] = {}
            definitions: dict[str, str] = {}
            for block_id in js_key_order(self.blocks):
                block = self.blocks[block_id]
                if block.opcode == Opcode.PROCEDURES_PROTOTYPE:
                    proccode = _proccode(block)
                    if proccode is not None:
                        prototypes.setdefault(proccode, block)
                elif block.opcode == Opcode.PROCEDURES_DEFINITION:
                    proccode = self._defined_proccode(block)
                    if proccode is not None:
                        definitions.setdefault(proccode, block_id)
            self._procedures = prototypes, definitions
        return self._procedures

    def _defined_proccode(self, definition: Block) -> str | None:
        inp = definition.inputs.get("custom_block")
        proto = self.blocks.get(inp.slot) if inp and isinstance(inp.slot, str) else None
        return _proccode(proto) if proto is not None else None


def _proccode(block: Block) -> str | None:
    return str(block.mutation.get("proccode")) if block.mutation else None


def _parse_prototype(block: Block, target: str) -> Prototype:
    mutation: dict[str, Any] = dict(block.mutation or {})
    try:
        names, ids, defaults = procedure_arguments(mutation, f"{target}: custom block {block.id!r}")
    except InputFileError as exc:
        raise ProgramError(str(exc)) from None
    warp = mutation.get("warp", False)
    if isinstance(warp, str):
        # The VM JSON.parses a string warp flag: exactly "true" or "false".
        warp = warp == "true"
    values = [_default(d) for d in defaults]
    values += [None] * (len(ids) - len(values))  # paramDefaults[i] is undefined past the end
    return names, ids, values, bool(warp)


def _default(d: Any) -> Value:
    """An argument default from the prototype's JSON, as the argument reporter will give it."""
    if d is None:
        return 0.0  # the argument reporters answer 0 for a null param
    if isinstance(d, int | float) and not isinstance(d, bool):
        return float(d)
    return d  # type: ignore[no-any-return]


def _with_stack_room(report: Reporter, frames: int) -> Reporter:
    """The reporter, run with the recursion limit raised by `frames` while it runs.

    Only Python frames nest while reporters evaluate, and Python keeps those off the C stack, so
    a higher limit cannot overflow it.
    """

    def report_deep(t: Thread) -> Value:
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(limit + frames)
        try:
            return report(t)
        finally:
            sys.setrecursionlimit(limit)

    return report_deep


def _is_menu(block: Block) -> bool:
    return len(block.fields) == 1 and not block.inputs


def _constant(value: Value) -> Reporter:
    return lambda t: value


def _building(cache: BlockCache, block_id: str, run: Run) -> Run:
    """A statement that, the first time it runs, is built as the VM builds it (see block_cache)."""

    def first_run_builds(thread: Thread, frame: Frame) -> int:
        if block_id not in cache.built:
            cache.build(block_id)
        return run(thread, frame)

    return first_run_builds


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
