"""The opcode table is complete and the only source: every row is handled, rendered and pinned by a case."""

from __future__ import annotations

import ast
import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

import emulator.dsl
import emulator.dsl_sprite
from emulator import opcodes, render_blocks
from emulator.errors import EmulatorError
from emulator.opcodes import SPECS, TABLE, BlockSpec, InputKind, Opcode, Shape
from emulator.runtime import ops
from emulator.runtime.ops import HANDLERS
from tests.conformance.cases import all_cases, opcodes_in

OPCODE_LIKE = re.compile(
    r"(event|control|operator|data|procedures|looks|sensing|motion|pen|sound|argument)_[a-z_]+"
)
# Compact primitives stand for these blocks: [12, name, id] and [13, name, id].
COMPACT_PRIMITIVES = {Opcode.DATA_VARIABLE, Opcode.DATA_LISTCONTENTS}
_PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_]+)\}")


def _row_id(row: BlockSpec) -> str:
    return row.opcode.value


@pytest.mark.parametrize("row", SPECS, ids=_row_id)
def test_every_row_has_a_handler_or_says_why_not(row: BlockSpec) -> None:
    """A row without a handler is a hat, a menu or a custom block's part, and says why it needs none."""
    if row.opcode in HANDLERS:
        assert not row.no_handler, f"{row.opcode} has a handler but claims it needs none"
        return
    assert row.no_handler, f"{row.opcode} has no handler and no reason for lacking one"
    menus = {i.menu for r in SPECS for i in r.inputs if i.menu is not None}
    assert row.shape is Shape.HAT or row.opcode in menus, row.opcode


@pytest.mark.parametrize("row", SPECS, ids=_row_id)
def test_every_template_names_exactly_the_rows_inputs_and_fields(row: BlockSpec) -> None:
    """A row's text shows each of its fields and non-branch inputs, and nothing else."""
    names = set(_PLACEHOLDER.findall(row.text))
    shown = {i.name for i in row.inputs if i.kind not in (InputKind.SUBSTACK, InputKind.PROTOTYPE)}
    shown |= {f.name for f in row.fields}
    assert row.text.strip()
    assert names - {"proccode"} == shown


def test_every_opcode_has_a_conformance_case() -> None:
    """Each row's opcode appears in some conformance case's project (so the VM pinned its behaviour)."""
    used = set(COMPACT_PRIMITIVES)
    for _, case in all_cases():
        opcodes_in(case.project(), used)
    missing = sorted(set(TABLE) - used)
    assert not missing, f"no conformance case uses {missing}"


def test_every_handler_is_for_an_opcode_of_the_table() -> None:
    """The runtime handles no opcode the table lacks, and no ops function is named after one."""
    assert set(HANDLERS) <= set(TABLE)
    for name, module in inspect.getmembers(ops, inspect.ismodule):
        for fn_name, _ in inspect.getmembers(module, inspect.isfunction):
            if OPCODE_LIKE.fullmatch(fn_name):
                assert fn_name in TABLE, f"ops.{name}.{fn_name} is named after no opcode"


def test_every_render_template_is_for_an_opcode_of_the_table() -> None:
    """The renderer's templates are the table's, one for each row."""
    assert {row.opcode: row.text for row in SPECS} == render_blocks.TEMPLATES


def test_every_opcode_the_dsl_writes_is_in_the_table() -> None:
    """Each opcode-like string in the DSL's source names a row of the table."""
    strings = {
        node.value
        for module in (emulator.dsl, emulator.dsl_sprite)
        for node in ast.walk(ast.parse(Path(inspect.getfile(module)).read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    written = {s for s in strings if OPCODE_LIKE.fullmatch(s)}
    assert written, "the DSL's opcodes were not found"
    assert written <= set(TABLE), sorted(written - set(TABLE))


def test_menus_and_list_indices_are_consistent() -> None:
    """A menu an input names is a row; a block that indexes a list has an INDEX input and a LIST field."""
    for row in SPECS:
        for inp in row.inputs:
            assert inp.menu is None or inp.menu in TABLE, (row.opcode, inp.menu)
        if row.list_index is not None:
            assert row.input("INDEX") is not None and "LIST" in {f.name for f in row.fields}
            assert row.random, f"{row.opcode}: an index may be 'random'"


def test_queries_read_the_table() -> None:
    """The helpers answer from the rows, and plain strings find the same rows as members."""
    assert Opcode.DATA_ITEMOFLIST == "data_itemoflist"
    assert opcodes.spec("data_itemoflist") is TABLE[Opcode.DATA_ITEMOFLIST]
    assert opcodes.input_kind("control_repeat", "TIMES") is InputKind.WHOLE
    assert opcodes.input_kind("control_repeat", "NOPE") is None
    assert opcodes.input_kind("text2speech_speakAndWait", "WORDS") is None  # not in the table
    insert = opcodes.list_access("data_insertatlist")
    assert insert is not None and insert.past_end == 1 and not insert.accepts_all
    delete = opcodes.list_access("data_deleteoflist")
    assert delete is not None and delete.accepts_all and delete.writes
    assert opcodes.list_access("data_addtolist") is None
    assert {Opcode.OPERATOR_RANDOM, Opcode.DATA_ITEMOFLIST} == opcodes.RANDOM_REPORTERS
    assert Opcode.PROCEDURES_DEFINITION in opcodes.HATS
    assert Opcode.EVENT_WHENKEYPRESSED not in opcodes.RESTARTING_HATS
    assert {"SUBSTACK", "SUBSTACK2", "custom_block"} == opcodes.STACK_INPUTS


def test_the_registry_binds_every_handled_row() -> None:
    """HANDLERS holds exactly the rows that need a handler, each bound to the function named after it."""
    assert set(HANDLERS) == opcodes.HANDLED
    for opcode, fn in HANDLERS.items():
        module = ops.MODULES[opcode.partition("_")[0]]
        assert getattr(module, opcode) is fn


def test_a_row_whose_handler_is_missing_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    """A row the ops modules do not implement is an error when the registry is built, not at run time."""
    monkeypatch.delattr(ops.sensing, "sensing_timer")
    with pytest.raises(EmulatorError, match="sensing_timer"):
        ops._handler(opcodes.spec(Opcode.SENSING_TIMER))


def test_the_linker_imports_the_registry_itself() -> None:
    """Importing only the linker is enough for it to find every handler (no import side effect needed)."""
    code = (
        "from emulator.runtime import linker; print(len(linker.STATEMENTS) + len(linker.REPORTERS))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == str(len(opcodes.HANDLED))
