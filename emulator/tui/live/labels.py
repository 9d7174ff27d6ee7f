"""Short texts the live inspector shows about its session: the run's state and what it debugs."""

from __future__ import annotations

from emulator.debug.session import DebugSession, Paused
from emulator.value_text import safe_text


def state_text(paused: Paused) -> str:
    """'finished', or 'paused (why)'."""
    if paused.finished:
        return "finished"
    return f"paused ({paused.reason})"


def describe_target(session: DebugSession) -> str:
    """The project's name and the program's options."""
    params = " ".join(
        f"{k}={v}" for k, v in session.params.items() if not isinstance(v, (list, tuple))
    )
    return safe_text(f"{session.project.name}" + (f" ({params})" if params else ""), 200)
