"""The stage picture: costume files decoded (PNG pixels, SVG and JPEG sizes) and sprites drawn where and as they stand."""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.cli import main
from emulator.costume_images import CostumeImage, costume_image, decode_png
from emulator.png import SIGNATURE, png_bytes
from emulator.stage_picture import Pose, StagePicture
from tests.test_png import decode

# ## A PNG writer with every filter and colour type, written from the specification


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def _filtered(line: bytes, previous: bytes, bpp: int, kind: int) -> bytes:
    out = bytearray()
    for i, x in enumerate(line):
        a = line[i - bpp] if i >= bpp else 0
        b = previous[i]
        c = previous[i - bpp] if i >= bpp else 0
        predictor = [0, a, b, (a + b) // 2, _paeth(a, b, c)][kind]
        out.append((x - predictor) & 0xFF)
    return bytes(out)


def encode_png(
    rows: list[bytes],
    width: int,
    colour: int,
    depth: int,
    filters: list[int],
    extra: list[tuple[bytes, bytes]] = (),  # type: ignore[assignment]
) -> bytes:
    """A PNG of packed rows (each row's bytes as the format lays them out), each with its filter."""
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour]
    bpp = max(1, channels * depth // 8)
    raw, previous = bytearray(), bytes(len(rows[0]))
    for line, kind in zip(rows, filters, strict=True):
        raw.append(kind)
        raw.extend(_filtered(line, previous, bpp, kind))
        previous = line
    header = struct.pack(">IIBBBBB", width, len(rows), depth, colour, 0, 0, 0)
    body = b"".join(_chunk(k, v) for k, v in extra)
    return (
        SIGNATURE
        + _chunk(b"IHDR", header)
        + body
        + _chunk(b"IDAT", zlib.compress(bytes(raw)))
        + _chunk(b"IEND", b"")
    )


sizes = st.tuples(st.integers(1, 9), st.integers(1, 6))


@settings(max_examples=150)
@given(sizes, st.sampled_from([2, 6]), st.data())
def test_an_rgb_or_rgba_png_with_any_filters_decodes_to_its_pixels(
    size: tuple[int, int], colour: int, data: st.DataObject
) -> None:
    """Every row filter (none, Sub, Up, Average, Paeth) undone; no alpha channel reads as opaque."""
    width, height = size
    channels = 3 if colour == 2 else 4
    pixels = np.array(
        data.draw(
            st.lists(
                st.integers(0, 255),
                min_size=width * height * channels,
                max_size=width * height * channels,
            )
        ),
        dtype=np.uint8,
    ).reshape(height, width, channels)
    filters = data.draw(st.lists(st.integers(0, 4), min_size=height, max_size=height))
    png = encode_png([row.tobytes() for row in pixels], width, colour, 8, filters)
    decoded = decode_png(png)
    assert decoded is not None
    assert (decoded[..., :channels] == pixels).all()
    if colour == 2:
        assert (decoded[..., 3] == 255).all()


@settings(max_examples=100)
@given(sizes, st.sampled_from([1, 2, 4, 8]), st.data())
def test_a_palette_png_of_any_depth_decodes_through_its_palette_and_transparency(
    size: tuple[int, int], depth: int, data: st.DataObject
) -> None:
    """Indices packed 1, 2, 4 or 8 to a byte, looked up in PLTE, with tRNS's alpha where given."""
    width, height = size
    count = 1 << depth
    indices = np.array(
        data.draw(
            st.lists(st.integers(0, count - 1), min_size=width * height, max_size=width * height)
        ),
        dtype=np.uint8,
    ).reshape(height, width)
    palette = np.array(
        data.draw(st.lists(st.integers(0, 255), min_size=3 * count, max_size=3 * count)),
        dtype=np.uint8,
    ).reshape(count, 3)
    alpha = bytes(data.draw(st.lists(st.integers(0, 255), max_size=count)))
    rows = [
        np.packbits(np.unpackbits(row[:, None], axis=1)[:, 8 - depth :].reshape(-1)).tobytes()
        for row in indices
    ]
    filters = data.draw(st.lists(st.integers(0, 4), min_size=height, max_size=height))
    extra = [(b"PLTE", palette.tobytes())] + ([(b"tRNS", alpha)] if alpha else [])
    decoded = decode_png(encode_png(rows, width, 3, depth, filters, extra))
    assert decoded is not None
    assert (decoded[..., :3] == palette[indices]).all()
    full_alpha = np.full(count, 255, dtype=np.uint8)
    full_alpha[: len(alpha)] = np.frombuffer(alpha, dtype=np.uint8)
    assert (decoded[..., 3] == full_alpha[indices]).all()


def test_a_grey_png_is_spread_over_the_byte() -> None:
    """Grey of 1 bit: 0 is black and 1 white; grey with alpha keeps its alpha."""
    one_bit = decode_png(encode_png([bytes([0b10100000])], 3, 0, 1, [0]))
    assert one_bit is not None and one_bit[0, :, 0].tolist() == [255, 0, 255]
    with_alpha = decode_png(encode_png([bytes([7, 200])], 1, 4, 8, [1]))
    assert with_alpha is not None and with_alpha[0, 0].tolist() == [7, 7, 7, 200]


@settings(max_examples=300)
@given(st.binary(max_size=200), st.integers(0, 300))
def test_damaged_pngs_are_refused_never_raised(tail: bytes, cut: int) -> None:
    """Random bytes after the signature, and a real PNG cut short anywhere: None, never an exception."""
    random = decode_png(SIGNATURE + tail)
    assert random is None or (random.ndim == 3 and random.shape[2] == 4)
    real = encode_png([bytes([1, 2, 3, 4, 5, 6])], 2, 2, 8, [4])
    result = decode_png(real[:cut])
    assert result is None or result.shape == (1, 2, 4)


def test_a_png_too_big_or_interlaced_is_not_decoded() -> None:
    """Over 4096 pixels a side, or Adam7-interlaced: drawn as an outline, never inflated."""
    huge = SIGNATURE + _chunk(b"IHDR", struct.pack(">IIBBBBB", 100_000, 100_000, 8, 6, 0, 0, 0))
    assert (
        decode_png(huge + _chunk(b"IDAT", zlib.compress(bytes(1000))) + _chunk(b"IEND", b""))
        is None
    )
    interlaced = SIGNATURE + _chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 1))
    assert (
        decode_png(interlaced + _chunk(b"IDAT", zlib.compress(bytes(4))) + _chunk(b"IEND", b""))
        is None
    )


# ## Vector and JPEG sizes


@pytest.mark.parametrize(
    ("svg", "size"),
    [
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" width="95.5" height="100" viewBox="0,0,95.5,100">',
            (95.5, 100.0),
        ),
        (b"<?xml version='1.0'?><svg width='20px' height='10px'>", (20.0, 10.0)),
        (b'<svg viewBox="0 0 30 40" width="100%">', (30.0, 40.0)),
        (b"<svg>", (0.0, 0.0)),
    ],
)
def test_a_vector_costume_is_its_root_tags_size(svg: bytes, size: tuple[float, float]) -> None:
    """width and height (px or bare), else the viewBox; a vector is never rasterised."""
    entry = {"md5ext": "a.svg", "rotationCenterX": 3, "rotationCenterY": 4, "bitmapResolution": 2}
    image = costume_image(entry, {"a.svg": svg + b"<rect/></svg>"})
    assert image is not None
    assert (image.width, image.height, image.resolution, image.centre, image.rgba) == (
        *size,
        1.0,
        (3.0, 4.0),
        None,
    )


def test_a_jpeg_costume_is_its_frame_size_and_a_missing_file_is_none() -> None:
    """A JPEG's size comes from its start-of-frame segment; no file, no image."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + bytes(14)
    sof0 = b"\xff\xc0" + struct.pack(">HBHH", 11, 8, 30, 40) + bytes(6)
    entry = {"assetId": "j", "dataFormat": "jpg", "bitmapResolution": 2}
    image = costume_image(entry, {"j.jpg": b"\xff\xd8" + app0 + sof0})
    assert image is not None and (image.width, image.height, image.resolution) == (40.0, 30.0, 2.0)
    assert costume_image(entry, {}) is None
    assert costume_image(entry, {"j.jpg": b"\xff\xd8\xff\xe0\x00\x00"}) is None


# ## Drawing


def _square(colour: tuple[int, int, int], side: int) -> CostumeImage:
    rgba = np.zeros((side, side, 4), dtype=np.uint8)
    rgba[..., :3] = colour
    rgba[..., 3] = 255
    return CostumeImage(float(side), float(side), 1.0, (side / 2, side / 2), rgba)


def _half_red_half_blue() -> CostumeImage:
    """20 x 10 pixels: the left half red, the right half blue, centred."""
    rgba = np.zeros((10, 20, 4), dtype=np.uint8)
    rgba[:, :10] = (255, 0, 0, 255)
    rgba[:, 10:] = (0, 0, 255, 255)
    return CostumeImage(20.0, 10.0, 1.0, (10.0, 5.0), rgba)


def _at(picture: StagePicture, x: float, y: float) -> tuple[float, ...]:
    """The colour of the cell under stage point (x, y)."""
    return tuple(round(c, 3) for c in picture.canvas[int(180 - y), int(x + 240)])


RED, BLUE, WHITE = (1.0, 0.0, 0.0), (0.0, 0.0, 1.0), (1.0, 1.0, 1.0)


def test_a_bitmap_is_drawn_at_its_place_and_size() -> None:
    """Centred on the sprite's position, scaled by size: at 200 % the 20 x 10 costume covers 40 x 20."""
    picture = StagePicture(480, 360, {})
    picture.draw_costume(_half_red_half_blue(), Pose(100.0, 50.0, 90.0, 200.0, "all around", 0.0))
    assert _at(picture, 85, 50) == RED and _at(picture, 115, 50) == BLUE
    assert _at(picture, 85, 59) == RED and _at(picture, 85, 61) == WHITE
    assert _at(picture, 80, 50) == RED and _at(picture, 79, 50) == WHITE


@pytest.mark.parametrize(
    ("direction", "style", "left", "right"),
    [
        (-90.0, "all around", BLUE, RED),  # turned half round: upside down, red on the right
        (-90.0, "left-right", BLUE, RED),  # mirrored
        (-90.0, "don't rotate", RED, BLUE),
        (90.0, "left-right", RED, BLUE),
    ],
)
def test_direction_turns_or_mirrors_the_costume_as_its_rotation_style_says(
    direction: float, style: str, left: tuple[float, ...], right: tuple[float, ...]
) -> None:
    """all around rotates, left-right mirrors when facing left, don't rotate keeps it as drawn."""
    picture = StagePicture(480, 360, {})
    picture.draw_costume(_half_red_half_blue(), Pose(0.0, 0.0, direction, 100.0, style, 0.0))
    assert _at(picture, -5, 0) == left and _at(picture, 5, 0) == right


def test_pointing_down_turns_the_costume_a_quarter_clockwise() -> None:
    """Direction 180: the red left half is now on top."""
    picture = StagePicture(480, 360, {})
    picture.draw_costume(_half_red_half_blue(), Pose(0.0, 0.0, 180.0, 100.0, "all around", 0.0))
    assert _at(picture, 0, 5) == RED and _at(picture, 0, -5) == BLUE
    assert _at(picture, -8, 0) == WHITE  # the 10-wide side now runs left to right


def test_ghost_blends_with_what_is_behind_and_later_sprites_cover_earlier_ones() -> None:
    """At ghost 50 a red square over white is pink; an opaque blue square drawn after it covers it."""
    picture = StagePicture(480, 360, {})
    picture.draw_costume(_square((255, 0, 0), 10), Pose(0.0, 0.0, 90.0, 100.0, "all around", 50.0))
    assert _at(picture, 0, 0) == (1.0, 0.5, 0.5)
    picture.draw_costume(_square((0, 0, 255), 4), Pose(0.0, 0.0, 90.0, 100.0, "all around", 0.0))
    assert _at(picture, 0, 0) == BLUE and _at(picture, 4, 0) == (1.0, 0.5, 0.5)


def test_a_vector_costume_is_its_boxs_outline_and_a_missing_one_a_cross() -> None:
    """No rasteriser for vectors: the box's edge is drawn, its inside left as it was."""
    picture = StagePicture(480, 360, {})
    box = CostumeImage(40.0, 20.0, 1.0, (20.0, 10.0), None)
    picture.draw_costume(box, Pose(0.0, 0.0, 90.0, 100.0, "all around", 0.0))
    assert _at(picture, -19.5, 0) != WHITE and _at(picture, 0, 9.5) != WHITE
    assert _at(picture, 0, 0) == WHITE and _at(picture, -25, 0) == WHITE
    picture.draw_costume(None, Pose(100.0, 100.0, 90.0, 100.0, "all around", 0.0))
    assert _at(picture, 102, 100) != WHITE and _at(picture, 102, 102) == WHITE


# ## run --stage on a project with bitmap costumes


def _project_with_bitmaps(tmp_path: Path, size: float = 100) -> Path:
    """A bitmap backdrop (green, at resolution 2) and a sprite whose bitmap costume is red, moved to (-100, 60)."""
    backdrop = png_bytes(
        [[(0.0, 1.0, 0.0)] * 960 for _ in range(4)] + [[(0.0, 1.0, 0.0)] * 960] * 716
    )
    sprite = png_bytes([[(1.0, 0.0, 0.0)] * 8] * 8)
    doc: dict[str, Any] = {
        "targets": [
            {
                "isStage": True,
                "name": "Stage",
                "costumes": [
                    {
                        "name": "b",
                        "md5ext": "b.png",
                        "dataFormat": "png",
                        "assetId": "b",
                        "bitmapResolution": 2,
                        "rotationCenterX": 480,
                        "rotationCenterY": 360,
                    }
                ],
                "blocks": {},
            },
            {
                "isStage": False,
                "name": "Red",
                "x": 0,
                "y": 0,
                "size": size,
                "visible": True,
                "costumes": [
                    {
                        "name": "c",
                        "md5ext": "c.png",
                        "dataFormat": "png",
                        "assetId": "c",
                        "bitmapResolution": 1,
                        "rotationCenterX": 4,
                        "rotationCenterY": 4,
                    }
                ],
                "blocks": {
                    "h": {
                        "opcode": "event_whenflagclicked",
                        "next": "g",
                        "parent": None,
                        "inputs": {},
                        "fields": {},
                        "topLevel": True,
                        "x": 0,
                        "y": 0,
                    },
                    "g": {
                        "opcode": "motion_gotoxy",
                        "next": None,
                        "parent": "h",
                        "inputs": {"X": [1, [4, "-100"]], "Y": [1, [4, "60"]]},
                        "fields": {},
                        "topLevel": False,
                    },
                },
            },
        ],
        "meta": {"semver": "3.0.0"},
    }
    path = tmp_path / "bitmaps.sb3"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.json", json.dumps(doc))
        archive.writestr("b.png", backdrop)
        archive.writestr("c.png", sprite)
    return path


def test_run_stage_draws_the_backdrop_and_the_sprites_bitmaps(tmp_path: Path) -> None:
    """The green backdrop fills the stage and the red 8 x 8 sprite stands where the script moved it."""
    out = tmp_path / "stage.png"
    assert main(["run", str(_project_with_bitmaps(tmp_path)), "--stage", str(out)]) == 0
    pixels = decode(out.read_bytes())
    assert pixels[180 - 60][240 - 100] == (255, 0, 0)
    assert pixels[180 - 60][240 - 100 + 3] == (255, 0, 0) and pixels[180 - 60][240 - 100 + 5] == (
        0,
        255,
        0,
    )
    assert pixels[0][0] == (0, 255, 0) and pixels[359][479] == (0, 255, 0)


def test_run_stage_with_a_damaged_costume_file_still_writes_the_picture(tmp_path: Path) -> None:
    """A costume PNG that does not decode is drawn as its box (or a cross); the run and the picture go on."""
    path = _project_with_bitmaps(tmp_path)
    damaged = tmp_path / "damaged.sb3"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(damaged, "w") as archive:
        for name in source.namelist():
            body = source.read(name)
            archive.writestr(name, body[:40] if name.endswith(".png") else body)
    out = tmp_path / "stage.png"
    assert main(["run", str(damaged), "--stage", str(out)]) == 0
    pixels = decode(out.read_bytes())
    assert pixels[0][0] == (255, 255, 255)
    assert io.BytesIO(out.read_bytes()).read(8) == SIGNATURE


numbers = st.floats(allow_nan=False) | st.sampled_from([1e300, -1e300, 5e-324, -0.0])


@settings(max_examples=300)
@given(
    x=numbers,
    y=numbers,
    direction=numbers,
    size=numbers,
    style=st.sampled_from(["all around", "left-right", "don't rotate"]),
    ghost=numbers,
    bitmap=st.booleans(),
    side=st.sampled_from([0.0, 1.0, 3.0, 1e6]),
)
def test_any_pose_draws_or_draws_nothing_without_a_warning(
    x: float,
    y: float,
    direction: float,
    size: float,
    style: str,
    ghost: float,
    bitmap: bool,
    side: float,
) -> None:
    """Positions, sizes and directions far out of range (a project may set any number) never raise
    or warn; the canvas stays colours between 0 and 1."""
    import warnings

    rgba = np.full((3, 3, 4), 128, dtype=np.uint8) if bitmap else None
    image = CostumeImage(3.0 if bitmap else side, 3.0 if bitmap else side, 1.0, (1.5, 1.5), rgba)
    picture = StagePicture(48, 36, {})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        picture.draw_costume(image, Pose(x, y, direction, size, style, ghost))
        picture.draw_costume(None, Pose(x, y, direction, size, style, ghost))
    assert np.isfinite(picture.canvas).all()
    assert (picture.canvas >= 0).all() and (picture.canvas <= 1).all()


def test_the_inspector_draws_the_stage_with_its_sprites(tmp_path: Path) -> None:
    """With no input picture declared, the picture pane shows the stage: the bitmap backdrop and the
    sprite where the script moved it, from the project's own costume files."""
    import asyncio

    from emulator.debug.session import DebugSession
    from emulator.sb3 import load_assets, load_project
    from emulator.tui.live.app import DebuggerApp
    from emulator.tui.shared.picture_view import InputPicture

    path = _project_with_bitmaps(tmp_path, size=500)  # 40 stage units: a few cells of the pane
    session = DebugSession(load_project(path), assets=load_assets(path))

    async def drawn() -> tuple[str, str]:
        app = DebuggerApp(session)
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.press("c")
            await app.workers.wait_for_complete()
            await pilot.pause()
            picture = app.query_one(InputPicture)
            styles = " ".join(str(span.style) for span in picture.render().spans)  # type: ignore[union-attr]
            return str(picture.border_title), styles

    title, styles = asyncio.run(drawn())
    assert title == "stage"
    assert "rgb(0,255,0)" in styles and "rgb(255,0,0)" in styles
