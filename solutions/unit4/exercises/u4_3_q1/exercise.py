"""u4.3.q1: L2 and L1 penalties, with and without the biases."""

from autograder.exercises import Call, Case, Exercise, answer, fixture, kept, mistake, output, using

# The models are built where the code runs, from the step's seed (public/fixtures/penalty_models.py):
# Conv2d, BatchNorm (whose scale is a parameter called "weight"), nested Linear layers, one without a
# bias, and the 1-2-2-1 regression network; some weights are exactly 0.
MODELS = (("penalty_models.mixed_model", "a model of Conv2d, BatchNorm2d, nested Linear layers (one without a "
                                         "bias) and BatchNorm1d"),
          ("penalty_models.regression_net", "the 1-2-2-1 regression network"))


def value_inputs(d):
    cases = []
    for ref, what in MODELS:
        cases.append(Case((fixture(ref, keep_as="model", label=what),
                           Call((kept("model", what),), label="the penalty with the default include_bias"),
                           Call((kept("model", what),), {"include_bias": True}, label="the penalty with include_bias=True"),
                           Call((kept("model", what), False), label="the penalty with include_bias=False")),
                          label=f"the penalty of {what}"))
    return cases


def gradient_inputs(d):
    cases = []
    for ref, what in MODELS:
        for include_bias in (False, True):
            made_by = f"the penalty of {what} with include_bias={include_bias}"
            cases.append(Case((fixture(ref, keep_as="model", label=what),
                               Call((kept("model", what),), {"include_bias": include_bias}, keep_as="penalty",
                                    quiet=True, label=made_by),
                               using("penalty_models.gradients", kept("model"), kept("penalty"),
                                     label=f"the gradient of {made_by} with respect to every parameter")),
                              label=made_by))
    return cases


EXERCISE = Exercise(
    "u4.3.q1", "Penalising the biases too", ["l2_penalty", "l1_penalty", "ans_u4_3_q1"],
    checks=[
        output("L2 penalty", "l2_penalty", value_inputs, weight=2),
        output("gradients of the L2 penalty", "l2_penalty", gradient_inputs, weight=1.5),
        output("L1 penalty", "l1_penalty", value_inputs, weight=2),
        output("gradients of the L1 penalty", "l1_penalty", gradient_inputs, weight=1.5),
        answer("why the biases are left out", "ans_u4_3_q1", weight=1, choices="ABCD"),
    ],
    mistakes=[
        mistake("l2_with_the_half", fails=["L2 penalty", "gradients of the L2 penalty"], says="values differ"),
        mistake("include_bias_ignored", fails=["L2 penalty", "gradients of the L2 penalty"],
                says="the penalty with the default include_bias"),
        mistake("mean_of_the_squares", fails=["L2 penalty", "gradients of the L2 penalty"], says="values differ"),
        mistake("weights_by_dimension", fails=["L1 penalty", "gradients of the L1 penalty"],
                says="the penalty of a model of Conv2d"),
        mistake("l1_as_a_python_float", fails=["L1 penalty", "gradients of the L1 penalty"], says="a float"),
        mistake("l1_through_a_square_root", fails=["gradients of the L1 penalty"], says="nan"),
        mistake("biases_have_no_gradient", fails=["why the biases are left out"], says="is not the right choice"),
    ],
)
