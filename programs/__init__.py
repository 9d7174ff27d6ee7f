"""Scratch programs written in the Python DSL; each is named in pyproject's `scratch_emu.programs` entry points."""
