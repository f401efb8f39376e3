"""u2.9.q2: Parameters that make the deep network non-monotone."""

from autograder.exercises import Call, Exercise, helper, kept, mistake, output, sequence
from autograder_units.unit2.public.fixtures.deep_network import FALLS, RISES


def state_dict_case(reader: str, what: str):
    """Call non_monotone_state_dict() and hand what it returns to the reader `reader` of
    public/fixtures/deep_network.py, where the checked code runs."""
    return [sequence(Call(keep_as="sd", quiet=True, label="non_monotone_state_dict()"),
                     Call((kept("sd", "the returned state dict"),), make=helper(f"deep_network.{reader}", what),
                          label=what),
                     label=what)]


EXERCISE = Exercise(
    "u2.9.q2", "Parameters that make the deep network non-monotone", ["non_monotone_state_dict"],
    checks=[
        output("keys and shapes", "non_monotone_state_dict",
               state_dict_case("tensor_shapes", "the names and shapes of its tensors (those of the deep network's "
                                                "state_dict(): 0.weight, 0.bias, 2.weight, 2.bias)"), weight=1),
        output("y0 falls and rises along x0", "non_monotone_state_dict",
               state_dict_case("y0_along_x0", "y0 = exp(output[:, 0]) of the deep network loaded with it, at 201 "
                                              "points x0 in [-1, 1], other pixels 0"), weight=4),
    ],
    mistakes=[
        mistake("second_layer_weights_of_opposite_signs", fails=["y0 falls and rises along x0"],
                says=f"expected True at [{FALLS!r}], got False"),
        mistake("first_layer_weights_of_equal_signs", fails=["y0 falls and rises along x0"],
                says=f"expected True at [{FALLS!r}], got False"),
        mistake("weights_too_small_to_see_the_kink", fails=["y0 falls and rises along x0"],
                says=f"expected True at [{RISES!r}], got False"),
        mistake("names_of_a_module_of_its_own", fails=["keys and shapes", "y0 falls and rises along x0"],
                says="has no key '0.weight'"),
        mistake("first_layer_weight_stored_as_784_20", fails=["keys and shapes"], says="expected '(20, 784)'"),
    ],
)
