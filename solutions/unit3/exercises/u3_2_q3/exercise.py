"""u3.2.q3: Why the second minimum is harder."""

from autograder.exercises import Exercise, answer, mistake

EXERCISE = Exercise(
    "u3.2.q3", "Why the second minimum is harder", ["ans_u3_2_q3"],
    checks=[answer("a narrow valley", "ans_u3_2_q3", choices="ABCD")],
    mistakes=[mistake("not_differentiable", fails=["a narrow valley"], says="is not the right choice")],
)

