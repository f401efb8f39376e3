"""Random tensors rebuilt from a seed, exactly, on every platform.

A public release must stay small, yet its checks need inputs. A tensor a check drew at
random travels as its recipe (`DrawnV`: kind, seed, shape, dtype, bounds) and is rebuilt
where it is used. The rebuild must give the very bits the reference saw at release time on
another machine, so only exact arithmetic is used: 24-bit integers from torch's CPU
Mersenne Twister (`randint`, the same stream on every platform), scaled by a power of two
(exact in float64), summed for a bell-shaped draw (sums of such numbers are exact), and
rounded once to the target dtype. No transcendental function (whose last bit may differ
between math libraries) is involved.
"""

from __future__ import annotations

import torch

BITS = 24
SCALE = float(2**BITS)
NORMAL_TERMS = 12  # the sum of 12 uniforms on [0, 1) minus 6 has mean 0 and variance 1
MAX_ELEMENTS = 50_000_000


def _units(generator: torch.Generator, shape: tuple[int, ...], terms: int = 1) -> torch.Tensor:
    draws = torch.randint(0, 2**BITS, (terms, *shape), generator=generator, dtype=torch.int64)
    return draws.to(torch.float64) / SCALE


def uniform(seed: int, shape: tuple[int, ...], dtype: torch.dtype, low: float = 0.0, high: float = 1.0) -> torch.Tensor:
    """Uniform on [low, high): `low + (high - low) * k / 2**24` for 24-bit integers k."""
    g = torch.Generator().manual_seed(seed)
    return (low + (high - low) * _units(g, shape)[0]).to(dtype)


def normal(seed: int, shape: tuple[int, ...], dtype: torch.dtype, mean: float = 0.0, std: float = 1.0) -> torch.Tensor:
    """Approximately normal (an Irwin-Hall sum of 12 uniforms, minus 6): mean 0, variance 1,
    values within (-6, 6)."""
    g = torch.Generator().manual_seed(seed)
    bell = _units(g, shape, NORMAL_TERMS).sum(dim=0) - NORMAL_TERMS / 2
    return (mean + std * bell).to(dtype)


def integers(seed: int, shape: tuple[int, ...], low: int, high: int, dtype: torch.dtype = torch.int64) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return torch.randint(low, high, shape, generator=g, dtype=torch.int64).to(dtype)


def rebuild(kind: str, seed: int, shape: tuple[int, ...], dtype: torch.dtype, low: float, high: float) -> torch.Tensor:
    """The tensor a recipe names (see protocol.values.DrawnV)."""
    count = 1
    for size in shape:
        count *= size
    if count > MAX_ELEMENTS or any(size < 0 for size in shape):
        raise ValueError(f"a drawn tensor of shape {shape} is too large")
    if kind == "uniform":
        return uniform(seed, shape, dtype, low, high)
    if kind == "normal":
        return normal(seed, shape, dtype, low, high)
    if kind == "integers":
        return integers(seed, shape, int(low), int(high), dtype)
    raise ValueError(f"no draw of kind {kind!r}")
