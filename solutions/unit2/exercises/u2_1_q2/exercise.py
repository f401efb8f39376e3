"""u2.1.q2: The p = 0.5 decision line."""

from autograder.exercises import Exercise, answer, case, mistake, output
from autograder_units.unit2.common import weight


def decision_params(d):
    fixed = [case(1.0, -1.0, 5.5), case(1.0, 1.0, 0.0), case(-0.5, 2.0, 3.0), case(2.0, -0.25, -1.0)]
    return fixed + [case(weight(d), weight(d), round(d.py.uniform(-10, 10), 4)) for _ in range(8)]


EXERCISE = Exercise(
    "u2.1.q2", "The p = 0.5 decision line", ["decision_line", "ans_u2_1_q2b", "ans_u2_1_q2c"],
    checks=[
        output("line and side of label 1", "decision_line", decision_params, weight=4),
        answer("another equation", "ans_u2_1_q2b", choices="ABCD", weight=1.5),
        answer("same line, same model?", "ans_u2_1_q2c", choices="ABCD", weight=1.5),
    ],
    mistakes=[
        mistake("label_1_on_the_wrong_side", fails=["line and side of label 1"], says="at [2]"),
        mistake("intercept_without_the_minus_sign", fails=["line and side of label 1"], says="at [1]"),
        mistake("only_the_mirrored_triple", fails=["another equation"], says="is not the right choice"),
        mistake("the_line_decides_everything", fails=["same line, same model?"], says="is not the right choice"),
    ],
)

