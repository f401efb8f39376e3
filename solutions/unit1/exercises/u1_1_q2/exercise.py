"""u1.1.q2: A 4-D tensor of fair random bits."""

from autograder.exercises import Exercise, call, case, mistake, prop, raises, sequence
from autograder_units.unit1.common import seeded_pair

FOUR_D = (8, 8, 32, 32)


EXERCISE = Exercise(
    "u1.1.q2", "A 4-D tensor of fair random bits", ["random_bits"],
    checks=[
        prop("shape, dtype and values", "random_bits",
             [case((2, 3, 4, 5)), case((1, 1, 1, 1)), case((3, 1, 2, 1))], "fair_bits",
             weight=2, statistics=False),
        prop("fair and independent", "random_bits", [case(FOUR_D)], "fair_bits", weight=3, shape=list(FOUR_D)),
        prop("fresh draws", "random_bits",
             [sequence(call((4, 4, 8, 8)), call((4, 4, 8, 8)), label="two calls without a generator")],
             "results_differ"),
        prop("uses the generator", "random_bits", lambda d: [seeded_pair(d, (2, 2, 4, 4))], "results_equal"),
        raises("shape of the wrong length", "random_bits", [case((2, 3, 4)), case((1, 2, 3, 4, 5)), case(())],
               ["ValueError"]),
    ],
    mistakes=[
        mistake("booleans_from_rand_0_5", fails=['shape, dtype and values', 'fair and independent'], says='integer dtype'),
        mistake("randint_0_1_draws_only_zeros", fails=['fair and independent'], says='share of ones'),
        mistake("ignores_the_generator", fails=['uses the generator'], says='should agree'),
    ],
)

