"""Hidden checks for unit 2, sections 2.1-2.7, u2.8.q1-q2 and 2.9 (a single neuron, softmax
regression on Fashion-MNIST, then deeper networks). Students never receive this file.

Each exercise lists its checks (what is called, on which inputs, judged how, for what share
of the points) and the common mistakes that `autograder validate unit2` proves are caught.
The blob data set is `make_blobs(n_samples=100, n_features=2, centers=2, random_state=1)`;
hidden checks add fresh blobs drawn with seeds from the check's `Draw`.
"""

import torch
from sklearn.datasets import make_blobs, make_moons

from autograder.checks.rerun import neuron_descent
from autograder.exercises import (
    Call, Exercise, Mistake, accuracy, answer, case, function, hidden_only, kept, output, perf, prop, raises, rerun,
    sequence, source, trained,
)
from autograder.exercises.data import HELD_OUT, fashion_mnist
from autograder.exercises.fashion import MODE_LABEL, accuracy_case, flat_model, small_loaders

F64 = torch.float64
START = (1.0, -1.0, 5.5)  # the text's deliberately poor starting line


def blobs(n: int = 100, k: int = 2, seed: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
    """make_blobs as float64 tensors: points (n, k) and labels 0.0/1.0 (n,)."""
    points, labels = make_blobs(n_samples=n, n_features=k, centers=2, random_state=seed)
    return torch.tensor(points), torch.tensor(labels, dtype=F64)


X, Y = blobs()
COURSE = "the course's blobs"


def steps(count: int) -> str:
    return f"{count} step" + ("" if count == 1 else "s")


def fresh_seed(d) -> int:
    return d.child_seed() % 2**32


# --- u2.1 ----------------------------------------------------------------------------

def weight(d, low: float = 0.2, high: float = 3.0) -> float:
    """A weight whose magnitude stays away from 0, with a random sign."""
    return round(d.py.choice([-1, 1]) * d.py.uniform(low, high), 4)


def line_params(d):
    fixed = [case(1.0, -1.0, 5.5, 0.5), case(1.0, -1.0, 5.5, 0.9), case(-2.0, 0.5, 1.0, 0.01),
             case(0.3, 2.0, -4.0, 0.999)]
    drawn = [case(weight(d), weight(d), round(d.py.uniform(-10, 10), 4), round(d.py.uniform(0.01, 0.99), 4))
             for _ in range(8)]
    return fixed + drawn


U2_1_Q1 = Exercise(
    "u2.1.q1", "Why the iso-probability lines are straight", ["iso_probability_line", "ans_u2_1_q1"],
    checks=[
        output("slope and intercept", "iso_probability_line", line_params, weight=4),
        raises("no such line", "iso_probability_line",
               [case(1.0, 0.0, 2.0, 0.5), case(1.0, -1.0, 5.5, 0.0), case(1.0, -1.0, 5.5, 1.0),
                case(1.0, -1.0, 5.5, 1.5), case(1.0, -1.0, 5.5, -0.2)], ["ValueError"], weight=2),
        answer("why straight", "ans_u2_1_q1", choices="ABCD", weight=2),
    ],
    mistakes=[
        Mistake("uses p instead of logit(p)",
                "def iso_probability_line(w0, w1, b, p):\n"
                "    if w1 == 0 or not 0 < p < 1:\n        raise ValueError('no line')\n"
                "    return -w0 / w1, (p - b) / w1\n",
                fails=["slope and intercept"], says="at [1]"),
        Mistake("slope with the wrong sign",
                "def iso_probability_line(w0, w1, b, p):\n"
                "    if w1 == 0 or not 0 < p < 1:\n        raise ValueError('no line')\n"
                "    return w0 / w1, (math.log(p / (1 - p)) - b) / w1\n",
                fails=["slope and intercept"], says="at [0]"),
        Mistake("does not check its inputs",
                "def iso_probability_line(w0, w1, b, p):\n"
                "    return -w0 / w1, (math.log(p / (1 - p)) - b) / w1\n",
                fails=["no such line"], says="it raised ZeroDivisionError"),
        Mistake("wrong choice", 'ans_u2_1_q1 = "A"\n', fails=["why straight"], says="is not the right choice"),
    ],
)


def decision_params(d):
    fixed = [case(1.0, -1.0, 5.5), case(1.0, 1.0, 0.0), case(-0.5, 2.0, 3.0), case(2.0, -0.25, -1.0)]
    return fixed + [case(weight(d), weight(d), round(d.py.uniform(-10, 10), 4)) for _ in range(8)]


U2_1_Q2 = Exercise(
    "u2.1.q2", "The p = 0.5 decision line", ["decision_line", "ans_u2_1_q2b", "ans_u2_1_q2c"],
    checks=[
        output("line and side of label 1", "decision_line", decision_params, weight=4),
        answer("another equation", "ans_u2_1_q2b", choices="ABCD", weight=1.5),
        answer("same line, same model?", "ans_u2_1_q2c", choices="ABCD", weight=1.5),
    ],
    mistakes=[
        Mistake("label 1 on the wrong side", "def decision_line(w0, w1, b):\n    return -w0 / w1, -b / w1, w1 > 0\n",
                fails=["line and side of label 1"], says="at [2]"),
        Mistake("intercept without the minus sign", "def decision_line(w0, w1, b):\n    return -w0 / w1, b / w1, w1 < 0\n",
                fails=["line and side of label 1"], says="at [1]"),
        Mistake("only the mirrored triple", 'ans_u2_1_q2b = "B"\n', fails=["another equation"],
                says="is not the right choice"),
        Mistake("the line decides everything", 'ans_u2_1_q2c = "A"\n', fails=["same line, same model?"],
                says="is not the right choice"),
    ],
)


def relu_inputs(d):
    cases = []
    for dtype in (torch.float32, F64):
        points = d.randn(10_000, 2, dtype=dtype) * torch.logspace(-1, 3, 10_000, dtype=dtype)[:, None]
        cases.append(case(points, d.randn(2, dtype=dtype), d.randn((), dtype=dtype),
                          label=f"10,000 {str(dtype).removeprefix('torch.')} points with |z| up to thousands"))
    cases.append(case(d.randn(50, 2), d.randn(2), torch.tensor(-1e4), label="points with z far below 0 (float32)"))
    cases.append(case(d.randn(50, 2, dtype=F64), d.randn(2, dtype=F64), torch.tensor(1e4, dtype=F64),
                      label="points with z far above 0 (float64)"))
    cases.append(case(X, torch.tensor([1.0, -1.0], dtype=F64), torch.tensor(5.5, dtype=F64),
                      label=f"{COURSE} with (w0, w1, b) = (1, -1, 5.5)"))
    return cases


U2_1_Q3 = Exercise(
    "u2.1.q3", "Replacing the sigmoid by ReLU", ["relu_neuron_fixed", "ans_u2_1_q3b"],
    manual="the plot of ReLU (part a)",
    checks=[
        prop("strictly inside (0, 1), finite gradients", "relu_neuron_fixed", relu_inputs, "open_interval",
             weight=5, grads_wrt=[1, 2], grads_of=["w", "b"]),
        answer("what goes wrong", "ans_u2_1_q3b", choices="ABCD", weight=3),
    ],
    mistakes=[
        Mistake("sigmoid after ReLU, not clamped",
                "def relu_neuron_fixed(x, w, b):\n    return torch.sigmoid(torch.relu(x @ w + b))\n",
                fails=["strictly inside (0, 1), finite gradients"], says="first at"),
        Mistake("clamped with an epsilon float32 cannot represent",
                "def relu_neuron_fixed(x, w, b):\n"
                "    return (1 - torch.exp(-torch.relu(x @ w + b))).clamp(1e-8, 1 - 1e-8)\n",
                fails=["strictly inside (0, 1), finite gradients"], says="float32 points"),
        Mistake("clamped outside the autograd graph",
                "def relu_neuron_fixed(x, w, b):\n    y = 1 - torch.exp(-torch.relu(x @ w + b))\n"
                "    eps = torch.finfo(y.dtype).eps\n    return torch.tensor(y.tolist(), dtype=y.dtype).clamp(eps, 1 - eps)\n",
                fails=["strictly inside (0, 1), finite gradients"], says="gradients"),
        Mistake("no choice of the problem", 'ans_u2_1_q3b = "B"\n', fails=["what goes wrong"],
                says="is not the right choice"),
    ],
)


# --- u2.2 ----------------------------------------------------------------------------

def point_calls(d, count: int, dtype: torch.dtype, z_low: float, z_high: float):
    """Calls neuron_point_grad(w, b, x, yt) whose z = w.x + b has |z| in [z_low, z_high]."""
    calls = []
    for _ in range(count):
        w = d.randn(2, dtype=dtype)
        x = (d.rand(2, dtype=dtype) * 2 - 1) * 5
        target = d.py.choice([-1, 1]) * d.py.uniform(z_low, z_high)
        b = round(target - float(x.to(F64) @ w.to(F64)), 6)
        yt = float(d.py.randint(0, 1))
        name = str(dtype).removeprefix("torch.")
        calls.append(Call((w, b, x, yt), label=f"a {name} point with label {yt:g} and z = {target:.3g}"))
    return calls


def point_grad_inputs(d):
    return [sequence(*point_calls(d, 100, F64, 0, 6), label="100 random float64 points"),
            sequence(*point_calls(d, 100, torch.float32, 0, 6), label="100 random float32 points")]


def saturated_point_inputs(d):
    return [sequence(*point_calls(d, 20, torch.float32, 20, 30), label="float32 points with |z| between 20 and 30"),
            sequence(*point_calls(d, 20, F64, 20, 30), label="float64 points with |z| between 20 and 30")]


U2_2_Q1 = Exercise(
    "u2.2.q1", "The simplified gradient of H", ["neuron_point_grad"],
    checks=[
        output("random points", "neuron_point_grad", point_grad_inputs, weight=5, scale=10),
        output("points with large |z|", "neuron_point_grad", saturated_point_inputs, weight=3, scale=10),
        source("without autograd", "neuron_point_grad", [case(torch.ones(2), 0.0, torch.ones(2), 1.0)], weight=2,
               forbid=["autograd", "backward", "grad", "requires_grad", "requires_grad_"],
               reason="use your simplified formula"),
    ],
    mistakes=[
        Mistake("the sign flipped",
                "def neuron_point_grad(w, b, x, yt):\n    y = torch.sigmoid(x @ w + b)\n"
                "    return (yt - y) * torch.cat([x, torch.ones(1, dtype=x.dtype)])\n",
                fails=["random points"], says="values differ"),
        Mistake("the three factors, not simplified",
                "def neuron_point_grad(w, b, x, yt):\n    y = torch.sigmoid(x @ w + b)\n"
                "    factor = -(yt - y) / (y - y**2) * y * (1 - y)\n"
                "    return factor * torch.cat([x, torch.ones(1, dtype=x.dtype)])\n",
                fails=["points with large |z|"], says="got nan"),
        Mistake("the bias entry left out",
                "def neuron_point_grad(w, b, x, yt):\n    return (torch.sigmoid(x @ w + b) - yt) * x\n",
                fails=["random points"], says="expected shape (3,)"),
        Mistake("autograd instead of the formula",
                "def neuron_point_grad(w, b, x, yt):\n    w = w.detach().clone().requires_grad_(True)\n"
                "    bias = torch.tensor(b, dtype=w.dtype, requires_grad=True)\n"
                "    z = x @ w + bias\n"
                "    H = torch.nn.functional.softplus(z) - yt * z\n    H.backward()\n"
                "    return torch.cat([w.grad, bias.grad.reshape(1)])\n",
                fails=["without autograd"], says="use your simplified formula"),
    ],
)


def likelihood_inputs(d):
    cases = []
    for n in (1, 5, 100, 1000, 5000):
        y = d.rand(n, dtype=F64) * 0.98 + 0.01
        yt = d.randint(0, 2, (n,)).to(F64)
        cases.append(case(y, yt, label=f"{n} float64 prediction{'s' if n > 1 else ''} and label{'s' if n > 1 else ''}"))
    return cases


U2_2_Q2 = Exercise(
    "u2.2.q2", "Likelihood and cross-entropy", ["log_likelihood", "ans_u2_2_q2a"],
    checks=[
        output("log-likelihood", "log_likelihood", likelihood_inputs, weight=5),
        answer("assumptions", "ans_u2_2_q2a", weight=3),
    ],
    mistakes=[
        Mistake("the mean instead of the sum",
                "def log_likelihood(y, yt):\n    return (yt * torch.log(y) + (1 - yt) * torch.log(1 - y)).mean()\n",
                fails=["log-likelihood"], says="differs"),
        Mistake("the log of the product",
                "def log_likelihood(y, yt):\n    return torch.log(torch.prod(y**yt * (1 - y)**(1 - yt)))\n",
                fails=["log-likelihood"], says="got -inf"),
        Mistake("balanced classes assumed", 'ans_u2_2_q2a = ["A", "B", "D"]\n', fails=["assumptions"],
                says="is not correct"),
    ],
)


# --- u2.3 ----------------------------------------------------------------------------

def scratch_run(alpha: float, iters: int, data=(X, Y), start=START, where: str = COURSE):
    return case(*data, *start, alpha, iters, label=f"{where}, alpha {alpha:g}, {steps(iters)} from {start}")


def random_start(d) -> tuple[float, float, float]:
    return weight(d), weight(d), round(d.py.uniform(-6, 6), 3)


def scratch_inputs(d):
    cases = [scratch_run(alpha, iters) for alpha in (0.01, 0.1) for iters in (1, 10, 1000)]
    fresh = blobs(seed=fresh_seed(d))
    cases.append(scratch_run(0.1, 100, fresh, random_start(d), where="fresh blobs"))
    return cases


def large_step_inputs(d):
    # 1,000 steps of alpha = 1 are chaotic on some blobs (rounding differences grow), not on the course's
    return [scratch_run(1.0, iters) for iters in (1, 10, 1000)] + [
        scratch_run(1.0, 10, blobs(seed=fresh_seed(d)), random_start(d), where="fresh blobs")]


BLOBS = {"X": X.tolist(), "Y": Y.tolist()}

NAIVE_SCRATCH = """\
def train_neuron_scratch(X, Y, w0, w1, b, alpha, iters):
    costs = []
    for _ in range(iters):
        g0 = g1 = gb = cost = 0.0
        for (x0, x1), yt in zip(X.tolist(), Y.tolist()):
            y = 1 / (1 + math.exp(-(w0 * x0 + w1 * x1 + b)))
            cost -= yt * math.log(y) + (1 - yt) * math.log(1 - y)
            g0 += (y - yt) * x0
            g1 += (y - yt) * x1
            gb += y - yt
        n = len(X)
        costs.append(cost / n)
        w0, w1, b = w0 - alpha * g0 / n, w1 - alpha * g1 / n, b - alpha * gb / n
    return torch.tensor([w0, w1, b], dtype=torch.float64), torch.tensor(costs, dtype=torch.float64)
"""


def scratch_variant(cost_after: bool = False, total: bool = False) -> str:
    record = "        costs[i] = (torch.nn.functional.softplus(z) - Y * z).mean()\n"
    y = "        y = torch.sigmoid(z)\n"
    reduce = "sum" if total else "mean"
    return (
        "def train_neuron_scratch(X, Y, w0, w1, b, alpha, iters):\n"
        "    params = torch.tensor([w0, w1, b], dtype=torch.float64)\n"
        "    inputs = torch.cat([X, torch.ones(len(X), 1, dtype=torch.float64)], dim=1)\n"
        "    costs = torch.empty(iters, dtype=torch.float64)\n"
        "    for i in range(iters):\n"
        "        z = inputs @ params\n"
        + ("" if cost_after else record) + y +
        f"        params = params - alpha * ((y - Y)[:, None] * inputs).{reduce}(dim=0)\n"
        + ("        z = inputs @ params\n" + record if cost_after else "") +
        "    return params, costs\n"
    )


U2_3_Q1 = Exercise(
    "u2.3.q1", "Changing the learning rate", ["train_neuron_scratch", "ans_u2_3_q1"],
    manual="the interpretation of the learning-rate experiments",
    uses={"neuron_point_grad": "u2.2.q1"},
    checks=[
        output("parameters and costs", "train_neuron_scratch", scratch_inputs, weight=5, rtol=1e-4, atol=1e-8),
        output("parameters with alpha = 1", "train_neuron_scratch", large_step_inputs, weight=2, rtol=1e-4,
               atol=1e-8, transforms={"": "first_item"}),
        rerun("final costs", "ans_u2_3_q1", "neuron_final_costs", weight=3, lookups=[0.01, 0.1, 1.0],
              **BLOBS, start=list(START), iters=1000, alphas=[0.01, 0.1, 1.0], rtol=0.05),
    ],
    mistakes=[
        Mistake("records the cost after the update", scratch_variant(cost_after=True),
                fails=["parameters and costs"], says="differs"),
        Mistake("sums the gradient instead of averaging", scratch_variant(total=True),
                fails=["parameters and costs", "parameters with alpha = 1"], says="values differ"),
        Mistake("the naive cost with math.log", NAIVE_SCRATCH,
                fails=["parameters with alpha = 1"], says="raised ValueError"),
        Mistake("reports the costs after 100 steps", "ans_u2_3_q1 = {0.01: 0.1218, 0.1: 0.01817, 1.0: 0.001434}\n",
                fails=["final costs"], says="is not within 5% of the cost after 1000 steps"),
    ],
)


U2_3_Q2 = Exercise(
    "u2.3.q2", "A better initialisation", ["GOOD_INIT"],
    checks=[
        rerun("trains to a wider margin", "GOOD_INIT", "neuron_start", **BLOBS, alpha=0.1, iters=1000,
              baseline=list(START)),
    ],
    mistakes=[
        Mistake("the text's start", "GOOD_INIT = (1.0, -1.0, 5.5)\n", fails=["trains to a wider margin"],
                says="no farther than"),
        Mistake("only the weights", "GOOD_INIT = (-1.0, -1.0)\n", fails=["trains to a wider margin"],
                says="expected a tuple of 3 finite numbers"),
    ],
)


def final_gradient_inputs(d):
    params, _ = neuron_descent(X, Y, list(START), 0.1, 1000)
    w, b = params[:2].clone(), params[2].item()
    ones = [i for i in range(len(Y)) if Y[i] == 1]
    zeros = [i for i in range(len(Y)) if Y[i] == 0]
    cases = []
    for label, pool in (("label-1", ones), ("label-0", zeros)):
        i = d.py.choice(pool)
        cases.append(case(w, b, X[i].clone(), Y[i].item(),
                          label=f"the parameters after 1000 steps and the {label} point X[{i}]"))
    return cases


U2_3_Q3 = Exercise(
    "u2.3.q3", "Why the final gradient is so small", ["neuron_point_grad", "ans_u2_3_q3"],
    checks=[
        output("gradients at the final parameters", "neuron_point_grad", final_gradient_inputs, weight=1),
        answer("why so small", "ans_u2_3_q3", choices="ABCD", weight=2),
    ],
    mistakes=[
        Mistake("the sign flipped",
                "def neuron_point_grad(w, b, x, yt):\n    y = torch.sigmoid(x @ w + b)\n"
                "    return (yt - y) * torch.cat([x, torch.ones(1, dtype=x.dtype)])\n",
                fails=["gradients at the final parameters"], says="values differ"),
        Mistake("blames the learning rate", 'ans_u2_3_q3 = "B"\n', fails=["why so small"], says="is not the right choice"),
    ],
)


def analytic_inputs(d):
    fresh_x, fresh_y = blobs(n=500, seed=fresh_seed(d))
    return [
        case(torch.tensor([1.0, -1.0], dtype=F64), 5.5, X, Y, label=f"{COURSE} at (1, -1, 5.5)"),
        case(d.randn(2, dtype=F64), round(d.py.uniform(-3, 3), 3), X, Y, label=f"{COURSE} at random parameters"),
        case(d.randn(2, dtype=F64), round(d.py.uniform(-3, 3), 3), fresh_x, fresh_y, label="500 fresh blob points"),
        case(torch.tensor([1.0, -1.0]), 5.5, X.float(), Y.float(), label=f"{COURSE} in float32"),
        case(d.randn(1, 2).reshape(2), 0.5, d.randn(1, 2), torch.ones(1), label="a single float32 point"),
    ]


def saturated_inputs(d):
    return [
        case(torch.tensor([1.0, -1.0]), 50.0, X.float(), Y.float(), label=f"{COURSE} in float32 with b = 50"),
        case(d.randn(2) * 10, round(d.py.uniform(-3, 3), 3), X.float(), Y.float(),
             label=f"{COURSE} in float32 with large weights"),
    ]


U2_3_Q4 = Exercise(
    "u2.3.q4", "The analytic gradient instead of the chain-rule factors", ["calc_dC_analytic", "ans_u2_3_q4"],
    checks=[
        output("equals the chain-rule gradient", "calc_dC_analytic", analytic_inputs, weight=4, scale=10),
        output("finite when sigma(z) rounds to 0 or 1", "calc_dC_analytic", saturated_inputs, weight=2, scale=10),
        perf("no loop over the points", "calc_dC_analytic",
             lambda d: [case(d.randn(2, dtype=F64), 0.5, d.randn(2_000, 2, dtype=F64),
                             d.randint(0, 2, (2_000,)).to(F64))],
             weight=1, max_ratio=10, hint="avoid a Python loop over the points; use tensor operations on all of them"),
        answer("which version", "ans_u2_3_q4", choices="ABCD", weight=2),
    ],
    mistakes=[
        Mistake("keeps the chain-rule factors",
                "def calc_dC_analytic(w, b, X, Y):\n    y = torch.sigmoid(X @ w + b)\n"
                "    factor = -(Y - y) / (y - y**2) * y * (1 - y)\n"
                "    inputs = torch.cat([X, torch.ones(len(X), 1, dtype=X.dtype)], dim=1)\n"
                "    return (factor[:, None] * inputs).mean(dim=0)\n",
                fails=["finite when sigma(z) rounds to 0 or 1"], says="got nan"),
        Mistake("the sum instead of the mean",
                "def calc_dC_analytic(w, b, X, Y):\n    y = torch.sigmoid(X @ w + b)\n"
                "    inputs = torch.cat([X, torch.ones(len(X), 1, dtype=X.dtype)], dim=1)\n"
                "    return ((y - Y)[:, None] * inputs).sum(dim=0)\n",
                fails=["equals the chain-rule gradient"], says="values differ"),
        Mistake("a loop over the points",
                "def calc_dC_analytic(w, b, X, Y):\n    grad = torch.zeros(3, dtype=X.dtype)\n"
                "    for x, yt in zip(X, Y):\n        y = torch.sigmoid(x @ w + b)\n"
                "        grad += (y - yt) * torch.cat([x, torch.ones(1, dtype=X.dtype)])\n"
                "    return grad / len(X)\n",
                fails=["no loop over the points"], says="loop over the points"),
        Mistake("prefers the chain rule", 'ans_u2_3_q4 = "A"\n', fails=["which version"], says="is not the right choice"),
    ],
)


def labelled_points(d, n: int, k: int, dtype=F64) -> tuple[torch.Tensor, torch.Tensor]:
    labels = d.randint(0, 2, (n,)).to(dtype)
    centres = d.randn(2, k, dtype=dtype) * 3
    return centres[labels.long()] + d.randn(n, k, dtype=dtype), labels


def worker_points(seed: int, n: int) -> tuple:
    """`n` labelled float32 points in 2 dimensions, drawn where the checked code runs from a
    seed (a large timing input that need not travel in the release)."""
    labels = f"torch.randint(0, 2, ({n},), generator=torch.Generator().manual_seed({seed})).float()"
    points = (f"(lambda g: torch.randn(2, 2, generator=g)[torch.randint(0, 2, ({n},), generator=torch.Generator()"
              f".manual_seed({seed}))] * 3 + torch.randn({n}, 2, generator=g))(torch.Generator().manual_seed({seed + 1}))")
    return function(points, f"{n:,} float32 points"), function(labels, "their labels")


def vectorized_inputs(d):
    cases = []
    for k in (1, 2, 5, 20):
        for n in (1, 100, 1000):
            points, labels = labelled_points(d, n, k)
            cases.append(case(points, labels, d.randn(k, dtype=F64) * 0.1, round(d.py.uniform(-1, 1), 3), 0.1, 10,
                              label=f"{n} point{'s' if n > 1 else ''} in {k} dimension{'s' if k > 1 else ''}, 10 steps"))
    return cases


def accuracy_run(k: int):
    points, labels = blobs(n=200, k=k, seed=0)
    return case(points, labels, torch.zeros(k, dtype=F64), 0.0, 0.1, 1000,
                label=f"make_blobs(200, {k} features, random_state=0), 1000 steps of alpha 0.1 from w = 0, b = 0")


def width_mismatch(d):
    points, labels = labelled_points(d, 10, 2)
    return [case(points, labels, torch.zeros(3, dtype=F64), 0.0, 0.1, 5, label="w of shape (3,) for points of width 2"),
            case(points, labels, torch.zeros(1, dtype=F64), 0.0, 0.1, 5, label="w of shape (1,) for points of width 2")]


VECTORIZED_HEAD = (
    "def train_neuron_vectorized(X, Y, w, b, alpha, iters):\n"
    "    if w.shape != (X.shape[1],):\n        raise ValueError('w does not match X')\n"
    "    costs = torch.empty(iters, dtype=X.dtype)\n"
)

U2_3_Q5 = Exercise(
    "u2.3.q5", "A vectorised neuron for k-dimensional inputs", ["train_neuron_vectorized"],
    uses={"calc_dC_analytic": "u2.3.q4"},
    checks=[
        perf("no loop over the points", "train_neuron_vectorized",
             lambda d: [case(*worker_points(d.child_seed(), 100_000), torch.zeros(2), 0.0, 0.1, 5,
                             label="100,000 float32 points, 5 steps")],
             weight=1, max_ratio=3, case_seconds=3,
             hint="avoid a Python loop over the points; use tensor operations on all of them"),
        # F.softplus is linear above z = 20, so correct stable costs differ by up to e^-20 per point
        output("against the reference", "train_neuron_vectorized", vectorized_inputs, weight=4, rtol=1e-8, atol=1e-8),
        prop("accuracy on separable blobs", "train_neuron_vectorized", [accuracy_run(5), accuracy_run(10)],
             "linear_accuracy", weight=1.5, minimum=1.0),
        prop("accuracy on overlapping blobs", "train_neuron_vectorized", [accuracy_run(2)], "linear_accuracy",
             weight=0.5, minimum=0.96),  # the reference's accuracy on these blobs: a line cannot do better
        raises("mismatched widths", "train_neuron_vectorized", width_mismatch, ["ValueError"], weight=1),
    ],
    mistakes=[
        Mistake("returns b as a tensor", VECTORIZED_HEAD +
                "    b = torch.tensor(float(b), dtype=X.dtype)\n    for i in range(iters):\n        z = X @ w + b\n"
                "        costs[i] = (torch.nn.functional.softplus(z) - Y * z).mean()\n"
                "        error = torch.sigmoid(z) - Y\n"
                "        w, b = w - alpha * X.T @ error / len(Y), b - alpha * error.mean()\n    return w, b, costs\n",
                fails=["against the reference"], says="use .item()"),
        Mistake("updates b with the new w", VECTORIZED_HEAD +
                "    for i in range(iters):\n        z = X @ w + b\n"
                "        costs[i] = (torch.nn.functional.softplus(z) - Y * z).mean()\n"
                "        w = w - alpha * X.T @ (torch.sigmoid(z) - Y) / len(Y)\n"
                "        b = b - alpha * (torch.sigmoid(X @ w + b) - Y).mean().item()\n    return w, b, costs\n",
                fails=["against the reference"], says="differs"),
        Mistake("no check of the widths",
                "def train_neuron_vectorized(X, Y, w, b, alpha, iters):\n"
                "    costs = torch.empty(iters, dtype=X.dtype)\n    for i in range(iters):\n        z = X @ w + b\n"
                "        costs[i] = (torch.nn.functional.softplus(z) - Y * z).mean()\n"
                "        error = torch.sigmoid(z) - Y\n"
                "        w, b = w - alpha * X.T @ error / len(Y), b - alpha * error.mean().item()\n    return w, b, costs\n",
                fails=["mismatched widths"], says="should raise ValueError"),
        Mistake("a loop over the points", VECTORIZED_HEAD +
                "    for i in range(iters):\n        grad_w, grad_b, cost = torch.zeros_like(w), 0.0, 0.0\n"
                "        for x, yt in zip(X, Y):\n            z = x @ w + b\n"
                "            cost += torch.nn.functional.softplus(z) - yt * z\n"
                "            grad_w += (torch.sigmoid(z) - yt) * x\n            grad_b += (torch.sigmoid(z) - yt).item()\n"
                "        costs[i] = cost / len(Y)\n"
                "        w, b = w - alpha * grad_w / len(Y), b - alpha * grad_b / len(Y)\n    return w, b, costs\n",
                fails=["no loop over the points"], says="loop over the points"),
    ],
)


# --- u2.4 ----------------------------------------------------------------------------

def torch_run(data, init, alpha: float, iters: int, where: str, read: tuple[str, ...]):
    """train_neuron_torch(X, Y, init, alpha, iters), then the layer's tensors named in `read`."""
    run = f"{where}, init {init}, alpha {alpha:g}, {steps(iters)}"
    calls = [Call(data, {"init": init, "alpha": alpha, "iters": iters}, keep_as="run", label=run),
             Call((0,), target="$run.__getitem__", keep_as="layer", label=f"the layer returned for {run}")]
    calls += [Call(target=f"$layer.{name}", read_only=True, label=f"layer.{name} after {run}") for name in read]
    return sequence(*calls, label=run)


def torch_trajectories(d):
    fresh = blobs(seed=fresh_seed(d))
    return [torch_run((X, Y), START, 0.1, 1000, COURSE, ("weight", "bias")),
            torch_run((X, Y), START, 0.01, 10, COURSE, ("weight", "bias")),
            torch_run(fresh, random_start(d), 0.1, 100, "fresh blobs", ("weight", "bias"))]


def torch_gradients(d):
    fresh = blobs(seed=fresh_seed(d))
    return [torch_run((X, Y), START, 0.1, iters, COURSE, ("weight.grad", "bias.grad")) for iters in (1, 2, 3)] + [
        torch_run(fresh, random_start(d), 0.5, 2, "fresh blobs", ("weight.grad", "bias.grad"))]


TORCH_LOOP = """\
def train_neuron_torch(X, Y, init=(1.0, -1.0, 5.5), alpha=0.1, iters=1000):
    layer = nn.Linear(2, 1, dtype=torch.float64)
    with torch.no_grad():
        layer.weight.copy_(torch.tensor([[init[0], init[1]]], dtype=torch.float64))
        layer.bias.fill_(init[2])
    costs = torch.empty(iters, dtype=torch.float64)
    for i in range(iters):
{zero}        z = layer(X).squeeze(1)
        cost = (F.softplus(z) - Y * z).mean()
        cost.backward()
{update}        costs[i] = cost.detach()
    return layer, costs
"""
UPDATE = ("        with torch.no_grad():\n            layer.weight -= alpha * layer.weight.grad\n"
          "            layer.bias -= alpha * layer.bias.grad\n")

U2_4_Q1 = Exercise(
    "u2.4.q1", "The PyTorch training loop", ["train_neuron_torch", "ans_u2_4_q1"],
    checks=[
        output("parameters and costs", "train_neuron_torch", torch_trajectories, weight=5, rtol=1e-5, atol=1e-8),
        output("gradients after a few steps", "train_neuron_torch", torch_gradients, weight=2, rtol=1e-5, atol=1e-8),
        perf("faster than a loop over the points", "train_neuron_torch",
             [case(X, Y, iters=200, label=f"{COURSE}, 200 steps")], weight=0.5, max_ratio=5,
             hint="compute the cost of all points with one tensor expression"),
        answer("same results?", "ans_u2_4_q1", choices="ABCD", weight=1.5),
    ],
    mistakes=[
        Mistake("never zeroes the gradients", TORCH_LOOP.format(zero="", update=UPDATE),
                fails=["gradients after a few steps", "parameters and costs"], says="layer.weight.grad after"),
        Mistake("updates outside torch.no_grad()",
                TORCH_LOOP.format(zero="        layer.zero_grad()\n",
                                  update="        layer.weight -= alpha * layer.weight.grad\n"
                                         "        layer.bias -= alpha * layer.bias.grad\n"),
                fails=["parameters and costs"], says="raised RuntimeError"),
        Mistake("bit for bit", 'ans_u2_4_q1 = "D"\n', fails=["same results?"], says="is not the right choice"),
    ],
)



# --- u2.5 ----------------------------------------------------------------------------
# The picture folders exist only at check time. A folder is built by the first argument of
# the dataset call: an expression (trusted, written here) that the worker evaluates when it
# decodes the call, writing PNG files and the labels file into its private temporary folder
# (the judge, running the reference, writes into a scratch folder of its own that is removed
# when the reference goes). Synthetic pictures
# come from a seeded generator; the 500 test pictures are read from the mounted data folder
# (AUTOGRADER_DATA). Nothing is written into the repository or the student's release.

def _folder(token: str) -> str:
    return (f"__import__('os').path.join(scratch_dir(), "
            f"'autograder-u2.5-{token}')")


def _pictures(seed: int, n: int, real: bool) -> tuple[str, str]:
    """Source of (images uint8 (n, 1, 28, 28), labels int64 (n,)) in the checking process."""
    if real:
        raw = "__import__('os').path.join(__import__('os').environ['AUTOGRADER_DATA'], 'FashionMNIST', 'raw', '{}')"
        # from the labelled half: the worker's view scrambles the held-out labels
        chosen = f"torch.randperm({HELD_OUT.start}, generator=torch.Generator().manual_seed({seed}))[:{n}].numpy()"
        return (f"torch.from_numpy(np.fromfile({raw.format('t10k-images-idx3-ubyte')}, dtype=np.uint8, "
                f"offset=16).reshape(-1, 1, 28, 28)[{chosen}].copy())",
                f"torch.from_numpy(np.fromfile({raw.format('t10k-labels-idx1-ubyte')}, dtype=np.uint8, "
                f"offset=8)[{chosen}].astype(np.int64))")
    return (f"torch.randint(0, 256, ({n}, 1, 28, 28), dtype=torch.uint8, "
            f"generator=torch.Generator().manual_seed({seed}))",
            f"torch.randint(0, 10, ({n},), generator=torch.Generator().manual_seed({seed + 1}))")


def row_order(seed: int, n: int) -> list[int]:
    """The order of the pictures in the labels file (shuffled)."""
    return torch.randperm(n, generator=torch.Generator().manual_seed(seed + 2)).tolist()


def picture_folder(d, n: int = 37, header: bool = True, real: bool = False, drop: int | None = None):
    """(labels_file, dir) arguments for FashionMNISTDataset; `drop` names a picture whose
    file is not written (its row stays in the labels file)."""
    seed = d.child_seed()
    token = f"{seed:08x}-{n}-{int(header)}-{int(real)}-{drop}"
    images, labels = _pictures(seed, n, real)
    header_text = "'filename,label\\n'" if header else "''"
    build = (
        "(lambda os, io, folder, images, labels, order: ("
        "os.makedirs(folder, exist_ok=True),"
        f"[(io.write_png(images[i], os.path.join(folder, f'p{{i}}.{{os.getpid()}}.tmp')),"
        f" os.replace(os.path.join(folder, f'p{{i}}.{{os.getpid()}}.tmp'), os.path.join(folder, f'img_{{i:04d}}.png')))"
        f" for i in range(len(images)) if i != {drop!r}],"
        f"__import__('pathlib').Path(os.path.join(folder, f'labels.{{os.getpid()}}.tmp')).write_text("
        f"{header_text} + ''.join(f'img_{{i:04d}}.png,{{int(labels[i])}}\\n' for i in order)),"
        "os.replace(os.path.join(folder, f'labels.{os.getpid()}.tmp'), os.path.join(folder, 'labels.csv')),"
        "os.path.join(folder, 'labels.csv'))[-1])"
        f"(__import__('os'), __import__('torchvision.io', fromlist=['write_png']), {_folder(token)}, "
        f"{images}, {labels}, {row_order(seed, n)})"
    )
    what = f"{n} {'test' if real else 'random'} pictures"
    return (function(build, f"a labels file of {what} ({'with' if header else 'without'} a header)"),
            function(_folder(token), "their folder"), seed)


def dataset_calls(d, *, n: int = 37, header: bool = True, real: bool = False, drop: int | None = None, **kwargs):
    labels_file, folder, seed = picture_folder(d, n, header, real, drop)
    built = Call((labels_file, folder), kwargs, keep_as="ds", quiet=True,
                 label=f"FashionMNISTDataset({labels_file.label}, ...)")
    return built, seed


def items_case(d, header: bool, real: bool = False, n: int = 37):
    built, _ = dataset_calls(d, n=n, header=header, real=real)
    picks = [0, n - 1] + [d.py.randrange(n) for _ in range(4)]
    where = f"{n} {'test' if real else 'random'} pictures, labels file {'with' if header else 'without'} a header"
    return sequence(built, Call(target="$ds.__len__", label=f"len(dataset) for {where}"),
                    *[Call((i,), target="$ds.__getitem__", label=f"dataset[{i}] for {where}") for i in picks],
                    label=where)


def transform_case(d):
    built, _ = dataset_calls(d, transform=function("lambda image: image.float() / 255 + 1", "a transform"),
                             target_transform=function("lambda label: 100 + label", "a target transform"))
    picks = [d.py.randrange(37) for _ in range(4)]
    return sequence(built, *[Call((i,), target="$ds.__getitem__",
                                  label=f"dataset[{i}] with a transform and a target transform") for i in picks],
                    label="37 random pictures with transforms")


def loader_case(d):
    built, _ = dataset_calls(d, header=False)
    calls = [built,
             Call((kept("ds"),), {"batch_size": 4}, target="torch.utils.data.DataLoader", keep_as="loader", quiet=True,
                  label="DataLoader(dataset, batch_size=4)"),
             Call(target="$loader.__iter__", keep_as="batches", quiet=True, label="iter(loader)")]
    calls += [Call(target="$batches.__next__", label=f"batch {k} of DataLoader(dataset, batch_size=4) over 37 pictures")
              for k in range(10)]
    return sequence(*calls, label="DataLoader(dataset, batch_size=4) over 37 pictures")


def bad_index_cases(d):
    cases = []
    for index in (37, 40):
        built, _ = dataset_calls(d)
        cases.append(sequence(built, Call((index,), target="$ds.__getitem__", label=f"dataset[{index}] of 37 pictures"),
                              label=f"dataset[{index}] of 37 pictures"))
    return cases


def missing_file_cases(d):
    drop = d.py.randrange(37)
    built, seed = dataset_calls(d, drop=drop)
    row = row_order(seed, 37).index(drop)
    return [sequence(built, Call((row,), target="$ds.__getitem__", label="the item whose picture file is missing"),
                     label="a labels file naming a picture that is not in the folder")]


DATASET_HEAD = """\
class FashionMNISTDataset(torch.utils.data.Dataset):
    def __init__(self, labels_file, dir, transform=None, target_transform=None):
        self.dir, self.transform, self.target_transform = dir, transform, target_transform
"""
DATASET_LEN = "    def __len__(self):\n        return len(self.rows)\n"


def dataset_variant(read_rows: str, get: str) -> str:
    return DATASET_HEAD + read_rows + DATASET_LEN + get


ROWS_SKIP_HEADER = ("        lines = open(labels_file).read().split()\n"
                    "        if lines and lines[0].startswith('filename'):\n            lines = lines[1:]\n"
                    "        self.rows = [(l.split(',')[0], int(l.split(',')[1])) for l in lines]\n")
GET_OK = ("    def __getitem__(self, idx):\n"
          "        if not 0 <= idx < len(self.rows):\n            raise IndexError(idx)\n"
          "        name, label = self.rows[idx]\n        path = os.path.join(self.dir, name)\n"
          "        if not os.path.exists(path):\n            raise FileNotFoundError(path)\n"
          "        image = torchvision.io.read_image(path)\n"
          "        if self.transform:\n            image = self.transform(image)\n"
          "        if self.target_transform:\n            label = self.target_transform(label)\n"
          "        return image, label\n")

U2_5_Q1 = Exercise(
    "u2.5.q1", "A custom FashionMNISTDataset", ["FashionMNISTDataset"],
    manual="the plot of a few pictures of the 500-picture folder",
    checks=[
        output("length and items", "FashionMNISTDataset",
               lambda d: [items_case(d, header=True), items_case(d, header=False)], weight=4),
        output("transforms", "FashionMNISTDataset", lambda d: [transform_case(d)], weight=1.5),
        output("in a DataLoader", "FashionMNISTDataset", lambda d: [loader_case(d)], weight=1.5),
        hidden_only(output("500 test pictures", "FashionMNISTDataset",
                           lambda d: [items_case(d, header=True, real=True, n=500)], weight=1)),
        raises("index out of range", "FashionMNISTDataset", bad_index_cases, ["IndexError"], weight=1),
        raises("missing picture file", "FashionMNISTDataset", missing_file_cases, ["FileNotFoundError"], weight=1),
    ],
    mistakes=[
        Mistake("keeps the header line as a row",
                dataset_variant("        lines = open(labels_file).read().split()\n"
                                "        self.rows = [(l.split(',')[0], l.split(',')[1]) for l in lines]\n"
                                "        self.rows = [(n, int(v)) if v.isdigit() else (n, v) for n, v in self.rows]\n",
                                GET_OK),
                fails=["length and items"], says="labels file with a header, FashionMNISTDataset raised FileNotFoundError"),
        Mistake("forgets the target transform",
                dataset_variant(ROWS_SKIP_HEADER, GET_OK.replace(
                    "        if self.target_transform:\n            label = self.target_transform(label)\n", "")),
                fails=["transforms"], says="with a transform and a target transform"),
        Mistake("a (28, 28) picture without the channel",
                dataset_variant(ROWS_SKIP_HEADER, GET_OK.replace("read_image(path)", "read_image(path)[0]")),
                fails=["length and items", "in a DataLoader"], says="expected shape (1, 28, 28)"),
        Mistake("lets negative or large indices through",
                dataset_variant(ROWS_SKIP_HEADER, GET_OK.replace(
                    "        if not 0 <= idx < len(self.rows):\n            raise IndexError(idx)\n",
                    "        idx = idx % len(self.rows)\n")),
                fails=["index out of range"], says="should raise IndexError"),
        Mistake("no check that the file exists",
                dataset_variant(ROWS_SKIP_HEADER, GET_OK.replace(
                    "        if not os.path.exists(path):\n            raise FileNotFoundError(path)\n", "")),
                fails=["missing picture file"], says="but it raised RuntimeError"),
    ],
)


# --- u2.6 ----------------------------------------------------------------------------

U2_6_Q1 = Exercise(
    "u2.6.q1", "Number of parameters", ["ans_u2_6_q1"],
    checks=[answer("parameter count", "ans_u2_6_q1", weight=1)],
    mistakes=[Mistake("forgets the biases", "ans_u2_6_q1 = 7840\n", fails=["parameter count"], says="is not correct")],
)


def softmax_inputs(d, n: int, score: float, dtype=F64, classes: int = 10, width: int = 784):
    X = d.rand(n, width, dtype=dtype)
    W = d.randn(classes, width, dtype=dtype)
    W = W * (score / (X @ W.T).abs().max().clamp_min(1e-12))
    return W, d.randn(classes, dtype=dtype), X, d.randint(0, classes, (n,))


def softmax_grad_cases(d):
    cases = [case(*softmax_inputs(d, n, 50.0), label=f"{n} float64 picture{'s' if n > 1 else ''}, scores up to 50")
             for n in (1, 7)]
    cases.append(case(*softmax_inputs(d, 16, 5.0, classes=3, width=20),
                      label="16 float64 inputs of width 20, 3 classes"))
    return cases


def large_score_cases(d):
    return [case(*softmax_inputs(d, 32, 800.0), label="32 float64 pictures with scores up to 800"),
            case(*softmax_inputs(d, 32, 120.0, dtype=torch.float32), label="32 float32 pictures with scores up to 120")]


GRAD_HEAD = "def softmax_regression_grad(W, b, X, labels):\n"
ONE_HOT = "F.one_hot(labels, num_classes=W.shape[0]).to(W.dtype)"

U2_6_Q2 = Exercise(
    "u2.6.q2", "The gradient of H for softmax regression", ["softmax_regression_grad"],
    checks=[
        output("equals autograd's gradient", "softmax_regression_grad", softmax_grad_cases, weight=4, scale=10),
        hidden_only(output("a batch of 256", "softmax_regression_grad",
                           lambda d: [case(*softmax_inputs(d, 256, 50.0), label="256 float64 pictures, scores up to 50")],
                           weight=1, scale=10)),
        output("large scores", "softmax_regression_grad", large_score_cases, weight=2, scale=10),
        source("no loop over samples or classes", "softmax_regression_grad",
               lambda d: [case(*softmax_inputs(d, 2, 1.0))],
               weight=1.5, no_loops=True),
        source("without autograd", "softmax_regression_grad",
               lambda d: [case(*softmax_inputs(d, 2, 1.0))],
               weight=1.5, forbid=["backward", "autograd", "requires_grad", "requires_grad_"],
               reason="use the formula you derived"),
    ],
    mistakes=[
        Mistake("a softmax that overflows", GRAD_HEAD +
                "    e = torch.exp(X @ W.T + b)\n    y = e / e.sum(dim=1, keepdim=True)\n"
                f"    error = (y - {ONE_HOT}) / len(X)\n    return error.T @ X, error.sum(dim=0)\n",
                fails=["large scores"], says="got nan"),
        Mistake("the sum instead of the mean", GRAD_HEAD +
                f"    error = torch.softmax(X @ W.T + b, dim=1) - {ONE_HOT}\n    return error.T @ X, error.sum(dim=0)\n",
                fails=["equals autograd's gradient"], says="values differ"),
        Mistake("y_t - y instead of y - y_t", GRAD_HEAD +
                f"    error = ({ONE_HOT} - torch.softmax(X @ W.T + b, dim=1)) / len(X)\n"
                "    return error.T @ X, error.sum(dim=0)\n",
                fails=["equals autograd's gradient"], says="values differ"),
        Mistake("a loop over the samples", GRAD_HEAD +
                "    dW, db = torch.zeros_like(W), torch.zeros_like(b)\n"
                "    for x, k in zip(X, labels):\n        e = torch.softmax(W @ x + b, dim=0)\n        e[k] -= 1\n"
                "        dW += torch.outer(e, x)\n        db += e\n    return dW / len(X), db / len(X)\n",
                fails=["no loop over samples or classes"], says="it uses a Python loop"),
        Mistake("autograd instead of the formula", GRAD_HEAD +
                "    W = W.detach().clone().requires_grad_(True)\n    b = b.detach().clone().requires_grad_(True)\n"
                "    F.cross_entropy(X @ W.T + b, labels).backward()\n    return W.grad, b.grad\n",
                fails=["without autograd"], says="use the formula you derived"),
    ],
)


def jacobian_w_cases(d):
    return [case(d.randn(5), 3, label="x of 5 float32 values, 3 classes"),
            case(d.randn(200, dtype=F64), 10, label="x of 200 float64 values, 10 classes"),
            case(d.randn(1), 1, label="x of 1 float32 value, 1 class"),
            case(d.randn(4, dtype=F64), 6, label="x of 4 float64 values, 6 classes")]


U2_6_Q3 = Exercise(
    "u2.6.q3", "dZ/db and dZ/dW", ["dZ_db", "dZ_dW"],
    checks=[
        output("dZ/db", "dZ_db", [case(1), case(3), case(10)], weight=1),
        output("dZ/dW", "dZ_dW", jacobian_w_cases, weight=2),
    ],
    mistakes=[
        Mistake("all ones", "def dZ_db(n_classes):\n    return torch.ones(n_classes, n_classes)\n",
                fails=["dZ/db"], says="values differ"),
        Mistake("x in every entry, without the Kronecker delta",
                "def dZ_dW(x, n_classes):\n    return x.expand(n_classes, n_classes, len(x)).clone()\n",
                fails=["dZ/dW"], says="values differ"),
        Mistake("only the (n_classes, d) non-zero block",
                "def dZ_dW(x, n_classes):\n    return x.expand(n_classes, len(x)).clone()\n",
                fails=["dZ/dW"], says="expected shape"),
        Mistake("always float32", "def dZ_dW(x, n_classes):\n"
                "    return torch.eye(n_classes)[:, :, None] * x.float()[None, None, :]\n",
                fails=["dZ/dW"], says="float64"),
    ],
)


def model_case(d, n: int):
    vector = d.randn(7850) * 0.05
    calls = [
        Call(keep_as="model", quiet=True, label="make_softmax_regression()"),
        Call(target="$model.parameters", keep_as="params", quiet=True, label="model.parameters()"),
        Call((vector, kept("params", "model.parameters()")), target="torch.nn.utils.vector_to_parameters", quiet=True,
             label="setting the model's 7,850 parameters"),
        Call((d.rand(n, 784),), target="$model", label=f"the model's output for {n} float32 picture{'s' if n > 1 else ''}"),
        Call(target="$model.parameters", keep_as="params_after", quiet=True, label="model.parameters()"),
        Call((kept("params_after", "model.parameters()"),), target="torch.nn.utils.parameters_to_vector",
             label="the model's parameters, weight then bias, as one vector"),
    ]
    return sequence(*calls, label=f"a model with set parameters, {n} picture{'s' if n > 1 else ''}")


U2_6_Q4 = Exercise(
    "u2.6.q4", "The model in two lines", ["make_softmax_regression"],
    checks=[
        output("probabilities from its own parameters", "make_softmax_regression",
               lambda d: [model_case(d, n) for n in (1, 5, 64)], weight=1),
    ],
    mistakes=[
        Mistake("no softmax", "def make_softmax_regression():\n    return nn.Linear(784, 10)\n",
                fails=["probabilities from its own parameters"], says="the model's output for"),
        Mistake("softmax over the batch", "def make_softmax_regression():\n"
                "    return nn.Sequential(nn.Linear(784, 10), nn.Softmax(dim=0))\n",
                fails=["probabilities from its own parameters"], says="the model's output for 1 float32 picture, 10 of 10 values differ"),
        Mistake("log-probabilities", "def make_softmax_regression():\n"
                "    return nn.Sequential(nn.Linear(784, 10), nn.LogSoftmax(dim=1))\n",
                fails=["probabilities from its own parameters"], says="values differ"),
        Mistake("no bias", "def make_softmax_regression():\n"
                "    return nn.Sequential(nn.Linear(784, 10, bias=False), nn.Softmax(dim=1))\n",
                fails=["probabilities from its own parameters"], says="values differ"),
    ],
)


def loader_checks(train: bool, d):
    rows = d.randint(0, 60_000 if train else 10_000, (64,))
    # hidden grading scrambles the held-out test labels in the worker's view of the data
    labelled = d.randint(0, 60_000 if train else HELD_OUT.start, (64,))
    split = "training" if train else "test"
    call = Call((), {} if train else {"train": False}, keep_as="data", quiet=True,
                label="load_fmnist_flat()" if train else "load_fmnist_flat(train=False)")
    return sequence(
        call,
        Call((1,), target="$data.__getitem__", keep_as="labels", quiet=True, label=f"the labels of the {split} set"),
        Call(target="$labels.shape", read_only=True, label=f"the shape of the {split} labels"),
        Call(target="$labels.dtype", read_only=True, label=f"the dtype of the {split} labels"),
        Call((labelled,), target="$labels.__getitem__", label=f"64 labels of the {split} set"),
        Call((0,), target="$data.__getitem__", keep_as="X", quiet=True, label=f"the images of the {split} set"),
        Call(target="$X.shape", read_only=True, label=f"the shape of the {split} images"),
        Call(target="$X.dtype", read_only=True, label=f"the dtype of the {split} images"),
        Call((rows,), target="$X.__getitem__", label=f"64 rows of the {split} images"),
        label=f"the {split} set",
    )


def weighted_model(seed: int) -> str:
    return ("(lambda model, g: (torch.nn.utils.vector_to_parameters(torch.randn(7850, generator=g) * 0.05, "
            "model.parameters()), model)[1])(torch.nn.Sequential(torch.nn.Linear(784, 10), torch.nn.Softmax(dim=1)), "
            f"torch.Generator().manual_seed({seed}))")


def cost_cases(d):
    cases = []
    for n in (1, 20, 100):
        model = function(weighted_model(d.child_seed()), "a softmax-regression model with given weights")
        cases.append(case(model, d.rand(n, 784), d.randint(0, 10, (n,)),
                          label=f"a model with given weights and {n} random picture{'s' if n > 1 else ''}"))
    return cases


def untrained_cost_case(d):
    fresh = function(f"(lambda _: torch.nn.Sequential(torch.nn.Linear(784, 10), torch.nn.Softmax(dim=1)))"
                     f"(torch.manual_seed({d.child_seed()}))", "a freshly initialised model")
    return [sequence(
        Call((), keep_as="data", quiet=True, target="load_fmnist_flat", label="load_fmnist_flat()"),
        Call((0,), target="$data.__getitem__", keep_as="X", quiet=True, label="the training images"),
        Call((1,), target="$data.__getitem__", keep_as="labels", quiet=True, label="the training labels"),
        Call((fresh, kept("X", "the training images"), kept("labels", "the training labels")),
             label="the cost of a freshly initialised model on the whole training set"),
        label="a freshly initialised model on the whole training set")]


COST_HEAD = "def full_dataset_cost(model, X, labels):\n    with torch.no_grad():\n"
LOADER_HEAD = ("def load_fmnist_flat(train=True):\n"
               "    data = torchvision.datasets.FashionMNIST(DATA_ROOT, train=train, download=False)\n")

U2_6_Q5 = Exercise(
    "u2.6.q5", "The cost of the untrained model on the training set", ["load_fmnist_flat", "full_dataset_cost"],
    checks=[
        output("test set as flat float pictures", "load_fmnist_flat", lambda d: [loader_checks(False, d)], weight=2),
        output("training set as flat float pictures", "load_fmnist_flat", lambda d: [loader_checks(True, d)], weight=2),
        output("cost for given weights", "full_dataset_cost", cost_cases, weight=4, rtol=1e-4),
        output("untrained model on the training set", "full_dataset_cost", untrained_cost_case, weight=2, rtol=1e-4),
    ],
    mistakes=[
        Mistake("pixels not scaled to [0, 1]", LOADER_HEAD +
                "    return data.data.reshape(len(data.data), -1).float(), data.targets\n",
                fails=["test set as flat float pictures", "training set as flat float pictures"],
                says="64 rows of the test images"),
        Mistake("pictures not flattened", LOADER_HEAD + "    return data.data.float() / 255, data.targets\n",
                fails=["test set as flat float pictures"], says="the shape of the test images"),
        Mistake("always the training set", "def load_fmnist_flat(train=True):\n"
                "    data = torchvision.datasets.FashionMNIST(DATA_ROOT, train=True, download=False)\n"
                "    return data.data.reshape(len(data.data), -1).float() / 255, data.targets\n",
                fails=["test set as flat float pictures"], says="the shape of the test labels"),
        Mistake("cross_entropy on probabilities", COST_HEAD +
                "        return F.cross_entropy(model(X), labels).item()\n",
                fails=["cost for given weights"], says="for a model with given weights and 1 random picture, expected"),
        Mistake("the sum instead of the mean", COST_HEAD +
                "        p = model(X)\n        return -torch.log(p[torch.arange(len(labels)), labels]).sum().item()\n",
                fails=["cost for given weights", "untrained model on the training set"], says="and 20 random pictures, expected"),
    ],
    isolated=True,
)


# --- u2.7 ----------------------------------------------------------------------------

def same_item_dataset(d, form: str) -> tuple:
    seed, label = d.child_seed(), d.py.randrange(10)
    image = f"torch.randint(0, 256, (1, 28, 28), dtype=torch.uint8, generator=torch.Generator().manual_seed({seed}))"
    item = {"uint8": image, "float": f"{image}.float() / 255",
            "PIL": f"__import__('torchvision.transforms.functional', fromlist=['to_pil_image']).to_pil_image({image})",
            }[form]
    return function(f"[({item}, {label})] * 40", f"a data set of 40 copies of one {form} picture")


def varied_dataset(d) -> tuple:
    seed = d.child_seed()
    return function(f"list(zip(torch.randint(0, 256, (100, 1, 28, 28), dtype=torch.uint8, "
                    f"generator=torch.Generator().manual_seed({seed})), range(100)))",
                    "a data set of 100 different uint8 pictures")


def minibatch_values(d):
    cases = [case(same_item_dataset(d, form), 16, seed=d.child_seed()) for form in ("uint8", "float", "PIL")]
    cases.append(case(same_item_dataset(d, "uint8"), 5, seed=d.child_seed()))
    return cases


def same_seed(d):
    seed = d.child_seed()
    ds = varied_dataset(d)
    return [sequence(Call((ds, 16), {"seed": seed}), Call((ds, 16), {"seed": seed}),
                     label="two calls with the same seed on a data set of 100 different pictures")]


def other_seeds(d):
    ds = varied_dataset(d)
    first, second = d.child_seed(), d.child_seed() + 1
    return [sequence(Call((ds, 16), {"seed": first}), Call((ds, 16), {"seed": second}),
                     label="two calls with different seeds on a data set of 100 different pictures")]


MINIBATCH_HEAD = "def load_minibatch(dataset, batch_size=16, seed=None):\n"
TO_FLOAT = "    to_float = v2.Compose([v2.ToImage(), v2.ToDtype(torch.float32, scale=True)])\n"
GATHER = ("    items = [dataset[i] for i in chosen]\n"
          "    images = torch.stack([to_float(img).as_subclass(torch.Tensor) for img, _ in items])\n"
          "    return images, torch.tensor([int(lab) for _, lab in items])\n")

U2_7_Q1 = Exercise(
    "u2.7.q1", "A minibatch of 16", ["load_minibatch"],
    checks=[
        output("float pictures in [0, 1] and int64 labels", "load_minibatch", minibatch_values, weight=3),
        prop("same seed, same batch", "load_minibatch", same_seed, "results_equal", weight=1),
        prop("different seeds, different batches", "load_minibatch", other_seeds, "results_differ", weight=1),
    ],
    mistakes=[
        Mistake("uint8 pictures not scaled", MINIBATCH_HEAD +
                "    g = torch.Generator()\n    g.manual_seed(seed if seed is not None else 0)\n"
                "    chosen = torch.randperm(len(dataset), generator=g)[:batch_size].tolist()\n"
                "    to_float = v2.Compose([v2.ToImage(), v2.ToDtype(torch.float32)])\n" + GATHER,
                fails=["float pictures in [0, 1] and int64 labels"], says="values differ"),
        Mistake("ignores the seed", MINIBATCH_HEAD +
                "    chosen = torch.randperm(len(dataset))[:batch_size].tolist()\n" + TO_FLOAT + GATHER,
                fails=["same seed, same batch"], says="calls that should agree gave different results"),
        Mistake("always the first items", MINIBATCH_HEAD + "    chosen = range(batch_size)\n" + TO_FLOAT + GATHER,
                fails=["different seeds, different batches"], says="two calls gave identical results"),
        Mistake("pictures of shape (28, 28)", MINIBATCH_HEAD +
                "    g = torch.Generator().manual_seed(seed or 0)\n"
                "    chosen = torch.randperm(len(dataset), generator=g)[:batch_size].tolist()\n" + TO_FLOAT +
                GATHER.replace("for img, _ in items])", "for img, _ in items]).squeeze(1)"),
                fails=["float pictures in [0, 1] and int64 labels"], says="expected shape (16, 1, 28, 28)"),
    ],
)


def real_batch(d, n: int, flat: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    images, labels = fashion_mnist(train=True)
    rows = d.randint(0, len(images), (n,))
    batch = images[rows].to(torch.float32) / 255
    return (batch.reshape(n, 784) if flat else batch.reshape(n, 1, 28, 28)), labels[rows]


def new_layer() -> Call:
    return Call((784, 10), target="torch.nn.Linear", keep_as="z", quiet=True, label="z = nn.Linear(784, 10)")


def read_layer(after: str, grad: bool = False) -> list[Call]:
    names = ("weight", "bias") + (("weight.grad",) if grad else ())
    return [Call(target=f"$z.{name}", read_only=True, label=f"z.{name} after {after}") for name in names]


def one_step_cases(d):
    cases = []
    for n, flat in ((16, False), (16, True), (100, False)):
        images, labels = real_batch(d, n, flat)
        shape = "(N, 784)" if flat else "(N, 1, 28, 28)"
        what = f"one step on {n} training pictures of shape {shape}, lr 0.1"
        cases.append(sequence(new_layer(), Call((kept("z", "z"), images, labels, 0.1), label=what),
                              *read_layer(what), label=what))
    return cases


def in_place_cases(d):
    images, labels = real_batch(d, 16)
    what = "one step on 16 training pictures, lr 0.5"
    return [sequence(new_layer(),
                     Call(target="$z.weight.detach", keep_as="w_before", quiet=True, label="the weight tensor"),
                     Call(target="$z.bias.detach", keep_as="b_before", quiet=True, label="the bias tensor"),
                     Call((kept("z", "z"), images, labels, 0.5), label=what),
                     Call(target="$w_before", read_only=True,
                          label=f"the tensor that was z.weight before the call, after {what}"),
                     Call(target="$b_before", read_only=True,
                          label=f"the tensor that was z.bias before the call, after {what}"),
                     label=what)]


def two_step_cases(d):
    first, second = real_batch(d, 16), real_batch(d, 16)
    what = "two steps on two batches of 16 training pictures, lr 0.1"
    return [sequence(new_layer(), Call((kept("z", "z"), *first, 0.1), label="the first of two steps"),
                     Call((kept("z", "z"), *second, 0.1), label="the second of two steps"),
                     *read_layer(what, grad=True), label=what)]


STEP_HEAD = "def gd_step(z, images, labels, lr):\n"
STEP_BODY = ("    cost = F.cross_entropy(z(images.flatten(start_dim=1)), labels)\n    cost.backward()\n"
             "    with torch.no_grad():\n        z.weight -= lr * z.weight.grad\n        z.bias -= lr * z.bias.grad\n")

U2_7_Q2 = Exercise(
    "u2.7.q2", "One SGD step and one full gradient step", ["gd_step"],
    checks=[
        output("one step", "gd_step", one_step_cases, weight=4, rtol=1e-5, atol=1e-6),
        output("updates the layer in place", "gd_step", in_place_cases, weight=2, rtol=1e-5, atol=1e-6),
        output("two steps in a row", "gd_step", two_step_cases, weight=2, rtol=1e-5, atol=1e-6),
    ],
    mistakes=[
        Mistake("never clears the gradients", STEP_HEAD + STEP_BODY + "    return cost.item()\n",
                fails=["two steps in a row"], says="z.weight after two steps"),
        Mistake("clears the gradients after the update", STEP_HEAD + STEP_BODY + "    z.zero_grad()\n"
                "    return cost.item()\n", fails=["two steps in a row"], says="z.weight.grad after two steps"),
        Mistake("new parameter tensors", STEP_HEAD + "    z.zero_grad()\n"
                "    cost = F.cross_entropy(z(images.flatten(start_dim=1)), labels)\n    cost.backward()\n"
                "    z.weight = nn.Parameter(z.weight - lr * z.weight.grad)\n"
                "    z.bias = nn.Parameter(z.bias - lr * z.bias.grad)\n    return cost.item()\n",
                fails=["updates the layer in place"], says="the tensor that was z.weight before the call"),
        Mistake("returns the cost after the update", STEP_HEAD + "    z.zero_grad()\n" + STEP_BODY +
                "    return F.cross_entropy(z(images.flatten(start_dim=1)), labels).item()\n",
                fails=["one step"], says="one step on 16 training pictures"),
        Mistake("images not flattened", STEP_HEAD + "    z.zero_grad()\n" +
                STEP_BODY.replace("z(images.flatten(start_dim=1))", "z(images)") + "    return cost.item()\n",
                fails=["one step"], says="raised RuntimeError"),
    ],
)


def likelihood_grad_cases(d):
    cases = []
    for n in (1, 2, 5):
        W, b, X, labels = softmax_inputs(d, n, 3.0)
        cases.append(case(W, b, X, labels, label=f"{n} float64 picture{'s' if n > 1 else ''}"))
    W, b, X, labels = softmax_inputs(d, 4, 2.0, classes=3, width=6)
    cases.append(case(W, b, X, labels, label="4 float64 inputs of width 6, 3 classes"))
    return cases


def underflow_cases(d):
    images, labels = fashion_mnist(train=False)
    rows = d.randint(0, len(images), (2000,))
    W = d.randn(10, 784, dtype=F64) * 0.01
    return [case(W, d.randn(10, dtype=F64) * 0.01, images[rows].reshape(2000, 784).to(F64) / 255, labels[rows],
                 label="2000 test pictures in float64")]


LIKELIHOOD_HEAD = ("def likelihood_grad(W, b, X, labels):\n"
                   "    W = W.detach().to(torch.float64).requires_grad_(True)\n"
                   "    cost = F.cross_entropy(X.to(torch.float64) @ W.T + b.to(torch.float64), labels)\n")

U2_7_Q3 = Exercise(
    "u2.7.q3", "The likelihood gradient against the cost gradient", ["likelihood_grad", "ans_u2_7_q3"],
    checks=[
        output("small batches", "likelihood_grad", likelihood_grad_cases, weight=4, rtol=1e-8, atol=1e-300),
        hidden_only(output("2000 pictures", "likelihood_grad", underflow_cases, weight=1, rtol=1e-8, atol=1e-300)),
        answer("why minimise the cost", "ans_u2_7_q3", choices="ABCD", weight=3),
    ],
    mistakes=[
        Mistake("the gradient of the cost", LIKELIHOOD_HEAD + "    cost.backward()\n    return W.grad\n",
                fails=["small batches", "2000 pictures"], says="values differ"),
        Mistake("without the factor N", LIKELIHOOD_HEAD + "    torch.exp(-cost).backward()\n    return W.grad\n",
                fails=["small batches"], says="values differ"),
        Mistake("float32 result", LIKELIHOOD_HEAD + "    torch.exp(-len(X) * cost).backward()\n"
                "    return W.grad.float()\n", fails=["small batches"], says="float64"),
        Mistake("blames the second derivatives", 'ans_u2_7_q3 = "C"\n', fails=["why minimise the cost"],
                says="is not the right choice"),
    ],
)


# --- u2.8 (q1, q2) ---------------------------------------------------------------------

def log_softmax_cases(d):
    cases = []
    for dtype in (torch.float32, F64):
        name = str(dtype).removeprefix("torch.")
        cases.append(case(d.randn(6, 10, dtype=dtype) * 5, 1, label=f"{name} scores of shape (6, 10), dim=1"))
        cases.append(case(d.randn(3, 4, 5, dtype=dtype) * 5, 0, label=f"{name} scores of shape (3, 4, 5), dim=0"))
        cases.append(case(d.randn(2, 7, dtype=dtype) * 5, label=f"{name} scores of shape (2, 7), default dim"))
        cases.append(case(d.randn(8, dtype=dtype) * 5, dim=-1, label=f"{name} scores of shape (8,), dim=-1"))
    return cases


def huge_score_cases(d):
    cases = []
    for dtype in (torch.float32, F64):
        name = str(dtype).removeprefix("torch.")
        cases.append(case((d.rand(16, 10, dtype=dtype) * 2 - 1) * 1000, 1,
                          label=f"{name} scores in [-1000, 1000] of shape (16, 10), dim=1"))
        cases.append(case((d.rand(4, 6, dtype=dtype) * 2 - 1) * 1000, 0,
                          label=f"{name} scores in [-1000, 1000] of shape (4, 6), dim=0"))
    return cases


LOG_SOFTMAX_HEAD = "def stable_log_softmax(z, dim=-1):\n"

U2_8_Q1 = Exercise(
    "u2.8.q1", "When a softmax probability underflows", ["ans_u2_8_q1", "stable_log_softmax"],
    checks=[
        answer("what goes wrong", "ans_u2_8_q1", choices="ABCD", weight=3),
        output("equals log_softmax", "stable_log_softmax", log_softmax_cases, weight=3, scale=10),
        # a correct z - logsumexp(z) is off by about 1e-4 in float32 near |z| = 1000: the
        # tolerance scales with the size of the scores (1e-6 of 1000)
        output("scores up to 1000", "stable_log_softmax", huge_score_cases, weight=3, rtol=1e-5, atol=1e-3),
        source("without torch's log-softmax", "stable_log_softmax", [case(torch.zeros(2, 3), 1)], weight=1,
               forbid=["log_softmax", "LogSoftmax"], reason="subtract the maximum yourself"),
    ],
    mistakes=[
        Mistake("the log of the softmax", LOG_SOFTMAX_HEAD + "    return torch.log(torch.softmax(z, dim=dim))\n",
                fails=["scores up to 1000"], says="got -inf"),
        Mistake("no shift by the maximum", LOG_SOFTMAX_HEAD +
                "    return z - torch.log(torch.exp(z).sum(dim=dim, keepdim=True))\n",
                fails=["scores up to 1000"], says="scores in [-1000, 1000]"),
        Mistake("always the last dimension", LOG_SOFTMAX_HEAD +
                "    shifted = z - z.amax(dim=-1, keepdim=True)\n"
                "    return shifted - torch.log(torch.exp(shifted).sum(dim=-1, keepdim=True))\n",
                fails=["equals log_softmax"], says="dim=0"),
        Mistake("calls torch's log_softmax", LOG_SOFTMAX_HEAD + "    return torch.log_softmax(z, dim=dim)\n",
                fails=["without torch's log-softmax"], says="subtract the maximum yourself"),
        Mistake("log 0 is replaced by 0", 'ans_u2_8_q1 = "A"\n', fails=["what goes wrong"],
                says="is not the right choice"),
    ],
)

U2_8_Q2 = Exercise(
    "u2.8.q2", "Accuracy as a loss function", ["ans_u2_8_q2"],
    checks=[answer("why not accuracy", "ans_u2_8_q2", choices="ABCD", weight=1)],
    mistakes=[Mistake("only slower", 'ans_u2_8_q2 = "A"\n', fails=["why not accuracy"], says="is not the right choice")],
)


# --- u2.8.q3: the training loop ------------------------------------------------------------
# The judge hands over the model and the loaders (autograder/exercises/fashion.py).

def training(epochs: int, lr: float = 0.1, keep: bool = True) -> Call:
    return Call((kept("model", "the model"), kept("train", "the training loader"), kept("test", "the test loader"),
                 epochs, lr), keep_as="history" if keep else None, quiet=True,
                label=f"train_classifier(model, train_loader, test_loader, {epochs}, lr={lr:g})")


def first_steps_cases(d):
    cases = []
    for lr in (0.1, 0.05):
        what = f"one epoch of 10 batches of 32 training pictures, lr {lr:g}, from the judge's seeded model"
        cases.append(sequence(*small_loaders(d), flat_model(d.child_seed()), training(1, lr),
                              Call(target="$model.1.weight", read_only=True, label=f"the weight after {what}"),
                              Call(target="$model.1.bias", read_only=True, label=f"the bias after {what}"),
                              label=what))
    return cases


def evaluation_cases(d):
    what = "two epochs on 320 training pictures, test set of 150 pictures in batches of 50"
    return [sequence(*small_loaders(d), flat_model(d.child_seed(), record=True), training(2),
                     Call(("test_loss",), target="$history.__getitem__", label=f"history['test_loss'] after {what}"),
                     Call(("test_acc",), target="$history.__getitem__", label=f"history['test_acc'] after {what}"),
                     Call(target="$model.0.seen", read_only=True, label=MODE_LABEL),
                     label=what)]


HISTORY_SUMMARY = ("lambda h: {k: (len(h[k]), all(math.isfinite(float(v)) and float(v) >= 0 and "
                   "(k.endswith('loss') or float(v) <= 1) for v in h[k])) if k in h else 'missing' "
                   "for k in ('train_loss', 'train_acc', 'test_loss', 'test_acc')}")


def history_cases(d):
    cases = []
    for epochs in (1, 3):
        what = f"{epochs} epoch{'s' if epochs > 1 else ''} on 320 training pictures"
        cases.append(sequence(*small_loaders(d), flat_model(d.child_seed()), training(epochs),
                              Call((kept("history", "the history"),), make=function(HISTORY_SUMMARY, "summary"),
                                   target="history", label=f"(entries, all in range) per key of the history after {what}"),
                              label=what))
    return cases


def full_training(d):
    return [accuracy_case(d, lambda epochs: training(epochs, keep=False))]


TRAIN_HEAD = (
    "def train_classifier(model, train_loader, test_loader, epochs, lr=0.1):\n"
    "    optimizer = torch.optim.SGD(model.parameters(), lr=lr)\n"
    "    history = {'train_loss': [], 'train_acc': [], 'test_loss': [], 'test_acc': []}\n"
    "    for _ in range(epochs):\n"
)
TRAIN_EPOCH = (
    "        model.train()\n        seen, right, total = 0, 0, 0.0\n"
    "        for images, labels in train_loader:\n"
    "            optimizer.zero_grad()\n            out = model(images)\n"
    "            loss = F.nll_loss(out, labels)\n            loss.backward()\n            optimizer.step()\n"
    "            total += loss.item() * len(labels)\n"
    "            right += (out.argmax(dim=1) == labels).sum().item()\n            seen += len(labels)\n"
    "        history['train_loss'].append(total / seen)\n        history['train_acc'].append(right / seen)\n"
)
TRAIN_EVAL = (
    "        model.eval()\n        seen, right, total = 0, 0, 0.0\n"
    "        with torch.no_grad():\n"
    "            for images, labels in test_loader:\n"
    "                out = model(images)\n"
    "                total += F.nll_loss(out, labels).item() * len(labels)\n"
    "                right += (out.argmax(dim=1) == labels).sum().item()\n                seen += len(labels)\n"
    "        history['test_loss'].append(total / seen)\n        history['test_acc'].append(right / seen)\n"
)
TRAIN_END = "    return history\n"


def train_variant(head: str = TRAIN_HEAD, epoch: str = TRAIN_EPOCH, evaluation: str = TRAIN_EVAL) -> str:
    return head + epoch + evaluation + TRAIN_END


# Calibration (the reference over 10 seeds, each with its own start, shuffling and held-out pictures;
# 5 epochs, batch 256, lr 0.1 on the 60,000 training pictures):
#   2,000 perturbed held-out pictures (brightness x0.9-1.1, noise 0.05): 0.814 +- 0.008 (0.804 .. 0.833);
#   the clean held-out half 0.816 +- 0.003. A one-pixel shift costs this linear model about 9 points
#   (0.730 +- 0.008), so the pictures are not shifted here.
#   Full marks from 0.78 (about 4 standard deviations under the mean: room for another start, or a
#   learning rate between 0.05 and 0.2), nothing at 0.50 or less (an untrained model gets about 0.1).
#   The bar alone lets bugs through that still train (a loop without zero_grad ends near 0.78):
#   the first steps are compared with the reference's on the same model and batches.
#   Quick budget (the test suite: 2 epochs of 12,000 pictures, batch 64), 10 seeds: 0.770 +- 0.025
#   (0.724 .. 0.808); `autograder calibrate` with AUTOGRADER_BUDGET=quick: 0.778 +- 0.025
#   (0.737 .. 0.816). Full marks from 0.68, nothing at 0.45.
U2_8_Q3 = Exercise(
    "u2.8.q3", "Training for several epochs, evaluated after each", ["train_classifier"],
    checks=[
        output("first steps", "train_classifier", first_steps_cases, weight=3, rtol=1e-4, atol=1e-6),
        output("evaluation after each epoch", "train_classifier", evaluation_cases, weight=2, rtol=1e-4, atol=1e-6),
        output("the history", "train_classifier", history_cases, weight=1),
        hidden_only(accuracy("accuracy after 5 epochs", "train_classifier", full_training, weight=4,
                             full_at=0.78, zero_at=0.50, quick=(0.68, 0.45), predictions="scores",
                             what="perturbed held-out test pictures", case_seconds=120)),
    ],
    mistakes=[
        Mistake("no zero_grad", train_variant(epoch=TRAIN_EPOCH.replace("            optimizer.zero_grad()\n", "")),
                fails=["first steps"], says="the weight after one epoch"),
        Mistake("gradient ascent", train_variant(epoch=TRAIN_EPOCH.replace(
                    "            optimizer.step()\n",
                    "            with torch.no_grad():\n                for p in model.parameters():\n"
                    "                    p += lr * p.grad\n")),
                fails=["first steps", "accuracy after 5 epochs"], says="the weight after one epoch"),
        Mistake("evaluates in train mode with gradients", train_variant(evaluation=TRAIN_EVAL.replace(
                    "        model.eval()\n", "").replace("        with torch.no_grad():\n", "        if True:\n")),
                fails=["evaluation after each epoch"], says="train mode, grad enabled"),
        Mistake("evaluates on the training set", train_variant(evaluation=TRAIN_EVAL.replace(
                    "in test_loader", "in train_loader")),
                fails=["evaluation after each epoch"], says="history['test_loss']"),
        Mistake("history per batch instead of per epoch", train_variant(epoch=TRAIN_EPOCH.replace(
                    "            seen += len(labels)\n",
                    "            seen += len(labels)\n            history['train_loss'].append(loss.item())\n")),
                fails=["the history"], says="(entries, all in range)"),
    ],
)


# --- u2.8.q4 ------------------------------------------------------------------------------
# The answer is a dict from batch size (int) to test accuracy. Dicts with int keys do not
# cross the wire (they arrive as an opaque "dict"), so the re-run rule reads the entries with
# `ans_u2_8_q4.get(size)` and its `within_bands` experiment judges each against its band.
#
# Bands: the reference trainer of this setting (nn.Sequential(nn.Flatten(), nn.Linear(784, 10),
# nn.LogSoftmax(dim=1)), SGD lr 0.1, nn.NLLLoss, one shuffled epoch of the 60,000 training
# pictures, accuracy on the 10,000 test pictures; torch.manual_seed(seed) before building the
# model and the DataLoader(shuffle=True)), 30 seeds (0..29) per batch size:
#   batch 1:   0.6857 .. 0.8195, mean 0.7692 +- 0.0333
#   batch 4:   0.6744 .. 0.8271, mean 0.7802 +- 0.0387
#   batch 16:  0.6737 .. 0.8322, mean 0.8027 +- 0.0339 (seed 8 lowest, 0.6737; seed 20 next, 0.7345)
#   batch 512: 0.7174 .. 0.7724, mean 0.7548 +- 0.0122
# Each band is the observed range, widened to two decimals outwards, and for batch 1 and 4
# also covers the catalogue's verified spread (0.66 .. 0.80 and 0.68 .. 0.81): a single
# re-run with a +-0.05 window would reject honest answers, since one epoch ends wherever the
# last noisy minibatches leave it. (The catalogue's 0.81 for batch 4 alone would have
# rejected 5 of these 30 seeds.)
BATCH_SIZES = [1, 4, 16, 512]
ACCURACY_BANDS = [[0.66, 0.82], [0.67, 0.83], [0.67, 0.84], [0.71, 0.78]]

U2_8_Q4 = Exercise(
    "u2.8.q4", "Batch sizes 1, 4, 16 and 512", ["ans_u2_8_q4", "ans_u2_8_q4_choice"],
    manual="the choice of a batch size and its reasons",
    checks=[
        rerun("plausible test accuracies", "ans_u2_8_q4", "within_bands", weight=1, lookups=BATCH_SIZES,
              keys=BATCH_SIZES, bands=ACCURACY_BANDS, what="the test accuracy after one epoch with batch size"),
    ],
    mistakes=[
        Mistake("training accuracy of the last batch instead of test accuracy",
                "ans_u2_8_q4 = {1: 1.0, 4: 1.0, 16: 0.9375, 512: 0.7578}\n",
                fails=["plausible test accuracies"], says="batch size 1"),
        Mistake("percentages instead of fractions", "ans_u2_8_q4 = {1: 76.1, 4: 79.2, 16: 82.9, 512: 76.6}\n",
                fails=["plausible test accuracies"], says="batch size 1"),
        Mistake("string keys", 'ans_u2_8_q4 = {"1": 0.76, "4": 0.79, "16": 0.83, "512": 0.77}\n',
                fails=["plausible test accuracies"], says="no entry for 1"),
    ],
)


# --- u2.9.q1-q3: deep networks --------------------------------------------------------------

def jacobian_inputs(d, dtype, shift: float = 0.0, spread: float = 5.0, classes: int = 10, width: int = 784):
    """(W, b, x) for the flat network: pixels x in [0, 1], scores W x spread over about
    +-`spread`, all classes shifted by `shift` (which the softmax ignores)."""
    x = d.rand(width, dtype=dtype)
    W = d.randn(classes, width, dtype=dtype)
    W = W * (spread / (W @ x).abs().max().clamp_min(1e-12))
    return W, d.randn(classes, dtype=dtype) + shift, x


def flat_jacobian_cases(d):
    cases = []
    for dtype in (F64, torch.float32):
        name = str(dtype).removeprefix("torch.")
        cases.append(case(*jacobian_inputs(d, dtype), label=f"a {name} picture, W of shape (10, 784), scores up to 5"))
    cases.append(case(*jacobian_inputs(d, F64, spread=1.0, classes=4, width=6),
                      label="a float64 input of width 6, 4 classes"))
    cases.append(case(torch.tensor([[0.0], [1.0], [-1.0]], dtype=F64), torch.zeros(3, dtype=F64),
                      torch.tensor([round(d.py.uniform(-3, 3), 3)], dtype=F64),
                      label="three classes with weights 0, 1, -1 on one float64 input, zero biases"))
    return cases


def flat_jacobian_large_cases(d):
    return [
        case(*jacobian_inputs(d, torch.float32, shift=100.0), label="a float32 picture whose scores are all near 100"),
        case(*jacobian_inputs(d, F64, shift=800.0), label="a float64 picture whose scores are all near 800"),
        case(*jacobian_inputs(d, torch.float32, spread=30.0), label="a float32 picture with scores up to 30"),
    ]


JACOBIAN_HEAD = "def flat_input_jacobian(W, b, x):\n"

U2_9_Q1 = Exercise(
    "u2.9.q1", "What is monotone in the flat network", ["flat_input_jacobian", "ans_u2_9_q1"],
    checks=[
        output("equals autograd's Jacobian", "flat_input_jacobian", flat_jacobian_cases, weight=4, scale=10),
        output("large scores", "flat_input_jacobian", flat_jacobian_large_cases, weight=2, scale=10),
        source("without autograd", "flat_input_jacobian", [case(torch.eye(2), torch.zeros(2), torch.ones(2))],
               weight=1, forbid=["autograd", "jacobian", "jacrev", "jacfwd", "vjp", "jvp", "backward", "grad",
                                 "requires_grad", "requires_grad_"],
               reason="use the formula from the chain rule"),
        answer("which quantity is monotone", "ans_u2_9_q1", choices="ABCD", weight=3),
    ],
    mistakes=[
        Mistake("the correction term added", JACOBIAN_HEAD +
                "    y = torch.softmax(W @ x + b, dim=0)\n    return y[:, None] * (W + y @ W)\n",
                fails=["equals autograd's Jacobian"], says="values differ"),
        Mistake("only y_k w_km, without the sum over classes", JACOBIAN_HEAD +
                "    y = torch.softmax(W @ x + b, dim=0)\n    return y[:, None] * W\n",
                fails=["equals autograd's Jacobian"], says="values differ"),
        Mistake("the transposed Jacobian", JACOBIAN_HEAD +
                "    y = torch.softmax(W @ x + b, dim=0)\n    return (y[:, None] * (W - y @ W)).T\n",
                fails=["equals autograd's Jacobian"], says="expected shape (10, 784)"),
        Mistake("a softmax that overflows", JACOBIAN_HEAD +
                "    e = torch.exp(W @ x + b)\n    y = e / e.sum()\n"
                "    return torch.diag(y) @ W - torch.outer(y, y) @ W\n",
                fails=["large scores"], says="got nan"),
        Mistake("autograd instead of the formula", JACOBIAN_HEAD +
                "    return torch.autograd.functional.jacobian(lambda v: torch.softmax(W @ v + b, dim=0), x)\n",
                fails=["without autograd"], says="use the formula from the chain rule"),
        Mistake("every probability is monotone", 'ans_u2_9_q1 = "A"\n', fails=["which quantity is monotone"],
                says="is not the right choice"),
    ],
)

# Judge-written functions, run where the checked code runs, on the state dict it returned:
# the names and shapes of its tensors, and whether y0 = exp(output[:, 0]) of the deep network
# loaded with it rises and falls along x0 in [-1, 1] (201 points, other pixels 0).
DEEP_NET = ("torch.nn.Sequential(torch.nn.Linear(784, 20), torch.nn.ReLU(), torch.nn.Linear(20, 10), "
            "torch.nn.LogSoftmax(dim=1))")
STATE_SHAPES = ("lambda sd: {k: (str(tuple(v.shape)) if isinstance(v, torch.Tensor) else 'not a tensor') "
                "for k, v in dict(sd).items()}")
RISES, FALLS = "rises by more than 1e-4 somewhere", "falls by more than 1e-4 somewhere"
Y0_ALONG_X0 = (
    "lambda sd: (lambda net, x: (net.load_state_dict(sd), "
    f"(lambda steps: {{{RISES!r}: bool((steps > 1e-4).any()), {FALLS!r}: bool((steps < -1e-4).any())}})"
    "(torch.diff(torch.exp(net(x)[:, 0].detach()))))[1])"
    f"({DEEP_NET}, torch.cat([torch.linspace(-1, 1, 201)[:, None], torch.zeros(201, 783)], dim=1))"
)


def state_dict_case(source: str, what: str):
    return [sequence(Call(keep_as="sd", quiet=True, label="non_monotone_state_dict()"),
                     Call((kept("sd", "the returned state dict"),), make=function(source, what), label=what),
                     label=what)]


STATE_HEAD = ("def non_monotone_state_dict():\n"
              "    model = nn.Sequential(nn.Linear(784, 20), nn.ReLU(), nn.Linear(20, 10), nn.LogSoftmax(dim=1))\n"
              "    state = {name: torch.zeros_like(t) for name, t in model.state_dict().items()}\n")


def state_variant(w00: float, w10: float, v00: float, v01: float) -> str:
    return (STATE_HEAD + f"    state['0.weight'][0, 0], state['0.weight'][1, 0] = {w00}, {w10}\n"
            f"    state['2.weight'][0, 0], state['2.weight'][0, 1] = {v00}, {v01}\n    return state\n")


U2_9_Q2 = Exercise(
    "u2.9.q2", "Parameters that make the deep network non-monotone", ["non_monotone_state_dict"],
    checks=[
        output("keys and shapes", "non_monotone_state_dict",
               state_dict_case(STATE_SHAPES, "the names and shapes of its tensors (those of the deep network's "
                                             "state_dict(): 0.weight, 0.bias, 2.weight, 2.bias)"), weight=1),
        output("y0 falls and rises along x0", "non_monotone_state_dict",
               state_dict_case(Y0_ALONG_X0, "y0 = exp(output[:, 0]) of the deep network loaded with it, at 201 "
                                            "points x0 in [-1, 1], other pixels 0"), weight=4),
    ],
    mistakes=[
        Mistake("second-layer weights of opposite signs", state_variant(1.0, -1.0, 1.0, -1.0),
                fails=["y0 falls and rises along x0"], says=f"expected True at [{FALLS!r}], got False"),
        Mistake("first-layer weights of equal signs", state_variant(1.0, 1.0, 1.0, 1.0),
                fails=["y0 falls and rises along x0"], says=f"expected True at [{FALLS!r}], got False"),
        Mistake("weights too small to see the kink", state_variant(0.001, -0.001, 0.001, 0.001),
                fails=["y0 falls and rises along x0"], says=f"expected True at [{RISES!r}], got False"),
        Mistake("names of a module of its own",
                "def non_monotone_state_dict():\n"
                "    state = {'hidden.weight': torch.zeros(20, 784), 'hidden.bias': torch.zeros(20),\n"
                "             'out.weight': torch.zeros(10, 20), 'out.bias': torch.zeros(10)}\n"
                "    state['hidden.weight'][0, 0], state['hidden.weight'][1, 0] = 1.0, -1.0\n"
                "    state['out.weight'][0, 0], state['out.weight'][0, 1] = 1.0, 1.0\n    return state\n",
                fails=["keys and shapes", "y0 falls and rises along x0"], says="has no key '0.weight'"),
        Mistake("first-layer weight stored as (784, 20)",
                STATE_HEAD + "    state['0.weight'] = torch.zeros(784, 20)\n"
                "    state['0.weight'][0, 0], state['0.weight'][0, 1] = 1.0, -1.0\n"
                "    state['2.weight'][0, 0], state['2.weight'][0, 1] = 1.0, 1.0\n    return state\n",
                fails=["keys and shapes"], says="expected '(20, 784)'"),
    ],
)


def affine_pairs(d):
    def pair(d_in: int, hidden: int, out: int, dtype, what: str):
        return case(d.randn(hidden, d_in, dtype=dtype), d.randn(hidden, dtype=dtype), d.randn(out, hidden, dtype=dtype),
                    d.randn(out, dtype=dtype), label=f"{what}: W1 ({hidden}, {d_in}), W2 ({out}, {hidden}), "
                                                     f"{str(dtype).removeprefix('torch.')}")

    sizes = [d.py.randint(1, 30) for _ in range(3)]
    return [pair(3, 3, 3, F64, "square layers"), pair(1, 1, 1, F64, "1 x 1 layers"),
            pair(3, 5, 4, torch.float32, "rectangular layers"), pair(784, 20, 10, torch.float32, "the deep network's layers"),
            pair(*sizes, F64, "random sizes")]


# A judge-written function: one nn.Linear whose weight and bias are the returned (A, c), applied to X
ONE_LAYER = ("lambda Ac, X: (lambda layer: (setattr(layer, 'weight', torch.nn.Parameter(Ac[0].detach().clone())), "
             "setattr(layer, 'bias', torch.nn.Parameter(Ac[1].detach().clone())), layer(X).detach())[-1])"
             "(torch.nn.Linear(1, 1))")


def single_layer_cases(d):
    cases = []
    for d_in, hidden, out, dtype in ((784, 20, 10, torch.float32), (3, 5, 4, F64), (1, 1, 1, torch.float32)):
        weights = (d.randn(hidden, d_in, dtype=dtype) * 0.3, d.randn(hidden, dtype=dtype),
                   d.randn(out, hidden, dtype=dtype) * 0.3, d.randn(out, dtype=dtype))
        name = str(dtype).removeprefix("torch.")
        what = (f"one nn.Linear({d_in}, {out}) built from (A, c), on 32 random {name} inputs (it should give what "
                f"nn.Sequential(nn.Linear({d_in}, {hidden}), nn.Linear({hidden}, {out})) gives)")
        cases.append(sequence(Call(weights, keep_as="Ac", quiet=True, label="collapse_affine(W1, b1, W2, b2)"),
                              Call((kept("Ac", "(A, c)"), d.randn(32, d_in, dtype=dtype)),
                                   make=function(ONE_LAYER, "one nn.Linear built from (A, c)"), label=what),
                              label=what))
    return cases


AFFINE_HEAD = "def collapse_affine(W1, b1, W2, b2):\n"

U2_9_Q3 = Exercise(
    "u2.9.q3", "Two affine layers equal one", ["collapse_affine"],
    checks=[
        output("A and c", "collapse_affine", affine_pairs, weight=3, scale=10),
        output("two layers against one", "collapse_affine", single_layer_cases, weight=2, scale=10),
    ],
    mistakes=[
        Mistake("b1 added without passing through W2", AFFINE_HEAD + "    return W2 @ W1, b1 + b2\n",
                fails=["A and c", "two layers against one"], says="for square layers"),
        Mistake("b2 forgotten", AFFINE_HEAD + "    return W2 @ W1, W2 @ b1\n",
                fails=["A and c", "two layers against one"], says="values differ"),
        Mistake("the matrices multiplied in the wrong order", AFFINE_HEAD + "    return W1 @ W2, W2 @ b1 + b2\n",
                fails=["A and c"], says="square layers"),
        Mistake("A transposed", AFFINE_HEAD + "    return (W2 @ W1).T, W2 @ b1 + b2\n",
                fails=["A and c", "two layers against one"], says="raised RuntimeError"),
    ],
)



# --- u2.9: two moons --------------------------------------------------------------------------

def moons(d, n: int, noise: float = 0.1) -> tuple[torch.Tensor, torch.Tensor]:
    X, Y = make_moons(n_samples=n, noise=noise, random_state=d.py.randrange(100_000))
    return torch.tensor(X, dtype=torch.float32), torch.tensor(Y, dtype=torch.int64)


def moons_data_cases(d):
    return [case(), case(50, 0.2, 3),
            case(n=d.py.randrange(20, 300), noise=round(d.py.uniform(0.0, 0.3), 2), seed=d.py.randrange(1000))]


def held_out_moons(d):
    X, Y = moons(d, 200)
    T, L = moons(d, 1000)
    return [trained(X, Y.to(torch.float32), inputs=T, labels=L,
                    label="200 fresh training points, scored on 1,000 held-out points (noise 0.1)")]


MOONS_HEAD = "def fit_moons_again(model, X, Y, steps, lr):\n" \
             "    optimizer = torch.optim.Adam(model.parameters(), lr=lr)\n" \
             "    for _ in range(steps):\n        optimizer.zero_grad()\n" \
             "        nn.functional.binary_cross_entropy(model(X).reshape(-1), Y).backward()\n" \
             "        optimizer.step()\n    return model\n\n"

# Calibration (`autograder calibrate unit2 u2.9.q4 --seeds 10`: the reference over 10 seeds, each
# with its own training and held-out moons):
#   neuron 0.8808 +- 0.0036 (0.874 .. 0.886), a straight line. Bars from the catalogue, full marks
#     from 0.80 and at most 0.92, so that an honest neuron trained another way passes and a hidden
#     deeper model does not; nothing at 0.65 (about where a half-trained line starts).
#   deeper model 0.9979 +- 0.0013 (0.995 .. 0.999). Full marks from 0.97 (the catalogue, room for
#     other architectures and budgets; the suggested 0.99 would reject honest variants), nothing
#     at 0.88 or less: what a straight line reaches, so a model without ReLU earns nothing.
U2_9_Q4 = Exercise(
    "u2.9.q4", "Two moons: a single neuron against a deeper model",
    ["make_moons_data", "train_moons_neuron", "train_moons_mlp", "ans_u2_9_q4c", "ans_u2_9_q4e"],
    manual="the plot of both decision boundaries over the data",
    checks=[
        output("the moons", "make_moons_data", moons_data_cases, weight=1),
        accuracy("neuron on held-out moons", "train_moons_neuron", held_out_moons, weight=3,
                 full_at=0.80, zero_at=0.65, at_most=0.92),
        accuracy("deeper model on held-out moons", "train_moons_mlp", held_out_moons, weight=4,
                 full_at=0.97, zero_at=0.88),
        answer("is the neuron successful", "ans_u2_9_q4c", choices="ABCD", weight=1),
        answer("why the deeper model does better", "ans_u2_9_q4e", choices="ABCD", weight=1),
    ],
    mistakes=[
        Mistake("forgets optimizer.step()", "def train_moons_neuron(X, Y):\n"
                "    model = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())\n"
                "    nn.init.zeros_(model[0].weight)\n    nn.init.zeros_(model[0].bias)\n"
                "    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)\n"
                "    for _ in range(500):\n        optimizer.zero_grad()\n"
                "        nn.functional.binary_cross_entropy(model(X).reshape(-1), Y).backward()\n"
                "    return model\n",
                fails=["neuron on held-out moons"], says="full marks from 80%"),
        Mistake("a deeper model without ReLU", MOONS_HEAD +
                "def train_moons_mlp(X, Y):\n"
                "    model = nn.Sequential(nn.Linear(2, 16), nn.Linear(16, 16), nn.Linear(16, 1), nn.Sigmoid())\n"
                "    return fit_moons_again(model, X, Y, 300, 0.03)\n",
                fails=["deeper model on held-out moons"], says="full marks from 97%"),
        Mistake("scores instead of probabilities",
                "def train_moons_mlp(X, Y):\n"
                "    model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 1))\n"
                "    optimizer = torch.optim.Adam(model.parameters(), lr=0.03)\n"
                "    for _ in range(300):\n        optimizer.zero_grad()\n"
                "        nn.functional.binary_cross_entropy_with_logits(model(X).reshape(-1), Y).backward()\n"
                "        optimizer.step()\n    return model\n",
                fails=["deeper model on held-out moons"], says="expected probabilities between 0 and 1"),
        Mistake("the deeper model handed in as the neuron", "def train_moons_neuron(X, Y):\n"
                "    return train_moons_mlp(X, Y)\n",
                fails=["neuron on held-out moons"], says="more than the asked model can reach"),
        Mistake("the seed is ignored", "def make_moons_data(n=200, noise=0.1, seed=0):\n"
                "    X, Y = make_moons(n_samples=n, noise=noise)\n"
                "    return torch.tensor(X, dtype=torch.float32), torch.tensor(Y, dtype=torch.float32)\n",
                fails=["the moons"], says="values differ"),
        Mistake("more parameters always fit better", 'ans_u2_9_q4e = "A"\n',
                fails=["why the deeper model does better"], says="is not the right choice"),
    ],
)


EXERCISES = [U2_1_Q1, U2_1_Q2, U2_1_Q3, U2_2_Q1, U2_2_Q2, U2_3_Q1, U2_3_Q2, U2_3_Q3, U2_3_Q4, U2_3_Q5, U2_4_Q1,
             U2_5_Q1, U2_6_Q1, U2_6_Q2, U2_6_Q3, U2_6_Q4, U2_6_Q5, U2_7_Q1, U2_7_Q2, U2_7_Q3, U2_8_Q1, U2_8_Q2, U2_8_Q3,
             U2_8_Q4, U2_9_Q1, U2_9_Q2, U2_9_Q3, U2_9_Q4]
