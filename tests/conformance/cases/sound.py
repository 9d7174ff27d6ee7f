"""Sound with no audio engine: nothing plays or is waited for; volume and effects wait a frame for their promise."""

from __future__ import annotations

from emulator.dsl import Program, join, stop, timer
from emulator.dsl_sprite import (
    change_sound_effect,
    change_volume,
    clear_sound_effects,
    create_clone,
    play_sound_until_done,
    set_sound_effect,
    set_volume,
    start_sound,
    stop_all_sounds,
    volume,
)
from emulator.project import Project
from tests.conformance.cases import CaseList
from tests.conformance.cases._dsl import num

CASES = CaseList()


def _playing() -> Project:
    prog = Program("play")
    out = prog.stage.list("out")
    s = prog.sprite("S")
    with s.when_flag_clicked():
        start_sound("pop")
        out.add(timer())
        play_sound_until_done("pop")
        play_sound_until_done(join("1", ""))
        out.add(timer())
        stop_all_sounds()
        clear_sound_effects()
        out.add(timer())
    return prog.build()


CASES.add(
    "play_headless", "play sound until done does not wait without an audio engine", timing=True
)(_playing)


def _volume() -> Project:
    prog = Program("volume")
    out = prog.stage.list("out")
    s = prog.sprite("S", volume=50)
    with s.when_flag_clicked():
        out.add(volume())
        set_volume("30")
        out.add(join("after set ", timer()))
        change_volume("-45.5")
        out.add(volume())
        change_volume("250")
        out.add(volume())
        set_volume(num("12.25"))
        out.add(volume())
        set_volume("abc")
        out.add(volume())
        create_clone()
    with s.when_i_start_as_clone():
        out.add(join("clone volume ", volume()))
    with prog.stage.when_flag_clicked():
        set_volume("70")
        out.add(join("stage ", volume()))
    return prog.build()


CASES.add(
    "volume",
    "volume clamps to 0..100, each set or change waits a frame; a clone starts at 100",
    timing=True,
)(_volume)


def _effects() -> Project:
    prog = Program("effects")
    out = prog.stage.list("out")
    s = prog.sprite("S")
    with s.when_flag_clicked():
        set_sound_effect("PITCH", "500")
        out.add(timer())
        change_sound_effect("PAN", "-150")
        out.add(timer())
        set_sound_effect("nonsense", "1")
        out.add(timer())
        clear_sound_effects()
        out.add(timer())
    return prog.build()


CASES.add(
    "effects_wait_a_frame",
    "set and change sound effect wait a frame; an unknown effect does not",
    timing=True,
)(_effects)


def _stop_in_between() -> Project:
    prog = Program("stop")
    out = prog.stage.list("out")
    s = prog.sprite("S")
    with s.when_flag_clicked():
        set_volume("10")
        out.add("never")
    with prog.stage.when_flag_clicked():
        out.add(volume())
        stop("all")
    return prog.build()


CASES.add("stop_all_during_volume_wait", "stop all ends a thread waiting on its volume promise")(
    _stop_in_between
)


POP = {
    "name": "pop",
    "assetId": "83a9787d4cb6f3b7632b4ddfebf74367",
    "dataFormat": "wav",
    "format": "",
    "rate": 48000,
    "sampleCount": 1032,
    "md5ext": "83a9787d4cb6f3b7632b4ddfebf74367.wav",
}
LONG = {**POP, "name": "long", "sampleCount": 480000}  # 10 seconds at 48 kHz


def _with_sounds() -> Project:
    prog = Program("sounds")
    out = prog.stage.list("out")
    s = prog.sprite("S", sounds=[POP, LONG])
    with s.when_flag_clicked():
        play_sound_until_done("long")
        out.add(timer())
        play_sound_until_done("2")
        play_sound_until_done(num("1"))
        start_sound("pop")
        out.add(timer())
    return prog.build()


CASES.add(
    "play_until_done_with_sounds",
    "a sprite with a 10-second sound: without an audio engine play until done still does not wait",
    timing=True,
)(_with_sounds)
