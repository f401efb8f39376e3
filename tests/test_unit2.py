"""Unit 2, sections 2.1-2.7, u2.8.q1, q2, q4 and 2.9, end to end: for every exercise the reference scores full marks,
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
from conftest import ROOT, check_result, checks_module, exercise, needs_fashion_mnist
from unitcontract import contract

# the fixtures and the contract tests (full marks, zero, mistakes) that every unit shares
# the exercises whose checks read Fashion-MNIST
DATA_EXERCISES = frozenset({"u2.5.q1", "u2.6.q5", "u2.7.q1", "u2.7.q2", "u2.7.q3", "u2.8.q3"})
globals().update(contract("unit2", mistake_limits={"exercise_seconds": 12}, needs_data=DATA_EXERCISES))


@pytest.fixture(scope="module")
def reference_namespace(hidden_unit2):
    """The reference notebook's functions and data, run in this process (as the judge does)."""
    names = ["X", "Y", "calc_dC", "neuron_point_grad", "log_likelihood", "train_neuron_scratch", "calc_dC_analytic",
             "train_neuron_vectorized", "train_neuron_torch", "GOOD_INIT", "make_blobs", "FashionMNISTDataset",
             "softmax_regression_grad", "dZ_db", "dZ_dW", "make_softmax_regression", "load_fmnist_flat",
             "full_dataset_cost", "load_minibatch", "gd_step", "likelihood_grad", "stable_log_softmax", "DATA_ROOT",
             "CLASSES", "ans_u2_8_q4", "flat_input_jacobian", "non_monotone_state_dict", "collapse_affine"]
    return Reference(hidden_unit2.notebook, {"facts": names}).prober().namespace


@needs_fashion_mnist
def test_totals_and_manual_points(reference_results, stub_results):
    full = reference_results["hidden"]
    assert full.score == full.max_score == 235
    # the ReLU plot (u2.1.q3), the interpretation (u2.3.q1), the pictures (u2.5.q1), the choice
    # of a batch size (u2.8.q4) and the decision boundaries (u2.9.q4), for the TA
    assert full.manual_points == 25
    assert exercise(full, "u2.1.q3").manual and exercise(full, "u2.3.q1").manual and exercise(full, "u2.5.q1").manual
    assert exercise(full, "u2.8.q4").manual
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

    spec = next(s for s in load_exercises(ROOT / "solutions" / "unit2") if s.id == "u2.3.q1")
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


# --- sections 2.5-2.8: feedback --------------------------------------------------------------

@needs_fashion_mnist
def test_feedback_on_a_layer_replaced_instead_of_updated(mistake_results):
    graded = mistake_results[("u2.7.q2", "new parameter tensors")]
    message = check_result(graded, "u2.7.q2", "updates the layer in place").message
    assert message.startswith("gd_step: for the tensor that was z.weight before the call, after one step on 16 "
                              "training pictures, lr 0.5, ")
    assert "values differ" in message and "tensor(" not in message
    assert check_result(graded, "u2.7.q2", "one step").passed


@needs_fashion_mnist
def test_feedback_on_a_dataset_names_the_item_and_not_the_folder_contents(mistake_results):
    graded = mistake_results[("u2.5.q1", "forgets the target transform")]
    message = check_result(graded, "u2.5.q1", "transforms").message
    assert message.startswith("FashionMNISTDataset: for dataset[")
    assert "with a transform and a target transform" in message and "at [1]" in message
    assert "write_png" not in message and "randint" not in message  # how the folder is built stays hidden


def test_feedback_on_an_unstable_log_softmax(mistake_results):
    message = check_result(mistake_results[("u2.8.q1", "the log of the softmax")], "u2.8.q1",
                           "scores up to 1000").message
    assert message.startswith("stable_log_softmax: for float32 scores in [-1000, 1000] of shape (16, 10), dim=1, ")
    assert "got -inf" in message


@needs_fashion_mnist
def test_data_checks_read_pictures_in_the_worker_not_in_the_plan(hidden_unit2):
    """The picture folders of u2.5.q1 are written at check time by a fixture helper called with
    a seed; the plan holds no picture, and two seeds give different folders."""
    def first_argument(seed):
        check = next(c for c in hidden_unit2.prepare("u2.5.q1", seed=seed) if c.plan.name == "length and items")
        return check.plan.cases[0].steps[0].args[0], check.tensors

    (arg, tensors), (other, _) = first_argument(1), first_argument(2)
    assert arg.t == "helper" and arg.call and not tensors
    assert arg.args != other.args and (arg.module, arg.name) == ("picture_folders", "labels_file")


# --- sections 2.5-2.8: the known answers, for the reference ------------------------------------

@pytest.fixture(scope="module")
def training_set(reference_namespace):
    return reference_namespace["load_fmnist_flat"]()


@needs_fashion_mnist
def test_fashion_mnist_as_the_text_describes_it(reference_namespace, training_set):
    import torchvision

    ns = reference_namespace
    X, labels = training_set
    assert X.shape == (60000, 784) and X.dtype == torch.float32 and labels.dtype == torch.int64
    assert X.min().item() == 0 and X.max().item() == 1
    assert labels.bincount().tolist() == [6000] * 10
    assert labels[:4].tolist() == [9, 0, 0, 3] and ns["CLASSES"][9] == "Ankle boot"
    train = torchvision.datasets.FashionMNIST(ns["DATA_ROOT"], train=True, download=False)
    image, label = train[0]
    assert len(train) == 60000 and image.size == (28, 28) and image.mode == "L" and label == 9
    torch.testing.assert_close(X[:100] * 255, train.data[:100].reshape(100, 784).float(), rtol=0, atol=1e-4)


@needs_fashion_mnist
def test_untrained_cost_is_close_to_ln_10(reference_namespace, training_set):
    ns = reference_namespace
    model = ns["make_softmax_regression"]()
    assert sum(p.numel() for p in model.parameters()) == 7850
    assert abs(ns["full_dataset_cost"](model, *training_set) - math.log(10)) < 0.3


@needs_fashion_mnist
def test_gradient_formula_agrees_with_autograd_and_sgd_step(reference_namespace, training_set):
    ns = reference_namespace
    X, labels = training_set
    layer = torch.nn.Linear(784, 10)
    W, b = layer.weight.detach().clone(), layer.bias.detach().clone()
    dW, db = ns["softmax_regression_grad"](W, b, X[:256], labels[:256])
    ns["gd_step"](layer, X[:256].reshape(256, 1, 28, 28), labels[:256], 0.1)
    torch.testing.assert_close(layer.weight.detach(), W - 0.1 * dW)
    torch.testing.assert_close(layer.bias.detach(), b - 0.1 * db)
    torch.testing.assert_close(ns["dZ_db"](4), torch.eye(4))


@needs_fashion_mnist
def test_likelihood_gradient_underflows_for_a_whole_split(reference_namespace):
    ns = reference_namespace
    X, labels = ns["load_fmnist_flat"](train=False)
    W, b = torch.zeros(10, 784, dtype=torch.float64), torch.zeros(10, dtype=torch.float64)
    assert torch.count_nonzero(ns["likelihood_grad"](W, b, X, labels)) == 0  # L = 10^-10000
    small = ns["likelihood_grad"](W, b, X[:3], labels[:3])
    assert small.abs().max() > 0


def test_stable_log_softmax_at_a_thousand(reference_namespace):
    z = (torch.rand(64, 10, generator=torch.Generator().manual_seed(0)) * 2 - 1) * 1000
    ours = reference_namespace["stable_log_softmax"](z, dim=1)
    assert torch.isfinite(ours).all()
    assert (ours - torch.log_softmax(z, dim=1)).abs().max() < 1e-3  # about 1e-4 in float32, not 1e-6


@needs_fashion_mnist
def test_minibatch_of_fashion_mnist(reference_namespace):
    import torchvision

    ns = reference_namespace
    test = torchvision.datasets.FashionMNIST(ns["DATA_ROOT"], train=False, download=False)  # PIL pictures
    images, labels = ns["load_minibatch"](test, seed=3)
    assert images.shape == (16, 1, 28, 28) and images.dtype == torch.float32 and labels.shape == (16,)
    assert 0 <= images.min() and images.max() <= 1 and labels.dtype == torch.int64
    again, _ = ns["load_minibatch"](test, seed=3)
    other, _ = ns["load_minibatch"](test, seed=4)
    assert torch.equal(images, again) and not torch.equal(images, other)


@needs_fashion_mnist
def test_dataset_reads_a_folder_with_or_without_header(reference_namespace, tmp_path):
    import torchvision

    ns = reference_namespace
    pictures = torch.randint(0, 256, (5, 1, 28, 28), dtype=torch.uint8, generator=torch.Generator().manual_seed(1))
    for i in range(5):
        torchvision.io.write_png(pictures[i], str(tmp_path / f"{i}.png"))
    for header in ("filename,label\n", ""):
        (tmp_path / "labels.csv").write_text(header + "".join(f"{i}.png,{i + 3}\n" for i in (4, 0, 2)))
        ds = ns["FashionMNISTDataset"](str(tmp_path / "labels.csv"), str(tmp_path))
        assert len(ds) == 3
        image, label = ds[0]
        assert torch.equal(image, pictures[4]) and label == 7 and type(label) is int
        with pytest.raises(IndexError):
            ds[3]
    (tmp_path / "labels.csv").write_text("9.png,1\n")
    with pytest.raises(FileNotFoundError, match="9.png"):
        ns["FashionMNISTDataset"](str(tmp_path / "labels.csv"), str(tmp_path))[0]


# --- u2.9.q4: accuracy with labels the judge keeps ----------------------------------------------

def test_a_model_without_relu_earns_little_and_is_told_the_bars(mistake_results):
    graded = mistake_results[("u2.9.q4", "a deeper model without ReLU")]
    check = check_result(graded, "u2.9.q4", "deeper model on held-out moons")
    assert not check.passed and check.points < 0.25 * check.max_points
    assert check.message.startswith("train_moons_mlp: for 200 fresh training points, scored on 1,000 held-out "
                                    "points (noise 0.1), the model classifies ")
    assert "full marks from 97%, none at 88% or less" in check.message


def test_a_poor_line_earns_part_of_the_points(module_grade, solution_unit2, hidden_unit2):
    from autograder.authoring.validate import append_after_exercises

    # a vertical line at x0 = 0 classifies about 72 % of the moons: between the bars
    code = ("def train_moons_neuron(X, Y):\n"
            "    model = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())\n"
            "    with torch.no_grad():\n"
            "        model[0].weight[:] = torch.tensor([[20.0, 0.0]])\n        model[0].bias.zero_()\n"
            "    return model\n")
    graded = module_grade(append_after_exercises(solution_unit2, {"u2.9.q4": code}), hidden_unit2, only=["u2.9.q4"])
    check = check_result(graded, "u2.9.q4", "neuron on held-out moons")
    accuracy = float(check.message.split("classifies ")[1].split("%")[0]) / 100
    assert 0.65 < accuracy < 0.80 and not check.passed
    assert check.points == pytest.approx(check.max_points * (accuracy - 0.65) / (0.80 - 0.65), abs=0.01)
    assert exercise(graded, "u2.9.q4").points == pytest.approx(10 - check.max_points + check.points, abs=0.01)


def test_moons_models_trained_another_way_keep_full_marks(module_grade, solution_unit2, hidden_unit2):
    """Correct but different: a neuron trained by plain SGD from a random start, and a wider,
    shallower net with another optimiser and budget."""
    from autograder.authoring.validate import append_after_exercises

    code = ("def train_moons_neuron(X, Y):\n"
            "    model = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())\n"
            "    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)\n"
            "    for _ in range(2000):\n        optimizer.zero_grad()\n"
            "        nn.functional.binary_cross_entropy(model(X).squeeze(1), Y).backward()\n"
            "        optimizer.step()\n    return model\n\n\n"
            "def train_moons_mlp(X, Y):\n"
            "    model = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 1), nn.Sigmoid())\n"
            "    optimizer = torch.optim.RMSprop(model.parameters(), lr=0.01)\n"
            "    for _ in range(800):\n        optimizer.zero_grad()\n"
            "        nn.functional.binary_cross_entropy(model(X), Y[:, None]).backward()\n"
            "        optimizer.step()\n    return model\n")
    graded = module_grade(append_after_exercises(solution_unit2, {"u2.9.q4": code}), hidden_unit2, only=["u2.9.q4"])
    result = exercise(graded, "u2.9.q4")
    assert result.points == result.max_points, [c.message for c in result.checks if not c.passed]


def test_held_out_labels_are_not_in_what_the_worker_receives(hidden_unit2):
    from autograder.judge.session import _payload
    from autograder.protocol import codec

    check = next(c for c in hidden_unit2.prepare("u2.9.q4", seed=5) if c.plan.name == "neuron on held-out moons")
    case = check.plan.cases[0]
    sent = codec.load_payload(_payload(case.steps, check.tensors), 2**31)
    assert case.held in check.tensors and case.held not in sent
    assert len(check.tensors[case.held]) == 1000 and all(len(t) != 1000 for t in sent.values() if t.dim() == 1)


# --- u2.8.q4 and u2.9.q1-q3: the known answers, for the reference --------------------------------

def batch_size_module():
    """u2.8.q4's exercise file as a module (for the names beside its EXERCISE)."""
    return checks_module("unit2").u2_8_q4


def test_reference_batch_size_accuracies_lie_in_the_bands(reference_namespace):
    module = batch_size_module()
    answer = reference_namespace["ans_u2_8_q4"]
    assert sorted(answer) == module.BATCH_SIZES
    for size, (low, high) in zip(module.BATCH_SIZES, module.ACCURACY_BANDS):
        assert isinstance(answer[size], float) and low <= answer[size] <= high, size
    assert module.EXERCISE.id == "u2.8.q4"


# the lowest and highest one-epoch accuracies of the course's own runs, seeds 0..29
OBSERVED_EXTREMES = {1: (0.6857, 0.8195), 4: (0.6744, 0.8271), 16: (0.6737, 0.8322), 512: (0.7174, 0.7724)}


def test_every_accuracy_the_course_itself_reached_is_accepted():
    from autograder.checks.rerun import within_bands

    module = batch_size_module()
    what = "the test accuracy after one epoch with batch size"
    for pick in (0, 1):
        answer = {size: OBSERVED_EXTREMES[size][pick] for size in module.BATCH_SIZES}
        lookups = [answer[size] for size in module.BATCH_SIZES]
        assert within_bands(answer, lookups, module.BATCH_SIZES, module.ACCURACY_BANDS, what) is None, answer


def softmax_input_jacobian(W, b, x):
    return torch.autograd.functional.jacobian(lambda v: torch.softmax(W @ v + b, dim=0), x)


def test_flat_jacobian_equals_autograd(reference_namespace):
    jacobian = reference_namespace["flat_input_jacobian"]
    generator = torch.Generator().manual_seed(4)
    for shift in (0.0, 700.0):  # all scores near 700: exp overflows, the softmax does not
        W = torch.randn(10, 784, dtype=torch.float64, generator=generator) * 0.2
        b = torch.randn(10, dtype=torch.float64, generator=generator) + shift
        x = torch.rand(784, dtype=torch.float64, generator=generator)
        ours = jacobian(W, b, x)
        assert ours.shape == (10, 784) and ours.dtype == torch.float64
        torch.testing.assert_close(ours, softmax_input_jacobian(W, b, x))


def test_three_classes_make_y0_rise_then_fall(reference_namespace):
    """The erratum of u2.9.q1: with weights 0, 1, -1 on one input, y0 = 1 / (1 + e^x + e^-x)
    peaks at x = 0, while the log-ratios z_k - z_j are affine in x."""
    W, b = torch.tensor([[0.0], [1.0], [-1.0]], dtype=torch.float64), torch.zeros(3, dtype=torch.float64)
    xs = torch.linspace(-3, 3, 61, dtype=torch.float64)
    y0 = torch.stack([torch.softmax(W @ x[None] + b, dim=0)[0] for x in xs])
    assert y0.argmax() == 30 and (y0.diff()[:30] > 0).all() and (y0.diff()[30:] < 0).all()
    slopes = torch.stack([reference_namespace["flat_input_jacobian"](W, b, x[None])[0, 0] for x in xs])
    assert (slopes[:30] > 0).all() and (slopes[31:] < 0).all()


def test_non_monotone_state_dict_bends_y0(reference_namespace):
    net = torch.nn.Sequential(torch.nn.Linear(784, 20), torch.nn.ReLU(), torch.nn.Linear(20, 10),
                              torch.nn.LogSoftmax(dim=1))
    net.load_state_dict(reference_namespace["non_monotone_state_dict"]())  # strict: exactly these keys and shapes
    x = torch.zeros(201, 784)
    x[:, 0] = torch.linspace(-1, 1, 201)
    with torch.no_grad():
        y0 = net(x)[:, 0].exp()
    steps = y0.diff()
    assert steps.min() < -1e-4 and steps.max() > 1e-4
    assert y0.argmin() == 100  # the kink at x0 = 0: y0 = e^|x0| / (e^|x0| + 9)
    torch.testing.assert_close(y0[100], torch.tensor(0.1))


def test_one_linear_layer_equals_two(reference_namespace):
    generator = torch.Generator().manual_seed(5)
    two = torch.nn.Sequential(torch.nn.Linear(784, 20), torch.nn.Linear(20, 10)).double()
    with torch.no_grad():
        for p in two.parameters():
            p.copy_(torch.randn(p.shape, dtype=torch.float64, generator=generator))
    A, c = reference_namespace["collapse_affine"](two[0].weight.detach(), two[0].bias.detach(),
                                                  two[1].weight.detach(), two[1].bias.detach())
    one = torch.nn.Linear(784, 10).double()
    with torch.no_grad():
        one.weight.copy_(A)
        one.bias.copy_(c)
        X = torch.randn(64, 784, dtype=torch.float64, generator=generator)
        torch.testing.assert_close(one(X), two(X))
    # a 1 x 1 pair: z2 = w2 (w1 x + b1) + b2
    A, c = reference_namespace["collapse_affine"](*(torch.tensor(v, dtype=torch.float64)
                                                    for v in ([[2.0]], [1.0], [[-3.0]], [0.5])))
    assert A.tolist() == [[-6.0]] and c.tolist() == [-2.5]


def test_feedback_on_a_same_sign_first_layer(mistake_results):
    graded = mistake_results[("u2.9.q2", "first-layer weights of equal signs")]
    message = check_result(graded, "u2.9.q2", "y0 falls and rises along x0").message
    assert message == ("non_monotone_state_dict: for y0 = exp(output[:, 0]) of the deep network loaded with it, at "
                       "201 points x0 in [-1, 1], other pixels 0, expected True at ['falls by more than 1e-4 "
                       "somewhere'], got False")
    assert check_result(graded, "u2.9.q2", "keys and shapes").passed


def test_feedback_on_batch_size_accuracies_names_the_size_and_the_range(mistake_results):
    graded = mistake_results[("u2.8.q4", "percentages instead of fractions")]
    message = check_result(graded, "u2.8.q4", "plausible test accuracies").message
    assert message == ("ans_u2_8_q4: the test accuracy after one epoch with batch size 1 is 76.1, outside the range "
                       "the course's own runs reach (0.66 to 0.82)")


# --- correct variants the catalogue allows keep their points ----------------------------------
# A check may insist only on what the catalogue fixes: where it leaves a dtype or a mechanism
# open, a correct answer that chooses otherwise earns full marks. Each variant below lost points
# to a check stricter than the catalogue before that check was corrected.

VARIANTS = {
    # the identity in float64
    "u2.6.q3": ("def dZ_db(n_classes):\n"
                "    return torch.eye(n_classes, dtype=torch.float64)\n"),
    # cost histories in the default float32: preallocated with torch.zeros, or a list of floats
    "u2.3.q1": ("def train_neuron_scratch(X, Y, w0, w1, b, alpha, iters):\n"
                "    params = torch.tensor([w0, w1, b], dtype=torch.float64)\n"
                "    inputs = torch.cat([X, torch.ones(len(X), 1, dtype=torch.float64)], dim=1)\n"
                "    costs = torch.zeros(iters)\n"
                "    for i in range(iters):\n"
                "        z = inputs @ params\n"
                "        costs[i] = (F.softplus(z) - Y * z).mean()\n"
                "        params = params - alpha * ((torch.sigmoid(z) - Y)[:, None] * inputs).mean(dim=0)\n"
                "    return params, costs\n"),
    "u2.3.q5": ("def train_neuron_vectorized(X, Y, w, b, alpha, iters):\n"
                "    if w.shape != (X.shape[1],):\n"
                "        raise ValueError('w does not match X')\n"
                "    costs = []\n"
                "    for _ in range(iters):\n"
                "        z = X @ w + b\n"
                "        costs.append((F.softplus(z) - Y * z).mean().item())\n"
                "        error = torch.sigmoid(z) - Y\n"
                "        w, b = w - alpha * X.T @ error / len(Y), b - alpha * error.mean().item()\n"
                "    return w, b, torch.tensor(costs)\n"),
    "u2.4.q1": ("def train_neuron_torch(X, Y, init=(1.0, -1.0, 5.5), alpha=0.1, iters=1000):\n"
                "    layer = nn.Linear(2, 1, dtype=torch.float64)\n"
                "    with torch.no_grad():\n"
                "        layer.weight.copy_(torch.tensor([[init[0], init[1]]]))\n"
                "        layer.bias.fill_(init[2])\n"
                "    costs = torch.zeros(iters)\n"
                "    for i in range(iters):\n"
                "        layer.zero_grad()\n"
                "        z = layer(X).squeeze(1)\n"
                "        cost = (F.softplus(z) - Y * z).mean()\n"
                "        cost.backward()\n"
                "        with torch.no_grad():\n"
                "            layer.weight -= alpha * layer.weight.grad\n"
                "            layer.bias -= alpha * layer.bias.grad\n"
                "        costs[i] = cost.detach()\n"
                "    return layer, costs\n"),
    # the moons as make_moons gives them: float64 points and int64 labels
    "u2.9.q4": ("def make_moons_data(n=200, noise=0.1, seed=0):\n"
                "    X, Y = make_moons(n_samples=n, noise=noise, random_state=seed)\n"
                "    return torch.from_numpy(X), torch.from_numpy(Y)\n"),
    # the gradients taken with torch.autograd.grad: .grad stays as it was, the parameters are right
    "u2.7.q2": ("def gd_step(z, images, labels, lr):\n"
                "    cost = F.cross_entropy(z(images.flatten(start_dim=1)), labels)\n"
                "    grad_w, grad_b = torch.autograd.grad(cost, [z.weight, z.bias])\n"
                "    with torch.no_grad():\n"
                "        z.weight -= lr * grad_w\n"
                "        z.bias -= lr * grad_b\n"
                "    return cost.item()\n"),
    # the course text's way: the data set item by item, each picture through PILToTensor (ten
    # times slower than reading the tensors directly, so its time limit scales with the reference's)
    "u2.6.q5": ("def load_fmnist_flat(train=True):\n"
                "    data = torchvision.datasets.FashionMNIST(DATA_ROOT, train=train, download=False,\n"
                "                                             transform=v2.PILToTensor())\n"
                "    images = torch.stack([data[i][0] for i in range(len(data))])\n"
                "    labels = torch.tensor([data[i][1] for i in range(len(data))])\n"
                "    return images.reshape(len(data), -1).to(torch.float32) / 255, labels\n"),
    # the training accuracy measured by a second pass over the training pictures, in eval mode
    "u2.8.q3": ("def train_classifier(model, train_loader, test_loader, epochs, lr=0.1):\n"
                "    optimizer = torch.optim.SGD(model.parameters(), lr=lr)\n"
                "    history = {'train_loss': [], 'train_acc': [], 'test_loss': [], 'test_acc': []}\n"
                "\n"
                "    def evaluate(loader):\n"
                "        model.eval()\n"
                "        total, right, seen = 0.0, 0, 0\n"
                "        with torch.no_grad():\n"
                "            for images, labels in loader:\n"
                "                out = model(images)\n"
                "                total += F.nll_loss(out, labels, reduction='sum').item()\n"
                "                right += (out.argmax(dim=1) == labels).sum().item()\n"
                "                seen += len(labels)\n"
                "        return total / seen, right / seen\n"
                "\n"
                "    for _ in range(epochs):\n"
                "        model.train()\n"
                "        for images, labels in train_loader:\n"
                "            optimizer.zero_grad()\n"
                "            F.nll_loss(model(images), labels).backward()\n"
                "            optimizer.step()\n"
                "        for name, loader in (('train', train_loader), ('test', test_loader)):\n"
                "            loss, accuracy = evaluate(loader)\n"
                "            history[f'{name}_loss'].append(loss)\n"
                "            history[f'{name}_acc'].append(accuracy)\n"
                "    return history\n"),
}


@pytest.fixture(scope="module")
def variant_results(module_grade, solution_unit2, hidden_unit2):
    from autograder.authoring.validate import append_after_exercises

    return module_grade(append_after_exercises(solution_unit2, VARIANTS), hidden_unit2, only=list(VARIANTS))


def assert_full_marks(graded, exercise_id: str, check: str) -> None:
    result = check_result(graded, exercise_id, check)
    assert result.passed and result.points == result.max_points, result.message


@needs_fashion_mnist
def test_gradients_taken_with_autograd_grad_pass_two_steps_in_a_row(variant_results):
    """u2.7.q2: the catalogue checks the parameters after two steps, not where the gradients
    were kept."""
    for check in ("one step", "updates the layer in place", "two steps in a row"):
        assert_full_marks(variant_results, "u2.7.q2", check)


@needs_fashion_mnist
def test_the_course_texts_item_by_item_loading_keeps_its_points(variant_results):
    """u2.6.q5: loading 60,000 pictures through the Dataset interface with PILToTensor, as the
    course text does, is ten times slower than the reference's direct read; its limit scales
    with the reference's time, so it is not cut off on a busy machine."""
    for check in ("test set as flat float pictures", "training set as flat float pictures"):
        assert_full_marks(variant_results, "u2.6.q5", check)


@needs_fashion_mnist
def test_a_loop_measuring_training_accuracy_in_a_second_eval_pass_keeps_its_points(variant_results):
    """u2.8.q3: the catalogue does not say how the training accuracy is measured; a second pass
    over the training pictures in eval mode is not counted against the loop."""
    for check in ("first steps", "evaluation after each epoch", "the history"):
        assert_full_marks(variant_results, "u2.8.q3", check)


def test_moons_with_int64_labels_and_float64_points_pass(variant_results):
    """u2.9.q4: the catalogue fixes no dtype for make_moons_data's points or labels."""
    assert_full_marks(variant_results, "u2.9.q4", "the moons")


@pytest.mark.parametrize(("exercise_id", "checks"), [
    ("u2.3.q1", ["parameters and costs", "parameters with alpha = 1"]),
    ("u2.3.q5", ["against the reference"]),
    ("u2.4.q1", ["parameters and costs", "gradients after a few steps"]),
])
def test_a_cost_history_stored_in_float32_passes(variant_results, exercise_id, checks):
    """u2.3.q1, u2.3.q5, u2.4.q1: the catalogue fixes the cost history's values (to a tolerance),
    not its dtype; a history preallocated with torch.zeros or built from a list is float32."""
    for check in checks:
        assert_full_marks(variant_results, exercise_id, check)


def test_an_identity_in_float64_passes_dz_db(variant_results):
    """u2.6.q3: dZ_db builds its Jacobian from n_classes alone; the catalogue compares it with
    autograd's Jacobian, in no particular floating dtype."""
    assert_full_marks(variant_results, "u2.6.q3", "dZ/db")
