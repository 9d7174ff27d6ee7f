"""Traces encoded in a second process: the same file as one encoded here, interrupted or not; a lost process fails in one line."""

from __future__ import annotations

import io
import os
import pickle
import signal
import threading
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulator import second_process
from emulator.dsl import Program, repeat
from emulator.errors import EmulatorError
from emulator.programs.day3_mlp import build
from emulator.project import Project
from emulator.runtime.runtime import Runtime
from emulator.trace import recorder
from emulator.trace.cuts import packed, unpacked
from emulator.trace.format import TraceWriter
from emulator.trace.log_runs import LogPart
from emulator.trace.recorder import Recorder, record_run
from emulator.trace.replay import Trace
from emulator.trace.runs import Runs
from emulator.trace.value_columns import ValueColumns
from emulator.trace.writer_process import WriterInSecondProcess
from tests.helpers import calls_of, interrupting_log
from tests.test_trace import every_kind_program


@pytest.fixture
def moves(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The writers that moved to a second process (on any machine, one core or more)."""
    monkeypatch.setattr(recorder, "has_second_core", lambda: True)
    moved: list[Any] = []
    start = WriterInSecondProcess.start

    def counted(writer: Any) -> Any:
        moved.append(start(writer))
        return moved[-1]

    monkeypatch.setattr(WriterInSecondProcess, "start", counted)
    return moved


def counting_program() -> Project:
    """A custom block without screen refresh that counts to 300, called twice by one script with a
    set of the count between."""
    prog = Program("counting")
    total = prog.stage.var("total", 0)
    sprite = prog.sprite("S")
    count = sprite.procedure("count", warp=True)
    with count.define(), repeat(300):
        total.change(1)
    with sprite.when_flag_clicked():
        count()
        total.set("done")
        count()
    return prog.build()


def two_lists_program(first: list[Any] | None = None, passes: int = 30) -> Project:
    """A warp loop whose passes replace an item of one list (`first`, or 32 zeros), count, and
    replace an item of another: a chunk of two writes holds a run that wrote the first list and
    not the second."""
    prog = Program("two lists")
    one, other = prog.stage.list("first", first or [0] * 32), prog.stage.list("second", [0] * 32)
    count = prog.stage.var("count", 1)
    sprite = prog.sprite("S")
    procedure = sprite.procedure("passes", warp=True)
    with procedure.define(), repeat(passes):
        one.replace(count, count)
        count.change(1)
        other.replace(count, count)
    with sprite.when_flag_clicked():
        procedure()
    return prog.build()


def big_list_program() -> Project:
    """two_lists_program over a first list of 150,000 texts: each chunk's snapshot of it is some
    2 MB pickled, twice what the pipe holds."""
    return two_lists_program([f"item {k}" for k in range(150_000)], passes=200)


@pytest.mark.parametrize(
    ("name", "make", "chunk_events", "part_events", "engine"),
    [
        ("every kind", every_kind_program, 4, 3, "interpreter"),
        ("every kind", every_kind_program, 4, 3, "compiled"),
        ("counting", counting_program, 50, 3, "compiled"),
        ("two lists", two_lists_program, 2, 3, "compiled"),
        # Parts of some hundreds, which a chunk's end and the parts' slack cut anywhere: in parts
        # of 3, day3's 61,605 writes took a minute a case.
        ("day3", lambda: build(variant="buggy", epochs=1, train=2, test=1), 5000, 700, "compiled"),
    ],
)
@pytest.mark.parametrize("chunks_here", [0, 1])
@pytest.mark.parametrize("in_parts", [False, True])
def test_the_second_process_writes_the_same_file(
    moves: list[Any],
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    make: Any,
    chunk_events: int,
    part_events: int,
    engine: str,
    chunks_here: int,
    in_parts: bool,
) -> None:
    """Moved at its first chunk (as a recording of the default chunks is) or after one written
    here, the encoding writes the file byte for byte as it would here, the log taken whole at
    each chunk or in parts of `part_events` (those taken after the move are handed over
    pickled)."""
    if in_parts:
        monkeypatch.setattr(recorder, "PART_EVENTS", part_events)
    here, there = io.BytesIO(), io.BytesIO()
    record_run(make(), here, chunk_events=chunk_events, engine=engine, move_after=None)
    written_here = calls_of(monkeypatch, TraceWriter, "events_chunk", lambda *args: args[1].size)
    move_after = chunks_here * chunk_events + 1  # the chunk that reaches it moves
    record_run(make(), there, chunk_events=chunk_events, engine=engine, move_after=move_after)
    assert len(moves) == 1 and moves[0] is not None
    assert len(written_here) == chunks_here
    assert there.getvalue() == here.getvalue()
    trace = Trace.from_bytes(there.getvalue())
    assert trace.ending is not None and trace.ending.reason == "finished"


@pytest.mark.parametrize(("make", "chunk_events"), [(counting_program, 50), (two_lists_program, 2)])
def test_parts_one_thread_logged_at_known_places_cross_as_logged(
    moves: list[Any], monkeypatch: pytest.MonkeyPatch, make: Any, chunk_events: int
) -> None:
    """Once its places' sites are known, a part one thread logged goes to the second process as
    the log held it (LogPart), and the file is the one written here."""
    here, there = io.BytesIO(), io.BytesIO()
    record_run(make(), here, chunk_events=chunk_events, move_after=None)
    crossed = calls_of(monkeypatch, LogPart, "taken", lambda log, *tables: log.events)
    record_run(make(), there, chunk_events=chunk_events, move_after=1)
    assert moves[0] is not None and crossed and min(crossed) > 0
    assert there.getvalue() == here.getvalue()


def test_an_interrupted_recording_ends_its_file_the_same(
    moves: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C after the move: the chunks on their way and the end come back before it goes on."""

    monkeypatch.setattr(recorder, "WriteLog", interrupting_log(450))
    files = []
    for move_after in (None, 2):
        sink = io.BytesIO()
        with pytest.raises(KeyboardInterrupt):
            record_run(counting_program(), sink, chunk_events=40, move_after=move_after)
        files.append(sink.getvalue())
    assert len(moves) == 1 and moves[0] is not None
    assert files[0] == files[1]
    trace = Trace.from_bytes(files[1])
    assert trace.ending is not None and trace.ending.reason == "interrupted"
    assert trace.event_count == 449


def test_a_lost_second_process_fails_in_one_line_and_leaves_whole_chunks(
    moves: list[Any],
) -> None:
    """The second process ending mid-recording: the next chunk fails with one line, and the file
    holds only the whole chunks it sent back, read as a trace cut short."""
    runtime = Runtime(counting_program(), engine="interpreter")
    sink = io.BytesIO()
    rec = Recorder(runtime, sink, chunk_events=20, move_after=21)
    runtime.attach(rec)
    runtime.green_flag()
    with pytest.raises(recorder.StepLimitReached):
        runtime.run(max_blocks=200)
    assert isinstance(rec.writer, WriterInSecondProcess)
    rec.writer._process.kill()
    rec.writer._process.wait()
    with pytest.raises(EmulatorError, match=r"^the trace's second process ended"):
        rec.close()
    trace = Trace.from_bytes(sink.getvalue())
    assert trace.ending is None and trace.event_count >= 20


@given(
    st.lists(st.integers(0, 2**62), max_size=40).map(sorted)
    | st.lists(st.integers(-(2**62), 2**62), max_size=40),
    st.lists(st.integers(1, 2**40), max_size=10)
    | st.lists(st.integers(-(2**40), 2**40), max_size=10),
    st.data(),
)
def test_a_part_packed_for_the_second_process_unpacks_to_the_same_numbers(
    steps: list[int], items: list[int], data: st.DataObject
) -> None:
    """The sites (-1 among them; 16 bits as a rule, or more) and steps (rising as a rule, by any
    amount; or not) of a part's writes, and its items (list indices from 1, as a rule; or not),
    come back from their narrowed form as the same int64 arrays, with its values."""
    sites = data.draw(st.lists(st.integers(-1, 2**40), min_size=len(steps), max_size=len(steps)))
    values = [float(k) for k in range(len(steps))]
    part = Runs.alone(np.array(sites, dtype=np.int64), np.array(steps, dtype=np.int64))
    columns = ValueColumns.of(values)
    runs, got_items, got_values = unpacked(packed(part, np.array(items, dtype=np.int64), columns))
    got_sites, got_steps = runs.expanded()
    assert got_sites.dtype == got_steps.dtype == got_items.dtype == np.int64
    assert got_sites.tolist() == sites
    assert got_steps.tolist() == steps
    assert got_items.tolist() == items
    assert got_values.listed() == values


@given(st.lists(st.tuples(st.integers(0, 9), st.integers(1, 4), st.integers(0, 50)), max_size=20))
def test_runs_packed_for_the_second_process_give_each_write_its_site_and_step(
    runs: list[tuple[int, int, int]],
) -> None:
    """Runs of passes (of any length, starting at any place of a pass) packed and unpacked give
    each write the site and step it had before."""
    places = np.arange(100, 120, dtype=np.int64)
    columns = [
        [count for count, _, _ in runs],
        [start for _, start, _ in runs],
        [size for _, size, _ in runs],
        [stride for _, _, stride in runs],
    ]
    counts, starts, sizes, strides = (np.array(c, dtype=np.int64) for c in columns)
    part = Runs(
        np.arange(len(runs), dtype=np.int64) % 8,
        counts,
        starts,
        sizes,
        strides,
        np.cumsum(counts * 100).astype(np.int64),
        places,
        places % 3,
    )
    before = part.expanded()
    after = unpacked(packed(part, np.zeros(0, dtype=np.int64), ValueColumns.of([])))[0].expanded()
    assert before[0].tolist() == after[0].tolist() and before[1].tolist() == after[1].tolist()


@pytest.mark.parametrize("own", [None, "glibc.malloc.arena_max=1"])
def test_a_second_process_keeps_what_it_frees_unless_told_otherwise(
    monkeypatch: pytest.MonkeyPatch, own: str | None
) -> None:
    """The second process starts with its allocator set to keep freed memory; a setting of the
    user's own stands."""
    started: dict[str, str] = {}

    def popen(args: list[str], **options: Any) -> None:
        started.update(options["env"])
        raise OSError("not started here")

    monkeypatch.setattr(second_process.subprocess, "Popen", popen)
    if own is None:
        monkeypatch.delenv("GLIBC_TUNABLES", raising=False)
    else:
        monkeypatch.setenv("GLIBC_TUNABLES", own)
    assert second_process.start("emulator.trace.writer_process") is None
    assert started["GLIBC_TUNABLES"] == (own or second_process.ALLOCATOR["GLIBC_TUNABLES"])


def test_the_recording_goes_on_while_the_second_process_is_held_up(
    moves: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second process stopped from its start: every chunk is handed over (messages larger
    than the pipe holds wait in this process) without waiting for it; once it goes on, at the
    end, the file is the one written here."""
    here, there = io.BytesIO(), io.BytesIO()
    record_run(big_list_program(), here, chunk_events=40, move_after=None)
    start = WriterInSecondProcess.start
    held: list[WriterInSecondProcess] = []

    def stopped(sink: Any) -> WriterInSecondProcess | None:
        started = start(sink)
        assert started is not None
        os.kill(started._process.pid, signal.SIGSTOP)
        held.append(started)
        return started

    waiting_at_end: list[int] = []
    end = WriterInSecondProcess.end

    def go_on(self: WriterInSecondProcess, ending: Any) -> None:
        waiting_at_end.append(sum(len(message) for message in self._waiting))
        os.kill(self._process.pid, signal.SIGCONT)
        end(self, ending)

    monkeypatch.setattr(WriterInSecondProcess, "start", stopped)
    monkeypatch.setattr(WriterInSecondProcess, "end", go_on)
    # Should a message wait for the process, it goes on after a while and the test fails.
    safety = threading.Timer(20, lambda: [os.kill(w._process.pid, signal.SIGCONT) for w in held])
    safety.start()
    try:
        record_run(big_list_program(), there, chunk_events=40, move_after=1)
    finally:
        safety.cancel()
        for w in held:
            os.kill(w._process.pid, signal.SIGCONT)
    assert waiting_at_end and waiting_at_end[0] > 4 * second_process.PIPE_BYTES
    assert there.getvalue() == here.getvalue()


def test_ctrl_c_as_a_message_goes_down_the_pipe_loses_none_of_it(
    moves: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C that comes while part of a message is written to the pipe is raised once its bytes
    are counted: the recording ends as interrupted, every chunk handed over in the file."""
    wrote = os.write
    writes: list[int] = []  # to the second process's pipe

    def write(fd: int, data: Any) -> int:
        done = wrote(fd, data)
        if moves and moves[0] is not None and fd == moves[0]._in:
            writes.append(done)
            if len(writes) == 3:  # the first two: the move, the first chunk
                signal.raise_signal(signal.SIGINT)
        return done

    monkeypatch.setattr(os, "write", write)
    sink = io.BytesIO()
    with pytest.raises(KeyboardInterrupt):
        record_run(big_list_program(), sink, chunk_events=40, move_after=1)
    assert len(writes) > 3
    trace = Trace.from_bytes(sink.getvalue())
    assert trace.ending is not None and trace.ending.reason == "interrupted"
    assert trace.event_count >= 40


def test_ctrl_c_another_thread_takes_as_a_message_is_made_loses_none_of_it(
    moves: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C sent to the process while a chunk's message is pickled, and taken by another of its
    threads (as numpy's may, where the main thread holds the signal back by a mask): it is raised
    once the message waits with its events counted, and the file reads back as the first events
    of the whole recording, that chunk's among them."""
    whole = io.BytesIO()
    record_run(big_list_program(), whole, chunk_events=40, move_after=None)
    dump = pickle.dump
    cuts: list[int] = []

    def interrupted(message: Any, *args: Any, **kwargs: Any) -> None:
        if isinstance(message, tuple) and message[:1] == ("cut",):
            cuts.append(message[1].events)
            if len(cuts) == 3:
                sender = threading.Thread(target=os.kill, args=(os.getpid(), signal.SIGINT))
                sender.start()
                sender.join()
        dump(message, *args, **kwargs)

    monkeypatch.setattr(pickle, "dump", interrupted)
    sink = io.BytesIO()
    with pytest.raises(KeyboardInterrupt):
        record_run(big_list_program(), sink, chunk_events=40, move_after=1)
    trace, full = Trace.from_bytes(sink.getvalue()), Trace.from_bytes(whole.getvalue())
    assert trace.ending is not None and trace.ending.reason == "interrupted"
    assert len(cuts) == 3 and trace.event_count >= sum(cuts)
    rows = [(e.step, e.cell, e.item, e.value) for e in trace.events()]
    assert rows == [(e.step, e.cell, e.item, e.value) for e in full.events()][: len(rows)]
