"""u4.5.q1: Inverted dropout."""

import torch

from autograder.exercises import Call, Case, Exercise, answer, case, fixture, kept, mistake, output, prop, raises, using

F64 = torch.float64
DRAWS, SMALL = 2000, 64


def make(p) -> Call:
    return Call(() if p is None else (p,), keep_as="layer", quiet=True,
                label="InvertedDropout()" if p is None else f"InvertedDropout({p:g})")


def positive(d, *shape: int, dtype=torch.float32) -> torch.Tensor:
    """Inputs without zeros (the share of zeros is a statistic of the mask), of both signs."""
    x = d.rand(*shape, dtype=dtype) + 0.5
    return x * torch.where(d.rand(*shape) < 0.5, -1.0, 1.0).to(dtype)


def bad_rates(d):
    return [case(0.0), case(1.0), case(-0.2), case(1.5)]


def eval_inputs(d):
    return [Case((make(p), Call(target="$layer.eval", quiet=True, label="layer.eval()"),
                  Call((x,), target="$layer", label="the layer's output in evaluation mode")),
                 label=f"InvertedDropout({p:g}) in evaluation mode")
            for p, x in ((0.5, d.randn(8, 16)), (0.3, d.randn(3, 4, 5, dtype=F64)))]


def seeded_inputs(d):
    cases = []
    for p, x in ((None, positive(d, 10, 20)), (0.1, positive(d, 64, 32)), (0.3, positive(d, 4, 8, 8)),
                 (0.7, positive(d, 1000)), (0.5, positive(d, 16, 16, dtype=F64))):
        made = "InvertedDropout()" if p is None else f"InvertedDropout({p:g})"
        cases.append(Case((make(p), Call((x,), target="$layer", label=f"{made} in training mode")),
                          label=f"{made} in training mode, the step's seed set as for the course's layer"))
    return cases


def statistics_inputs(d):
    return [Case((make(p), using("dropout_probe.statistics_run", kept("layer"), d.child_seed(), 200, 500, SMALL, DRAWS,
                                 label=f"one draw on 100,000 entries and the mean of {DRAWS:,} draws")),
                 label=f"InvertedDropout({p:g}) in training mode") for p in (0.2, 0.7)]


def gradient_inputs(d):
    cases = []
    for p in (0.3, 0.6):
        x = positive(d, 50, 40)
        cases.append(Case((make(p), Call((x,), target="$layer", label="a training-mode call")),
                          label=f"the gradient of InvertedDropout({p:g}) in training mode", held=x))
    return cases


def device_case(d, available, stand_in: bool, dtype: str, move: bool, what: str) -> Case:
    x = d.randn(30, 40)
    placed = ("devices.moved_to_cuda", "the input moved to cuda") if move else ("devices.cast", "the input")
    return Case((fixture("devices.pretend", available, stand_in, keep_as="patch", label=what),
                 make(0.5),
                 fixture(placed[0], *((kept("patch"),) if move else ()), x, dtype, keep_as="x",
                         label=f"{placed[1]} in {dtype}"),
                 Call((kept("x", f"{placed[1]} in {dtype}"),), target="$layer", keep_as="out", quiet=True,
                      label="a training-mode call"),
                 using("devices.restore", kept("patch"), label="what the stand-in noted"),
                 using("devices.output_facts", kept("patch"), kept("out"), kept("x"),
                       label="the output's device, dtype and shape against the input's")),
                label=f"InvertedDropout(0.5) on a {dtype} input, {what}")


STAND_IN = "on the grader's stand-in GPU"


def device_inputs(d):
    return [device_case(d, True, True, "float32", True, STAND_IN),
            device_case(d, True, True, "float16", True, STAND_IN),
            device_case(d, None, False, "bfloat16", False, "on the CPU"),
            device_case(d, None, False, "float64", False, "on the CPU"),
            device_case(d, None, False, "float16", True, "on this machine's GPU (where it has one)")]


AS_THE_INPUT = {"device": "as the input's", "dtype": "as the input's", "shape": "as the input's"}

# "mask statistics" and "gradient through the mask" need no reference: a mask drawn with
# rand_like(X) < 1 - p passes them (as correct as > p), while only "the course's mask for the step's
# seed" tells the two apart, which is why the notebook states the > p convention.
EXERCISE = Exercise(
    "u4.5.q1", "Inverted dropout", ["InvertedDropout", "ans_u4_5_q1"],
    isolated=True,  # the device checks patch torch.cuda and push a torch-function mode
    checks=[
        raises("rates outside (0, 1)", "InvertedDropout", bad_rates, ["ValueError", "AssertionError"], weight=1),
        output("evaluation mode returns the input", "InvertedDropout", eval_inputs, weight=1),
        output("the course's mask for the step's seed", "InvertedDropout", seeded_inputs, weight=3),
        prop("mask statistics", "InvertedDropout", statistics_inputs, "mask_statistics", weight=2, case_seconds=30,
             small=SMALL, draws=DRAWS),
        prop("gradient through the mask", "InvertedDropout", gradient_inputs, "gradient_through_mask", weight=1,
             grads_wrt=[0]),
        prop("the mask follows the input's device and dtype", "InvertedDropout", device_inputs, "reported_facts",
             weight=1, steps=[4, 5], expected=[{"operations mixing devices": "none"}, AS_THE_INPUT]),
        answer("why inverted dropout", "ans_u4_5_q1", weight=1, choices="ABCD"),
    ],
    mistakes=[
        mistake("no_rate_check", fails=["rates outside (0, 1)"], says="ValueError"),
        mistake("scales_at_inference_too", fails=["evaluation mode returns the input"], says="evaluation mode"),
        mistake("no_scaling_in_training", fails=["the course's mask for the step's seed", "mask statistics"],
                says="X / (1 - p)"),
        mistake("keeps_with_probability_p", fails=["the course's mask for the step's seed", "mask statistics"],
                says="should zero about 0.2"),
        mistake("one_mask_for_every_call", fails=["mask statistics"], says="the mean of 2,000 training-mode outputs"),
        mistake("mask_drawn_on_the_cpu", fails=["the mask follows the input's device and dtype"],
                says="same device"),
        mistake("a_float32_mask", fails=["the mask follows the input's device and dtype"], says="float32, not the input's"),
        mistake("output_cut_from_autograd", fails=["gradient through the mask"], says="no gradient reaches the input"),
        mistake("an_extra_multiplication_at_inference", fails=["why inverted dropout"], says="is not the right choice"),
    ],
)
