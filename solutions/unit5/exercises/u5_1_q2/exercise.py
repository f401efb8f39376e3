"""u5.1.q2: A fresh permutation for every minibatch."""

from autograder.exercises import Exercise, answer, mistake, rerun

# The reported accuracy is judged for plausibility only (the catalogue: "reported, not
# scored"): the verified note measured 0.210 after one epoch with a fresh permutation per
# minibatch (0.836 with one fixed permutation); a network that can only use how much ink a
# picture has, and how it is spread over intensities, stays far below the fixed-permutation model.
EXERCISE = Exercise(
    "u5.1.q2", "A fresh permutation for every minibatch", ["ans_u5_1_q2", "ans_u5_1_q2_acc"],
    checks=[
        answer("why the accuracy stays low", "ans_u5_1_q2", weight=4, choices="ABCD"),
        rerun("reported accuracy", "ans_u5_1_q2_acc", "plausible_number", weight=1, low=0.05, high=0.6,
              what="the test accuracy with a fresh permutation per minibatch"),
    ],
    mistakes=[
        mistake("augmentation_helps", fails=["why the accuracy stays low"], says="is not the right choice"),
        mistake("the_fixed_permutation_s_accuracy", fails=["reported accuracy"], says="outside the range"),
    ],
)
