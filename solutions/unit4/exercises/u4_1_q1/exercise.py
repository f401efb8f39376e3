"""u4.1.q1: The regression network's parameters, and why its function is simpler."""

from autograder.exercises import Exercise, answer, mistake

EXERCISE = Exercise(
    "u4.1.q1", "Counting parameters", ["ans_u4_1_q1a", "ans_u4_1_q1b"],
    checks=[
        answer("parameter count", "ans_u4_1_q1a", weight=1),
        answer("why the function is simpler", "ans_u4_1_q1b", weight=1, choices="ABCD"),
    ],
    mistakes=[
        mistake("counts_the_weights_only", fails=["parameter count"], says="is not correct"),
        mistake("fewer_parameters", fails=["why the function is simpler"], says="is not the right choice"),
    ],
)
