"""Exercise specifications: the authoring API for hidden checks and the public check data."""

from autograder.exercises.spec import (
    Call, Case, CheckSpec, Draw, Exercise, Mistake, accuracy, answer, built, call, case, every_other, function, generator,
    grad, hidden_only, kept, memory, output, perf, prop, raises, rerun, sequence, source, trained,
)

__all__ = [
    "Call", "Case", "CheckSpec", "Draw", "Exercise", "Mistake", "accuracy", "answer", "built", "call", "case", "every_other",
    "function", "generator", "grad", "hidden_only", "kept", "memory", "output", "perf", "prop", "raises", "rerun", "sequence", "source",
    "trained",
]
