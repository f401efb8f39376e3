"""`autograder grade --executor ray` on a real Ray cluster: two node processes on this machine.

One cluster for the module. The generated class (a sample of every kind of student in
classgen.py) is graded on this machine with `--jobs 2` and on the cluster with the same
seed: the rows and results must be equal. A second run loses a Ray worker process in the
middle and is interrupted, then resumed: every row still ends present and correct.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from classgen import make_class, write_folders
from conftest import ROOT

ray = pytest.importorskip("ray", reason="Ray is not installed: pip install -e '.[ray]' ('.[test]' includes it)")

from autograder.batch.ray_executor import NODE_CACHE, pack  # noqa: E402
from autograder.config.loader import find_course  # noqa: E402
from raycluster import LocalRayCluster  # noqa: E402

LIMITS = {"cell_seconds": 3, "exercise_seconds": 20, "notebook_seconds": 120, "memory_mib": 512}
SEED = "11"
BY_KEY = {s.key: s for s in make_class()}
CLASS = [BY_KEY[k] for k in ("good00", "good01", "good02", "partly00", "partly01", "partly02", "partly03",
                             "crash0", "endless0", "memory0", "flood", "corrupt", "nonotebook", "wrongunit",
                             "twoversions")]
# the course's data folder: unit 1 reads none, but the driver ships it to the nodes all the same
DATA = find_course(ROOT).data_dir
ENV = {**os.environ, "AUTOGRADER_DATA": str(DATA)}
FAULT_CLASS = [BY_KEY[k] for k in ("good03", "good04", "good05", "good06", "partly04", "partly05", "partly06",
                                   "partly07")]


@pytest.fixture(scope="module")
def course_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("course")
    shutil.copytree(ROOT / "solutions", root / "solutions")
    shutil.copytree(ROOT / "assignments", root / "assignments")
    text = (ROOT / "grader.toml").read_text()
    for key, value in LIMITS.items():
        text = re.sub(rf"(?m)^{key} = .*$", f"{key} = {value}", text)
    (root / "grader.toml").write_text(text)
    return root


@pytest.fixture(scope="module")
def cluster():
    started = LocalRayCluster(cpus_per_node=1, nodes=2)
    try:
        yield started.start()
    finally:
        started.stop()


def grade(course_dir: Path, submissions: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(_command(course_dir, submissions, out, *extra), capture_output=True, text=True, timeout=600,
                          env=ENV)


def _command(course_dir: Path, submissions: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "autograder", "grade", "unit1", str(submissions), "--out", str(out),
            "--course", str(course_dir), "--seed", SEED, *extra]


def rows(out: Path) -> dict[str, dict]:
    return {r["student"]: r for r in csv.DictReader(io.StringIO((out / "grades.csv").read_text()))}


def results(out: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted((out / "results").glob("*.json"))}


@pytest.fixture(scope="module")
def classes(tmp_path_factory) -> dict[str, Path]:
    """The sample and the fault run's class, each in its own folder (the rows name their paths)."""
    base = tmp_path_factory.mktemp("classes")
    return {"sample": write_folders(CLASS, base / "sample"), "fault": write_folders(FAULT_CLASS, base / "fault")}


@pytest.fixture(scope="module")
def local_run(course_dir, classes, tmp_path_factory) -> dict[str, Path]:
    """The reference: both classes graded on this machine, two at a time."""
    base = tmp_path_factory.mktemp("local")
    outs = {}
    for name, submissions in classes.items():
        run = grade(course_dir, submissions, base / name, "--jobs", "2")
        assert run.returncode == 0, run.stderr
        outs[name] = base / name
    return outs


def test_rows_on_the_cluster_equal_local_mode(course_dir, classes, cluster, local_run, tmp_path):
    out = tmp_path / "out"
    shipped = Path(tempfile.gettempdir()) / NODE_CACHE / hashlib.sha256(pack({"data": DATA})).hexdigest()
    shutil.rmtree(shipped, ignore_errors=True)  # a copy left by an earlier run
    run = grade(course_dir, classes["sample"], out, "--executor", "ray", "--address", cluster.address)
    assert run.returncode == 0, run.stderr
    # the data folder travelled through the object store and was unpacked where the nodes run
    assert sorted(p.name for p in (shipped / "data").iterdir()) == sorted(p.name for p in DATA.iterdir())
    assert f"graded {len(CLASS)}, kept 0" in run.stderr
    want = rows(local_run["sample"])
    got = rows(out)
    assert sorted(got) == sorted(s.key for s in CLASS)
    for student in CLASS:
        assert got[student.key] == want[student.key], student.key
        assert got[student.key]["status"] == student.status, (student.key, got[student.key]["reason"])
    local_results = results(local_run["sample"])
    for name, text in results(out).items():
        assert text == local_results[name], name
    assert "stopped the grader's worker" in got["crash0"]["reason"]


def test_a_lost_worker_and_an_interrupted_driver_still_end_with_every_row(course_dir, classes, cluster, local_run,
                                                                         tmp_path):
    out = tmp_path / "out"
    command = _command(course_dir, classes["fault"], out, "--executor", "ray", "--address", cluster.address)
    driver = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=ENV)
    records = out / ".autograder" / "records"

    def recorded() -> int:
        return len(list(records.glob("*.json"))) if records.is_dir() else 0

    victim = _wait_for(lambda: recorded() >= 1 and cluster.grading_workers(), driver)
    _signal_pid(victim[0], signal.SIGKILL)  # a Ray worker process dies in the middle of a submission
    _wait_for(lambda: recorded() >= 4, driver)
    driver.send_signal(signal.SIGINT)
    _, stderr = driver.communicate(timeout=120)
    assert driver.returncode == 130, stderr
    assert "run the same command again" in stderr
    done = recorded()
    assert 4 <= done < len(FAULT_CLASS)

    resumed = subprocess.run(command, capture_output=True, text=True, timeout=600, env=ENV)
    assert resumed.returncode == 0, resumed.stderr
    assert f"graded {len(FAULT_CLASS) - done}, kept {done} unchanged" in resumed.stderr
    want, got = rows(local_run["fault"]), rows(out)
    assert sorted(got) == sorted(s.key for s in FAULT_CLASS)
    for student in FAULT_CLASS:
        assert got[student.key] == want[student.key], student.key


def test_a_node_that_cannot_sandbox_refuses_unless_allowed(course_dir, classes, cluster, tmp_path):
    plain = tmp_path / "course"
    shutil.copytree(course_dir, plain)
    config = plain / "grader.toml"
    config.write_text(config.read_text().replace('isolation = "auto"', 'isolation = "none"'))
    submissions = write_folders([BY_KEY["good00"]], tmp_path / "one")
    refused = grade(plain, submissions, tmp_path / "refused", "--executor", "ray", "--address", cluster.address)
    assert refused.returncode == 0, refused.stderr
    row = rows(tmp_path / "refused")["good00"]
    assert row["status"] == "not-gradable" and "cannot sandbox student code" in row["reason"], row
    allowed = grade(plain, submissions, tmp_path / "allowed", "--executor", "ray", "--address", cluster.address,
                    "--allow-reduced-isolation")
    assert allowed.returncode == 0, allowed.stderr
    assert rows(tmp_path / "allowed")["good00"]["total"] == "95"


def test_a_task_that_dies_every_time_gets_a_row_that_says_so(cluster):
    from autograder.batch.ray_executor import GradingLost, RayExecutor, connect
    from autograder.batch.ingest import Submission
    from autograder.config.models import RayConfig, TaskResources

    ray_module = connect(cluster.address)
    try:
        executor = RayExecutor(RayConfig(retries=1), TaskResources())
        dies = ray_module.remote(lambda: __import__("os")._exit(1)).options(max_retries=1, num_cpus=1)
        outcome = executor._outcome(ray_module, dies.remote(), Submission(student="zoe"))
    finally:
        ray_module.shutdown()
    assert isinstance(outcome, GradingLost)
    assert "died 2 time(s)" in str(outcome) and "--only zoe" in str(outcome)


def test_grader_toml_errors_name_the_key(tmp_path):
    from autograder.config.loader import ConfigError, load_config

    path = tmp_path / "grader.toml"
    path.write_text('[batch]\nexecutor = "spark"\n[units.unit1]\npoints = {"u1.1.q1" = 1}\n'
                    '[units.unit1.resources]\ngpus = 1.5\n')
    with pytest.raises(ConfigError) as error:
        load_config(path)
    text = str(error.value)
    assert str(path) in text and "key batch.executor" in text and "key units.unit1.resources.gpus" in text


def _wait_for(condition, driver: subprocess.Popen, seconds: float = 300):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        assert driver.poll() is None, driver.communicate()[1]
        time.sleep(0.05)
    raise AssertionError("the run did not get there in time")


def _signal_pid(pid: int, sig: int) -> None:
    import os

    os.kill(pid, sig)


def test_a_tasks_gpu_share_is_what_its_containers_get(monkeypatch):
    pytest.importorskip("docker")
    from autograder.sandbox.docker import _gpu_requests

    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "1,3")  # what Ray sets for a task given cards 1 and 3
    assert [r["DeviceIDs"] for r in _gpu_requests()] == [["1", "3"]]
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "")
    assert _gpu_requests() is None
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES")
    assert [r["Count"] for r in _gpu_requests()] == [-1]
