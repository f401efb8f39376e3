"""u5.3.q1: Training the convolution layer on unnormalised pictures."""

from autograder.exercises import Exercise, answer, mistake

# The verified note: the gradient ratio between 0-255 and [0, 1] inputs is 65,025 (65,025.008
# measured in float32: 6 significant digits agree); with lr 0.1 the kernel becomes NaN within one
# pass for every seed and batch size tried.
EXERCISE = Exercise(
    "u5.3.q1", "Training the convolution layer on unnormalised pictures", ["ans_u5_3_q1", "ans_u5_3_q1_factor"],
    checks=[
        answer("what goes wrong, and why", "ans_u5_3_q1", weight=3, choices="ABCD"),
        answer("the factor of the gradient", "ans_u5_3_q1_factor", weight=2),
    ],
    mistakes=[
        mistake("the_kernel_learns_smaller_values", fails=["what goes wrong, and why"], says="is not the right choice"),
        mistake("the_factor_255", fails=["the factor of the gradient"], says="is not correct"),
    ],
)
