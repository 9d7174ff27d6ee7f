"""The stage as a picture: backdrop, pen layer (strokes and stamps) and sprites, back to front, on a grid.

A bitmap costume is drawn from its pixels; a vector or JPEG costume, which would need a renderer
of its own, as the outline of its box; a costume whose file the project lacks as a small cross at
the sprite's position. Size, direction, rotation style and the ghost effect are applied; the other
graphic effects are not.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from emulator.costume_images import CostumeImage, costume_image
from emulator.runtime.pen import RGB, Stamp, Stroke, stroke_cells

if TYPE_CHECKING:
    from emulator.runtime.runtime import Runtime
    from emulator.runtime.state import RuntimeTarget

STAGE_WIDTH, STAGE_HEIGHT = 480, 360  # the stage's own size in stage units
OUTLINE = np.array([0.35, 0.35, 0.35])  # a costume drawn as its box
MISSING_ARM = 4.0  # stage units each arm of the cross for a costume with no file


@dataclass(frozen=True)
class Pose:
    """Where and how a costume is drawn: position, direction, size (%), rotation style, ghost (%)."""

    x: float
    y: float
    direction: float
    size: float
    rotation_style: str
    ghost: float


class StagePicture:
    """A columns x rows grid over the stage, painted back to front."""

    def __init__(self, columns: int, rows: int, assets: Mapping[str, bytes]) -> None:
        self.columns, self.rows = columns, rows
        self.cell_w, self.cell_h = STAGE_WIDTH / columns, STAGE_HEIGHT / rows
        self.canvas = np.ones((rows, columns, 3))
        self.assets = assets
        self._images: dict[int, CostumeImage | None] = {}

    def pixels(self) -> list[list[RGB | None]]:
        """The picture, top row first, as png_bytes and the inspector take it."""
        return [[(r, g, b) for r, g, b in row] for row in self.canvas.tolist()]

    # ## Layers

    def draw_runtime(self, runtime: Runtime) -> None:
        """The stage's backdrop, then what the pens drew, then each visible sprite and clone."""
        stage = runtime.stage
        backdrop = self._image(_costume_entry(stage, stage.costume))
        if backdrop is not None and backdrop.rgba is not None:
            self.draw_costume(backdrop, Pose(0.0, 0.0, 90.0, 100.0, "don't rotate", 0.0))
        self.draw_pen(runtime.pen_layer, {t.name: t for t in runtime.targets})
        for target in runtime.executable:
            if not target.is_stage and target.visible:
                self.draw_target(target)

    def draw_pen(
        self, marks: Sequence[Stroke | Stamp], originals: Mapping[str, RuntimeTarget]
    ) -> None:
        """Strokes in their colours and stamps as the sprite looked, in the order they were made."""
        for mark in marks:
            if isinstance(mark, Stroke):
                rgb = np.array(mark.rgba[:3])
                for row, col in stroke_cells(mark, self.columns, self.rows):
                    self.canvas[row, col] = rgb
                continue
            target = originals.get(mark.target)
            if target is None or mark.costume not in target.costumes:
                continue
            style = target.rotation_style
            pose = _pose(mark.x, mark.y, mark.direction, mark.size, style, 0.0)
            if pose is not None:
                index = target.costumes.index(mark.costume)
                self.draw_costume(self._image(_costume_entry(target, index)), pose)

    def draw_target(self, target: RuntimeTarget) -> None:
        """A sprite or clone as it stands."""
        pose = _pose(
            target.x,
            target.y,
            target.direction,
            target.size,
            target.rotation_style,
            target.effects.get("ghost", 0.0),
        )
        if pose is not None:
            self.draw_costume(self._image(_costume_entry(target, target.costume)), pose)

    # ## One costume

    def draw_costume(self, image: CostumeImage | None, pose: Pose) -> None:
        """A costume in a pose: its pixels, its box's outline, or a cross when there is no image."""
        if image is None:
            self._cross(pose)
            return
        with np.errstate(all="ignore"):  # extreme sizes and places overflow: drawn or not, no error
            u, v, rows, cols = self._image_coordinates(image, pose)
        if u is None:
            return
        inside = (u >= 0) & (u < image.width) & (v >= 0) & (v < image.height)
        alpha = 1.0 - min(max(pose.ghost, 0.0), 100.0) / 100.0
        if image.rgba is not None:
            iu = np.where(inside, u, 0).astype(np.int64).clip(0, int(image.width) - 1)
            iv = np.where(inside, v, 0).astype(np.int64).clip(0, int(image.height) - 1)
            rgba = image.rgba[iv, iu] / 255.0
            weight = np.where(inside, rgba[..., 3] * alpha, 0.0)[..., None]
            region = self.canvas[rows, cols]
            self.canvas[rows, cols] = region * (1 - weight) + rgba[..., :3] * weight
            return
        # The outline: inside the box, within one cell of an edge (in image pixels).
        scale = max(pose.size, 1e-9) / 100.0 / image.resolution
        edge = max(self.cell_w, self.cell_h) / scale
        near = (u < edge) | (u >= image.width - edge) | (v < edge) | (v >= image.height - edge)
        weight = np.where(inside & near, alpha, 0.0)[..., None]
        region = self.canvas[rows, cols]
        self.canvas[rows, cols] = region * (1 - weight) + OUTLINE * weight

    def _image_coordinates(self, image: CostumeImage, pose: Pose) -> tuple[Any, Any, slice, slice]:
        """For each cell around the posed costume, the image pixel under its centre (u right, v down)."""
        scale = pose.size / 100.0 / image.resolution  # stage units per image pixel
        if not (math.isfinite(scale) and scale > 0):
            return None, None, slice(0), slice(0)
        flip, angle = 1.0, 0.0
        if pose.rotation_style == "all around" and math.isfinite(pose.direction):
            angle = math.radians(90.0 - pose.direction)
        elif pose.rotation_style == "left-right" and pose.direction < 0:
            flip = -1.0
        reach = math.hypot(image.width, image.height) * scale + max(self.cell_w, self.cell_h)
        rows, cols = self._cells_near(pose.x, pose.y, min(reach, 2.0 * STAGE_WIDTH))
        if rows.start >= rows.stop or cols.start >= cols.stop:
            return None, None, rows, cols
        ys = STAGE_HEIGHT / 2 - (np.arange(rows.start, rows.stop) + 0.5) * self.cell_h
        xs = (np.arange(cols.start, cols.stop) + 0.5) * self.cell_w - STAGE_WIDTH / 2
        dx = xs[None, :] - pose.x
        dy = ys[:, None] - pose.y
        cos, sin = math.cos(-angle), math.sin(-angle)
        local_x = (dx * cos - dy * sin) / scale * flip
        local_y = (dx * sin + dy * cos) / scale
        return image.centre[0] + local_x, image.centre[1] - local_y, rows, cols

    def _cells_near(self, x: float, y: float, reach: float) -> tuple[slice, slice]:
        x = min(max(x, -2.0 * STAGE_WIDTH), 2.0 * STAGE_WIDTH)  # far off the stage: no cell near
        y = min(max(y, -2.0 * STAGE_WIDTH), 2.0 * STAGE_WIDTH)
        first_col = max(0, int((x - reach + STAGE_WIDTH / 2) / self.cell_w))
        last_col = min(self.columns, int((x + reach + STAGE_WIDTH / 2) / self.cell_w) + 1)
        first_row = max(0, int((STAGE_HEIGHT / 2 - y - reach) / self.cell_h))
        last_row = min(self.rows, int((STAGE_HEIGHT / 2 - y + reach) / self.cell_h) + 1)
        return slice(first_row, max(first_row, last_row)), slice(
            first_col, max(first_col, last_col)
        )

    def _cross(self, pose: Pose) -> None:
        for x0, y0, x1, y1 in (
            (pose.x - MISSING_ARM, pose.y, pose.x + MISSING_ARM, pose.y),
            (pose.x, pose.y - MISSING_ARM, pose.x, pose.y + MISSING_ARM),
        ):
            arm = Stroke(x0, y0, x1, y1, (*OUTLINE.tolist(), 1.0), 1.0)
            for row, col in stroke_cells(arm, self.columns, self.rows):
                self.canvas[row, col] = OUTLINE

    def _image(self, entry: Mapping[str, Any] | None) -> CostumeImage | None:
        if entry is None:
            return None
        key = id(entry)
        if key not in self._images:
            self._images[key] = costume_image(entry, self.assets)
        return self._images[key]


def stage_pixels(
    runtime: Runtime,
    assets: Mapping[str, bytes],
    columns: int = STAGE_WIDTH,
    rows: int = STAGE_HEIGHT,
) -> list[list[RGB | None]]:
    """The stage as it is now: backdrop, pen layer and sprites on a columns x rows grid."""
    picture = StagePicture(columns, rows, assets)
    picture.draw_runtime(runtime)
    return picture.pixels()


def _costume_entry(target: RuntimeTarget, index: float) -> Mapping[str, Any] | None:
    entries = target.source.extra.get("costumes")
    if not isinstance(entries, list) or not (0 <= index < len(entries)) or index != int(index):
        return None
    entry = entries[int(index)]
    return entry if isinstance(entry, Mapping) else None


def _pose(
    x: object, y: object, direction: float, size: float, style: str, ghost: float
) -> Pose | None:
    """A pose, or None for a sprite with no place (it went to a mouse the headless VM has not got)."""
    if not (
        isinstance(x, float) and isinstance(y, float) and math.isfinite(x) and math.isfinite(y)
    ):
        return None
    size = size if math.isfinite(size) else 100.0
    direction = direction if math.isfinite(direction) else 90.0
    return Pose(x, y, direction, size, style, ghost if math.isfinite(ghost) else 0.0)
