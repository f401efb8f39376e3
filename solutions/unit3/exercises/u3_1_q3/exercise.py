"""u3.1.q3: A block graph with two branches."""

from autograder.exercises import Exercise, case, helper, made, mistake, output
from autograder_units.unit3.common import F64


def coefficient(d, low: float = 0.3, high: float = 1.5) -> float:
    """A random constant of a block, rounded to 4 decimals, of either sign."""
    return float(f"{d.py.choice([-1, 1]) * d.py.uniform(low, high):.4f}")


def branch_inputs(d):
    """Blocks of public/fixtures/branch_blocks.py, built where the student's code runs."""
    cases = []
    for shape in ((3,), (5, 3)):
        a, b, c = coefficient(d), coefficient(d), coefficient(d)
        blocks = [made("branch_blocks.tanh_of_affine", a, label="B1(x) = tanh(a x + 0.25)"),
                  made("branch_blocks.sine_times_x_mixed", b, label="B2(x) = (sin(x) x) M"),
                  made("branch_blocks.product_plus_tanh_minus_square", c, label="B3(u, v) = u v + tanh(c u) - v²")]
        x, upstream = d.randn(*shape, dtype=F64), d.randn(*shape, dtype=F64)
        cases.append(case(*blocks, x, upstream, label=f"smooth random blocks and x of shape {shape} (float64)"))
    x, upstream = d.randn(4, 3, dtype=F64), d.randn(4, dtype=F64)
    cases.append(case(helper("branch_blocks.exponential", "B1(x) = exp(x)"), helper("branch_blocks.square", "B2(x) = x²"),
                      helper("branch_blocks.row_sums_of_product", "B3(u, v) = row sums of u v"), x, upstream,
                      label="B3 that reduces each row to a number, x of shape (4, 3) (float64)"))
    return cases


EXERCISE = Exercise(
    "u3.1.q3", "A block graph with two branches", ["branched_vjp"],
    checks=[
        output("equals autograd through the whole graph", "branched_vjp", branch_inputs, weight=5),
    ],
    mistakes=[
        mistake("only_the_path_through_b2", fails=["equals autograd through the whole graph"], says="values differ"),
        mistake("multiplies_the_two_paths", fails=["equals autograd through the whole graph"], says="values differ"),
        mistake("swaps_the_branches", fails=["equals autograd through the whole graph"], says="values differ"),
    ],
)
