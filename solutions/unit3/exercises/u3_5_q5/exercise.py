"""u3.5.q5: Why BN needs at least two samples."""

from autograder.exercises import Exercise, answer, mistake

EXERCISE = Exercise(
    "u3.5.q5", "Why BN needs at least two samples", ["ans_u3_5_q5"],
    checks=[answer("one sample", "ans_u3_5_q5", choices="ABCD")],
    mistakes=[mistake("overflow", fails=["one sample"], says="is not the right choice")],
)

