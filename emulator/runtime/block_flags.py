"""Per-block flags that generated code reads: which of a unit's sites something is asked of now."""

from __future__ import annotations

from collections.abc import Container

from emulator.runtime.hooks import EVERY_BLOCK


class BlockFlags:
    """One flag per site of one unit's code (a pause site, a watched read), in site order.

    Generated code binds `flags` once and reads an item per site; setting them changes the list
    in place, so code already running sees the change at its next site.
    """

    def __init__(self, block_ids: list[str]) -> None:
        self.block_ids = tuple(block_ids)  # site number -> the block it stands for
        self.flags = [False] * len(block_ids)

    def flag(self, blocks: Container[str]) -> None:
        """Raise the flags of these blocks (EVERY_BLOCK: all), and lower the rest."""
        if blocks is EVERY_BLOCK:
            self.flags[:] = [True] * len(self.flags)
            return
        self.flags[:] = [b in blocks for b in self.block_ids]
