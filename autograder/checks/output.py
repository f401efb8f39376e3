"""Output checks: the student's result equals the reference's on the same inputs."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

import torch
from pydantic import Field

from autograder.checks.context import CaseContext, gate
from autograder.checks.registry import ENGINE, Registry, transform
from autograder.checks.rule import RuleKind
from autograder.checks.values import Policy, Tolerance, compare
from autograder.protocol.codec import TensorData


class OutputRule(RuleKind):
    """Results equal the reference's (values, shapes, dtypes) on the same inputs."""

    kind: Literal["output"] = "output"
    example: ClassVar[str] = 'output("values", "negatives_to_inf", where_inputs, weight=5)'
    rtol: float | None = Field(None, description="relative tolerance (default: by dtype, float32 1e-5, float64 1e-10)")
    atol: float | None = Field(None, description="absolute tolerance (default: by dtype, float32 1e-6, float64 1e-12)")
    scale: float = Field(1.0, description="multiplies both dtype defaults")
    dtype: Literal["exact", "float", "any"] = Field(
        "exact", description="exact: the reference's dtype; float: any floating dtype, judged at the less precise one's tolerance")
    device: Literal["any", "cpu"] = Field("any", description="cpu: a CUDA result is a mismatch")
    numpy_ok: bool = Field(False, description="accept a NumPy array where a tensor is expected")
    transforms: dict[str, str] = Field(
        default_factory=dict, description="result key (\"\" for the whole result) -> a registered transform")

    def tolerance(self) -> Tolerance:
        return Tolerance(self.rtol, self.atol, self.scale)

    def policy(self) -> Policy:
        return Policy(dtype=self.dtype, device=self.device, numpy_ok=self.numpy_ok)

    def judge(self, ctx: CaseContext) -> str | None:
        failed = gate(ctx)
        if failed:
            return failed
        expected = ctx.expected_ok()
        for index, step in enumerate(ctx.actual.outcomes):
            if step.result is None and expected.outcomes[index].result is None:
                continue
            want = apply_transforms(self.transforms, expected.result(index), ctx.registry)
            got = apply_transforms(self.transforms, ctx.actual.result(index), ctx.registry)
            difference = compare(want, got, self.tolerance(), self.policy())
            if difference:
                return f"{ctx.artifact}: {ctx.for_label(index)}{difference}"
        return None


def apply_transforms(transforms: dict[str, str], value: Any, registry: Registry = ENGINE) -> Any:
    """Put values whose order is not defined (eigenvalues, say) into a canonical order.
    `transforms` maps a dict key of the result to a transform's name ("" for the whole result)."""
    if not transforms:
        return value

    def canonical(name: str, item: Any) -> Any:
        return registry.get("transform", name).function(item)

    if "" in transforms:
        return canonical(transforms[""], value)
    if isinstance(value, dict):
        return {k: (canonical(transforms[k], v) if k in transforms else v) for k, v in value.items()}
    return value


@transform(example='transforms={"eigvals": "sort_complex_last"}')
def sort_complex_last(value: Any) -> Any:
    """Sort the last axis by (real part, imaginary part): eigenvalues in a canonical order."""
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


@transform(example='transforms={"": "first_item"}')
def first_item(value: Any) -> Any:
    """Only the first item of a tuple or list result (say, parameters but not a history)."""
    return value[0] if isinstance(value, (list, tuple)) and value else value
