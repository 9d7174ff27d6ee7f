"""StateSource: what the data panes read (variables, lists, slices, the mark), live from a session or replayed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from emulator.debug.session import DebugSession
from emulator.program import ProgramSpec
from emulator.runtime.pen import RGB
from emulator.runtime.state import ListCell
from emulator.slices import Slice
from emulator.stage_picture import StagePicture
from emulator.tui.shared.lists_view import list_cells, marked_items
from emulator.values import Value

Key = tuple[str, str]  # (target name, variable id)


class StateSource(Protocol):
    """One moment of a run, read-only: the variables pane, list table, heatmap and picture paint from this."""

    @property
    def stage_name(self) -> str:
        """The stage's name: its variables are shown without a target prefix."""
        ...

    @property
    def slices(self) -> Sequence[Slice]:
        """The named slices of lists (W1 = weights 1..3920)."""
        ...

    def variable_values(self) -> dict[Key, tuple[str, Value]]:
        """Every variable: (target, id) -> (name, value), stage first."""
        ...

    def procedure_arguments(self) -> dict[str, Value]:
        """The arguments of the custom block being run (empty when none is known)."""
        ...

    def list_cells(self) -> list[ListCell]:
        """Every list, stage first; a cell is the same object from one call to the next."""
        ...

    def marked_items(self, cell: ListCell) -> list[Value] | None:
        """The list's items at the mark (None: no mark)."""
        ...

    def written(self, cell: ListCell) -> bytearray | None:
        """Which items were written since the mark, one byte an item (None: no mark)."""
        ...

    @property
    def program(self) -> ProgramSpec | None:
        """What the program declares (its picture, variable groups, status variables), if known."""
        ...

    def stage(self, columns: int, rows: int) -> list[list[RGB | None]] | None:
        """The stage as a picture on a columns x rows grid; None when there is nothing to see."""
        ...


class SessionSource:
    """A live DebugSession as a StateSource."""

    def __init__(self, session: DebugSession) -> None:
        self.session = session

    @property
    def stage_name(self) -> str:
        return self.session.runtime.stage.name

    @property
    def slices(self) -> Sequence[Slice]:
        return self.session.slices

    def variable_values(self) -> dict[Key, tuple[str, Value]]:
        out: dict[Key, tuple[str, Value]] = {}
        for target in self.session.runtime.live_targets():
            # list() first: a running engine may add a variable a block names but nobody declared.
            for cell in list(target.variables.values()):
                out[(cell.owner, cell.id)] = (cell.name, cell.value)
        return out

    def procedure_arguments(self) -> dict[str, Value]:
        return self.session.procedure_arguments()

    def list_cells(self) -> list[ListCell]:
        return list_cells(self.session)

    def marked_items(self, cell: ListCell) -> list[Value] | None:
        return marked_items(self.session, cell)  # type: ignore[return-value]

    def written(self, cell: ListCell) -> bytearray | None:
        coverage = self.session.findings.written
        return None if coverage is None else coverage.get(cell.name, bytearray())

    @property
    def program(self) -> ProgramSpec | None:
        return self.session.program

    def stage(self, columns: int, rows: int) -> list[list[RGB | None]] | None:
        runtime = self.session.runtime
        sprites = any(t.visible for t in runtime.executable if not t.is_stage)
        if not runtime.pen_layer and not sprites:
            return None
        picture = StagePicture(columns, rows, self.session.assets)
        picture.draw_runtime(runtime)
        return picture.pixels()
