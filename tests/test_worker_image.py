"""The production image, built from Dockerfile and used for real: no host Python mounted.

scripts/build-image.sh makes the image (on a base made here from Debian's packages, since
no image registry is reachable) and labels it with the code it holds. .ci/run starts that
build in the background before the tests, so it is usually done when this module runs
(the script's lock makes this call wait for it); a machine that built it before keeps the
base and Docker's layer cache. Skipped without a Docker daemon or without debootstrap.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from classgen import make_class, write_folders
from conftest import ROOT
from dockerhost import docker_client

IMAGE = "autograder-worker:latest"
CLIENT = docker_client()
pytestmark = [
    pytest.mark.skipif(CLIENT is None, reason="no Docker daemon (.ci/run starts one)"),
    pytest.mark.skipif(shutil.which("debootstrap") is None and CLIENT is not None
                       and not CLIENT.images.list(name="autograder-base"),
                       reason="no debootstrap to make the base image (.ci/run installs it)"),
]
BY_KEY = {s.key: s for s in make_class()}
CLASS = [BY_KEY[k] for k in ("good00", "partly00", "crash0", "corrupt", "nonotebook")]
LIMITS = {"cell_seconds": 3, "exercise_seconds": 20, "notebook_seconds": 120, "memory_mib": 512}


@pytest.fixture(scope="module")
def image() -> str:
    build = subprocess.run([str(ROOT / "scripts/build-image.sh"), IMAGE], capture_output=True, text=True,
                           timeout=1800, env=_env())
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    return IMAGE


def _env() -> dict:
    import os

    return {**os.environ, "PYTHON": sys.executable}


@pytest.fixture(scope="module")
def course_dir(tmp_path_factory, image) -> Path:
    root = tmp_path_factory.mktemp("image-course")
    shutil.copytree(ROOT / "solutions", root / "solutions")
    shutil.copytree(ROOT / "assignments", root / "assignments")
    text = (ROOT / "grader.toml").read_text()
    for key, value in LIMITS.items():
        text = re.sub(rf"(?m)^{key} = .*$", f"{key} = {value}", text)
    text = text.replace('backend = "local"', f'backend = "local"\nimage = "{image}"\nhost_python = false\nprestart = 1')
    (root / "grader.toml").write_text(text)
    return root


def _autograder(course_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder", *args, "--course", str(course_dir)],
                          capture_output=True, text=True, timeout=600)


def _rows(out: Path) -> dict[str, dict]:
    return {r["student"]: r for r in csv.DictReader(io.StringIO((out / "grades.csv").read_text()))}


def test_the_image_grades_a_class_with_its_own_python(course_dir, image, tmp_path):
    submissions = write_folders(CLASS, tmp_path / "submissions")
    out = tmp_path / "docker"
    run = _autograder(course_dir, "grade", "unit1", str(submissions), "--out", str(out), "--seed", "3",
                      "--backend", "docker")
    assert run.returncode == 0, run.stderr
    rows = _rows(out)
    assert {k: rows[k]["status"] for k in rows} == {s.key: s.status for s in CLASS}
    assert rows["good00"]["total"] == "95"
    assert rows["partly00"]["u1.1.q1"] == "0" and rows["partly00"]["total"] == "85"  # the same as test_batch's
    assert "stopped the grader's worker" in rows["crash0"]["reason"]
    image_torch = CLIENT.containers.run(image, entrypoint=["python", "-c", "import torch; print(torch.__version__)"],
                                        remove=True, network_mode="none").decode().strip()
    record = json.loads((tmp_path / "docker" / ".autograder" / "records" / "good00.json").read_text())
    environment = record["result"]["environment"]
    # the worker ran the image's own Python and torch: nothing of this machine's is mounted
    assert environment["torch"] == image_torch and environment["isolation"].startswith("docker container")


def test_doctor_reports_the_built_image_current(course_dir, image):
    run = _autograder(course_dir, "doctor", "--backend", "docker")
    assert f"image {image} is current" in run.stdout, run.stdout
    labels = CLIENT.images.get(image).labels
    assert labels["org.autograder.source"] != "unknown"
