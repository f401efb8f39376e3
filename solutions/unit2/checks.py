"""Hidden checks for unit 2, sections 2.1-2.4 (a single neuron). Students never receive this file.

Each exercise lists its checks (what is called, on which inputs, judged how, for what share
of the points) and the common mistakes that `autograder validate unit2` proves are caught.
The blob data set is `make_blobs(n_samples=100, n_features=2, centers=2, random_state=1)`;
hidden checks add fresh blobs drawn with seeds from the check's `Draw`.
"""

import torch
from sklearn.datasets import make_blobs

from autograder.checks.rerun import neuron_descent
from autograder.exercises import (
    Call, Exercise, Mistake, answer, case, output, perf, prop, raises, rerun, sequence, source,
)

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
    checks=[
        perf("no loop over the points", "train_neuron_vectorized",
             lambda d: [case(*labelled_points(d, 100_000, 2, torch.float32), torch.zeros(2), 0.0, 0.1, 5,
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


EXERCISES = [U2_1_Q1, U2_1_Q2, U2_1_Q3, U2_2_Q1, U2_2_Q2, U2_3_Q1, U2_3_Q2, U2_3_Q3, U2_3_Q4, U2_3_Q5, U2_4_Q1]
