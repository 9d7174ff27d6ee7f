"""Save a whole runtime (data, looks, clones, pen, threads and frames, the sequencer's place, clock) and put it back.

A thread inside compiled code cannot be saved (InCompiledCode): its place is a Python generator's.

The restore is in place: the same cells, threads and frames get their saved contents back, so the
linked closures, which hold those very objects, stay valid, and a run resumed from a restore is
the run that followed the save, bit for bit.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from emulator.errors import EmulatorError
from emulator.runtime.thread import DONE, Frame, Thread

if TYPE_CHECKING:
    from emulator.runtime.block_cache import CacheState
    from emulator.runtime.origins import WriteOrigin
    from emulator.runtime.pen import Mark, PenState
    from emulator.runtime.runtime import Runtime
    from emulator.runtime.sequencer import Cursor
    from emulator.runtime.state import ListCell, RuntimeTarget, VarCell


class InCompiledCode(EmulatorError):
    """A thread is inside compiled code: a Python generator, which cannot be copied."""


FrameState = tuple[Frame, Any, bool, bool, Any, Any]
ThreadState = tuple[list[FrameState], int, int, bool, bool]


# What a sprite or clone looks like and sounds like (the stage's tempo too), kept as plain
# attributes of RuntimeTarget.
LOOKS = (
    "x",
    "y",
    "direction",
    "size",
    "volume",
    "costume",
    "rotation_style",
    "visible",
    "draggable",
    "tempo",
    "instrument",
)


@dataclass(frozen=True)
class TargetState:
    """One target's cells as they were, their contents, its looks, its pen and its clones."""

    variables: dict[str, VarCell]
    values: dict[str, Any]
    origins: dict[str, WriteOrigin | None]
    lists: dict[str, ListCell]
    items: dict[str, list[Any]]
    looks: tuple[Any, ...]
    effects: dict[str, float]
    sound_effects: dict[str, float]
    pen: PenState | None
    clones: list[RuntimeTarget]
    clones_made: int
    edge_values: dict[str, bool]


@dataclass(frozen=True)
class Scene:
    """The targets alive, back to front, what each one's scripts are linked to, and the pen layer."""

    executable: list[RuntimeTarget]
    clone_count: int
    linked: dict[RuntimeTarget, Any]
    edge_inputs: dict[Any, Any]
    pen_layer: list[Mark]
    block_caches: dict[int, CacheState]


@dataclass(frozen=True)
class SavedRuntime:
    """Everything a run's future depends on, copied at one moment."""

    targets: tuple[tuple[RuntimeTarget, TargetState], ...]
    scene: Scene
    threads: list[Thread]
    thread_states: dict[int, tuple[Thread, ThreadState]]
    clock: tuple[Any, ...]
    says: tuple[deque[Any], int, dict[RuntimeTarget, int]]
    questions: tuple[deque[str], Any, deque[Any], list[bool]]
    waking: dict[int, Any]
    devices: tuple[Any, ...]
    cursor: Cursor
    tick_is_runtime_list: bool
    started: bool
    paused_at: Any


def save_runtime(rt: Runtime) -> SavedRuntime:
    """A copy of the runtime's state that restore_runtime puts back."""
    seq = rt.sequencer
    q = rt.questions
    return SavedRuntime(
        targets=tuple((t, _save_target(t)) for t in rt.executable),
        scene=Scene(
            list(rt.executable),
            rt.clone_count,
            dict(rt._linked),
            dict(rt._edge_inputs),
            list(rt.pen_layer),
            {key: cache.saved() for key, cache in rt.block_caches.items()},
        ),
        threads=list(rt.threads),
        thread_states={id(t): (t, _save_thread(t)) for t in _threads_of(rt)},
        clock=(
            rt.rng.getstate(),
            rt.blocks,
            rt.frame_count,
            rt.now_ms,
            rt.timer_start_ms,
            rt.redraw_requested,
            rt.active_thread,
            rt._finish_reported,
        ),
        says=(deque(rt.says, maxlen=rt.says.maxlen), rt.say_count, dict(rt.bubbles)),
        questions=(deque(q.answers), q.answer, deque(q.queue), [x.answered for x in q.queue]),
        waking=dict(rt._waking),
        devices=_save_devices(rt),
        cursor=seq.cursor.copy(),
        tick_is_runtime_list=seq.cursor.tick_threads is rt.threads,
        started=seq.started,
        paused_at=seq.paused_at,
    )


def restore_runtime(rt: Runtime, saved: SavedRuntime) -> None:
    """Put the runtime back as it was when `saved` was taken; the next run goes on from there."""
    for target, state in saved.targets:
        _restore_target(target, state)
    scene = saved.scene
    # In place: closures hold these very lists.
    rt.executable[:] = scene.executable
    rt.pen_layer[:] = scene.pen_layer
    rt.clone_count = scene.clone_count
    rt._linked = dict(scene.linked)
    rt._edge_inputs = dict(scene.edge_inputs)
    for key, cache in rt.block_caches.items():
        cache.restore(scene.block_caches.get(key))
    for thread, thread_state in saved.thread_states.values():
        _restore_thread(thread, thread_state)
    rt.threads = list(saved.threads)
    (rng, rt.blocks, rt.frame_count, rt.now_ms, rt.timer_start_ms, rt.redraw_requested) = (
        saved.clock[:6]
    )
    rt.rng.setstate(rng)
    rt.active_thread, rt._finish_reported = saved.clock[6:]
    says, rt.say_count, bubbles = saved.says
    rt.says = deque(says, maxlen=says.maxlen)
    rt.bubbles = dict(bubbles)
    _restore_questions(rt, saved)
    rt._waking = dict(saved.waking)
    _restore_devices(rt, saved.devices)
    cursor = saved.cursor.copy()
    if saved.tick_is_runtime_list:
        cursor.tick_threads = rt.threads
    rt.sequencer.cursor = cursor
    rt.sequencer.resume_at(saved.started, saved.paused_at)


def _save_target(t: RuntimeTarget) -> TargetState:
    return TargetState(
        variables=dict(t.variables),
        values={k: c.value for k, c in t.variables.items()},
        origins={k: c.origin for k, c in t.variables.items()},
        lists=dict(t.lists),
        items={k: list(c.items) for k, c in t.lists.items()},
        looks=tuple(getattr(t, name) for name in LOOKS),
        effects=dict(t.effects),
        sound_effects=dict(t.sound_effects),
        pen=t.pen.copy() if t.pen is not None else None,
        clones=list(t.clones),
        clones_made=t.clones_made,
        edge_values=dict(t.edge_values),
    )


def _restore_target(t: RuntimeTarget, s: TargetState) -> None:
    # Cells made since the save (a block naming a missing variable) go; the saved ones get their values.
    t.variables.clear()
    t.variables.update(s.variables)
    for key, cell in s.variables.items():
        cell.value = s.values[key]
        cell.origin = s.origins[key]
    t.lists.clear()
    t.lists.update(s.lists)
    for key, lst in s.lists.items():
        lst.items[:] = s.items[key]
    for name, value in zip(LOOKS, s.looks, strict=True):
        setattr(t, name, value)
    t.effects, t.sound_effects = dict(s.effects), dict(s.sound_effects)
    t.pen = s.pen.copy() if s.pen is not None else None
    t.clones[:] = s.clones
    t.clones_made = s.clones_made
    t.edge_values = dict(s.edge_values)


def _save_devices(rt: Runtime) -> tuple[Any, ...]:
    """The input still to come, and what the keyboard and mouse hold."""
    mouse = rt.devices.mouse
    return (
        list(rt.pending_inputs),
        list(rt.devices.keyboard.pressed),
        (mouse.x, mouse.y, mouse.client_x, mouse.client_y, mouse.down),
    )


def _restore_devices(rt: Runtime, saved: tuple[Any, ...]) -> None:
    pending, pressed, mouse = saved
    rt.pending_inputs = list(pending)
    rt.devices.keyboard.pressed = list(pressed)
    m = rt.devices.mouse
    m.x, m.y, m.client_x, m.client_y, m.down = mouse


def _threads_of(rt: Runtime) -> list[Thread]:
    """Every thread the runtime can reach: its list, the tick's, the paused one, broadcast waits."""
    found: dict[int, Thread] = {}
    todo = list(rt.threads) + list(rt.sequencer.cursor.tick_threads)
    todo += [q.thread for q in rt.questions.queue]
    for extra in (rt.active_thread, rt.sequencer.paused_at and rt.sequencer.paused_at[0]):
        if isinstance(extra, Thread):
            todo.append(extra)
    while todo:
        thread = todo.pop()
        if id(thread) in found:
            continue
        found[id(thread)] = thread
        for frame in thread.frames:
            if isinstance(frame.state, list):
                todo.extend(x for x in frame.state if isinstance(x, Thread))
    return list(found.values())


def _save_thread(t: Thread) -> ThreadState:
    if t.compiled and t.frames and t.status != DONE:
        raise InCompiledCode("a thread running compiled code cannot be saved")
    frames = [(f, f.node, f.warp, f.is_loop, _copy(f.params), _copy(f.state)) for f in t.frames]
    return frames, t.status, t.warp_start, t.idle, t.killed


def _restore_thread(t: Thread, s: ThreadState) -> None:
    frames, t.status, t.warp_start, t.idle, t.killed = s
    t.compiled = None  # it was in none when saved (or had ended)
    # The same list and the same Frame objects: a paused turn holds both.
    t.frames[:] = [f for f, *_ in frames]
    for f, node, warp, is_loop, params, state in frames:
        f.node, f.warp, f.is_loop = node, warp, is_loop
        f.params, f.state = _copy(params), _copy(state)


def _restore_questions(rt: Runtime, saved: SavedRuntime) -> None:
    answers, answer, queue, answered = saved.questions
    q = rt.questions
    q.answers, q.answer, q.queue = deque(answers), answer, deque(queue)
    for question, flag in zip(queue, answered, strict=True):
        question.answered = flag


def _copy(value: Any) -> Any:
    """Frame params (a dict) and states (a count, a tuple, or a list of started threads) by value."""
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, list):
        return list(value)
    return value
