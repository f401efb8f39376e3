"""Unit 2, sections 2.1-2.4, end to end: for every exercise the reference scores full marks,
the stub scores zero with a "not implemented" style message, and every catalogued mistake
loses the points of the check that names it, with the message it should give. Also: the
known answers of the worked examples hold for the reference, and feedback names the
function, the input and the difference."""

from __future__ import annotations

import math

import pytest
import torch

from autograder.exercises.loader import load_exercises
from autograder.judge.reference import Reference
from conftest import ROOT, check_result, exercise
from unitcontract import contract

# the fixtures and the contract tests (full marks, zero, mistakes) that every unit shares
globals().update(contract("unit2", mistake_limits={"exercise_seconds": 6}))


@pytest.fixture(scope="module")
def reference_namespace(hidden_unit2):
    """The reference notebook's functions and data, run in this process (as the judge does)."""
    names = ["X", "Y", "calc_dC", "neuron_point_grad", "log_likelihood", "train_neuron_scratch", "calc_dC_analytic",
             "train_neuron_vectorized", "train_neuron_torch", "GOOD_INIT", "make_blobs"]
    return Reference(hidden_unit2.notebook, {"facts": names}).prober().namespace


def test_totals_and_manual_points(reference_results, stub_results):
    full = reference_results["hidden"]
    assert full.score == full.max_score == 100
    assert full.manual_points == 10  # the ReLU plot (u2.1.q3) and the interpretation (u2.3.q1), for the TA
    assert exercise(full, "u2.1.q3").manual and exercise(full, "u2.3.q1").manual
    assert stub_results["public"].score == 0


# --- what the feedback says ----------------------------------------------------------------

def test_feedback_names_function_input_and_difference(mistake_results):
    graded = mistake_results[("u2.2.q1", "the three factors, not simplified")]
    message = check_result(graded, "u2.2.q1", "points with large |z|").message
    assert message.startswith("neuron_point_grad: for a float32 point with label ")
    assert " and z = " in message and "3 of 3 values differ" in message and "got nan" in message
    assert "tensor(" not in message  # inputs are described, not printed


def test_feedback_on_a_training_loop_names_the_run_and_the_tensor(mistake_results):
    graded = mistake_results[("u2.4.q1", "never zeroes the gradients")]
    message = check_result(graded, "u2.4.q1", "gradients after a few steps").message
    assert message.startswith("train_neuron_torch: for layer.weight.grad after the course's blobs, "
                              "init (1.0, -1.0, 5.5), alpha 0.1, 2 steps, 2 of 2 values differ")


def test_feedback_on_a_starting_point_compares_margins(mistake_results):
    message = check_result(mistake_results[("u2.3.q2", "the text's start")], "u2.3.q2", "trains to a wider margin").message
    assert message == ("GOOD_INIT: after 1000 steps of gradient descent (alpha 0.1) from (1, -1, 5.5), the nearest "
                       "point is 0.76 from the p = 0.5 line, no farther than after training from (1, -1, 5.5) (0.76); "
                       "a good start ends with a wider margin")


def test_reported_costs_are_judged_without_revealing_them(mistake_results):
    graded = mistake_results[("u2.3.q1", "reports the costs after 100 steps")]
    message = check_result(graded, "u2.3.q1", "final costs").message
    assert message == ("ans_u2_3_q1: the final cost for alpha = 0.01 (0.1218) is not within 5% of the cost "
                       "after 1000 steps from (1, -1, 5.5)")
    assert "0.0183" not in message and "0.01829" not in message


def test_large_step_is_graded_on_the_parameters_only(reference_namespace):
    """At alpha = 1 the naive cost is NaN from the second step on; a trainer whose parameters
    are right but whose cost history is NaN there keeps the alpha = 1 points, and one whose
    parameters are off does not."""
    from test_rules import grade

    train = reference_namespace["train_neuron_scratch"]

    def nan_costs(X, Y, w0, w1, b, alpha, iters):
        params, costs = train(X, Y, w0, w1, b, alpha, iters)
        return params, costs * math.nan

    def half_steps(X, Y, w0, w1, b, alpha, iters):
        return train(X, Y, w0, w1, b, alpha / 2, iters)

    spec = next(s for s in load_exercises(ROOT / "solutions" / "unit2" / "checks.py") if s.id == "u2.3.q1")
    reference = {"train_neuron_scratch": train}
    large, small = spec.check("parameters with alpha = 1"), spec.check("parameters and costs")
    assert grade(large, reference, {"train_neuron_scratch": nan_costs}) is None
    assert grade(small, reference, {"train_neuron_scratch": nan_costs}).endswith("got nan")
    message = grade(large, reference, {"train_neuron_scratch": half_steps})
    assert message.startswith("train_neuron_scratch: for the course's blobs, alpha 1, 1 step from (1.0, -1.0, 5.5), "
                              "3 of 3 values differ")


def test_hidden_checks_draw_fresh_blobs(hidden_unit2):
    def fresh_points(seed):
        check = next(c for c in hidden_unit2.prepare("u2.3.q1", seed=seed) if c.plan.name == "parameters and costs")
        return check.tensors[check.plan.cases[-1].steps[0].args[0].key]

    assert not torch.equal(fresh_points(1), fresh_points(2))
    assert torch.equal(fresh_points(3), fresh_points(3))


def test_public_checks_store_answers_only_as_hashes(public_unit2):
    answers = 0
    for info in public_unit2.exercises:
        for check in public_unit2.prepare(info.id, seed=0):
            if check.plan.rule.kind != "answer":
                continue
            answers += 1
            stored = check.expected[0].result()
            leaves = stored.values() if isinstance(stored, dict) else [stored]
            assert all(isinstance(v, str) and v.startswith("sha256:") for v in leaves), stored
    assert answers == 8


# --- the known answers of the worked examples, for the reference ------------------------------

def test_blob_data_as_the_text_prints_it(reference_namespace):
    X, Y = reference_namespace["X"], reference_namespace["Y"]
    assert X.dtype == torch.float64 and X.shape == (100, 2) and Y.shape == (100,)
    expected = torch.tensor([[-0.79415228, 2.10495117], [-9.15155186, -4.81286449], [-3.10367371, 3.90202401],
                             [-1.42946517, 5.16850105], [-7.4693868, -4.20198333]], dtype=torch.float64)
    torch.testing.assert_close(X[:5], expected, rtol=0, atol=1e-8)
    assert Y[:5].tolist() == [0, 1, 0, 0, 1]


def test_gradient_and_one_step_at_the_start(reference_namespace):
    ns = reference_namespace
    X, Y = ns["X"], ns["Y"]
    w = torch.tensor([1.0, -1.0], dtype=torch.float64)
    expected = torch.tensor([2.4333, 1.7574, -0.0710], dtype=torch.float64)
    torch.testing.assert_close(ns["calc_dC"](w, 5.5, X, Y), expected, rtol=0, atol=5e-5)
    torch.testing.assert_close(ns["calc_dC_analytic"](w, 5.5, X, Y), ns["calc_dC"](w, 5.5, X, Y))
    params, costs = ns["train_neuron_scratch"](X, Y, 1.0, -1.0, 5.5, 0.1, 1)
    torch.testing.assert_close(params, torch.tensor([0.7567, -1.1757, 5.5071], dtype=torch.float64), rtol=0, atol=5e-5)
    assert costs[0].item() == pytest.approx(0.82877, abs=5e-6)  # the erratum: not -0.5340
    z = X @ w + 5.5
    assert ((z > 0).double() == Y).double().mean().item() == 0.56


def test_a_thousand_steps_from_the_poor_start(reference_namespace):
    ns = reference_namespace
    X, Y = ns["X"], ns["Y"]
    params, costs = ns["train_neuron_scratch"](X, Y, 1.0, -1.0, 5.5, 0.1, 1000)
    torch.testing.assert_close(params, torch.tensor([0.6219, -3.2859, 4.8640], dtype=torch.float64),
                               rtol=0, atol=5e-5)
    assert costs[-1].item() == pytest.approx(0.00175, rel=0.01)
    z = X @ params[:2] + params[2]
    assert ((z > 0).double() == Y).all()
    assert (z.abs().min() / params[:2].norm()).item() == pytest.approx(0.76, abs=0.005)
    assert ns["calc_dC_analytic"](params[:2], params[2].item(), X, Y).abs().max() < 1e-2  # of order 1e-3


def test_good_init_widens_the_margin(reference_namespace):
    ns = reference_namespace
    X, Y = ns["X"], ns["Y"]
    params, _ = ns["train_neuron_scratch"](X, Y, *ns["GOOD_INIT"], 0.1, 1000)
    z = X @ params[:2] + params[2]
    assert (z.abs().min() / params[:2].norm()).item() == pytest.approx(2.79, abs=0.01)


def test_pytorch_loop_reproduces_the_scratch_version(reference_namespace):
    ns = reference_namespace
    X, Y = ns["X"], ns["Y"]
    layer, _ = ns["train_neuron_torch"](X, Y, iters=1)
    torch.testing.assert_close(layer.weight.grad, torch.tensor([[2.4333, 1.7574]], dtype=torch.float64),
                               rtol=0, atol=5e-5)
    torch.testing.assert_close(layer.bias.grad, torch.tensor([-0.0710], dtype=torch.float64), rtol=0, atol=5e-5)
    layer, costs = ns["train_neuron_torch"](X, Y)
    params, scratch_costs = ns["train_neuron_scratch"](X, Y, 1.0, -1.0, 5.5, 0.1, 1000)
    torch.testing.assert_close(torch.cat([layer.weight.detach()[0], layer.bias.detach()]), params, rtol=1e-5, atol=1e-8)
    torch.testing.assert_close(costs, scratch_costs, rtol=1e-5, atol=1e-8)


def test_simplified_point_gradient_agrees_with_autograd(reference_namespace):
    generator = torch.Generator().manual_seed(0)
    for _ in range(200):
        w = torch.randn(2, dtype=torch.float64, generator=generator)
        x = torch.randn(2, dtype=torch.float64, generator=generator) * 5
        b, yt = float(torch.randn((), generator=generator)) * 10, float(torch.randint(0, 2, (), generator=generator))
        params = torch.cat([w, torch.tensor([b], dtype=torch.float64)]).requires_grad_(True)
        z = x @ params[:2] + params[2]
        (torch.nn.functional.softplus(z) - yt * z).backward()
        torch.testing.assert_close(reference_namespace["neuron_point_grad"](w, b, x, yt), params.grad)


def test_log_likelihood_is_minus_n_times_the_cost(reference_namespace):
    generator = torch.Generator().manual_seed(1)
    y = torch.rand(1000, dtype=torch.float64, generator=generator) * 0.98 + 0.01
    yt = torch.randint(0, 2, (1000,), generator=generator).to(torch.float64)
    cost = torch.nn.functional.binary_cross_entropy(y, yt)
    torch.testing.assert_close(reference_namespace["log_likelihood"](y, yt), -1000 * cost)


@pytest.mark.parametrize(("k", "accuracy"), [(2, 0.96), (5, 1.0), (10, 1.0)])
def test_k_dimensional_blobs(reference_namespace, k, accuracy):
    points, labels = reference_namespace["make_blobs"](n_samples=200, n_features=k, centers=2, random_state=0)
    X, Y = torch.tensor(points), torch.tensor(labels, dtype=torch.float64)
    w, b, costs = reference_namespace["train_neuron_vectorized"](X, Y, torch.zeros(k, dtype=torch.float64), 0.0,
                                                                 0.1, 1000)
    assert isinstance(b, float) and costs.shape == (1000,) and math.isfinite(costs[-1].item())
    assert ((X @ w + b > 0).double() == Y).double().mean().item() == accuracy
