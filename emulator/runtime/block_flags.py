"""Per-block flags that generated code reads: which of a unit's sites something is asked of now."""

from __future__ import annotations

from collections.abc import Container
from typing import Any

from emulator.runtime.hooks import EVERY_BLOCK


class BlockFlags:
    """One flag per site of one unit's code (a pause site, a watched read), in site order.

    Generated code binds `flags` once and reads an item per site; setting them changes the list
    in place, so code already running sees the change at its next site.
    """

    def __init__(self, block_ids: list[str]) -> None:
        self.block_ids = tuple(block_ids)  # site number -> the block it stands for
        self.flags: list[Any] = [False] * len(block_ids)

    def flag(self, blocks: Container[str], raised: Any = True) -> None:
        """Raise the flags of these blocks (EVERY_BLOCK: all) to `raised` (a true value the code
        may use, as the read sites use the read log), and lower the rest to False."""
        if blocks is EVERY_BLOCK:
            self.flags[:] = [raised] * len(self.flags)
            return
        self.flags[:] = [raised if b in blocks else False for b in self.block_ids]
