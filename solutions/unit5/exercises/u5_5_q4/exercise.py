"""u5.5.q4: padding="same" with a stride larger than 1."""

from autograder.exercises import Exercise, answer, mistake

# The verified note: nn.Conv2d(1, 1, 3, stride=2, padding="same") raises ValueError ("padding='same'
# is not supported for strided convolutions") in the constructor; with stride 1 it builds.
EXERCISE = Exercise(
    "u5.5.q4", "padding=\"same\" with a stride larger than 1", ["ans_u5_5_q4_exception", "ans_u5_5_q4"],
    checks=[
        answer("the exception", "ans_u5_5_q4_exception", weight=2),
        answer("why", "ans_u5_5_q4", weight=3, choices="ABCD"),
    ],
    mistakes=[
        mistake("a_runtime_error", fails=["the exception"], says="is not correct"),
        mistake("an_odd_kernel_is_needed", fails=["why"], says="is not the right choice"),
    ],
)
