"""The judging added for unit 5, tested where it runs, without a worker: the properties and
experiments of solutions/unit5/public/judging.py, the fixture that loads the course's weights
into a student's module by layer kind (seeded_layers.py), the forbidden-operation lists of
the convolution exercises, and MNIST's held-out labels in the worker's view of the data. For
each: a right answer passes, a realistic mistake fails with the message a student reads."""

from __future__ import annotations

import importlib

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torchvision import transforms
from torchvision.transforms import v2

from autograder.checks import CaseContext, Verdict
from autograder.checks.observed import Observed
from autograder.exercises import spec as S
from autograder.exercises.loader import load_unit
from autograder.probes.helpers import HelperModules
from autograder.probes.run import OpRecorder
from conftest import ROOT
import test_rules

# unit 5's own code, loaded as the judge loads it: its properties, experiments and transforms
# register into UNIT5.registry, and the helpers its checks name are found in its fixture modules
UNIT5 = load_unit(ROOT / "solutions" / "unit5", "unit5")
judging = importlib.import_module(f"{UNIT5.package}.public.judging")
common = importlib.import_module(f"{UNIT5.package}.common")


def fixture(module: str, name: str):
    """A helper of unit 5's fixture modules (public/fixtures/<module>.py), as the worker finds it."""
    return HelperModules(UNIT5.fixture_package)(module, name)


def verdict(check, reference: dict | None, student: dict, seed: int = 1) -> Verdict:
    """test_rules.verdict with unit 5's registry and fixture modules."""
    return test_rules.verdict(check, reference, student, seed, unit=UNIT5)


def grade(check: S.CheckSpec, reference: dict | None, student: dict, seed: int = 1) -> str | None:
    """The first failing case's message, or None when every case passes."""
    outcome = verdict(check, reference, student, seed)
    return None if outcome.passed else outcome.message


def exercise_check(exercise_id: str, name: str) -> S.CheckSpec:
    return next(e for e in UNIT5.exercises if e.id == exercise_id).check(name)


# --- u5.2.q2: a diagonal edge detector -------------------------------------------------------

DIAGONAL = exercise_check("u5.2.q2", "detects diagonal edges")


def kernel(rows) -> dict:
    return {"DIAG_KERNEL": torch.tensor(rows, dtype=torch.float32)}


@pytest.mark.parametrize(("rows", "orientation"), [
    ([[0, 1, 1], [-1, 0, 1], [-1, -1, 0]], "main"),          # the catalogue's example: 3 against 2, 2; line 2
    ([[0, 1, 2], [-1, 0, 1], [-2, -1, 0]], "main"),          # the diagonal Sobel kernel: 4 against 3, 3
    ([[0, -1, -1], [1, 0, -1], [1, 1, 0]], "main"),          # the other sign: the bright side below
    ([[0, 1, 0], [-1, 0, 1], [0, -1, 0]], "main"),           # four neighbours: 2 against 1, 1; line 2 (equal)
    ([[1, 1, 0], [1, 0, -1], [0, -1, -1]], "anti"),
    ([[2, 1, 0], [1, 0, -1], [0, -1, -2]], "anti"),
])
def test_diagonal_edge_detectors_pass(rows, orientation):
    assert grade(DIAGONAL, None, {**kernel(rows), "DIAG_ORIENTATION": orientation}) is None


@pytest.mark.parametrize(("rows", "orientation", "says"), [
    ([[1, 0, 0], [0, -1, 0], [0, 0, 0]], "anti", "strictly larger than to a horizontal step edge (1)"),  # Roberts
    ([[2, -1, -1], [-1, 2, -1], [-1, -1, 2]], "main", "that is a line detector"),
    ([[0, 1, 1], [0, 0, 1], [0, 0, 0]], "main", "responds to a constant picture with 3"),
    ([[-1, -1, -1], [0, 0, 0], [1, 1, 1]], "main", "strictly larger than to a horizontal step edge (3)"),
])
def test_other_kernels_fail_with_the_reason(rows, orientation, says):
    message = grade(DIAGONAL, None, {**kernel(rows), "DIAG_ORIENTATION": orientation})
    assert message is not None and says in message, message


def test_the_diagonal_check_names_bad_answers():
    assert grade(DIAGONAL, None, {"DIAG_KERNEL": None, "DIAG_ORIENTATION": None}) == \
        "DIAG_KERNEL: has no answer yet (set DIAG_KERNEL and DIAG_ORIENTATION)"
    assert "'main' or 'anti'" in grade(DIAGONAL, None, {**kernel([[0, 1, 1], [-1, 0, 1], [-1, -1, 0]]),
                                                        "DIAG_ORIENTATION": "diagonal"})
    assert "shape (3, 3), got (2, 2)" in grade(DIAGONAL, None, {**kernel([[1, 0], [0, -1]]), "DIAG_ORIENTATION": "main"})


def test_the_test_pictures_are_the_catalogue_s():
    pictures = judging.test_pictures()
    assert pictures["main"][0, 1] == 1 and pictures["main"][1, 0] == 0 and pictures["main"][3, 3] == 0
    assert pictures["anti"][15, 1] == 1 and pictures["anti"][14, 1] == 0
    assert all(p.shape == (16, 16) for p in pictures.values())


# --- u5.1.q1: permutations ------------------------------------------------------------------

PERMUTATION = exercise_check("u5.1.q1", "a permutation of 0..783")


def test_a_permutation_passes_and_random_integers_do_not():
    good = {"make_pixel_permutation": lambda s: torch.argsort(torch.rand(784, generator=torch.Generator().manual_seed(s)))}
    assert grade(PERMUTATION, None, good) is None
    duplicates = {"make_pixel_permutation": lambda s: torch.randint(0, 784, (784,))}
    assert "not a permutation" in grade(PERMUTATION, None, duplicates)
    numpy = {"make_pixel_permutation": lambda s: __import__("numpy").random.default_rng(s).permutation(784)}
    assert grade(PERMUTATION, None, numpy) is None
    floats = {"make_pixel_permutation": lambda s: torch.randperm(784).float()}
    assert "integer tensor" in grade(PERMUTATION, None, floats)
    rows = {"make_pixel_permutation": lambda s: torch.randperm(28)}
    assert "expected shape (784,), got (28,)" in grade(PERMUTATION, None, rows)


def test_the_training_property_reads_both_accuracies():
    """The last two steps: scores for permuted and for unpermuted held-out pictures."""
    labels = torch.arange(100) % 10
    right = F.one_hot(labels, 10).float()
    wrong = F.one_hot((labels + 1) % 10, 10).float()

    def judged(permuted, unpermuted):
        from autograder.protocol import codec
        encoder = codec.Encoder()
        from autograder.protocol.messages import StepOutcome
        outcomes = [StepOutcome(result=encoder.encode(permuted)), StepOutcome(result=encoder.encode(unpermuted))]
        ctx = CaseContext("permute_pixels", "", None, Observed(outcomes, encoder.tensors), 10, held=labels,
                          registry=UNIT5.registry)
        return judging.permuted_training(ctx, full_at=0.7, zero_at=0.4, unpermuted_at_most=0.45)

    assert judged(right, wrong).passed and judged(right, wrong).measured == 1.0
    same = judged(right, right)
    assert not same.passed and "the permutation leaves the pictures (nearly) as they were" in same.message
    half = torch.where((torch.arange(100) < 55)[:, None], right, wrong)
    partial = judged(half, wrong)
    assert not partial.passed and partial.fraction == pytest.approx(0.5) and "full marks from 70%" in partial.message


# --- u5.3.q2: the kernel's initialisation ---------------------------------------------------

UNIFORM = exercise_check("u5.3.q2", "kernel drawn from U[-1/sqrt(K), 1/sqrt(K)]")


class Layer(nn.Module):
    def __init__(self, kernel_size, draw):
        super().__init__()
        self.kern = nn.Parameter(draw(kernel_size))


@pytest.mark.parametrize(("draw", "says"), [
    (lambda s: torch.empty(s).uniform_(-1 / (s[0] * s[1]) ** 0.5, 1 / (s[0] * s[1]) ** 0.5), None),
    (lambda s: (torch.rand(s) * 2 - 1) / (s[0] * s[1]) ** 0.5, None),
    (lambda s: torch.rand(s), "outside"),
    (lambda s: torch.randn(s) / (3 * s[0] * s[1]) ** 0.5, "outside"),  # the right variance, not uniform
    (lambda s: (torch.rand(s) * 2 - 1) / (s[0] * s[1]), "variance"),
    (lambda s: torch.rand(s) / (s[0] * s[1]) ** 0.5, "average"),  # U[0, 1/sqrt(K)]
])
def test_kernel_draws(draw, says):
    message = grade(UNIFORM, None, {"ConvLayer_1": lambda size: Layer(size, draw)})
    assert (message is None) if says is None else (says in message), message


def test_a_uniform_kernel_with_a_thin_tail_fails_the_ks_test():
    """Entries that are right in bound, mean and variance but not uniform: a KS test catches them."""
    def three_point(s):  # -b, 0, b in equal parts: variance 2b^2/3, too large; scaled down to b^2/3
        b = 1 / (s[0] * s[1]) ** 0.5
        return (torch.randint(0, 2, s) * 2 - 1) * b / 3 ** 0.5 * (torch.rand(s) < 2).float()

    assert "Kolmogorov-Smirnov" in grade(UNIFORM, None, {"ConvLayer_1": lambda size: Layer(size, three_point)})


# --- u5.6.q1: LeNet-5's layout and the augmentation -----------------------------------------

LAYOUT = exercise_check("u5.6.q1", "five weight layers, 40,000 to 70,000 parameters")
AUGMENTATION = exercise_check("u5.6.q1", "the augmentation")


def lenet(c5_as_conv: bool = False, padding: int = 2, activation=nn.ReLU, pool=nn.MaxPool2d):
    size = 5 if padding == 2 else 4
    if c5_as_conv:
        return nn.Sequential(nn.Conv2d(1, 6, 5, padding=padding), activation(), pool(2), nn.Conv2d(6, 16, 5),
                             activation(), pool(2), nn.Conv2d(16, 120, size), activation(), nn.Flatten(),
                             nn.Linear(120, 84), activation(), nn.Linear(84, 10))
    return nn.Sequential(nn.Conv2d(1, 6, 5, padding=padding), activation(), pool(2), nn.Conv2d(6, 16, 5), activation(),
                         pool(2), nn.Flatten(), nn.Linear(16 * size * size, 120), activation(), nn.Linear(120, 84),
                         activation(), nn.Linear(84, 10))


@pytest.mark.parametrize("variant", [lenet, lambda: lenet(c5_as_conv=True), lambda: lenet(padding=0),
                                     lambda: lenet(activation=nn.Tanh, pool=nn.AvgPool2d)],
                         ids=["classic", "C5 a convolution", "no padding (44,426)", "tanh and average pooling"])
def test_lenet_variants_have_the_layout(variant):
    assert grade(LAYOUT, None, {"LeNet5": variant}) is None


def test_lenet_with_batchnorm_passes_and_one_too_wide_does_not():
    with_norm = lambda: nn.Sequential(nn.BatchNorm2d(1), *lenet())  # noqa: E731 - a modern substitute
    assert grade(LAYOUT, None, {"LeNet5": with_norm}) is None
    one_conv = lambda: nn.Sequential(*lenet()[:3], nn.Flatten(), nn.Linear(6 * 14 * 14, 40), nn.ReLU(),  # noqa: E731
                                     nn.Linear(40, 30), nn.ReLU(), nn.Linear(30, 20), nn.ReLU(), nn.Linear(20, 10))
    assert "it has 1 Conv2d and 4 Linear layers" in grade(LAYOUT, None, {"LeNet5": one_conv})
    wide = lambda: nn.Sequential(*lenet()[:7], nn.Linear(400, 160), nn.ReLU(), nn.Linear(160, 84), nn.ReLU(),  # noqa: E731
                                 nn.Linear(84, 10))
    assert "it has 81,106 parameters; LeNet-5 has 61,706" in grade(LAYOUT, None, {"LeNet5": wide})


OWN_GENERATOR = torch.Generator()
OWN_GENERATOR.seed()


@pytest.mark.parametrize(("transform", "says"), [
    (lambda: transforms.RandomRotation(10), None),
    (lambda: v2.RandomAffine(0, translate=(0.1, 0.1)), None),
    (lambda: transforms.Normalize((0.5,), (0.5,)), "stay in [0, 1]"),
    (lambda: transforms.RandomCrop(24), "(1, 24, 24)"),
    (lambda: transforms.RandomHorizontalFlip(0.0), "equal results"),
    (lambda: (lambda x: x.to(torch.float64)), "float64 tensor of shape (1, 28, 28)"),
    (lambda: (lambda x: (x + 0.01 * __import__("random").random()).clamp(0, 1)), None),  # Python's random, seeded
    (lambda: (lambda x: (x + 0.01 * torch.rand((), generator=OWN_GENERATOR)).clamp(0, 1)), "same seed"),
], ids=["rotation", "v2 shift", "normalised", "cropped", "never flips", "float64", "python random", "own generator"])
@pytest.mark.usefixtures("fashion_data")
def test_augmentations(transform, says):
    message = grade(AUGMENTATION, None, {"fmnist_augmentation": transform})
    assert (message is None) if says is None else (says in message), message


@pytest.fixture
def fashion_data(monkeypatch, course):
    if not (course.data_dir / "FashionMNIST" / "raw").is_dir():
        pytest.skip("Fashion-MNIST is not in the course's data folder")
    monkeypatch.setenv("AUTOGRADER_DATA", str(course.data_dir))


# --- the reported numbers -------------------------------------------------------------------

CURVES = exercise_check("u5.6.q1", "reported curves")


def curves(plain_test=(0.85, 0.88, 0.89, 0.9, 0.9), augmented_epochs=5) -> dict:
    return {"ans_u5_6_q1": {"plain": {"train": [0.86, 0.9, 0.92, 0.93, 0.94], "test": list(plain_test)},
                            "augmented": {"train": [0.8] * augmented_epochs, "test": [0.85] * augmented_epochs}}}


def test_reported_curves():
    assert grade(CURVES, None, curves()) is None
    other_names = {"no augmentation": {"train_acc": [0.9] * 5, "test_acc": [0.88] * 5},
                   "Augmented": {"train_acc": [0.85] * 5, "test_acc": [0.87] * 5}}
    assert grade(CURVES, None, {"ans_u5_6_q1": other_names}) is None
    assert "train for at least 5" in grade(CURVES, None, {"ans_u5_6_q1": {
        "plain": {"train": [0.9], "test": [0.9]}, "augmented": {"train": [0.9], "test": [0.9]}}})
    assert "a LeNet-5 trained this long" in grade(CURVES, None, curves(plain_test=(0.5, 0.6, 0.6, 0.7, 0.7)))
    assert "a dict of 1 entries" in grade(CURVES, None, {"ans_u5_6_q1": {"plain": curves()["ans_u5_6_q1"]["plain"]}})
    assert 'name the run with augmentation "augmented"' in grade(CURVES, None, {"ans_u5_6_q1": {
        "a": curves()["ans_u5_6_q1"]["plain"], "b": curves()["ans_u5_6_q1"]["plain"]}})
    assert grade(CURVES, None, {"ans_u5_6_q1": None}) == "ans_u5_6_q1 has no answer yet"


# --- loading the course's weights by layer kind -----------------------------------------------

class ShortcutFirst(nn.Module):
    """ResBlockDownSamp with its layers defined (and the shortcut computed) in another order."""

    def __init__(self, c):
        super().__init__()
        self.shortcut = nn.Conv2d(c, 2 * c, 1, stride=2, bias=False)
        self.convs = nn.ModuleList([nn.Conv2d(c, 2 * c, 3, stride=2, padding=1, bias=False),
                                    nn.Conv2d(2 * c, 2 * c, 3, padding=1, bias=False)])
        self.norms = nn.ModuleList([nn.BatchNorm2d(2 * c), nn.BatchNorm2d(2 * c)])
        self.act = nn.ReLU()

    def forward(self, x):
        skip = self.shortcut(x)
        y = self.act(self.norms[0](self.convs[0](x)))
        return self.act(self.norms[1](self.convs[1](y)) + skip)


class TextOrder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1 = nn.Conv2d(c, 2 * c, 3, stride=2, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(2 * c)
        self.conv2 = nn.Conv2d(2 * c, 2 * c, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(2 * c)
        self.skip = nn.Conv2d(c, 2 * c, 1, stride=2, bias=False)

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        return torch.relu(self.bn2(self.conv2(y)) + self.skip(x))


def test_weights_by_kind_ignore_the_order_of_definition():
    report = fixture("seeded_layers", "report")
    x = torch.randn(2, 3, 7, 9)
    for train in (True, False):
        a, b = report(TextOrder(3), x, 5, train, False), report(ShortcutFirst(3), x, 5, train, False)
        assert [kind for _, kind, _ in a["layers"][:-1]] == [kind for _, kind, _ in b["layers"][:-1]]
        for (_, _, want), (_, _, got) in zip(a["layers"], b["layers"]):
            torch.testing.assert_close(want, got)
        assert a["layers"][-1][2].shape == (2, 6, 4, 5)


def test_a_report_of_a_failing_module_keeps_the_layers_that_ran():
    class Broken(TextOrder):
        def forward(self, x):
            return self.bn1(self.conv1(x)) + x

    report = fixture("seeded_layers", "report")(Broken(2), torch.randn(2, 2, 8, 8), 1)
    assert report["error"] == "RuntimeError" and [name for name, _, _ in report["layers"]][:2] == ["conv1", "bn1"]


# --- forbidden operations --------------------------------------------------------------------

X, K = torch.randn(1, 1, 6, 7), torch.randn(1, 1, 3, 2)
LIBRARY_ROUTES = {
    "F.conv2d": lambda: F.conv2d(X, K), "torch.conv2d": lambda: torch.conv2d(X, K),
    "nn.Conv2d": lambda: nn.Conv2d(1, 1, (3, 2))(X),
    "aten._convolution": lambda: torch.ops.aten._convolution(X, K, None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1,
                                                             False, False, True, True),
    "thnn_conv2d": lambda: torch._C._nn.thnn_conv2d(X, K, [3, 2]),
    "mkldnn_convolution": lambda: torch.mkldnn_convolution(X, K, None, [0, 0], [1, 1], [1, 1], 1),
    "F.unfold": lambda: F.unfold(X, (3, 2)), "Tensor.unfold": lambda: X[0, 0].unfold(0, 3, 1),
}


@pytest.mark.parametrize("route", list(LIBRARY_ROUTES))
def test_every_route_to_the_library_s_convolution_is_in_the_forbidden_list(route):
    recorder = OpRecorder()
    with recorder:
        LIBRARY_ROUTES[route]()
    assert recorder.ops & set(common.LIBRARY_CONVOLUTION), recorder.ops


def test_autograd_s_backward_is_seen_and_hand_written_gradients_are_not():
    def recorded(function):
        recorder = OpRecorder()
        with recorder:
            function()
        return recorder.ops & set(common.AUTOGRAD_BACKWARD)

    x, k, g = torch.randn(5, 6, dtype=torch.float64), torch.randn(2, 3, dtype=torch.float64), torch.randn(4, 4,
                                                                                                           dtype=torch.float64)

    def through_conv():
        xx, kk = x.clone().requires_grad_(), k.clone().requires_grad_()
        torch.autograd.grad(F.conv2d(xx[None, None], kk[None, None])[0, 0], (xx, kk), g)

    def through_slices():
        xx, kk = x.clone().requires_grad_(), k.clone().requires_grad_()
        torch.autograd.grad(sum(kk[a, b] * xx[a:a + 4, b:b + 4] for a in range(2) for b in range(3)), (xx, kk), g)

    def by_hand():
        gx = torch.zeros_like(x)
        for a in range(2):
            for b in range(3):
                gx[a:a + 4, b:b + 4] += k[a, b] * g
        F.conv2d(x[None, None], g[None, None])  # dC/dK as a correlation: by hand too

    assert recorded(through_conv) and recorded(through_slices) and not recorded(by_hand)


# --- MNIST joins Fashion-MNIST in the worker's view ---------------------------------------

def test_the_worker_view_scrambles_mnist_s_held_out_labels_too(tmp_path):
    from autograder.exercises.data import HELD_OUT, read_idx, worker_view

    labels = [i % 10 for i in range(10_000)]
    for folder in ("MNIST", "FashionMNIST"):
        raw = tmp_path / "data" / folder / "raw"
        raw.mkdir(parents=True)
        (raw / "t10k-labels-idx1-ubyte").write_bytes(bytes([0, 0, 8, 1]) + (10_000).to_bytes(4, "big") + bytes(labels))
    view = worker_view(tmp_path / "data", tmp_path / "view")
    for folder in ("MNIST", "FashionMNIST"):
        seen = list(read_idx(view / folder / "raw" / "t10k-labels-idx1-ubyte"))
        assert seen[:HELD_OUT.start] == labels[:HELD_OUT.start]
        assert sum(a != b for a, b in zip(seen[HELD_OUT.start:], labels[HELD_OUT.start:])) > 0.8 * len(HELD_OUT)


def test_held_out_mnist_pictures_come_from_the_held_out_half(course, monkeypatch):
    if not (course.data_dir / "MNIST" / "raw").is_dir():
        pytest.skip("MNIST is not in the course's data folder")
    monkeypatch.setenv("AUTOGRADER_DATA", str(course.data_dir))
    from autograder.exercises.data import HELD_OUT, Perturbation, held_out_pictures, mnist

    pictures, labels = held_out_pictures(torch.Generator().manual_seed(0), 50, Perturbation(shift=0, noise=0.0,
                                                                                            brightness=(1.0, 1.0)),
                                         dataset="MNIST")
    images, truth = mnist(train=False)
    held = images[HELD_OUT.start:].to(torch.float32).reshape(len(HELD_OUT), -1) / 255
    nearest = torch.cdist(pictures.reshape(50, -1), held).argmin(dim=1)
    assert torch.equal(truth[HELD_OUT.start:][nearest], labels)
