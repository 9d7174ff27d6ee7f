"""WriteView: the write that made the replayed state, its block as scratchblocks text, and its DSL source line."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.widgets import Static

from emulator.project import Project
from emulator.render_blocks import render_block
from emulator.trace.events import ADD, CLEAR, DELETE, INSERT, Event
from emulator.trace.render import source_text
from emulator.tui.replay.state import Overwritten
from emulator.value_text import safe_text, show_value


class WriteView(Static):
    """What the block wrote, what it overwrote, and where the block is in the program."""

    def show(
        self,
        event: Event | None,
        overwritten: Overwritten | None,
        project: Project | None,
        procedure: str | None,
    ) -> None:
        """Describe the current write (None: the start, before any write)."""
        self.update(describe(event, overwritten, project, procedure))


def describe(
    event: Event | None,
    overwritten: Overwritten | None,
    project: Project | None,
    procedure: str | None,
) -> Group | Text:
    """The pane's content for one write."""
    if event is None:
        return Text("the start: no write yet (→ shows the first)", style="dim")
    b = event.block
    head = Text("▶ ", style="bold yellow").append(_block_text(event, project), style="bold")
    where = f"{b.opcode} · block {b.id} · {b.target}" + (f" · in {procedure}" if procedure else "")
    # What was written comes first: a long block wraps, and the pane scrolls rather than cutting the write off.
    parts = [
        Text(f"write #{event.index:,} at step {event.step:,}", style="bold underline"),
        what_text(event, overwritten),
        head,
        Text(safe_text(where, 200), style="dim"),
        Text(source_text(b), style="cyan"),
    ]
    return Group(*parts)


def _block_text(event: Event, project: Project | None) -> str:
    """The block as its author sees it when the program is at hand, else its opcode."""
    if project is not None:
        try:
            return render_block(project.target(event.block.target).blocks, event.block.id)
        except KeyError:
            pass
    return f"{event.block.opcode}  (the program is not at hand: opcode and DSL line only)"


def what_text(event: Event, overwritten: Overwritten | None) -> Text:
    """'weights[17] = 0.25 (was 0.5)'; a write that stored the value already there says so."""
    name = safe_text(event.cell.name, 40)
    old = overwritten.value if overwritten is not None else None
    length = overwritten.length if overwritten is not None else 0
    if event.kind == CLEAR:
        return Text(f"delete all of {name} (it had {length:,} items)")
    if event.kind == DELETE:
        return Text(
            f"delete {name}[{event.item}] (it was {show_value(old)}; later items move down)"
        )
    target = f"{name}[{event.item}]" if event.cell.is_list else name
    text = Text(f"{target} = {show_value(event.value)}")
    if event.kind in (ADD, INSERT):
        text.append(f"  (a new item: the list had {length:,})", style="dim")
    elif _same(old, event.value):
        text.append(f"  (unchanged: it was already {show_value(old)})", style="bold magenta")
    else:
        text.append(f"  (was {show_value(old)})", style="yellow")
    return text


def _same(a: object, b: object) -> bool:
    return type(a) is type(b) and a == b
