"""scratch-emu: Scratch 3.0's semantics in Python, with a debugger for numeric Scratch programs."""

__version__ = "0.1.0"
