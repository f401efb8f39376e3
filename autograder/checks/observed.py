"""What one case produced, as the judge sees it: step outcomes plus their tensors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import torch

from autograder.protocol import codec
from autograder.protocol.messages import ErrorInfo, StepOutcome
from autograder.protocol.values import Value


@dataclass
class Observed:
    """The outcomes of a case's steps; values decode lazily and inertly (never code)."""

    outcomes: list[StepOutcome]
    tensors: dict[str, torch.Tensor] = field(default_factory=dict)
    failure: str | None = None  # the case did not run to the end: no outcomes to judge
    fatal: bool = False          # ...and the worker is gone, not just one checking process
    not_graded: bool = False     # ...because the grader gave up on the notebook (limits reached), not this case

    def decode(self, value: Value | None) -> Any:
        if value is None:
            return None
        return codec.Decoder(self.tensors, trusted=False).decode(value)

    def step(self, index: int = -1) -> StepOutcome:
        return self.outcomes[index]

    def result(self, index: int = -1) -> Any:
        return self.decode(self.outcomes[index].result)

    def error(self, index: int = -1) -> ErrorInfo | None:
        return self.outcomes[index].error if self.outcomes else None

    def first_error(self) -> tuple[int, ErrorInfo] | None:
        for i, outcome in enumerate(self.outcomes):
            if outcome.error is not None:
                return i, outcome.error
        return None
