"""Unit 5 (sections 5.1-5.7), end to end: for every exercise the reference scores full marks,
the stub scores zero with a "not implemented" style message, and every catalogued mistake
loses the points of the check that names it, with the message it should give. Also: the known
answers of the catalogue hold for the reference (AlexNet's shapes and counts, the worked
examples of padding, stride and pooling), feedback names the layer, the input and the
difference, and answers that are right in another way (vectorised instead of loops,
nn.Sequential instead of a hand-written forward, another padding arithmetic, LeNet-5 and
AlexNet variants the catalogue allows, blocks defined in another order) keep full marks."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from autograder.exercises.spec import BUDGET_ENV
from autograder.judge.reference import Reference
from conftest import check_result, exercise, needs_fashion_mnist
from test_rules_unit5 import UNIT5, grade
from unitcontract import contract

F64 = torch.float64

# the fixtures and the contract tests (full marks, zero, mistakes) that every unit shares;
# u5.1.q1 and u5.6.q1 train on Fashion-MNIST
globals().update(contract("unit5", mistake_limits={"exercise_seconds": 40},
                          needs_data=frozenset({"u5.1.q1", "u5.6.q1"})))

NAMES = [name for e in UNIT5.exercises for name in e.artifacts]  # every artifact of the unit


@pytest.fixture(scope="module")
def ref(hidden_unit5):
    """The reference notebook's functions and constants, run in this process (as the judge does)."""
    return Reference(hidden_unit5.notebook, {"facts": NAMES}).prober().namespace


@needs_fashion_mnist
def test_totals_and_manual_points(reference_results, stub_results):
    full = reference_results["hidden"]
    assert full.score == full.max_score == 155
    # the filtered ankle boot (u5.2.q2), the one-sided padding (u5.5.q2), the overfitting (u5.6.q1)
    assert full.manual_points == 15
    assert all(exercise(full, i).manual for i in ("u5.2.q2", "u5.5.q2", "u5.6.q1"))
    assert stub_results["public"].score == 0


# --- what the feedback says ----------------------------------------------------------------

def test_feedback_names_the_first_layer_that_differs(mistake_results):
    graded = mistake_results[("u5.6.q2", "pools over 2 x 2 windows (the same shapes as 3 x 3 with stride 2)")]
    message = check_result(graded, "u5.6.q2", "layer by layer with the course's weights").message
    assert message.startswith("AlexNet: for AlexNet() with the course's weights, your output first differs after "
                              "layer `features.2` (MaxPool2d): ")
    assert "values differ" in message and "tensor(" not in message


def test_feedback_on_a_forbidden_operation_names_it(mistake_results):
    graded = mistake_results[("u5.2.q1", "cuts the windows with Tensor.unfold and multiplies them with the kernel in one "
                                         "product")]
    message = check_result(graded, "u5.2.q1", "no library convolution").message
    assert message == ("conv2d_valid: for a float32 picture (10, 9) and a kernel (3, 2), it calls the operation "
                       "aten.unfold, which this exercise asks you not to use (compute the sums of products yourself)")


def test_feedback_on_autograd_in_a_hand_written_backward(mistake_results):
    graded = mistake_results[("u5.3.q3", "writes the forward loop and lets autograd run it backwards")]
    message = check_result(graded, "u5.3.q3", "without autograd").message
    assert "it calls the operation aten.slice_backward, which this exercise asks you not to use" in message
    assert message.endswith("(write the backward pass with your own formulas)")


def test_feedback_on_a_block_that_adds_after_the_relu(mistake_results):
    graded = mistake_results[("u5.7.q1", "applies the last ReLU before adding the input")]
    message = check_result(graded, "u5.7.q1", "ResBlockConv in train mode").message
    assert message.startswith("ResBlockConv: for ResBlockConv(1) on x of shape (3, 1, 6, 7) in train mode, your output "
                              "first differs after layer `the whole module` (ResBlockConv): ")


# --- the known answers of the catalogue, for the reference ----------------------------------

ALEXNET_SHAPES = [("features.0", (1, 64, 55, 55)), ("features.1", (1, 64, 55, 55)), ("features.2", (1, 64, 27, 27)),
                  ("features.3", (1, 192, 27, 27)), ("features.4", (1, 192, 27, 27)), ("features.5", (1, 192, 13, 13)),
                  ("features.6", (1, 384, 13, 13)), ("features.7", (1, 384, 13, 13)), ("features.8", (1, 256, 13, 13)),
                  ("features.9", (1, 256, 13, 13)), ("features.10", (1, 256, 13, 13)),
                  ("features.11", (1, 256, 13, 13)), ("features.12", (1, 256, 6, 6)), ("flatten", (1, 9216)),
                  ("classifier.0", (1, 9216)), ("classifier.1", (1, 4096)), ("classifier.2", (1, 4096)),
                  ("classifier.3", (1, 4096)), ("classifier.4", (1, 4096)), ("classifier.5", (1, 4096)),
                  ("classifier.6", (1, 1000))]


def test_alexnet_shapes_and_counts(ref):
    net = ref["AlexNet"]()
    assert ref["layer_shapes"](net, torch.randn(1, 3, 224, 224)) == ALEXNET_SHAPES
    counts = [ref["count_parameters"](m) for m in net.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    assert counts == [23_296, 307_392, 663_936, 884_992, 590_080, 37_752_832, 16_781_312, 4_097_000]
    assert ref["count_parameters"](net.features) == 2_469_696 and ref["count_parameters"](net.classifier) == 58_631_144
    assert ref["count_parameters"](net) == ref["ans_u5_6_q3"] == 61_100_840
    assert ref["ans_u5_7_q2"] == (513_000, 58_631_144)
    with pytest.raises(RuntimeError):  # a picture without the batch axis fails at the first Linear layer
        net(torch.randn(3, 224, 224))


def test_the_worked_examples_of_section_5_5(ref):
    padded = nn.ZeroPad2d(1)(torch.arange(1.0, 10.0).reshape(1, 3, 3))[0]
    assert padded.tolist() == [[0, 0, 0, 0, 0], [0, 1, 2, 3, 0], [0, 4, 5, 6, 0], [0, 7, 8, 9, 0], [0, 0, 0, 0, 0]]
    strided = F.conv2d(torch.arange(25.0).reshape(1, 1, 5, 5), torch.ones(1, 1, 1, 1), stride=(2, 3))
    assert strided.tolist() == [[[[0, 3], [10, 13], [20, 23]]]]
    x = torch.arange(40.0).reshape(1, 1, 5, 8)
    assert nn.MaxPool2d((2, 3))(x).tolist() == [[[[10, 13], [26, 29]]]]
    assert nn.MaxPool2d((2, 3), ceil_mode=True)(x).tolist() == [[[[10, 13, 15], [26, 29, 31], [34, 37, 39]]]]
    same = nn.Conv2d(1, 1, kernel_size=(3, 5), padding="same")
    assert same.weight.shape == (1, 1, 3, 5) and same.bias.shape == (1,)
    with pytest.raises(ValueError):
        nn.Conv2d(1, 1, 3, stride=2, padding="same")
    assert ref["ans_u5_5_q4_exception"] == "ValueError"
    A = ref["conv_as_matrix"](torch.randn(2, 2, dtype=F64) + 3, 5, 5)
    assert A.shape == (16, 25) and int((A != 0).sum()) == 64


def test_convolutions_of_the_text(ref):
    boot = torch.rand(28, 28) * 255
    assert ref["conv2d_valid"](boot, torch.full((3, 3), 1 / 9)).shape == (26, 26)
    assert ref["conv2d_valid"](boot, torch.tensor([[-1.0, 1.0]])).shape == (28, 27)
    two = ref["ConvLayer"](1, 2, (3, 3))
    with torch.no_grad():
        two.kern.copy_(torch.tensor([[[-1.0, -1, -1], [0, 0, 0], [1, 1, 1]], [[-1.0, 0, 1], [-1, 0, 1], [-1, 0, 1]]])[:, None])
    edges = two(torch.rand(512, 1, 28, 28))
    assert edges.shape == (512, 2, 26, 26)
    average = ref["ConvLayer"](2, 1, (1, 1))
    with torch.no_grad():
        average.kern.fill_(0.5)
    assert average(edges).shape == (512, 1, 26, 26)
    torch.testing.assert_close(average(edges)[:, 0], edges.mean(dim=1))


def test_the_hand_derived_gradients_of_the_2x3_example(ref):
    X, K, G = torch.randn(2, 3, dtype=F64), torch.randn(1, 2, dtype=F64), torch.randn(2, 2, dtype=F64)
    grad_X, grad_K = ref["conv2d_backward"](X, K, G)
    k1, k2 = K[0]
    expected_X = torch.stack([G[:, 0] * k1, G[:, 0] * k2 + G[:, 1] * k1, G[:, 1] * k2], dim=1)
    torch.testing.assert_close(grad_X, expected_X, rtol=1e-12, atol=1e-12)
    expected_K = torch.stack([(G * X[:, j:j + 2]).sum() for j in range(2)])[None]
    torch.testing.assert_close(grad_K, expected_K, rtol=1e-12, atol=1e-12)


def test_the_gradient_factor_of_unnormalised_pictures(ref):
    x = torch.rand(16, 8, 8)
    target = F.conv2d(x[:, None], torch.tensor([[[[-1.0, -1, -1], [0, 0, 0], [1, 1, 1]]]]))
    kern = torch.randn(1, 1, 3, 3, requires_grad=True)
    grads = []
    for scale in (1.0, 255.0):
        (g,) = torch.autograd.grad(F.mse_loss(F.conv2d(x[:, None] * scale, kern), target * scale), kern)
        grads.append(g)
    ratio = (grads[1] / grads[0]).mean().item()
    assert ratio == pytest.approx(ref["ans_u5_3_q1_factor"], rel=1e-4) and ref["ans_u5_3_q1_factor"] == 255 ** 2


def test_average_pooling_and_identity_blocks_bit_for_bit(ref):
    for channels, size in ((1, (6, 8)), (3, (7, 9))):
        x = torch.randn(2, channels, *size)
        assert torch.equal(ref["avgpool_as_conv"](channels)(x), nn.AvgPool2d(2)(x))
    block = ref["ResBlockConv"](3)
    for module in block.modules():
        if isinstance(module, nn.BatchNorm2d):
            module.weight.data.uniform_(0.5, 1.5)
            module.running_var.uniform_(0.5, 1.5)
    assert ref["make_identity_"](block) is block
    x = torch.randn(4, 3, 5, 5)
    assert torch.equal(block.train()(x), torch.relu(x)) and torch.equal(block.eval()(x), torch.relu(x))
    assert ref["ResBlockDownSamp"](3)(torch.randn(2, 3, 7, 9)).shape == (2, 6, 4, 5)


def test_reported_numbers_are_the_notebook_s_runs(ref):
    assert 0.8 < ref["ans_u5_1_q1"]["permuted"] < 0.9 and ref["ans_u5_1_q1"]["unpermuted"] < 0.2
    assert 0.1 < ref["ans_u5_1_q2_acc"] < 0.4
    plain = ref["ans_u5_6_q1"]["plain"]
    assert len(plain["test"]) == 10 and plain["test"][-1] > 0.88 and plain["train"][-1] > plain["test"][-1]


# --- answers that are right in another way ----------------------------------------------------

def keeps_full_marks(ref: dict, exercise_id: str, code: str, skip: tuple[str, ...] = ()) -> None:
    """Every check of the exercise passes for the notebook's namespace with `code` run after it."""
    student = dict(ref)
    exec(compile(code, f"<variant of {exercise_id}>", "exec"), student)  # noqa: S102 - the test's own code
    spec = next(e for e in UNIT5.exercises if e.id == exercise_id)
    for check in spec.checks:
        if check.name not in skip:
            assert grade(check, ref, student) is None, check.name


TRAINING = ("the course's network on your permuted pictures", "accuracy after the grader's training")

VARIANTS = {
    "u5.1.q1": """
def make_pixel_permutation(seed):
    return torch.argsort(torch.rand(784, generator=torch.Generator().manual_seed(seed)))

def permute_pixels(images, perm):
    flat = images.flatten(1)  # (not reshape(N, -1): N may be 0)
    return torch.gather(flat, 1, perm.expand(flat.shape[0], -1)).view_as(images)

ans_u5_1_q1 = {"unpermuted": 0.088, "permuted": 0.852}
""",
    "u5.1.q2": 'ans_u5_1_q2 = " d "\nans_u5_1_q2_acc = 0.3\n',
    "u5.2.q1": """
def conv2d_valid(X, K):
    if isinstance(X, np.ndarray) or isinstance(K, np.ndarray):
        raise TypeError("NumPy arrays are not accepted")
    if not torch.is_tensor(X) or not torch.is_tensor(K):
        raise TypeError("tensors only")
    if X.ndim != 2 or K.ndim != 2 or 0 in K.shape or K.shape[0] > X.shape[0] or K.shape[1] > X.shape[1]:
        raise ValueError("bad shapes")
    dtype = torch.promote_types(X.dtype, K.dtype)
    dtype = dtype if dtype.is_floating_point else torch.float32
    X, K = X.to(dtype), K.to(dtype)
    h, w = X.shape[0] - K.shape[0] + 1, X.shape[1] - K.shape[1] + 1
    # one shifted slice per kernel entry: vectorised, and no library convolution
    return sum(K[i, j] * X[i:i + h, j:j + w] for i in range(K.shape[0]) for j in range(K.shape[1]))

import numpy as np
""",
    "u5.2.q2": "DIAG_KERNEL = torch.tensor([[2.0, 1, 0], [1, 0, -1], [0, -1, -2]])\nDIAG_ORIENTATION = 'anti'\n",
    "u5.3.q1": "ans_u5_3_q1 = 'a'\nans_u5_3_q1_factor = 255 ** 2\n",
    "u5.3.q2": """
class ConvLayer_1(nn.Module):
    def __init__(self, kernel_size):
        super().__init__()
        p, q = kernel_size
        self.kern = nn.Parameter(torch.empty(p, q).uniform_(-(p * q) ** -0.5, (p * q) ** -0.5))

    def forward(self, x):
        p, q = self.kern.shape
        h, w = x.shape[1] - p + 1, x.shape[2] - q + 1
        return sum(self.kern[i, j] * x[:, i:i + h, j:j + w] for i in range(p) for j in range(q))
""",
    "u5.3.q3": """
def conv2d_backward(X, K, grad_Y):
    if grad_Y.shape != (X.shape[0] - K.shape[0] + 1, X.shape[1] - K.shape[1] + 1):
        raise ValueError("grad_Y has the wrong shape")
    grad_K = F.conv2d(X[None, None], grad_Y[None, None])[0, 0]          # a correlation of X with grad_Y
    grad_X = F.conv_transpose2d(grad_Y[None, None], K[None, None])[0, 0]  # grad_Y spread back through K
    return grad_X, grad_K
""",
    "u5.4.q1": """
class ConvLayer(nn.Module):
    def __init__(self, in_channels=1, out_channels=1, kernel_size=(1, 1)):
        super().__init__()
        self.kern = nn.Parameter(torch.rand(out_channels, in_channels, *kernel_size))

    def forward(self, x):
        if x.dim() != 4 or x.shape[1] != self.kern.shape[1]:
            raise ValueError("expected (N, C_in, H, W)")
        p, q = self.kern.shape[2:]
        if p > x.shape[2] or q > x.shape[3]:
            raise ValueError("the kernel does not fit")
        windows = x.unfold(2, p, 1).unfold(3, q, 1)          # (N, C_in, H', W', p, q): Tensor.unfold is allowed
        return torch.einsum("nchwij,ocij->nohw", windows, self.kern)
""",
    "u5.5.q1": "def same_padding(q):\n    if q < 1:\n        raise ValueError(q)\n    return (q - 1) // 2, q // 2\n",
    "u5.5.q2": """
def pad_top_left(img, k):
    out = img.new_zeros(*img.shape[:-2], img.shape[-2] + k - 1, img.shape[-1] + k - 1)
    out[..., k - 1:, k - 1:] = img
    return out

def make_conv5():
    return nn.Conv2d(in_channels=1, out_channels=1, kernel_size=(5, 5), padding=0, bias=False)

ans_u5_5_q2d = "D"
""",
    "u5.5.q3": """
def conv_as_matrix(K, H, W):
    if K.shape[0] > H or K.shape[1] > W:
        raise ValueError("the kernel does not fit")
    basis = torch.eye(H * W, dtype=K.dtype)
    return torch.stack([conv2d_valid(e.reshape(H, W), K).flatten() for e in basis], dim=1)
""",
    "u5.5.q4": "ans_u5_5_q4_exception = ValueError.__name__\nans_u5_5_q4 = 'c'\n",
    "u5.5.q5": """
def avgpool_as_conv(channels=1):
    conv = nn.Conv2d(channels, channels, 2, stride=(2, 2), bias=False)
    with torch.no_grad():
        conv.weight.copy_(0.25 * torch.eye(channels)[:, :, None, None].expand(channels, channels, 2, 2))
    return conv
""",
    "u5.6.q1": """
class LeNet5(nn.Module):
    '''The published layout: C5 a convolution; tanh and average pooling; a Sequential.'''
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.Tanh(), nn.AvgPool2d(2), nn.Conv2d(6, 16, 5),
                                 nn.Tanh(), nn.AvgPool2d(2), nn.Conv2d(16, 120, 5), nn.Tanh(), nn.Flatten(),
                                 nn.Linear(120, 84), nn.Tanh(), nn.Linear(84, 10), nn.LogSoftmax(dim=1))

    def forward(self, x):
        return self.net((x - 0.286) / 0.353)

def fmnist_augmentation():
    from torchvision import transforms
    return transforms.Compose([transforms.RandomRotation(10), transforms.RandomHorizontalFlip()])

ans_u5_6_q1 = {"augmented": {"train": [0.7, 0.8, 0.84, 0.85, 0.86], "test": [0.78, 0.82, 0.85, 0.86, 0.87]},
               "plain": {"train": [0.8, 0.87, 0.89, 0.9, 0.91], "test": (0.82, 0.86, 0.87, 0.88, 0.885)}}
""",
    "u5.6.q2": """
class AlexNet(nn.Module):
    '''torchvision's layout: ReLU in place, an AdaptiveAvgPool2d before the classifier.'''
    def __init__(self, dropout=0.5):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, kernel_size=11, stride=4, padding=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(64, 192, kernel_size=5, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(192, 384, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, kernel_size=3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(kernel_size=3, stride=2))
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(p=dropout), nn.Linear(256 * 6 * 6, 4096), nn.ReLU(inplace=True), nn.Dropout(p=dropout),
            nn.Linear(4096, 4096), nn.ReLU(inplace=True), nn.Linear(4096, 1000))

    def forward(self, x):
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))

def layer_shapes(model, x):
    '''Walks the children by hand instead of hooks.'''
    shapes = []
    with torch.no_grad():
        for part, module in model.named_children():
            if part == "classifier":
                x = torch.flatten(x, 1)
                shapes.append(("flatten", tuple(x.shape)))
            children = list(module.named_children()) or [("", module)]
            for name, layer in children:
                x = layer(x)
                shapes.append((f"{part}.{name}" if name else part, tuple(x.shape)))
    return shapes
""",
    "u5.6.q3": "def count_parameters(model):\n    return sum(torch.numel(p) for _, p in model.named_parameters())\n\n"
               "ans_u5_6_q3 = 61100840\n",
    "u5.6.q4": "ans_u5_6_q4 = '(C)'\n",
    "u5.7.q1": """
class ResBlockMLP(nn.Module):
    def __init__(self, in_features):
        super().__init__()
        self.inner = nn.Sequential(nn.Linear(in_features, in_features), nn.BatchNorm1d(in_features), nn.ReLU(),
                                   nn.Linear(in_features, in_features))
        self.out = nn.ReLU()

    def forward(self, x):
        return self.out(self.inner(x) + x)


class ResBlockConv(nn.Module):
    def __init__(self, in_channels):
        super().__init__()
        self.conv_a = nn.Conv2d(in_channels, in_channels, 3, padding="same", bias=False)
        self.conv_b = nn.Conv2d(in_channels, in_channels, 3, padding="same", bias=False)
        self.norm_a, self.norm_b = nn.BatchNorm2d(in_channels), nn.BatchNorm2d(in_channels)

    def forward(self, x):
        return F.relu(x + self.norm_b(self.conv_b(F.relu(self.norm_a(self.conv_a(x))))))


class ResBlockDownSamp(nn.Module):
    def __init__(self, in_channels):
        super().__init__()
        c = 2 * in_channels
        self.skip = nn.Conv2d(in_channels, c, kernel_size=1, stride=2, bias=False)
        self.path = nn.Sequential(nn.Conv2d(in_channels, c, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(c),
                                  nn.ReLU(), nn.Conv2d(c, c, 3, padding=1, bias=False), nn.BatchNorm2d(c))

    def forward(self, x):
        shortcut = self.skip(x)
        return torch.relu(self.path(x) + shortcut)


def make_identity_(block):
    nn.init.zeros_(block.norm_b.weight)
    nn.init.zeros_(block.norm_b.bias)
    return block

ans_u5_7_q1 = "B"
""",
    "u5.7.q2": "ans_u5_7_q2 = [513000, 58631144]\n",
}


@pytest.fixture
def one_thread():
    """Timings as a worker takes them: one thread (two threads on a busy two-core machine make a
    vectorised call a hundred times slower)."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@pytest.mark.parametrize("exercise_id", list(VARIANTS))
def test_a_correct_but_different_answer_keeps_full_marks(ref, exercise_id, monkeypatch, course, one_thread):
    monkeypatch.setenv(BUDGET_ENV, "quick")
    monkeypatch.setenv("AUTOGRADER_DATA", str(course.data_dir))
    skip = TRAINING if exercise_id != "u5.6.q1" else TRAINING[:1]  # the LeNet variant also trains (quick budget)
    if exercise_id == "u5.6.q1" and not (course.data_dir / "FashionMNIST" / "raw").is_dir():
        pytest.skip("Fashion-MNIST is not in the course's data folder")
    keeps_full_marks(ref, exercise_id, VARIANTS[exercise_id], skip)


def test_every_exercise_has_a_variant():
    assert set(VARIANTS) == {e.id for e in UNIT5.exercises}
