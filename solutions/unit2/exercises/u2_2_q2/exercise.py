"""u2.2.q2: Likelihood and cross-entropy."""

from autograder.exercises import Exercise, answer, case, made, mistake, output
from autograder_units.unit2.common import F64


def likelihood_inputs(d):
    cases = []
    for n in (1, 5, 100, 1000, 5000):
        y = d.rand(n, dtype=F64, low=0.01, high=0.99)
        yt = d.randint(0, 2, (n,))
        # the release carries the labels' recipe, turned into floats where the checked code runs
        yt = made("labelled_points.as_floats", yt, "float64", label=f"{n} labels") if d.release else yt.to(F64)
        cases.append(case(y, yt, label=f"{n} float64 prediction{'s' if n > 1 else ''} and label{'s' if n > 1 else ''}"))
    return cases


EXERCISE = Exercise(
    "u2.2.q2", "Likelihood and cross-entropy", ["log_likelihood", "ans_u2_2_q2a"],
    checks=[
        output("log-likelihood", "log_likelihood", likelihood_inputs, weight=5),
        answer("assumptions", "ans_u2_2_q2a", weight=3),
    ],
    mistakes=[
        mistake("the_mean_instead_of_the_sum", fails=["log-likelihood"], says="differs"),
        mistake("the_log_of_the_product", fails=["log-likelihood"], says="got -inf"),
        mistake("balanced_classes_assumed", fails=["assumptions"], says="is not correct"),
    ],
)

