"""The compiler: each script and custom block to a Python generator function, as lower → optimize → emit → load.

Compiled code keeps the interpreter's semantics exactly: it yields where the interpreter yields and
advances the virtual clock by the same block counts. For a run with hooks attached, a second
flavour is compiled that reports to them exactly what the interpreter reports; a plain run's code
names no hook at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass, replace
from typing import TYPE_CHECKING, Any

from emulator.compiler.emit import Source, emit_unit, unit_header
from emulator.compiler.ir import FallbackStmt
from emulator.compiler.load import load, namespace
from emulator.compiler.lower import Unit, lower_target
from emulator.compiler.optimize import optimize
from emulator.opcodes import TABLE
from emulator.runtime.block_cache import shared_reporters
from emulator.runtime.block_flags import BlockFlags
from emulator.runtime.handoff import CompiledCall
from emulator.runtime.hooks import EVERY_VARIABLE

if TYPE_CHECKING:
    from emulator.runtime.runtime import Runtime, Script
    from emulator.runtime.state import RuntimeTarget


@dataclass(frozen=True)
class Compiled:
    """One target compiled: the IR unit, its sources, and the loaded functions by name."""

    unit: Unit
    sources: list[Source]
    functions: dict[str, Callable[..., Any]]
    pauses: BlockFlags  # where pausable code may hand its thread over (none in other flavours)
    reads: BlockFlags  # the reads hooked code may report (none in other flavours)
    misses: BlockFlags  # what hooked code does with a read past a list's end, by read site
    fractions: BlockFlags  # and with a read at a fractional index inside the list
    target: RuntimeTarget
    namespace: dict[str, Any]  # its code's globals (hooked code's log globals are set here)

    def text(self) -> str:
        """Every source of the unit, for reading."""
        return unit_header(self.unit) + "".join("\n\n" + s.text for s in self.sources)

    def calls(self) -> dict[tuple[RuntimeTarget, str], CompiledCall]:
        """The custom blocks a call block in the interpreter can enter, by (target, proccode).

        One that can end in a wait outside the tick loop takes its caller's frames with it (see
        WAITED): the interpreter keeps those calls.
        """
        return {
            (self.target, fn.proccode): CompiledCall(
                self.functions[fn.name], fn.params, fn.generator
            )
            for fn in self.unit.functions
            if fn.proccode is not None and not fn.may_return_waiting
        }


def compile_target(
    runtime: Runtime,
    target: RuntimeTarget,
    scripts: list[Script],
    hooks: bool = False,
    pausable: bool = False,
    writes_only: bool = False,
) -> Compiled:
    """Lower, optimize, emit and load one target's scripts and the custom blocks they call
    (with `writes_only`, for hooks that hear writes alone: Unit.writes_only).

    A target in which the compiler hands a block that may wait or yield (a glide, a backdrop
    switch and wait) to the interpreter gets no functions: a handed-over block runs to its end
    inside generated code, so the interpreter runs the whole target instead.
    """
    every = hooks and runtime.hooks is not None and runtime.hooks.reported_writes is EVERY_VARIABLE
    # Code that reports no read is lowered as plain code is: a read is no effect there.
    unit = replace(
        lower_target(runtime, target, scripts, hooks and not writes_only),
        hooks=hooks,
        pausable=pausable,
        hears_every_write=every,
        writes_only=hooks and writes_only,
    )
    if any(_hands_over_a_wait(fn) for fn in unit.functions):
        unit = replace(unit, functions=(), scripts={})
    lazy = frozenset(unit.tables.lazy_variables)
    unit = replace(
        unit, functions=tuple(optimize(fn, lazy, keep_frames=pausable) for fn in unit.functions)
    )
    sources, sites = emit_unit(
        unit, first_write=len(runtime.write_sites), first_pattern=len(runtime.write_patterns)
    )
    pauses, reads = BlockFlags(sites.pauses), BlockFlags(list(sites.reads))
    misses, fractions = BlockFlags(list(sites.reads)), BlockFlags(list(sites.reads))
    ns = namespace(runtime, unit, pauses, reads, misses, fractions)
    functions = load(ns, sources)
    tables = unit.tables
    runtime.write_sites.extend(
        (block_id, tables.variables[i] if op is None else tables.lists[i], op, ahead)
        for block_id, i, op, ahead in sites.writes
    )
    runtime.write_patterns.extend(sites.patterns)
    return Compiled(unit, sources, functions, pauses, reads, misses, fractions, target, ns)


# What Python raises for source nested too deep for its parser, or blocks too deep for our recursion.
TOO_DEEP = (RecursionError, SyntaxError, MemoryError)


def compile_runtime(
    runtime: Runtime, hooks: bool = False, pausable: bool = False, writes_only: bool = False
) -> list[Compiled]:
    """Compile every target; each startable script gets its generator function.

    That is Script.compiled, or with `hooks` Script.hooked (the flavour that reports to hooks,
    and with `pausable` can also hand its thread to the interpreter before a block; with
    `writes_only` it only logs writes, for hooks that hear nothing else).
    A target too deep to compile whole is compiled a script at a time; a script too deep even
    alone is left to the interpreter (its function stays None).
    """
    out = []
    for target in runtime.targets:
        if shared_reporters(target.source.blocks):
            continue  # the VM's block cache decides where their values go: the interpreter keeps it
        scripts = [s for s in runtime.scripts if s.target is target]
        try:
            units = [compile_target(runtime, target, scripts, hooks, pausable, writes_only)]
        except TOO_DEEP:
            units = [
                c
                for s in scripts
                if (c := _compile_alone(runtime, target, s, hooks, pausable, writes_only))
                is not None
            ]
        for compiled in units:
            for script in scripts:
                name = compiled.unit.scripts.get(script.hat.id)
                if name is None:
                    continue
                if hooks:
                    script.hooked = compiled.functions[name]
                else:
                    script.compiled = compiled.functions[name]
        out.extend(units)
    return out


def _hands_over_a_wait(node: object) -> bool:
    """Whether an IR tree hands the interpreter a statement that may wait or yield.

    Such a block (a glide, a backdrop switch and wait) keeps its state in the interpreter's stack
    frame between turns, which generated code does not have.
    """
    if isinstance(node, FallbackStmt):
        spec = TABLE.get(node.info.opcode)
        return spec is None or spec.yields
    if isinstance(node, tuple | list):
        return any(_hands_over_a_wait(n) for n in node)
    if is_dataclass(node) and not isinstance(node, type):
        return any(_hands_over_a_wait(getattr(node, f.name)) for f in fields(node))
    return False


def _compile_alone(
    runtime: Runtime,
    target: RuntimeTarget,
    script: Script,
    hooks: bool,
    pausable: bool,
    writes_only: bool,
) -> Compiled | None:
    try:
        return compile_target(runtime, target, [script], hooks, pausable, writes_only)
    except TOO_DEEP:
        return None
