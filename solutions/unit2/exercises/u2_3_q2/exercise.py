"""u2.3.q2: A better initialisation."""

from autograder.exercises import Exercise, mistake, rerun
from autograder_units.unit2.common import BLOBS, START

EXERCISE = Exercise(
    "u2.3.q2", "A better initialisation", ["GOOD_INIT"],
    checks=[
        rerun("trains to a wider margin", "GOOD_INIT", "neuron_start", **BLOBS, alpha=0.1, iters=1000,
              baseline=list(START)),
    ],
    mistakes=[
        mistake("the_text_s_start", fails=["trains to a wider margin"], says="no farther than"),
        mistake("only_the_weights", fails=["trains to a wider margin"], says="expected a tuple of 3 finite numbers"),
    ],
)

