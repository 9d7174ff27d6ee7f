"""Which list item a block is about to read or write, worked out without running it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from emulator.debug.preview import preview
from emulator.opcodes import ListIndex, list_access
from emulator.project import Block
from emulator.runtime.nodes import Stmt
from emulator.runtime.runtime import Runtime
from emulator.runtime.thread import Thread
from emulator.values import LIST_INVALID, Value, index_quirk, to_list_index


@dataclass(frozen=True)
class ListAccess:
    """A list item a block reads or writes."""

    list_name: str
    kind: str  # "read" or "write" (a replay names the trace event: "replace", "insert", ...)
    index: Value
    resolved: int  # 1-based item, or 0 when the index falls outside the list
    length: int
    value: Value

    @property
    def in_range(self) -> bool:
        """Whether Scratch will find the item (else it reads "" or drops the write)."""
        return self.resolved != LIST_INVALID


def list_access_at(runtime: Runtime, thread: Thread, stmt: Stmt) -> ListAccess | None:
    """The list item a block would read or write if it ran now in this thread (the first, when several)."""
    for block in _blocks_under(stmt.block, stmt.target.source.blocks):
        rule = list_access(block.opcode)
        if rule is not None:
            return _access(runtime, thread, block, rule)
    return None


def _access(runtime: Runtime, thread: Thread, block: Block, rule: ListIndex) -> ListAccess:
    linker = runtime.linker_of(thread.target)  # a clone reads its own variables
    field = block.fields["LIST"]
    cell = thread.target.list(field.ref_id, str(field.value))
    [(_, index)] = preview(runtime, thread, [("INDEX", linker.input(block, "INDEX"))])
    items = cell.items
    resolved = to_list_index(index, len(items) + rule.past_end, rule.accepts_all, _Frozen())
    value = items[resolved - 1] if 1 <= resolved <= len(items) else ""
    kind = "write" if rule.writes else "read"
    return ListAccess(cell.name, kind, index, resolved, len(items), value)


class _Frozen:
    """A random source for previews that never advances the run's own generator."""

    def random(self) -> float:
        return 0.0


def _blocks_under(block: Block, blocks: Mapping[str, Block]) -> list[Block]:
    """The block and the reporter blocks in its inputs (not its branches), outermost first."""
    out, todo = [], [block]
    while todo:
        b = todo.pop(0)
        out.append(b)
        for name, inp in b.inputs.items():
            if name.startswith("SUBSTACK") or not isinstance(inp.slot, str):
                continue
            inner = blocks.get(inp.slot)
            if inner is not None:
                todo.append(inner)
    return out


def out_of_range_check(runtime: Runtime) -> Callable[[Thread, Stmt], bool]:
    """A pause predicate that holds before a block whose list item falls outside its list."""
    return _access_check(runtime, lambda access: not access.in_range)


def fractional_index_check(runtime: Runtime) -> Callable[[Thread, Stmt], bool]:
    """A pause predicate that holds before a block whose list index is fractional or not a number."""
    return _access_check(runtime, lambda access: index_quirk(access.index) is not None)


def _access_check(
    runtime: Runtime, odd: Callable[[ListAccess], bool]
) -> Callable[[Thread, Stmt], bool]:
    touches: dict[int, bool] = {}

    def check(thread: Thread, stmt: Stmt) -> bool:
        # Most blocks touch no list: remember those, so only list blocks pay for an evaluation.
        if touches.get(id(stmt), True) is False:
            return False
        access = list_access_at(runtime, thread, stmt)
        touches[id(stmt)] = access is not None
        return access is not None and odd(access)

    return check
