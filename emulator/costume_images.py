"""Costume files as the stage picture needs them: a PNG's pixels, an SVG's or a JPEG's size, bytes never trusted."""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from emulator.png import SIGNATURE

MAX_SIDE = 4096  # a costume wider or taller than this is drawn as its outline, never decoded
SVG_HEAD_BYTES = 65_536  # the root <svg> tag is looked for in this much of the file


@dataclass(frozen=True)
class CostumeImage:
    """A costume as drawn: its size and rotation centre in image pixels, and RGBA rows when known."""

    width: float
    height: float
    resolution: float  # image pixels per stage unit (bitmapResolution; 1 for vectors)
    centre: tuple[float, float]  # the rotation centre, from the image's top left, in image pixels
    rgba: np.ndarray | None  # height x width x 4 bytes for a decoded bitmap; None: draw the outline


def costume_image(entry: Mapping[str, Any], assets: Mapping[str, bytes]) -> CostumeImage | None:
    """The costume a project.json entry names, from the project's files; None without its file."""
    data = assets.get(_file_name(entry))
    if data is None:
        return None
    resolution = _positive(entry.get("bitmapResolution"), 1.0)
    size = _svg_size(data)
    rgba = None
    if size is None:
        decoded = decode_png(data)
        if decoded is not None:
            rgba = decoded
            size = (float(decoded.shape[1]), float(decoded.shape[0]))
        else:
            size = _jpeg_size(data)
    else:
        resolution = 1.0  # vectors are drawn at their own size
    if size is None:
        return None
    centre = (_number(entry.get("rotationCenterX")), _number(entry.get("rotationCenterY")))
    return CostumeImage(size[0], size[1], resolution, centre, rgba)


def _file_name(entry: Mapping[str, Any]) -> str:
    name = entry.get("md5ext")
    if isinstance(name, str):
        return name
    return f"{entry.get('assetId')}.{entry.get('dataFormat')}"


def _number(value: object) -> float:
    return float(value) if isinstance(value, int | float) and abs(value) < 1e9 else 0.0


def _positive(value: object, default: float) -> float:
    number = _number(value)
    return number if number > 0 else default


# ## SVG: the root tag's size


_SVG_TAG = re.compile(rb"<svg\b([^>]*)>", re.IGNORECASE)
_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(?:px)?\s*$")


def _svg_size(data: bytes) -> tuple[float, float] | None:
    """width and height of the root <svg> (its viewBox when they are missing or relative)."""
    head = data[:SVG_HEAD_BYTES]
    found = _SVG_TAG.search(head)
    if found is None:
        return None
    attributes = _attributes(found.group(1).decode("utf-8", "replace"))
    width, height = _length(attributes.get("width")), _length(attributes.get("height"))
    if width is not None and height is not None:
        return width, height
    box = attributes.get("viewbox", "").replace(",", " ").split()
    if len(box) == 4:
        parts = [_length(p) for p in box[2:]]
        if parts[0] is not None and parts[1] is not None:
            return parts[0], parts[1]
    return 0.0, 0.0  # a vector with no size: drawn as a point


def _attributes(text: str) -> dict[str, str]:
    return {
        k.lower(): v for k, v in re.findall(r"([A-Za-z_:][-\w:.]*)\s*=\s*[\"']([^\"']*)[\"']", text)
    }


def _length(text: str | None) -> float | None:
    found = _LENGTH.match(text) if text is not None else None
    if found is None:
        return None
    value = float(found.group(1))
    return value if value <= 1e6 else None


# ## JPEG: the frame header's size


def _jpeg_size(data: bytes) -> tuple[float, float] | None:
    """width and height from a JPEG's start-of-frame segment."""
    if not data.startswith(b"\xff\xd8"):
        return None
    at = 2
    while at + 9 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return float(width), float(height)
        if length < 2:
            return None
        at += 2 + length
    return None


# ## PNG: decoded to RGBA


def decode_png(data: bytes) -> np.ndarray | None:
    """A non-interlaced PNG of 8 bits per channel, or a palette or grey image of 1 to 8 bits, as
    height x width x 4 RGBA bytes; None for anything else, damaged or too big."""
    try:
        return _decode_png(data)
    except (ValueError, IndexError, struct.error, zlib.error):
        return None


def _decode_png(data: bytes) -> np.ndarray | None:
    if not data.startswith(SIGNATURE):
        return None
    chunks = _chunks(data)
    header = chunks.get(b"IHDR")
    if header is None or len(header[0]) != 13:
        return None
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header[0])
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}.get(colour)
    if channels is None or interlace or not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
        return None
    if depth != 8 and not (colour in (0, 3) and depth in (1, 2, 4)):
        return None
    row_bytes = (width * channels * depth + 7) // 8
    expected = height * (row_bytes + 1)
    inflater = zlib.decompressobj()
    raw = inflater.decompress(b"".join(chunks.get(b"IDAT", [])), expected)
    if len(raw) < expected:
        return None
    rows = _unfilter(raw, height, row_bytes, max(1, channels * depth // 8))
    samples = _samples(rows, width, channels, depth)
    return _to_rgba(samples, colour, depth, chunks)


def _chunks(data: bytes) -> dict[bytes, list[bytes]]:
    found: dict[bytes, list[bytes]] = {}
    at = len(SIGNATURE)
    while at + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[at : at + 8])
        body = data[at + 8 : at + 8 + length]
        if len(body) < length:
            raise ValueError("a chunk runs past the end of the file")
        found.setdefault(kind, []).append(body)
        if kind == b"IEND":
            break
        at += 12 + length
    return found


def _unfilter(raw: bytes, height: int, row_bytes: int, bpp: int) -> np.ndarray:
    """The PNG row filters undone: height x row_bytes bytes."""
    out = np.zeros((height, row_bytes), dtype=np.uint8)
    previous = np.zeros(row_bytes, dtype=np.int32)
    for y in range(height):
        start = y * (row_bytes + 1)
        kind = raw[start]
        line = np.frombuffer(raw, dtype=np.uint8, count=row_bytes, offset=start + 1).astype(
            np.int32
        )
        if kind == 1:  # Sub: each byte plus the one bpp to its left
            line = _running_sum(line, bpp)
        elif kind == 2:  # Up
            line = (line + previous) & 0xFF
        elif kind in (3, 4):  # Average, Paeth: each byte depends on the one just decoded
            line = _sequential(line, previous, bpp, kind)
        elif kind != 0:
            raise ValueError(f"filter type {kind}")
        out[y] = line
        previous = line
    return out


def _running_sum(line: np.ndarray, bpp: int) -> np.ndarray:
    padded = np.zeros(((len(line) + bpp - 1) // bpp) * bpp, dtype=np.int64)
    padded[: len(line)] = line
    summed = np.cumsum(padded.reshape(-1, bpp), axis=0) & 0xFF
    return summed.reshape(-1)[: len(line)].astype(np.int32)


def _sequential(line: np.ndarray, previous: np.ndarray, bpp: int, kind: int) -> np.ndarray:
    cur, up = line.tolist(), previous.tolist()
    for i in range(len(cur)):
        left = cur[i - bpp] if i >= bpp else 0
        if kind == 3:
            cur[i] = (cur[i] + (left + up[i]) // 2) & 0xFF
            continue
        upper_left = up[i - bpp] if i >= bpp else 0
        p = left + up[i] - upper_left
        pa, pb, pc = abs(p - left), abs(p - up[i]), abs(p - upper_left)
        best = left if pa <= pb and pa <= pc else up[i] if pb <= pc else upper_left
        cur[i] = (cur[i] + best) & 0xFF
    return np.array(cur, dtype=np.int32)


def _samples(rows: np.ndarray, width: int, channels: int, depth: int) -> np.ndarray:
    """height x width x channels samples, unpacked from bytes when several share one."""
    if depth == 8:
        return rows.reshape(rows.shape[0], width, channels)
    bits = np.unpackbits(rows, axis=1)
    per_row = bits[:, : width * depth].reshape(rows.shape[0], width, depth)
    weights = 1 << np.arange(depth - 1, -1, -1)
    return (per_row * weights).sum(axis=2).astype(np.uint8).reshape(rows.shape[0], width, 1)


def _to_rgba(
    samples: np.ndarray, colour: int, depth: int, chunks: dict[bytes, list[bytes]]
) -> np.ndarray:
    height, width = samples.shape[:2]
    rgba = np.full((height, width, 4), 255, dtype=np.uint8)
    if colour == 3:
        palette = np.frombuffer(b"".join(chunks.get(b"PLTE", [])), dtype=np.uint8)
        entries = np.full((256, 4), 255, dtype=np.uint8)
        count = min(256, len(palette) // 3)
        entries[:count, :3] = palette[: count * 3].reshape(count, 3)
        alpha = np.frombuffer(b"".join(chunks.get(b"tRNS", [])), dtype=np.uint8)[:256]
        entries[: len(alpha), 3] = alpha
        return entries[samples[:, :, 0]]
    if colour in (0, 4):
        grey = samples[:, :, 0]
        if depth < 8:
            grey = (grey.astype(np.uint16) * 255 // ((1 << depth) - 1)).astype(np.uint8)
        rgba[:, :, 0] = rgba[:, :, 1] = rgba[:, :, 2] = grey
        if colour == 4:
            rgba[:, :, 3] = samples[:, :, 1]
        return rgba
    rgba[:, :, :3] = samples[:, :, :3]
    if colour == 6:
        rgba[:, :, 3] = samples[:, :, 3]
    return rgba
