"""Unit 4's judging of the regression exercises (u4.1.q3): the generated sample of
z = x + y + xy + sin(x²/y), and the R² of a fitted network. Public: shipped with the release.

`xyz_sample` tests what `make_xyz_data(n, noise, seed)` returns without the reference (its
random numbers may come from any generator): shapes, the rectangle x ∈ [−2, 2], y ∈ [0.5, 3]
covered edge to edge, targets equal to the formula up to noise, and the noise's mean and
standard deviation at 4.5 standard errors (a correct sample fails less than once in 100,000
draws; noise drawn with the variance `noise` instead of the standard deviation is far out).

`r_squared` scores a fitted network's predictions on noise-free points whose targets the
judge holds, with partial credit between two calibrated bars.
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

X_RANGE, Y_RANGE = (-2.0, 2.0), (0.5, 3.0)
SIGMAS = 4.5
REACH = 0.1  # a sample of 1,000 points or more reaches this close to every edge of the rectangle


def surface(xy: torch.Tensor) -> torch.Tensor:
    """z = x + y + xy + sin(x²/y) for rows (x, y), in float64."""
    x, y = xy[:, 0].double(), xy[:, 1].double()
    return x + y + x * y + torch.sin(x ** 2 / y)


def _tensor(value: Any) -> torch.Tensor | None:
    return value.data if isinstance(value, TensorData) and not value.is_numpy else None


def _sample_problem(result: Any, n: int, noise: float) -> str | None:
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        return f"expected a tuple (XY, Z), got {kind_of(result)}"
    xy, z = _tensor(result[0]), _tensor(result[1])
    if xy is None or z is None:
        return f"expected two tensors (XY, Z), got {kind_of(result[0])} and {kind_of(result[1])}"
    if tuple(xy.shape) != (n, 2) or tuple(z.shape) != (n,):
        return f"expected XY of shape ({n}, 2) and Z of shape ({n},), got {tuple(xy.shape)} and {tuple(z.shape)}"
    if not (xy.is_floating_point() and z.is_floating_point()):
        return "XY and Z should be floating-point tensors (float32)"
    x, y = xy[:, 0].double(), xy[:, 1].double()
    if not bool(torch.isfinite(xy).all() and torch.isfinite(z).all()):
        return "XY or Z holds nan or infinite values"
    if x.min() < X_RANGE[0] or x.max() > X_RANGE[1] or y.min() < Y_RANGE[0] or y.max() > Y_RANGE[1]:
        return (f"the points should lie in x ∈ [-2, 2], y ∈ [0.5, 3]; x spans [{x.min():.3g}, {x.max():.3g}] and "
                f"y spans [{y.min():.3g}, {y.max():.3g}]")
    if n >= 1000 and (x.min() > X_RANGE[0] + REACH or x.max() < X_RANGE[1] - REACH
                      or y.min() > Y_RANGE[0] + REACH or y.max() < Y_RANGE[1] - REACH):
        return (f"{n} points drawn uniformly from x ∈ [-2, 2], y ∈ [0.5, 3] reach its edges, but x spans "
                f"[{x.min():.3g}, {x.max():.3g}] and y spans [{y.min():.3g}, {y.max():.3g}]")
    residual = z.double() - surface(xy)
    if noise == 0:
        worst = residual.abs().max().item()
        allowed = 1e-5 * (surface(xy).abs().max().item() + 1)
        if worst > allowed:
            row = int(residual.abs().argmax())
            return (f"with noise 0, Z should equal x + y + xy + sin(x²/y); at row {row} (x = {x[row]:.4g}, "
                    f"y = {y[row]:.4g}) it is {z[row].item():.6g}, the formula gives {surface(xy)[row].item():.6g}")
        return None
    mean, std = residual.mean().item(), residual.std().item()
    if abs(mean) > SIGMAS * noise / math.sqrt(n):
        return f"Z minus the formula should be noise of mean 0; its mean is {mean:.4g} over {n} points"
    if abs(std - noise) > SIGMAS * noise / math.sqrt(2 * (n - 1)):
        return (f"the noise should have standard deviation {noise:g}; Z minus the formula has standard deviation "
                f"{std:.4g} over {n} points")
    return None


@check_property(example='prop("the sample", "make_xyz_data", [case(4000, 0.5, 3)], "xyz_sample")')
def xyz_sample(ctx: CaseContext) -> str | None:
    """The call `make_xyz_data(n, noise, seed)` returns XY (n, 2) inside x ∈ [−2, 2], y ∈ [0.5, 3]
    (reaching its edges for n ≥ 1,000) and Z (n,) equal to x + y + xy + sin(x²/y) plus noise of
    mean 0 and standard deviation `noise` (4.5 standard errors; exact up to float32 rounding
    for noise 0)."""
    n, noise = int(ctx.args[0]), float(ctx.args[1])
    return _sample_problem(ctx.actual.result(), n, noise)


def r2_score(predicted: torch.Tensor, targets: torch.Tensor) -> float:
    residual = ((predicted.double() - targets.double()) ** 2).sum()
    spread = ((targets.double() - targets.double().mean()) ** 2).sum()
    return 1.0 - (residual / spread).item()


@check_property(example='prop("R²", "fit_xyz", cases, "r_squared", full_at=0.99, zero_at=0.984)')
def r_squared(ctx: CaseContext, full_at: float, zero_at: float) -> Verdict | str:
    """The case's last step returns the fitted model's predictions, (N,) or (N, 1), for points
    whose noise-free targets the judge holds; their R² earns full credit from `full_at`,
    nothing at `zero_at` or below, and a straight ramp between."""
    predicted = _tensor(ctx.actual.result())
    targets = ctx.held.reshape(-1)
    if predicted is None:
        return f"expected the model's predictions as a tensor, got {kind_of(ctx.actual.result())}"
    if predicted.numel() != targets.numel() or predicted.dim() > 2 or (predicted.dim() == 2 and predicted.shape[1] != 1):
        return f"expected one prediction per point, shape ({targets.numel()},) or ({targets.numel()}, 1), got {tuple(predicted.shape)}"
    if not bool(torch.isfinite(predicted).all()):
        return "the model's predictions hold nan or infinite values"
    r2 = r2_score(predicted.reshape(-1), targets)
    scored = f"the fitted model's R² on {targets.numel():,} noise-free points is {r2:.4f}"
    if r2 >= full_at:
        return Verdict.pass_(measured=r2)
    fraction = max(0.0, (r2 - zero_at) / (full_at - zero_at))
    return Verdict.fail(f"{scored}; full marks from {full_at:g} (x + y + xy and a constant, without the sine, reach "
                        f"about 0.984)", fraction, measured=r2)
