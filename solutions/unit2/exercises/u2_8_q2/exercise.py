"""u2.8.q2: Accuracy as a loss function."""

from autograder.exercises import Exercise, answer, mistake

EXERCISE = Exercise(
    "u2.8.q2", "Accuracy as a loss function", ["ans_u2_8_q2"],
    checks=[answer("why not accuracy", "ans_u2_8_q2", choices="ABCD", weight=1)],
    mistakes=[mistake("only_slower", fails=["why not accuracy"], says="is not the right choice")],
)

