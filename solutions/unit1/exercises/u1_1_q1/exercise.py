"""u1.1.q1: A list of mixed Python values."""

from autograder.exercises import Exercise, answer, case, mistake, output


def mixed_lists(d):
    return [
        case([1, 2.5]), case([True, 2]), case([1, 2.0, True]), case([1 + 2j, 1]),
        case([1, "a"]), case(["a", "b"]), case([[1, 2], [3]], label="the ragged list [[1, 2], [3]]"),
        case([], label="an empty list"), case([[1, 2], [3, 4]]),
        case([d.py.randint(-9, 9) for _ in range(5)] + [d.py.random()], label="a list of five ints and a float"),
    ]


EXERCISE = Exercise(
    "u1.1.q1", "A list of mixed Python values", ["to_tensor_or_none", "ans_u1_1_q1"],
    checks=[
        output("conversion", "to_tensor_or_none", mixed_lists, weight=3),
        answer("why", "ans_u1_1_q1", choices="ABCD"),
    ],
    mistakes=[
        mistake("no_error_handling", fails=['conversion'], says='raised TypeError'),
        mistake("catches_typeerror_only", fails=['conversion'], says='raised ValueError'),
        mistake("wrong_choice", fails=['why'], says='is not the right choice'),
    ],
)

