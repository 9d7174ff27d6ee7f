"""The stage as a PNG: the writer's bytes decode to the grid given, and `run --stage` draws the pen layer."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulator.cli import main
from emulator.dsl import Program
from emulator.dsl_sprite import go_to_xy, pen_down, pen_up, set_pen_color, set_pen_size
from emulator.png import SIGNATURE, png_bytes
from emulator.sb3 import save_sb3


def decode(data: bytes) -> list[list[tuple[int, int, int]]]:
    """The pixels of an 8-bit RGB PNG with unfiltered rows (what png_bytes writes), checking every CRC."""
    assert data.startswith(SIGNATURE)
    pos, chunks = len(SIGNATURE), {}
    while pos < len(data):
        (length,) = struct.unpack_from(">I", data, pos)
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack_from(">I", data, pos + 8 + length)
        assert crc == zlib.crc32(kind + body)
        chunks[kind] = body
        pos += 12 + length
    width, height, depth, colour, *_ = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    assert (depth, colour) == (8, 2) and b"IEND" in chunks
    raw = zlib.decompress(chunks[b"IDAT"])
    stride = 1 + 3 * width
    rows = []
    for r in range(height):
        line = raw[r * stride : (r + 1) * stride]
        assert line[0] == 0
        rows.append([tuple(line[1 + 3 * c : 4 + 3 * c]) for c in range(width)])
    return rows


cells = st.none() | st.tuples(*[st.floats(-1, 2)] * 3)


@given(
    st.integers(1, 6).flatmap(
        lambda w: st.lists(st.lists(cells, min_size=w, max_size=w), min_size=1, max_size=5)
    )
)
def test_a_grid_decodes_to_its_colours(grid: list[list[tuple[float, float, float] | None]]) -> None:
    """Each cell is its colour in bytes (clamped to 0..255); an empty cell is the white backdrop."""
    expected = [
        [tuple(max(0, min(255, round(c * 255))) for c in (cell or (1.0, 1.0, 1.0))) for cell in row]
        for row in grid
    ]
    assert decode(png_bytes(grid)) == expected


def drawing_project(tmp_path: Path) -> Path:
    """A sprite that draws one thick red line across the middle of the stage."""
    prog = Program("line")
    with prog.sprite("Pen").when_flag_clicked():
        go_to_xy(-200, 0)
        set_pen_size(20)
        set_pen_color("#ff0000")
        pen_down()
        go_to_xy(200, 0)
        pen_up()
    path = tmp_path / "line.sb3"
    save_sb3(prog.build(), path)
    return path


def test_run_stage_writes_the_pen_layer(tmp_path: Path) -> None:
    """The line is red where it was drawn and the rest is white, at the stage's 480x360."""
    out = tmp_path / "stage.png"
    assert main(["run", str(drawing_project(tmp_path)), "--stage", str(out)]) == 0
    pixels = decode(out.read_bytes())
    assert (len(pixels), len(pixels[0])) == (360, 480)
    assert pixels[180][240] == (255, 0, 0) and pixels[180][30] == (255, 0, 0)
    assert pixels[100][240] == (255, 255, 255) and pixels[180][10] == (255, 255, 255)


def test_run_stage_never_replaces_a_file_of_another_kind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file that is not a PNG stays as it was, unless --force."""
    notes = tmp_path / "notes.png"
    notes.write_text("my notes")
    project = drawing_project(tmp_path)
    assert main(["run", str(project), "--stage", str(notes)]) == 2
    assert notes.read_text() == "my notes" and "is not a PNG picture" in capsys.readouterr().err
    assert main(["run", str(project), "--stage", str(notes), "--force"]) == 0
    assert notes.read_bytes().startswith(SIGNATURE)
