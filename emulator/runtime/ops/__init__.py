"""The handler registry: each opcode of the table that runs, bound to the ops function named after it."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any

from emulator.errors import EmulatorError
from emulator.opcodes import SPECS, BlockSpec
from emulator.project import Block
from emulator.runtime.nodes import Reporter, Run
from emulator.runtime.ops import (
    control,
    data,
    events,
    looks,
    motion,
    music,
    operators,
    pen,
    procedures,
    sensing,
    sound,
)

if TYPE_CHECKING:
    from emulator.runtime.linker import Linker

StatementBuilder = Callable[["Linker", Block], Run]
ReporterBuilder = Callable[["Linker", Block], Reporter]

# Where each category's handlers live, by the opcode's prefix.
MODULES: dict[str, ModuleType] = {
    "event": events,
    "motion": motion,
    "control": control,
    "looks": looks,
    "sensing": sensing,
    "sound": sound,
    "operator": operators,
    "data": data,
    "pen": pen,
    "music": music,
    "procedures": procedures,
    "argument": procedures,
}


def _handler(row: BlockSpec) -> Any:
    """The function named after the row's opcode in its category's module."""
    module = MODULES[row.opcode.partition("_")[0]]
    fn = getattr(module, row.opcode.value, None)
    if not callable(fn):
        raise EmulatorError(f"{module.__name__} has no handler for opcode {row.opcode.value!r}")
    return fn


STATEMENTS: dict[str, StatementBuilder] = {
    row.opcode: _handler(row) for row in SPECS if not row.no_handler and not row.reports
}
REPORTERS: dict[str, ReporterBuilder] = {
    row.opcode: _handler(row) for row in SPECS if not row.no_handler and row.reports
}
HANDLERS: dict[str, StatementBuilder | ReporterBuilder] = {**STATEMENTS, **REPORTERS}
