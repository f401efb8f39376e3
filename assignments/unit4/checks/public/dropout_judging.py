"""Unit 4's judging of dropout (u4.5): the statistics of a dropout layer's masks, the gradient
through them, the layers of the student's dropout networks, and the comparison of the three
networks the grader trains. Public: shipped with the release.

Statistical tests use 4.5 standard errors: a correct layer fails one of them with probability
about 7e-6, so the at most six statistics of one check fail a correct layer less than once in
10,000 runs (the catalogue's 4 standard errors hold for a single statistic). Masks drawn with
`rand_like(X) < 1 - p` are as correct as `> p` and pass every statistic here; only the check
that compares with the course's mask for the same seed tells them apart, which is why the
notebook fixes `> p`.
"""

from __future__ import annotations

import math
from typing import Any

import torch

from autograder.checks.context import CaseContext
from autograder.checks.registry import check_property
from autograder.checks.rule import Verdict
from autograder.checks.values import kind_of
from autograder.protocol.codec import TensorData

SIGMAS = 4.5


def _tensor(value: Any) -> torch.Tensor | None:
    return value.data if isinstance(value, TensorData) and not value.is_numpy else None


def _share_problem(zeros: int, count: int, p: float, what: str) -> str | None:
    share = zeros / count
    if abs(share - p) > SIGMAS * math.sqrt(p * (1 - p) / count):
        return f"{what} zeroed {share:.4f} of {count:,} nonzero entries; with rate {p:g} it should zero about {p:g}"
    return None


@check_property(example='prop("mask statistics", "InvertedDropout", cases, "mask_statistics", small=64, draws=2000)')
def mask_statistics(ctx: CaseContext, small: int, draws: int) -> str | None:
    """The case's first call makes the layer with rate p; its last step returns an input X
    without zeros, one training-mode draw on it and the mean of `draws` draws on its first
    `small` entries (`dropout_probe.statistics_run`): the share of zeros is p, the surviving
    entries equal X / (1 - p), and the mean of the draws is X (4.5 standard errors each)."""
    p = float(ctx.args[0])
    result = ctx.actual.result()
    if not isinstance(result, dict) or _tensor(result.get("input")) is None:
        return f"expected the layer's outputs, got {kind_of(result)}"
    x = _tensor(result["input"]).double()
    one, mean = _tensor(result.get("one draw")), _tensor(result.get("mean of draws"))
    if one is None or tuple(one.shape) != tuple(x.shape):
        return f"in training mode the layer should return a tensor shaped like its input {tuple(x.shape)}"
    one = one.double()
    kept = one != 0
    problem = _share_problem(int((~kept).sum()), one.numel(), p, f"in training mode with rate {p:g}, the layer")
    if problem:
        return problem
    if not torch.allclose(one[kept], x[kept] / (1 - p), rtol=1e-5, atol=1e-6):
        ratio = (one[kept] / x[kept]).mean().item()
        return (f"with rate {p:g}, the entries the mask keeps should be X / (1 - p) = {1 / (1 - p):.4g} X; they are "
                f"{ratio:.4g} X on average")
    small_x = x.reshape(-1)[:small]
    if mean is None or mean.numel() != small:
        return "the mean of many training-mode draws could not be read"
    spread = small_x.abs() * math.sqrt(p / (1 - p) / draws)
    statistic = ((mean.double().reshape(-1) - small_x) / spread).sum().item() / math.sqrt(small)
    if abs(statistic) > SIGMAS:
        ratio = (mean.double().reshape(-1).sum() / small_x.sum()).item()
        return (f"with rate {p:g}, the mean of {draws:,} training-mode outputs should be X (inverted dropout keeps "
                f"the expected signal); it is {ratio:.4g} X")
    return None


@check_property(example='prop("gradient", "InvertedDropout", cases, "gradient_through_mask", grads_wrt=[0])')
def gradient_through_mask(ctx: CaseContext) -> str | None:
    """The case's first call makes the layer with rate p; its last step is a training-mode call
    on the input X the judge holds (no zeros), observed with the gradient of the output's sum
    with respect to X: that gradient is mask / (1 - p), which is output / X."""
    p = float(ctx.args[0])
    out = _tensor(ctx.actual.result())
    x = ctx.held.double()
    if out is None or tuple(out.shape) != tuple(x.shape):
        return f"expected a tensor shaped like the input {tuple(x.shape)}, got {kind_of(ctx.actual.result())}"
    grads = ctx.actual.step().grads
    if grads is None or grads.error is not None or not grads.args or grads.args[0] is None:
        return "no gradient reaches the input: the output must stay connected to X in the autograd graph"
    grad = _tensor(ctx.actual.decode(grads.args[0]))
    if grad is None:
        return "the gradient with respect to the input could not be read"
    expected = out.double() / x
    if not torch.allclose(grad.double(), expected, rtol=1e-5, atol=1e-6):
        wrong = int((~torch.isclose(grad.double(), expected, rtol=1e-5, atol=1e-6)).sum())
        return (f"the gradient of the output with respect to X should be mask / (1 - p): {1 / (1 - p):.4g} where the "
                f"mask keeps an entry, 0 elsewhere; {wrong} of {x.numel()} entries differ")
    return None


def _layout_problem(layout: list[str], hidden: int, variant: str) -> str | None:
    expected = ["Linear"] + ["dropout", "Linear"] * hidden
    if layout == expected:
        return None
    found = sum(kind == "dropout" for kind in layout)
    if found == 0:
        return (f"the {variant} network has no dropout layer that a forward pass runs through: add one dropout "
                f"module (an nn.Module) after each of its {hidden} hidden layers")
    shown = " -> ".join(layout)
    return (f"the {variant} network's layers run as {shown}; expected one dropout layer between every two Linear "
            f"layers ({hidden} in all), none before the first and none after the last")


def _scale_se(scale: float, p: float, count: int) -> float:
    return max(scale, 1e-12) / (1 - p) * math.sqrt(p * (1 - p) / max(count, 1))


@check_property(example='prop("the builder", "build_dropout_mlp", cases, "dropout_builder")')
def dropout_builder(ctx: CaseContext) -> str | None:
    """The last step returns the facts of `dropout_probe.builder_facts` for the plain, corrected
    and uncorrected networks built with `rates`: dropout layers only between hidden layers, each
    zeroing its rate of entries; corrected: expected training scale = inference scale;
    uncorrected: the input unchanged at inference, the mask alone during training; no extra
    parameters, and the uncorrected network at inference computes the plain one."""
    facts = ctx.actual.result()
    if not isinstance(facts, dict) or "plain" not in facts:
        return f"expected the facts of the three networks, got {kind_of(facts)}"
    rates, plain = facts["rates"], facts["plain"]
    hidden = len(rates)
    if hidden == 0 or plain != ["Linear"] * (hidden + 1) or any(kind == "dropout" for kind in plain):
        return (f"build_dropout_mlp(None) should build the network without dropout (Linear layers and activations); its "
                f"layers run as {' -> '.join(plain) or 'nothing'}")
    if not facts["same parameters as the plain network"]:
        return "the dropout networks should have exactly the parameters of the plain network (dropout adds none)"
    for variant in ("corrected", "uncorrected"):
        layout = facts[variant]
        problem = _layout_problem(layout["layout"], hidden, variant)
        if problem:
            return problem
        for index, (rate, layer) in enumerate(zip(rates, layout["dropout layers"])):
            what = f"in the {variant} network, dropout layer {index + 1} (rate {rate:g})"
            problem = _share_problem(layer["zeros"], layer["nonzero inputs"], rate, what)
            if problem:
                return problem + " (one rate per hidden layer, in order)"
            train, infer = layer["training scale"], layer["inference scale"]
            if isinstance(infer, str):
                return f"{what}: at inference its output is {infer} times its input"
            tolerance = SIGMAS * _scale_se(train, rate, layer["nonzero inputs"])
            if variant == "corrected" and abs(infer - train) > tolerance:
                return (f"{what} keeps on average {train:.4g} of its input while training but {infer:.4g} at inference: "
                        f"corrected dropout makes the two equal (scale by 1 - p at inference, or by 1 / (1 - p) while "
                        f"training)")
            if variant == "uncorrected" and (abs(infer - 1) > 1e-5 or abs(train - (1 - rate)) > tolerance):
                return (f"{what} keeps on average {train:.4g} of its input while training and {infer:.4g} at inference; "
                        f"the uncorrected layer multiplies by the mask alone while training ({1 - rate:.4g} on average) "
                        f"and returns its input unchanged at inference")
    if facts.get("uncorrected at inference equals the plain network") is not True:
        return ("with the plain network's weights, the uncorrected network at inference should compute exactly what "
                "the plain network computes")
    return None


@check_property(example='prop("three networks", "build_dropout_mlp", cases, "dropout_comparison", accuracy_drop=0.06, '
                        'ce_ratio=1.5)')
def dropout_comparison(ctx: CaseContext, accuracy_drop: float, ce_ratio: float) -> Verdict | str:
    """The last step returns, per seed, the training accuracies of the networks without,
    with corrected and with uncorrected dropout and their log-probabilities for held-out
    pictures whose labels the judge holds (`trainers.dropout_variants`). Over the seeds' means:
    corrected dropout narrows the gap between training and test accuracy, costs at most
    `accuracy_drop` of test accuracy, and the uncorrected network's test cross-entropy is at
    least `ce_ratio` times the corrected one's."""
    result = ctx.actual.result()
    labels = ctx.held.reshape(-1)
    if not isinstance(result, dict):
        return f"expected the results of the three trainings, got {kind_of(result)}"
    outputs = _tensor(result.get("log-probabilities"))
    train = result.get("train accuracy")
    if outputs is None or outputs.dim() != 4 or outputs.shape[1] != 3 or outputs.shape[2] != len(labels):
        return "the three networks' predictions could not be read"
    test = (outputs.argmax(dim=3) == labels).double().mean(dim=2)           # (seeds, 3)
    entropy = -outputs.double().gather(3, labels.view(1, 1, -1, 1).expand(*outputs.shape[:3], 1)).mean(dim=(2, 3))
    train = torch.tensor(train, dtype=torch.float64)
    gap = (train - test).mean(dim=0)
    accuracy, ce = test.mean(dim=0), entropy.mean(dim=0)
    seeds = outputs.shape[0]
    facts = (f"over {seeds} seeds, train/test accuracy: without dropout {train[:, 0].mean():.3f}/{accuracy[0]:.3f}, "
             f"corrected {train[:, 1].mean():.3f}/{accuracy[1]:.3f}, uncorrected {train[:, 2].mean():.3f}/{accuracy[2]:.3f}; "
             f"test cross-entropy corrected {ce[1]:.3f}, uncorrected {ce[2]:.3f}")
    if not bool(torch.isfinite(ce).all()):
        return f"{facts}: a network's test cross-entropy is not finite"
    if not gap[1] < gap[0]:
        return f"{facts}: corrected dropout should narrow the gap between training and test accuracy"
    if accuracy[1] < accuracy[0] - accuracy_drop:
        return f"{facts}: corrected dropout costs more than {accuracy_drop * 100:g} points of test accuracy"
    if ce[2] < ce_ratio * ce[1]:
        return (f"{facts}: without the correction the signal at inference is too strong, which shows in a test "
                f"cross-entropy at least {ce_ratio:g} times the corrected network's")
    return Verdict.pass_(measured=(ce[2] / ce[1]).item())
