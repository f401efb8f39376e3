"""u1.5.q1: Which shapes broadcast, and to what."""

from autograder.exercises import Exercise, answer, call, case, mistake, output, sequence, source

SIZES = (0, 1, 2, 3, 5)


def shape_pairs(d, count: int = 500):
    def shape():
        return tuple(d.py.choice(SIZES) for _ in range(d.py.randint(0, 6)))

    pairs = [((2, 1, 2), (2, 1, 1, 3)), ((0,), (1,)), ((1,), (0,)), ((0,), (2,)), ((), (3, 1))]
    pairs += [(shape(), shape()) for _ in range(count - len(pairs))]
    return [sequence(*(call(a, b) for a, b in pairs[i:i + 50]), label="random shape pairs")
            for i in range(0, len(pairs), 50)]


EXERCISE = Exercise(
    "u1.5.q1", "Which shapes broadcast, and to what", ["broadcast_shape", "ans_u1_5_q1"],
    checks=[
        output("random shape pairs", "broadcast_shape", shape_pairs, weight=5),
        source("rules implemented by hand", "broadcast_shape", [case((2, 1), (1, 3))],
               forbid=["broadcast_shapes", "broadcast_tensors", "broadcast_to", "numpy", "np", "expand"],
               reason="implement the rules yourself"),
        answer("answer table", "ans_u1_5_q1", weight=4),
    ],
    mistakes=[
        mistake("treats_a_0_like_a_1", fails=['random shape pairs'], says='expected'),
        mistake("calls_torch_broadcast_shapes", fails=['rules implemented by hand'], says='broadcast_shapes'),
        mistake("reads_the_printed_sizes_in_reverse", fails=['answer table'], says="['AB'] is not correct"),
    ],
)

