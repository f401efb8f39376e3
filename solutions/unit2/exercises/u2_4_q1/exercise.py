"""u2.4.q1: The PyTorch training loop."""

from autograder.exercises import Call, Exercise, answer, case, mistake, output, perf, sequence
from autograder_units.unit2.common import COURSE, START, blobs, course_data, fresh_seed, random_start, steps


def torch_run(data, init, alpha: float, iters: int, where: str, read: tuple[str, ...]):
    """train_neuron_torch(X, Y, init, alpha, iters), then the layer's tensors named in `read`."""
    run = f"{where}, init {init}, alpha {alpha:g}, {steps(iters)}"
    calls = [Call(data, {"init": init, "alpha": alpha, "iters": iters}, keep_as="run", label=run),
             Call((0,), target="$run.__getitem__", keep_as="layer", label=f"the layer returned for {run}")]
    calls += [Call(target=f"$layer.{name}", read_only=True, label=f"layer.{name} after {run}") for name in read]
    return sequence(*calls, label=run)


def torch_trajectories(d):
    fresh = blobs(seed=fresh_seed(d))
    return [torch_run(course_data(d), START, 0.1, 1000, COURSE, ("weight", "bias")),
            torch_run(course_data(d), START, 0.01, 10, COURSE, ("weight", "bias")),
            torch_run(fresh, random_start(d), 0.1, 100, "fresh blobs", ("weight", "bias"))]


def torch_gradients(d):
    fresh, read = blobs(seed=fresh_seed(d)), ("weight.grad", "bias.grad")
    return [torch_run(course_data(d), START, 0.1, iters, COURSE, read) for iters in (1, 2, 3)] + [
        torch_run(fresh, random_start(d), 0.5, 2, "fresh blobs", read)]


EXERCISE = Exercise(
    "u2.4.q1", "The PyTorch training loop", ["train_neuron_torch", "ans_u2_4_q1"],
    checks=[
        # the cost history's dtype is the student's choice (the catalogue fixes 1e-5, not float64)
        output("parameters and costs", "train_neuron_torch", torch_trajectories, weight=5, rtol=1e-5, atol=1e-8,
               dtype="float", trajectory=True),
        output("gradients after a few steps", "train_neuron_torch", torch_gradients, weight=2, rtol=1e-5, atol=1e-8,
               dtype="float"),
        perf("faster than a loop over the points", "train_neuron_torch",
             lambda d: [case(*course_data(d), iters=200, label=f"{COURSE}, 200 steps")], weight=0.5, max_ratio=5,
             hint="compute the cost of all points with one tensor expression"),
        answer("same results?", "ans_u2_4_q1", choices="ABCD", weight=1.5),
    ],
    mistakes=[
        mistake("never_zeroes_the_gradients", fails=["gradients after a few steps", "parameters and costs"],
                says="layer.weight.grad after"),
        mistake("updates_outside_torch_no_grad", fails=["parameters and costs"], says="raised RuntimeError"),
        mistake("bit_for_bit", fails=["same results?"], says="is not the right choice"),
    ],
)

