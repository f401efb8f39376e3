"""Unit 4's judging of u4.3.q2, training with an L1 penalty. Public: shipped with the release.

`l1_first_step` reads the first SGD step of two runs of `train_with_l1` from the same seed,
one with λ and one with λ = 0 (`l1_probe.take` where the code ran). Both start from the same
weights and the same first batch, so the cross-entropy part of their gradients is the same,
and the gradients must differ by exactly λ·sgn(w) on every weight tensor and not at all on the
biases (the catalogue's penalty: λ·Σ|w| over the weights). Each step must move the parameters by
−lr times their gradient (plain SGD). An L1 penalty on the biases, an L2 penalty, a mean
instead of a sum, Adam instead of SGD, or a run that ignores its seed all fail here, though they
train to the same accuracy and sparsity.

`l1_tradeoff` compares two networks trained by `train_with_l1` from the same seed, one with
the student's `BEST_L1_LAMBDA` and one without a penalty: accuracy on held-out pictures (labels
held by the judge) within `accuracy_slack` of the baseline's, and a larger share of weights
with |w| < 1e-3 (the comparison is paired: at λ = 1e-5 the share rises only from 0.028 to 0.032).

`best_of_sweep` checks the reported sweep: at least four λ > 0, and `BEST_L1_LAMBDA` the λ of
the lowest validation error.
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

NO_STEP = "no step of a torch.optim optimizer was seen; train with torch.optim.SGD"


def _tensors(values: Any) -> list[torch.Tensor] | None:
    if not isinstance(values, list) or not all(isinstance(v, TensorData) for v in values):
        return None
    return [v.data.double() for v in values]


def _read_step(record: Any, what: str) -> dict | str:
    if not isinstance(record, dict) or record.get("seen") != "one step":
        return f"{what}: {NO_STEP}"
    before, after = _tensors(record.get("before")), _tensors(record.get("after"))
    grads = record.get("grads")
    if before is None or after is None or not isinstance(grads, list):
        return f"{what}: the first step could not be read"
    if any(not isinstance(g, TensorData) for g in grads):
        return f"{what}: a parameter had no gradient at the first step (is every layer used in the loss?)"
    return {"optimizer": record.get("optimizer"), "lr": record.get("lr"), "before": before, "after": after,
            "grads": [g.data.double() for g in grads]}


def _names(shapes: list[tuple[int, ...]]) -> list[str]:
    layer = 0
    names = []
    for shape in shapes:
        if len(shape) >= 2:
            layer += 1
            names.append(f"the weight of Linear layer {layer} {tuple(shape)}")
        else:
            names.append(f"the bias of Linear layer {layer} {tuple(shape)}")
    return names


def _update_problem(step: dict, lr: float, what: str) -> str | None:
    for position, (before, after, grad) in enumerate(zip(step["before"], step["after"], step["grads"])):
        expected = before - lr * grad
        if not torch.allclose(after, expected, rtol=1e-5, atol=1e-7):
            moved = (after - before).abs().max().item()
            return (f"{what}: the first step is not plain SGD with lr {lr:g} (the parameters should move by "
                    f"-{lr:g} x their gradient; parameter {position} moved by up to {moved:.3g}, SGD would move it "
                    f"by up to {(lr * grad).abs().max().item():.3g}); the optimizer was {step['optimizer']}")
    return None


def _looks_like(difference: torch.Tensor, weight: torch.Tensor, lam: float) -> str:
    for factor, name in ((2.0, "2·λ·w: an L2 penalty, not L1"), (1.0, "λ·w: an L2 penalty, not L1")):
        if torch.allclose(difference, factor * lam * weight, rtol=1e-3, atol=1e-8):
            return f" (it is {name})"
    share = lam * weight.sign()
    if share.abs().max() > 0:
        ratio = (difference.abs().max() / share.abs().max()).item()
        if ratio < 0.5 and torch.allclose(difference * (1 / ratio), share, rtol=1e-2, atol=1e-9):
            return f" (it is λ·sgn(w) times {ratio:.3g}: a mean over the weights instead of a sum?)"
    return ""


@check_property(example='prop("the L1 step", "train_with_l1", cases, "l1_first_step", lam=0.01, lr=0.1, records=[2, 4])')
def l1_first_step(ctx: CaseContext, lam: float, lr: float, records: list[int]) -> str | None:
    """The first SGD step of `train_with_l1(lam, 1, seed)` and of `train_with_l1(0, 1, seed)`
    (the results of steps `records`): plain SGD steps with rate `lr` from the same weights,
    whose gradients differ by λ·sgn(w) on the weights (dim ≥ 2) and by nothing on the biases."""
    penalised = _read_step(ctx.actual.result(records[0]), f"with lam = {lam:g}")
    plain = _read_step(ctx.actual.result(records[1]), "with lam = 0")
    for step in (penalised, plain):
        if isinstance(step, str):
            return step
    for step, what in ((penalised, f"with lam = {lam:g}"), (plain, "with lam = 0")):
        problem = _update_problem(step, lr, what)
        if problem:
            return problem
    if [tuple(t.shape) for t in penalised["before"]] != [tuple(t.shape) for t in plain["before"]]:
        return "the two runs trained networks of different shapes"
    if not all(torch.equal(a, b) for a, b in zip(penalised["before"], plain["before"])):
        return ("two runs with the same seed started from different weights: build the network after "
                "torch.manual_seed(seed), and shuffle with a generator seeded with seed as well")
    names = _names([tuple(t.shape) for t in penalised["before"]])
    for name, weight, with_penalty, without in zip(names, penalised["before"], penalised["grads"], plain["grads"]):
        difference = with_penalty - without
        if weight.dim() >= 2:
            expected = lam * weight.sign()
            if not torch.allclose(difference, expected, rtol=1e-4, atol=1e-4 * lam):
                worst = (difference - expected).abs().argmax()
                return (f"the gradients of {name} with lam = {lam:g} and with lam = 0 should differ by "
                        f"lam·sgn(w) = ±{lam:g} (0 where w = 0); they differ by {difference.reshape(-1)[worst].item():.4g} "
                        f"where lam·sgn(w) is {expected.reshape(-1)[worst].item():.4g}{_looks_like(difference, weight, lam)}")
        elif difference.abs().max() > 1e-4 * lam:
            return (f"the gradients of {name} differ by up to {difference.abs().max().item():.4g} between lam = {lam:g} "
                    f"and lam = 0: the biases should get no penalty (only the weight tensors), or the two runs did not "
                    f"see the same first batch")
    return None


def _accuracy(value: Any, labels: torch.Tensor, what: str) -> float | str:
    if not isinstance(value, TensorData) or value.data.dim() != 2 or len(value.data) != len(labels):
        return f"expected class scores for the {len(labels):,} held-out pictures from {what}, got {kind_of(value)}"
    return (value.data.argmax(dim=1) == labels).double().mean().item()


@check_property(example='prop("sparser", "train_with_l1", cases, "l1_tradeoff", accuracy_slack=0.015, steps=[3, 4, 5, 6])')
def l1_tradeoff(ctx: CaseContext, accuracy_slack: float, steps: list[int]) -> Verdict | str:
    """Steps `steps` give the class scores on held-out pictures of the network trained with the
    student's λ and of the one trained with λ = 0 (same seed), then their shares of weights with
    |w| < 1e-3: the first accuracy at most `accuracy_slack` below the second, the first share
    larger than the second."""
    labels = ctx.held.reshape(-1)
    best = ctx.actual.result(0)
    with_lambda = _accuracy(ctx.actual.result(steps[0]), labels, f"train_with_l1({best!r}, ...)")
    baseline = _accuracy(ctx.actual.result(steps[1]), labels, "train_with_l1(0.0, ...)")
    for value in (with_lambda, baseline):
        if isinstance(value, str):
            return value
    sparse, dense = ctx.actual.result(steps[2]), ctx.actual.result(steps[3])
    if not all(isinstance(v, float) and math.isfinite(v) for v in (sparse, dense)):
        return "the networks' weights could not be read (no parameter whose name contains 'weight'?)"
    facts = (f"with BEST_L1_LAMBDA = {best:g} the network gets {with_lambda:.1%} of {len(labels):,} held-out pictures "
             f"right and {sparse:.1%} of its weights are below 1e-3 in size; without a penalty (same seed) "
             f"{baseline:.1%} and {dense:.1%}")
    if with_lambda < baseline - accuracy_slack:
        return f"{facts}: the penalty may cost at most {accuracy_slack * 100:g} points of accuracy (is λ too large?)"
    if not sparse > dense:
        return f"{facts}: the L1 penalty should leave more weights near zero than no penalty"
    return Verdict.pass_(measured=with_lambda - baseline)


@check_property(example='prop("the best λ", "BEST_L1_LAMBDA", cases, "best_of_sweep", at_least=4)')
def best_of_sweep(ctx: CaseContext, at_least: int) -> str | None:
    """Step 0 reads BEST_L1_LAMBDA, the last step the sweep as [[λ, validation error], ...]: at
    least `at_least` λ, all positive, errors between 0 and 1, and BEST_L1_LAMBDA the λ of the
    smallest error."""
    best, pairs = ctx.actual.result(0), ctx.actual.result()
    if best is None:
        return "BEST_L1_LAMBDA has no answer yet"
    if isinstance(pairs, str):
        return f"ans_u4_3_q2_curve is {pairs}"
    if isinstance(best, bool) or not isinstance(best, (int, float)) or not math.isfinite(best):
        return f"BEST_L1_LAMBDA should be a number, got {kind_of(best)}"
    if not isinstance(pairs, list) or len(pairs) < at_least:
        count = len(pairs) if isinstance(pairs, list) else 0
        return f"ans_u4_3_q2_curve should hold at least {at_least} values of λ, it holds {count}"
    lams = [lam for lam, _ in pairs]
    if any(not (math.isfinite(lam) and lam > 0) for lam in lams):
        return ("ans_u4_3_q2_curve should hold only λ > 0 (the sweep); train λ = 0, the baseline, separately: "
                f"its keys are {', '.join(f'{lam:g}' for lam in lams)}")
    if any(not (0 <= error <= 1) for _, error in pairs):
        return "the validation errors in ans_u4_3_q2_curve should be fractions between 0 and 1"
    smallest = min(error for _, error in pairs)
    winners = [lam for lam, error in pairs if error == smallest]
    if not any(math.isclose(best, lam, rel_tol=1e-9) for lam in winners):
        return (f"BEST_L1_LAMBDA is {best:g}, but the smallest validation error in ans_u4_3_q2_curve, {smallest:.4g}, "
                f"is at λ = {winners[0]:g}")
    return None
