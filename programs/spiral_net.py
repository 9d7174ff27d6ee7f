"""The textbook's 2-H-3 TwoLayerNet on the three-armed spiral, as Scratch: layer blocks, mini-batches, SGD.

Written the way a Scratch author ports the textbook's layers:
- `params` holds W1 b1 W2 b2 in ONE flat list (W row by row: W[i, j] is item w_off + i*out + j + 1),
  and `grads` the gradients in the same layout. One flat list, not a list per parameter, because a
  Scratch custom block cannot take a list as an argument: with offsets, ONE `affine.forward` and
  ONE `affine.backward` serve both Affine layers, as the textbook's one Affine class does.
  `param offset` computes a layer's offset from `layer_size` at run time.
- `acts` holds the batch's tensors one after another (x, affine1's out, sigmoid's out, the
  scores, softmax's out; rows of a tensor one after another), `dacts` their gradients.
- The layers are custom blocks named after the textbook's: affine.forward/backward,
  sigmoid.forward/backward, softmax_with_loss.forward/backward. Arguments and results go through
  global variables: `p_` arguments, `u_` utilities, each block's locals under its own prefix,
  UPPER_CASE constants.
- A mini-batch's gradient is averaged as the textbook does: softmax_with_loss.backward divides by
  the batch size, and affine.backward sums over the batch.
- Each epoch shuffles `order` with `pick random` (Fisher-Yates); run with `--seed` to change it.
- `e ^` and `ln` by default (exact math); `--math lut` reads them from lookup tables instead.

Variants: `fixed`, and `buggy`, whose affine.backward sums the bias gradient over the wrong axis
(a row of dout instead of a column): b2's gradient comes out 0 and b1's points the wrong way.
"""

from __future__ import annotations

import argparse
from typing import Any

from emulator.dsl import (
    Procedure,
    Program,
    TargetBuilder,
    Var,
    if_,
    join,
    mathop,
    random,
    repeat,
    say,
)
from emulator.dsl_sprite import go_to_xy, hide, pen_down, pen_up, set_pen_color, set_pen_size
from emulator.programs.spiral_layers import Net, affine, sigmoid, softmax_with_loss, utilities
from emulator.programs.spiral_layout import (
    CLASSES,
    INPUTS,
    TEXTBOOK_SEED,
    Layout,
    OptionTypes,
)
from emulator.project import Project

VARIANTS = ("fixed", "buggy")
DEFAULTS: dict[str, Any] = {
    "variant": "fixed",
    "points": 100,  # per arm: 300 points, the textbook's
    "hidden": 10,
    "lr": 1.0,
    "batch": 30,
    "epochs": 300,
    "init": 0.01,  # weights start as INIT * a standard normal draw, biases at 0
    "math": "scratch",
    "data_seed": TEXTBOOK_SEED,
    "grid": 40,  # decision regions drawn as GRID x GRID cells at the end (0: none)
    "check_gradient": False,
}
PRINT_EVERY = 10  # iterations between loss lines
SCALE = 150  # stage pixels per unit of the data
EXTENT = 1.2  # the regions cover -EXTENT..EXTENT in both directions


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The program's own command-line options."""
    add = parser.add_argument
    add("--variant", choices=VARIANTS, default=DEFAULTS["variant"])
    add("--points", type=OptionTypes.points, default=DEFAULTS["points"], help="points per arm")
    add("--hidden", type=OptionTypes.hidden, default=DEFAULTS["hidden"], help="hidden units")
    add("--lr", type=OptionTypes.lr, default=DEFAULTS["lr"], help="learning rate")
    add("--batch", type=OptionTypes.batch, default=DEFAULTS["batch"], help="mini-batch size")
    add("--epochs", type=OptionTypes.epochs, default=DEFAULTS["epochs"])
    add("--init", type=OptionTypes.init, default=DEFAULTS["init"], help="weights: INIT * N(0, 1)")
    add(
        "--math",
        choices=("scratch", "lut"),
        default=DEFAULTS["math"],
        help="Scratch's e^ and ln (exact), or lookup tables",
    )
    add(
        "--data-seed",
        type=OptionTypes.data_seed,
        default=DEFAULTS["data_seed"],
        help="the spiral's noise seed (1984: the textbook's points)",
    )
    add(
        "--grid",
        type=OptionTypes.grid,
        default=DEFAULTS["grid"],
        help="decision regions drawn with the pen as GRID x GRID cells (0: none)",
    )
    add(
        "--check-gradient",
        action="store_true",
        help="instead of training: central differences against backprop, per parameter",
    )


def _net_passes(sp: TargetBuilder, n: Net, b: dict[str, Procedure]) -> dict[str, Procedure]:
    """predict (to the scores), forward (and the loss), backward (every gradient) and the SGD update."""
    o = n.off

    def affine(layer: int, in_off: Var, out_off: Var, block: str) -> None:
        n.p_layer.set(layer)
        b["param offset"]()
        n.p_w_off.set(n.p_offset)
        n.p_in_size.set(n.layer_size[layer - 1])
        n.p_out_size.set(n.layer_size[layer])
        n.p_in_off.set(in_off)
        n.p_out_off.set(out_off)
        b[block]()

    predict = sp.procedure("predict", warp=True)
    with predict.define():
        # p_rows rows of x in acts -> the scores.
        affine(2, o["X_OFF"], o["H_OFF"], "affine.forward")
        n.p_in_off.set(o["H_OFF"])
        n.p_out_off.set(o["A_OFF"])
        n.p_count.set(n.p_rows * n.layer_size[2])
        b["sigmoid.forward"]()
        affine(3, o["A_OFF"], o["S_OFF"], "affine.forward")
    forward = sp.procedure("forward", warp=True)
    with forward.define():
        predict()
        n.p_in_off.set(o["S_OFF"])
        n.p_out_off.set(o["Y_OFF"])
        b["softmax_with_loss.forward"]()
    backward = sp.procedure("backward", warp=True)
    with backward.define():
        n.p_in_off.set(o["S_OFF"])
        n.p_out_off.set(o["Y_OFF"])
        b["softmax_with_loss.backward"]()
        affine(3, o["A_OFF"], o["S_OFF"], "affine.backward")
        n.p_in_off.set(o["H_OFF"])
        n.p_out_off.set(o["A_OFF"])
        n.p_count.set(n.p_rows * n.layer_size[2])
        b["sigmoid.backward"]()
        affine(2, o["X_OFF"], o["H_OFF"], "affine.backward")
    update = sp.procedure("sgd.update", warp=True)
    with update.define():
        n.u_k.set(1)
        with repeat(n.params.length()):
            n.params.replace(n.u_k, n.params[n.u_k] - n.LEARNING_RATE * n.grads[n.u_k])
            n.u_k.change(1)
    return {"predict": predict, "forward": forward, "backward": backward, "sgd.update": update}


def _data_steps(sp: TargetBuilder, n: Net) -> dict[str, Procedure]:
    """init params, shuffle, load batch (p_index: the iteration in the epoch, from 0), load point (p_index)."""
    init = sp.procedure("init params", warp=True)
    with init.define():
        # The textbook's 0.01 * randn: a standard normal by Box-Muller, from two `pick random`s.
        for lst in (n.params, n.grads, n.numerical_grads, n.acts, n.dacts):
            lst.delete_all()
        n.u_k.set(2)
        with repeat(n.layer_size.length() - 1):
            with repeat(n.layer_size[n.u_k - 1] * n.layer_size[n.u_k]):
                n.u_r1.set(random("0.0", "1.0"))
                n.u_r2.set(random("0.0", "1.0"))
                n.params.add(
                    n.INIT_SCALE
                    * (mathop("sqrt", -2 * mathop("ln", 1 - n.u_r1)) * mathop("cos", 360 * n.u_r2))
                )
            with repeat(n.layer_size[n.u_k]):
                n.params.add(0)
            n.u_k.change(1)
        with repeat(n.params.length()):
            n.grads.add(0)
            n.numerical_grads.add(0)
        with repeat(n.off["Y_OFF"]):
            n.acts.add(0)
            n.dacts.add(0)  # every tensor's gradient but the softmax output's, which nothing needs
        with repeat(CLASSES * n.BATCH_SIZE):
            n.acts.add(0)
    shuffle = sp.procedure("shuffle", warp=True)
    with shuffle.define():
        # Fisher-Yates: every order of the points equally likely.
        n.order.delete_all()
        n.u_k.set(1)
        with repeat(n.POINT_COUNT):
            n.order.add(n.u_k)
            n.u_k.change(1)
        n.sh_i.set(n.POINT_COUNT)
        with repeat(n.POINT_COUNT - 1):
            n.sh_j.set(random(1, n.sh_i))
            n.sh_tmp.set(n.order[n.sh_i])
            n.order.replace(n.sh_i, n.order[n.sh_j])
            n.order.replace(n.sh_j, n.sh_tmp)
            n.sh_i.change(-1)
    load_batch = sp.procedure("load batch", warp=True)
    with load_batch.define():
        n.t_batch.delete_all()
        n.u_row.set(0)
        with repeat(n.BATCH_SIZE):
            n.u_k.set(n.order[n.iter * n.BATCH_SIZE + n.u_row + 1])
            _copy_point(n, n.u_k, n.u_row)
            n.t_batch.add(n.t_data[n.u_k])
            n.u_row.change(1)
    return {"init params": init, "shuffle": shuffle, "load batch": load_batch}


def _copy_point(n: Net, point: Var, row: Any) -> None:
    """x of the point (1-based) into row `row` (0-based) of the batch's x in acts."""
    n.u_j.set(1)
    with repeat(INPUTS):
        n.acts.replace(
            n.off["X_OFF"] + row * INPUTS + n.u_j, n.x_data[(point - 1) * INPUTS + n.u_j]
        )
        n.u_j.change(1)


def _argmax(n: Net) -> None:
    """u_best: the first largest score of row 0 (0-based class)."""
    n.u_max.set(n.acts[n.off["S_OFF"] + 1])
    n.u_best.set(0)
    n.u_j.set(1)
    with repeat(CLASSES - 1):
        with if_(n.acts[n.off["S_OFF"] + n.u_j + 1] > n.u_max):
            n.u_max.set(n.acts[n.off["S_OFF"] + n.u_j + 1])
            n.u_best.set(n.u_j)
        n.u_j.change(1)


def _training(sp: TargetBuilder, n: Net, b: dict[str, Procedure]) -> dict[str, Procedure]:
    """train (epochs of shuffled mini-batches) and the accuracy over every point."""
    train = sp.procedure("train", warp=True)
    with train.define():
        n.total_loss.set(0)
        n.loss_count.set(0)
        n.iteration.set(0)
        n.epoch.set(0)
        with repeat(n.EPOCH_COUNT):
            n.epoch.change(1)
            b["shuffle"]()
            n.iter.set(0)
            with repeat(n.ITERS_PER_EPOCH):
                n.iteration.change(1)  # a sample boundary: a mini-batch starts
                b["load batch"]()
                n.p_rows.set(n.BATCH_SIZE)
                b["forward"]()
                b["backward"]()
                b["sgd.update"]()
                n.total_loss.change(n.loss)
                n.loss_count.change(1)
                with if_(n.iteration % PRINT_EVERY == 0):
                    n.loss_curve.add(n.total_loss / n.loss_count)
                    say(
                        join(
                            join(join("| epoch ", n.epoch), join(" | iter ", n.iter + 1)),
                            join(
                                join(" / ", n.ITERS_PER_EPOCH),
                                join(" | loss ", n.total_loss / n.loss_count),
                            ),
                        )
                    )
                    n.total_loss.set(0)
                    n.loss_count.set(0)
                n.iter.change(1)
    accuracy = sp.procedure("accuracy", warp=True)
    with accuracy.define():
        n.correct.set(0)
        n.p_rows.set(1)
        n.ac_k.set(1)
        with repeat(n.POINT_COUNT):
            _copy_point(n, n.ac_k, 0)
            b["predict"]()
            _argmax(n)
            with if_(n.u_best == n.t_data[n.ac_k]):
                n.correct.change(1)
            n.ac_k.change(1)
        n.accuracy.set(n.correct / n.POINT_COUNT)
        say(join("accuracy: ", n.accuracy))
    return {"train": train, "accuracy": accuracy}


def _gradient_check(sp: TargetBuilder, n: Net, b: dict[str, Procedure]) -> Procedure:
    """The textbook's check on the first mini-batch: central differences for every item, against backward."""
    check = sp.procedure("gradient check", warp=True)
    with check.define():
        b["shuffle"]()
        n.iter.set(0)
        b["load batch"]()
        n.p_rows.set(n.BATCH_SIZE)
        n.gc_k.set(1)
        with repeat(n.params.length()):
            n.gc_tmp.set(n.params[n.gc_k])
            n.params.replace(n.gc_k, n.gc_tmp + n.STEP_H)
            b["forward"]()
            n.gc_l1.set(n.loss)
            n.params.replace(n.gc_k, n.gc_tmp - n.STEP_H)
            b["forward"]()
            n.gc_l2.set(n.loss)
            n.numerical_grads.replace(n.gc_k, (n.gc_l1 - n.gc_l2) / (2 * n.STEP_H))
            n.params.replace(n.gc_k, n.gc_tmp)
            n.gc_k.change(1)
        b["forward"]()
        b["backward"]()
        # W1, b1, W2, b2 in turn: the mean of |backprop - numerical| over each.
        n.gc_layer.set(2)
        with repeat(n.layer_size.length() - 1):
            n.p_layer.set(n.gc_layer)
            b["param offset"]()
            n.gc_start.set(n.p_offset)
            for name, size in (
                ("W", n.layer_size[n.gc_layer - 1] * n.layer_size[n.gc_layer]),
                ("b", n.layer_size[n.gc_layer]),
            ):
                n.gc_size.set(size)
                n.gc_sum.set(0)
                n.gc_k.set(n.gc_start + 1)
                with repeat(n.gc_size):
                    n.gc_sum.change(mathop("abs", n.grads[n.gc_k] - n.numerical_grads[n.gc_k]))
                    n.gc_k.change(1)
                say(join(join(name, n.gc_layer - 1), join(": ", n.gc_sum / n.gc_size)))
                n.gc_start.change(n.gc_size)
            n.gc_layer.change(1)
    return check


def _regions(sp: TargetBuilder, n: Net, b: dict[str, Procedure]) -> Procedure:
    """The decision regions: GRID x GRID cells coloured by the class predicted at their centres, then the points."""
    draw = sp.procedure("draw regions", warp=True)
    cell = 2 * EXTENT / n.GRID
    with draw.define():
        # Each row is one stroke per run of cells of one class: the pen moves on when the class changes.
        n.p_rows.set(1)
        set_pen_size(SCALE * cell + 1)
        n.rg_gy.set(0)
        with repeat(n.GRID):
            n.rg_y.set(0 - EXTENT + (n.rg_gy + 0.5) * cell)
            n.rg_class.set(-1)
            n.rg_gx.set(0)
            with repeat(n.GRID):
                n.rg_x.set(0 - EXTENT + (n.rg_gx + 0.5) * cell)
                n.acts.replace(n.off["X_OFF"] + 1, n.rg_x)
                n.acts.replace(n.off["X_OFF"] + 2, n.rg_y)
                b["predict"]()
                _argmax(n)
                with if_(n.u_best != n.rg_class):
                    go_to_xy(SCALE * (n.rg_x - cell / 2), SCALE * n.rg_y)
                    set_pen_color(n.region_colour[n.u_best + 1])
                    pen_down()
                    n.rg_class.set(n.u_best)
                n.rg_gx.change(1)
            go_to_xy(SCALE * EXTENT, SCALE * n.rg_y)
            pen_up()
            n.rg_gy.change(1)
        set_pen_size(4)
        n.u_k.set(1)
        with repeat(n.POINT_COUNT):
            set_pen_color(n.point_colour[n.t_data[n.u_k] + 1])
            go_to_xy(SCALE * n.x_data[n.u_k * 2 - 1], SCALE * n.x_data[n.u_k * 2])
            pen_down()
            pen_up()
            n.u_k.change(1)
    return draw


def build(**params: Any) -> Project:
    """The program with its data; params as add_arguments names them (see DEFAULTS)."""
    p = {**DEFAULTS, **params}
    if p["batch"] > CLASSES * p["points"]:
        raise ValueError(f"--batch {p['batch']} is more than the {CLASSES * p['points']} points")
    if p["variant"] == "buggy" and max(p["hidden"], CLASSES) > p["batch"]:
        # Its bias gradient reads row j of dout for unit j: past the batch's rows otherwise.
        raise ValueError(f"the buggy variant needs --batch at least --hidden and {CLASSES}")
    layout = Layout(p["hidden"], p["batch"])
    prog = Program(f"spiral_{p['variant']}")
    n = Net(prog.stage, p, layout)
    sp = prog.sprite("Network")
    b = utilities(sp, n, p)
    b.update(affine(sp, n, p["variant"]))
    b.update(sigmoid(sp, n, b))
    b.update(softmax_with_loss(sp, n, b))
    b.update(_net_passes(sp, n, b))
    b.update(_data_steps(sp, n))
    b.update(_training(sp, n, b))
    check, draw = _gradient_check(sp, n, b), _regions(sp, n, b)
    with sp.when_flag_clicked():
        hide()
        n.phase.set("init")
        b["init params"]()
        n.loss_curve.delete_all()
        if p["check_gradient"]:
            n.phase.set("check")
            check()
        else:
            n.phase.set("train")  # the mark: parameters drawn, nothing learned yet
            b["train"]()
            n.phase.set("done")
            b["accuracy"]()
            with if_(n.GRID > 0):
                draw()
    return prog.build()
