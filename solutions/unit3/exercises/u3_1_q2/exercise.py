"""u3.1.q2: Backpropagation for a chain of blocks."""

from autograder.exercises import Call, Exercise, fixture, helper, kept, mistake, output, sequence
from autograder_units.unit3.common import F64

# The blocks are the grader's (public/fixtures/block_chain.py): Linear, Tanh, Scale (by 0.5),
# Linear, ReLU, Linear, in float64, drawn from the step's seed. Each notes its forward and
# backward calls in a log all blocks share, and Linear blocks store their gradients in `grads`.
BLOCK_NAMES = ["linear0", "tanh1", "scale2", "linear3", "relu4", "linear5"]


def chain_case(d, n: int, widths: list[int], loss: str, loss_label: str, read_grads: bool, read_log: bool):
    """`loss` names the gradient of the cost in block_chain (the `loss_grad` argument)."""
    chain = f"a chain of 6 blocks (Linear, Tanh, Scale, Linear, ReLU, Linear; widths {tuple(widths)})"
    calls = [fixture("block_chain.recording_chain", widths, keep_as="blocks", label=chain),
             Call((kept("blocks", "the blocks"), d.randn(n, widths[0], dtype=F64),
                   helper(f"block_chain.{loss}", loss_label)),
                  label=f"{chain}, x of shape ({n}, {widths[0]}) (float64) and {loss_label}")]
    for i, name in enumerate(BLOCK_NAMES):
        if read_grads or (read_log and i == 0):
            calls.append(Call((i,), target="$blocks.__getitem__", keep_as=f"b{i}", quiet=True, label=f"block {name}"))
        if read_grads and name.startswith("linear"):
            calls.append(Call(target=f"$b{i}.grads", read_only=True, label=f"the grads stored by block {name}"))
    if read_log:
        calls.append(Call(target="$b0.log", read_only=True, label="the order of the forward and backward calls"))
    return sequence(*calls, label=f"{chain}, {n} inputs, {loss_label}")


def chain_grad_inputs(d):
    return [chain_case(d, 6, [3, 5, 5, 5, 4, 4, 2], "grad_of_squared_distance_to_one", "C = sum((y - 1)²)",
                       True, False),
            chain_case(d, 1, [2, 3, 3, 3, 3, 3, 1], "grad_of_sum_of_sines", "C = sum(sin(y))", True, False)]


def chain_order_inputs(d):
    return [chain_case(d, 4, [3, 4, 4, 4, 4, 4, 2], "grad_of_half_sum_of_squares", "C = sum(y²) / 2", False, True)]


EXERCISE = Exercise(
    "u3.1.q2", "Backpropagation for a chain of blocks", ["backprop_chain"],
    checks=[
        output("gradients equal autograd", "backprop_chain", chain_grad_inputs, weight=5),
        output("forward in order, backward in reverse", "backprop_chain", chain_order_inputs, weight=2),
    ],
    mistakes=[
        mistake("backward_in_forward_order",
                fails=["gradients equal autograd", "forward in order, backward in reverse"], says="raised"),
        mistake("skips_the_first_block_s_backward", fails=["gradients equal autograd"], says="expected shape (6, 3)"),
        mistake("runs_each_block_forward_again_before_its_backward", fails=["forward in order, backward in reverse"],
                says="the order of the forward and backward calls"),
    ],
)
