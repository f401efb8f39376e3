"""u5.7.q2: The ResNet-18 head against AlexNet's classifier."""

from autograder.exercises import Exercise, answer, mistake

# resnet18().fc has 513,000 parameters (the pooling layer none), the text's AlexNet classifier
# 58,631,144: a factor of about 114 (the verified note).
EXERCISE = Exercise(
    "u5.7.q2", "The ResNet-18 head against AlexNet's classifier", ["ans_u5_7_q2"],
    checks=[answer("the two counts", "ans_u5_7_q2")],
    mistakes=[
        mistake("alexnet_s_total", fails=["the two counts"], says="is not correct"),
        mistake("the_head_without_its_biases", fails=["the two counts"], says="is not correct"),
    ],
)
