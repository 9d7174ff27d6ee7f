"""sound_* blocks as the VM runs them headless: no audio engine, so no sound plays or is waited for.

Volume and the pitch and pan effects are kept and clamped; their blocks return a promise, so the
thread waits for the next frame, as it does in the VM.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.project import Block
from emulator.runtime.nodes import Reporter, Run
from emulator.runtime.sprites import clear_sound_effects
from emulator.runtime.thread import END_TURN, NEXT, Frame, Thread
from emulator.values import js_clamp, js_lower, to_number, to_string

if TYPE_CHECKING:
    from emulator.runtime.linker import Linker

EFFECT_RANGES = {
    "pitch": (-360.0, 360.0),
    "pan": (-100.0, 100.0),
}  # Scratch3SoundBlocks.EFFECT_RANGE


def _no_sound(linker: Linker, block: Block) -> Run:
    sound = linker.input(block, "SOUND_MENU")

    def run(t: Thread, f: Frame) -> int:
        sound(t)  # the menu (or a reporter in it) is still evaluated
        return NEXT

    return run


def sound_play(linker: Linker, block: Block) -> Run:
    return _no_sound(linker, block)


def sound_playuntildone(linker: Linker, block: Block) -> Run:
    # Without an audio engine the sprite has no sound bank: nothing plays, so nothing is awaited.
    return _no_sound(linker, block)


def sound_stopallsounds(linker: Linker, block: Block) -> Run:
    return lambda t, f: NEXT


def _next_frame(linker: Linker, t: Thread) -> int:
    """Wait for a resolved promise: the thread goes on at the start of the next frame."""
    linker.rt.wait_outside(t, lambda: True)
    return END_TURN


def _effect(linker: Linker, block: Block, change: bool) -> Run:
    value, target = linker.input(block, "VALUE"), linker.target
    effect = js_lower(to_string(linker.field(block, "EFFECT")))

    def run(t: Thread, f: Frame) -> int:
        amount = to_number(value(t))
        if effect not in EFFECT_RANGES:
            return NEXT  # an unknown effect returns before the promise
        base = target.sound_effects[effect] if change else 0.0
        target.sound_effects[effect] = js_clamp(base + amount, *EFFECT_RANGES[effect])
        return _next_frame(linker, t)

    return run


def sound_seteffectto(linker: Linker, block: Block) -> Run:
    return _effect(linker, block, change=False)


def sound_changeeffectby(linker: Linker, block: Block) -> Run:
    return _effect(linker, block, change=True)


def sound_cleareffects(linker: Linker, block: Block) -> Run:
    target = linker.target

    def run(t: Thread, f: Frame) -> int:
        clear_sound_effects(target)
        return NEXT

    return run


def _volume(linker: Linker, block: Block, change: bool) -> Run:
    volume, target = linker.input(block, "VOLUME"), linker.target

    def run(t: Thread, f: Frame) -> int:
        amount = to_number(volume(t)) + (target.volume if change else 0.0)
        target.volume = js_clamp(amount, 0.0, 100.0)
        return _next_frame(linker, t)

    return run


def sound_setvolumeto(linker: Linker, block: Block) -> Run:
    return _volume(linker, block, change=False)


def sound_changevolumeby(linker: Linker, block: Block) -> Run:
    return _volume(linker, block, change=True)


def sound_volume(linker: Linker, block: Block) -> Reporter:
    target = linker.target
    return lambda t: target.volume
