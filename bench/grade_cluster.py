"""A 40-submission class on this machine: local executor vs Ray, and the image's build time.

    python bench/grade_cluster.py            # both parts
    python bench/grade_cluster.py --no-image # only the grading part

Grading: the generated unit-1 class of tests/classgen.py (every kind of student, topped up
with complete ones to 40) is graded with `--executor local --jobs 2` (the baseline) and on
a Ray cluster of two node processes with one CPU each (tests/raycluster.py), so both grade
two submissions at a time. Printed: wall time, throughput, and Ray's overhead per task
(the extra wall time times two slots, over 40 tasks), plus the round trip of an empty Ray
task with the same resource request, for what Ray's scheduler costs alone.

Image: scripts/build-image.sh with nothing cached (the made base and the bench's image
removed first) and again with everything cached; the warm build is the baseline.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from classgen import Student, make_class, submission, write_folders  # noqa: E402
from raycluster import LocalRayCluster  # noqa: E402

LIMITS = {"cell_seconds": 3, "exercise_seconds": 20, "notebook_seconds": 120, "memory_mib": 512}
CLASS_SIZE = 40
IMAGE = "autograder-worker:bench"


def forty_students() -> list[Student]:
    students = make_class()
    good = submission()
    while len(students) < CLASS_SIZE:
        key = f"extra{len(students):02d}"
        students.append(Student(key, key, str(500 + len(students)), "graded", {"unit1.ipynb": good}, True))
    return students[:CLASS_SIZE]


def course(root: Path) -> Path:
    shutil.copytree(ROOT / "solutions", root / "solutions")
    shutil.copytree(ROOT / "assignments", root / "assignments")
    text = (ROOT / "grader.toml").read_text()
    for key, value in LIMITS.items():
        text = re.sub(rf"(?m)^{key} = .*$", f"{key} = {value}", text)
    (root / "grader.toml").write_text(text)
    return root


def timed_grade(course_dir: Path, submissions: Path, out: Path, *extra: str) -> float:
    started = time.monotonic()
    run = subprocess.run([sys.executable, "-m", "autograder", "grade", "unit1", str(submissions), "--out", str(out),
                          "--course", str(course_dir), "--seed", "1", *extra], capture_output=True, text=True)
    seconds = time.monotonic() - started
    if run.returncode != 0:
        sys.exit(f"grading failed:\n{run.stderr[-3000:]}")
    return seconds


def empty_task_round_trip(address: str, tasks: int = 200) -> float:
    """Seconds per empty task with one CPU and the unit's memory, submitted all at once."""
    probe = f"""
import time, ray
ray.init(address={address!r}, logging_level="ERROR")
f = ray.remote(lambda: None).options(num_cpus=1, memory=(512 + 1536) * 2**20)
ray.get([f.remote() for _ in range(4)])  # workers started
t = time.monotonic(); ray.get([f.remote() for _ in range({tasks})]); print((time.monotonic() - t) / {tasks})
"""
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    return float(run.stdout.strip().splitlines()[-1])


def grading_rows(work: Path) -> list[tuple[str, float, str]]:
    course_dir = course(work / "course")
    submissions = write_folders(forty_students(), work / "class")
    local = timed_grade(course_dir, submissions, work / "local", "--jobs", "2")
    cluster = LocalRayCluster(cpus_per_node=1, nodes=2)
    try:
        cluster.start()
        on_ray = timed_grade(course_dir, submissions, work / "ray", "--executor", "ray", "--address", cluster.address)
        empty = empty_task_round_trip(cluster.address)
    finally:
        cluster.stop()
    same = (work / "local" / "grades.csv").read_text() == (work / "ray" / "grades.csv").read_text()
    overhead = (on_ray - local) * 2 / CLASS_SIZE
    return [
        ("local executor, --jobs 2 (baseline)", local, f"{CLASS_SIZE / local * 60:.1f} submissions/min"),
        ("Ray, 2 nodes x 1 CPU", on_ray, f"{CLASS_SIZE / on_ray * 60:.1f} submissions/min "
                                        f"({local / on_ray:.2f} x the baseline's); {overhead:+.2f} s per task; "
                                        f"rows equal: {same}"),
        ("  an empty Ray task (scheduler alone)", empty, f"{empty * 1000:.1f} ms per task, 200 queued at once"),
    ]


def build_rows() -> list[tuple[str, float, str]]:
    import docker

    client = docker.from_env()
    for image in [IMAGE, *[t for i in client.images.list(name="autograder-base") for t in i.tags]]:
        try:
            client.images.remove(image, force=True)
        except docker.errors.ImageNotFound:
            pass
    client.images.prune(filters={"dangling": True})
    cold = _build()
    warm = _build()
    return [("image build, warm cache (baseline)", warm, "base kept, every layer cached"),
            ("image build, cold cache", cold, "debootstrap, torch, dependencies, data, package")]


def _build() -> float:
    started = time.monotonic()
    run = subprocess.run([str(ROOT / "scripts/build-image.sh"), IMAGE], capture_output=True, text=True,
                         env={**__import__("os").environ, "PYTHON": sys.executable})
    if run.returncode != 0:
        sys.exit(f"the image build failed:\n{run.stdout[-2000:]}{run.stderr[-2000:]}")
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-image", action="store_true", help="skip the image build timings")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as folder:
        grading = grading_rows(Path(folder))
    building = [] if args.no_image else build_rows()
    print(f"{'what':40} {'seconds':>8} {'ratio':>6}  notes")
    for rows in (grading, building):
        if not rows:
            continue
        baseline = rows[0][1]
        for what, seconds, notes in rows:
            ratio = f"{seconds / baseline:.2f}" if "empty" not in what else "-"
            print(f"{what:40} {seconds:8.2f} {ratio:>6}  {notes}")


if __name__ == "__main__":
    main()
