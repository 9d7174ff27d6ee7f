"""Messages between the engine's worker thread, the panels and the app."""

from __future__ import annotations

from textual.message import Message

from emulator.debug.session import Paused


class RunStopped(Message):
    """The engine stopped (a step ended, a breakpoint or watchpoint hit, a pause, the end)."""

    def __init__(self, paused: Paused, command: str) -> None:
        super().__init__()
        self.paused = paused
        self.command = command


class RunFailed(Message):
    """The engine raised: the program's fault or ours; the run cannot go on."""

    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class JumpToBlock(Message):
    """Show a block in the script pane (from an event, a search, the palette)."""

    def __init__(self, target: str, block_id: str) -> None:
        super().__init__()
        self.target = target
        self.block_id = block_id


class BreakpointToggled(Message):
    """The script pane asked for a breakpoint on a block to be set or cleared."""

    def __init__(self, block_id: str) -> None:
        super().__init__()
        self.block_id = block_id
