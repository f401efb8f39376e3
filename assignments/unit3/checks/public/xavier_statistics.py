"""Unit 3's own property: the Xavier statistics of u3.6.q1, computed by the judge.

The worker only returns the weights and biases of every nn.Linear (the fixture
`initialisation.linear_layers`); the judge turns them into facts and compares them with the
facts a Xavier-uniform draw has. With a = sqrt(6 / (K_in + K_out)), the Xavier bound:

- largest |w| / a: at most 1 (the bound);
- spread of w: the largest |w| reaches q a with q = 1e-6 ** (1 / count): a correct draw stays
  below it with probability 1e-6, while the default rule's 0.316 is only 0.58 a for
  Linear(10, 10), below q = 0.87;
- from 10,000 weights on: the sample variance within 5 % of a^2 / 3 (the catalogue; over 200
  seeds a correct Linear(500, 300) stays within 0.75 %), and a Kolmogorov-Smirnov test
  against U[-a, a] (`scipy.stats.kstest`) that does not reject at p >= 1e-4 (the catalogue's
  threshold: at 1 % a correct draw fails once in a hundred; the default rule and normal
  draws give p ~ 0);
- biases: all 0.

Public: shipped with the release for `autograder check`.
"""

from __future__ import annotations

import math
from typing import Any

import torch
from scipy.stats import kstest

from autograder.checks.context import CaseContext
from autograder.checks.registry import check_property
from autograder.checks.values import Policy, Tolerance, compare, kind_of
from autograder.protocol.codec import TensorData

BOUND_SLACK = 1e-6          # rounding allowed above a
MISS_CHANCE = 1e-6          # how unlikely a correct draw is to stay below the spread bar
VARIANCE_WITHIN = 0.05      # relative distance of the sample variance from a^2 / 3
KS_REJECTS_BELOW = 1e-4     # p value under which the KS test rejects U[-a, a]
TESTS_FROM = 10_000         # weights a layer needs for the variance and KS facts


def xavier_bound(in_features: int, out_features: int) -> float:
    return math.sqrt(6 / (in_features + out_features))


def ks_p_value(weights: torch.Tensor, a: float) -> float:
    """The Kolmogorov-Smirnov p value of `weights` against U[-a, a]."""
    uniform = ((weights + a) / (2 * a)).numpy()
    return float(kstest(uniform, "uniform").pvalue)


def layer_facts(weight: torch.Tensor, bias: torch.Tensor | None, a: float) -> dict[str, str]:
    """What a Linear layer's float64 weights (flattened) and bias say about its draw, in words."""
    top, count = float(weight.abs().max()), weight.numel()
    facts = {"largest |w| / a": "at most 1" if top <= a * (1 + BOUND_SLACK) else f"{top / a:.3f}",
             "spread of w": "reaches a" if top >= a * MISS_CHANCE ** (1 / count) else f"only {top / a:.3f} a"}
    if count >= TESTS_FROM:
        ratio = float(weight.var()) / (a * a / 3)
        p = ks_p_value(weight, a)
        facts["variance / (a^2 / 3)"] = "within 5%" if abs(ratio - 1) <= VARIANCE_WITHIN else f"{ratio:.3f}"
        facts["KS test against U[-a, a]"] = "not rejected" if p >= KS_REJECTS_BELOW else f"rejected, p = {p:.1e}"
    facts["biases"] = ("none" if bias is None else "all 0" if bool((bias == 0).all())
                       else f"largest |b| {float(bias.abs().max()):.3g}")
    return facts


def xavier_facts(count: int, with_bias: bool = True) -> dict[str, str]:
    """The facts of a correct Xavier-uniform draw of `count` weights with zero biases."""
    facts = {"largest |w| / a": "at most 1", "spread of w": "reaches a"}
    if count >= TESTS_FROM:
        facts.update({"variance / (a^2 / 3)": "within 5%", "KS test against U[-a, a]": "not rejected"})
    facts["biases"] = "all 0" if with_bias else "none"
    return facts


def _tensor(value: Any) -> torch.Tensor | None:
    return value.data if isinstance(value, TensorData) and not value.is_numpy else None


def _read_layer(layer: Any) -> tuple[torch.Tensor, torch.Tensor | None, float] | str:
    if not isinstance(layer, dict) or not {"in_features", "out_features", "weight", "bias"} <= set(layer):
        return f"expected the facts of a Linear layer, got {kind_of(layer)}"
    weight, bias = _tensor(layer["weight"]), _tensor(layer["bias"])
    sizes = layer["in_features"], layer["out_features"]
    if weight is None or weight.is_complex() or not all(isinstance(s, int) and s > 0 for s in sizes):
        return "a Linear layer's weight is not a real tensor"
    if layer["bias"] is not None and bias is None:
        return "a Linear layer's bias is not a tensor"
    return (weight.detach().to(torch.float64).reshape(-1), None if bias is None else bias.to(torch.float64),
            xavier_bound(*sizes))


@check_property(example='prop("Xavier statistics", "xavier_uniform_init_", cases, "xavier_uniform_layers")')
def xavier_uniform_layers(ctx: CaseContext) -> str | None:
    """The case's last step returns the weights and biases of every nn.Linear of the judge's
    network (`initialisation.linear_layers`), whose (in_features, out_features) the judge
    holds for the case; each must look like a Xavier-uniform draw with zero biases (bound,
    spread, and for 10,000 weights or more the variance and a KS test)."""
    layers = ctx.actual.result(len(ctx.actual.outcomes) - 1)
    if not isinstance(layers, list):
        return f"expected a list of Linear layers, got {kind_of(layers)}"
    facts = []
    for layer in layers:
        read = _read_layer(layer)
        if isinstance(read, str):
            return read
        facts.append(layer_facts(*read))
    shapes = [(int(i), int(o)) for i, o in ctx.held.tolist()]
    return compare([xavier_facts(i * o) for i, o in shapes], facts, Tolerance(), Policy())
