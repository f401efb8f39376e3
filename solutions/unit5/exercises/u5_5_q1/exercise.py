"""u5.5.q1: Padding that keeps the picture's size."""

from autograder.exercises import Call, Exercise, case, kept, mistake, output, raises, sequence, using

# The split puts the extra row (and column) of an even kernel after the picture (bottom, right),
# which is what nn.Conv2d(..., padding="same") computes (the verified note, q = 1..8 on 11 x 13).
AS_LIST = {"": "as_list"}


def odd_inputs(d):
    return [case(q, label=f"q = {q}") for q in (1, 3, 5, 7, 11)]


def even_inputs(d):
    return [case(q, label=f"q = {q}") for q in (2, 4, 6, 8, 16)]


def size_inputs(d):
    cases = []
    for q in range(1, 9):
        height, width = d.py.randint(q, 20), d.py.randint(q, 20)
        cases.append(sequence(
            Call((q,), keep_as="padding", quiet=True, label=f"same_padding({q})"),
            using("conv_modules.size_after_same_padding", kept("padding"), q, height, width,
                  label=f"the size of a {height} x {width} picture padded with same_padding({q}) and convolved with a "
                        f"{q} x {q} kernel"),
            label=f"q = {q} on a {height} x {width} picture"))
    return cases


EXERCISE = Exercise(
    "u5.5.q1", "Padding that keeps the picture's size", ["same_padding"],
    checks=[
        output("odd kernels", "same_padding", odd_inputs, weight=2, transforms=AS_LIST),
        output("the picture keeps its size", "same_padding", size_inputs, weight=2),
        output("even kernels: the extra row after, as padding='same'", "same_padding", even_inputs, weight=1,
               transforms=AS_LIST),
        raises("q < 1 raises ValueError", "same_padding", [case(0, label="q = 0"), case(-3, label="q = -3")],
               ["ValueError"], weight=0.5),
    ],
    mistakes=[
        mistake("half_the_kernel_on_each_side", fails=["the picture keeps its size", "even kernels: the extra row after, as padding='same'"],
                says="expected"),
        mistake("the_extra_row_before", fails=["even kernels: the extra row after, as padding='same'"], says="q = 2"),
        mistake("q_minus_one_on_each_side", fails=["odd kernels", "the picture keeps its size"], says="expected"),
        mistake("no_check_of_q", fails=["q < 1 raises ValueError"], says="should raise ValueError"),
    ],
)
