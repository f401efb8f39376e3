"""Unit 1's own transforms: the form an output check compares when the exact values are the
student's choice. Public: shipped with the release for `autograder check`."""

from __future__ import annotations

from typing import Any

import torch

from autograder.checks.registry import transform
from autograder.protocol.codec import TensorData

STATISTICS_FROM = 400  # values: fewer say little about a distribution
SIGMAS = 5.0           # the reference's own draw fails a test this wide about once in a million
UNIFORM_MEAN, UNIFORM_VARIANCE, UNIFORM_FOURTH = 1 / 2, 1 / 12, 1 / 80  # of U[0, 1): E[x], Var[x], E[(x - 1/2)^4]


@transform(example='output("uniform batch", "make_uniform_batch", cases, transforms={"": "uniform_draw_facts"})')
def uniform_draw_facts(value: Any) -> Any:
    """What a draw from U[0, 1) shows whichever random numbers it used: its shape and dtype,
    whether every value lies in [0, 1), and, from 400 values on, whether its mean and variance
    lie within 5 standard errors of 1/2 and 1/12. Anything but a tensor is left as it is."""
    if not isinstance(value, TensorData) or value.is_numpy:
        return value
    data = value.data
    values = data.detach().reshape(-1).to(torch.float64)
    facts: dict[str, Any] = {"shape": tuple(data.shape), "dtype": data.dtype,
                             "every value in [0, 1)": bool(((values >= 0) & (values < 1)).all())}
    n = values.numel()
    if n >= STATISTICS_FROM:
        mean, variance = values.mean().item(), values.var(unbiased=False).item()
        mean_error = (UNIFORM_VARIANCE / n) ** 0.5
        variance_error = ((UNIFORM_FOURTH - UNIFORM_VARIANCE**2) / n) ** 0.5
        facts["mean within 5 standard errors of 1/2"] = abs(mean - UNIFORM_MEAN) <= SIGMAS * mean_error
        facts["variance within 5 standard errors of 1/12"] = abs(variance - UNIFORM_VARIANCE) <= SIGMAS * variance_error
    return facts
