"""Case builders and data that several of unit 2's exercises share.

The course's blob data set is `make_blobs(n_samples=100, n_features=2, centers=2,
random_state=1)`; hidden checks add fresh blobs drawn with seeds from the check's `Draw`.
"""

import torch
from sklearn.datasets import make_blobs

from autograder.exercises import made
from autograder_units.unit2.public.fixtures import course_blobs

F64 = torch.float64
START = (1.0, -1.0, 5.5)  # the text's deliberately poor starting line


def blobs(n: int = 100, k: int = 2, seed: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
    """make_blobs as float64 tensors: points (n, k) and labels 0.0/1.0 (n,)."""
    points, labels = make_blobs(n_samples=n, n_features=k, centers=2, random_state=seed)
    return torch.tensor(points), torch.tensor(labels, dtype=F64)


X, Y = blobs()
COURSE = "the course's blobs"
if not (torch.equal(course_blobs.points(), X) and torch.equal(course_blobs.labels(), Y)):
    raise RuntimeError("public/fixtures/course_blobs.py does not hold make_blobs' values: write it out again")


def course_data(d, dtype: torch.dtype = F64) -> tuple:
    """The course's blobs (X, Y) in `dtype`, as a case's first two arguments: the tensors in
    hidden grading; in the public release, the same values built where the checked code runs
    (public/fixtures/course_blobs.py) instead of 2.4 KB in every case."""
    if d.release:
        name = str(dtype).removeprefix("torch.")
        return (made("course_blobs.points", name, label=f"{COURSE} (points)"),
                made("course_blobs.labels", name, label=f"{COURSE} (labels)"))
    return (X, Y) if dtype == F64 else (X.to(dtype), Y.to(dtype))


def steps(count: int) -> str:
    return f"{count} step" + ("" if count == 1 else "s")


def fresh_seed(d) -> int:
    return d.child_seed() % 2**32


def weight(d, low: float = 0.2, high: float = 3.0) -> float:
    """A weight whose magnitude stays away from 0, with a random sign."""
    return round(d.py.choice([-1, 1]) * d.py.uniform(low, high), 4)


def random_start(d) -> tuple[float, float, float]:
    return weight(d), weight(d), round(d.py.uniform(-6, 6), 3)


BLOBS = {"X": X.tolist(), "Y": Y.tolist()}


def picture_width(d) -> int:
    """The width of the softmax checks' inputs: a picture's 784 pixels in hidden grading, 30 in
    the public release, where each expected gradient of a (10, 784) float64 W would weigh 63 KB."""
    return 30 if d.release else 784


def input_label(n: int, dtype: torch.dtype, width: int) -> str:
    """How feedback names `n` inputs: pictures when they are 784 wide."""
    name = str(dtype).removeprefix("torch.")
    if width == 784:
        return f"{n} {name} picture{'s' if n > 1 else ''}"
    return f"{n} {name} input{'s' if n > 1 else ''} of width {width}"


def softmax_inputs(d, n: int, score: float, dtype=F64, classes: int = 10, width: int = 784):
    X = d.rand(n, width, dtype=dtype)
    W = d.randn(classes, width, dtype=dtype)
    W = W * (score / (X @ W.T).abs().max().clamp_min(1e-12))
    return W, d.randn(classes, dtype=dtype), X, d.randint(0, classes, (n,))
