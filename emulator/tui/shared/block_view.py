"""BlockView: the paused block's text, its input values, and the list item it reads or writes."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from emulator.debug.list_access import ListAccess
from emulator.debug.session import DebugSession
from emulator.render_blocks import render_block
from emulator.tui.shared.plain import plain
from emulator.value_text import show_value
from emulator.values import Value


class BlockView(Static):
    """What the block about to run will compute, evaluated without running it."""

    def show(self, session: DebugSession) -> None:
        """Describe the block the session is paused at."""
        self.update(describe(session))


def describe(session: DebugSession) -> Group | Text:
    """The block pane's content for the session's pause."""
    paused = session.paused
    if paused is None or paused.stmt is None:
        return Text("the run has finished" if paused is not None else "not started", style="dim")
    block = paused.stmt.block
    blocks = paused.stmt.target.source.blocks
    head = Text("▶ ", style="bold yellow").append(render_block(blocks, block.id), style="bold")
    where = plain(
        f"{block.opcode} · block {block.id}" + (f" · {block.source}" if block.source else ""),
        0,
        style="dim",
    )
    parts: list[Text | Table] = [head, where]
    inputs = session.inputs()
    if inputs:
        parts += [Text("inputs", style="bold underline"), _table(inputs)]
    access = session.list_access()
    if access is not None:
        parts += [Text("list item", style="bold underline"), access_text(access)]
    args = session.procedure_arguments()
    if args:
        parts += [
            Text("arguments of this call", style="bold underline"),
            _table(list(args.items())),
        ]
    return Group(*parts)


def _table(rows: Sequence[tuple[str, Value]]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="cyan", no_wrap=True)
    table.add_column(overflow="fold")
    for name, value in rows:
        table.add_row(plain(name), Text(show_value(value)))
    return table


def access_text(access: ListAccess) -> Text:
    """`weights[3945] read → 0.5 (of 4194)`; out of range in red, with what Scratch does instead."""
    index = show_value(access.index)
    if access.in_range:
        return Text(
            f"{access.list_name}[{index}] {access.kind} → {show_value(access.value)}  "
            f"(item {access.resolved} of {access.length})",
            style="green",
        )
    effect = 'reads "" (0)' if access.kind == "read" else "Scratch drops the write"
    return Text(
        f"{access.list_name}[{index}] {access.kind} OUT OF RANGE: the list has {access.length} items; "
        f"{effect}",
        style="bold red",
    )
