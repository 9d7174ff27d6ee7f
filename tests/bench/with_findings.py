"""The debugger's findings attached to a project's runtime as explain attaches them, for the hooks benchmarks."""

from __future__ import annotations

from emulator.debug.findings import Findings
from emulator.project import Project
from emulator.runtime.runtime import Runtime


def findings_runtime(project: Project, engine: str = "compiled") -> Runtime:
    """A runtime of the project with the findings attached, counting coverage from the start."""
    hooks = Findings(list(project.targets))
    runtime = Runtime(project, engine=engine, hooks=hooks)
    hooks.block_count = lambda: runtime.blocks
    hooks.start_coverage()
    return runtime
