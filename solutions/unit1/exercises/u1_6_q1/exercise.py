"""u1.6.q1: Calling backward() twice."""

from autograder.exercises import Exercise, answer, case, mistake, output

EXERCISE = Exercise(
    "u1.6.q1", "Calling backward() twice", ["backward_twice", "ans_u1_6_q1"],
    checks=[
        output("both settings", "backward_twice", [case(False), case(True)], weight=3),
        answer("why", "ans_u1_6_q1", choices="ABCD"),
    ],
    mistakes=[
        mistake("reports_the_gradient_even_after_the_error", fails=['both settings'], says='expected None at [1]'),
    ],
)

