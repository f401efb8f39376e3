"""u5.6.q3: The number of parameters of AlexNet."""

from autograder.exercises import Call, Exercise, answer, fixture, kept, mistake, output, sequence

NETWORKS = [("networks.twice_used", "a network with one Linear layer used twice, a frozen Conv2d and a BatchNorm2d", ()),
            ("networks.mlp", "Linear(3, 5) -> ReLU -> Linear(5, 2)", ([3, 5, 2],)),
            ("networks.small_features_classifier", "a small convolutional network", ())]


def count_inputs(d):
    return [sequence(fixture(ref, *args, keep_as="model", label=what),
                     Call((kept("model", what),), label=f"count_parameters({what})"), label=what)
            for ref, what, args in NETWORKS]


# 61,100,840 = convolutions 2,469,696 + linear layers 58,631,144 (the verified note, equal to
# torchvision's alexnet()). count_parameters must count a module used twice once (parameters()
# does) and frozen parameters too.
EXERCISE = Exercise(
    "u5.6.q3", "The number of parameters of AlexNet", ["ans_u5_6_q3", "count_parameters"],
    checks=[
        answer("AlexNet's parameters", "ans_u5_6_q3", weight=2),
        output("count_parameters of the grader's networks", "count_parameters", count_inputs, weight=3),
    ],
    mistakes=[
        mistake("counts_the_trainable_parameters_only", fails=["count_parameters of the grader's networks"],
                says="frozen Conv2d"),
        mistake("counts_the_weights_but_not_the_biases",
                fails=["AlexNet's parameters", "count_parameters of the grader's networks"], says="is not correct"),
        mistake("counts_a_shared_layer_twice", fails=["count_parameters of the grader's networks"], says="used twice"),
    ],
)
