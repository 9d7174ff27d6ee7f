"""The textbook's layers as Scratch custom blocks: affine, sigmoid and softmax-with-loss, forward and backward.

Each block reads its arguments from `p_` globals (offsets into `params`, `acts` and `dacts`, sizes,
the batch's rows) and keeps its locals under its own prefix (`af_`, `ab_`, `sf_`, `sb_`, `sl_`,
`slb_`); see spiral_net for the lists' layout.
"""

from __future__ import annotations

from typing import Any

from emulator.dsl import Procedure, TargetBuilder, Var, if_, mathop, repeat
from emulator.lut.tables import load_exp, load_log
from emulator.programs.spiral_layout import CLASSES, Layout, spiral
from emulator.values import number_to_string

STEP_H = 1e-4  # the textbook's h for central differences
LOG_EPSILON = 1e-7  # the textbook's cross entropy takes log(y + 1e-7)
REGION_COLOURS = ("#f4b6b6", "#b6e3b6", "#b6c8f4")
POINT_COLOURS = ("#c01818", "#178a17", "#1836c0")


_NAMES = (
    "phase epoch iteration iter loss total_loss loss_count correct accuracy "
    "p_layer p_offset p_w_off p_in_off p_out_off p_in_size p_out_size p_rows p_count p_x p_result "
    "u_x u_k u_j u_r1 u_r2 u_max u_best u_row "
    "af_b_off af_n af_i af_j af_sum "
    "ab_b_off ab_n ab_i ab_j ab_sum "
    "sf_k sb_k "
    "sl_n sl_j sl_row sl_max sl_sum sl_loss "
    "slb_n slb_j slb_row "
    "sh_i sh_j sh_tmp "
    "ac_k "
    "gc_k gc_tmp gc_l1 gc_l2 gc_sum gc_layer gc_start gc_size "
    "rg_gx rg_gy rg_x rg_y rg_class"
)


class Net:
    """The program's globals: constants, lists, arguments, utilities and each block's locals."""

    def __init__(self, stage: TargetBuilder, p: dict[str, Any], layout: Layout) -> None:
        var, lst = stage.var, stage.list
        x, t = spiral(p["points"], p["data_seed"])
        self.LEARNING_RATE = var("LEARNING_RATE", p["lr"])
        self.EPOCH_COUNT = var("EPOCH_COUNT", p["epochs"])
        self.BATCH_SIZE = var("BATCH_SIZE", p["batch"])
        self.POINT_COUNT = var("POINT_COUNT", len(t))
        self.ITERS_PER_EPOCH = var("ITERS_PER_EPOCH", len(t) // p["batch"])
        self.INIT_SCALE = var("INIT_SCALE", p["init"])
        self.STEP_H = var("STEP_H", STEP_H)
        self.GRID = var("GRID", p["grid"])
        self.off = {name: var(name, value) for name, value in layout.acts_offsets().items()}
        self.layer_size = lst("layer_size", [str(s) for s in layout.sizes])
        self.params, self.grads = lst("params"), lst("grads")
        self.numerical_grads = lst("numerical_grads")
        self.acts, self.dacts = lst("acts"), lst("dacts")
        self.x_data = lst("x_data", [number_to_string(float(v)) for v in x.reshape(-1)])
        self.t_data = lst("t_data", [str(int(v)) for v in t])
        self.order, self.t_batch = lst("order"), lst("t_batch")
        self.loss_curve = lst("loss_curve")
        self.region_colour = lst("region_colour", REGION_COLOURS)
        self.point_colour = lst("point_colour", POINT_COLOURS)
        self.exp_lut = lst("exp_lut", load_exp() if p["math"] == "lut" else ())
        self.log_lut = lst("log_lut", load_log() if p["math"] == "lut" else ())
        self.v: dict[str, Var] = {name: var(name, 0) for name in _NAMES.split()}

    def __getattr__(self, name: str) -> Var:
        return self.__dict__["v"][name]


def utilities(sp: TargetBuilder, n: Net, p: dict[str, Any]) -> dict[str, Procedure]:
    """u_exp and u_log (exact or from the tables), and `param offset` (p_layer in, p_offset out)."""
    u_exp = sp.procedure("u_exp", warp=True)
    with u_exp.define():
        if p["math"] == "scratch":
            n.p_result.set(mathop("e ^", n.p_x))
        else:
            _clamp(n.u_x, n.p_x, -10, 10)
            n.p_result.set(n.exp_lut[(n.u_x + 10) * 1000 + 1])
    u_log = sp.procedure("u_log", warp=True)
    with u_log.define():
        if p["math"] == "scratch":
            n.p_result.set(mathop("ln", n.p_x))
        else:
            _clamp(n.u_x, n.p_x, 0, 1)
            n.p_result.set(n.log_lut[n.u_x * 10000 + 1])
    param_offset = sp.procedure("param offset", warp=True)
    with param_offset.define():
        # W1 b1 W2 b2 ...: the layers before p_layer each take in * out + out items.
        n.p_offset.set(0)
        n.u_k.set(2)
        with repeat(n.p_layer - 2):
            n.p_offset.change(n.layer_size[n.u_k - 1] * n.layer_size[n.u_k] + n.layer_size[n.u_k])
            n.u_k.change(1)
    return {"u_exp": u_exp, "u_log": u_log, "param offset": param_offset}


def _clamp(dest: Var, source: Var, low: float, high: float) -> None:
    dest.set(source)
    with if_(dest < low):
        dest.set(low)
    with if_(dest > high):
        dest.set(high)


def affine(sp: TargetBuilder, n: Net, variant: str) -> dict[str, Procedure]:
    """affine.forward: out = x W + b; affine.backward: dx = dout W^T, dW = x^T dout, db = sum of dout."""
    # Both take p_w_off (W's offset in params; b follows W), p_in_off and p_out_off (in acts),
    # p_in_size, p_out_size and p_rows (the batch's rows).
    forward = sp.procedure("affine.forward", warp=True)
    with forward.define():
        n.af_b_off.set(n.p_w_off + n.p_in_size * n.p_out_size)
        n.af_n.set(0)
        with repeat(n.p_rows):
            n.af_j.set(0)
            with repeat(n.p_out_size):
                n.af_sum.set(0)
                n.af_i.set(0)
                with repeat(n.p_in_size):
                    n.af_sum.change(
                        n.acts[n.p_in_off + n.af_n * n.p_in_size + n.af_i + 1]
                        * n.params[n.p_w_off + n.af_i * n.p_out_size + n.af_j + 1]
                    )
                    n.af_i.change(1)
                n.acts.replace(
                    n.p_out_off + n.af_n * n.p_out_size + n.af_j + 1,
                    n.af_sum + n.params[n.af_b_off + n.af_j + 1],
                )
                n.af_j.change(1)
            n.af_n.change(1)
    backward = sp.procedure("affine.backward", warp=True)
    with backward.define():
        n.ab_b_off.set(n.p_w_off + n.p_in_size * n.p_out_size)
        _affine_dx(n)
        _affine_dw(n)
        # db: the sum of dout over the batch's rows (the buggy variant sums a row over the columns).
        n.ab_j.set(0)
        with repeat(n.p_out_size):
            n.ab_sum.set(0)
            n.ab_n.set(0)
            with repeat(n.p_out_size if variant == "buggy" else n.p_rows):
                if variant == "buggy":
                    n.ab_sum.change(n.dacts[n.p_out_off + n.ab_j * n.p_out_size + n.ab_n + 1])
                else:
                    n.ab_sum.change(n.dacts[n.p_out_off + n.ab_n * n.p_out_size + n.ab_j + 1])
                n.ab_n.change(1)
            n.grads.replace(n.ab_b_off + n.ab_j + 1, n.ab_sum)
            n.ab_j.change(1)
    return {"affine.forward": forward, "affine.backward": backward}


def _affine_dx(n: Net) -> None:
    """dx[r, i] = sum over j of dout[r, j] * W[i, j], into dacts at p_in_off."""
    n.ab_n.set(0)
    with repeat(n.p_rows):
        n.ab_i.set(0)
        with repeat(n.p_in_size):
            n.ab_sum.set(0)
            n.ab_j.set(0)
            with repeat(n.p_out_size):
                n.ab_sum.change(
                    n.dacts[n.p_out_off + n.ab_n * n.p_out_size + n.ab_j + 1]
                    * n.params[n.p_w_off + n.ab_i * n.p_out_size + n.ab_j + 1]
                )
                n.ab_j.change(1)
            n.dacts.replace(n.p_in_off + n.ab_n * n.p_in_size + n.ab_i + 1, n.ab_sum)
            n.ab_i.change(1)
        n.ab_n.change(1)


def _affine_dw(n: Net) -> None:
    """dW[i, j] = sum over the rows r of x[r, i] * dout[r, j], into grads at p_w_off."""
    n.ab_i.set(0)
    with repeat(n.p_in_size):
        n.ab_j.set(0)
        with repeat(n.p_out_size):
            n.ab_sum.set(0)
            n.ab_n.set(0)
            with repeat(n.p_rows):
                n.ab_sum.change(
                    n.acts[n.p_in_off + n.ab_n * n.p_in_size + n.ab_i + 1]
                    * n.dacts[n.p_out_off + n.ab_n * n.p_out_size + n.ab_j + 1]
                )
                n.ab_n.change(1)
            n.grads.replace(n.p_w_off + n.ab_i * n.p_out_size + n.ab_j + 1, n.ab_sum)
            n.ab_j.change(1)
        n.ab_i.change(1)


def sigmoid(sp: TargetBuilder, n: Net, u: dict[str, Procedure]) -> dict[str, Procedure]:
    """sigmoid.forward: out = 1 / (1 + e^-x); sigmoid.backward: dx = dout * (1 - out) * out."""
    # Both take p_in_off, p_out_off (in acts / dacts) and p_count (items).
    forward = sp.procedure("sigmoid.forward", warp=True)
    with forward.define():
        n.sf_k.set(1)
        with repeat(n.p_count):
            n.p_x.set(0 - n.acts[n.p_in_off + n.sf_k])
            u["u_exp"]()
            n.acts.replace(n.p_out_off + n.sf_k, 1 / (1 + n.p_result))
            n.sf_k.change(1)
    backward = sp.procedure("sigmoid.backward", warp=True)
    with backward.define():
        n.sb_k.set(1)
        with repeat(n.p_count):
            n.dacts.replace(
                n.p_in_off + n.sb_k,
                n.dacts[n.p_out_off + n.sb_k]
                * (1 - n.acts[n.p_out_off + n.sb_k])
                * n.acts[n.p_out_off + n.sb_k],
            )
            n.sb_k.change(1)
    return {"sigmoid.forward": forward, "sigmoid.backward": backward}


def softmax_with_loss(sp: TargetBuilder, n: Net, u: dict[str, Procedure]) -> dict[str, Procedure]:
    """forward: y = softmax(scores) row by row, loss = mean of -ln(y[label] + 1e-7); backward: (y - t) / rows."""
    # Both take p_in_off (the scores), p_out_off (y) and p_rows; the labels are in t_batch.
    forward = sp.procedure("softmax_with_loss.forward", warp=True)
    with forward.define():
        n.sl_loss.set(0)
        n.sl_n.set(0)
        with repeat(n.p_rows):
            n.sl_row.set(n.sl_n * CLASSES)
            n.sl_max.set(n.acts[n.p_in_off + n.sl_row + 1])
            n.sl_j.set(1)
            with repeat(CLASSES - 1):
                with if_(n.acts[n.p_in_off + n.sl_row + n.sl_j + 1] > n.sl_max):
                    n.sl_max.set(n.acts[n.p_in_off + n.sl_row + n.sl_j + 1])
                n.sl_j.change(1)
            n.sl_sum.set(0)
            n.sl_j.set(1)
            with repeat(CLASSES):
                n.p_x.set(n.acts[n.p_in_off + n.sl_row + n.sl_j] - n.sl_max)
                u["u_exp"]()
                n.acts.replace(n.p_out_off + n.sl_row + n.sl_j, n.p_result)
                n.sl_sum.change(n.p_result)
                n.sl_j.change(1)
            n.sl_j.set(1)
            with repeat(CLASSES):
                n.acts.replace(
                    n.p_out_off + n.sl_row + n.sl_j,
                    n.acts[n.p_out_off + n.sl_row + n.sl_j] / n.sl_sum,
                )
                n.sl_j.change(1)
            n.p_x.set(n.acts[n.p_out_off + n.sl_row + n.t_batch[n.sl_n + 1] + 1] + LOG_EPSILON)
            u["u_log"]()
            n.sl_loss.change(n.p_result)
            n.sl_n.change(1)
        n.loss.set((0 - n.sl_loss) / n.p_rows)  # the one write of `loss` per forward pass
    backward = sp.procedure("softmax_with_loss.backward", warp=True)
    with backward.define():
        n.slb_n.set(0)
        with repeat(n.p_rows):
            n.slb_row.set(n.slb_n * CLASSES)
            n.slb_j.set(0)
            with repeat(CLASSES):
                n.u_x.set(n.acts[n.p_out_off + n.slb_row + n.slb_j + 1])
                with if_(n.slb_j == n.t_batch[n.slb_n + 1]):
                    n.u_x.set(n.u_x - 1)
                n.dacts.replace(n.p_in_off + n.slb_row + n.slb_j + 1, n.u_x / n.p_rows)
                n.slb_j.change(1)
            n.slb_n.change(1)
    return {"softmax_with_loss.forward": forward, "softmax_with_loss.backward": backward}
