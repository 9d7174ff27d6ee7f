"""The inspector's entries in Textual's command palette (ctrl+p): lists, slices, modes, the mark, clearing."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

from textual.app import SystemCommand

from emulator.tui.shared.pane_commands import pane_commands

if TYPE_CHECKING:
    from emulator.tui.live.app import DebuggerApp


def palette_commands(app: DebuggerApp) -> Iterable[SystemCommand]:
    """Every command, named so that typing part of a list's or slice's name finds it."""
    yield from pane_commands(app.painter)
    yield SystemCommand(
        "Follow the paused block's list",
        "the list table jumps to the item the block touches",
        partial(_follow, app),
    )
    yield SystemCommand(
        "Set the mark here", "changes and coverage count from this block", partial(_mark_here, app)
    )
    yield SystemCommand(
        "Break on out-of-range list access", "toggle (x)", app.action_break_out_of_range
    )
    yield SystemCommand(
        "Break on a fractional or non-numeric list index",
        "toggle (i)",
        app.action_break_fractional_index,
    )
    yield SystemCommand(
        "Clear breakpoints", "remove every breakpoint", partial(_clear_breakpoints, app)
    )
    yield SystemCommand("Clear watches", "remove every watchpoint", partial(_clear_watches, app))


def _follow(app: DebuggerApp) -> None:
    app.painter.follow_access = True
    app.refresh_panes(new_pause=False)


def _mark_here(app: DebuggerApp) -> None:
    app.session.set_mark()
    app.refresh_panes(new_pause=False)


def _clear_breakpoints(app: DebuggerApp) -> None:
    app.session.clear_breakpoints()
    app.refresh_panes(new_pause=False)


def _clear_watches(app: DebuggerApp) -> None:
    app.session.clear_watches()
    app.refresh_panes(new_pause=False)
