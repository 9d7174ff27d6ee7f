"""FindingsView: explain's diagnosis, one item per conclusion, most direct first; Enter goes to the item's place."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from emulator.debug.report import Diagnosis
from emulator.project import Project
from emulator.tui.shared.plain import plain

DETAIL_WIDTH = 400  # a conclusion's sentence is cut past this


class FindingsView(OptionList):
    """The diagnosis items; Enter posts Chosen, and each inspector decides where that goes."""

    BINDINGS = [Binding("enter", "select", "show block", key_display="⏎")]

    class Chosen(Message):
        """A diagnosis item was chosen (Enter or a click)."""

        def __init__(self, item: Diagnosis) -> None:
            super().__init__()
            self.item = item

    def __init__(self, *, empty: str = "no findings yet", **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.items: tuple[Diagnosis, ...] = ()
        self.empty = empty

    def on_mount(self) -> None:
        self.show((), self.empty)

    def show(self, items: Sequence[Diagnosis], empty: str | None = None) -> None:
        """List the items (or say why there are none); the highlight stays where it was if it can."""
        if empty is not None:
            self.empty = empty
        items = tuple(items)
        if items == self.items and self.option_count:
            return
        keep = self.highlighted
        self.items = items
        self.clear_options()
        if not items:
            self.add_option(Option(Text(self.empty, style="dim"), disabled=True))
            return
        self.add_options(Option(_line(d)) for d in items)
        self.highlighted = keep if keep is not None and keep < len(items) else 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self.items):
            self.post_message(self.Chosen(self.items[event.option_index]))


class ReplayFindingsView(FindingsView):
    """The findings in replay, where Enter goes to the first write of the item's block."""

    BINDINGS = [Binding("enter", "select", "replay to its write", key_display="⏎")]


def _line(d: Diagnosis) -> Text:
    """'lost_gradient W1 · b408' in colour, then the sentence."""
    text = Text()
    text.append(plain(d.kind.replace("_", " "), 30, style="bold red"))
    text.append(" ")
    text.append(plain(d.subject, 40, style="bold"))
    if d.block is not None:
        text.append(plain(f" · block {d.block.block_id}", 60, style="dim"))
    text.append("\n")
    text.append(plain(d.detail, DETAIL_WIDTH))
    return text


def target_of_block(project: Project, block_id: str) -> str | None:
    """The name of the target whose blocks hold this id."""
    return next((t.name for t in project.targets if block_id in t.blocks), None)


def block_and_parents(project: Project, block_id: str) -> list[str]:
    """The block and the blocks holding it, innermost first: a reporter's statement writes, it may not."""
    target = next((t for t in project.targets if block_id in t.blocks), None)
    chain: list[str] = []
    at: str | None = block_id
    while target is not None and at is not None and at in target.blocks and at not in chain:
        chain.append(at)
        at = target.blocks[at].parent
    return chain or [block_id]
