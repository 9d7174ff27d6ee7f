"""A project loaded to run: targets and scripts, hats, broadcasts, stop, bubbles, questions, waits and the clock."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Container, Generator, Iterable
from typing import TYPE_CHECKING

from emulator.inputs import Post
from emulator.opcodes import EDGE_HATS, RESTARTING_HATS, Opcode
from emulator.project import Block, Project, Target
from emulator.rng import JsRandom
from emulator.runtime.block_cache import BlockCache
from emulator.runtime.devices import Devices, Keyboard, Mouse, parse_date
from emulator.runtime.hooks import (
    EVERY_BLOCK,
    EVERY_VARIABLE,
    BubbleKind,
    ListWrite,
    RunHooks,
    RunPattern,
)
from emulator.runtime.linker import Linker
from emulator.runtime.nodes import Stmt
from emulator.runtime.origins import Origins
from emulator.runtime.pen import Mark
from emulator.runtime.questions import Questions
from emulator.runtime.reconcile import reconcile_references
from emulator.runtime.sequencer import Pause, Sequencer
from emulator.runtime.sprites import clear_effects, clear_sound_effects, place_behind
from emulator.runtime.state import ListCell, RuntimeTarget, Say, VarCell
from emulator.runtime.thread import DONE, RUNNING, WAITING, YIELD_TICK, Frame, Thread
from emulator.values import Value, index_quirk, js_lower, to_number

SAYS_KEPT = 10_000  # bubbles a run keeps in memory; older ones are only counted
MAX_CLONES = 300  # Runtime.MAX_CLONES: creating another clone does nothing

if TYPE_CHECKING:
    from emulator.compiler import Compiled
    from emulator.runtime.handoff import CompiledCall


class Script:
    """A hat block of a target and the first block under it (linked when first needed), and its compiled form, if compiled."""

    __slots__ = ("_first", "_linker", "compiled", "hat", "hooked", "target")

    def __init__(self, linker: Linker, hat: Block) -> None:
        self.target = linker.target
        self.hat = hat
        self._linker: Linker | None = linker
        self._first: Stmt | None = None
        self.compiled: Callable[[Thread], Generator[None, None, None]] | None = None
        # The same, compiled to report to hooks (made when a thread first starts with hooks).
        self.hooked: Callable[[Thread], Generator[None, None, None]] | None = None

    @property
    def first(self) -> Stmt | None:
        """The first block under the hat."""
        if self._linker is not None:
            self._first, self._linker = self._linker.chain(self.hat.next), None
        return self._first


ENGINES = ("interpreter", "compiled")


class Runtime:
    """A project loaded to run: targets, threads and the virtual clock; its sequencer runs the threads."""

    def __init__(
        self,
        project: Project,
        *,
        seed: int = 0,
        turbo: bool = False,
        answers: Iterable[str] = (),
        hooks: RunHooks | None = None,
        engine: str = "interpreter",
        pausable: bool = False,
        inputs: Iterable[Post] = (),
        date: str | None = None,
        username: str = "",
    ) -> None:
        # Loading repairs dangling references as the official VM does; the caller's project is untouched.
        project = self.project = reconcile_references(project)
        self.rng = JsRandom(seed)  # the same generator the VM oracle installs as Math.random
        self.turbo = turbo
        self.hooks = hooks
        # The blocks whose `item of` reads are reported to the hooks (watch_reads), and whether
        # there are any: the interpreter's hot path tests the flag.
        self.reported_reads: Container[str] = frozenset()
        self.reads_watched = False
        self.origins = Origins(project.targets)  # where index variables' values came from (hooks)
        self.blocks = 0  # blocks executed so far: the virtual clock's work counter
        self.frame_count = 0
        self.now_ms = 0.0  # frozen within a frame, as scratch-vm's currentMSecs; the flag is at 0
        self.timer_start_ms = 0.0
        self.redraw_requested = False
        self.threads: list[Thread] = []
        # The latest bubbles; a run that says more keeps the last SAYS_KEPT and counts the rest.
        self.says: deque[Say] = deque(maxlen=SAYS_KEPT)
        self.say_count = 0  # every bubble shown, kept or not
        self.bubbles: dict[RuntimeTarget, int] = {}  # target -> number of its current bubble
        self.questions = Questions(answers, lambda t, b, text: self.say(t, b, BubbleKind.SAY, text))
        self.on_say: Callable[[Say], None] | None = None
        # Called after every frame (progress displays).
        self.on_frame: Callable[[], None] | None = None
        self.active_thread: Thread | None = None  # whose turn it is (the sequencer sets it)
        self._waking: dict[int, Callable[[], bool]] = {}
        self._edge_inputs: dict[tuple[RuntimeTarget, str], Callable[[Thread], Value]] = {}
        self._finish_reported = False
        self.sequencer = Sequencer(self)
        self.devices = Devices(Keyboard(self._key_pressed), Mouse(self._clicked), username)
        if date is not None:
            self.devices.date_ms = parse_date(date)
        # Injected input not yet delivered, latest first (so the next is popped from the end).
        self.pending_inputs = sorted(inputs, key=lambda p: p.at)[::-1]
        self.targets = self._make_targets(project)  # the stage and the original sprites
        # Headless, the order of execution is the only layer order the VM keeps: back to front,
        # the stage first; hats start from the front. Loading sorts by layerOrder (a stable sort).
        self.executable = sorted(self.targets, key=lambda t: t.layer_order)
        self.clone_count = 0
        self.pen_layer: list[Mark] = []  # what the pens drew, in order (headless the VM keeps none)
        self.broadcasts = self._referenced_broadcasts(project)
        self.block_caches: dict[int, BlockCache] = {}  # by id() of a sprite's blocks' Target
        # The originals' linkers, by target (not by name: a project may give two targets one name).
        self.linkers: dict[RuntimeTarget, Linker] = {}
        self._linked: dict[RuntimeTarget, tuple[Linker, dict[str, list[Script]]]] = {}
        for target in self.targets:
            self.linkers[target] = self._link(target, eager=True)
        if engine not in ENGINES:
            raise ValueError(f"engine is one of {', '.join(ENGINES)}, not {engine!r}")
        # The compiled engine runs a script's generated code when its thread starts; with hooks
        # attached then, the code compiled to report to them. A run that pauses at blocks (the
        # debugger) needs `pausable` code, which hands a thread to the interpreter before a block
        # it may pause at (pause_before); a step limit needs the interpreter engine. A clone's
        # scripts run in the interpreter.
        self.engine = engine
        self.pausable = pausable and engine == "compiled"
        # Every write hooked code may append to a WriteLog, by its number there.
        self.write_sites: list[tuple[str, VarCell | ListCell, ListWrite | None, int]] = []
        # The runs of writes loops log (WriteLog.patterns), by their number there.
        self.write_patterns: list[RunPattern] = []
        self._plain: list[Compiled] | None = None  # see compiled
        self.compiled_hooked: list[Compiled] | None = None  # compiled on first need
        self._tuned: RunHooks | None = None  # the hooks the flags were last set for (retune)
        # With pausable code: the custom blocks a call block in the interpreter enters compiled,
        # so a thread handed to the interpreter runs compiled again from its next call; none
        # while every block is a pause site (the code would hand the thread back at once).
        self._calls: dict[tuple[RuntimeTarget, str], CompiledCall] = {}
        self.compiled_calls = self._calls
        self._pause_blocks: Container[str] = frozenset()  # see pause_before
        self.attach(hooks)

    # ## Setup

    @staticmethod
    def _make_targets(project: Project) -> list[RuntimeTarget]:
        stage = RuntimeTarget(project.stage, None)
        return [stage] + [RuntimeTarget(t, stage) for t in project.sprites()]

    @staticmethod
    def _referenced_broadcasts(project: Project) -> dict[str, str]:
        # On load, scratch-vm deletes stage broadcast messages no BROADCAST_OPTION field names.
        used = _broadcast_ids_in_use(project)
        return {i: name for i, name in project.stage.broadcasts.items() if i in used}

    def _link(self, target: RuntimeTarget, eager: bool) -> Linker:
        """A target's linker and its scripts by hat opcode, in script order.

        An original links every script at load, so a malformed one is reported at once; a clone
        links a script when its hat first starts it.
        """
        linker = Linker(self, target)
        scripts: dict[str, list[Script]] = {}
        for hat in target.source.top_blocks():
            if hat.opcode == Opcode.PROCEDURES_DEFINITION:
                continue
            script = Script(linker, hat)
            scripts.setdefault(hat.opcode, []).append(script)
            if eager:
                _ = script.first
        self._linked[target] = (linker, scripts)
        return linker

    def linker_of(self, target: RuntimeTarget) -> Linker:
        """The linker of a running target (a clone has its own: its variables are its own)."""
        return self._linked[target][0]

    @property
    def compiled(self) -> list[Compiled]:
        """Every target compiled without hooks (none under the interpreter engine), on first
        need: a run with hooks from its start never needs it."""
        if self._plain is None:
            self._plain = self._compile() if self.engine == "compiled" else []
        return self._plain

    def _compile(self, hooks: bool = False, writes_only: bool = False) -> list[Compiled]:
        # Imported here: the compiler builds on the runtime, not the other way round.
        from emulator.compiler import compile_runtime

        return compile_runtime(self, hooks, self.pausable and hooks, writes_only)

    def _compile_hooked(self) -> None:
        """Compile the flavour that reports to hooks, on first need; and again once hooks that
        hear more than writes are attached where code for hooks that hear writes alone was
        (threads already running keep theirs: code is chosen as a thread starts)."""
        writes_only = self._hears_writes_only()
        if self.compiled_hooked is not None:
            latest = self.compiled_hooked[-1:]  # the flavour Script.hooked holds
            if writes_only or not any(c.unit.writes_only for c in latest):
                return
        compiled = self._compile(hooks=True, writes_only=writes_only)
        self.compiled_hooked = (self.compiled_hooked or []) + compiled
        if self.pausable:
            self._calls = {k: v for c in compiled for k, v in c.calls().items()}
        self.pause_before(self._pause_blocks)
        self._flag_reads()
        self._hand_write_log()

    def _hears_writes_only(self) -> bool:
        """Whether the hooks attached hear every write through their write log and nothing else,
        and the run neither pauses nor watches reads (RunHooks.hears_writes_only)."""
        hooks = self.hooks
        return (
            hooks is not None
            and hooks.hears_writes_only
            and hooks.reported_writes is EVERY_VARIABLE
            and hooks.write_log is not None
            and not self.pausable
            and not self.reads_watched
        )

    def pause_before(self, blocks: Container[str]) -> None:
        """Have pausable compiled code hand its thread to the interpreter before these blocks
        (EVERY_BLOCK: before the next block it runs), where a pause predicate can see them."""
        self._pause_blocks = blocks
        self.compiled_calls = {} if blocks is EVERY_BLOCK else self._calls
        for compiled in self.compiled_hooked or ():
            compiled.pauses.flag(blocks)

    @property
    def stage(self) -> RuntimeTarget:
        """The stage while it runs."""
        return self.targets[0]

    def block_cache(self, source: Target) -> BlockCache:
        """The cache of a sprite's blocks, shared by its clones (see block_cache)."""
        key = id(source)
        if key not in self.block_caches:
            self.block_caches[key] = BlockCache(source.blocks)
        return self.block_caches[key]

    def live_targets(self) -> list[RuntimeTarget]:
        """The stage and the original sprites, each followed by its living clones, oldest first."""
        return [each for t in self.targets for each in (t, *t.clones)]

    def target(self, name: str) -> RuntimeTarget:
        """The running target with this name."""
        for t in self.targets:
            if t.name == name:
                return t
        raise KeyError(name)

    def stmt(self, block_id: str) -> Stmt | None:
        """The runnable form of a block, by id, if some script contains it."""
        for linker in self.linkers.values():
            if block_id in linker._stmts:
                return linker._stmts[block_id]
        return None

    # ## Hats and broadcasts

    def green_flag(self) -> list[Thread]:
        """Click the green flag: stop everything, reset the timer, start the flag scripts."""
        self.stop_all()
        self.questions.answer = ""  # PROJECT_START resets the answer
        self.timer_start_ms = self.now_ms
        for target in self.targets:
            clear_effects(target)
            clear_sound_effects(target)
            target.edge_values.clear()
        return self.start_hats(Opcode.EVENT_WHENFLAGCLICKED)

    def start_hats(
        self,
        opcode: str,
        match: str | None = None,
        *,
        field: str = "BROADCAST_OPTION",
        target: RuntimeTarget | None = None,
    ) -> list[Thread]:
        """Start (or restart) every script under a hat of this kind, in Scratch's order.

        Front to back, the stage last; within a target in script order. `match` must equal the
        hat's `field`, ignoring case; `target` limits the hats to one target's.
        """
        started = []
        wanted = match.upper() if match is not None else None
        restart = opcode in RESTARTING_HATS
        for t in [target] if target is not None else reversed(self.executable):
            for script in self._linked[t][1].get(opcode, ()):
                if wanted is not None and _hat_field(script.hat, field) != wanted:
                    continue
                thread = self._start(script, restart)
                if thread is not None:
                    started.append(thread)
        return started

    def _start(self, script: Script, restart: bool) -> Thread | None:
        for i, existing in enumerate(self.threads):
            if existing.script_id == script.hat.id and existing.target is script.target:
                if restart:
                    # A fresh thread takes the old one's place in the list.
                    thread = self._new_thread(script)
                    self.threads[i] = thread
                    self._waking.pop(id(existing), None)
                    return thread
                if existing.status != DONE:
                    return None  # a hat that does not restart leaves its running script alone
        thread = self._new_thread(script)
        self.threads.append(thread)
        return thread

    def _new_thread(self, script: Script) -> Thread:
        self.blocks += 1  # the hat itself runs as the thread starts
        self._finish_reported = False
        thread = Thread(script.target, script.hat.id, script.first)
        if self.engine == "compiled" and self.hooks is None:
            _ = self.compiled  # on first need: it sets each script's code
        code = script.compiled
        if self.hooks is not None and self.engine == "compiled":
            self._compile_hooked()
            code = script.hooked
            if self._tuned is not self.hooks:  # hooks put in place without attach
                self.retune()
        if code is not None:
            thread.run_compiled(code)
        return thread

    @property
    def scripts(self) -> list[Script]:
        """The originals' scripts (not the definitions), target by target in script order."""
        return [s for t in self.targets for group in self._linked[t][1].values() for s in group]

    def broadcast_by_id(self, message_id: str | None) -> str | None:
        """The stage's message name for a broadcast menu's id."""
        return self.broadcasts.get(message_id) if message_id is not None else None

    def broadcast_by_name(self, text: str) -> str | None:
        """The stage's message whose name equals the text, ignoring case."""
        if not text:
            return None  # lookupBroadcastMsg ignores an empty name: it is falsy in JavaScript
        wanted = js_lower(text)
        for name in self.broadcasts.values():
            if js_lower(name) == wanted:
                return name
        return None

    # ## Input and edge-triggered hats

    def deliver_inputs(self) -> None:
        """Post the injected input whose time has come, before the frame's ticks (as the GUI does)."""
        pending = self.pending_inputs
        while pending and pending[-1].due_ms <= self.now_ms:
            post = pending.pop()
            data = post.fields()
            if post.device == "keyboard":
                self.devices.keyboard.post(str(data.get("key", "")), bool(data.get("isDown")))
            else:
                self.devices.mouse.post(data, self._picked(post.pick))

    def _picked(self, name: str | None) -> RuntimeTarget:
        """The target a click lands on: the named sprite, else the stage (all a headless VM picks)."""
        found = next((t for t in self.targets if t.name == name and not t.is_stage), None)
        return found if found is not None else self.stage

    def _key_pressed(self, key: str) -> None:
        # scratch3_event's KEY_PRESSED: the hats for this key, then those for any key.
        self.start_hats(Opcode.EVENT_WHENKEYPRESSED, key, field="KEY_OPTION")
        self.start_hats(Opcode.EVENT_WHENKEYPRESSED, "any", field="KEY_OPTION")

    def _clicked(self, target: RuntimeTarget) -> None:
        # Mouse._activateClickHats: both click hats of the picked target, whatever it is.
        self.start_hats(Opcode.EVENT_WHENTHISSPRITECLICKED, target=target)
        self.start_hats(Opcode.EVENT_WHENSTAGECLICKED, target=target)

    def start_edge_hats(self) -> None:
        """Runtime._step: test every edge-triggered hat whose script is not running; start those that turned true."""
        for opcode in EDGE_HATS:
            for t in reversed(self.executable):
                for script in self._linked[t][1].get(opcode, ()):
                    if any(
                        x.script_id == script.hat.id and x.target is t and x.status != DONE
                        for x in self.threads
                    ):
                        continue
                    self.blocks += 1  # the hat runs to test its predicate
                    now = self._edge_predicate(t, script.hat)
                    had, old = script.hat.id in t.edge_values, t.edge_values.get(script.hat.id)
                    t.edge_values[script.hat.id] = now
                    if (not old and now) if had else now:
                        self.blocks -= 1  # counted again as the thread starts
                        self.threads.append(self._new_thread(script))

    def _edge_predicate(self, target: RuntimeTarget, hat: Block) -> bool:
        """hatGreaterThanPredicate, or touching (always false headless)."""
        if hat.opcode != Opcode.EVENT_WHENGREATERTHAN:
            return False
        key = (target, hat.id)
        if key not in self._edge_inputs:
            self._edge_inputs[key] = self._linked[target][0].input(hat, "VALUE")
        option = js_lower(str(_hat_field(hat, "WHENGREATERTHANMENU")))
        value = to_number(self._edge_inputs[key](Thread(target, hat.id, None)))
        # Headless there is no audio engine: loudness is never above anything.
        return option == "timer" and (self.now_ms - self.timer_start_ms) / 1000.0 > value

    def start_broadcast(self, message: str) -> list[Thread]:
        """Start the receivers of a message; they run later in this same tick."""
        return self.start_hats(Opcode.EVENT_WHENBROADCASTRECEIVED, message)

    def has_thread(self, thread: Thread) -> bool:
        """Whether the thread is still in the thread list."""
        return any(t is thread for t in self.threads)

    def is_waiting(self, thread: Thread) -> bool:
        """scratch-vm isWaitingThread: waiting on something, or no longer active."""
        if thread.status in (WAITING, YIELD_TICK):
            return True
        return not thread.frames or not self.has_thread(thread)

    # ## Stopping

    def stop_all(self) -> None:
        """Stop every thread, delete every clone, clear every effect.

        The rest of the current tick still runs the threads after this one, but not a clone's.
        """
        self.questions.clear()
        for target in self.targets:
            clear_effects(target)
            clear_sound_effects(target)
            for clone in list(target.clones):
                self.delete_clone(clone)
        if self.active_thread is not None:
            self.active_thread.stop()
        self.threads = []
        self._waking.clear()

    # ## Clones

    def create_clone(self, of: RuntimeTarget) -> None:
        """Clone a sprite or clone (not the stage) unless 300 clones live; it starts its clone hats."""
        if self.clone_count >= MAX_CLONES or of.is_stage:
            return
        self.clone_count += 1
        clone = of.make_clone()
        of.sprite.clones.append(clone)
        self._link(clone, eager=False)
        self.start_hats(Opcode.CONTROL_START_AS_CLONE, target=clone)
        self.executable.append(clone)
        place_behind(self.executable, clone, of)

    def delete_clone(self, clone: RuntimeTarget) -> None:
        """Remove a clone: its threads stop and it leaves the layers."""
        if clone not in clone.sprite.clones:
            return
        self.clone_count -= 1
        self.stop_for_target(clone, None)
        self.executable.remove(clone)
        clone.sprite.clones.remove(clone)
        self.bubbles.pop(clone, None)
        del self._linked[clone]
        for key in [k for k in self._edge_inputs if k[0] is clone]:
            del self._edge_inputs[key]

    def stop_for_target(self, target: RuntimeTarget, except_thread: Thread | None) -> None:
        """Stop the other threads of one target."""
        for thread in self.threads:
            if thread is not except_thread and thread.target is target:
                thread.stop()
                self._waking.pop(id(thread), None)
        self.questions.clear_target(target)

    # ## Output, questions and waits outside the tick loop

    def say(self, thread: Thread, block_id: str, kind: BubbleKind, text: Value) -> int:
        """Show a bubble; returns its number, so a timed bubble can clear only itself."""
        record = Say(thread.target.name, kind, text, self.now_ms)
        self.says.append(record)
        self.say_count += 1
        self.bubbles[thread.target] = self.say_count
        if self.hooks is not None:
            self.hooks.on_say(thread, block_id, kind, text)
        if self.on_say is not None:
            self.on_say(record)
        return self.say_count

    def clear_bubble(self, target: RuntimeTarget, shown: int) -> None:
        """Clear a target's bubble if it is still the one shown (no output: nothing is said)."""
        if self.bubbles.get(target) == shown:
            del self.bubbles[target]

    def ask(self, thread: Thread, block_id: str, question: Value) -> None:
        """Ask and wait: the thread waits until its question, queued behind others, is answered."""
        asked = self.questions.ask(thread, block_id, question)
        self.wait_outside(thread, lambda: asked.answered)

    def wait_outside(self, thread: Thread, wake: Callable[[], bool]) -> None:
        """Park a thread until `wake()` is true at the start of a frame (a promise in scratch-vm)."""
        thread.status = WAITING
        self._waking[id(thread)] = wake

    def wake_threads(self) -> None:
        """At the start of a frame: answer the next question, and resume threads whose wait is over."""
        self.questions.answer_next()
        for thread in self.threads:
            wake = self._waking.get(id(thread))
            if wake is not None and thread.status == WAITING and wake():
                del self._waking[id(thread)]
                thread.status = RUNNING
                if thread.compiled is None:  # compiled code goes on from the wait by itself
                    _step_past_wait(thread)

    # ## Reports to hooks

    def report_var(self, thread: Thread, block_id: str, cell: VarCell, value: Value) -> None:
        """Keep where a variable's value came from; tell the hooks, if they hear it, and of NaN or an infinity."""
        hooks = self.hooks
        assert hooks is not None
        if hooks.wants_origins:
            self.origins.wrote(thread.target, block_id, cell)
        reported = hooks.reported_writes
        if reported is EVERY_VARIABLE or cell.name in reported:
            hooks.on_var_set(thread, block_id, cell, value)
        if type(value) is float and not math.isfinite(value):
            hooks.on_nonfinite(thread, block_id, cell.name, value)

    def report_list(
        self,
        thread: Thread,
        block_id: str,
        cell: ListCell,
        op: ListWrite,
        index: int,
        old: Value,
        new: Value,
    ) -> None:
        """Tell the hooks a list item was written."""
        assert self.hooks is not None
        self.hooks.on_list_write(thread, block_id, cell, op, index, old, new)
        if type(new) is float and not math.isfinite(new):
            self.hooks.on_nonfinite(thread, block_id, cell.name, new)

    def report_finish(self) -> None:
        """Tell the hooks the run ended: once per run, however often it is resumed after its end."""
        if self.hooks is not None and not self._finish_reported:
            self.hooks.on_finish()
        self._finish_reported = True

    def watch_reads(self, blocks: Container[str]) -> None:
        """Report `item of` reads to the hooks by these blocks (EVERY_BLOCK: all; empty: none)."""
        self.reported_reads = blocks
        self.reads_watched = bool(blocks)
        self._flag_reads()

    def attach(self, hooks: RunHooks | None) -> None:
        """Report to these hooks from now on (None: to none)."""
        self.hooks = hooks
        if hooks is not None:
            hooks.on_hearing_changed = self.retune
        self.retune()

    def retune(self) -> None:
        """Bring the flags hooked compiled code reads up to date with the hooks attached and what
        they hear (RunHooks.hearing_changed calls this): each variable's (VarCell.heard) and each
        watched read's (Compiled.reads, which holds the hooks' read log)."""
        hooks = self._tuned = self.hooks
        log = hooks.read_log if hooks is not None else None
        logged = hooks.logged_writes if hooks is not None and log is not None else ()
        for target in self.executable:
            for cell in target.variables.values():
                # Heard only by the read log: the flag is the log (generated code appends there).
                heard = hooks is not None and cell.name in hooks.reported_writes
                cell.heard = log if heard and cell.name in logged else heard
                cell.tracked = (
                    hooks is not None and hooks.wants_origins and self.origins.keeps(cell.name)
                )
        self._flag_reads()
        self._hand_write_log()

    def _hand_write_log(self) -> None:
        """Hooked code appends writes to the hooks' WriteLog while they hear every write, and an
        item's replace to their read log while they log list writes there (log_list_writes), or
        marks it in their list's marks where they keep those (RunHooks.item_marks)."""
        hooks = self.hooks
        log = item_log = None
        if hooks is not None and hooks.reported_writes is EVERY_VARIABLE:
            log = hooks.write_log
        if log is not None:
            log.sites, log.patterns = self.write_sites, self.write_patterns
        if hooks is not None and hooks.log_list_writes:
            item_log = hooks.read_log
        marking = hooks if item_log is not None else None  # asked for marks only while logging
        for compiled in self.compiled_hooked or ():
            ns = compiled.namespace
            ns["WRITE_LOG"], ns["ITEM_LOG"] = log, item_log
            tables = compiled.unit.tables
            for i, cell in enumerate(tables.lists):
                if i not in tables.lazy_lists:
                    ns[f"MARKS_{i}"] = marking.item_marks(cell) if marking is not None else None

    def _flag_reads(self) -> None:
        """A watched read's flag is the hooks' read log (True: they keep none), others False.
        A read site's miss flag is True where a read past the end must be told (the hooks hear
        misses, or the read is watched), else False: nothing to do but read "". Its fraction
        flag is True where a read at a fractional index must be told (hooks are attached), else
        False. h_item puts the hooks' tally of the block's misses, or of its fractional indices,
        in a True flag's place once they keep one."""
        hooks = self.hooks
        blocks = self.reported_reads if hooks is not None else ()
        log = hooks.read_log if hooks is not None and hooks.read_log is not None else True
        missed = EVERY_BLOCK if hooks is not None and hooks.hears_read_misses else blocks
        for compiled in self.compiled_hooked or ():
            compiled.reads.flag(blocks, log)
            compiled.misses.flag(missed)
            compiled.fractions.flag(EVERY_BLOCK if hooks is not None else ())

    def report_index(
        self, thread: Thread, block_id: str, cell: ListCell, index: Value, item: int
    ) -> None:
        """Tell the hooks about an index Scratch floored or read as 0, if it was one."""
        if self.hooks is not None and index_quirk(index) is not None:
            self.hooks.on_list_index(thread, block_id, cell, index, item)

    def report_read(
        self, thread: Thread, block_id: str, cell: ListCell, index: Value, item: int
    ) -> None:
        """Tell the hooks a watched block read an item."""
        if self.hooks is not None and block_id in self.reported_reads:
            self.hooks.on_list_read(thread, block_id, cell, index, item)

    # ## Running: the sequencer's loop, driven from here

    def may_run_compiled(self) -> bool:
        """Whether a thread runs compiled code now, or would if one started now."""
        return self.engine == "compiled"

    def may_pause_compiled(self) -> bool:
        """Whether compiled code hands its threads to the interpreter where a pause may come."""
        return self.pausable and self.hooks is not None

    def hands_over_everywhere(self) -> bool:
        """Whether compiled code hands its thread to the interpreter before any block it would run
        (pause_before(EVERY_BLOCK)): then every block runs in the interpreter, which counts them."""
        return self._pause_blocks is EVERY_BLOCK and self.may_pause_compiled()

    @property
    def running(self) -> bool:
        """Whether any thread is left, or input still to come."""
        return bool(self.threads or self.pending_inputs)

    def run(self, max_blocks: int | None = None) -> None:
        """Run until no thread is left (or raise StepLimitReached after max_blocks blocks)."""
        self.sequencer.run_until(None, max_blocks)

    def run_until(
        self, pause: Pause | None, max_blocks: int | None = None
    ) -> tuple[Thread, Stmt] | None:
        """Run until `pause(thread, block)` holds before a block runs; None when the run ended."""
        return self.sequencer.run_until(pause, max_blocks)

    def step(self, count: int = 1) -> tuple[Thread, Stmt] | None:
        """Run `count` blocks and pause before the next one; None when the run ended."""
        return self.sequencer.step(count)

    @property
    def paused_at(self) -> tuple[Thread, Stmt] | None:
        """Where run_until or step last paused (None once the run ended)."""
        return self.sequencer.paused_at


def _step_past_wait(thread: Thread) -> None:
    """Move a thread past the block it waited on outside the tick loop (execute.js handlePromise)."""
    frames = thread.frames
    while True:
        popped = frames.pop()
        after = popped.node.next if popped.node is not None else None
        if after is not None:
            # pushStack: a new entry that copies its warp mode from the entry below. So after a
            # timed bubble in a warp block's own body, the rest of that body runs without warp.
            frames.append(Frame(after, frames[-1].warp if frames else False))
            return
        if not frames:
            # An empty entry: the thread still counts as running (to a broadcast and wait, say)
            # until its next turn ends it.
            frames.append(Frame(None, False))
            return
        if frames[-1].is_loop:
            return  # the loop block runs again on the thread's next turn, with no yield first


def _hat_field(hat: Block, name: str) -> str:
    f = hat.fields.get(name)
    return str(f.value).upper() if f is not None else ""


def _broadcast_ids_in_use(project: Project) -> set[str]:
    from emulator.project import BROADCAST, Primitive

    used: set[str] = set()
    for target in project.targets:
        for block in target.blocks.values():
            f = block.fields.get("BROADCAST_OPTION")
            if f is not None and f.ref_id is not None:
                used.add(f.ref_id)
            for inp in block.inputs.values():
                for slot in (inp.slot, inp.shadow):
                    if isinstance(slot, Primitive) and slot.kind == BROADCAST and slot.ref_id:
                        used.add(slot.ref_id)
    return used
