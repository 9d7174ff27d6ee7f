"""The diagnosis of a replayed trace: explain re-runs the program the trace names, with the trace's options.

A trace holds the writes, not the reads or the reference, so explain's conclusions need the run
again; the program is rebuilt only when that is cheap and certain (see state.program_project).
"""

from __future__ import annotations

from emulator.debug.explain import explain
from emulator.debug.report import Diagnosis
from emulator.debug.session import DebugSession
from emulator.program import ProgramSpec
from emulator.project import Project
from emulator.trace.replay import Trace


def trace_diagnosis(
    trace: Trace, project: Project, program: ProgramSpec | None
) -> tuple[Diagnosis, ...]:
    """explain's diagnosis of the run the trace recorded (same params, seed, answers and step limit)."""
    header = trace.header
    options = header.options
    session = DebugSession(
        project,
        dict(header.params),
        program=program,
        seed=header.seed,
        turbo=bool(options.get("turbo", False)),
        answers=tuple(options.get("answers", ())),
        max_steps=options.get("max_steps"),
    )
    return explain(session).diagnosis
