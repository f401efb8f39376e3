"""u2.1.q1: Why the iso-probability lines are straight."""

from autograder.exercises import Exercise, answer, case, mistake, output, raises
from autograder_units.unit2.common import weight


def line_params(d):
    fixed = [case(1.0, -1.0, 5.5, 0.5), case(1.0, -1.0, 5.5, 0.9), case(-2.0, 0.5, 1.0, 0.01),
             case(0.3, 2.0, -4.0, 0.999)]
    drawn = [case(weight(d), weight(d), round(d.py.uniform(-10, 10), 4), round(d.py.uniform(0.01, 0.99), 4))
             for _ in range(8)]
    return fixed + drawn


EXERCISE = Exercise(
    "u2.1.q1", "Why the iso-probability lines are straight", ["iso_probability_line", "ans_u2_1_q1"],
    checks=[
        output("slope and intercept", "iso_probability_line", line_params, weight=4),
        raises("no such line", "iso_probability_line",
               [case(1.0, 0.0, 2.0, 0.5), case(1.0, -1.0, 5.5, 0.0), case(1.0, -1.0, 5.5, 1.0),
                case(1.0, -1.0, 5.5, 1.5), case(1.0, -1.0, 5.5, -0.2)], ["ValueError"], weight=2),
        answer("why straight", "ans_u2_1_q1", choices="ABCD", weight=2),
    ],
    mistakes=[
        mistake("uses_p_instead_of_logit_p", fails=["slope and intercept"], says="at [1]"),
        mistake("slope_with_the_wrong_sign", fails=["slope and intercept"], says="at [0]"),
        mistake("does_not_check_its_inputs", fails=["no such line"], says="it raised ZeroDivisionError"),
        mistake("wrong_choice", fails=["why straight"], says="is not the right choice"),
    ],
)

