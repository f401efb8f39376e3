"""u1.6.q2: Second derivatives with create_graph=True."""

from autograder.exercises import Exercise, answer, case, helper, mistake, output

# functions from the unit's fixtures (public/fixtures/functions.py), each with the point x0
FUNCTIONS = [
    (helper("functions.square_plus_x", "x**2 + x"), 2.0),
    (helper("functions.cube", "x**3"), 2.0),
    (helper("functions.sine", "sin(x)"), 0.5),
    (helper("functions.exponential", "exp(x)"), 1.0),
    (helper("functions.abs_cube_with_an_if", "|x|**3 (written with an if)"), -1.0),
]


EXERCISE = Exercise(
    "u1.6.q2", "Second derivatives with create_graph=True", ["second_derivative", "ans_u1_6_q2"],
    checks=[
        output("second derivatives", "second_derivative",
               lambda d: [case(f, x0, label=f"f = {f.label} at x = {x0:g}") for f, x0 in FUNCTIONS]
               + [case(helper("functions.fourth_power", "x**4"), round(d.py.uniform(-2, 2), 3), label="f = x**4")],
               weight=3, rtol=1e-10, atol=1e-10),
        answer("x.grad after the second pass", "ans_u1_6_q2"),
    ],
    mistakes=[
        mistake("computes_in_float32", fails=['second derivatives'], says='expected'),
        mistake("returns_a_tensor", fails=['second derivatives'], says='use .item()'),
        mistake("first_derivative_instead", fails=['x.grad after the second pass'], says='is not correct'),
    ],
)

