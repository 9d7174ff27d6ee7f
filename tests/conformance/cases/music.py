"""The Music extension headless: nothing plays; drums, notes and rests last their beats at the stage's tempo."""

from __future__ import annotations

from typing import Any

from tests.conformance.cases import CaseList
from tests.conformance.cases import _json as J

CASES = CaseList()


def _timer(st: J.Blocks) -> str:
    return st.list_add("out", J.reporter(st.op("sensing_timer")))


def _tempo(st: J.Blocks) -> str:
    return st.list_add("out", J.reporter(st.op("music_getTempo")))


def _with_tempo(doc: dict[str, Any], tempo: Any) -> dict[str, Any]:
    doc["targets"][0]["tempo"] = tempo
    doc["extensions"] = ["music"]
    return doc


@CASES.add("tempo", "the stage's tempo as loaded, then set and changed: clamped to 20..500")
def _tempo_case() -> dict:
    st = J.Blocks("st")
    st.flag(
        _tempo(st),
        st.add("music_setTempo", {"TEMPO": J.number("10")}),
        _tempo(st),
        st.add("music_changeTempo", {"TEMPO": J.number("1000")}),
        _tempo(st),
        st.add("music_setTempo", {"TEMPO": J.text("abc")}),
        _tempo(st),
        st.add("music_changeTempo", {"TEMPO": J.number("97.5")}),
        _tempo(st),
    )
    return _with_tempo(J.project(st, lists={"out": []}), 90)


@CASES.add(
    "beats_take_time",
    "rest, drum and note last their beats at 120 bpm; a note for 0 beats takes none, a drum a tick",
    timing=True,
)
def _beats() -> dict:
    st = J.Blocks("st")
    drum = st.menu("music_menu_DRUM", "DRUM", "1")
    st.flag(
        st.add("sensing_resettimer"),
        st.add("music_restForBeats", {"BEATS": J.number("1")}),
        _timer(st),
        st.add("music_playDrumForBeats", {"DRUM": drum, "BEATS": J.number("0.25")}),
        _timer(st),
        st.add(
            "music_playNoteForBeats",
            {"NOTE": st.menu("note", "NOTE", "60"), "BEATS": J.number("0")},
        ),
        _timer(st),
        st.add(
            "music_playDrumForBeats",
            {"DRUM": st.menu("music_menu_DRUM", "DRUM", "18"), "BEATS": J.number("-3")},
        ),
        _timer(st),
        st.add("music_midiPlayDrumForBeats", {"DRUM": J.number("36"), "BEATS": J.number("0.5")}),
        _timer(st),
        st.add("music_setTempo", {"TEMPO": J.number("500")}),
        st.add("music_restForBeats", {"BEATS": J.number("250")}),
        _timer(st),
    )
    return _with_tempo(J.project(st, lists={"out": []}), 120)


@CASES.add(
    "instruments",
    "set instrument (menu and Scratch 2's MIDI numbers) changes nothing a block can read",
    timing=True,
)
def _instruments() -> dict:
    st = J.Blocks("st")
    st.flag(
        st.add(
            "music_setInstrument",
            {"INSTRUMENT": st.menu("music_menu_INSTRUMENT", "INSTRUMENT", "5")},
        ),
        st.add("music_setInstrument", {"INSTRUMENT": J.number("-40")}),
        st.add("music_midiSetInstrument", {"INSTRUMENT": J.number("30")}),
        st.add("music_playNoteForBeats", {"NOTE": J.number("200"), "BEATS": J.number("0.5")}),
        _timer(st),
        _tempo(st),
    )
    return _with_tempo(J.project(st, lists={"out": []}), 60)


@CASES.add(
    "clones_share_the_tempo",
    "a clone's rest reads the stage's tempo as it is when the rest starts",
    timing=True,
)
def _clone_tempo() -> dict:
    b = J.Blocks("s")
    b.flag(
        b.add("music_setTempo", {"TEMPO": J.number("240")}),
        b.add(
            "control_create_clone_of",
            {"CLONE_OPTION": b.menu("control_create_clone_of_menu", "CLONE_OPTION", "_myself_")},
        ),
    )
    b.script(
        b.add("control_start_as_clone"),
        b.add("music_restForBeats", {"BEATS": J.number("2")}),
        b.list_add("out", J.reporter(b.op("sensing_timer"))),
    )
    return _with_tempo(J.project(None, J.Sprite("S", b), lists={"out": []}), 60)
