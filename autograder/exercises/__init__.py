"""Exercise specifications: the authoring API for hidden checks and the public check data."""

from autograder.exercises.spec import (
    Call, Case, CheckSpec, Draw, Exercise, Mistake, answer, call, case, every_other, function, generator,
    grad, memory, output, perf, prop, raises, rerun, sequence, source,
)

__all__ = [
    "Call", "Case", "CheckSpec", "Draw", "Exercise", "Mistake", "answer", "call", "case", "every_other",
    "function", "generator", "grad", "memory", "output", "perf", "prop", "raises", "rerun", "sequence", "source",
]
