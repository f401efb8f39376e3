"""Exercise specifications: the authoring API for a unit's exercise files, and public check data.

An exercise file (`solutions/<unit>/exercises/<id>/exercise.py`) imports what it needs from
here; docs/authoring.md lists every piece with an example.
"""

from autograder.checks.registry import check_property, experiment, transform
from autograder.exercises.spec import (
    Call, Case, CheckSpec, Draw, Exercise, Mistake, accuracy, answer, call, case, every_other, fixture, generator,
    grad, helper, hidden_only, kept, layers, made, memory, mistake, ops, output, perf, prop, raises, rerun, sequence, source,
    trained, using, vectorised,
)

__all__ = [
    "Call", "Case", "CheckSpec", "Draw", "Exercise", "Mistake", "accuracy", "answer", "call", "case", "check_property",
    "every_other", "experiment", "fixture", "generator", "grad", "helper", "hidden_only", "kept", "layers", "made", "memory",
    "mistake", "ops", "output", "perf", "prop", "raises", "rerun", "sequence", "source", "trained", "transform", "using", "vectorised",
]
