"""What a run revealed, gathered through the runtime's hooks: out-of-range accesses, NaN, clamps, coverage."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from itertools import compress
from typing import TYPE_CHECKING

from emulator.debug.dataflow import ReadTrail
from emulator.debug.provenance import origins
from emulator.opcodes import Opcode, list_access
from emulator.program import OffsetProbe
from emulator.project import VARIABLE, Block, Primitive, Target
from emulator.runtime.hooks import (
    READ_MISS,
    FractionTally,
    ListWrite,
    MissKind,
    MissTally,
    ReadLog,
    RunHooks,
)
from emulator.runtime.origins import cells_named, variables_read
from emulator.value_text import show_value
from emulator.values import FRACTIONAL_INDEX, Value, compare, index_quirk, to_number

if TYPE_CHECKING:
    from collections.abc import Callable, Container, Iterable
    from typing import Any

    from emulator.runtime.state import ListCell, RuntimeTarget, VarCell
    from emulator.runtime.thread import Thread

_DELETE = ListWrite.DELETE  # bound once: a member looked up on its class costs a call


@dataclass
class Miss:
    """Out-of-range reads (Scratch gave "") or dropped writes of one list by one block."""

    list_name: str
    kind: MissKind
    target: str
    block_id: str
    count: int = 0
    first_index: float = math.inf
    last_index: float = -math.inf
    length: int = 0
    first_block_count: int = 0
    index_from: list[tuple[str, str]] = field(
        default_factory=list
    )  # (block id, variable) behind the index


@dataclass
class IndexQuirk:
    """Fractional or non-numeric indices into one list by one block (Scratch floored them, or read 0)."""

    list_name: str
    kind: str  # values.FRACTIONAL_INDEX or values.NON_NUMERIC_INDEX
    target: str
    block_id: str
    example: Value
    item: int  # the item Scratch used for the example (0: none)
    count: int = 0
    index_from: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class NonFinite:
    """NaN or an infinity stored by one block."""

    target: str
    block_id: str
    what: str
    count: int = 0
    first: float = 0.0


@dataclass
class Clamp:
    """A `set x to LIMIT` that runs when x passed a limit: a lookup-table argument clamped."""

    target: str
    block_id: str
    variable: str
    limit: Value
    procedure: str | None
    count: int = 0


@dataclass(frozen=True)
class WatchHit:
    """A write to something watched: where, what it said, and the list item it wrote (if any)."""

    target: str
    block_id: str
    text: str
    name: str
    index: int | None = None


WATCH_HITS_KEPT = 1000  # the latest watch hits the events pane can list


@dataclass
class Watch:
    """Stop when a variable is written, or when items start..end of a list are."""

    name: str
    start: int = 0
    end: int = 0
    is_list: bool = False

    def describe(self) -> str:
        """`NAME`, or `LIST START..END`."""
        return f"{self.name} {self.start}..{self.end}" if self.is_list else self.name

    def matches_list(self, list_name: str, index: int) -> bool:
        """Whether a write to item `index` of `list_name` is watched."""
        return self.is_list and list_name == self.name and self.start <= index <= self.end


def _reach(bits: bytearray, blocks: list[str], length: int) -> None:
    """Grow a list's coverage (its written items and their writers, together) to `length` items."""
    if len(bits) < length:
        bits.extend(bytes(length - len(bits)))
        blocks.extend([""] * (length - len(blocks)))


class Findings(RunHooks):
    """The hooks the debugger attaches: records what explain and the inspector report."""

    def __init__(self, targets: list[Target]) -> None:
        # On the instance, where compiled code reads them faster than on the class.
        self.wants_origins = True  # the blocks behind an index outside its list (_index_origins)
        # List writes wait here until taken in (_settle); the trail's log once it follows.
        self.read_log: ReadLog = ReadLog()
        self.logged_writes: Container[str] = frozenset()
        self.log_list_writes = False
        self._blocks = {t.name: dict(t.blocks) for t in targets}
        self.misses: dict[tuple[str, str, str, str], Miss] = {}
        self._last_miss: dict[str, tuple[RuntimeTarget, ListCell, MissKind, Miss]] = {}
        self.read_misses: dict[str, tuple[RuntimeTarget, ListCell, MissTally]] = {}
        self.fractions: dict[str, tuple[RuntimeTarget, ListCell, FractionTally]] = {}
        self.nonfinite: dict[tuple[str, str, str], NonFinite] = {}
        self.clamps: dict[tuple[str, str], Clamp] = {
            c.target_block: c.clamp for c in find_clamps(targets)
        }
        # Per list name, since the mark: the items written, and the block that last wrote each.
        # Read them as `written` and `writers`, which take in the log's waiting writes first.
        self._written: dict[str, bytearray] | None = None
        self._writers: dict[str, list[str]] = {}
        # Per list name, the block that last replaced each item since they were last taken in,
        # as compiled code marks them ("": none; see item_marks and _take_marks).
        self._marks: dict[str, list[str]] = {}
        self.index_quirks: dict[tuple[str, str, str, str], IndexQuirk] = {}
        self._trail: ReadTrail | None = None  # where slice updates got their values (follow)
        # Called after a write of the named variable (sample boundaries, the loss): see listen.
        self.var_listeners: dict[str, Callable[[VarCell, Value], None]] = {}
        self.write_listener: Callable[[str, int], None] | None = None  # see listen_to_writes
        self.watches: list[Watch] = []  # changed through add_watch, remove_watch, clear_watches
        self.watch_hit: str | None = None
        self.on_hit: Callable[[], None] | None = None  # told of each watch hit (see _hit)
        self.watch_hits: deque[WatchHit] = deque(maxlen=WATCH_HITS_KEPT)
        self.probes: dict[tuple[str, str], OffsetProbe] = {}  # (target, block) -> its probe
        self.offsets: dict[str, dict[int, float]] = {}
        self.block_count = lambda: 0
        self._watched_blocks = {block_id for _, block_id in self.clamps}
        self.reported_writes: set[str] = set()
        self._report_writes()

    # ## Marking and probing

    def start_coverage(self) -> None:
        """Count list writes from now on (the mark)."""
        self._settle()
        self._written = {}
        self._writers = {}
        self._report_writes()

    @property
    def written(self) -> dict[str, bytearray] | None:
        """Per list name, the items written since the mark (None: no mark yet)."""
        self._settle()
        return self._written

    @property
    def writers(self) -> dict[str, list[str]]:
        """Per list name, the block that last wrote each item since the mark ("": none)."""
        self._settle()
        return self._writers

    @property
    def trail(self) -> ReadTrail | None:
        """Where slice updates got their values, if followed (see follow)."""
        self._settle()
        return self._trail

    def probe_offsets(self, procedure_blocks: dict[tuple[str, str], OffsetProbe]) -> None:
        """Record what offset procedures return: (target, block that ends the procedure) -> its probe."""
        self.probes = procedure_blocks
        self._watched_blocks = {block_id for _, block_id in self.clamps} | {
            b for _, b in procedure_blocks
        }
        self._report_writes()

    # ## What the run reports: the variables whose writes on_var_set hears

    def listen(self, name: str, listener: Callable[[VarCell, Value], None] | None) -> None:
        """Call `listener` after each write of the variable `name` (None: stop calling one)."""
        if listener is None:
            self.var_listeners.pop(name, None)
        else:
            self.var_listeners[name] = listener
        self._report_writes()

    def follow(self, trail: ReadTrail) -> None:
        """Attribute the reads the runtime reports (Runtime.watch_reads) to slice writes from now on."""
        self._settle()
        self._trail = trail
        self.read_log = trail.log  # compiled code logs reads and writes there itself
        trail.written_before(self._written or {})
        self._report_writes()

    def listen_to_writes(self, listener: Callable[[str, int], None] | None) -> None:
        """Call `listener` with the list's name and the item after each list write since the mark."""
        self.write_listener = listener
        self._report_writes()

    def add_watch(self, watch: Watch) -> None:
        """Pause at writes the watch names (see Watch)."""
        self.watches.append(watch)
        self._report_writes()

    def remove_watch(self, watch: Watch) -> None:
        """Stop watching."""
        self.watches.remove(watch)
        self._report_writes()

    def clear_watches(self) -> None:
        """Remove every watch."""
        self.watches.clear()
        self._report_writes()

    def _report_writes(self) -> None:
        """Hear the writes of what is listened to, followed, watched, clamped or probed, no others;
        let list writes wait in the log or the marks unless something must hear each as it
        happens (what waits is taken in first: the order of writes to an item is kept)."""
        self._settle()
        names = set(self.var_listeners)
        names.update(w.name for w in self.watches if not w.is_list)
        names.update(c.variable for c in self.clamps.values())
        names.update(p.result for p in self.probes.values())
        trail = self._trail
        if trail is not None:
            self.logged_writes = trail.followed - names  # only the trail hears them
            names.update(trail.followed)
        self.reported_writes = names
        self.log_list_writes = (
            self._written is not None
            and self.write_listener is None
            and not any(w.is_list for w in self.watches)
        )
        if not self._marking():  # taken in above: settling need not look at them again
            self._marks = {}
        self.hearing_changed()

    def item_marks(self, cell: ListCell) -> list[str] | None:
        # Marked, not logged, while coverage is counted and no trail wants the writes in order
        # among the reads: a mark costs compiled code one store.
        if not self._marking():
            return None
        return self._marks_of(cell.name, len(cell.items))

    def _marking(self) -> bool:
        """Whether list writes are taken as marks (coverage counted, no trail, none heard one
        by one)."""
        return self._written is not None and self.log_list_writes and self._trail is None

    def _marks_of(self, name: str, length: int) -> list[str]:
        """A list's marks, at least `length` long."""
        marks = self._marks.setdefault(name, [])
        if len(marks) < length:
            marks.extend([""] * (length - len(marks)))
        return marks

    # ## Hooks

    def on_var_set(self, thread: Thread, block_id: str, cell: VarCell, value: Value) -> None:
        name = cell.name
        trail = self._trail
        if trail is not None and name in trail.followed:  # it keeps the reads of these only
            trail.log.wrote(block_id, name)
        listener = self.var_listeners.get(name)
        if listener is not None:
            listener(cell, value)
        if block_id in self._watched_blocks:
            self._watched_block(thread, block_id, cell, value)
        if self.watches:
            for w in self.watches:
                if not w.is_list and w.name == cell.name:
                    text = f"{cell.name} set to {show_value(value)} by block {block_id}"
                    self._hit(WatchHit(thread.target.name, block_id, text, cell.name))

    def _watched_block(self, thread: Thread, block_id: str, cell: VarCell, value: Value) -> None:
        key = (thread.target.name, block_id)
        clamp = self.clamps.get(key)
        if clamp is not None:
            clamp.count += 1
        probe = self.probes.get(key)
        if probe is not None and probe.result == cell.name:
            layer = to_number(thread.target.variable(None, probe.argument).value)
            self.offsets.setdefault(probe.list_name, {})[int(layer)] = to_number(value)

    def on_list_write(
        self,
        thread: Thread,
        block_id: str,
        cell: ListCell,
        op: ListWrite,
        index: int,
        old: Value,
        new: Value,
    ) -> None:
        if self._written is not None and op != _DELETE:
            if self._marking():  # as compiled code marks it
                self._marks_of(cell.name, index)[index - 1] = block_id
            else:  # in its place among the reads and followed writes, as compiled code logs it
                log = self.read_log
                log.wrote_item(block_id, cell, index)
                if not self.log_list_writes or log.full():
                    self._settle()
            if self.write_listener is not None:
                self.write_listener(cell.name, index)
        if self.watches and any(w.matches_list(cell.name, index) for w in self.watches):
            change = f"{show_value(old)} -> {show_value(new)}"
            text = f"{cell.name}[{index}] {op}: {change} by block {block_id}"
            self._hit(WatchHit(thread.target.name, block_id, text, cell.name, index))

    def on_log_full(self) -> None:
        self._settle()

    def on_finish(self) -> None:
        self._settle()

    def _settle(self) -> None:
        """Take in the list writes waiting in the marks or the log: coverage, then the trail (if
        it follows)."""
        if self._marks:
            self._take_marks()
        log = self.read_log
        if log.events:
            if self._written is not None:
                self._cover(log.events)
            if self._trail is not None:
                self._trail.settle()
            else:
                log.events.clear()
                log.entries.clear()

    def _cover(self, events: Iterable[tuple[Any, ...]]) -> None:
        """Mark the items the logged list writes (position, block, list, item) wrote, in order."""
        last = None  # a run of writes to one list looks its coverage up once
        for event in events:
            if len(event) != 4:
                continue  # a followed variable's write
            _, block_id, list_name, index = event
            if list_name is not last:
                last = list_name
                bits, blocks = self._coverage_of(list_name)
            _reach(bits, blocks, index)
            bits[index - 1] = 1
            blocks[index - 1] = block_id

    def _take_marks(self) -> None:
        """Mark the items the marks hold as written, by the blocks they name; the marks are
        cleared in place (compiled code keeps hold of them)."""
        for name, marks in self._marks.items():
            marked = list(compress(range(len(marks)), marks))  # where a block id is
            if not marked:
                continue
            bits, blocks = self._coverage_of(name)  # marks are kept only while coverage is
            _reach(bits, blocks, marked[-1] + 1)
            for i in marked:
                bits[i] = 1
                blocks[i] = marks[i]
                marks[i] = ""

    def _coverage_of(self, name: str) -> tuple[bytearray, list[str]]:
        """A list's written items and their writers (both grow together)."""
        assert self._written is not None
        bits = self._written.get(name)
        if bits is None:
            bits = self._written[name] = bytearray()
        blocks = self._writers.get(name)
        if blocks is None:
            blocks = self._writers[name] = []
        return bits, blocks

    def _hit(self, hit: WatchHit) -> None:
        """A watched write: pause before the next block, and keep it in the record of hits."""
        self.watch_hit = hit.text
        self.watch_hits.append(hit)
        if self.on_hit is not None:
            self.on_hit()  # the run pauses before its next block, compiled or not

    def on_list_clear(
        self, thread: Thread, block_id: str, cell: ListCell, old: list[Value]
    ) -> None:
        if self._written is not None:
            self._settle()
            self._written[cell.name] = bytearray()
            self._writers[cell.name] = []
            if self._trail is not None:
                self._trail.clear(cell.name)

    def on_list_miss(
        self,
        thread: Thread,
        block_id: str,
        cell: ListCell,
        kind: MissKind,
        index: Value,
        length: int,
    ) -> None:
        # The block's last miss answers a repeated one with three identity checks.
        last = self._last_miss.get(block_id)
        if last is not None and last[0] is thread.target and last[1] is cell and last[2] is kind:
            miss = last[3]
        else:
            miss = self._miss(thread, block_id, cell, kind)
            self._last_miss[block_id] = (thread.target, cell, kind, miss)
            if kind is READ_MISS:  # compiled code counts its further misses itself
                self.read_misses[block_id] = (thread.target, cell, miss)
        i = index if type(index) is float else to_number(index)
        miss.count += 1
        if i < miss.first_index:  # comparisons, not min() and max(): a wrong offset misses often
            miss.first_index = i
        if i > miss.last_index:
            miss.last_index = i
        miss.length = length

    def _miss(self, thread: Thread, block_id: str, cell: ListCell, kind: MissKind) -> Miss:
        key = (thread.target.name, block_id, cell.name, kind)
        miss = self.misses.get(key)
        if miss is None:
            miss = self.misses[key] = Miss(
                cell.name, kind, thread.target.name, block_id, first_block_count=self.block_count()
            )
            miss.index_from = self._index_origins(thread.target, block_id)
        return miss

    def on_list_index(
        self, thread: Thread, block_id: str, cell: ListCell, index: Value, item: int
    ) -> None:
        kind = index_quirk(index) or ""
        key = (thread.target.name, block_id, cell.name, kind)
        quirk = self.index_quirks.get(key)
        if quirk is None:
            quirk = self.index_quirks[key] = IndexQuirk(
                cell.name, kind, thread.target.name, block_id, index, item
            )
            quirk.index_from = self._index_origins(thread.target, block_id)
        if kind == FRACTIONAL_INDEX:  # compiled code counts its further ones itself
            self.fractions[block_id] = (thread.target, cell, quirk)
        quirk.count += 1

    def on_list_read(
        self, thread: Thread, block_id: str, cell: ListCell, index: Value, item: int
    ) -> None:
        self.read_log.read(block_id, cell, item, index)

    def on_nonfinite(self, thread: Thread, block_id: str, what: str, value: float) -> None:
        key = (thread.target.name, block_id, what)
        found = self.nonfinite.get(key)
        if found is None:
            found = self.nonfinite[key] = NonFinite(thread.target.name, block_id, what, first=value)
        found.count += 1

    # ## Helpers

    def _index_origins(self, target: RuntimeTarget, block_id: str) -> list[tuple[str, str]]:
        blocks = self._blocks.get(target.name, {})
        block = blocks.get(block_id)
        if block is None or list_access(block.opcode) is None:
            return []
        cells = cells_named(target, variables_read(blocks, block, ("INDEX",)))
        return [(o.block_id, o.variable) for o in origins(cells)]


@dataclass
class _Found:
    target_block: tuple[str, str]
    clamp: Clamp


def find_clamps(targets: list[Target]) -> list[_Found]:
    """`if x < L then set x to L` (or >): the shape of a lookup table's argument clamp."""
    found = []
    for target in targets:
        procedures = procedure_of_blocks(target)
        for block in target.blocks.values():
            clamp = _clamp_in(target, block)
            if clamp is not None:
                variable, limit, set_id = clamp
                found.append(
                    _Found(
                        (target.name, set_id),
                        Clamp(target.name, set_id, variable, limit, procedures.get(set_id)),
                    )
                )
    return found


def _clamp_in(target: Target, block: Block) -> tuple[str, Value, str] | None:
    if block.opcode != Opcode.CONTROL_IF:
        return None
    condition = _block_at(target, block, "CONDITION")
    body = _block_at(target, block, "SUBSTACK")
    if (
        condition is None
        or body is None
        or body.opcode != Opcode.DATA_SETVARIABLETO
        or body.next is not None
    ):
        return None
    if condition.opcode not in (Opcode.OPERATOR_LT, Opcode.OPERATOR_GT):
        return None
    compared = _variable_name(target, condition, "OPERAND1")
    limit = _literal(condition, "OPERAND2")
    field = body.fields.get("VARIABLE")
    if compared is None or limit is None or field is None or field.value != compared:
        return None
    value = _literal(body, "VALUE")
    if value is None or compare(value, limit) != 0:
        return None
    return compared, limit, body.id


def _block_at(target: Target, block: Block, name: str) -> Block | None:
    inp = block.inputs.get(name)
    if inp is None or not isinstance(inp.slot, str):
        return None
    return target.blocks.get(inp.slot)


def _variable_name(target: Target, block: Block, name: str) -> str | None:
    inp = block.inputs.get(name)
    if inp is None:
        return None
    if isinstance(inp.slot, Primitive) and inp.slot.kind == VARIABLE:
        return str(inp.slot.value)
    inner = _block_at(target, block, name)
    if inner is not None and inner.opcode == Opcode.DATA_VARIABLE:
        return str(inner.fields["VARIABLE"].value)
    return None


def _literal(block: Block, name: str) -> Value:
    inp = block.inputs.get(name)
    if inp is not None and isinstance(inp.slot, Primitive) and inp.slot.kind != VARIABLE:
        return inp.slot.value
    return None


def procedure_of_blocks(target: Target) -> dict[str, str]:
    """Block id -> the proccode of the custom block definition it sits in (blocks outside any: absent)."""
    roots: dict[str, str | None] = {}
    result: dict[str, str] = {}
    for block_id in target.blocks:
        chain, current = [], block_id
        while current is not None and current not in roots:
            chain.append(current)
            parent = target.blocks[current].parent if current in target.blocks else None
            if parent is None:
                roots[current] = _proccode_of_definition(target, target.blocks.get(current))
                break
            current = parent
        root = roots.get(current) if current is not None else None
        for b in chain:
            roots[b] = root
            if root is not None:
                result[b] = root
    return result


def _proccode_of_definition(target: Target, block: Block | None) -> str | None:
    if block is None or block.opcode != Opcode.PROCEDURES_DEFINITION:
        return None
    proto = _block_at(target, block, "custom_block")
    return str(proto.mutation.get("proccode")) if proto is not None and proto.mutation else None
