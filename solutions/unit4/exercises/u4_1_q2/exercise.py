"""u4.1.q2: The sum of squares instead of the mean."""

from autograder.exercises import Exercise, answer, case, mistake, output


def sizes(d):
    return [case(1), case(7), case(100), case(d.py.randint(2, 100_000))]


EXERCISE = Exercise(
    "u4.1.q2", "The sum of squares instead of the mean", ["sse_grad_ratio", "ans_u4_1_q2"],
    checks=[
        output("gradient factor", "sse_grad_ratio", sizes, weight=1),
        answer("what goes wrong", "ans_u4_1_q2", weight=1, choices="ABCD"),
    ],
    mistakes=[
        mistake("inverted_ratio", fails=["gradient factor"], says="sse_grad_ratio: for the arguments 7"),
        mistake("counts_the_factor_two", fails=["gradient factor"], says="expected 1, got 2"),
        mistake("the_gradient_vanishes", fails=["what goes wrong"], says="is not the right choice"),
    ],
)
