"""Unit 5's own judging, computed by the judge from what the worker sent back.

Properties: a permutation of 0..n-1 (u5.1.q1); the accuracies of the course's network
trained on the student's permuted pictures (u5.1.q1); a diagonal edge detector (u5.2.q2);
the statistics of a U[-1/sqrt(K), 1/sqrt(K)] kernel (u5.3.q2); LeNet-5's weight layers
(u5.6.q1); what an augmentation does to a batch (u5.6.q1). Experiments: a reported accuracy in
a plausible range (u5.1.q2) and the per-epoch curves of u5.6.q1. Transforms: the (name,
shape) list of `layer_shapes` (u5.6.q2) and a pair of numbers (u5.5.q1) in canonical form.

Public: shipped with the release for `autograder check`.
"""

from __future__ import annotations

import math
from typing import Any

import torch
import torch.nn.functional as F
from scipy.stats import kstest

from autograder.checks.accuracy import score
from autograder.checks.context import CaseContext
from autograder.checks.properties import as_tensor
from autograder.checks.registry import check_property, experiment, transform
from autograder.checks.rerun import plain_number
from autograder.checks.rule import Verdict
from autograder.checks.values import kind_of
from autograder.protocol.codec import TensorData
from autograder.exercises.spec import quick_budget


# --- u5.1.q1: pixel permutations ------------------------------------------------------------

@check_property(example='prop("a permutation", "make_pixel_permutation", cases, "permutation_of", n=784)')
def permutation_of(ctx: CaseContext, n: int) -> str | None:
    """Each result is a 1-D integer tensor holding each of 0, ..., n - 1 exactly once."""
    for index in range(len(ctx.actual.outcomes)):
        value = ctx.actual.result(index)
        t = value.data if isinstance(value, TensorData) else None  # a NumPy array is read like a tensor
        where = ctx.for_label(index) if len(ctx.actual.outcomes) > 1 else ""
        if t is None:
            return f"{where}expected a tensor, got {kind_of(value)}"
        if t.is_floating_point() or t.is_complex() or t.dtype == torch.bool:
            return f"{where}expected an integer tensor (it indexes pixels), got {str(t.dtype).removeprefix('torch.')}"
        if tuple(t.shape) != (n,):
            return f"{where}expected shape ({n},), got {tuple(t.shape)}"
        counts = torch.bincount(t.clamp(0, n).to(torch.int64), minlength=n + 1)
        if bool((t < 0).any()) or bool((t >= n).any()):
            return f"{where}it holds values outside 0 to {n - 1}"
        if bool((counts[:n] != 1).any()):
            missing = int((counts[:n] == 0).sum())
            return f"{where}{missing} of the numbers 0 to {n - 1} are missing (others appear twice): not a permutation"
    return None


@check_property(example='prop("trained on permuted pictures", "permute_pixels", cases, "permuted_training", '
                        'full_at=0.8, zero_at=0.5, unpermuted_at_most=0.45)')
def permuted_training(ctx: CaseContext, full_at: float, zero_at: float, unpermuted_at_most: float,
                      quick: list[float] | None = None) -> Verdict | str:
    """The case's last two steps are the scores of the course's network, trained on pictures
    permuted by the student's code, for held-out pictures permuted the same way and for the
    same pictures unpermuted (labels held by the judge): the first accuracy earns full marks
    from `full_at` (none at `zero_at`; under the test suite's quick budget, the bars `quick`),
    and the second must be at most `unpermuted_at_most`."""
    if quick is not None and quick_budget():
        full_at, zero_at = quick
    labels = ctx.held.reshape(-1)
    found = []
    for index in (-2, -1):
        t = as_tensor(ctx.actual.result(index))
        if t is None or t.dim() != 2 or t.shape[0] != len(labels) or not t.is_floating_point():
            return "the grader could not read the trained network's scores"
        found.append(score(t.argmax(dim=1), labels))
    permuted, unpermuted = found
    scored = (f"the course's network trained on your permuted pictures classifies {permuted:.1%} of "
              f"{len(labels)} permuted held-out pictures correctly")
    if unpermuted > unpermuted_at_most:
        return Verdict.fail(f"{scored}, and still {unpermuted:.1%} of the same pictures unpermuted (at most "
                            f"{unpermuted_at_most:.0%} for a network trained on scrambled pixels): the permutation "
                            "leaves the pictures (nearly) as they were", measured=permuted)
    if permuted >= full_at:
        return Verdict.pass_(measured=permuted)
    fraction = max(0.0, (permuted - zero_at) / (full_at - zero_at))
    return Verdict.fail(f"{scored}; full marks from {full_at:.0%}, none at {zero_at:.0%} or less (the same network "
                        "on unpermuted pictures reaches about the same as on consistently permuted ones)",
                        fraction, measured=permuted)


# --- u5.2.q2: a diagonal edge detector ------------------------------------------------------

SIZE = 16


def test_pictures() -> dict[str, torch.Tensor]:
    """16 x 16 pictures of contrast 1: step edges (main diagonal: col > row; anti-diagonal:
    row + col > 15; horizontal; vertical), one-pixel lines along both diagonals, a constant."""
    rows = torch.arange(SIZE, dtype=torch.float64)[:, None].expand(SIZE, SIZE)
    cols = torch.arange(SIZE, dtype=torch.float64)[None, :].expand(SIZE, SIZE)
    return {"main": (cols > rows).double(), "anti": (rows + cols > SIZE - 1).double(),
            "horizontal": (rows >= SIZE // 2).double(), "vertical": (cols >= SIZE // 2).double(),
            "main line": (cols == rows).double(), "anti line": (rows + cols == SIZE - 1).double(),
            "constant": torch.ones(SIZE, SIZE, dtype=torch.float64)}


def responses(kernel: torch.Tensor) -> dict[str, float]:
    """The largest absolute response of `kernel` (3 x 3, float64) to each test picture."""
    return {name: float(F.conv2d(picture[None, None], kernel[None, None]).abs().max())
            for name, picture in test_pictures().items()}


@check_property(example='prop("detects diagonal edges", "DIAG_KERNEL", cases, "diagonal_edge_detector")')
def diagonal_edge_detector(ctx: CaseContext) -> str | None:
    """The case reads DIAG_KERNEL and DIAG_ORIENTATION: a 3 x 3 kernel whose response to a
    constant picture is 0 (within 1e-6), whose largest absolute response to a step edge along
    the declared diagonal is strictly larger than to a horizontal and to a vertical step edge,
    and at least as large as to a one-pixel line along that diagonal (an edge detector, not a
    line detector)."""
    value, orientation = ctx.actual.result(0), ctx.actual.result(1)
    if value is None or orientation is None:
        return "has no answer yet (set DIAG_KERNEL and DIAG_ORIENTATION)"
    kernel = as_tensor(value)
    if kernel is None or kernel.is_complex():
        return f"expected a tensor of shape (3, 3), got {kind_of(value)}"
    if tuple(kernel.shape) != (3, 3):
        return f"expected a kernel of shape (3, 3), got {tuple(kernel.shape)}"
    if orientation not in ("main", "anti"):
        return f"DIAG_ORIENTATION should be 'main' or 'anti', got {kind_of(orientation)}"
    kernel = kernel.to(torch.float64)
    if not bool(torch.isfinite(kernel).all()):
        return "the kernel holds NaN or inf"
    found = responses(kernel)
    edge, line = found[orientation], found[f"{orientation} line"]
    if found["constant"] > 1e-6:
        return (f"it responds to a constant picture with {found['constant']:.4g}: its entries should add up to 0, "
                "so that a region without edges gives 0")
    for other in ("horizontal", "vertical"):
        if not edge > found[other]:
            return (f"its largest response to a {orientation}-diagonal step edge ({edge:.4g}) should be strictly "
                    f"larger than to a {other} step edge ({found[other]:.4g})")
    if line > edge:
        return (f"it responds more strongly to a one-pixel line along the {orientation} diagonal ({line:.4g}) than to "
                f"a step edge along it ({edge:.4g}): that is a line detector; an edge detector compares the two sides "
                "of the diagonal")
    return None


# --- u5.3.q2: the kernel's initialisation ---------------------------------------------------

VARIANCE_WITHIN = 0.08   # relative distance of the sample variance from 1/(3K): 4 standard errors at K = 2,000
KS_REJECTS_BELOW = 1e-4  # p value under which the KS test rejects the uniform law
MEAN_SIGMAS = 4.0


@check_property(example='prop("uniform in +-1/sqrt(K)", "ConvLayer_1", cases, "uniform_kernel")')
def uniform_kernel(ctx: CaseContext) -> str | None:
    """Each non-quiet step returns `conv_layers.kernel_draw` of a freshly built layer of the
    first call's kernel size (p, q): `kern` is an nn.Parameter of shape (p, q) whose entries,
    with K = p q, lie in [-1/sqrt(K), 1/sqrt(K)], have a mean within 4 standard errors of 0, a
    variance within 8 % of 1/(3K), pass a KS test against U[-1/sqrt(K), 1/sqrt(K)] (p >= 1e-4),
    and differ from one construction to the next."""
    size = tuple(int(s) for s in ctx.args[0])
    K = size[0] * size[1]
    bound = 1 / math.sqrt(K)
    draws = []
    for index, outcome in enumerate(ctx.actual.outcomes):
        if outcome.result is None:
            continue
        facts = ctx.actual.result(index)
        if not isinstance(facts, dict) or not facts.get("is a parameter"):
            return "kern should be an nn.Parameter (so that the optimiser trains it), not a plain tensor"
        if facts["shape"] != list(size):
            return f"kern should have shape {size}, got {tuple(facts['shape'])}"
        values = as_tensor(facts["values"])
        if values is None:
            return "the grader could not read kern"
        draws.append(values)
        top = float(values.abs().max())
        if top > bound * (1 + 1e-6):
            return f"an entry of kern is {top:.4g} in size, outside [-1/sqrt(K), 1/sqrt(K)] = [-{bound:.4g}, {bound:.4g}]"
        mean, variance = float(values.mean()), float(values.var())
        if abs(mean) > MEAN_SIGMAS * math.sqrt(bound * bound / 3 / K):
            return f"the entries of kern average {mean:.4g}; a draw from U[-{bound:.4g}, {bound:.4g}] averages about 0"
        if abs(variance / (bound * bound / 3) - 1) > VARIANCE_WITHIN:
            return (f"the entries of kern have variance {variance:.4g}, not within 8% of 1/(3K) = {1 / (3 * K):.4g}, "
                    f"the variance of U[-{bound:.4g}, {bound:.4g}]")
        p = float(kstest(((values + bound) / (2 * bound)).numpy(), "uniform").pvalue)
        if p < KS_REJECTS_BELOW:
            return f"a Kolmogorov-Smirnov test rejects the uniform law on [-{bound:.4g}, {bound:.4g}] (p = {p:.1e})"
    if len(draws) > 1 and all(torch.equal(draws[0], d) for d in draws[1:]):
        return "two constructions gave the same kernel; each layer should draw its own"
    return None


# --- u5.2.q1, u5.4.q1: loops over output positions, not over every entry -------------------

@check_property(secondary=True, example='loops("loops over output positions only", "conv2d_valid", cases, max_growth=20, '
                                        'allowed="a loop over output positions", hint="...")  # common.py')
def operations_grow_at_most(ctx: CaseContext, max_growth: float, allowed: str, hint: str) -> str | None:
    """Each case calls the function on a small and then a large input; the worker counts the
    aten operations each call dispatched. The large call may dispatch at most `max_growth` times
    as many as the small one: what the loops the exercise allows (`allowed`) need, while a Python
    loop over every entry as well grows far more. Counted, not timed: a busy machine cannot fail
    it."""
    counted = [(i, outcome.op_count) for i, outcome in enumerate(ctx.actual.outcomes) if outcome.op_count is not None]
    if len(counted) < 2:
        return "the grader could not count the operations of its calls"
    (i, first), (j, last) = counted[0], counted[-1]
    labels = ctx.step_labels
    if last > max_growth * max(first, 1):
        small, large = (labels[i], labels[j]) if len(labels) > j else ("the small input", "the large one")
        return (f"it dispatches {first:,} operations for {small} and {last:,} for {large}, {last / max(first, 1):.0f} "
                f"times as many, where {allowed} needs at most {max_growth:g} times as many: it loops in Python "
                f"over every entry; {hint}")
    return None


# --- u5.6.q1: LeNet-5 and the augmentation --------------------------------------------------

@check_property(example='prop("weight layers", "LeNet5", cases, "lenet_layout", min_parameters=40_000, '
                        'max_parameters=70_000)')
def lenet_layout(ctx: CaseContext, min_parameters: int, max_parameters: int) -> str | None:
    """The last step returns `networks.weight_layers`: 2 or 3 nn.Conv2d and 2 or 3 nn.Linear
    layers, five in all, and between `min_parameters` and `max_parameters` parameters (other
    layers with parameters, a BatchNorm say, are a modern substitute like ReLU for tanh)."""
    facts = ctx.actual.result()
    if not isinstance(facts, dict) or not {"Conv2d", "Linear", "parameters"} <= set(facts):
        return "the grader could not read the network's layers"
    conv, linear, count = facts["Conv2d"], facts["Linear"], facts["parameters"]
    if not (2 <= conv <= 3 and 2 <= linear <= 3 and conv + linear == 5):
        return (f"it has {conv} Conv2d and {linear} Linear layers; LeNet-5 has five weight layers: two convolutions "
                "and three linear layers (or three convolutions, C5 as a convolution, and two linear layers)")
    if not min_parameters <= count <= max_parameters:
        return (f"it has {count:,} parameters; LeNet-5 has 61,706 (variants from {min_parameters:,} to "
                f"{max_parameters:,} are accepted)")
    return None


@check_property(example='prop("augments pictures", "fmnist_augmentation", cases, "augments_pictures")')
def augments_pictures(ctx: CaseContext, min_changed: float = 0.5) -> str | None:
    """The last step returns `augmentation.batch_facts`: every output a float32 tensor of
    shape (1, 28, 28) with values in [0, 1]; on at least `min_changed` of the pictures one of
    the calls gave another result than the first (random); and a second run from the same seed
    repeated the first (random through torch's, Python's or NumPy's seeded generators)."""
    facts = ctx.actual.result()
    if not isinstance(facts, dict) or "wrong output" not in facts:
        return "the grader could not read what the augmentation did"
    if facts["wrong output"] is not None:
        return (f"for a float32 picture of shape (1, 28, 28) in [0, 1] it returned {facts['wrong output']}; it should "
                "return a picture of the same shape and dtype")
    low, high = facts["smallest"], facts["largest"]
    if low < -1e-5 or high > 1 + 1e-5:
        return (f"its outputs range from {low:.3g} to {high:.3g}; they should stay in [0, 1] like the pictures "
                "(normalise inside the network, not in the augmentation)")
    pictures, tries, changed = facts["pictures"], facts["tries"], facts["changed"]
    if changed < min_changed * pictures:
        return (f"{tries} calls on the same picture gave {tries} equal results for {pictures - changed} of {pictures} "
                "pictures: an augmentation should draw a new variant at every call")
    if not facts["repeated"]:
        return ("two runs from the same seed gave different results: draw the randomness from torch's generator "
                "(torchvision's random transforms do), so that a run can be repeated")
    return None


@experiment(example='rerun("reported accuracy", "ans_u5_1_q2_acc", "plausible_number", low=0.05, high=0.6, '
                    'what="the test accuracy")')
def plausible_number(value: Any, lookups: list, low: float, high: float, what: str) -> str | None:
    """A Python number between `low` and `high`: a result the student measured, judged only
    for plausibility (no re-run reproduces one student's run)."""
    problem = plain_number(value, what)
    if problem:
        return problem
    if not low <= value <= high:
        return f"{what} is {value:.4g}, outside the range such a run reaches ({low:g} to {high:g})"
    return None


def _named(entries: dict, *words: str) -> Any:
    """The entry whose key contains one of `words` (case-insensitive), if exactly one does."""
    found = [key for key in entries if isinstance(key, str) and any(w in key.lower() for w in words)]
    return entries[found[0]] if len(found) == 1 else None


@experiment(example='rerun("reported curves", "ans_u5_6_q1", "training_curves", min_epochs=5, min_final_test=0.8)')
def training_curves(value: Any, lookups: list, min_epochs: int, min_final_test: float) -> str | None:
    """A dict of two runs, "plain" and "augmented" (any keys, the augmented run's containing
    "aug"), each a dict of per-epoch accuracies in [0, 1] under "train" and "test" (any keys
    containing those words: "train_acc" too), at least `min_epochs` of each and as many for train
    as for test; the plain run's last test accuracy at least `min_final_test` (a LeNet-5 trained
    this long on Fashion-MNIST gets there)."""
    if not isinstance(value, dict) or len(value) != 2:
        return ('expected a dict of the two runs, {"plain": {...}, "augmented": {...}}, got '
                + (f"a dict of {len(value)} entries" if isinstance(value, dict) else kind_of(value)))
    augmented = _named(value, "aug")
    if augmented is None:  # "no augmentation" and "augmented": the one without a negation
        negated = ("no", "without", "plain", "non", "base")
        keys = [k for k in value if isinstance(k, str) and "aug" in k.lower() and not any(
            w in k.lower().replace("augment", " ").split() or k.lower().startswith(w) for w in negated)]
        augmented = value[keys[0]] if len(keys) == 1 else None
    if augmented is None:
        return 'name the run with augmentation "augmented"'
    plain = next(v for v in value.values() if v is not augmented)
    finals = {}
    for run, curves in (("plain", plain), ("augmented", augmented)):
        if not isinstance(curves, dict):
            return f'the {run} run should be a dict {{"train": [...], "test": [...]}}, got {kind_of(curves)}'
        lengths = []
        for curve in ("train", "test"):
            values = _named(curves, curve)
            if not isinstance(values, (list, tuple)) or not values:
                return f"the {run} run should have a list of {curve} accuracies, one per epoch, under {curve!r}"
            for v in values:
                problem = plain_number(v, f"an entry of the {run} run's {curve} accuracies")
                if problem:
                    return problem
                if not 0 <= v <= 1:
                    return f"the {run} run's {curve} accuracies hold {v:g}; accuracies lie between 0 and 1"
            lengths.append(len(values))
            finals[(run, curve)] = values[-1]
        if lengths[0] != lengths[1]:
            return f"the {run} run has {lengths[0]} training and {lengths[1]} test accuracies; one of each per epoch"
        if lengths[0] < min_epochs:
            return f"the {run} run has {lengths[0]} epochs; train for at least {min_epochs} to see whether it overfits"
    final = finals[("plain", "test")]
    if final < min_final_test:
        return (f"the plain run ends at a test accuracy of {final:.3g}; a LeNet-5 trained this long on Fashion-MNIST "
                f"reaches at least {min_final_test:g}")
    return None


# --- transforms ------------------------------------------------------------------------------

@transform(example='transforms={"": "named_shapes"}')
def named_shapes(value: Any) -> Any:
    """A list of (name, shape) pairs as [name, [sizes]] (tuples, lists and torch.Size alike),
    without entries named "avgpool" (torchvision's AdaptiveAvgPool2d: an identity at 224 x 224)."""
    if not isinstance(value, (list, tuple)):
        return value
    out = []
    for item in value:
        if isinstance(item, (list, tuple)) and len(item) == 2 and isinstance(item[0], str):
            name, shape = item
            if name == "avgpool":
                continue
            out.append([name, [int(s) for s in shape] if isinstance(shape, (list, tuple)) and
                        all(isinstance(s, int) for s in shape) else shape])
        else:
            out.append(item)
    return out


@transform(example='transforms={"": "as_list"}')
def as_list(value: Any) -> Any:
    """A tuple as a list (a pair of numbers compares alike either way)."""
    return list(value) if isinstance(value, tuple) else value
