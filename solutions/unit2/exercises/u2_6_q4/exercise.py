"""u2.6.q4: The model in two lines."""

from autograder.exercises import Call, Exercise, kept, mistake, output, sequence


def model_case(d, n: int):
    vector = d.randn(7850, std=0.05)
    calls = [
        Call(keep_as="model", quiet=True, label="make_softmax_regression()"),
        Call(target="$model.parameters", keep_as="params", quiet=True, label="model.parameters()"),
        Call((vector, kept("params", "model.parameters()")), target="torch.nn.utils.vector_to_parameters", quiet=True,
             label="setting the model's 7,850 parameters"),
        Call((d.rand(n, 784),), target="$model", label=f"the model's output for {n} float32 picture{'s' if n > 1 else ''}"),
        Call(target="$model.parameters", keep_as="params_after", quiet=True, label="model.parameters()"),
        Call((kept("params_after", "model.parameters()"),), target="torch.nn.utils.parameters_to_vector",
             label="the model's parameters, weight then bias, as one vector"),
    ]
    return sequence(*calls, label=f"a model with set parameters, {n} picture{'s' if n > 1 else ''}")


def model_cases(d):
    # the release keeps one case: each reads back the model's 7,850 parameters
    return [model_case(d, n) for n in ((5,) if d.release else (1, 5, 64))]


EXERCISE = Exercise(
    "u2.6.q4", "The model in two lines", ["make_softmax_regression"],
    checks=[
        output("probabilities from its own parameters", "make_softmax_regression", model_cases, weight=1),
    ],
    mistakes=[
        mistake("no_softmax", fails=["probabilities from its own parameters"], says="the model's output for"),
        mistake("softmax_over_the_batch", fails=["probabilities from its own parameters"],
                says="the model's output for 1 float32 picture, 10 of 10 values differ"),
        mistake("log_probabilities", fails=["probabilities from its own parameters"], says="values differ"),
        mistake("no_bias", fails=["probabilities from its own parameters"], says="values differ"),
    ],
)

