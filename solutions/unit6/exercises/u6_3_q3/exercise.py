"""u6.3.q3: Gradient norms while training a deep RNN."""

from autograder.exercises import Case, Exercise, case, fixture, kept, mistake, output
from autograder.exercises.spec import Call

NORMS, MEANS = "grad_inf_norms", "epoch_mean_norms"


def crafted_models(d):
    """A module whose gradients the grader set (some parameters without one, some gradients
    all negative), and a deep RNN after one real backward pass."""
    return [Case((fixture("gradients.crafted", d.child_seed(), keep_as="model",
                          label="a module with gradients set by the grader"),
                  Call((kept("model", "the module"),), label=f"{NORMS}(a module with set gradients, two without one)")),
                 label="a module with set gradients, two parameters without one"),
            Case((fixture("gradients.deep_rnn_after_backward", d.child_seed(), d.py.randint(3, 12), keep_as="model",
                          label="an embedding, a 2-layer nn.RNN and a linear layer after one backward pass"),
                  Call((kept("model", "the module"),), label=f"{NORMS}(a deep RNN after one backward pass)")),
                 label="a deep RNN after one backward pass")]


def histories(d):
    cases = []
    names = ["embedding.weight", "cell1.input_linear.weight", "cell2.hidden_linear.bias", "linear.weight"]
    for epochs, per_epoch in ((3, 4), (1, 5), (5, 1)):
        history = [{name: round(d.py.lognormvariate(-3, 2), 6) for name in names} for _ in range(epochs * per_epoch)]
        cases.append(case(history, per_epoch, label=f"{MEANS} of {epochs * per_epoch} steps, {per_epoch} per epoch"))
    return cases


EXERCISE = Exercise(
    "u6.3.q3", "Gradient norms while training a deep RNN", [NORMS, MEANS],
    manual="the plot of the per-epoch mean gradient norms and what it shows",
    checks=[
        output("infinity norms", NORMS, crafted_models, weight=3, rtol=1e-6, atol=1e-12),
        output("means per epoch", MEANS, histories, weight=2, rtol=1e-6, atol=1e-12),
    ],
    mistakes=[
        mistake("largest_entry_without_abs", fails=["infinity norms"], says="with set gradients"),
        mistake("zero_for_missing_gradients", fails=["infinity norms"], says="unexpected key"),
        mistake("two_norm", fails=["infinity norms"], says="at ['embedding.weight']"),
        mistake("mean_over_all_steps", fails=["means per epoch"], says="length"),
    ],
)
