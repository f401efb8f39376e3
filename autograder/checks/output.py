"""Output checks: the student's result equals the reference's on the same inputs."""

from __future__ import annotations

from typing import Any, Literal

import torch
from pydantic import BaseModel, ConfigDict

from autograder.checks.context import CaseContext, gate
from autograder.checks.values import Policy, Tolerance, compare
from autograder.protocol.codec import TensorData


class OutputRule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["output"] = "output"
    rtol: float | None = None
    atol: float | None = None
    scale: float = 1.0
    dtype: Literal["exact", "float", "any"] = "exact"
    device: Literal["any", "cpu"] = "any"
    numpy_ok: bool = False
    transforms: dict[str, str] = {}

    def tolerance(self) -> Tolerance:
        return Tolerance(self.rtol, self.atol, self.scale)

    def policy(self) -> Policy:
        return Policy(dtype=self.dtype, device=self.device, numpy_ok=self.numpy_ok)


def evaluate(rule: OutputRule, ctx: CaseContext) -> str | None:
    failed = gate(ctx)
    if failed:
        return failed
    expected = ctx.expected_ok()
    for index, step in enumerate(ctx.actual.outcomes):
        if step.result is None and expected.outcomes[index].result is None:
            continue
        want = apply_transforms(rule.transforms, expected.result(index))
        got = apply_transforms(rule.transforms, ctx.actual.result(index))
        difference = compare(want, got, rule.tolerance(), rule.policy())
        if difference:
            return f"{ctx.artifact}: {ctx.for_label(index)}{difference}"
    return None


def apply_transforms(transforms: dict[str, str], value: Any) -> Any:
    """Put values whose order is not defined (eigenvalues, say) into a canonical order."""
    if not transforms:
        return value
    if "" in transforms:
        return TRANSFORMS[transforms[""]](value)
    if isinstance(value, dict):
        return {k: (TRANSFORMS[transforms[k]](v) if k in transforms else v) for k, v in value.items()}
    return value


def _sort_complex_last(value: Any) -> Any:
    if not isinstance(value, TensorData) or value.data.ndim == 0:
        return value
    data = value.data
    if data.is_complex():
        real, imag = data.real.to(torch.float64), data.imag.to(torch.float64)
    elif data.is_floating_point():
        real, imag = data.to(torch.float64), torch.zeros_like(data, dtype=torch.float64)
    else:
        return value
    # lexicographic (real, imag): sort by imag, then stably by real
    order = torch.argsort(imag, dim=-1, stable=True)
    order = torch.gather(order, -1, torch.argsort(torch.gather(real, -1, order), dim=-1, stable=True))
    return TensorData(torch.gather(data, -1, order), value.device, value.requires_grad)


def _first_item(value: Any) -> Any:
    """Only the first item of a tuple or list result (say, parameters but not a history)."""
    return value[0] if isinstance(value, (list, tuple)) and value else value


TRANSFORMS = {"sort_complex_last": _sort_complex_last, "first_item": _first_item}
