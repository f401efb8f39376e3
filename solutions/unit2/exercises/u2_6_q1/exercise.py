"""u2.6.q1: Number of parameters."""

from autograder.exercises import Exercise, answer, mistake

EXERCISE = Exercise(
    "u2.6.q1", "Number of parameters", ["ans_u2_6_q1"],
    checks=[answer("parameter count", "ans_u2_6_q1", weight=1)],
    mistakes=[mistake("forgets_the_biases", fails=["parameter count"], says="is not correct")],
)

