"""u2.7.q3: The likelihood gradient against the cost gradient."""

from autograder.exercises import Exercise, answer, case, hidden_only, mistake, output
from autograder.exercises.data import fashion_mnist
from autograder_units.unit2.common import F64, input_label, picture_width, softmax_inputs


def likelihood_grad_cases(d):
    cases, width = [], picture_width(d)
    for n in (1, 2, 5):
        W, b, X, labels = softmax_inputs(d, n, 3.0, width=width)
        cases.append(case(W, b, X, labels, label=input_label(n, F64, width)))
    W, b, X, labels = softmax_inputs(d, 4, 2.0, classes=3, width=6)
    cases.append(case(W, b, X, labels, label="4 float64 inputs of width 6, 3 classes"))
    return cases


def underflow_cases(d):
    images, labels = fashion_mnist(train=False)
    rows = d.randint(0, len(images), (2000,))
    W = d.randn(10, 784, dtype=F64) * 0.01
    return [case(W, d.randn(10, dtype=F64) * 0.01, images[rows].reshape(2000, 784).to(F64) / 255, labels[rows],
                 label="2000 test pictures in float64")]


EXERCISE = Exercise(
    "u2.7.q3", "The likelihood gradient against the cost gradient", ["likelihood_grad", "ans_u2_7_q3"],
    checks=[
        output("small batches", "likelihood_grad", likelihood_grad_cases, weight=4, rtol=1e-8, atol=1e-300),
        hidden_only(output("2000 pictures", "likelihood_grad", underflow_cases, weight=1, rtol=1e-8, atol=1e-300)),
        answer("why minimise the cost", "ans_u2_7_q3", choices="ABCD", weight=3),
    ],
    mistakes=[
        mistake("the_gradient_of_the_cost", fails=["small batches", "2000 pictures"], says="values differ"),
        mistake("without_the_factor_n", fails=["small batches"], says="values differ"),
        mistake("float32_result", fails=["small batches"], says="float64"),
        mistake("blames_the_second_derivatives", fails=["why minimise the cost"], says="is not the right choice"),
    ],
)

