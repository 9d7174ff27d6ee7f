"""What a run reports to observers (trace recorder, debugger): writes, misses, non-finite values."""

from __future__ import annotations

from collections.abc import Callable, Container
from enum import StrEnum
from typing import TYPE_CHECKING, NamedTuple, Protocol

from emulator.values import Value

if TYPE_CHECKING:
    from emulator.runtime.state import ListCell, RuntimeTarget, VarCell
    from emulator.runtime.thread import Thread


class ListWrite(StrEnum):
    """How on_list_write's item was written (trace files store the value's name)."""

    REPLACE = "replace"
    ADD = "add"
    INSERT = "insert"
    DELETE = "delete"


class MissKind(StrEnum):
    """What fell outside the list in on_list_miss: a read (Scratch gave "") or a write (dropped)."""

    READ = "read"
    WRITE = "write"


# The members bound once as module names, for the list handlers' hot paths (interpreted and
# compiled): a member looked up on its class costs a call.
LIST_ADD, LIST_INSERT, LIST_REPLACE, LIST_DELETE = (
    ListWrite.ADD,
    ListWrite.INSERT,
    ListWrite.REPLACE,
    ListWrite.DELETE,
)
READ_MISS, WRITE_MISS = MissKind.READ, MissKind.WRITE


class _Every:
    """Holds everything: every block id (Runtime.watch_reads), every variable name (RunHooks.reported_writes)."""

    def __contains__(self, key: object) -> bool:
        return True


EVERY_BLOCK = EVERY_VARIABLE = _Every()


# The codes a WriteLog logs a loop's run of writes with begin here: above any place in the code.
PATTERN_BASE = 10**12
LOG_LIMIT = 1024  # the reads and events a read log holds before compiled code hands it over


class ReadLog:
    """Where compiled code appends watched reads, logged variable writes and logged list writes
    without a call (RunHooks.read_log, RunHooks.logged_writes, RunHooks.log_list_writes).

    Each entry is (block id, list name, item or 0 past the end, the index, `stamp` as the read
    happened): what on_list_read hears, with the observer's own clock of the run (it advances
    `stamp` where it wants reads before and after told apart: at each list write). Each of
    `events`, in the order they happened, is either (the number of entries before it, block id,
    variable name): a write on_var_set would have heard, or (the number of entries before it,
    block id, list name, item): a list write on_list_write would have heard, in its place among
    the reads. A `change` right after the same block's change of the same variable may take that
    event's place: the observer then takes the reads since the first for those changes in turn.
    Compiled code logs no read of the item the `replace` around it writes (an update's read of the
    item it replaces is no input of it: the observer would drop it). Lists go by name, so that a
    batch holds only text and numbers (quick to hand to another process: trail_worker).
    """

    __slots__ = ("entries", "events", "stamp")

    def __init__(self) -> None:
        self.entries: list[tuple[str, str, int, Value, int]] = []
        self.events: list[tuple[int, str, str] | tuple[int, str, str, int]] = []
        self.stamp = 0

    def read(self, block_id: str, cell: ListCell, item: int, index: Value) -> None:
        """Log a read as generated code logs it inline."""
        self.entries.append((block_id, cell.name, item, index, self.stamp))

    def wrote(self, block_id: str, name: str) -> None:
        """Log a variable's write as generated code logs it inline."""
        self.events.append((len(self.entries), block_id, name))

    def wrote_item(self, block_id: str, cell: ListCell, item: int) -> None:
        """Log a list item's write as generated code logs it inline: a write advances the clock."""
        self.stamp += 1
        self.events.append((len(self.entries), block_id, cell.name, item))

    def full(self) -> bool:
        """Whether it holds LOG_LIMIT reads and events, as generated code tests it inline."""
        return len(self.events) + len(self.entries) >= LOG_LIMIT


class RunPattern(NamedTuple):
    """A loop's pass as its runs log it (WriteLog.patterns), from one of the pass's writes on."""

    sites: tuple[int, ...]  # the sites of the pass's writes, in order
    stride: int  # the blocks a pass adds to the clock
    start: int  # the write the run starts at
    # By write: what a counter's change adds (a run logs nothing for it: its value is the
    # counter's value as the run started, WriteLog.bases, plus this once a pass), or None.
    steps: tuple[float | None, ...]

    @property
    def counters(self) -> int:
        """How many counters a run of it logs the values of as it starts (WriteLog.bases)."""
        return sum(step is not None for step in self.steps)


class WriteLog(list[Value]):
    """Where compiled code appends writes without a call, for hooks that hear every variable's
    write (RunHooks.write_log; the runtime hands it to the code only while reported_writes is
    EVERY_VARIABLE), and, if `lists`, every list item's replace.

    A write is kept in parallel lists: its value in the log itself, its site in `codes`, its
    clock in `clocks`, and, for a list's write, its item in `items` (those alone). The site numbers
    a place in the code that writes, `sites[site]` being its (block id, cell, how, ahead): how is
    None for a variable, else the ListWrite (Runtime.write_sites); the clock is runtime.blocks as
    the interpreter has it at the write less `ahead` (which the code would otherwise add at every
    write). The thread that writes is marked where it changes (`marks`: the number of writes
    before it, and the thread), which compiled code does as it starts, resumes or is returned to
    (compiler/hooked.py's room). Lists rather than a tuple a write: an append to each costs less
    than building and adding a tuple, and they are taken as arrays with no slicing. The hooks may
    log writes of their own alike (ahead 0), in the order things happened.

    Code for hooks that hear writes alone logs the passes of a loop that only writes (in warp, a
    pass's writes always the same) as one run: its code, PATTERN_BASE + a number in `patterns`, and
    its clock are logged once, where the run starts, then each write's value (and item) alone;
    `ends` gets the log's writes (`events`) where the run ends, before anything else is logged (a
    run cut short by Ctrl-C has none). `patterns[n]` is a RunPattern: trace/log_runs.py gives each
    write its code and clock again. A counter's change in such a pass (`change v by c`, c a number,
    v written nowhere else in the pass) logs nothing: the run, as it starts, logs the counter's
    value then in `bases`, and trace/log_runs.py makes each value again by adding c as the code
    did; where it ends, it adds how many such writes it made to `skipped`, so that the log's
    writes are counted all the same.
    Once it holds `limit` writes, compiled code brings the cells and the clock up to date (with the
    item stored, unlike on_list_write) and calls `on_full`, which takes them in and clears the lists
    in place (compiled code keeps hold of them). Code for hooks that hear writes alone looks at the
    log's length only once its clock nears the first that could fill it (room): each write is a
    block of its own; when it looks, it hands the log over once it holds `limit - slack` writes,
    short of full if the hooks allow (the recorder's parts need not be full; its chunks end
    exactly). Where it looks inside a run, it counts the run's counters' writes so far itself.
    """

    __slots__ = (
        "bases",
        "clocks",
        "codes",
        "ends",
        "items",
        "limit",
        "lists",
        "marks",
        "on_full",
        "patterns",
        "sites",
        "skipped",
        "slack",
        "thread",
    )

    def __init__(self, writes: int, on_full: Callable[[], None], lists: bool = True) -> None:
        super().__init__()
        self.limit = writes  # full after this many writes
        self.slack = 0  # how many writes short of full compiled code may hand it over (above)
        self.skipped = 0  # the writes of the runs ended so far that it holds no value of (above)
        self.on_full = on_full
        self.lists = lists
        self.codes: list[int] = []
        self.clocks: list[int] = []
        self.items: list[int] = []
        self.ends: list[int] = []
        self.bases: list[float] = []
        self.marks: list[tuple[int, Thread]] = []
        self.thread: Thread | None = None  # the thread marked last
        # Set by the runtime the hooks are attached to.
        self.sites: list[tuple[str, VarCell | ListCell, ListWrite | None, int]] = []
        self.patterns: list[RunPattern] = []

    @property
    def events(self) -> int:
        """How many writes it holds: those whose values it holds, and those its runs skipped
        (no run is going on where this is asked, but where Ctrl-C came: see `skipped`)."""
        return len(self) + self.skipped

    def mark(self, thread: Thread) -> None:
        """The writes from here on are the thread's (until another is marked)."""
        self.marks.append((self.events, thread))
        self.thread = thread

    def clear(self) -> None:
        """Forget every write; the thread marked last writes on."""
        super().clear()
        self.codes.clear()
        self.clocks.clear()
        self.items.clear()
        self.ends.clear()
        self.bases.clear()
        self.skipped = 0
        self.marks.clear()
        if self.thread is not None:
            self.marks.append((0, self.thread))


class FractionTally(Protocol):
    """How often one block read one list at a fractional index inside it: an observer's record
    that compiled code adds to."""

    count: int


class MissTally(Protocol):
    """How often one block's reads of one list fell past its end, the lowest and highest index,
    and the list's length at the last: an observer's record that compiled code adds to."""

    count: int
    first_index: float
    last_index: float
    length: int


class BubbleKind(StrEnum):
    """Which bubble on_say showed."""

    SAY = "say"
    THINK = "think"


class RunHooks:
    """Base observer: every method does nothing; override the ones you need.

    The runtime calls these only when hooks are attached, so a plain run pays nothing.
    `block_id` is the block that did it; list indices are 1-based as in Scratch.
    """

    # The variables whose writes on_var_set hears (EVERY_VARIABLE: all). A write of any other is
    # only checked for NaN: a loop's counter then costs observers that do not ask for it nothing.
    reported_writes: Container[str] = EVERY_VARIABLE
    # Whether each variable keeps the origin of its value (VarCell.origin, runtime/origins.py).
    wants_origins = False
    # Where compiled code appends a watched read inside its list instead of calling on_list_read
    # (None: it calls it). An observer that offers one treats an entry as that call; one that sets
    # it while attached calls hearing_changed (the read sites' flags hold it).
    read_log: ReadLog | None = None
    # Of reported_writes, the variables whose writes compiled code appends to read_log.events
    # instead of calling on_var_set (only while read_log is set; the value is not kept).
    logged_writes: Container[str] = frozenset()
    # Whether compiled code appends an item it replaces inside its list to read_log.events
    # (ReadLog.wrote_item) instead of calling on_list_write, and calls on_log_full once the log
    # holds LOG_LIMIT reads and events (only while read_log is set; the values are not kept). One
    # that changes it while attached calls hearing_changed (compiled code holds the log then).
    log_list_writes = False
    # Per block id: (target, list cell, tally) of the block's reads past the end of that list, which
    # compiled code adds a whole-number index's further misses to instead of calling on_list_miss
    # (None: it calls it for each). The observer puts a block's tally here at its first miss.
    read_misses: dict[str, tuple[RuntimeTarget, ListCell, MissTally]] | None = None
    # Per block id: (target, list cell, tally) of the block's reads of that list at fractional
    # indices inside it, which compiled code counts a further one into (the tally's count) instead
    # of calling on_list_index (None: it calls it for each). The observer puts a block's tally
    # here at its first; a lookup table read at a scaled argument reads so on every call.
    fractions: dict[str, tuple[RuntimeTarget, ListCell, FractionTally]] | None = None
    # Whether on_list_miss hears reads past the end (False: compiled code does not call it for them).
    hears_read_misses = True
    # Where compiled code appends writes instead of calling on_var_set, while reported_writes is
    # EVERY_VARIABLE (None: it calls it). Whatever the code appends, on_var_set would have heard.
    write_log: WriteLog | None = None
    # Whether these hooks hear writes and nothing else (besides bubbles, list adds and deletes,
    # and the run's end), every variable's write through write_log, and never change what they
    # hear while attached. Compiled code started for them then logs each write and reads as a
    # plain run does: no read, read past the end, index quirk, NaN or origin is told.
    hears_writes_only = False
    # Set by the runtime the hooks are attached to (Runtime.attach): what hearing_changed calls.
    on_hearing_changed: Callable[[], None] | None = None

    def hearing_changed(self) -> None:
        """Call after changing reported_writes, wants_origins, read_log or log_list_writes while
        attached: compiled code skips the writes of a variable the hooks did not hear
        (VarCell.heard), and logs list writes where it last was told, until told again."""
        if self.on_hearing_changed is not None:
            self.on_hearing_changed()

    def on_var_set(self, thread: Thread, block_id: str, cell: VarCell, value: Value) -> None:
        """A variable named in reported_writes was set or changed."""

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
        """A list item was replaced, added, inserted or deleted (op names which; index is 1-based)."""

    def item_marks(self, cell: ListCell) -> list[str] | None:
        """Where compiled code marks an item its replace writes inside a list, by putting the
        replacing block's id at the item's place, instead of logging the write in read_log
        (log_list_writes; asked only while that is set, and again whenever the hearing changes):
        a list at least as long as the list's items when handed over, kept in place. A replace
        past its end is told to on_list_write. None: compiled code logs the write."""
        return None

    def on_log_full(self) -> None:
        """read_log holds LOG_LIMIT reads and events or more: take them in (see log_list_writes)."""

    def on_list_clear(
        self, thread: Thread, block_id: str, cell: ListCell, old: list[Value]
    ) -> None:
        """Every item of a list was deleted."""

    def on_list_miss(
        self,
        thread: Thread,
        block_id: str,
        cell: ListCell,
        kind: MissKind,
        index: Value,
        length: int,
    ) -> None:
        """A read or a write fell outside the list: Scratch gave "" or dropped it."""

    def on_list_index(
        self, thread: Thread, block_id: str, cell: ListCell, index: Value, item: int
    ) -> None:
        """An index was fractional or not a number: Scratch used `item` (0: none) without a word."""

    def on_list_read(
        self, thread: Thread, block_id: str, cell: ListCell, index: Value, item: int
    ) -> None:
        """A watched block (Runtime.watch_reads) read `item` (0: outside the list) at `index`."""

    def on_nonfinite(self, thread: Thread, block_id: str, what: str, value: float) -> None:
        """NaN or an infinity was stored into `what` (a variable or list name)."""

    def on_say(self, thread: Thread, block_id: str, kind: BubbleKind, text: Value) -> None:
        """A say or think bubble was shown."""

    def on_finish(self) -> None:
        """The run ended: no thread is left, or it was stopped."""
