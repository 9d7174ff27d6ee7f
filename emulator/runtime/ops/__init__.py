"""Block handlers by category; importing this package registers every supported opcode."""

from emulator.runtime.ops import control, data, events, looks, operators, procedures, sensing

__all__ = ["control", "data", "events", "looks", "operators", "procedures", "sensing"]
