"""u2.3.q3: Why the final gradient is so small."""

from autograder.exercises import Exercise, answer, case, mistake, output
from autograder_units.unit2.common import START, X, Y
from autograder_units.unit2.public.experiments import neuron_descent


def final_gradient_inputs(d):
    params, _ = neuron_descent(X, Y, list(START), 0.1, 1000)
    w, b = params[:2].clone(), params[2].item()
    ones = [i for i in range(len(Y)) if Y[i] == 1]
    zeros = [i for i in range(len(Y)) if Y[i] == 0]
    cases = []
    for label, pool in (("label-1", ones), ("label-0", zeros)):
        i = d.py.choice(pool)
        cases.append(case(w, b, X[i].clone(), Y[i].item(),
                          label=f"the parameters after 1000 steps and the {label} point X[{i}]"))
    return cases


EXERCISE = Exercise(
    "u2.3.q3", "Why the final gradient is so small", ["neuron_point_grad", "ans_u2_3_q3"],
    checks=[
        output("gradients at the final parameters", "neuron_point_grad", final_gradient_inputs, weight=1),
        answer("why so small", "ans_u2_3_q3", choices="ABCD", weight=2),
    ],
    mistakes=[
        mistake("the_sign_flipped", fails=["gradients at the final parameters"], says="values differ"),
        mistake("blames_the_learning_rate", fails=["why so small"], says="is not the right choice"),
    ],
)

