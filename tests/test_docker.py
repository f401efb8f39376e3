"""The docker backend for real: containers, limits, hostile submissions, clean-up.

Skipped when no Docker daemon answers; .ci/run installs and starts one. The test image is
described in dockerhost.py.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, exercise, with_code
from dockerhost import IMAGE, docker_client, docker_settings, import_test_image

docker = pytest.importorskip("docker")

CLIENT = docker_client()
pytestmark = pytest.mark.skipif(CLIENT is None, reason="no Docker daemon (.ci/run starts one)")


def ours(judge_pid: int | None = None) -> list:
    """Worker containers: all of them, or those of the judge with this pid."""
    import socket

    label = "org.autograder.role" if judge_pid is None else f"org.autograder.judge={socket.gethostname()}:{judge_pid}"
    return CLIENT.containers.list(all=True, filters={"label": label})


@pytest.fixture(scope="module")
def image() -> str:
    return import_test_image(CLIENT)


@pytest.fixture(scope="module")
def docker_sandbox(image):
    from autograder.config.models import SandboxConfig
    from autograder.sandbox.docker import DockerSandbox

    sandbox = DockerSandbox(SandboxConfig(backend="docker", image=image, host_python=True, prestart=0))
    yield sandbox
    sandbox.close()


@pytest.fixture(scope="module")
def docker_course(tmp_path_factory, image) -> Path:
    root = tmp_path_factory.mktemp("docker-course")
    shutil.copytree(ROOT / "solutions", root / "solutions")
    shutil.copytree(ROOT / "assignments", root / "assignments")
    text = (ROOT / "grader.toml").read_text()
    text = docker_settings(text, image)
    for key, value in {"cell_seconds": 3, "exercise_seconds": 15, "memory_mib": 512}.items():
        text = re.sub(rf"(?m)^{key} = .*$", f"{key} = {value}", text)
    (root / "grader.toml").write_text(text)
    return root


def test_container_is_locked_down(docker_sandbox, course):
    from autograder.protocol.messages import RunCell

    worker = docker_sandbox.start(course.config.limits)
    try:
        attrs = worker.container.attrs["HostConfig"]
        assert attrs["NetworkMode"] == "none" and attrs["ReadonlyRootfs"] is True
        assert attrs["CapDrop"] == ["ALL"] and "no-new-privileges" in attrs["SecurityOpt"]
        assert attrs["Memory"] > 0 and attrs["PidsLimit"] == course.config.limits.processes
        assert worker.container.attrs["Config"]["User"] == "65534:65534"
        probe = ("import os, socket\nUID = os.getuid()\ntry:\n    socket.create_connection(('1.1.1.1', 80), 2)\n"
                 "    NET = 'open'\nexcept OSError:\n    NET = 'blocked'\ntry:\n    open('/etc/evil', 'w')\n"
                 "    ROOTFS = 'writable'\nexcept OSError:\n    ROOTFS = 'read-only'\n"
                 "SOLUTIONS = os.path.exists(" + repr(str(ROOT / "solutions")) + ")\n")
        worker.send(RunCell(index=1, source=probe, timeout=20))
        reply, _ = worker.receive(time.monotonic() + 30)
        assert reply.error is None, reply.error
        from autograder.checks.observed import Observed
        from autograder.protocol import codec, framing
        from autograder.protocol.messages import RunCase, Step

        worker.send(RunCase(steps=[Step(target=n, call=False) for n in ("UID", "NET", "ROOTFS", "SOLUTIONS")],
                            seed=0, timeout=10))
        reply, payload = worker.receive(time.monotonic() + 20)
        seen = Observed(reply.outcomes, codec.load_payload(payload, framing.MAX_PAYLOAD))
        assert [seen.result(i) for i in range(4)] == [65534, "blocked", "read-only", False]
    finally:
        worker.close()
    assert not ours() or all(c.id != worker.container.id for c in ours())


HOSTILE = {
    "u1.1.q2": "import socket, urllib.request\ntry:\n    urllib.request.urlopen('http://example.com', timeout=2)\n"
               "except Exception as exc:\n    print('network:', type(exc).__name__)\n"
               "def random_bits(shape, generator=None):\n    return socket.gethostbyname('example.com')\n",
    "u1.3.q1": "import os\nfor _ in range(10000):\n    try:\n        os.fork()\n    except OSError:\n        break\n"
               "def negatives_to_inf(X):\n    return X\n",
    "u1.3.q2": "import torch\nhog = [torch.ones(2**27) for _ in range(64)]\n"
               "def odd_index_slice(X, shape=(2, 5, 10)):\n    return X\n",
    "u1.4.q1": "open('/usr/lib/evil.txt', 'w').write('x')\n"
               "def double_as_column_(x):\n    return x\n",
    "u1.6.q1": "def backward_twice(retain_graph):\n    while True:\n        pass\n",
}


def test_hostile_submissions_get_rows_and_leave_no_container(docker_sandbox, solution_unit1, hidden_unit1):
    notebook = with_code(solution_unit1, **{k.replace(".", "_"): v for k, v in HOSTILE.items()})
    from autograder.judge.grader import GradingOptions, grade_notebook

    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"hostile-{os.getpid()}.ipynb"
    import nbformat

    nbformat.write(notebook, str(path))
    limits = hidden_unit1_limits()
    result = grade_notebook(hidden_unit1, path, docker_sandbox, GradingOptions(limits, seed=3))
    path.unlink()
    for exercise_id in HOSTILE:
        assert exercise(result, exercise_id).points < exercise(result, exercise_id).max_points, exercise_id
    for untouched in ("u1.1.q1", "u1.2.q1", "u1.5.q1", "u1.6.q2"):
        graded = exercise(result, untouched)
        # every check but the timing ones, which a loaded machine (a parallel test run) can fail
        wrong = [c.message for c in graded.checks if not c.passed and c.kind != "perf"]
        assert not wrong, (untouched, wrong, graded.notes)
    assert "memory" in " ".join(exercise(result, "u1.3.q2").notes + [exercise(result, "u1.3.q2").summary])
    assert "did not finish" in exercise(result, "u1.6.q1").summary
    assert not os.path.exists("/usr/lib/evil.txt")
    assert ours() == []


def hidden_unit1_limits():
    from autograder.config.models import Limits

    return Limits(cell_seconds=5, exercise_seconds=30, notebook_seconds=180, memory_mib=512, processes=64)


def _grade_cli(course_dir: Path, *args: str, **popen) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder", *args, "--course", str(course_dir)],
                          capture_output=True, text=True, timeout=600, **popen)


def test_docker_and_local_give_the_same_results(docker_course, tmp_path):
    rows = {}
    for backend in ("docker", "local"):
        out = tmp_path / backend
        run = _grade_cli(docker_course, "grade", "unit1", str(ROOT / "samples/unit1"), "--out", str(out),
                         "--seed", "5", "--backend", backend)
        assert run.returncode == 0, run.stderr
        rows[backend] = list(csv.DictReader(io.StringIO((out / "grades.csv").read_text())))
        rows[backend + "-feedback"] = {p.name: p.read_text() for p in (out / "results").glob("*.json")}
    assert rows["docker"] == rows["local"]
    assert rows["docker-feedback"] == rows["local-feedback"]
    assert ours() == []


def test_interrupted_batch_removes_its_containers(docker_course, tmp_path):
    out = tmp_path / "out"
    process = subprocess.Popen([sys.executable, "-m", "autograder", "grade", "unit1", str(ROOT / "samples/unit1"),
                                "--out", str(out), "--course", str(docker_course), "--backend", "docker"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not ours(process.pid):
        time.sleep(0.1)
    assert ours(process.pid), "no container was started"
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "run the same command again" in stderr
    assert ours() == []


def test_a_killed_judge_leaves_containers_the_next_one_removes(docker_course, tmp_path):
    process = subprocess.Popen([sys.executable, "-m", "autograder", "grade", "unit1", str(ROOT / "samples/unit1"),
                                "--out", str(tmp_path / "out"), "--course", str(docker_course), "--backend", "docker"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not ours(process.pid):
        time.sleep(0.1)
    process.kill()
    process.wait()
    orphans = ours(process.pid)
    assert orphans, "the killed judge's containers should still be there"
    folders = [m["Source"] for c in orphans for m in c.attrs["Mounts"] if m["Destination"] == "/run/autograder"]
    assert folders and all(os.path.isdir(f) for f in folders)
    from autograder.sandbox.docker import remove_orphans

    assert remove_orphans(CLIENT) >= 1
    assert ours() == []
    assert not any(os.path.exists(f) for f in folders), "the killed judge's socket folders were left behind"


def test_doctor_reports_the_docker_setup(docker_course):
    run = _grade_cli(docker_course, "doctor", "--backend", "docker")
    assert "Docker reachable" in run.stdout
    assert "autograder-test-host:latest" in run.stdout
    assert "GPUs visible to Docker" in run.stdout or "no GPUs visible to Docker" in run.stdout


def test_missing_image_and_required_gpu_are_clear_errors(docker_course, tmp_path):
    from autograder.config.models import SandboxConfig
    from autograder.sandbox.base import SandboxError
    from autograder.sandbox.docker import DockerSandbox, gpus_available

    with pytest.raises(SandboxError, match="docker build -t nothing-here:1"):
        DockerSandbox(SandboxConfig(backend="docker", image="nothing-here:1"))
    if not gpus_available(CLIENT):
        with pytest.raises(SandboxError, match="no GPUs to give"):
            DockerSandbox(SandboxConfig(backend="docker", image=IMAGE, host_python=True, gpu="required"))
