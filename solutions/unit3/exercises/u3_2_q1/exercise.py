"""u3.2.q1: Reach the local minimum near (400, 130)."""

import torch

from autograder.exercises import Exercise, case, grad, mistake, output, rerun
from autograder_units.unit3.common import F64, MINIMUM_1, START_DISTANCE

KINK_DISTANCE = 1.0


def away_from_kinks(w0: torch.Tensor, w1: torch.Tensor) -> torch.Tensor:
    """Points farther than KINK_DISTANCE from both lines where the eggholder has a kink."""
    first = (w1 + w0 / 2 + 47).abs() / (1.25 ** 0.5)
    second = (w0 - w1 - 47).abs() / (2 ** 0.5)
    return (first > KINK_DISTANCE) & (second > KINK_DISTANCE)


def egg_points(d, n: int, dtype) -> tuple[torch.Tensor, torch.Tensor]:
    w = (d.rand(2, 4 * n, dtype=F64) * 2 - 1) * 512
    keep = away_from_kinks(w[0], w[1])
    w = w[:, keep][:, :n]
    return w[0].to(dtype).contiguous(), w[1].to(dtype).contiguous()


def egg_inputs_f64(d):
    return [case(*egg_points(d, n, F64), label=f"{n} random float64 points in [-512, 512]²") for n in (1, 100)] + [
        case(torch.tensor(300.0, dtype=F64), torch.tensor(135.0, dtype=F64), label="(300, 135) as float64 scalars")]


def egg_inputs_f32(d):
    return [case(*egg_points(d, 200, torch.float32), label="200 random float32 points in [-512, 512]²")]


def gd_inputs(d):
    return [
        case((300.0, 135.0), 5.0, 6, label="start (300, 135), lr 5, 6 steps"),
        case((300.0, 135.0), 5.0, 1, label="start (300, 135), lr 5, 1 step"),
        case((400.0, 130.0), 1.0, 25, label="start (400, 130), lr 1, 25 steps"),
        case((450.0, 420.0), 0.01, 25, label="start (450, 420), lr 0.01, 25 steps"),
        case((-200.0, 300.0), 0.5, 0, label="start (-200, 300), lr 0.5, 0 steps"),
    ]


EXERCISE = Exercise(
    "u3.2.q1", "Reach the local minimum near (400, 130)", ["eggholder", "gd_eggholder", "EGG_RUN_1"],
    uses={"eggholder": "u3.2.q1"},  # gd_eggholder calls it: a wrong surface is not counted twice
    checks=[
        output("eggholder in float64", "eggholder", egg_inputs_f64, weight=2),
        output("eggholder in float32", "eggholder", egg_inputs_f32, weight=1, rtol=1e-4, atol=1e-3),
        grad("gradient of eggholder", "eggholder", egg_inputs_f64, wrt_args=[0, 1], weight=1),
        # the catalogue runs it in the student's dtype: float32 (the default) agrees with the
        # float64 reference to 1.2e-3 on these cases, well inside 1e-2
        output("gradient descent trajectory", "gd_eggholder", gd_inputs, weight=3, trajectory=True,
               rtol=1e-6, atol=1e-2, dtype="float"),
        rerun("reaches the minimum", "EGG_RUN_1", "eggholder_run", weight=3, targets=[MINIMUM_1],
              min_start_distance=START_DISTANCE),
    ],
    mistakes=[
        mistake("w0_instead_of_w0_2_in_the_first_root", fails=["eggholder in float64", "gradient of eggholder"],
                says="differs"),
        mistake("a_python_math_version", fails=["gradient of eggholder"], says="not connected"),
        mistake("the_text_s_large_rate", fails=["reaches the minimum"], says="it should end within 1 of it"),
        # gd_eggholder is also graded in u3.3.q1, whose mistakes (rounds 0-2 of `validate`)
        # redefine it later in the notebook: the mistakes here that define it come after them
        mistake("climbs_instead_of_descending", fails=["gradient descent trajectory"],
                says="for start (300, 135), lr 5"),
        mistake("leaves_out_the_start", fails=["gradient descent trajectory"], says="expected shape (7, 2)"),
    ],
)

