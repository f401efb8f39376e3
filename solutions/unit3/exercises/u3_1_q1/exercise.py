"""u3.1.q1: Gradients of the first linear layer."""


from autograder.exercises import Exercise, call, case, mistake, output, sequence, source, vectorised
from autograder_units.unit3.common import F64, NO_AUTOGRAD


def dims(n: int) -> str:
    return f"{n} sample{'' if n == 1 else 's'}"


def mlp_params(d, dead: int = 0):
    """(W1, b1, W2, b2) in float64; the first `dead` hidden units never fire."""
    W1 = d.randn(20, 784, dtype=F64, std=0.05)
    b1 = d.randn(20, dtype=F64, std=0.1)
    W2 = d.randn(10, 20, dtype=F64, std=0.3)
    b2 = d.randn(10, dtype=F64, std=0.1)
    if dead:
        b1[:dead] = -1e3
    return W1, b1, W2, b2


def mlp_batch(d, n: int):
    return d.randn(n, 784, dtype=F64), d.randint(0, 10, (n,))


def mlp_inputs(d):
    return [case(*mlp_batch(d, n), *mlp_params(d), label=f"a batch of {dims(n)} (float64) and random weights")
            for n in (1, 5, 64)]


def dead_unit_inputs(d):
    return [case(*mlp_batch(d, 32), *mlp_params(d, dead=6),
                 label="a batch of 32 samples (float64) where 6 hidden units are off for every sample")]


def small_batch_inputs(d):
    """One call for the source check (which reads the function's text, not its result)."""
    return [case(*mlp_batch(d, 2), *mlp_params(d), label="a batch of 2 samples")]


def growing_batches(d):
    """The same weights on a batch of 4 and one of 64: a backward pass vectorised over the
    batch runs as many operations for both."""
    params = mlp_params(d)
    return [sequence(call(*mlp_batch(d, 4), *params), call(*mlp_batch(d, 64), *params),
                     label="batches of 4 and 64 samples")]


EXERCISE = Exercise(
    "u3.1.q1", "Gradients of the first linear layer", ["mlp_manual_backward"],
    checks=[
        output("equals autograd", "mlp_manual_backward", mlp_inputs, weight=5),
        output("hidden units that never fire", "mlp_manual_backward", dead_unit_inputs, weight=2),
        source("without autograd", "mlp_manual_backward", small_batch_inputs, weight=1.5,
               forbid=NO_AUTOGRAD, reason="compute the gradients with your own formulas"),
        # counted, not timed or read: a loop over the four gradients' names is no loop over the batch
        vectorised("no loop over the batch", "mlp_manual_backward", growing_batches, weight=1.5),
    ],
    mistakes=[
        mistake("forgets_the_relu_s_derivative", fails=["equals autograd", "hidden units that never fire"],
                says="at ['W1']"),
        mistake("the_gradient_of_the_sum_not_the_mean", fails=["equals autograd"], says="values differ"),
        mistake("asks_autograd", fails=["without autograd"], says="compute the gradients with your own formulas"),
        mistake("one_sample_at_a_time", fails=["no loop over the batch"], says="loops over the samples"),
    ],
)
