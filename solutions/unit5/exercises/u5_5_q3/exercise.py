"""u5.5.q3: Convolution as a matrix."""

from autograder.exercises import Exercise, case, mistake, ops, output, raises
from autograder_units.unit5.common import F64, LIBRARY_CONVOLUTION


def matrix_inputs(d):
    cases = [case(d.randn(2, 2, dtype=F64), 5, 5, label="a float64 kernel (2, 2) and a 5 x 5 picture")]
    for kernel, height, width in (((2, 3), 4, 6), ((3, 3), 3, 3), ((1, 1), 6, 4), ((3, 1), 5, 2), ((1, 4), 2, 7)):
        cases.append(case(d.randn(*kernel, dtype=F64), height, width,
                          label=f"a float64 kernel {kernel} and a {height} x {width} picture"))
    cases.append(case(d.randn(3, 2), 7, 5, label="a float32 kernel (3, 2) and a 7 x 5 picture"))
    return cases


def too_large(d):
    return [case(d.randn(3, 3), 2, 5, label="a kernel (3, 3) for a 2 x 5 picture"),
            case(d.randn(2, 6), 4, 5, label="a kernel (2, 6) for a 4 x 5 picture")]


def one_call(d):
    return [case(d.randn(2, 2, dtype=F64), 5, 5, label="a kernel (2, 2) and a 5 x 5 picture")]


# A is unique for row-major flattening of the picture and the output, so it is compared as a
# whole (for the 5 x 5 picture and 2 x 2 kernel: 16 x 25 with 64 non-zeros, the verified note);
# A @ X.flatten() and A.T @ g then equal the convolution and its input gradient. Any floating
# dtype is accepted (compared at the less precise one's tolerance).
EXERCISE = Exercise(
    "u5.5.q3", "Convolution as a matrix", ["conv_as_matrix"],
    uses={"conv2d_valid": "u5.2.q1"},  # building the columns with the student's own convolution is allowed
    checks=[
        output("the matrix", "conv_as_matrix", matrix_inputs, weight=6, dtype="float"),
        raises("a kernel larger than the picture raises ValueError", "conv_as_matrix", too_large, ["ValueError"],
               weight=1),
        ops("no library convolution", "conv_as_matrix", one_call, forbid=LIBRARY_CONVOLUTION, weight=1.5,
            reason="place the kernel's entries in the matrix yourself"),
    ],
    mistakes=[
        mistake("column_major_flattening", fails=["the matrix"], says="values differ"),
        mistake("the_kernel_s_width_as_the_row_stride", fails=["the matrix"], says="values differ"),
        mistake("only_the_kernel_s_first_row", fails=["the matrix"], says="values differ"),
        mistake("columns_from_f_conv2d", fails=["no library convolution"], says="aten.convolution"),
        mistake("no_check_of_the_kernel_size", fails=["a kernel larger than the picture raises ValueError"],
                says="should raise ValueError"),
    ],
)
