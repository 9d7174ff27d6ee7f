"""Per-block flags that generated code reads: which of a unit's sites something is asked of now."""

from __future__ import annotations

from collections.abc import Container
from typing import Any

from emulator.runtime.hooks import EVERY_BLOCK

# The prefixes of the globals that hold a read site's flags in hooked code (BlockFlags.bind):
# whether its reads are watched, what a read past the end does, and a read at a fraction.
READ_FLAG, MISS_FLAG, FRACTION_FLAG = "RD_", "MS_", "FQ_"


class BlockFlags:
    """One flag per site of one unit's code (a pause site, a watched read), in site order.

    Generated code binds `flags` once and reads an item per site; setting them changes the list
    in place, so code already running sees the change at its next site. Bound to a namespace
    (bind), each flag is also a global of its own there, which code reads in one step: every
    change is made to both.
    """

    def __init__(self, block_ids: list[str]) -> None:
        self.block_ids = tuple(block_ids)  # site number -> the block it stands for
        self.flags: list[Any] = [False] * len(block_ids)
        self._names: list[str] = []  # the globals, by site (bind)
        self._globals: dict[str, Any] = {}

    def bind(self, namespace: dict[str, Any], prefix: str) -> None:
        """Keep each flag in `namespace` too, as the global `prefix` and its site's number."""
        self._names = [f"{prefix}{site}" for site in range(len(self.flags))]
        self._globals = namespace
        namespace.update(zip(self._names, self.flags, strict=True))

    def flag(self, blocks: Container[str], raised: Any = True) -> None:
        """Raise the flags of these blocks (EVERY_BLOCK: all) to `raised` (a true value the code
        may use, as the read sites use the read log), and lower the rest to False."""
        if blocks is EVERY_BLOCK:
            self.flags[:] = [raised] * len(self.flags)
        else:
            self.flags[:] = [raised if b in blocks else False for b in self.block_ids]
        if self._names:
            self._globals.update(zip(self._names, self.flags, strict=True))

    def set(self, site: int, value: Any) -> None:
        """Set one site's flag."""
        self.flags[site] = value
        if self._names:
            self._globals[self._names[site]] = value
