"""Hidden checks for unit 3 (optimisation), sections 3.1, 3.2, 3.4 and 3.5. Students never
receive this file.

Each exercise lists its checks (what is called, on which inputs, judged how, for what share
of the points) and the common mistakes that `autograder validate unit3` proves are caught.
Hand-written gradients are compared with the reference's, and the tests prove that the
reference equals autograd (float64). The two-blob data set is
`make_blobs(n_samples=100, n_features=2, centers=2, random_state=1)`.
"""

import torch
from sklearn.datasets import make_blobs

from autograder.exercises import Call, Exercise, Mistake, answer, case, function, grad, kept, output, raises, rerun, \
    sequence, source
from autograder.exercises.spec import built

F64 = torch.float64
NO_AUTOGRAD = ["autograd", "backward", "grad", "requires_grad", "requires_grad_"]


def dims(n: int) -> str:
    return f"{n} sample{'' if n == 1 else 's'}"


# --- u3.1 ----------------------------------------------------------------------------

def mlp_params(d, dead: int = 0):
    """(W1, b1, W2, b2) in float64; the first `dead` hidden units never fire."""
    W1 = d.randn(20, 784, dtype=F64) * 0.05
    b1 = d.randn(20, dtype=F64) * 0.1
    W2 = d.randn(10, 20, dtype=F64) * 0.3
    b2 = d.randn(10, dtype=F64) * 0.1
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


SMALL_MLP_CASE = [case(torch.ones(2, 784, dtype=F64), torch.tensor([0, 3]), torch.full((20, 784), 0.01, dtype=F64),
                       torch.zeros(20, dtype=F64), torch.ones(10, 20, dtype=F64), torch.zeros(10, dtype=F64),
                       label="a batch of 2 samples")]

MLP_HEAD = ("def mlp_manual_backward(X, labels, W1, b1, W2, b2):\n    n = X.shape[0]\n    Z1 = X @ W1.T + b1\n"
            "    A1 = torch.relu(Z1)\n    P = torch.softmax(A1 @ W2.T + b2, dim=1)\n")

U3_1_Q1 = Exercise(
    "u3.1.q1", "Gradients of the first linear layer", ["mlp_manual_backward"],
    checks=[
        output("equals autograd", "mlp_manual_backward", mlp_inputs, weight=5),
        output("hidden units that never fire", "mlp_manual_backward", dead_unit_inputs, weight=2),
        source("without autograd", "mlp_manual_backward", SMALL_MLP_CASE, weight=1.5,
               forbid=NO_AUTOGRAD, reason="compute the gradients with your own formulas"),
        source("no loop over the batch", "mlp_manual_backward", SMALL_MLP_CASE, weight=1.5,
               no_loops=True),
    ],
    mistakes=[
        Mistake("forgets the ReLU's derivative", MLP_HEAD +
                "    G2 = (P - F.one_hot(labels, 10).to(P.dtype)) / n\n    G1 = G2 @ W2\n"
                "    return {'W1': G1.T @ X, 'b1': G1.sum(0), 'W2': G2.T @ A1, 'b2': G2.sum(0)}\n",
                fails=["equals autograd", "hidden units that never fire"], says="at ['W1']"),
        Mistake("the gradient of the sum, not the mean", MLP_HEAD +
                "    G2 = P - F.one_hot(labels, 10).to(P.dtype)\n    G1 = (G2 @ W2) * (Z1 > 0)\n"
                "    return {'W1': G1.T @ X, 'b1': G1.sum(0), 'W2': G2.T @ A1, 'b2': G2.sum(0)}\n",
                fails=["equals autograd"], says="values differ"),
        Mistake("asks autograd",
                "def mlp_manual_backward(X, labels, W1, b1, W2, b2):\n"
                "    params = [p.detach().clone().requires_grad_(True) for p in (W1, b1, W2, b2)]\n"
                "    w1, c1, w2, c2 = params\n"
                "    loss = F.nll_loss(F.log_softmax(torch.relu(X @ w1.T + c1) @ w2.T + c2, dim=1), labels)\n"
                "    grads = torch.autograd.grad(loss, params)\n"
                "    return dict(zip(['W1', 'b1', 'W2', 'b2'], grads))\n",
                fails=["without autograd"], says="compute the gradients with your own formulas"),
        Mistake("one sample at a time",
                "def mlp_manual_backward(X, labels, W1, b1, W2, b2):\n"
                "    out = {'W1': torch.zeros_like(W1), 'b1': torch.zeros_like(b1),\n"
                "           'W2': torch.zeros_like(W2), 'b2': torch.zeros_like(b2)}\n"
                "    for x, t in zip(X, labels):\n        z1 = W1 @ x + b1\n        a1 = torch.relu(z1)\n"
                "        g2 = torch.softmax(W2 @ a1 + b2, dim=0)\n        g2[t] -= 1\n"
                "        g1 = (W2.T @ g2) * (z1 > 0)\n"
                "        out['W1'] += torch.outer(g1, x)\n        out['b1'] += g1\n"
                "        out['W2'] += torch.outer(g2, a1)\n        out['b2'] += g2\n"
                "    return {k: v / len(X) for k, v in out.items()}\n",
                fails=["no loop over the batch"], says="loop"),
    ],
)


# Blocks written by the judge (public: they are the grader's, not the reference's): Linear,
# Tanh, Scale (by 0.5), Linear, ReLU, Linear, float64, seeded by the step. Each records its
# forward and backward calls in a log all blocks share, and Linear blocks store their
# gradients in `grads`; `widths` are the seven feature counts along the chain.
BLOCKS = (
    "lambda widths: (lambda FWD, BWD: (lambda Block, log: (lambda make: [make(kind, f'{kind.lower()}{i}', widths, i) "
    "for i, kind in enumerate(['Linear', 'Tanh', 'Scale', 'Linear', 'ReLU', 'Linear'])])("
    "lambda kind, name, w, i: (lambda o: (o.__dict__.update(kind=kind, name=name, log=log, grads={}, "
    "**({'W': torch.randn(w[i + 1], w[i], dtype=torch.float64), 'b': torch.randn(w[i + 1], dtype=torch.float64)} "
    "if kind == 'Linear' else {'k': 0.5} if kind == 'Scale' else {})), o)[1])(Block())))("
    "type('Block', (), {"
    "'forward': lambda self, x: (self.log.append(('forward', self.name)), setattr(self, 'x', x), "
    "FWD[self.kind](self, x))[2], "
    "'backward': lambda self, g: (self.log.append(('backward', self.name)), BWD[self.kind](self, g))[1], "
    "'__repr__': lambda self: f'<{self.kind} block {self.name}>'}), []))("
    "{'Linear': lambda s, x: x @ s.W.T + s.b, 'Tanh': lambda s, x: torch.tanh(x), "
    "'ReLU': lambda s, x: torch.relu(x), 'Scale': lambda s, x: s.k * x}, "
    "{'Linear': lambda s, g: (s.grads.update(W=g.T @ s.x, b=g.sum(dim=0)), g @ s.W)[1], "
    "'Tanh': lambda s, g: g * (1 - torch.tanh(s.x) ** 2), 'ReLU': lambda s, g: g * (s.x > 0).to(g.dtype), "
    "'Scale': lambda s, g: s.k * g})"
)
BLOCK_NAMES = ["linear0", "tanh1", "scale2", "linear3", "relu4", "linear5"]


def chain_case(d, n: int, widths: list[int], loss: str, loss_label: str, read_grads: bool, read_log: bool):
    chain = f"a chain of 6 blocks (Linear, Tanh, Scale, Linear, ReLU, Linear; widths {tuple(widths)})"
    calls = [built(BLOCKS, widths, keep_as="blocks", label=chain),
             Call((kept("blocks", "the blocks"), d.randn(n, widths[0], dtype=F64), function(loss, loss_label)),
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
    return [chain_case(d, 6, [3, 5, 5, 5, 4, 4, 2], "lambda y: 2 * (y - 1.0)", "C = sum((y - 1)²)", True, False),
            chain_case(d, 1, [2, 3, 3, 3, 3, 3, 1], "lambda y: torch.cos(y)", "C = sum(sin(y))", True, False)]


def chain_order_inputs(d):
    return [chain_case(d, 4, [3, 4, 4, 4, 4, 4, 2], "lambda y: y", "C = sum(y²) / 2", False, True)]


CHAIN_HEAD = "def backprop_chain(blocks, x, loss_grad):\n    for block in blocks:\n        x = block.forward(x)\n"

U3_1_Q2 = Exercise(
    "u3.1.q2", "Backpropagation for a chain of blocks", ["backprop_chain"],
    checks=[
        output("gradients equal autograd", "backprop_chain", chain_grad_inputs, weight=5),
        output("forward in order, backward in reverse", "backprop_chain", chain_order_inputs, weight=2),
    ],
    mistakes=[
        Mistake("backward in forward order", CHAIN_HEAD +
                "    grad = loss_grad(x)\n    for block in blocks:\n        grad = block.backward(grad)\n    return grad\n",
                fails=["gradients equal autograd", "forward in order, backward in reverse"], says="raised"),
        Mistake("skips the first block's backward", CHAIN_HEAD +
                "    grad = loss_grad(x)\n    for block in reversed(blocks[1:]):\n        grad = block.backward(grad)\n"
                "    return grad\n",
                fails=["gradients equal autograd"], says="expected shape (6, 3)"),
        Mistake("runs each block forward again before its backward",
                "def backprop_chain(blocks, x, loss_grad):\n    inputs = []\n    for block in blocks:\n"
                "        inputs.append(x)\n        x = block.forward(x)\n    grad = loss_grad(x)\n"
                "    for block, seen in zip(reversed(blocks), reversed(inputs)):\n"
                "        block.forward(seen)  # refresh what the block keeps\n"
                "        grad = block.backward(grad)\n    return grad\n",
                fails=["forward in order, backward in reverse"], says="the order of the forward and backward calls"),
    ],
)


def coefficient(d, low: float = 0.3, high: float = 1.5) -> str:
    return f"{d.py.choice([-1, 1]) * d.py.uniform(low, high):.4f}"


def branch_inputs(d):
    cases = []
    for shape in ((3,), (5, 3)):
        a, b, c = coefficient(d), coefficient(d), coefficient(d)
        blocks = [
            function(f"lambda x: torch.tanh({a} * x + 0.25)", "B1(x) = tanh(a x + 0.25)"),
            function(f"lambda x: torch.sin(x) * x @ torch.linspace(-1.0, 1.0, 9, dtype=x.dtype).reshape(3, 3) * {b}",
                     "B2(x) = (sin(x) x) M"),
            function(f"lambda u, v: u * v + torch.tanh({c} * u) - v ** 2", "B3(u, v) = u v + tanh(c u) - v²"),
        ]
        x, upstream = d.randn(*shape, dtype=F64), d.randn(*shape, dtype=F64)
        cases.append(case(*blocks, x, upstream, label=f"smooth random blocks and x of shape {shape} (float64)"))
    x, upstream = d.randn(4, 3, dtype=F64), d.randn(4, dtype=F64)
    cases.append(case(function("lambda x: x.exp()", "B1(x) = exp(x)"), function("lambda x: x ** 2", "B2(x) = x²"),
                      function("lambda u, v: (u * v).sum(dim=1)", "B3(u, v) = row sums of u v"), x, upstream,
                      label="B3 that reduces each row to a number, x of shape (4, 3) (float64)"))
    return cases


BRANCH_HEAD = ("def branched_vjp(B1, B2, B3, x, grad_y):\n    vjp = torch.autograd.functional.vjp\n"
               "    u, v = B2(x), B1(x)\n    _, (grad_u, grad_v) = vjp(B3, (u, v), grad_y)\n")

U3_1_Q3 = Exercise(
    "u3.1.q3", "A block graph with two branches", ["branched_vjp"],
    checks=[
        output("equals autograd through the whole graph", "branched_vjp", branch_inputs, weight=5),
    ],
    mistakes=[
        Mistake("only the path through B2", BRANCH_HEAD + "    return vjp(B2, x, grad_u)[1]\n",
                fails=["equals autograd through the whole graph"], says="values differ"),
        Mistake("multiplies the two paths", BRANCH_HEAD +
                "    return vjp(B2, x, grad_u)[1] * vjp(B1, x, grad_v)[1]\n",
                fails=["equals autograd through the whole graph"], says="values differ"),
        Mistake("swaps the branches", BRANCH_HEAD +
                "    return vjp(B1, x, grad_u)[1] + vjp(B2, x, grad_v)[1]\n",
                fails=["equals autograd through the whole graph"], says="values differ"),
    ],
)


TINY_KEYS = [("0.weight", (1, 2)), ("0.bias", (1,)), ("2.weight", (2, 1)), ("2.bias", (2,)),
             ("4.weight", (1, 2)), ("4.bias", (1,))]


def tiny_params(d, dtype=F64) -> dict:
    return {key: d.randn(*shape, dtype=dtype) for key, shape in TINY_KEYS}


def active_case(d, x: torch.Tensor):
    """Parameters for which both ReLU layers are on at x (all upstream gradients flow)."""
    while True:
        params = tiny_params(d)
        z1 = params["0.weight"] @ x + params["0.bias"]
        z2 = params["2.weight"] @ torch.relu(z1) + params["2.bias"]
        if bool((z1 > 0.05).all()) and bool((z2 > 0.05).all()):
            return params


def tiny_forward_inputs(d):
    cases = [case(tiny_params(d), d.randn(2, dtype=F64), label="random parameters and x of shape (2,) (float64)"),
             case(tiny_params(d), d.randn(50, 2, dtype=F64), label="random parameters and x of shape (50, 2) (float64)"),
             case(tiny_params(d, torch.float32), d.randn(7, 2), label="random parameters and x of shape (7, 2) (float32)")]
    return cases


def tiny_backward_inputs(d):
    one = torch.ones(2, dtype=F64)
    cases = [case(active_case(d, one), one, 1.0, label="x = (1, 1), target 1, parameters with every ReLU on")]
    for target in (0.0, 1.0):
        x = d.randn(2, dtype=F64)
        cases.append(case(active_case(d, x), x, target, label=f"random x, target {target:g}, every ReLU on"))
    return cases


def first_relu_off_inputs(d):
    x = d.randn(2, dtype=F64)
    params = tiny_params(d)
    params["0.bias"] = torch.tensor([-50.0], dtype=F64)
    params["2.bias"] = params["2.bias"].abs() + 0.1  # the second ReLU layer stays on, so its gradient reaches W2
    return [case(params, x, 1.0, label="random x, target 1, parameters with the first ReLU off")]


TINY_BACKWARD = """\
def tiny_backward(params, x, target):
    z1 = params["0.weight"] @ x + params["0.bias"]
    a1 = torch.relu(z1)
    z2 = params["2.weight"] @ a1 + params["2.bias"]
    a2 = torch.relu(z2)
    y = torch.sigmoid(params["4.weight"] @ a2 + params["4.bias"])
    d3 = {d3}
    d2 = (params["4.weight"].T @ d3){mask2}
    d1 = (params["2.weight"].T @ d2){mask1}
    return {{"0.weight": torch.outer(d1, x), "0.bias": d1, "2.weight": torch.outer(d2, a1), "2.bias": d2,
            "4.weight": torch.outer(d3, a2), "4.bias": d3}}
"""


def tiny_variant(d3: str = "y - target", mask2: str = " * (z2 > 0)", mask1: str = " * (z1 > 0)") -> str:
    return TINY_BACKWARD.format(d3=d3, mask2=mask2, mask1=mask1)


U3_1_Q4 = Exercise(
    "u3.1.q4", "A tiny network by hand", ["tiny_forward", "tiny_backward", "ans_u3_1_q4"],
    manual="the drawing of the network (part a)",
    checks=[
        output("forward equals the module", "tiny_forward", tiny_forward_inputs, weight=2),
        output("backward equals autograd", "tiny_backward", tiny_backward_inputs, weight=4),
        output("first ReLU off", "tiny_backward", first_relu_off_inputs, weight=1.5),
        source("without autograd", "tiny_backward",
               [case({key: torch.ones(shape, dtype=F64) for key, shape in TINY_KEYS}, torch.ones(2, dtype=F64), 1.0,
                     label="all-ones parameters, x = (1, 1), target 1")], weight=1,
               forbid=NO_AUTOGRAD, reason="compute the gradients by backpropagation by hand"),
        answer("number of parameters", "ans_u3_1_q4", weight=1.5),
    ],
    mistakes=[
        Mistake("keeps the sigmoid's derivative", tiny_variant(d3="(y - target) * y * (1 - y)"),
                fails=["backward equals autograd"], says="values differ"),
        Mistake("forgets the first ReLU", tiny_variant(mask1=""),
                fails=["first ReLU off"], says="at ['0.weight']"),
        Mistake("the sign of the cost flipped", tiny_variant(d3="target - y"),
                fails=["backward equals autograd", "first ReLU off"], says="values differ"),
        Mistake("a row vector for x", "def tiny_forward(params, x):\n"
                "    h = torch.relu(x @ params['0.weight'].T + params['0.bias'])\n"
                "    h = torch.relu(h @ params['2.weight'].T + params['2.bias'])\n"
                "    return torch.sigmoid(h @ params['4.weight'].T + params['4.bias']).reshape(-1)\n",
                fails=["forward equals the module"], says="expected shape (50, 1)"),
        Mistake("counts the weights only", "ans_u3_1_q4 = 6\n", fails=["number of parameters"], says="is not correct"),
    ],
)


# --- u3.2 ----------------------------------------------------------------------------

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


MINIMUM_1 = [418.56, 171.04]
MINIMUM_2 = [[479.05, 434.51], [482.35, 432.88]]
START_DISTANCE = 10.0  # starting on the minimum is not finding it

EGG_HEAD = ("def eggholder(w0, w1):\n    return (-(w1 + 47) * torch.sin(torch.sqrt(torch.abs(w1 + w0 / 2 + 47)))\n"
            "            - w0 * torch.sin(torch.sqrt(torch.abs(w0 - (w1 + 47)))))\n\n\n")

U3_2_Q1 = Exercise(
    "u3.2.q1", "Reach the local minimum near (400, 130)", ["eggholder", "gd_eggholder", "EGG_RUN_1"],
    checks=[
        output("eggholder in float64", "eggholder", egg_inputs_f64, weight=2),
        output("eggholder in float32", "eggholder", egg_inputs_f32, weight=1, rtol=1e-4, atol=1e-3),
        grad("gradient of eggholder", "eggholder", egg_inputs_f64, wrt_args=[0, 1], weight=1),
        output("gradient descent trajectory", "gd_eggholder", gd_inputs, weight=3, rtol=1e-6, atol=1e-2),
        rerun("reaches the minimum", "EGG_RUN_1", "eggholder_run", weight=3, targets=[MINIMUM_1],
              min_start_distance=START_DISTANCE),
    ],
    mistakes=[
        Mistake("w0 instead of w0 / 2 in the first root",
                "def eggholder(w0, w1):\n    return (-(w1 + 47) * torch.sin(torch.sqrt(torch.abs(w1 + w0 + 47)))\n"
                "            - w0 * torch.sin(torch.sqrt(torch.abs(w0 - (w1 + 47)))))\n",
                fails=["eggholder in float64", "gradient of eggholder"], says="differs"),
        Mistake("a Python math version", "def eggholder(w0, w1):\n"
                "    return torch.tensor([-(b + 47) * math.sin(math.sqrt(abs(b + a / 2 + 47)))\n"
                "                         - a * math.sin(math.sqrt(abs(a - (b + 47))))\n"
                "                         for a, b in zip(w0.reshape(-1).tolist(), w1.reshape(-1).tolist())],\n"
                "                        dtype=w0.dtype).reshape(w0.shape)\n",
                fails=["gradient of eggholder"], says="not connected"),
        Mistake("climbs instead of descending", EGG_HEAD +
                "def gd_eggholder(start, lr, steps, gamma=None):\n"
                "    w = torch.tensor(start, dtype=torch.float64, requires_grad=True)\n    path = [w.detach().clone()]\n"
                "    for _ in range(steps):\n        (g,) = torch.autograd.grad(eggholder(w[0], w[1]), w)\n"
                "        with torch.no_grad():\n            w += lr * g\n        path.append(w.detach().clone())\n"
                "    return torch.stack(path)\n",
                fails=["gradient descent trajectory"], says="for start (300, 135), lr 5"),
        Mistake("leaves out the start", EGG_HEAD +
                "def gd_eggholder(start, lr, steps, gamma=None):\n"
                "    w = torch.tensor(start, dtype=torch.float64, requires_grad=True)\n    path = []\n"
                "    for _ in range(steps):\n        (g,) = torch.autograd.grad(eggholder(w[0], w[1]), w)\n"
                "        with torch.no_grad():\n            w -= lr * g\n        path.append(w.detach().clone())\n"
                "    return torch.stack(path)\n",
                fails=["gradient descent trajectory"], says="expected shape (7, 2)"),
        Mistake("the text's large rate", 'EGG_RUN_1 = {"start": (300.0, 135.0), "lr": 5.0, "steps": 10}\n',
                fails=["reaches the minimum"], says="it should end within 1 of it"),
    ],
)

U3_2_Q2 = Exercise(
    "u3.2.q2", "Reach the local minimum near (450, 420)", ["EGG_RUN_2"],
    checks=[rerun("reaches the minimum", "EGG_RUN_2", "eggholder_run", targets=MINIMUM_2,
                  min_start_distance=START_DISTANCE)],
    mistakes=[
        Mistake("the rate of the first minimum", 'EGG_RUN_2 = {"start": (450.0, 420.0), "lr": 1.0, "steps": 10_000}\n',
                fails=["reaches the minimum"], says="from (450, 420)"),
        Mistake("a dict without a rate", 'EGG_RUN_2 = {"start": (450.0, 420.0), "steps": 10_000}\n',
                fails=["reaches the minimum"], says="has no entry 'lr'"),
        Mistake("starts on the minimum", 'EGG_RUN_2 = {"start": (479.0, 434.5), "lr": 0.01, "steps": 10}\n',
                fails=["reaches the minimum"], says="start farther away"),
    ],
)

U3_2_Q3 = Exercise(
    "u3.2.q3", "Why the second minimum is harder", ["ans_u3_2_q3"],
    checks=[answer("a narrow valley", "ans_u3_2_q3", choices="ABCD")],
    mistakes=[Mistake("not differentiable", 'ans_u3_2_q3 = "A"\n', fails=["a narrow valley"],
                      says="is not the right choice")],
)


# --- u3.4 ----------------------------------------------------------------------------

def momentum_inputs(d):
    cases = []
    for beta in (0.0, 0.5, 0.9, 0.99):
        for t in (1, 2, 10, 100):
            c = d.randn(3, dtype=F64)
            alpha = round(d.py.uniform(0.01, 0.5), 4)
            cases.append(case(c, alpha, beta, t, label=f"c of shape (3,) (float64), alpha {alpha:g}, beta {beta:g}, t {t}"))
    c = d.randn(5, dtype=F64)
    cases.append(case(c, 0.1, 0.9, 1_000_000, label="c of shape (5,) (float64), alpha 0.1, beta 0.9, t 1,000,000"))
    return cases


MOMENTUM_LENGTH = ("\n\ndef momentum_step_length(c, alpha, beta, t):\n"
                   "    return (alpha * torch.linalg.vector_norm(c) * (1 - beta ** t) / (1 - beta)).item()\n")

U3_4_Q1 = Exercise(
    "u3.4.q1", "Momentum on a linear cost", ["momentum_iterate", "momentum_step_length"],
    checks=[
        output("iterate equals SGD with momentum", "momentum_iterate", momentum_inputs, weight=4),
        output("step length", "momentum_step_length", momentum_inputs, weight=3),
        source("closed form", "momentum_iterate", [case(torch.ones(2, dtype=F64), 0.1, 0.9, 3)], weight=1,
               no_loops=True),
    ],
    mistakes=[
        Mistake("every past gradient at full weight",
                "def momentum_iterate(c, alpha, beta, t):\n    return -alpha * c * t / (1 - beta)\n" + MOMENTUM_LENGTH,
                fails=["iterate equals SGD with momentum"], says="values differ"),
        Mistake("one power of beta too many",
                "def momentum_iterate(c, alpha, beta, t):\n"
                "    return -(alpha * c / (1 - beta)) * (t - beta * (1 - beta ** (t + 1)) / (1 - beta))\n"
                + MOMENTUM_LENGTH,
                fails=["iterate equals SGD with momentum"], says="values differ"),
        Mistake("the limit instead of the step",
                "def momentum_iterate(c, alpha, beta, t):\n"
                "    return -(alpha * c / (1 - beta)) * (t - beta * (1 - beta ** t) / (1 - beta))\n\n\n"
                "def momentum_step_length(c, alpha, beta, t):\n"
                "    return (alpha * torch.linalg.vector_norm(c) / (1 - beta)).item()\n",
                fails=["step length"], says="expected 0."),
        Mistake("simulates the iterations",
                "def momentum_iterate(c, alpha, beta, t):\n    w, v = torch.zeros_like(c), torch.zeros_like(c)\n"
                "    for _ in range(t):\n        v = beta * v + c\n        w = w - alpha * v\n    return w\n"
                + MOMENTUM_LENGTH,
                fails=["closed form"], says="loop"),
    ],
)

_X, _Y = make_blobs(n_samples=100, n_features=2, centers=2, random_state=1)
BLOBS = {"X": _X.tolist(), "Y": [float(v) for v in _Y]}

U3_4_Q2 = Exercise(
    "u3.4.q2", "A setting where Adam does worse", ["ADAM_WORSE_CONFIG"],
    checks=[rerun("Adam ends higher", "ADAM_WORSE_CONFIG", "adam_worse", **BLOBS, scale=[2.5, 1.0], bias=5.0)],
    mistakes=[
        Mistake("the text's setting, where Adam wins",
                'ADAM_WORSE_CONFIG = {"start": (1.4, 1.4), "lr": 1.0, "momentum": 0.0, "steps": 100}\n',
                fails=["Adam ends higher"], says="Adam should end at least 1% + 0.0001 higher"),
        Mistake("momentum of 1", 'ADAM_WORSE_CONFIG = {"start": (-1.0, 1.0), "lr": 0.01, "momentum": 1.0, "steps": 100}\n',
                fails=["Adam ends higher"], says="'momentum' should be a number in [0, 1)"),
    ],
)


# --- u3.5 ----------------------------------------------------------------------------

DEEP_MLP = ("lambda depth, width: torch.nn.Sequential(torch.nn.Linear(2, width), torch.nn.ReLU(), "
            "*[m for _ in range(depth - 1) for m in (torch.nn.Linear(width, width), torch.nn.ReLU())], "
            "torch.nn.Linear(width, 1), torch.nn.Sigmoid())")
DEEP_MLP_EVAL = DEEP_MLP.replace("torch.nn.Sigmoid())", "torch.nn.Sigmoid()).eval()")


def stats_case(d, depth: int, width: int, n: int, train_mode: bool = True, after: bool = False):
    where = "train" if train_mode else "eval"
    model = f"a seeded Linear/ReLU net of depth {depth}, width {width}, in {where} mode"
    x = d.randn(n, 2)
    calls = [built(DEEP_MLP if train_mode else DEEP_MLP_EVAL, depth, width, keep_as="model", label=model),
             Call((kept("model", "the model"), x), label=f"{model}, and {n} standardised points")]
    if after:
        calls += [Call(target="$model.training", read_only=True, label=f"model.training after the call ({model})"),
                  Call(target="$model.state_dict", label=f"the model's state_dict() after the call ({model})")]
    return sequence(*calls, label=f"{model}, and {n} standardised points")


def stats_inputs(d):
    return [stats_case(d, 6, 16, 200), stats_case(d, 3, 8, 50), stats_case(d, 6, 16, 200, train_mode=False),
            stats_case(d, 1, 4, 2)]


def stats_model_inputs(d):
    return [stats_case(d, 6, 16, 100, after=True), stats_case(d, 6, 16, 100, train_mode=False, after=True)]


STATS_LOOP = ("def activation_stats(model, X):\n    stats = []\n    h = X\n{setup}    for layer in model:\n"
              "        h = layer(h)\n        if isinstance(layer, {kind}):\n"
              "            stats.append((h.mean(dim={dim}).detach(), h.std(dim={dim}{correction}).detach()))\n"
              "    return stats\n")


def stats_variant(setup: str = "", kind: str = "nn.ReLU", dim: int = 0, correction: str = "") -> str:
    return STATS_LOOP.format(setup=setup, kind=kind, dim=dim, correction=correction)


U3_5_Q1 = Exercise(
    "u3.5.q1", "Activation statistics layer by layer", ["activation_stats"],
    manual="the box plots of the statistics per layer and their interpretation (part d)",
    checks=[
        output("statistics per ReLU", "activation_stats", stats_inputs, weight=5),
        output("model left as it was", "activation_stats", stats_model_inputs, weight=2),
    ],
    mistakes=[
        Mistake("the 1/N standard deviation", stats_variant(correction=", correction=0"),
                fails=["statistics per ReLU"], says="values differ"),
        Mistake("statistics of the Linear outputs", stats_variant(kind="nn.Linear"),
                fails=["statistics per ReLU"], says="a list of length"),
        Mistake("statistics over the neurons", stats_variant(dim=1),
                fails=["statistics per ReLU"], says="expected shape (16,)"),
        Mistake("switches the model to eval mode", stats_variant(setup="    model.eval()\n"),
                fails=["model left as it was"], says="model.training after the call"),
    ],
)


RESEED_LINEARS = ("lambda model: (torch.manual_seed(0), [m.reset_parameters() for m in model "
                  "if isinstance(m, torch.nn.Linear)], model)[2]")


def bn_mlp_case(d, depth: int, width: int, n: int, stats: bool = False):
    """build_bn_mlp(depth, width) with its Linear layers re-drawn from a fixed seed in network
    order (so the order in which they were created does not matter), then the model in eval
    mode (with the buffers' initial values: nn.BatchNorm1d and the BN class of u3.5.q4 update
    running_var differently, so no train-mode pass comes first), with `stats`
    activation_stats in eval mode, and the model on a train-mode batch."""
    what = f"build_bn_mlp({depth}, {width})"
    x = d.randn(n, 2) * 1.5
    calls = [Call((depth, width), keep_as="built", quiet=True, label=what),
             built(RESEED_LINEARS, kept("built", "the model"), keep_as="model", label=f"{what} with seeded weights"),
             Call(target="$model.eval", quiet=True, label="switching the model to eval mode"),
             Call((x,), target="$model", label=f"{what} in eval mode on {n} points")]
    if stats:
        calls.append(Call((kept("model", "the model"), x), target="activation_stats",
                          label=f"activation_stats of {what} in eval mode"))
    calls += [Call(target="$model.train", quiet=True, label="switching the model to train mode"),
              Call((x,), target="$model", label=f"{what} on a train-mode batch of {n} points")]
    return sequence(*calls, label=f"{what} on {n} points")


def bn_mlp_inputs(d):
    return [bn_mlp_case(d, 6, 16, 200), bn_mlp_case(d, 2, 5, 30), bn_mlp_case(d, 1, 3, 8)]


def bn_mlp_stats_inputs(d):
    return [bn_mlp_case(d, 6, 16, 200, stats=True)]


BN_MLP = ("def build_bn_mlp(depth, width):\n    layers, inputs = [], 2\n    for _ in range({blocks}):\n"
          "        layers += [{block}]\n        inputs = width\n"
          "    return nn.Sequential(*layers, nn.Linear(width, 1){tail})\n")


def bn_mlp_variant(blocks: str = "depth", block: str = "nn.Linear(inputs, width), nn.BatchNorm1d(width), nn.ReLU()",
                   tail: str = ", nn.Sigmoid()") -> str:
    return BN_MLP.format(blocks=blocks, block=block, tail=tail)


U3_5_Q2 = Exercise(
    "u3.5.q2", "The same with normalisation layers", ["build_bn_mlp", "activation_stats"],
    manual="the comparison of the statistics with and without normalisation (u3.5.q1)",
    checks=[
        output("network outputs in train and eval mode", "build_bn_mlp", bn_mlp_inputs, weight=5),
        output("activation statistics in eval mode", "build_bn_mlp", bn_mlp_stats_inputs, weight=2),
    ],
    mistakes=[
        Mistake("normalises after the ReLU",
                bn_mlp_variant(block="nn.Linear(inputs, width), nn.ReLU(), nn.BatchNorm1d(width)"),
                fails=["network outputs in train and eval mode", "activation statistics in eval mode"],
                says="values differ"),
        Mistake("no sigmoid at the end", bn_mlp_variant(tail=""),
                fails=["network outputs in train and eval mode"], says="in eval mode on"),
        Mistake("one block too many", bn_mlp_variant(blocks="depth + 1"),
                fails=["network outputs in train and eval mode"], says="in eval mode on"),
    ],
)


def bn_grad_inputs(d):
    cases = []
    for n in (2, 3, 64):
        for width in (1, 7):
            x = d.randn(n, width, dtype=F64) * 3 + 1
            cases.append(case(d.randn(n, width, dtype=F64), x, d.randn(width, dtype=F64),
                              label=f"x of shape ({n}, {width}) (float64) and random grad_y, gamma"))
    x = d.randn(16, 4, dtype=F64)
    cases.append(case(d.randn(16, 4, dtype=F64), x, d.randn(4, dtype=F64), eps=0.5,
                      label="x of shape (16, 4) (float64), eps 0.5"))
    return cases


BN_BACKWARD_HEAD = ("def bn_backward(grad_y, x, gamma, eps=1e-5):\n    n = x.shape[0]\n    mean = x.mean(dim=0)\n"
                    "    std = torch.sqrt(x.var(dim=0, unbiased={unbiased}) + eps)\n    x_hat = (x - mean) / std\n"
                    "    grad_gamma = (grad_y * x_hat).sum(dim=0)\n    grad_beta = grad_y.sum(dim=0)\n")

U3_5_Q3 = Exercise(
    "u3.5.q3", "The backward pass through BN", ["bn_backward"],
    checks=[
        output("equals autograd through BN", "bn_backward", bn_grad_inputs, weight=6, rtol=1e-9, atol=1e-9),
        source("without autograd", "bn_backward", [case(torch.ones(2, 1), torch.ones(2, 1), torch.ones(1))],
               weight=1, forbid=NO_AUTOGRAD, reason="use your own formula for the gradients"),
        source("no loop over the batch", "bn_backward", [case(torch.ones(2, 1), torch.ones(2, 1), torch.ones(1))],
               weight=1, no_loops=True),
    ],
    mistakes=[
        Mistake("forgets that the statistics depend on x", BN_BACKWARD_HEAD.format(unbiased=False) +
                "    return gamma * grad_y / std, grad_gamma, grad_beta\n",
                fails=["equals autograd through BN"], says="at [0]"),
        Mistake("the unbiased variance", BN_BACKWARD_HEAD.format(unbiased=True) +
                "    return gamma / (n * std) * (n * grad_y - grad_beta - x_hat * grad_gamma), grad_gamma, grad_beta\n",
                fails=["equals autograd through BN"], says="values differ"),
        Mistake("autograd through the forward pass",
                "def bn_backward(grad_y, x, gamma, eps=1e-5):\n"
                "    x = x.detach().clone().requires_grad_(True)\n    g = gamma.detach().clone().requires_grad_(True)\n"
                "    b = torch.zeros_like(g, requires_grad=True)\n"
                "    y = g * (x - x.mean(0)) / torch.sqrt(x.var(0, unbiased=False) + eps) + b\n"
                "    return torch.autograd.grad(y, (x, g, b), grad_y)\n",
                fails=["without autograd"], says="use your own formula"),
    ],
)


def bn_new(width: int, **kwargs) -> Call:
    extra = "".join(f", {k}={v!r}" for k, v in kwargs.items())
    return Call((width,), kwargs, keep_as="bn", label=f"BN({width}{extra})")


def bn_train_inputs(d):
    cases = []
    for n, width in ((2, 3), (16, 5), (64, 1)):
        x = d.randn(n, width, dtype=torch.float32) * 3 + 2
        cases.append(sequence(bn_new(width), Call((x,), target="$bn", label=f"a train-mode batch of shape ({n}, {width})"),
                              label=f"BN({width}) on a batch of shape ({n}, {width})"))
    x = d.randn(8, 4) * 0.01
    cases.append(sequence(bn_new(4, eps=0.1), Call((x,), target="$bn", label="a batch of shape (8, 4) with tiny spread"),
                          label="BN(4, eps=0.1) on a batch with tiny spread"))
    return cases


def bn_buffer_inputs(d):
    calls = [bn_new(3, momentum=0.2)]
    for k in range(3):
        calls.append(Call((d.randn(10, 3) * (k + 1) + k,), target="$bn", label=f"train-mode batch {k + 1} of 3"))
    calls += [Call(target="$bn.running_mean", read_only=True, label="running_mean after 3 train-mode batches"),
              Call(target="$bn.running_var", read_only=True, label="running_var after 3 train-mode batches")]
    default = [bn_new(2), Call((d.randn(5, 2) * 2 + 1,), target="$bn", label="one train-mode batch of shape (5, 2)"),
               Call(target="$bn.running_mean", read_only=True, label="running_mean after one batch"),
               Call(target="$bn.running_var", read_only=True, label="running_var after one batch")]
    return [sequence(*calls, label="BN(3, momentum=0.2) after 3 train-mode batches"),
            sequence(*default, label="BN(2) after one train-mode batch")]


def bn_eval_inputs(d):
    batch = d.randn(12, 3) * 2 + 1
    rows = d.randn(6, 3) * 2
    calls = [bn_new(3), Call((batch,), target="$bn", label="a train-mode batch of shape (12, 3)"),
             Call(target="$bn.eval", label="switching to eval mode"),
             Call((rows,), target="$bn", label="an eval-mode batch of shape (6, 3)"),
             Call((rows[2:3].clone(),), target="$bn", label="one of its rows alone, in eval mode"),
             Call(target="$bn.running_mean", read_only=True, label="running_mean after the eval-mode calls"),
             Call(target="$bn.running_var", read_only=True, label="running_var after the eval-mode calls")]
    return [sequence(*calls, label="BN(3) trained on one batch, then in eval mode")]


def bn_backprop_inputs(d):
    cases = []
    for n, width in ((4, 3), (32, 2)):
        x = d.randn(n, width, dtype=torch.float32) * 2 + 1
        upstream = d.randn(n, width, dtype=torch.float32)
        cases.append(sequence(bn_new(width), Call((x,), target="$bn", upstream=upstream,
                                                  label=f"a batch of shape ({n}, {width}) and a random upstream gradient"),
                              label=f"BN({width}) on a batch of shape ({n}, {width}) with a random upstream gradient"))
    return cases


def bn_state_inputs(d):
    return [sequence(bn_new(4), Call(target="$bn.state_dict", label="state_dict()"),
                     Call(target="$bn.running_mean.requires_grad", read_only=True, label="running_mean.requires_grad"),
                     Call((d.randn(6, 4),), target="$bn", label="a train-mode batch of shape (6, 4)"),
                     Call(target="$bn.running_var.requires_grad", read_only=True,
                          label="running_var.requires_grad after a batch"),
                     Call((F64,), target="$bn.to", label="the module moved with .to(torch.float64)"),
                     Call(target="$bn.running_var.dtype", read_only=True, label="running_var.dtype after .to(torch.float64)"),
                     label="the buffers of BN(4)")]


BN_CLASS = """\
class BN(nn.Module):
    def __init__(self, in_features, eps=1e-5, momentum=0.1):
        super().__init__()
        self.eps, self.momentum = eps, momentum
        self.gamma = nn.Parameter(torch.ones(in_features))
        self.beta = nn.Parameter(torch.zeros(in_features))
{buffers}

    def forward(self, x):
{check}        if self.training{train_test}:
            mean, var = x.mean(dim=0), x.var(dim=0, unbiased=False)
            with torch.no_grad():
                self.running_mean = (1 - self.momentum) * self.running_mean + self.momentum * mean
                self.running_var = (1 - self.momentum) * self.running_var + self.momentum * {update_var}
        else:
            mean, var = self.running_mean, self.running_var
        return self.gamma * (x - mean) / torch.sqrt(var + self.eps) + self.beta
"""
REGISTERED = ("        self.register_buffer('running_mean', torch.zeros(in_features))\n"
              "        self.register_buffer('running_var', torch.ones(in_features))")
CHECKED = "        if x.dim() != 2:\n            raise ValueError('expected (N, features)')\n"


def bn_variant(buffers: str = REGISTERED, check: str = CHECKED, train_test: str = "",
               update_var: str = "var") -> str:
    return BN_CLASS.format(buffers=buffers, check=check, train_test=train_test, update_var=update_var)


U3_5_Q4 = Exercise(
    "u3.5.q4", "Inference mode for the BN class", ["BN"],
    checks=[
        output("train-mode output", "BN", bn_train_inputs, weight=2),
        output("running averages", "BN", bn_buffer_inputs, weight=2),
        output("eval mode", "BN", bn_eval_inputs, weight=2),
        grad("train-mode gradients", "BN", bn_backprop_inputs, wrt_args=[0], wrt_params=True, weight=2),
        output("registered buffers", "BN", bn_state_inputs, weight=1.5),
        raises("3-D input", "BN", [sequence(bn_new(3), Call((torch.ones(2, 3, 4),), target="$bn",
                                                             label="an input of shape (2, 3, 4)"),
                                            label="BN(3) on an input of shape (2, 3, 4)")],
               ["ValueError"], weight=0.5),
    ],
    mistakes=[
        Mistake("the unbiased variance in the running average (as nn.BatchNorm1d)",
                bn_variant(update_var="x.var(dim=0)"), fails=["running averages"], says="running_var after"),
        Mistake("batch statistics in eval mode too", bn_variant(train_test=" or True"),
                fails=["eval mode"], says="for an eval-mode batch of shape (6, 3)"),
        Mistake("plain attributes instead of buffers",
                bn_variant(buffers="        self.running_mean = torch.zeros(in_features)\n"
                                   "        self.running_var = torch.ones(in_features)"),
                fails=["registered buffers"], says="state_dict()"),
        Mistake("no check of the input's shape", bn_variant(check=""), fails=["3-D input"],
                says="should raise ValueError"),
        Mistake("statistics detached from autograd",
                bn_variant().replace("mean, var = x.mean(dim=0), x.var(dim=0, unbiased=False)",
                                     "mean, var = x.mean(dim=0).detach(), x.var(dim=0, unbiased=False).detach()"),
                fails=["train-mode gradients"], says="the gradient with respect to input 0"),
    ],
)

U3_5_Q5 = Exercise(
    "u3.5.q5", "Why BN needs at least two samples", ["ans_u3_5_q5"],
    checks=[answer("one sample", "ans_u3_5_q5", choices="ABCD")],
    mistakes=[Mistake("overflow", 'ans_u3_5_q5 = "B"\n', fails=["one sample"], says="is not the right choice")],
)


EXERCISES = [U3_1_Q1, U3_1_Q2, U3_1_Q3, U3_1_Q4, U3_2_Q1, U3_2_Q2, U3_2_Q3, U3_4_Q1, U3_4_Q2, U3_5_Q1, U3_5_Q2, U3_5_Q3, U3_5_Q4, U3_5_Q5]
