"""Pictures as PNG files: a grid of RGB colours (0..1, None for the white backdrop) to PNG bytes."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence

RGB = tuple[float, float, float]
SIGNATURE = b"\x89PNG\r\n\x1a\n"
WHITE = (1.0, 1.0, 1.0)


def png_bytes(grid: Sequence[Sequence[RGB | None]]) -> bytes:
    """An 8-bit RGB PNG of the grid, top row first; an empty cell is white."""
    rows, columns = len(grid), len(grid[0]) if grid else 0
    raw = bytearray()
    for row in grid:
        raw.append(0)  # filter type 0: the row as it is
        for cell in row:
            raw.extend(_byte(c) for c in (cell if cell is not None else WHITE))
    header = struct.pack(">IIBBBBB", columns, rows, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return (
        SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(bytes(raw), 9))
        + _chunk(b"IEND", b"")
    )


def _byte(channel: float) -> int:
    return max(0, min(255, round(channel * 255)))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
