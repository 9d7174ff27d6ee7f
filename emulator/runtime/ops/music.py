"""music_* blocks as the VM runs them headless: no audio engine, so nothing plays; beats still take time.

A drum, a note or a rest lasts `beats` (clamped to 0..100) at the stage's tempo (clamped to
20..500 beats a minute): the block starts a timer on the frame clock and yields until it has run
out, without asking for a redraw (scratch3_music's stack timer). The instrument is kept, though no
block reads it back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.project import Block
from emulator.runtime.nodes import Reporter, Run
from emulator.runtime.ops.control import until_timer_ends
from emulator.runtime.thread import NEXT, YIELD, Frame, Thread
from emulator.values import divide, js_clamp, js_round, to_number, wrap_clamp

if TYPE_CHECKING:
    from emulator.runtime.linker import Linker

BEATS = (0.0, 100.0)  # Scratch3MusicBlocks.BEAT_RANGE
TEMPO = (20.0, 500.0)  # Scratch3MusicBlocks.TEMPO_RANGE
INSTRUMENTS = 21  # the instruments of the menu (INSTRUMENT_INFO)


def _for_beats(
    linker: Linker, block: Block, inputs: tuple[Reporter, ...], silent_at_zero: bool
) -> Run:
    """A block that lasts BEATS beats; `inputs` are its other inputs, evaluated every time it runs."""
    beats, rt = linker.input(block, "BEATS"), linker.rt
    idle = not linker.draws_random(block)

    def run(t: Thread, f: Frame) -> int:
        for evaluate in inputs:
            evaluate(t)
        length = js_clamp(to_number(beats(t)), *BEATS)
        if f.state is None:
            if silent_at_zero and length == 0:
                return NEXT  # "play note for 0 beats" is silent and takes no time
            f.state = (rt.now_ms, divide(60.0, rt.stage.tempo) * length * 1000)
            return YIELD
        return until_timer_ends(rt.now_ms, t, f, idle)

    return run


def music_playDrumForBeats(linker: Linker, block: Block) -> Run:
    return _for_beats(linker, block, (linker.input(block, "DRUM"),), silent_at_zero=False)


# Scratch 2's drum block: its DRUM is a MIDI number, which headless changes nothing.
music_midiPlayDrumForBeats = music_playDrumForBeats


def music_restForBeats(linker: Linker, block: Block) -> Run:
    return _for_beats(linker, block, (), silent_at_zero=False)


def music_playNoteForBeats(linker: Linker, block: Block) -> Run:
    return _for_beats(linker, block, (linker.input(block, "NOTE"),), silent_at_zero=True)


def music_setInstrument(linker: Linker, block: Block) -> Run:
    instrument, target = linker.input(block, "INSTRUMENT"), linker.target

    def run(t: Thread, f: Frame) -> int:
        number = js_round(to_number(instrument(t))) - 1  # the menu counts from 1
        target.instrument = wrap_clamp(number, 0.0, INSTRUMENTS - 1.0)
        return NEXT

    return run


def music_midiSetInstrument(linker: Linker, block: Block) -> Run:
    # Scratch 2's MIDI numbers map to an instrument through a table of the VM's; no block reads
    # the instrument back, so only the input's evaluation is kept.
    instrument = linker.input(block, "INSTRUMENT")

    def run(t: Thread, f: Frame) -> int:
        instrument(t)
        return NEXT

    return run


def music_setTempo(linker: Linker, block: Block) -> Run:
    tempo, rt = linker.input(block, "TEMPO"), linker.rt

    def run(t: Thread, f: Frame) -> int:
        rt.stage.tempo = js_clamp(to_number(tempo(t)), *TEMPO)
        return NEXT

    return run


def music_changeTempo(linker: Linker, block: Block) -> Run:
    change, rt = linker.input(block, "TEMPO"), linker.rt

    def run(t: Thread, f: Frame) -> int:
        rt.stage.tempo = js_clamp(to_number(change(t)) + rt.stage.tempo, *TEMPO)
        return NEXT

    return run


def music_getTempo(linker: Linker, block: Block) -> Reporter:
    rt = linker.rt
    return lambda t: rt.stage.tempo
