"""u2.3.q1: Changing the learning rate."""

from autograder.exercises import Exercise, case, mistake, output, rerun
from autograder_units.unit2.common import BLOBS, COURSE, START, blobs, course_data, fresh_seed, random_start, steps


def scratch_run(alpha: float, iters: int, data: tuple, start=START, where: str = COURSE):
    return case(*data, *start, alpha, iters, label=f"{where}, alpha {alpha:g}, {steps(iters)} from {start}")


def scratch_inputs(d):
    cases = [scratch_run(alpha, iters, course_data(d)) for alpha in (0.01, 0.1) for iters in (1, 10, 1000)]
    fresh = blobs(seed=fresh_seed(d))
    cases.append(scratch_run(0.1, 100, fresh, random_start(d), where="fresh blobs"))
    return cases


def large_step_inputs(d):
    # 1,000 steps of alpha = 1 are chaotic on some blobs (rounding differences grow), not on the course's
    return [scratch_run(1.0, iters, course_data(d)) for iters in (1, 10, 1000)] + [
        scratch_run(1.0, 10, blobs(seed=fresh_seed(d)), random_start(d), where="fresh blobs")]


EXERCISE = Exercise(
    "u2.3.q1", "Changing the learning rate", ["train_neuron_scratch", "ans_u2_3_q1"],
    manual="the interpretation of the learning-rate experiments",
    uses={"neuron_point_grad": "u2.2.q1"},
    checks=[
        # the catalogue fixes a tolerance, not a dtype: a history stored in float32 (torch.zeros(iters))
        # is as right as the reference's float64 one
        output("parameters and costs", "train_neuron_scratch", scratch_inputs, weight=5, rtol=1e-4, atol=1e-8,
               dtype="float", trajectory=True),
        output("parameters with alpha = 1", "train_neuron_scratch", large_step_inputs, weight=2, rtol=1e-4,
               atol=1e-8, dtype="float", transforms={"": "first_item"}),
        rerun("final costs", "ans_u2_3_q1", "neuron_final_costs", weight=3, lookups=[0.01, 0.1, 1.0],
              **BLOBS, start=list(START), iters=1000, alphas=[0.01, 0.1, 1.0], rtol=0.05),
    ],
    mistakes=[
        mistake("records_the_cost_after_the_update", fails=["parameters and costs"], says="differs"),
        mistake("sums_the_gradient_instead_of_averaging", fails=["parameters and costs", "parameters with alpha = 1"],
                says="values differ"),
        mistake("the_naive_cost_with_math_log", fails=["parameters with alpha = 1"], says="raised ValueError"),
        mistake("reports_the_costs_after_100_steps", fails=["final costs"],
                says="is not within 5% of the cost after 1000 steps"),
    ],
)

