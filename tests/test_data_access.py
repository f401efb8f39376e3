"""How checks and student code reach the course's data sets: the sandbox mounts the data
folder read-only and names it in AUTOGRADER_DATA; the judge reads the same folder with the
helpers of autograder.exercises.data; check authors pass objects kept in the worker
(`kept`) and keep large results out of the reply (`quiet`)."""

from __future__ import annotations


import pytest
import torch

from autograder.config.loader import DATA_ENV
from autograder.exercises import Call, kept, output, sequence
from autograder.exercises.data import DataMissing, data_dir, fashion_mnist, idx_pictures, read_idx
from autograder.sandbox.local import LocalSandbox, with_data_dir
from conftest import needs_fashion_mnist


def test_data_dir_is_added_to_the_mounts_once(tmp_path):
    other = tmp_path / "other"
    assert with_data_dir(None, (other,)) == (None, (other,))
    data, mounts = with_data_dir(tmp_path / "data" / ".." / "data", (other,))
    assert data == (tmp_path / "data").resolve() and mounts == (other, data)
    assert with_data_dir(tmp_path, (tmp_path,))[1] == (tmp_path,)


def test_worker_environment_names_the_data_dir(tmp_path, course):
    sandbox = LocalSandbox("none", data_dir=tmp_path)
    env = sandbox._environment(course.config.limits, str(tmp_path))
    assert env[DATA_ENV] == str(tmp_path.resolve())
    assert DATA_ENV not in LocalSandbox("none")._environment(course.config.limits, str(tmp_path))


@needs_fashion_mnist
def test_worker_sees_the_data_through_the_variable(grade, hidden_unit2, solution_unit2, tmp_path):
    """End to end in the sandbox the tests use: the reference's loader reads Fashion-MNIST."""
    result = grade(solution_unit2, hidden_unit2, only=["u2.6.q5"])
    assert result.score == result.max_score > 0, [(e.status, e.summary, e.notes) for e in result.exercises]


def test_kept_objects_and_quiet_calls_in_a_plan():
    spec = output("demo", "f", [sequence(Call((3,), keep_as="big", quiet=True),
                                         Call((kept("big", "the big thing"),), target="g"))])
    plan, _ = spec.plan(seed=0)
    first, second = plan.cases[0].steps
    assert first.observe.result is False and first.keep_as == "big"
    assert second.observe.result is True
    assert second.args[0].t == "handle" and second.args[0].name == "big"
    assert plan.cases[0].step_labels[1].endswith("the big thing")


def test_idx_reader_and_missing_data(tmp_path, monkeypatch):
    path = tmp_path / "x-idx2-ubyte"
    path.write_bytes(bytes([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3]) + bytes(range(6)))
    assert read_idx(path).tolist() == [[0, 1, 2], [3, 4, 5]]
    path.write_bytes(bytes([0, 0, 9, 1, 0, 0, 0, 1, 0]))
    with pytest.raises(DataMissing):
        read_idx(path)
    monkeypatch.delenv(DATA_ENV, raising=False)
    with pytest.raises(DataMissing):
        data_dir()


def test_fashion_mnist_helper_matches_torchvision(course, monkeypatch):
    if not (course.data_dir / "FashionMNIST" / "raw").is_dir():
        pytest.skip("Fashion-MNIST is not in the course's data folder")
    import torchvision

    monkeypatch.setenv(DATA_ENV, str(course.data_dir))
    images, labels = fashion_mnist(train=False)
    reference = torchvision.datasets.FashionMNIST(str(course.data_dir), train=False, download=False)
    assert images.shape == (10000, 28, 28) and images.dtype == torch.uint8 and labels.dtype == torch.int64
    assert torch.equal(images, reference.data) and torch.equal(labels, reference.targets)


def test_helper_targets_resolve_without_the_notebooks_imports():
    """A check may call torch.nn.Linear or torch.utils.data.DataLoader in the worker even
    when no cell the exercise needs imported torch; the student's own names come first."""
    from autograder.probes.run import Prober

    prober = Prober({"f": len})
    assert prober._resolve("torch.nn.Linear") is torch.nn.Linear
    assert prober._resolve("f") is len
    shadow = object()
    assert Prober({"torch": shadow})._resolve("torch") is shadow
    with pytest.raises(LookupError):
        prober._resolve("pandas.DataFrame")


# --- the worker's view for hidden grading, and the held-out pictures ------------------------

def _idx_labels(values: list[int]) -> bytes:
    return bytes([0, 0, 8, 1]) + len(values).to_bytes(4, "big") + bytes(values)


def test_the_worker_view_scrambles_only_the_held_out_test_labels(tmp_path):
    from autograder.exercises.data import HELD_OUT, worker_view

    raw = tmp_path / "data" / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    labels = [i % 10 for i in range(10_000)]
    (raw / "t10k-labels-idx1-ubyte").write_bytes(_idx_labels(labels))
    (raw / "train-labels-idx1-ubyte").write_bytes(_idx_labels(labels[:600]))
    (raw / "train-labels-idx1-ubyte").chmod(0o444)
    (tmp_path / "data" / "link").symlink_to("/etc/hostname")

    view = worker_view(tmp_path / "data", tmp_path / "view")
    seen = list(read_idx(view / "FashionMNIST" / "raw" / "t10k-labels-idx1-ubyte"))
    assert seen[:HELD_OUT.start] == labels[:HELD_OUT.start]
    changed = sum(a != b for a, b in zip(seen[HELD_OUT.start:], labels[HELD_OUT.start:]))
    assert changed > 0.8 * len(HELD_OUT)  # random labels: about 90% differ
    assert max(seen) <= 9  # still valid labels, so loading code works unchanged
    assert read_idx(view / "FashionMNIST" / "raw" / "train-labels-idx1-ubyte").tolist() == labels[:600]
    assert (raw / "train-labels-idx1-ubyte").stat().st_mode & 0o777 == 0o444  # the original keeps its mode
    assert not (view / "link").exists()  # links could point anywhere on the grading machine


def test_the_sandbox_of_hidden_grading_sees_the_view(sandbox, course):
    if not (course.data_dir / "FashionMNIST" / "raw").is_dir():
        pytest.skip(f"Fashion-MNIST is not in {course.data_dir}")
    assert sandbox.data_dir != course.data_dir.resolve()
    seen = read_idx(sandbox.data_dir / "FashionMNIST" / "raw" / "t10k-labels-idx1-ubyte")
    real = read_idx(course.data_dir / "FashionMNIST" / "raw" / "t10k-labels-idx1-ubyte")
    assert (seen[:5000] == real[:5000]).all() and not (seen[5000:] == real[5000:]).all()


@needs_fashion_mnist
def test_held_out_pictures_are_fresh_perturbations_with_true_labels():
    from autograder.exercises.data import HELD_OUT, held_out_pictures

    first, labels = held_out_pictures(torch.Generator().manual_seed(1), 200)
    again, _ = held_out_pictures(torch.Generator().manual_seed(1), 200)
    other, _ = held_out_pictures(torch.Generator().manual_seed(2), 200)
    assert first.shape == (200, 1, 28, 28) and first.dtype == torch.float32
    assert 0 <= first.min() and first.max() <= 1
    assert torch.equal(first, again) and not torch.equal(first, other)
    images, truth = fashion_mnist(train=False)
    pictures = images[HELD_OUT.start:].to(torch.float32) / 255
    nearest = torch.cdist(first.reshape(200, -1), pictures.reshape(len(pictures), -1)).min(dim=1).values
    assert (nearest > 0.5).all()  # no perturbed picture equals a test picture
    distances = torch.cdist(first.reshape(200, -1), pictures.reshape(len(pictures), -1))
    assert set(labels.tolist()) <= set(range(10))
    assert (truth[HELD_OUT.start:][distances.argmin(dim=1)] == labels).float().mean() > 0.5


@needs_fashion_mnist
def test_the_reference_writes_picture_folders_into_its_own_scratch_folder(course):
    """u2.5.q1's inputs write picture folders where they are decoded: the judge's reference
    runs keep them in a folder of their own, removed with the reference, not in /tmp."""
    import gc
    import tempfile
    from pathlib import Path

    from autograder.judge.checkset import HiddenCheckSet

    before = set(Path(tempfile.gettempdir()).glob("autograder-u2.5-*"))
    hidden = HiddenCheckSet(course, "unit2")
    hidden.prepare("u2.5.q1", seed=123)
    scratch = Path(hidden.reference._scratch_dir)
    assert list(scratch.glob("autograder-u2.5-*"))
    assert set(Path(tempfile.gettempdir()).glob("autograder-u2.5-*")) == before
    del hidden
    gc.collect()
    assert not scratch.exists()


def test_views_left_by_killed_runs_are_removed_after_a_day(tmp_path, monkeypatch):
    import os
    import tempfile
    import time

    from autograder import sandbox as sandboxes

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    old, fresh = tmp_path / "autograder-data-old", tmp_path / "autograder-data-fresh"
    old.mkdir()
    fresh.mkdir()
    a_day_ago = time.time() - 25 * 3600
    os.utime(old, (a_day_ago, a_day_ago))
    (tmp_path / "data").mkdir()
    view = sandboxes.held_out_view(tmp_path / "data")
    assert not old.exists() and fresh.exists() and view.exists()


def test_a_student_machine_without_the_data_is_told_so_not_marked_wrong(course, public_unit2, tmp_path):
    """The training checks build their loaders where the code runs; without Fashion-MNIST there
    the exercise is "not graded" with what to do, not a failure of the student's loop."""
    from autograder.judge.grader import GradingOptions, grade_notebook

    result = grade_notebook(public_unit2, course.solutions / "unit2" / "unit2.ipynb", LocalSandbox("auto"),
                            GradingOptions(course.config.limits, only=["u2.8.q3"], seed=1))
    trained = result.exercises[0]
    assert trained.status == "not_graded"
    assert "set AUTOGRADER_DATA to the folder that holds FashionMNIST/raw/" in trained.summary
    assert "train_classifier raised" not in trained.summary


def test_a_grading_machine_without_the_data_still_grades_the_other_checks(course, sandbox, solution_unit3,
                                                                          tmp_path, monkeypatch):
    """u3.3.q2's accuracy check needs Fashion-MNIST in the judge; without it that check is "not
    graded" (the TA's to fix) while the exercise's other checks are graded as usual."""
    from autograder.judge.checkset import HiddenCheckSet
    from autograder.judge.grader import GradingOptions, grade_notebook

    monkeypatch.setenv(DATA_ENV, str(tmp_path))
    idx_pictures.cache_clear()
    try:
        hidden = HiddenCheckSet(course, "unit3")
        result = grade_notebook(hidden, course.solutions / "unit3" / "unit3.ipynb", sandbox,
                                GradingOptions(course.config.limits, only=["u3.3.q2"], seed=3))
    finally:
        idx_pictures.cache_clear()
    graded = result.exercises[0]
    checks = {c.name: c for c in graded.checks}
    assert graded.status == "not_graded" and result.status == "partial-failure"
    assert checks["accuracy with decay"].message.startswith("not graded: the data set this check reads")
    assert checks["rate after k steps"].passed and checks["one scheduler step per epoch"].passed
