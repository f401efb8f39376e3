"""Unit 4 (sections 4.1-4.5), end to end: for every exercise the reference scores full marks,
the stub scores zero with a kind message, and every catalogued mistake loses the points of the
check that names it, with the message it should give. Also: the catalogue's known answers hold
(parameter counts, the shrinkage formulas, the gradient factor of the sum of squares), the
stand-in GPU raises where a GPU would, u4.4.q2's timings are held for the TA on a machine
without a GPU and judged where there is one, a correct dropout layer passes the statistical
checks far more often than 9,999 times in 10,000, and answers that are right in another way
(another generator, another architecture, a vectorised form, another optimiser path the text
allows) keep full marks."""

from __future__ import annotations

import importlib
import math

import pytest
import torch

from autograder.checks import Verdict
from autograder.exercises import spec as S
from autograder.exercises.loader import load_unit
from autograder.judge.reference import Reference
from autograder.probes.helpers import HelperModules
from autograder.report.models import CheckResult, ExerciseResult
from conftest import ROOT, check_result, exercise, needs_fashion_mnist
import test_rules
from unitcontract import contract

F64 = torch.float64
FASHION = frozenset({"u4.2.q1", "u4.2.q2", "u4.2.q3", "u4.3.q2", "u4.4.q1", "u4.5.q2"})

# the fixtures and the contract tests (full marks, zero, mistakes) that every unit shares
globals().update(contract("unit4", mistake_limits={"exercise_seconds": 120}, needs_data=FASHION))

# unit 4's own code, loaded as the judge loads it: its properties and experiments register into
# UNIT4.registry, and the helpers its checks name are found in its fixture modules
UNIT4 = load_unit(ROOT / "solutions" / "unit4", "unit4")
SPECS = {e.id: e for e in UNIT4.exercises}
dropout_judging = importlib.import_module(f"{UNIT4.package}.public.dropout_judging")


def fixture(module: str, name: str):
    """A helper of unit 4's fixture modules (public/fixtures/<module>.py), as the worker finds it."""
    return HelperModules(UNIT4.fixture_package)(module, name)


def verdict(check, reference: dict | None, student: dict, seed: int = 1) -> Verdict:
    """test_rules.verdict with unit 4's registry and fixture modules."""
    return test_rules.verdict(check, reference, student, seed, unit=UNIT4)


def grade(check: S.CheckSpec, reference: dict | None, student: dict, seed: int = 1) -> str | None:
    outcome = verdict(check, reference, student, seed)
    return None if outcome.passed else outcome.message


ARTIFACTS = ["ans_u4_1_q1a", "ans_u4_1_q1b", "ans_u4_1_q2", "ans_u4_2_q1e", "ans_u4_2_q3b", "ans_u4_3_q1", "ans_u4_3_q3",
             "ans_u4_5_q1", "sse_grad_ratio", "make_xyz_data", "fit_xyz", "split_val_test", "best_epoch",
             "build_overfitting_mlp", "subsample", "filter_classes", "l2_penalty", "l1_penalty", "train_with_l1",
             "get_device", "train_classifier", "linear_backward", "InvertedDropout", "build_dropout_mlp"]


@pytest.fixture(scope="module")
def ref(hidden_unit4):
    """The reference notebook's functions and constants, run in this process (as the judge does)."""
    return Reference(hidden_unit4.notebook, {"facts": ARTIFACTS}).prober().namespace


@pytest.fixture
def one_thread():
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


def with_variant(ref: dict, code: str) -> dict:
    student = dict(ref)
    exec(code, student)  # noqa: S102 - our own test code
    return student


def passes(exercise_id: str, names: list[str], ref: dict, student: dict) -> None:
    for name in names:
        assert grade(SPECS[exercise_id].check(name), ref, student) is None, name


# --- totals, and u4.4.q2's points held for the TA -------------------------------------------

@needs_fashion_mnist
def test_totals_and_manual_points(reference_results, stub_results):
    full = reference_results["hidden"]
    gpu = full.environment.device != "cpu" and "cuda" in full.environment.device.lower()
    # u4.4.q2's plausibility (2.5 points) is held for the TA where the worker has no GPU
    assert full.score == full.max_score == (115 if gpu else 112.5)
    assert full.manual_points == (15 if gpu else 17.5)
    assert all(exercise(full, i).manual for i in ("u4.2.q2", "u4.4.q2", "u4.5.q2"))
    assert stub_results["public"].score == 0


def test_timings_are_held_for_the_ta_without_a_gpu(reference_results):
    graded = exercise(reference_results["hidden"], "u4.4.q2")
    plausible = check_result(reference_results["hidden"], "u4.4.q2", "plausible timings (where the grader has a GPU)")
    if not torch.cuda.is_available():
        assert plausible.held_for_ta and plausible.status == "not_graded"
        assert plausible.points == plausible.max_points == 0
        assert "not graded here" in plausible.message and "2.5 points held for your TA" in plausible.message
        assert graded.status == "passed" and graded.points == graded.max_points == 2.5
        assert graded.manual_points == 7.5 and "held for your TA" in graded.summary


def test_holding_moves_the_points_to_the_manual_ones():
    """The engine's rule (judge/grader.py): a held check earns nothing and loses nothing."""
    from autograder.judge.grader import _hold_for_the_ta, _summarise

    result = ExerciseResult(id="u4.4.q2", points=2.5, max_points=5, manual_points=5, checks=[
        CheckResult(name="form", kind="rerun", weight=1, points=2.5, max_points=2.5, passed=True),
        CheckResult(name="plausible", kind="property", weight=1, points=0, max_points=2.5, passed=False,
                    status="not_graded", message="not graded here", held_for_ta=True)])
    _hold_for_the_ta(result)
    _summarise(result)
    assert (result.points, result.max_points, result.manual_points) == (2.5, 2.5, 7.5)
    assert result.status == "passed" and result.summary.endswith("(2.5 points held for your TA)")


PLAUSIBLE = {"small": {"cpu": 1.1, "gpu": 1.4}, "large": {"cpu": 60.2, "gpu": 3.1}}


@pytest.mark.parametrize(("answer", "problem"), [
    (PLAUSIBLE, None),
    ({"small": {"cpu": 1.1, "gpu": 1.4}, "large": {"cpu": 61.0, "gpu": 60.2}}, "only 1.01 times faster"),
    ({"small": {"cpu": 2.0, "gpu": 0.3}, "large": {"cpu": 60.2, "gpu": 3.1}}, "is it really small"),
    ({"small": {"cpu": 1.1, "gpu": None}, "large": {"cpu": 60.2, "gpu": None}}, "no GPU time"),
])
def test_timings_are_judged_where_the_worker_has_a_gpu(answer, problem):
    check = SPECS["u4.4.q2"].check("plausible timings (where the grader has a GPU)")
    student = {"ans_u4_4_q2": answer}
    from unittest import mock

    with mock.patch.object(torch.cuda, "is_available", lambda: True):
        message = grade(check, None, student)
    assert (message is None) if problem is None else (problem in message), message
    held = verdict(check, None, student)  # this machine's own answer
    if not torch.cuda.is_available():
        assert held.held and held.status == "not_graded"


# --- u4.1: regression ----------------------------------------------------------------------------

def test_parameter_counts_of_the_units_networks(ref):
    nn = torch.nn
    count = lambda m: sum(p.numel() for p in m.parameters())  # noqa: E731
    assert count(nn.Sequential(nn.Linear(1, 2), nn.ReLU(), nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1))) == 13
    assert ref["ans_u4_1_q1a"] == 13
    big = nn.Sequential(nn.Linear(1, 100), nn.ReLU(), nn.Linear(100, 100), nn.ReLU(), nn.Linear(100, 100), nn.ReLU(),
                        nn.Linear(100, 1))
    assert count(big) == 20_501
    dropout_net = nn.Sequential(nn.Flatten(), nn.Linear(784, 100), nn.ReLU(), nn.Linear(100, 10), nn.ReLU(),
                                nn.Linear(10, 10), nn.LogSoftmax(dim=1))
    assert count(dropout_net) == 79_620


@pytest.mark.parametrize("n", [1, 7, 100])
def test_the_sum_of_squares_has_n_times_the_gradient(ref, n):
    out = torch.randn(n, dtype=F64, generator=torch.Generator().manual_seed(n), requires_grad=True)
    y = torch.zeros(n, dtype=F64)
    (g_sum,) = torch.autograd.grad(((out - y) ** 2).sum(), out)
    (g_mean,) = torch.autograd.grad(((out - y) ** 2).mean(), out)
    torch.testing.assert_close(g_sum / g_mean, torch.full((n,), float(n), dtype=F64))
    assert ref["sse_grad_ratio"](n) == n


def test_the_catalogues_r2_facts_on_the_judges_points():
    """The surface x + y + xy (plus its best constant) without the sine reaches about 0.984, and
    least squares on (1, x, y) about 0.92: the bars (0.984 and 0.99) sit where the catalogue's
    verified note says."""
    regression = importlib.import_module(f"{UNIT4.package}.public.regression")
    g = torch.Generator().manual_seed(0)
    xy = torch.stack([torch.rand(1000, generator=g, dtype=F64) * 4 - 2, torch.rand(1000, generator=g, dtype=F64) * 2.5 + 0.5], 1)
    z = regression.surface(xy)
    plane = xy[:, 0] + xy[:, 1] + xy[:, 0] * xy[:, 1]
    assert 0.975 < regression.r2_score(plane + (z - plane).mean(), z) < 0.99
    A = torch.cat([torch.ones(1000, 1, dtype=F64), xy], 1)
    linear = A @ torch.linalg.lstsq(A, z.unsqueeze(1)).solution
    assert 0.9 < regression.r2_score(linear.reshape(-1), z) < 0.94


XYZ_WITH_NUMPY = """\
import numpy as np


def make_xyz_data(n, noise, seed):
    if n < 1 or noise < 0:
        raise ValueError("n >= 1 and noise >= 0")
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(-2, 2, n), rng.uniform(0.5, 3, n)
    z = x + y + x * y + np.sin(x ** 2 / y) + rng.normal(0, noise, n)
    return torch.tensor(np.stack([x, y], 1), dtype=torch.float32), torch.tensor(z, dtype=torch.float32)


def fit_xyz(XY, Z):
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(2, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 1))
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    for _ in range(40):
        for rows in torch.randperm(len(XY)).split(200):
            optimizer.zero_grad()
            F.mse_loss(model(XY[rows]).squeeze(1), Z[rows]).backward()
            optimizer.step()
    return model
"""


def test_another_generator_and_another_network_keep_full_marks(ref, one_thread):
    passes("u4.1.q3", ["the sample", "the same seed, the same sample", "another seed, another sample", "bad arguments",
                       "fits the surface"], ref, with_variant(ref, XYZ_WITH_NUMPY))


def test_other_forms_of_the_simple_answers_keep_full_marks(ref):
    student = with_variant(ref, "ans_u4_1_q1a = sum(p.numel() for p in nn.Sequential(nn.Linear(1, 2), nn.ReLU(), "
                                "nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1)).parameters())\n"
                                "def sse_grad_ratio(n):\n    return n\n"
                                "ans_u4_3_q3 = chr(ord('A') + 1)\n")
    passes("u4.1.q1", ["parameter count"], ref, student)
    passes("u4.1.q2", ["gradient factor"], ref, student)
    passes("u4.3.q3", ["why two sets"], ref, student)


# --- u4.2: splits and early stopping ---------------------------------------------------------------

SPLITS_ANOTHER_WAY = """\
import numpy as np
from torch.utils.data import random_split


def split_val_test(dataset, val_fraction=0.8, seed=0):
    # 1 - 0.8 is 0.19999999999999996: 8,001 and 1,999 items, accepted as rounding
    return tuple(random_split(dataset, [val_fraction, 1 - val_fraction], generator=torch.Generator().manual_seed(seed)))


def best_epoch(val_losses):
    losses = np.asarray(val_losses, dtype=float)
    if losses.size == 0 or np.isnan(losses).any():
        raise ValueError("no NaN, please")
    return int(np.argmin(losses))


def build_overfitting_mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 10))  # raw scores


def subsample(dataset, fraction, seed=0):
    rng = np.random.default_rng(seed)
    labels = np.asarray(dataset.targets)
    picked = [rng.choice(np.flatnonzero(labels == c), round(fraction * (labels == c).sum()), replace=False)
              for c in np.unique(labels)]
    return Subset(dataset, np.concatenate(picked).tolist())


def filter_classes(dataset, classes):
    return Subset(dataset, [i for i in range(len(dataset)) if int(dataset.targets[i]) in classes])
"""


@needs_fashion_mnist
def test_random_split_argmin_and_item_by_item_filters_keep_full_marks(ref):
    student = with_variant(ref, SPLITS_ANOTHER_WAY)
    passes("u4.2.q1", ["the split", "the seed decides the split", "best epoch", "a NaN in the curve"], ref, student)
    passes("u4.2.q2", ["a stratified sample", "the seed decides the sample"], ref, student)
    passes("u4.2.q3", ["the kept indices"], ref, student)


@needs_fashion_mnist
def test_a_wider_shallower_network_without_logsoftmax_is_early_stopped_to_full_marks(ref, one_thread):
    student = with_variant(ref, SPLITS_ANOTHER_WAY)
    passes("u4.2.q1", ["early-stopped accuracy"], ref, student)


@needs_fashion_mnist
def test_nested_subsets_are_read_to_the_base_data_set():
    data = fixture("picture_sets", "labelled_pictures")(3, 50)
    inner = torch.utils.data.Subset(data, list(range(10, 40)))
    outer = torch.utils.data.Subset(inner, [5, 0, 29])
    assert fixture("picture_sets", "indices_in")(outer, data).tolist() == [15, 10, 39]
    assert fixture("picture_sets", "indices_in")(outer, inner).startswith("a Subset of another data set")


# --- u4.3: penalties ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("H", "w_star", "l2", "l1"), [
    ((1.0, 10.0), (1.0, 1.0), (0.5, 0.90909), (0.0, 0.9)),
    ((2.0, 1.0), (-2.0, 0.05), (-1.33333, 0.025), (-1.5, 0.0)),
])
def test_the_shrinkage_formulas_minimise_the_toy_loss(H, w_star, l2, l1):
    grid = torch.linspace(-3, 3, 600_001, dtype=F64)
    for h, star, want_l2, want_l1 in zip(H, w_star, l2, l1):
        quadratic = 0.5 * h * (grid - star) ** 2
        assert abs(grid[torch.argmin(quadratic + 0.5 * grid ** 2)].item() - want_l2) < 1e-4
        assert abs(grid[torch.argmin(quadratic + grid.abs())].item() - want_l1) < 1e-4
        assert abs(h / (h + 1) * star - want_l2) < 1e-5
        assert abs(math.copysign(max(abs(star) - 1 / h, 0), star) - want_l1) < 1e-5


@pytest.mark.parametrize("include_bias", [False, True])
def test_penalty_gradients_are_2w_and_sgn_w_on_the_chosen_parameters_only(ref, include_bias):
    """Against autograd's own rules: 2w and sgn(w) (0 where w = 0, L1's subgradient) on the
    parameters named "weight" (BatchNorm's scale included) or on all of them, 0 elsewhere."""
    torch.manual_seed(4)
    model = fixture("penalty_models", "mixed_model")()
    assert any(bool((p == 0).any()) for n, p in model.named_parameters() if "weight" in n)
    for name, penalty, rule in (("l2", ref["l2_penalty"], lambda w: 2 * w), ("l1", ref["l1_penalty"], torch.sign)):
        value = penalty(model, include_bias=include_bias)
        assert value.dim() == 0, name
        grads = fixture("penalty_models", "gradients")(model, value)
        for parameter_name, parameter in model.named_parameters():
            chosen = include_bias or "weight" in parameter_name
            expected = rule(parameter.detach()) if chosen else torch.zeros_like(parameter)
            torch.testing.assert_close(grads[parameter_name], expected, msg=f"{name} {parameter_name}")


PENALTIES_ANOTHER_WAY = """\
def l2_penalty(model, include_bias=False):
    chosen = [p.reshape(-1) for name, p in model.named_parameters() if include_bias or "weight" in name]
    return torch.linalg.vector_norm(torch.cat(chosen)) ** 2


def l1_penalty(model, include_bias=False):
    total = torch.zeros(())
    for name, p in model.named_parameters():
        if include_bias or "weight" in name:
            total = total + p.abs().sum()
    return total
"""


def test_norms_and_running_sums_keep_full_marks(ref):
    passes("u4.3.q1", ["L2 penalty", "gradients of the L2 penalty", "L1 penalty", "gradients of the L1 penalty"], ref,
           with_variant(ref, PENALTIES_ANOTHER_WAY))


L1_WITH_TORCHVISION = """\
from torchvision.transforms import ToTensor


def train_with_l1(lam, epochs, seed=0):
    generator = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 100), nn.ReLU(), nn.Linear(100, 10), nn.ReLU(),
                          nn.Linear(10, 10), nn.LogSoftmax(dim=1))
    data = torchvision.datasets.FashionMNIST(DATA_ROOT, train=True, transform=ToTensor())
    loader = DataLoader(data, batch_size=256, shuffle=True, generator=generator)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(epochs):
        for images, labels in loader:
            optimizer.zero_grad()
            loss = F.nll_loss(model(images), labels)
            if lam:
                loss = loss + lam * l1_penalty(model)
            loss.backward()
            optimizer.step()
    return model
"""


@needs_fashion_mnist
def test_a_torchvision_loader_and_a_penalty_added_only_when_asked_keep_full_marks(ref, one_thread):
    passes("u4.3.q2", ["the L1 step"], ref, with_variant(ref, L1_WITH_TORCHVISION))


# --- u4.4: devices -------------------------------------------------------------------------------

def test_the_stand_in_raises_where_a_gpu_would_and_computes_like_the_cpu():
    pretend, restore = fixture("devices", "pretend"), fixture("devices", "restore")
    state = pretend(True)
    try:
        x = torch.ones(3).to("cuda")
        assert x.is_cuda and x.device == torch.device("cuda", 0) and torch.cuda.is_available()
        assert torch.equal((x * 2).cpu(), torch.full((3,), 2.0))
        with pytest.raises(RuntimeError, match="same device"):
            x + torch.ones(3)
        assert (x + torch.tensor(1.0)).is_cuda  # a 0-dim CPU tensor mixes with CUDA, as on a GPU
        assert torch.zeros(2, device="cuda").is_cuda and torch.rand_like(x).is_cuda
    finally:
        noted = restore(state)
    assert noted == {"is_available() said": True, "operations mixing devices": "add"}
    assert not torch.ones(1).is_cuda


def test_get_device_is_compared_by_type():
    assert torch.device("cuda") != torch.device("cuda:0")  # why the checks compare .type
    describe = fixture("devices", "describe_device")
    assert describe(torch.device("cuda:0")) == describe(torch.device("cuda")) == {"a torch.device": True, "type": "cuda"}


DEVICE_AWARE_ANOTHER_WAY = """\
def get_device():
    return torch.device(f"cuda:{torch.cuda.current_device()}") if torch.cuda.is_available() else torch.device("cpu")


def train_classifier(model, train_loader, test_loader, epochs, lr=0.1, device=None):
    device = device or get_device()
    model = model.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    history = {"train_loss": [], "train_acc": [], "test_loss": [], "test_acc": []}
    for _ in range(epochs):
        for phase, loader in (("train", train_loader), ("test", test_loader)):
            model.train(phase == "train")
            total = right = seen = 0.0
            with torch.set_grad_enabled(phase == "train"):
                for images, labels in loader:
                    images, labels = images.to(device, non_blocking=True), labels.to(device, non_blocking=True)
                    out = model(images)
                    loss = F.nll_loss(out, labels, reduction="sum")
                    if phase == "train":
                        optimizer.zero_grad()
                        (loss / len(labels)).backward()
                        optimizer.step()
                    total += loss.item()
                    right += (out.argmax(1) == labels).sum().item()
                    seen += len(labels)
            history[f"{phase}_loss"].append(total / seen)
            history[f"{phase}_acc"].append(right / seen)
    return history
"""


@needs_fashion_mnist
def test_an_indexed_cuda_device_and_another_loop_keep_full_marks(ref):
    passes("u4.4.q1", [c.name for c in SPECS["u4.4.q1"].checks], ref, with_variant(ref, DEVICE_AWARE_ANOTHER_WAY))


def test_timings_without_a_gpu_and_as_ints_have_the_right_form(ref):
    student = {"ans_u4_4_q2": {"small": {"cpu": 2, "gpu": None}, "large": {"cpu": 40, "gpu": None}}}
    assert grade(SPECS["u4.4.q2"].check("the answer's form"), None, student) is None


def test_einsum_and_transposed_products_keep_full_marks(ref):
    student = with_variant(ref, "def linear_backward(X, W, grad_Z):\n"
                                "    return torch.einsum('nm,md->nd', grad_Z, W), (X.T @ grad_Z).T, "
                                "torch.einsum('nm->m', grad_Z)\n")
    passes("u4.4.q3", ["the three gradients"], ref, student)  # (in this process a function has no source to read)


# --- u4.5: dropout -------------------------------------------------------------------------------

DROPOUT_ONE_ULP_AWAY = """\
class InvertedDropout(nn.Module):
    def __init__(self, drop_rate=0.5):
        super().__init__()
        assert 0 < drop_rate < 1, "the rate must lie in (0, 1)"
        self.p = drop_rate

    def forward(self, X):
        if self.training:
            return X * (torch.rand_like(X) > self.p) * (1 / (1 - self.p))
        return X
"""
DROPOUT_WHERE = """\
class InvertedDropout(nn.Module):
    def __init__(self, drop_rate=0.5):
        super().__init__()
        if not 0 < drop_rate < 1:
            raise ValueError("rate")
        self.drop_rate = drop_rate

    def forward(self, X):
        if not self.training:
            return X
        return torch.where(torch.rand_like(X) > self.drop_rate, X / (1 - self.drop_rate), 0)
"""
DROPOUT_KEEP_BELOW = DROPOUT_WHERE.replace("torch.rand_like(X) > self.drop_rate", "torch.rand_like(X) < 1 - self.drop_rate")


@pytest.mark.parametrize("variant", [DROPOUT_ONE_ULP_AWAY, DROPOUT_WHERE], ids=["times 1/(1-p), assert", "torch.where"])
def test_other_forms_of_inverted_dropout_keep_full_marks(ref, variant):
    passes("u4.5.q1", [c.name for c in SPECS["u4.5.q1"].checks if c.name != "why inverted dropout"], ref,
           with_variant(ref, variant))


def test_a_mask_drawn_below_1_minus_p_passes_every_check_but_the_seeded_one(ref):
    """Equally correct, another mask for the same seed: the notebook states the > p convention,
    and the statistics accept it (the catalogue's verified note)."""
    student = with_variant(ref, DROPOUT_KEEP_BELOW)
    passes("u4.5.q1", ["mask statistics", "gradient through the mask", "evaluation mode returns the input",
                       "the mask follows the input's device and dtype"], ref, student)
    assert "values differ" in grade(SPECS["u4.5.q1"].check("the course's mask for the step's seed"), ref, student)


def test_a_correct_dropout_layer_fails_the_statistics_less_than_once_in_10000_runs():
    """Each statistic is tested at 4.5 standard errors (two-sided normal tail 6.8e-6), and a check
    holds at most six: under 1e-4 by the union bound. The statistics of a correct layer are indeed
    standard normal (simulated: 200 repetitions of the share of zeros and of the mean of 2,000
    draws), and a correct layer passes the check for 5 seeds."""
    tail = math.erfc(dropout_judging.SIGMAS / math.sqrt(2))
    assert 6 * tail < 1e-4
    g = torch.Generator().manual_seed(0)
    p, n, draws, small = 0.3, 100_000, 2000, 64  # as the check: 200 x 500 entries, 2,000 draws of 64
    zeros = torch.distributions.Binomial(n, torch.full((200,), p)).sample()
    share_z = (zeros / n - p) / math.sqrt(p * (1 - p) / n)
    x = torch.rand(small, generator=g, dtype=F64) + 0.5
    means = torch.stack([(x * (torch.rand(draws, small, generator=g, dtype=F64) > p) / (1 - p)).mean(0) for _ in range(200)])
    mean_z = ((means - x) / (x * math.sqrt(p / (1 - p) / draws))).sum(1) / math.sqrt(small)
    for z in (share_z, mean_z):
        assert abs(z.mean().item()) < 0.2 and 0.85 < z.std().item() < 1.15 and z.abs().max().item() < dropout_judging.SIGMAS
    check = SPECS["u4.5.q1"].check("mask statistics")
    student = with_variant({"torch": torch, "nn": torch.nn}, DROPOUT_WHERE)
    assert all(grade(check, None, student, seed=seed) is None for seed in range(5))


DROPOUT_NETS_ANOTHER_WAY = """\
class Uncorrected(nn.Module):
    def __init__(self, p):
        super().__init__()
        self.p = p

    def forward(self, X):
        return X * (torch.rand_like(X) >= self.p).to(X.dtype) if self.training else X


def build_dropout_mlp(drop_rates, corrected=True):
    widths = [784, 256, 256, 256]
    layers = [nn.Flatten()]
    for i in range(3):
        layers += [nn.Linear(widths[i], widths[i + 1])]
        if drop_rates is not None:  # dropout before the activation: the same thing for ReLU
            layers.append(nn.Dropout(drop_rates[i]) if corrected else Uncorrected(drop_rates[i]))
        layers.append(nn.ReLU())
    return nn.Sequential(*layers, nn.Linear(256, 10))
"""


def test_nn_dropout_three_hidden_layers_and_dropout_before_relu_keep_full_marks(ref):
    passes("u4.5.q2", ["the layers of the three networks"], ref, with_variant(ref, DROPOUT_NETS_ANOTHER_WAY))


@pytest.mark.slow
@needs_fashion_mnist
def test_the_full_training_budgets_give_the_reference_full_marks(full_budget, grade, hidden_unit4, course):
    """What `autograder validate` proves at the exercises' full budgets, for the trainings only:
    the early-stopped network, the network that never saw classes 5-9, L1 for one epoch, and the
    three dropout networks over two seeds."""
    trained = ["u4.1.q3", "u4.2.q1", "u4.2.q3", "u4.3.q2", "u4.5.q2"]
    result = grade(course.solutions / "unit4" / "unit4.ipynb", hidden_unit4, only=trained)
    for exercise_id in trained:
        graded = exercise(result, exercise_id)
        assert graded.points == graded.max_points, graded.summary
