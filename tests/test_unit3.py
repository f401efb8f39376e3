"""Unit 3 (sections 3.1, 3.2, 3.4, 3.5), end to end: for every exercise the reference scores
full marks, the stub scores zero with a "not implemented" style message, and every catalogued
mistake loses the points of the check that names it, with the message it should give. Also:
the known answers of the catalogue hold for the reference (hand-written gradients equal
autograd in float64), and feedback names the function, the input and the difference."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from autograder.checks.rerun import eggholder_descent
from autograder.exercises.loader import load_exercises
from autograder.judge.reference import Reference
from conftest import ROOT, check_result, exercise
from test_rules import grade
from unitcontract import contract

F64 = torch.float64

# the fixtures and the contract tests (full marks, zero, mistakes) that every unit shares
globals().update(contract("unit3", mistake_limits={"exercise_seconds": 20}))


@pytest.fixture(scope="module")
def ref(hidden_unit3):
    """The reference notebook's functions and constants, run in this process (as the judge does)."""
    names = ["mlp_manual_backward", "backprop_chain", "branched_vjp", "tiny_forward", "tiny_backward", "ans_u3_1_q4", "eggholder",
             "gd_eggholder", "EGG_RUN_1", "EGG_RUN_2", "momentum_iterate", "momentum_step_length",
             "ADAM_WORSE_CONFIG", "final_cost", "X", "Y", "activation_stats", "build_bn_mlp", "bn_backward", "BN"]
    return Reference(hidden_unit3.notebook, {"facts": names}).prober().namespace


def test_totals_and_manual_points(reference_results, stub_results):
    full = reference_results["hidden"]
    assert full.score == full.max_score == 120
    assert full.manual_points == 15  # the drawing (u3.1.q4), the box plots and the comparison (u3.5.q1-q2)
    assert all(exercise(full, i).manual for i in ("u3.1.q4", "u3.5.q1", "u3.5.q2"))
    assert stub_results["public"].score == 0


# --- what the feedback says ----------------------------------------------------------------

def test_feedback_names_function_input_and_difference(mistake_results):
    graded = mistake_results[("u3.1.q1", "forgets the ReLU's derivative")]
    message = check_result(graded, "u3.1.q1", "hidden units that never fire").message
    assert message.startswith("mlp_manual_backward: for a batch of 32 samples (float64) where 6 hidden units are "
                              "off for every sample, ")
    assert "at ['W1']" in message and "values differ" in message
    assert "tensor(" not in message  # inputs are described, not printed


def test_feedback_on_the_running_variance_names_the_buffer(mistake_results):
    graded = mistake_results[("u3.5.q4", "the unbiased variance in the running average (as nn.BatchNorm1d)")]
    message = check_result(graded, "u3.5.q4", "running averages").message
    assert message.startswith("BN: for running_var after ")
    assert "values differ" in message


def test_feedback_on_a_setting_reports_both_costs(mistake_results):
    graded = mistake_results[("u3.4.q2", "the text's setting, where Adam wins")]
    message = check_result(graded, "u3.4.q2", "Adam ends higher").message
    assert message.startswith("ADAM_WORSE_CONFIG: from (1.4, 1.4) with lr 1, 100 steps, Adam ends with cost ")
    assert "SGD with momentum 0 with" in message


# --- u3.1: gradients by hand equal autograd -----------------------------------------------------

def test_logsoftmax_jacobian_is_identity_minus_probabilities():
    z = torch.randn(10, dtype=F64, generator=torch.Generator().manual_seed(3))
    y = torch.softmax(z, dim=0)
    jacobian = torch.autograd.functional.jacobian(lambda u: torch.log_softmax(u, dim=0), z)
    torch.testing.assert_close(jacobian, torch.eye(10, dtype=F64) - y.expand(10, 10), rtol=1e-10, atol=1e-12)
    torch.testing.assert_close(jacobian.diagonal(), 1 - y, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("n", [1, 5, 64])
def test_manual_mlp_backward_equals_autograd(ref, n):
    g = torch.Generator().manual_seed(n)
    X = torch.randn(n, 784, dtype=F64, generator=g)
    labels = torch.randint(0, 10, (n,), generator=g)
    params = [torch.randn(*s, dtype=F64, generator=g) * 0.1 for s in [(20, 784), (20,), (10, 20), (10,)]]
    params[1][:4] = -100.0  # four hidden units off for every sample
    leaves = [p.clone().requires_grad_(True) for p in params]
    W1, b1, W2, b2 = leaves
    F.nll_loss(F.log_softmax(torch.relu(X @ W1.T + b1) @ W2.T + b2, dim=1), labels).backward()
    mine = ref["mlp_manual_backward"](X, labels, *params)
    for key, leaf in zip(["W1", "b1", "W2", "b2"], leaves):
        torch.testing.assert_close(mine[key], leaf.grad, rtol=1e-10, atol=1e-12)
    assert bool((mine["W1"][:4] == 0).all())


def test_backprop_chain_with_the_judges_blocks_equals_autograd(ref):
    import importlib.util

    from autograder.probes.run import CALLABLE_NAMESPACE

    spec = importlib.util.spec_from_file_location("unit3_checks", ROOT / "solutions" / "unit3" / "checks.py")
    checks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(checks)
    torch.manual_seed(0)
    blocks = eval(checks.BLOCKS, dict(CALLABLE_NAMESPACE))([3, 5, 5, 5, 4, 4, 2])  # noqa: S307 - our own source
    x = torch.randn(6, 3, dtype=F64)
    grad_x = ref["backprop_chain"](blocks, x, lambda y: 2 * (y - 1.0))
    h = leaf = x.clone().requires_grad_(True)
    params = {}
    for block in blocks:
        if block.kind == "Linear":
            params[block.name] = (block.W.clone().requires_grad_(True), block.b.clone().requires_grad_(True))
            h = h @ params[block.name][0].T + params[block.name][1]
        else:
            h = {"Tanh": torch.tanh, "ReLU": torch.relu, "Scale": lambda t: 0.5 * t}[block.kind](h)
    ((h - 1.0) ** 2).sum().backward()
    torch.testing.assert_close(grad_x, leaf.grad, rtol=1e-10, atol=1e-12)
    for block in blocks:
        if block.kind == "Linear":
            torch.testing.assert_close(block.grads["W"], params[block.name][0].grad, rtol=1e-10, atol=1e-12)
            torch.testing.assert_close(block.grads["b"], params[block.name][1].grad, rtol=1e-10, atol=1e-12)
    names = [b.name for b in blocks]
    assert blocks[0].log == [("forward", n) for n in names] + [("backward", n) for n in reversed(names)]


def test_branched_vjp_adds_both_paths(ref):
    g = torch.Generator().manual_seed(0)
    x, gy = torch.randn(5, 3, dtype=F64, generator=g), torch.randn(5, 3, dtype=F64, generator=g)
    B1, B2 = (lambda t: torch.tanh(0.7 * t)), (lambda t: torch.sin(t) * t)
    B3 = lambda u, v: u * v + torch.tanh(u) - v ** 2  # noqa: E731
    leaf = x.clone().requires_grad_(True)
    (expected,) = torch.autograd.grad(B3(B2(leaf), B1(leaf)), leaf, gy)
    torch.testing.assert_close(ref["branched_vjp"](B1, B2, B3, x, gy), expected, rtol=1e-10, atol=1e-12)


def tiny_module():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(2, 1), torch.nn.ReLU(), torch.nn.Linear(1, 2), torch.nn.ReLU(),
                               torch.nn.Linear(2, 1), torch.nn.Sigmoid()).double()


def test_tiny_network_has_ten_parameters_and_hand_gradients_equal_autograd(ref):
    model = tiny_module()
    assert sum(p.numel() for p in model.parameters()) == ref["ans_u3_1_q4"] == 10
    with torch.no_grad():  # all ReLUs on at x = (1, 1)
        model[0].weight.copy_(torch.tensor([[0.5, 0.7]]))
        model[0].bias.fill_(0.1)
        model[2].weight.copy_(torch.tensor([[0.8], [1.2]]))
        model[2].bias.copy_(torch.tensor([0.1, -0.2]))
    x = torch.ones(2, dtype=F64)
    params = {k: v.detach().clone() for k, v in model.state_dict().items()}
    torch.testing.assert_close(ref["tiny_forward"](params, x), model(x).detach(), rtol=1e-10, atol=1e-12)
    torch.testing.assert_close(ref["tiny_forward"](params, x.expand(4, 2)), model(x.expand(4, 2)).detach())
    y = model(x)
    F.binary_cross_entropy(y, torch.ones(1, dtype=F64)).backward()
    mine = ref["tiny_backward"](params, x, 1.0)
    for name, p in model.named_parameters():
        torch.testing.assert_close(mine[name], p.grad, rtol=1e-10, atol=1e-12)


def test_first_relu_off_zeroes_the_upstream_gradients_only(ref):
    params = {k: v.detach().clone() for k, v in tiny_module().state_dict().items()}
    params["0.bias"] = torch.tensor([-10.0], dtype=F64)
    grads = ref["tiny_backward"](params, torch.ones(2, dtype=F64), 1.0)
    for key in ("0.weight", "0.bias", "2.weight"):
        assert bool((grads[key] == 0).all()), key
    assert bool((grads["4.bias"] != 0).all())


# --- u3.2: the eggholder -----------------------------------------------------------------------

def test_eggholder_value_and_gradient_at_300_135(ref):
    w0, w1 = torch.tensor(300.0, dtype=F64, requires_grad=True), torch.tensor(135.0, dtype=F64, requires_grad=True)
    f = ref["eggholder"](w0, w1)
    f.backward()
    assert abs(f.item() - 404.3902) < 1e-4
    assert abs(w0.grad.item() - 0.79983) < 1e-5 and abs(w1.grad.item() + 5.27959) < 1e-5


def test_gd_trajectory_with_rate_5(ref):
    path = ref["gd_eggholder"]((300.0, 135.0), 5.0, 10)
    assert path.shape == (11, 2) and path.dtype == F64
    known = torch.tensor([(300, 135), (296.001, 161.398), (231.224, 268.024), (287.235, 199.553),
                          (409.445, 110.724), (355.116, 195.721), (317.171, 230.469), (435.685, 94.329)], dtype=F64)
    torch.testing.assert_close(path[:8], known, rtol=0, atol=1e-3)


def test_reference_settings_reach_the_catalogue_minima(ref):
    run1, run2 = ref["EGG_RUN_1"], ref["EGG_RUN_2"]
    end1 = eggholder_descent(list(run1["start"]), run1["lr"], run1["steps"])
    end2 = eggholder_descent(list(run2["start"]), run2["lr"], run2["steps"])
    assert (end1 - torch.tensor([418.56, 171.04], dtype=F64)).norm() < 0.01
    assert (end2 - torch.tensor([479.05, 434.51], dtype=F64)).norm() < 0.01
    assert abs(ref["eggholder"](end1[0], end1[1]).item() + 629.634) < 1e-3
    assert abs(ref["eggholder"](end2[0], end2[1]).item() + 955.255) < 1e-3


# --- u3.4: momentum and Adam ---------------------------------------------------------------------

@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9, 0.99])
def test_momentum_closed_forms_match_torch_sgd(ref, beta):
    c = torch.tensor([0.7, -1.3, 0.2], dtype=F64)
    w = torch.zeros(3, dtype=F64, requires_grad=True)
    sgd = torch.optim.SGD([w], lr=0.05, momentum=beta)
    previous = w.detach().clone()
    for t in range(1, 101):
        sgd.zero_grad()
        (c @ w + 4.0).backward()
        sgd.step()
        if t in (1, 2, 10, 100):
            torch.testing.assert_close(ref["momentum_iterate"](c, 0.05, beta, t), w.detach(), rtol=1e-12, atol=1e-14)
            step = (w.detach() - previous).norm().item()
            assert abs(ref["momentum_step_length"](c, 0.05, beta, t) - step) <= 1e-12 * step
        previous = w.detach().clone()
    assert abs(ref["momentum_step_length"](c, 0.05, beta, 10**6) - 0.05 * c.norm().item() / (1 - beta)) < 1e-12


def test_adam_worse_example_costs(ref):
    cfg = ref["ADAM_WORSE_CONFIG"]
    sgd = ref["final_cost"](lambda p: torch.optim.SGD(p, lr=cfg["lr"], momentum=cfg["momentum"]), cfg["start"],
                            cfg["steps"])
    adam = ref["final_cost"](lambda p: torch.optim.Adam(p, lr=cfg["lr"]), cfg["start"], cfg["steps"])
    assert abs(sgd - 0.00507) < 1e-5 and abs(adam - 2.509) < 1e-3


# --- u3.5: batch normalisation -----------------------------------------------------------------

def test_standardised_blobs(ref):
    X = ref["X"]
    standard = (X - X.mean(dim=0)) / X.std(dim=0)
    assert standard.dtype == F64
    assert standard.mean(dim=0).abs().max() < 1e-15
    torch.testing.assert_close(standard.std(dim=0), torch.ones(2, dtype=F64))


def test_activation_stats_per_relu_and_model_untouched(ref):
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.ReLU(), torch.nn.Linear(16, 16), torch.nn.ReLU(),
                                torch.nn.Linear(16, 1), torch.nn.Sigmoid())
    before = {k: v.clone() for k, v in model.state_dict().items()}
    X = torch.randn(200, 2)
    stats = ref["activation_stats"](model, X)
    first = torch.relu(model[0](X))
    second = torch.relu(model[2](first))
    assert len(stats) == 2
    for (mean, std), h in zip(stats, (first, second)):
        torch.testing.assert_close(mean, h.mean(dim=0))
        torch.testing.assert_close(std, h.std(dim=0))  # correction 1
    assert model.training and all(torch.equal(v, before[k]) for k, v in model.state_dict().items())


def test_bn_mlp_is_graded_whatever_the_bn_class_and_the_creation_order(ref):
    BN = ref["BN"]

    def linears_first(depth, width):
        linears = [torch.nn.Linear(2 if i == 0 else width, width) for i in range(depth)]
        last = torch.nn.Linear(width, 1)
        blocks = [m for linear in linears for m in (linear, BN(width), torch.nn.ReLU())]
        return torch.nn.Sequential(*blocks, last, torch.nn.Sigmoid())

    spec = next(e for e in load_exercises(ROOT / "solutions" / "unit3" / "checks.py") if e.id == "u3.5.q2")
    reference = {"build_bn_mlp": ref["build_bn_mlp"], "activation_stats": ref["activation_stats"]}
    student = {"build_bn_mlp": linears_first, "activation_stats": ref["activation_stats"]}
    for check in spec.checks:
        assert grade(check, reference, student) is None, check.name
    model = ref["build_bn_mlp"](3, 8)
    assert sum(isinstance(m, torch.nn.ReLU) for m in model) == 3
    assert sum(isinstance(m, torch.nn.Linear) for m in model) == 4
    model.train()
    pre_relu = model[1](model[0](torch.randn(200, 2)))
    torch.testing.assert_close(pre_relu.mean(dim=0), torch.zeros(8), rtol=0, atol=1e-5)
    torch.testing.assert_close(pre_relu.std(dim=0), torch.ones(8), rtol=1e-2, atol=0)


@pytest.mark.parametrize("n", [2, 3, 64])
@pytest.mark.parametrize("d", [1, 7])
def test_bn_backward_equals_autograd_through_the_biased_forward(ref, n, d):
    g = torch.Generator().manual_seed(10 * n + d)
    x = torch.randn(n, d, dtype=F64, generator=g) * 2 + 1
    gamma, gy = torch.randn(d, dtype=F64, generator=g), torch.randn(n, d, dtype=F64, generator=g)
    xl, gl = x.clone().requires_grad_(True), gamma.clone().requires_grad_(True)
    bl = torch.zeros(d, dtype=F64, requires_grad=True)
    y = gl * (xl - xl.mean(0)) / torch.sqrt(xl.var(0, unbiased=False) + 1e-5) + bl
    expected = torch.autograd.grad(y, (xl, gl, bl), gy)
    for mine, want in zip(ref["bn_backward"](gy, x, gamma), expected):
        torch.testing.assert_close(mine, want, rtol=1e-9, atol=1e-9)


def test_bn_module_constants_train_output_and_running_averages(ref):
    bn = ref["BN"](4)
    assert bn.eps == 1e-5
    assert torch.equal(bn.gamma, torch.ones(4)) and torch.equal(bn.beta, torch.zeros(4))
    assert set(bn.state_dict()) == {"gamma", "beta", "running_mean", "running_var"}
    x = torch.randn(32, 4, generator=torch.Generator().manual_seed(1)) * 3 + 2
    torch.testing.assert_close(bn(x), F.batch_norm(x, None, None, training=True, eps=1e-5))
    torch.testing.assert_close(bn.running_mean, 0.1 * x.mean(0))
    torch.testing.assert_close(bn.running_var, 0.9 + 0.1 * x.var(0, unbiased=False))
    torch_bn = torch.nn.BatchNorm1d(4)
    torch_bn(x)
    assert not torch.allclose(torch_bn.running_var, bn.running_var, rtol=1e-4, atol=0)  # PyTorch: unbiased


def test_bn_with_one_sample_outputs_beta_and_passes_no_gradient(ref):
    bn = ref["BN"](3)
    with torch.no_grad():
        bn.beta.copy_(torch.tensor([0.5, -1.0, 2.0]))
    x = torch.tensor([[3.0, -7.0, 0.25]], requires_grad=True)
    y = bn(x)
    assert torch.equal(y.detach(), bn.beta.detach().unsqueeze(0))
    (grad,) = torch.autograd.grad(y, x, torch.tensor([[1.0, 2.0, 3.0]]))
    assert bool((grad == 0).all())
    with pytest.warns(UserWarning):  # the unbiased variance divides by N - 1 = 0
        assert bool(torch.isnan(x.detach().var(dim=0)).all())
    with pytest.raises(ValueError, match="Expected more than 1 value per channel"):
        torch.nn.BatchNorm1d(3)(x)
