"""The program interface: what a Python program gives the emulator (build, options) and declares for the debugger.

A program module (a file anywhere, or one named by a `scratch_emu.programs` entry point) defines
`PROGRAM = ProgramSpec(...)`. Everything the command line, `explain`, the inspector and the trace
replay know about a program comes from here; nothing in the emulator names a program's lists or
variables. A file that defines only `build(**params) -> Project` is a program with no declarations.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from emulator.project import Project
from emulator.slices import Slice
from emulator.values import compare

if TYPE_CHECKING:
    from emulator.runtime.runtime import Runtime
    from emulator.runtime.state import Snapshot

Params = dict[str, Any]
Offsets = Mapping[str, Mapping[int, float]]
"""list name -> layer -> the offset a probe returned for that layer."""


@dataclass(frozen=True)
class Mark:
    """Where changes and write coverage count from: the first block at which a stage variable equals a value."""

    variable: str
    value: str

    def reached(self, runtime: Runtime) -> Callable[[Any, Any], bool]:
        """A pause predicate (thread, block) that holds once the variable equals the value, as `=` compares."""
        cell, wanted = runtime.stage.variable(None, self.variable), self.value
        return lambda thread, block: compare(cell.value, wanted) == 0

    def holds(self, runtime: Runtime) -> bool:
        """Whether the variable equals the value now."""
        return compare(runtime.stage.variable(None, self.variable).value, self.value) == 0


@dataclass(frozen=True)
class OffsetProbe:
    """A custom block that computes where a layer's items start in a list, through global variables."""

    procedure: str  # the custom block's name as the editor shows it (its proccode)
    list_name: str  # the list the offset points into
    argument: str  # the variable that holds the layer number when the block is called
    result: str  # the variable that holds the offset when the block returns


@dataclass(frozen=True)
class ItemRange:
    """Items start..end (1-based, inclusive) of one list."""

    list_name: str
    start: int
    end: int


@dataclass(frozen=True)
class LayerRanges:
    """One layer as the program's own offsets place it: each part's range, None where it was not computed."""

    layer: int
    size: int
    parts: Mapping[str, ItemRange | None]


@dataclass(frozen=True)
class LayerMap:
    """How to draw a network's layer map from the offsets the program computed at run time."""

    sizes_list: str  # the list that holds each layer's size, input layer first
    probes: tuple[OffsetProbe, ...]
    ranges: Callable[[Sequence[int], Offsets], list[LayerRanges]]


@dataclass(frozen=True)
class VariableGroup:
    """Variables the inspector shows under one heading: the names `pattern` matches at their start.

    With `per_match`, each distinct matched prefix is a group of its own (the label's `{prefix}`
    names it), and the group whose prefix starts the current custom block's name is shown first.
    """

    pattern: str
    label: str
    per_match: bool = False

    def prefix_of(self, name: str) -> str | None:
        """The matched prefix of a name, or None when the group does not take it."""
        match = re.match(self.pattern, name)
        return match.group(0) if match else None


@dataclass(frozen=True)
class Curve:
    """A list the program appends a figure to as it learns (a loss, an accuracy), drawn as a curve."""

    list_name: str
    label: str


@dataclass(frozen=True)
class PictureLabel:
    """A label beside the input picture: a variable's value, or where a slice has its largest item.

    The second is a network's prediction: the position of the largest output, counted from
    `first` (0 when the outputs stand for the digits 0..9).
    """

    label: str  # "true", "predicted"
    variable: str | None = None
    argmax_slice: str | None = None
    first: int = 0


@dataclass(frozen=True)
class Progress:
    """How far a run is: units done of a total, and a short line about it (epoch, loss)."""

    done: float
    total: float
    text: str


@dataclass(frozen=True)
class ReferenceStep:
    """The reference's lists after one training sample: which epoch and sample, and the lists."""

    epoch: int
    sample: int
    lists: Mapping[str, Sequence[float]]


ReferenceSteps = Callable[[Params, dict[str, list[Any]]], list[ReferenceStep]]
"""From the parameters and the lists at the mark, the reference's lists after each sample, in order."""

RANDOM_AT_MARK = "random_at_mark"
"""The key under which a reference's parameters carry the state of `pick random`'s generator at the
mark (emulator.rng.JsRandom.getstate()), so a reference can draw what the program draws after it
(a shuffle each epoch). Absent when the caller has no run to take it from."""


@dataclass(frozen=True)
class ProgramSpec:
    """A program: how to build it, its options, and what it declares for the debugger."""

    name: str
    build: Callable[..., Project]
    add_arguments: Callable[[argparse.ArgumentParser], None] | None = None
    explain_defaults: Mapping[str, Any] = field(default_factory=dict)
    # What `bench` times: option defaults of the full benchmark's run (its reduced form takes
    # explain_defaults, the program's small run). Options given on the command line win.
    bench_defaults: Mapping[str, Any] = field(default_factory=dict)
    slices: Callable[[Params], list[Slice]] | None = None
    mark: Mark | None = None
    reference: Callable[[Params, dict[str, list[Any]]], dict[str, list[float]]] | None = None
    reference_steps: ReferenceSteps | None = None  # the same run, sample by sample
    # How far the run may differ from the reference and still agree: 0 for a bit-exact reference.
    reference_tolerance: Callable[[Params], float] | None = None
    loss_variable: str | None = None  # the variable a sample's loss is stored (or summed) in
    layer_map: LayerMap | None = None
    variable_groups: tuple[VariableGroup, ...] = ()
    status_variables: tuple[str, ...] = ()  # stage variables the status line shows (epoch, sample)
    sample_variable: str | None = None  # the stage variable whose writes start each sample
    picture: str | None = None  # the slice whose items are the current input's picture
    picture_labels: tuple[
        PictureLabel, ...
    ] = ()  # shown beside it (the true label, the prediction)
    curves: tuple[Curve, ...] = ()  # lists drawn as curves beside the run (loss, accuracy)
    progress: Callable[[Runtime, Params], Progress] | None = None
    summary: Callable[[Runtime, Snapshot | None, Params], str] | None = None

    def progress_for(self, params: Params) -> Callable[[Runtime], Progress] | None:
        """The program's progress line for a run with these parameters (None when it declares none)."""
        progress = self.progress
        if progress is None:
            return None
        return lambda runtime: progress(runtime, params)

    def tolerance_for(self, params: Params) -> float:
        """The largest |run - reference| that still counts as agreement (0 when not declared)."""
        return self.reference_tolerance(params) if self.reference_tolerance is not None else 0.0

    def slices_for(self, params: Params) -> list[Slice]:
        """The named slices for these parameters (none when the program declares none)."""
        return list(self.slices(params)) if self.slices is not None else []
