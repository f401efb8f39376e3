"""u4.3.q3: Why both a validation and a test set."""

from autograder.exercises import Exercise, answer, mistake

EXERCISE = Exercise(
    "u4.3.q3", "Why both a validation and a test set", ["ans_u4_3_q3"],
    checks=[answer("why two sets", "ans_u4_3_q3", weight=1, choices="ABCD")],
    mistakes=[mistake("two_sets_halve_the_variance", fails=["why two sets"], says="is not the right choice")],
)
