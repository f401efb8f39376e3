"""u1.2.q2: Vectorised versus looped element-wise operations."""

from autograder.exercises import Exercise, answer, case, mistake, prop, raises

EXERCISE = Exercise(
    "u1.2.q2", "Vectorised versus looped element-wise operations", ["time_elementwise", "ans_u1_2_q2"],
    manual="a short discussion of whether the timing comparison is fair",
    checks=[
        prop("the loop is much slower", "time_elementwise", [case("div", 10_000, 1), case("exp", 10_000, 1)],
             "ratio_above", numerator=1, denominator=0, minimum=20, what="looped/vectorised time ratio",
             case_seconds=30),
        raises("unknown operation", "time_elementwise", [case("log", 10), case("", 10)], ["ValueError"]),
        answer("why", "ans_u1_2_q2", choices="ABCD"),
    ],
    mistakes=[
        mistake("returns_the_two_times_swapped", fails=['the loop is much slower'], says='ratio'),
        mistake("accepts_any_operation", fails=['unknown operation'], says='should raise ValueError'),
    ],
)

