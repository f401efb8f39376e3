"""Case builders and data that several of this unit's exercises share."""

from autograder.exercises import call, generator, sequence


def seeded_pair(d, first_argument):
    """Two calls with generators seeded alike: their results must agree."""
    seed = d.child_seed()
    return sequence(call(first_argument, generator(seed)), call(first_argument, generator(seed)),
                    label="two calls with equally seeded generators")
