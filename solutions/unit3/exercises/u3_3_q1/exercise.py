"""u3.3.q1: Eggholder minima with a decaying learning rate."""

from autograder.exercises import Exercise, case, mistake, output, rerun
from autograder_units.unit3.common import MINIMUM_1, MINIMUM_2, START_DISTANCE


def decay_inputs(d):
    return [
        case((300.0, 135.0), 5.0, 10, gamma=0.9, label="start (300, 135), lr 5, 10 steps, gamma 0.9"),
        case((300.0, 135.0), 5.0, 1, gamma=0.9, label="start (300, 135), lr 5, 1 step, gamma 0.9"),
        case((400.0, 130.0), 1.0, 30, gamma=0.95, label="start (400, 130), lr 1, 30 steps, gamma 0.95"),
        case((450.0, 420.0), 0.01, 20, gamma=0.5, label="start (450, 420), lr 0.01, 20 steps, gamma 0.5"),
        case((300.0, 135.0), 5.0, 6, gamma=1.0, label="start (300, 135), lr 5, 6 steps, gamma 1 (a constant rate)"),
        case((300.0, 135.0), 5.0, 6, gamma=None, label="start (300, 135), lr 5, 6 steps, gamma None"),
    ]


# gd_eggholder's mistakes here write the surface out: `validate` grades the k-th mistakes of
# all exercises in one notebook, and those of u3.2.q1 in the same rounds redefine `eggholder`.
EXERCISE = Exercise(
    "u3.3.q1", "Eggholder minima with a decaying learning rate", ["gd_eggholder", "EGG_DECAY_RUN_1", "EGG_DECAY_RUN_2"],
    uses={"eggholder": "u3.2.q1"},
    manual="the comparison of the decaying and the constant rate",
    checks=[
        # in the student's dtype, as in u3.2.q1 (float32 agrees with the float64 reference to 1.2e-3 here)
        output("trajectory with a decaying rate", "gd_eggholder", decay_inputs, weight=4, trajectory=True,
               rtol=1e-6, atol=1e-2, dtype="float"),
        rerun("reaches the first minimum with decay", "EGG_DECAY_RUN_1", "eggholder_run", weight=3,
              targets=[MINIMUM_1], min_start_distance=START_DISTANCE, decay=True),
        rerun("reaches the second minimum with decay", "EGG_DECAY_RUN_2", "eggholder_run", weight=3,
              targets=MINIMUM_2, min_start_distance=START_DISTANCE, decay=True),
    ],
    mistakes=[
        mistake("the_multiplier_read_as_the_previous_rate", fails=["trajectory with a decaying rate"],
                says="for start (300, 135), lr 5, 10 steps, gamma 0.9"),
        mistake("decays_before_the_first_step", fails=["trajectory with a decaying rate"], says="values differ"),
        mistake("ignores_gamma", fails=["trajectory with a decaying rate"], says="gamma 0.9"),
        # with decay, GD travels at most about lr / (1 - gamma) times the gradient's size
        mistake("decays_too_fast_to_arrive", fails=["reaches the first minimum with decay"], says="multiplied by 0.9"),
        mistake("a_gamma_of_1_is_no_decay", fails=["reaches the second minimum with decay"],
                says="'gamma' is 1; it should be in (0, 1)"),
        mistake("stops_short_of_the_second_minimum", fails=["reaches the second minimum with decay"],
                says="it should end within 1 of it"),
    ],
)
