"""The day3 MLP: a sigmoid network trained by backpropagation inside Scratch, every weight in ONE flat list.

Kept as its author wrote it, because these choices are the point:
- `layer_size` holds the layer sizes; every offset is computed at run time from it.
- `weights` is W1 B1 W2 B2 ...; W[i, j] of a layer is item `w_offset + i * out_size + j + 1`
  (0-based counters, +1 because Scratch lists are 1-based). `activations` holds every layer's
  outputs; `deltas` is filled backwards (output layer first) and get_delta_offset finds a layer's.
- Custom blocks take arguments and give results in global variables: `p_` arguments and returns,
  `u_` utilities, `s1_`, `s2_` ... the steps (forward, then backward) and their locals,
  UPPER_CASE constants.
- exp and log come from lookup tables (lut/), indexed with a float that `item of` floors.

Variants: `fixed`, and `buggy`, which differs in ONE block of get_delta_offset: it counts the
layer's own size, so hidden layer 1's deltas land past the end of `deltas`. Scratch drops those
writes and reads "" (0) back, so W1 and B1 never change.
Try it: `scratch-emu run day3 --variant buggy`, then `scratch-emu explain day3 --variant buggy`.
"""

from __future__ import annotations

import argparse
from typing import Any

from emulator.dsl import Program, TargetBuilder, Var, else_, if_, join, mathop, random, repeat, say
from emulator.lut.tables import load_exp, load_log
from emulator.programs.data.mnist14.load import load_split
from emulator.programs.day3_layout import DEFAULT_LAYERS, Layout, OptionTypes
from emulator.project import Project

VARIANTS = ("fixed", "buggy")
DEFAULTS: dict[str, Any] = {
    "variant": "fixed",
    "epochs": 5,
    "train": 600,
    "test": 100,
    "layers": DEFAULT_LAYERS,
    "lr": 0.5,
    "init": 1.0,
    "seed": 0,
    "math": "lut",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The program's own command-line options."""
    parser.add_argument("--variant", choices=VARIANTS, default=DEFAULTS["variant"])
    parser.add_argument("--epochs", type=OptionTypes.epochs, default=DEFAULTS["epochs"])
    parser.add_argument("--train", type=OptionTypes.train, default=DEFAULTS["train"], help="training samples (max 600)")
    parser.add_argument("--test", type=OptionTypes.test, default=DEFAULTS["test"], help="test samples (max 100)")
    parser.add_argument("--layers", type=OptionTypes.layers, default=DEFAULTS["layers"],
                        help="layer sizes, input first (default 196,20,8,4,10)")
    parser.add_argument("--lr", type=OptionTypes.lr, default=DEFAULTS["lr"], help="learning rate")
    parser.add_argument("--init", type=OptionTypes.init, default=DEFAULTS["init"],
                        help="initial weights are uniform in -INIT..INIT")
    parser.add_argument("--math", choices=("lut", "scratch"), default=DEFAULTS["math"],
                        help="exp/log from the lookup tables (as the author) or Scratch's e^ and ln")


class _Net:
    """The Scratch program's globals: lists, constants, arguments, utilities and step locals."""

    def __init__(self, stage: TargetBuilder, data: dict[str, list[str]], params: dict[str, Any]) -> None:
        var, lst = stage.var, stage.list
        self.LEARNING_RATE = var("LEARNING_RATE", params["lr"])
        self.EPOCH_COUNT = var("EPOCH_COUNT", params["epochs"])
        self.TRAIN_COUNT = var("TRAIN_COUNT", params["train"])
        self.TEST_COUNT = var("TEST_COUNT", params["test"])
        self.INIT_SCALE = var("INIT_SCALE", params["init"])
        self.LAYER_COUNT = var("LAYER_COUNT", 0)
        self.layer_size = lst("layer_size")
        self.weights, self.activations, self.deltas = lst("weights"), lst("activations"), lst("deltas")
        self.target_arr = lst("target_arr")
        self.exp_lut = lst("exp_lut", load_exp() if params["math"] == "lut" else ())
        self.log_lut = lst("log_lut", load_log() if params["math"] == "lut" else ())
        self.train_images, self.train_labels = lst("train_images", data["train_images"]), lst("train_labels", data["train_labels"])
        self.test_images, self.test_labels = lst("test_images", data["test_images"]), lst("test_labels", data["test_labels"])
        self.epoch_loss, self.epoch_accuracy = lst("epoch_loss"), lst("epoch_accuracy")
        names = ("phase epoch sample loss_sum correct accuracy "
                 "p_x p_result p_layer p_offset p_index p_label p_is_test "
                 "u_x u_k u_max u_j u_best "
                 "s1_i s1_image "
                 "s2_layer s2_w_off s2_b_off s2_in_off s2_out_off s2_in_size s2_out_size s2_i s2_j s2_z "
                 "s3_off s3_size s3_j s3_sum "
                 "s4_off "
                 "s5_d_off s5_a_off s5_j "
                 "s6_layer s6_w_off s6_next_d_off s6_d_off s6_a_off s6_size s6_next_size s6_i s6_j s6_sum s6_a "
                 "s7_layer s7_w_off s7_b_off s7_a_off s7_d_off s7_in_size s7_out_size s7_i s7_j s7_a")
        self.v: dict[str, Var] = {name: var(name, 0) for name in names.split()}

    def __getattr__(self, name: str) -> Var:
        return self.__dict__["v"][name]


def _utilities(sp: TargetBuilder, n: _Net, params: dict[str, Any]) -> dict[str, Any]:
    """u_exp, u_log, u_sigmoid, u_max_output_z, u_argmax and the three offset finders."""
    blocks: dict[str, Any] = {}
    u_exp = blocks["u_exp"] = sp.procedure("u_exp", warp=True)
    with u_exp.define():
        if params["math"] == "scratch":
            n.p_result.set(mathop("e ^", n.p_x))
        else:
            _clamp(n.u_x, n.p_x, -10, 10)
            n.p_result.set(n.exp_lut[(n.u_x + 10) * 1000 + 1])
    u_log = blocks["u_log"] = sp.procedure("u_log", warp=True)
    with u_log.define():
        if params["math"] == "scratch":
            n.p_result.set(mathop("ln", n.p_x))
        else:
            _clamp(n.u_x, n.p_x, 0, 1)
            n.p_result.set(n.log_lut[n.u_x * 10000 + 1])
    u_sigmoid = blocks["u_sigmoid"] = sp.procedure("u_sigmoid", warp=True)
    with u_sigmoid.define():
        n.p_x.set(0 - n.p_x)
        u_exp()
        n.p_result.set(1 / (1 + n.p_result))
    blocks.update(_offset_finders(sp, n, params["variant"]))
    blocks.update(_output_utilities(sp, n, blocks))
    return blocks


def _clamp(dest: Var, source: Var, low: float, high: float) -> None:
    dest.set(source)
    with if_(dest < low):
        dest.set(low)
    with if_(dest > high):
        dest.set(high)


def _offset_finders(sp: TargetBuilder, n: _Net, variant: str) -> dict[str, Any]:
    """get_weight_offset, get_activation_offset, get_delta_offset: p_layer in, p_offset out."""
    get_weight_offset = sp.procedure("get_weight_offset", warp=True)
    with get_weight_offset.define():
        n.p_offset.set(0)
        n.u_k.set(2)
        with repeat(n.p_layer - 2):
            n.p_offset.change(n.layer_size[n.u_k - 1] * n.layer_size[n.u_k] + n.layer_size[n.u_k])
            n.u_k.change(1)
    get_activation_offset = sp.procedure("get_activation_offset", warp=True)
    with get_activation_offset.define():
        n.p_offset.set(0)
        n.u_k.set(1)
        with repeat(n.p_layer - 1):
            n.p_offset.change(n.layer_size[n.u_k])
            n.u_k.change(1)
    get_delta_offset = sp.procedure("get_delta_offset", warp=True)
    with get_delta_offset.define():
        # Deltas are stored output layer first, so a layer's deltas come after every later layer's.
        n.p_offset.set(0)
        n.u_k.set(n.p_layer if variant == "buggy" else n.p_layer + 1)  # buggy: counts p_layer itself
        with repeat(n.LAYER_COUNT - n.u_k + 1):
            n.p_offset.change(n.layer_size[n.u_k])
            n.u_k.change(1)
    return {"get_weight_offset": get_weight_offset, "get_activation_offset": get_activation_offset,
            "get_delta_offset": get_delta_offset}


def _output_utilities(sp: TargetBuilder, n: _Net, b: dict[str, Any]) -> dict[str, Any]:
    """u_max_output_z and u_argmax over the output layer's activations (p_result gives the answer)."""
    u_max_output_z = sp.procedure("u_max_output_z", warp=True)
    with u_max_output_z.define():
        n.p_layer.set(n.LAYER_COUNT)
        b["get_activation_offset"]()
        n.u_max.set(n.activations[n.p_offset + 1])
        n.u_j.set(1)
        with repeat(n.layer_size[n.LAYER_COUNT] - 1):
            with if_(n.activations[n.p_offset + n.u_j + 1] > n.u_max):
                n.u_max.set(n.activations[n.p_offset + n.u_j + 1])
            n.u_j.change(1)
        n.p_result.set(n.u_max)
    u_argmax = sp.procedure("u_argmax", warp=True)
    with u_argmax.define():
        n.p_layer.set(n.LAYER_COUNT)
        b["get_activation_offset"]()
        n.u_max.set(n.activations[n.p_offset + 1])
        n.u_best.set(0)
        n.u_j.set(1)
        with repeat(n.layer_size[n.LAYER_COUNT] - 1):
            with if_(n.activations[n.p_offset + n.u_j + 1] > n.u_max):
                n.u_max.set(n.activations[n.p_offset + n.u_j + 1])
                n.u_best.set(n.u_j)
            n.u_j.change(1)
        n.p_result.set(n.u_best)
    return {"u_max_output_z": u_max_output_z, "u_argmax": u_argmax}


def _forward_steps(sp: TargetBuilder, n: _Net, b: dict[str, Any]) -> dict[str, Any]:
    """s1 load a sample, s2 one layer forward, s3 softmax, s4 loss."""
    s1_load = sp.procedure("s1_load_sample", warp=True)
    with s1_load.define():
        # p_index: sample number; p_is_test: 1 for the test set. Pixels are "0"/"1" letters.
        with if_(n.p_is_test == 1):
            n.s1_image.set(n.test_images[n.p_index])
            n.p_label.set(n.test_labels[n.p_index])
        with else_():
            n.s1_image.set(n.train_images[n.p_index])
            n.p_label.set(n.train_labels[n.p_index])
        n.s1_i.set(1)
        with repeat(n.layer_size[1]):
            n.activations.replace(n.s1_i, n.s1_image[n.s1_i])
            n.s1_i.change(1)
        n.s1_i.set(1)
        with repeat(n.layer_size[n.LAYER_COUNT]):
            with if_(n.s1_i - 1 == n.p_label):
                n.target_arr.replace(n.s1_i, 1)
            with else_():
                n.target_arr.replace(n.s1_i, 0)
            n.s1_i.change(1)
    s2_forward = sp.procedure("s2_forward_layer", warp=True)
    with s2_forward.define():
        # p_layer: the layer (2..LAYER_COUNT) whose activations are computed from the one before.
        b["get_weight_offset"]()
        n.s2_w_off.set(n.p_offset)
        n.p_layer.change(-1)
        b["get_activation_offset"]()
        n.s2_in_off.set(n.p_offset)
        n.p_layer.change(1)
        b["get_activation_offset"]()
        n.s2_out_off.set(n.p_offset)
        n.s2_in_size.set(n.layer_size[n.p_layer - 1])
        n.s2_out_size.set(n.layer_size[n.p_layer])
        n.s2_b_off.set(n.s2_w_off + n.s2_in_size * n.s2_out_size)
        n.s2_j.set(0)
        with repeat(n.s2_out_size):
            n.s2_z.set(n.weights[n.s2_b_off + n.s2_j + 1])
            n.s2_i.set(0)
            with repeat(n.s2_in_size):
                n.s2_z.change(n.activations[n.s2_in_off + n.s2_i + 1]
                              * n.weights[n.s2_w_off + n.s2_i * n.s2_out_size + n.s2_j + 1])
                n.s2_i.change(1)
            with if_(n.p_layer < n.LAYER_COUNT):
                n.p_x.set(n.s2_z)
                b["u_sigmoid"]()
                n.activations.replace(n.s2_out_off + n.s2_j + 1, n.p_result)
            with else_():
                n.activations.replace(n.s2_out_off + n.s2_j + 1, n.s2_z)
            n.s2_j.change(1)
    s3_softmax = sp.procedure("s3_softmax", warp=True)
    with s3_softmax.define():
        b["u_max_output_z"]()
        n.s3_off.set(n.p_offset)
        n.s3_size.set(n.layer_size[n.LAYER_COUNT])
        n.s3_sum.set(0)
        n.s3_j.set(1)
        with repeat(n.s3_size):
            n.p_x.set(n.activations[n.s3_off + n.s3_j] - n.u_max)
            b["u_exp"]()
            n.activations.replace(n.s3_off + n.s3_j, n.p_result)
            n.s3_sum.change(n.p_result)
            n.s3_j.change(1)
        n.s3_j.set(1)
        with repeat(n.s3_size):
            n.activations.replace(n.s3_off + n.s3_j, n.activations[n.s3_off + n.s3_j] / n.s3_sum)
            n.s3_j.change(1)
    s4_loss = sp.procedure("s4_loss", warp=True)
    with s4_loss.define():
        n.p_layer.set(n.LAYER_COUNT)
        b["get_activation_offset"]()
        n.p_x.set(n.activations[n.p_offset + n.p_label + 1])
        b["u_log"]()
        n.loss_sum.change(0 - n.p_result)
    return {"s1_load_sample": s1_load, "s2_forward_layer": s2_forward, "s3_softmax": s3_softmax,
            "s4_loss": s4_loss}


def _backward_steps(sp: TargetBuilder, n: _Net, b: dict[str, Any]) -> dict[str, Any]:
    """s5 output deltas, s6 hidden deltas, s7 the update of one layer's weights and biases."""
    s5_output_delta = sp.procedure("s5_output_delta", warp=True)
    with s5_output_delta.define():
        # Softmax with cross-entropy: delta = output - one-hot target.
        n.p_layer.set(n.LAYER_COUNT)
        b["get_delta_offset"]()
        n.s5_d_off.set(n.p_offset)
        b["get_activation_offset"]()
        n.s5_a_off.set(n.p_offset)
        n.s5_j.set(0)
        with repeat(n.layer_size[n.LAYER_COUNT]):
            n.deltas.replace(n.s5_d_off + n.s5_j + 1,
                             n.activations[n.s5_a_off + n.s5_j + 1] - n.target_arr[n.s5_j + 1])
            n.s5_j.change(1)
    s6_hidden_delta = sp.procedure("s6_hidden_delta", warp=True)
    with s6_hidden_delta.define():
        # p_layer: a hidden layer; delta_i = (sum_j W[i, j] * delta_next_j) * a_i * (1 - a_i).
        n.s6_size.set(n.layer_size[n.p_layer])
        n.s6_next_size.set(n.layer_size[n.p_layer + 1])
        b["get_delta_offset"]()
        n.s6_d_off.set(n.p_offset)
        b["get_activation_offset"]()
        n.s6_a_off.set(n.p_offset)
        n.p_layer.change(1)
        b["get_weight_offset"]()
        n.s6_w_off.set(n.p_offset)
        b["get_delta_offset"]()
        n.s6_next_d_off.set(n.p_offset)
        n.p_layer.change(-1)
        n.s6_i.set(0)
        with repeat(n.s6_size):
            n.s6_sum.set(0)
            n.s6_j.set(0)
            with repeat(n.s6_next_size):
                n.s6_sum.change(n.weights[n.s6_w_off + n.s6_i * n.s6_next_size + n.s6_j + 1]
                                * n.deltas[n.s6_next_d_off + n.s6_j + 1])
                n.s6_j.change(1)
            n.s6_a.set(n.activations[n.s6_a_off + n.s6_i + 1])
            n.deltas.replace(n.s6_d_off + n.s6_i + 1, n.s6_sum * (n.s6_a * (1 - n.s6_a)))
            n.s6_i.change(1)
    s7_update = sp.procedure("s7_update_layer", warp=True)
    with s7_update.define():
        # p_layer: the layer whose incoming weights and biases take one SGD step.
        b["get_weight_offset"]()
        n.s7_w_off.set(n.p_offset)
        b["get_delta_offset"]()
        n.s7_d_off.set(n.p_offset)
        n.p_layer.change(-1)
        b["get_activation_offset"]()
        n.s7_a_off.set(n.p_offset)
        n.p_layer.change(1)
        n.s7_in_size.set(n.layer_size[n.p_layer - 1])
        n.s7_out_size.set(n.layer_size[n.p_layer])
        n.s7_b_off.set(n.s7_w_off + n.s7_in_size * n.s7_out_size)
        n.s7_i.set(0)
        with repeat(n.s7_in_size):
            n.s7_a.set(n.activations[n.s7_a_off + n.s7_i + 1])
            n.s7_j.set(0)
            with repeat(n.s7_out_size):
                index = n.s7_w_off + n.s7_i * n.s7_out_size + n.s7_j + 1
                n.weights.replace(index, n.weights[index]
                                  - n.LEARNING_RATE * (n.s7_a * n.deltas[n.s7_d_off + n.s7_j + 1]))
                n.s7_j.change(1)
            n.s7_i.change(1)
        n.s7_j.set(0)
        with repeat(n.s7_out_size):
            n.weights.replace(n.s7_b_off + n.s7_j + 1, n.weights[n.s7_b_off + n.s7_j + 1]
                              - n.LEARNING_RATE * n.deltas[n.s7_d_off + n.s7_j + 1])
            n.s7_j.change(1)
    return {"s5_output_delta": s5_output_delta, "s6_hidden_delta": s6_hidden_delta,
            "s7_update_layer": s7_update}


def _passes(sp: TargetBuilder, n: _Net, b: dict[str, Any]) -> dict[str, Any]:
    """init_network, forward_pass, train_one and run_test, built from the steps."""
    init_network = sp.procedure("init_network", warp=True)
    with init_network.define():
        n.LAYER_COUNT.set(n.layer_size.length())
        for lst, first in ((n.activations, 1), (n.deltas, 2)):
            # activations: every layer; deltas: every layer but the input.
            lst.delete_all()
            n.u_j.set(0)
            n.u_k.set(first)
            with repeat(n.LAYER_COUNT - first + 1):
                n.u_j.change(n.layer_size[n.u_k])
                n.u_k.change(1)
            with repeat(n.u_j):
                lst.add(0)
        n.target_arr.delete_all()
        with repeat(n.layer_size[n.LAYER_COUNT]):
            n.target_arr.add(0)
        n.weights.delete_all()
        n.u_k.set(2)
        with repeat(n.LAYER_COUNT - 1):
            with repeat(n.layer_size[n.u_k - 1] * n.layer_size[n.u_k]):
                n.weights.add(random("-1.0", "1.0") * n.INIT_SCALE)
            with repeat(n.layer_size[n.u_k]):
                n.weights.add(0)
            n.u_k.change(1)
    forward_pass = sp.procedure("forward_pass", warp=True)
    with forward_pass.define():
        b["s1_load_sample"]()
        n.s2_layer.set(2)
        with repeat(n.LAYER_COUNT - 1):
            n.p_layer.set(n.s2_layer)
            b["s2_forward_layer"]()
            n.s2_layer.change(1)
        b["s3_softmax"]()
    train_one = sp.procedure("train_one", warp=True)
    with train_one.define():
        forward_pass()
        b["s4_loss"]()
        b["s5_output_delta"]()
        n.s6_layer.set(n.LAYER_COUNT - 1)
        with repeat(n.LAYER_COUNT - 2):
            n.p_layer.set(n.s6_layer)
            b["s6_hidden_delta"]()
            n.s6_layer.change(-1)
        n.s7_layer.set(2)
        with repeat(n.LAYER_COUNT - 1):
            n.p_layer.set(n.s7_layer)
            b["s7_update_layer"]()
            n.s7_layer.change(1)
    run_test = sp.procedure("run_test", warp=True)
    with run_test.define():
        n.correct.set(0)
        n.sample.set(1)
        with repeat(n.TEST_COUNT):
            n.p_index.set(n.sample)
            n.p_is_test.set(1)
            forward_pass()
            b["u_argmax"]()
            with if_(n.p_result == n.p_label):
                n.correct.change(1)
            n.sample.change(1)
        n.accuracy.set(n.correct / n.TEST_COUNT)
        n.epoch_accuracy.add(n.accuracy)
    return {"init_network": init_network, "train_one": train_one, "run_test": run_test}


def build(**params: Any) -> Project:
    """The program with its data; params as add_arguments names them (see DEFAULTS)."""
    p = {**DEFAULTS, **params}
    layout = Layout(tuple(p["layers"]))
    data = program_data(p, layout)
    prog = Program(f"day3_{p['variant']}")
    n = _Net(prog.stage, data, p)
    sp = prog.sprite("Network")
    b = _utilities(sp, n, p)
    b.update(_forward_steps(sp, n, b))
    b.update(_backward_steps(sp, n, b))
    b.update(_passes(sp, n, b))
    with sp.when_flag_clicked():
        n.phase.set("init")
        n.layer_size.delete_all()
        for size in layout.sizes:
            n.layer_size.add(size)
        b["init_network"]()
        n.epoch_loss.delete_all()
        n.epoch_accuracy.delete_all()
        n.phase.set("train")  # the mark: weights initialised, nothing learned yet
        b["run_test"]()
        n.epoch.set(0)
        with repeat(n.EPOCH_COUNT):
            n.epoch.change(1)
            n.loss_sum.set(0)
            n.sample.set(1)
            with repeat(n.TRAIN_COUNT):
                n.p_index.set(n.sample)
                n.p_is_test.set(0)
                b["train_one"]()
                n.sample.change(1)
            n.epoch_loss.add(n.loss_sum / n.TRAIN_COUNT)
            b["run_test"]()
        n.phase.set("done")
        say(join("test accuracy: ", n.accuracy))
    return prog.build()


def program_data(p: dict[str, Any], layout: Layout) -> dict[str, list[str]]:
    """The training and test lists: given ones (tests), or the mnist14 files cut to size."""
    if "train_images" in p:
        return {k: [str(x) for x in p[k]] for k in ("train_images", "train_labels", "test_images", "test_labels")}
    if layout.sizes[0] != 196 or layout.sizes[-1] != 10:
        raise ValueError("the MNIST data needs 196 inputs and 10 outputs (--layers 196,...,10)")
    train_images, train_labels = load_split("train")
    test_images, test_labels = load_split("test")
    if not 0 <= p["train"] <= len(train_images) or not 0 <= p["test"] <= len(test_images):
        raise ValueError(f"--train is at most {len(train_images)} and --test at most {len(test_images)}")
    return {"train_images": train_images[: p["train"]], "train_labels": train_labels[: p["train"]],
            "test_images": test_images[: p["test"]], "test_labels": test_labels[: p["test"]]}
