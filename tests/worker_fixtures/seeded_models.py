"""A fixture module for tests that run steps in a real worker: sent there as a unit sends its
public/fixtures/ modules (`WorkerSession(..., modules=...)`), and called by name."""

import torch


def linear(seed: int, inputs: int, outputs: int) -> torch.nn.Module:
    """`nn.Linear(inputs, outputs)` initialised right after `torch.manual_seed(seed)`."""
    torch.manual_seed(seed)
    return torch.nn.Linear(inputs, outputs)
