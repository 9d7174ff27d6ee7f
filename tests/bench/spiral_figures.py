"""Draw README's spiral figures from the textbook run: the pen's decision regions and the loss curve.

    python tests/bench/spiral_figures.py [--out tests/golden/spiral] [--seed 0]

It runs `spiral` with the textbook's defaults in the compiled engine (about 450 million blocks, a
few minutes), writes what the pen drew as regions.svg and the program's `loss_curve` list as
loss.svg, and prints the loss lines, which equal the reference's (tests/test_spiral.py checks that
on small sizes). tests/test_spiral_figures.py checks that the shipped figures are fresh without this
run: the loss curve from the reference's losses, the regions drawn by the program from the
reference's final parameters.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from emulator.programs.spiral_net import build
from emulator.runtime.pen import Mark, to_svg
from emulator.runtime.runtime import Runtime
from emulator.values import to_number

WIDTH, HEIGHT, MARGIN = 480, 240, 40
SEED = 0  # --seed's default: the run README's figures show


def curve_svg(losses: list[float], every: int = 10) -> str:
    """A plain line chart of the mean loss against the iteration, with its axes and a few labels."""
    top = max([*losses, 1.2])
    w, h = WIDTH - 2 * MARGIN, HEIGHT - 2 * MARGIN

    def point(n: int, loss: float) -> str:
        x = MARGIN + w * n / max(1, len(losses) - 1)
        return f"{x:.1f},{MARGIN + h * (1 - loss / top):.1f}"

    line = " ".join(point(n, loss) for n, loss in enumerate(losses))
    ticks = [
        f'<text x="{MARGIN - 6}" y="{MARGIN + h * (1 - v / top) + 4:.1f}" text-anchor="end">{v:g}</text>'
        for v in (0.0, 0.5, 1.0)
    ]
    last = len(losses) * every
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
            'font-family="sans-serif" font-size="11">',
            '<rect width="100%" height="100%" fill="white"/>',
            f'<path d="M{MARGIN},{MARGIN} V{MARGIN + h} H{MARGIN + w}" fill="none" stroke="black"/>',
            *ticks,
            f'<text x="{MARGIN}" y="{HEIGHT - 12}">iteration {every}</text>',
            f'<text x="{MARGIN + w}" y="{HEIGHT - 12}" text-anchor="end">{last}</text>',
            f'<text x="{MARGIN}" y="{MARGIN - 12}">mean loss every {every} iterations</text>',
            f'<polyline points="{line}" fill="none" stroke="#1836c0" stroke-width="1.5"/>',
            "</svg>",
            "",
        ]
    )


def figures(pen_layer: list[Mark], losses: list[float]) -> dict[str, str]:
    """Each figure's text by file name: what the pen drew, and the curve of the printed losses."""
    return {"regions.svg": to_svg(pen_layer), "loss.svg": curve_svg(losses)}


def main() -> None:
    """Run, write both figures, print the loss lines."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=Path("tests/golden/spiral"))
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    rt = Runtime(build(), seed=args.seed, engine="compiled")
    rt.on_say = lambda say: print(say.text)
    rt.green_flag()
    rt.run()
    args.out.mkdir(parents=True, exist_ok=True)
    losses = [to_number(v) for v in rt.stage.list(None, "loss_curve").items]
    for name, text in figures(rt.pen_layer, losses).items():
        (args.out / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
