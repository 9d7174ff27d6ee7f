"""README's spiral figures are fresh: rebuilt in seconds from the reference's run and the program's own drawing."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from emulator.programs import spiral
from emulator.programs.spiral_net import build
from emulator.runtime.runtime import Runtime
from emulator.values import number_to_string, to_number
from tests.bench.spiral_figures import SEED, figures

GOLDEN = Path(__file__).resolve().parent / "golden" / "spiral"
REGENERATE = "python tests/bench/spiral_figures.py"


def drawn_from(params: np.ndarray) -> tuple[Runtime, list[str]]:
    """The program at the textbook's sizes, trained for no epoch, measuring and drawing with these params.

    It pauses where `phase` becomes "done" (training over, before `accuracy` and `draw regions`) and
    takes `params` there, so what follows is the program's own accuracy and drawing code.
    """
    rt = Runtime(build(epochs=0), seed=SEED)
    said: list[str] = []
    rt.on_say = lambda say: said.append(str(say.text))
    rt.green_flag()
    phase = rt.stage.variable(None, "phase")
    assert rt.run_until(lambda _thread, _block: phase.value == "done") is not None
    items = rt.stage.list(None, "params").items
    assert len(items) == len(params)
    items[:] = [float(v) for v in params]
    rt.run()
    return rt, said


def test_the_shipped_spiral_figures_are_fresh() -> None:
    """loss.svg and regions.svg equal what the figure script would write now.

    The full run takes minutes; the reference is bit-identical to it (tests/test_spiral.py), so its
    losses make the curve and its final params, put into the program, make the same strokes.
    """
    ref = spiral.reference_run({}, SEED)
    rt, said = drawn_from(ref.params)
    assert said == [f"accuracy: {number_to_string(ref.accuracy)}"]
    fresh = figures(rt.pen_layer, [loss for *_, loss in ref.printed])
    assert sorted(p.name for p in GOLDEN.iterdir()) == sorted(fresh)
    stale = [name for name, text in fresh.items() if (GOLDEN / name).read_text("utf-8") != text]
    assert not stale, f"{', '.join(stale)} in {GOLDEN.name}/ stale: run `{REGENERATE}`"


def test_the_program_trains_as_the_reference_at_the_figures_sizes() -> None:
    """Two epochs at the textbook's sizes: the program's params and loss lines are the reference's.

    The freshness test above trusts the reference for the whole run; this ties it to the program
    at exactly the figures' settings, not only at the small random sizes of tests/test_spiral.py.
    """
    params = {"epochs": 2, "grid": 0}
    rt = Runtime(build(**params), seed=SEED, engine="compiled")
    said: list[str] = []
    rt.on_say = lambda say: said.append(str(say.text))
    rt.green_flag()
    rt.run()
    ref = spiral.reference_run(params, SEED)
    items = rt.stage.list(None, "params").items
    np.testing.assert_array_equal(np.array([to_number(v) for v in items]), ref.params)
    assert said[:-1] == [
        f"| epoch {e} | iter {i} / {n} | loss {number_to_string(loss)}"
        for e, i, n, loss in ref.printed
    ]
