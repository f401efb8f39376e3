"""Accuracy checks: the student's model predicts, the judge scores with labels it keeps.

A case trains (or builds) a model in the worker and asks it for predictions on held-out
inputs; the labels of those inputs are part of the plan but are never sent to the worker
(`CasePlan.held`). Scores between the calibrated bars earn partial credit on a straight
ramp: `zero_at` earns nothing, `full_at` and above earn everything.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

import torch
from pydantic import model_validator, Field

from autograder.checks.context import CaseContext, gate
from autograder.checks.rule import RuleKind, Verdict
from autograder.checks.values import kind_of
from autograder.protocol.codec import TensorData


class AccuracyRule(RuleKind):
    """The model a case builds classifies held-out inputs; the judge scores the predictions
    with labels it keeps, with partial credit between the calibrated bars."""

    kind: Literal["accuracy"] = "accuracy"
    needs_reference: ClassVar[bool] = False
    example: ClassVar[str] = ('accuracy("held-out moons", "train_moons", cases, full_at=0.97, zero_at=0.92, '
                              'quick=(0.9, 0.8))')
    full_at: float = Field(description="accuracy that earns full credit (from calibration)")
    zero_at: float = Field(description="accuracy at or below which the check earns nothing")
    at_most: float | None = Field(None, description="the asked model cannot do better: more means another model")
    predictions: Literal["probability", "scores"] = Field(
        "probability", description="P(label 1) per point, or a score per class (argmax)")
    what: str = Field("held-out points", description="how feedback names the scored inputs")

    @model_validator(mode="after")
    def _bars_in_order(self) -> "AccuracyRule":
        if not 0 <= self.zero_at < self.full_at <= 1:
            raise ValueError("need 0 <= zero_at < full_at <= 1")
        return self

    def judge(self, ctx: CaseContext) -> Verdict | str | None:
        failed = gate(ctx)
        if failed:
            return failed
        if ctx.held is None:
            raise ValueError("an accuracy case needs labels held by the judge")
        labels = ctx.held.reshape(-1)
        predicted, problem = read_predictions(self, ctx.actual.result(), len(labels))
        if problem:
            return f"{ctx.artifact}: {ctx.for_label()}{problem}"
        accuracy = score(predicted, labels)
        scored = (f"{ctx.artifact}: {ctx.for_label()}the model classifies {accuracy:.1%} of {len(labels)} "
                  f"{self.what} correctly")
        if self.at_most is not None and accuracy > self.at_most:
            return Verdict.fail(f"{scored}, more than the asked model can reach (at most about {self.at_most:.0%}): "
                                "check that you return the model the exercise describes", measured=accuracy)
        if accuracy >= self.full_at:
            return Verdict.pass_(measured=accuracy)
        fraction = max(0.0, (accuracy - self.zero_at) / (self.full_at - self.zero_at))
        return Verdict.fail(f"{scored}; full marks from {self.full_at:.0%}, none at {self.zero_at:.0%} or less",
                            fraction, measured=accuracy)


def score(predicted: torch.Tensor, labels: torch.Tensor) -> float:
    return (predicted == labels.reshape(-1).to(predicted.dtype)).to(torch.float64).mean().item()


def read_predictions(rule: AccuracyRule, value: Any, count: int) -> tuple[torch.Tensor | None, str | None]:
    """The predicted class per point, or a message saying what was wrong with the output."""
    if not isinstance(value, TensorData):
        return None, f"expected a tensor of predictions, got {kind_of(value)}"
    data = value.data
    if data.is_complex() or not (data.is_floating_point() or data.dtype == torch.bool):
        return None, f"expected floating-point predictions, got {str(data.dtype).removeprefix('torch.')}"
    if rule.predictions == "probability":
        if tuple(data.shape) not in ((count,), (count, 1)):
            return None, f"expected predictions of shape ({count},) or ({count}, 1), got {tuple(data.shape)}"
        data = data.reshape(-1).to(torch.float64)
        if not bool(torch.isfinite(data).all()) or bool((data < 0).any()) or bool((data > 1).any()):
            return None, "expected probabilities between 0 and 1 (apply the sigmoid to the last layer's output)"
        return (data > 0.5).to(torch.int64), None
    if data.dim() != 2 or data.shape[0] != count:
        return None, f"expected scores of shape ({count}, classes), got {tuple(data.shape)}"
    if not data.is_floating_point():
        return None, (f"expected floating-point scores (one per class), got {str(data.dtype).removeprefix('torch.')}: "
                      "return the model's output, not a comparison of it")
    if not bool(torch.isfinite(data).all()):
        return None, "the scores contain NaN or inf"
    return data.argmax(dim=1), None
