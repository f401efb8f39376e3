"""u3.2.q2: Reach the local minimum near (450, 420)."""

from autograder.exercises import Exercise, mistake, rerun
from autograder_units.unit3.common import MINIMUM_2, START_DISTANCE

EXERCISE = Exercise(
    "u3.2.q2", "Reach the local minimum near (450, 420)", ["EGG_RUN_2"],
    checks=[rerun("reaches the minimum", "EGG_RUN_2", "eggholder_run", targets=MINIMUM_2,
                  min_start_distance=START_DISTANCE)],
    mistakes=[
        mistake("the_rate_of_the_first_minimum", fails=["reaches the minimum"], says="from (450, 420)"),
        mistake("a_dict_without_a_rate", fails=["reaches the minimum"], says="has no entry 'lr'"),
        mistake("starts_on_the_minimum", fails=["reaches the minimum"], says="start farther away"),
    ],
)

