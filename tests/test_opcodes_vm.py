"""Every block the official VM runs (its core primitives and hats, and the pen extension's) is a row of the opcode table."""

from __future__ import annotations

import json
import subprocess

import pytest

from emulator.opcodes import TABLE
from tests.oracle import VM_PACKAGE_DIR, vm_unavailable_reason

pytestmark = pytest.mark.oracle

# The VM keeps these for projects converted from Scratch 2; Scratch 3's palette never shows them.
SCRATCH_2_ONLY = {
    "control_clear_counter",
    "control_get_counter",
    "control_incr_counter",
    "looks_changestretchby",
    "looks_hideallsprites",
    "looks_setstretchto",
    "motion_align_scene",
    "motion_scroll_right",
    "motion_scroll_up",
    "motion_xscroll",
    "motion_yscroll",
    "sensing_online",
    "sound_beats_menu",
    "sound_effects_menu",
}

LIST_OPCODES = """
const VM = require(process.argv[1]);
const vm = new VM();
vm.extensionManager.loadExtensionURL('pen').then(() => {
    const rt = vm.runtime;
    const all = new Set([...Object.keys(rt._primitives), ...Object.keys(rt._hats)]);
    process.stdout.write(JSON.stringify([...all].sort()));
    process.exit(0);
});
"""


def vm_opcodes() -> list[str]:
    """The opcodes the installed VM has a primitive or a hat for, with the pen extension loaded."""
    reason = vm_unavailable_reason()
    if reason:
        pytest.skip(reason)
    entry = str(VM_PACKAGE_DIR / "src" / "index.js")
    done = subprocess.run(
        ["node", "-e", LIST_OPCODES, entry], capture_output=True, text=True, timeout=120, check=True
    )
    found: list[str] = json.loads(done.stdout)
    return found


def test_the_table_has_every_block_of_the_palette_and_the_pen() -> None:
    """Nothing the VM runs is missing but the Scratch 2 compatibility blocks, and that list is exact."""
    opcodes = set(vm_opcodes())
    assert len(opcodes) > 100  # the VM answered with its blocks, not an empty list
    ours = {str(opcode) for opcode in TABLE}
    assert sorted(opcodes - ours - SCRATCH_2_ONLY) == []
    assert sorted(SCRATCH_2_ONLY - opcodes) == []  # each exception is still one the VM has
