"""u2.6.q3: dZ/db and dZ/dW."""

from autograder.exercises import Exercise, case, mistake, output
from autograder_units.unit2.common import F64


def jacobian_w_cases(d):
    n = 12 if d.release else 200  # the release: dZ/dW of x of 200 values is (10, 2000), 160 KB
    return [case(d.randn(5), 3, label="x of 5 float32 values, 3 classes"),
            case(d.randn(n, dtype=F64), 10, label=f"x of {n} float64 values, 10 classes"),
            case(d.randn(1), 1, label="x of 1 float32 value, 1 class"),
            case(d.randn(4, dtype=F64), 6, label="x of 4 float64 values, 6 classes")]


EXERCISE = Exercise(
    "u2.6.q3", "dZ/db and dZ/dW", ["dZ_db", "dZ_dW"],
    checks=[
        # the identity is built from n_classes alone: its floating dtype is the student's choice
        output("dZ/db", "dZ_db", [case(1), case(3), case(10)], weight=1, dtype="float"),
        output("dZ/dW", "dZ_dW", jacobian_w_cases, weight=2),
    ],
    mistakes=[
        mistake("all_ones", fails=["dZ/db"], says="values differ"),
        mistake("x_in_every_entry_without_the_kronecker_delta", fails=["dZ/dW"], says="values differ"),
        mistake("only_the_n_classes_d_non_zero_block", fails=["dZ/dW"], says="expected shape"),
        mistake("always_float32", fails=["dZ/dW"], says="float64"),
    ],
)

