"""The local sandbox holds hostile notebooks: what student code can reach, and what it
cannot do to the grading of the exercises that do not depend on it.

Probes of the sandbox's walls run in one worker through the worker API; the behaviour
tests grade a few notebooks that each hold several hostile cells (every exercise is
graded on its own, and a cell that hangs or kills the worker is left out on restart).
"""

from __future__ import annotations

import os
import stat
import sys
import time
import uuid
from pathlib import Path

import nbformat
import pytest

from autograder.checks.observed import Observed
from autograder.config.models import Limits
from autograder.judge.grader import GradingOptions, grade_notebook
from autograder.protocol import codec, framing
from autograder.protocol.messages import CaseDone, CellDone, RunCase, RunCell, Step
from autograder.sandbox import process
from autograder.sandbox.local import PACKAGE_DIR, LocalSandbox, bwrap_usable
from autograder.sandbox.uids import BASE as SLOT_UID_BASE
from conftest import ROOT, exercise, with_code

SMALL = dict(cell_seconds=3, exercise_seconds=8, notebook_seconds=120, memory_mib=512)



# -- helpers ------------------------------------------------------------------------------

def run_cell(worker, source: str, index: int = 1, timeout: float = 20.0) -> CellDone:
    worker.send(RunCell(index=index, source=source, timeout=timeout))
    reply, _ = worker.receive(time.monotonic() + timeout + 10)
    assert isinstance(reply, CellDone), reply
    return reply


def read_global(worker, name: str):
    """The value of a global of the worker's notebook namespace, decoded inertly."""
    worker.send(RunCase(steps=[Step(target=name, call=False)], seed=0, timeout=10))
    reply, payload = worker.receive(time.monotonic() + 20)
    assert isinstance(reply, CaseDone), reply
    observed = Observed(reply.outcomes, codec.load_payload(payload, framing.MAX_PAYLOAD))
    assert observed.error() is None, observed.error()
    return observed.result()


def worker_processes_left() -> list[tuple[int, int]]:
    """(pid, uid) of sandbox-user processes that are ours or orphaned (escaped)."""
    ours = set(process.descendants(os.getpid())) - {os.getpid()}
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        uid = int(fields.get("Uid", "0").split()[0])
        ppid = int(fields.get("PPid", "0").split()[0])
        state = fields.get("State", "").split()[0] if fields.get("State") else ""
        if uid >= SLOT_UID_BASE and state != "Z" and (int(entry.name) in ours or ppid in (0, 1)):
            found.append((int(entry.name), uid))
    return found


def wait_until_no_worker_processes(seconds: float = 5.0) -> list[tuple[int, int]]:
    left = worker_processes_left()
    deadline = time.monotonic() + seconds
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = worker_processes_left()
    return left


def world_traversable(path: Path) -> bool:
    return all(os.stat(p).st_mode & stat.S_IXOTH for p in (path, *path.parents))


@pytest.fixture(scope="module")
def bwrap_sandbox() -> LocalSandbox:
    if not bwrap_usable():
        pytest.skip("bubblewrap is not usable here")
    return LocalSandbox("bwrap")


@pytest.fixture(scope="module")
def module_grade(course, tmp_path_factory):
    folder = tmp_path_factory.mktemp("sandbox-notebooks")

    def _grade(notebook, checkset, sandbox, only=None, **limit_overrides):
        path = folder / f"nb-{len(list(folder.iterdir()))}.ipynb"
        nbformat.write(notebook, str(path))
        limits = course.config.limits.model_copy(update=limit_overrides)
        return grade_notebook(checkset, path, sandbox, GradingOptions(limits, only=only, seed=7))

    return _grade


# -- the sandbox's walls, probed from inside one worker ------------------------------------

HIDDEN_CHECKS = ROOT / "solutions" / "unit1" / "exercises" / "u1_3_q1" / "exercise.py"
HOST_ONLY = [ROOT / "grader.toml", HIDDEN_CHECKS, ROOT / "solutions" / "unit1" / "common.py",
             ROOT / "solutions" / "unit1" / "unit1.ipynb", ROOT / "assignments" / "unit1" / "checks" / "checks.json",
             ROOT / "tests" / "conftest.py",
             Path.home() / ".bashrc", Path.home() / ".gitconfig"]

PROBE = r'''
import os, socket
PROBE = {"uid": os.getuid(), "euid": os.geteuid(), "cwd": os.getcwd()}

def attempt(name, action):
    try:
        PROBE[name] = "ok: " + str(action())
    except BaseException as exc:
        PROBE[name] = "failed: " + type(exc).__name__

def connect():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(3)
    s.connect(("1.1.1.1", 80))
    return "connected"

def urlopen():
    import urllib.request
    return urllib.request.urlopen("http://example.com/", timeout=3).status

def write(path):
    with open(path, "w") as f:
        f.write("written by the sandboxed worker")
    return path

attempt("connect", connect)
attempt("dns", lambda: socket.getaddrinfo("example.com", 80)[0][4][0])
attempt("urlopen", urlopen)
for path in HOST_ONLY:
    attempt("read " + path, lambda: len(open(path, "rb").read()))
attempt("list course", lambda: sorted(os.listdir(COURSE)))
attempt("list home", lambda: sorted(os.listdir(HOME)))
for path in ["/usr/lib/" + MARKER, COURSE + "/" + MARKER, "/" + MARKER, "/opt/" + MARKER]:
    attempt("write " + path, lambda: write(path))
attempt("write tmp", lambda: write("/tmp/" + MARKER))
attempt("write cwd", lambda: write(MARKER))
attempt("kill parent", lambda: os.kill(os.getppid(), 9))
attempt("signal judge", lambda: os.kill(JUDGE_PID, 0))
'''


@pytest.fixture(scope="module")
def probe(bwrap_sandbox):
    marker = f"autograder-probe-{uuid.uuid4().hex}"
    header = (f"HOST_ONLY = {[str(p) for p in HOST_ONLY]!r}\nCOURSE = {str(ROOT)!r}\nHOME = {str(Path.home())!r}\n"
              f"MARKER = {marker!r}\nJUDGE_PID = {os.getpid()}\n")
    worker = bwrap_sandbox.start(Limits(**SMALL))
    try:
        done = run_cell(worker, header + PROBE)
        assert done.error is None, done.error
        results = read_global(worker, "PROBE")
        alive_after = worker.alive()
    finally:
        worker.close()
    return {"results": results, "marker": marker, "alive_after": alive_after}


def test_no_network(probe):
    results = probe["results"]
    assert results["connect"].startswith("failed"), results["connect"]
    assert results["dns"].startswith("failed"), results["dns"]
    assert results["urlopen"].startswith("failed"), results["urlopen"]


def test_course_files_and_other_host_paths_are_hidden(probe):
    results = probe["results"]
    checked = [p for p in HOST_ONLY if p.exists()]
    assert HIDDEN_CHECKS in checked
    for path in checked:
        assert results[f"read {path}"].startswith("failed"), f"{path} is readable in the sandbox"
    # at most the whitelisted Python installation shows through the course folder and HOME
    course_seen = results["list course"]
    if course_seen.startswith("ok"):
        for name in ("grader.toml", "solutions", "assignments", "tests", ".git"):
            assert f"'{name}'" not in course_seen, course_seen
    home_seen = results["list home"]
    if home_seen.startswith("ok"):
        for name in (".bashrc", ".gitconfig", ".config"):
            assert f"'{name}'" not in home_seen, home_seen


def test_writes_outside_the_private_tmp_fail(probe):
    results, marker = probe["results"], probe["marker"]
    for path in [f"/usr/lib/{marker}", f"{ROOT}/{marker}", f"/{marker}", f"/opt/{marker}"]:
        assert results[f"write {path}"].startswith("failed"), path
        assert not Path(path).exists()
    assert results["write tmp"].startswith("ok"), results["write tmp"]
    assert not (Path("/tmp") / marker).exists(), "the worker's /tmp is the host's /tmp"


def test_worker_can_write_in_its_working_directory(probe):
    results = probe["results"]
    assert results["cwd"] == "/tmp/work"
    assert results["write cwd"].startswith("ok"), results["write cwd"]


def test_worker_is_unprivileged(probe):
    results = probe["results"]
    assert results["uid"] != 0 and results["euid"] != 0
    if os.geteuid() == 0:
        assert results["uid"] >= SLOT_UID_BASE


def test_worker_cannot_kill_its_parent_or_the_judge(probe):
    results = probe["results"]
    assert results["kill parent"].startswith("failed"), results["kill parent"]
    assert results["signal judge"].startswith("failed"), results["signal judge"]
    assert probe["alive_after"]


# -- runaway cells and functions: time and memory limits ------------------------------------

STUBBORN_LOOP = '''
while True:  # swallows the worker's own time-limit signal: only the judge can stop it
    try:
        while True:
            pass
    except BaseException:
        pass

def random_bits(shape, generator=None):
    return torch.randint(0, 2, tuple(shape), generator=generator)
'''

PLAIN_LOOP = '''
while True:
    pass

def odd_index_slice(X, shape=(2, 5, 10)):
    return X.reshape(shape)[1::2, 1::2, 1::2]
'''

LOOP_IN_FUNCTION = '''
def negatives_to_inf(X):
    while True:
        pass
'''

HOG_IN_FUNCTION = '''
def double_as_column_(x):
    hog = torch.ones(2**31, dtype=torch.uint8)  # 2 GiB against a 512 MiB limit
    return hog
'''

HOG_IN_CELL = '''
HOG = torch.ones(2**31, dtype=torch.uint8)

def backward_twice(retain_graph):
    return None
'''

RUNAWAY_IDS = ["u1.1.q1", "u1.1.q2", "u1.3.q1", "u1.3.q2", "u1.4.q1", "u1.5.q1", "u1.6.q1", "u1.6.q2"]


@pytest.fixture(scope="module")
def runaway(module_grade, bwrap_sandbox, solution_unit1, hidden_unit1):
    notebook = with_code(solution_unit1, u1_1_q2=STUBBORN_LOOP, u1_3_q1=LOOP_IN_FUNCTION, u1_3_q2=PLAIN_LOOP,
                         u1_4_q1=HOG_IN_FUNCTION, u1_6_q1=HOG_IN_CELL)
    for scratch in ("import sys\nsys.exit(0)\n", "import os\nos._exit(0)\n", "while True:\n    pass\n"):
        notebook.cells.append(nbformat.v4.new_code_cell(scratch))  # no exercise needs them: never run
    started = time.monotonic()
    result = module_grade(notebook, hidden_unit1, bwrap_sandbox, only=RUNAWAY_IDS, **SMALL)
    return result, time.monotonic() - started


def test_endless_function_is_stopped_at_the_time_limit(runaway):
    result, _ = runaway
    graded = exercise(result, "u1.3.q1")
    assert graded.points == 0
    assert "did not finish" in graded.checks[0].message, graded.checks[0].message
    assert graded.seconds < SMALL["exercise_seconds"] + 6


def test_endless_needed_cell_is_stopped_and_left_out(runaway):
    result, _ = runaway
    plain = exercise(result, "u1.3.q2")
    assert plain.points == 0
    assert any("did not finish within 3 s" in note for note in plain.notes), plain.notes
    stubborn = exercise(result, "u1.1.q2")
    assert stubborn.points == 0
    assert any("stopped and left out" in note for note in stubborn.notes), stubborn.notes


def test_allocation_over_the_memory_limit_ends_only_that_exercise(runaway):
    result, _ = runaway
    hog = exercise(result, "u1.4.q1")
    assert hog.points == 0
    assert all("memory limit exceeded" in c.message or "ran out of memory" in c.message for c in hog.checks), hog.checks
    in_cell = exercise(result, "u1.6.q1")
    assert any("ran out of memory" in note or "memory limit exceeded" in note for note in in_cell.notes), in_cell.notes


def test_exercises_after_the_runaways_keep_full_marks(runaway):
    result, seconds = runaway
    for exercise_id in ("u1.5.q1", "u1.6.q2"):
        graded = exercise(result, exercise_id)
        assert graded.points == graded.max_points > 0, f"{exercise_id}: {graded.summary}"
    assert seconds < SMALL["notebook_seconds"]
    assert wait_until_no_worker_processes() == []


def test_first_exercise_is_not_charged_for_other_exercises_cells(runaway):
    result, _ = runaway
    first = exercise(result, "u1.1.q1")
    assert first.points == first.max_points, first.summary


# -- processes, threads, floods and exits ----------------------------------------------------

FORK_BOMB = '''
import os
while True:
    try:
        os.fork()
    except OSError:
        pass

def random_bits(shape, generator=None):
    return torch.randint(0, 2, tuple(shape), generator=generator)
'''

SPINNING_THREAD = '''
import threading

def _spin():
    while True:
        pass

threading.Thread(target=_spin).start()  # not a daemon: it also keeps the process from exiting

def odd_index_slice(X, shape=(2, 5, 10)):
    return X.reshape(shape)[1::2, 1::2, 1::2]
'''

FLOOD = '''
import sys
print("START-OF-FLOOD")
for _ in range(50):
    sys.stdout.write("x" * 1_000_000)
print("END-OF-FLOOD")

def double_as_column_(x):
    column = x.unsqueeze(1)
    column += column
    return column
'''

SYS_EXIT_IN_NEEDED_CELL = '''
def backward_twice(retain_graph):
    x = torch.tensor(2.0, requires_grad=True)
    z = x**2 + x
    z.backward(retain_graph=retain_graph)
    try:
        z.backward()
    except RuntimeError:
        return True, None
    return False, x.grad.item()

import sys
sys.exit(0)
'''

OS_EXIT_IN_NEEDED_CELL = '''
import os
os._exit(0)

def second_derivative(f, x0):
    return 0.0
'''

PROCESS_IDS = ["u1.1.q1", "u1.1.q2", "u1.3.q2", "u1.4.q1", "u1.5.q1", "u1.6.q1", "u1.6.q2"]
PROCESS_LIMITS = dict(SMALL, cell_seconds=5, exercise_seconds=30)


@pytest.fixture(scope="module")
def processes(module_grade, bwrap_sandbox, solution_unit1, hidden_unit1):
    notebook = with_code(solution_unit1, u1_1_q2=FORK_BOMB, u1_3_q2=SPINNING_THREAD, u1_4_q1=FLOOD,
                         u1_6_q1=SYS_EXIT_IN_NEEDED_CELL, u1_6_q2=OS_EXIT_IN_NEEDED_CELL)
    for scratch in ("import sys\nsys.exit(0)\n", "import os\nos._exit(0)\n"):
        notebook.cells.append(nbformat.v4.new_code_cell(scratch))
    result = module_grade(notebook, hidden_unit1, bwrap_sandbox, only=PROCESS_IDS, **PROCESS_LIMITS)
    return result, wait_until_no_worker_processes()


def test_fork_bomb_is_left_out_and_leaves_no_process(processes):
    result, left = processes
    bomb = exercise(result, "u1.1.q2")
    assert bomb.points == 0
    assert any("left out" in note for note in bomb.notes), bomb.notes
    assert left == []
    assert process.descendants(os.getpid()) == [os.getpid()]


def test_spinning_thread_does_not_stop_grading(processes):
    result, _ = processes
    graded = exercise(result, "u1.3.q2")
    assert graded.points == graded.max_points, graded.summary


def test_exits_in_needed_cells_spare_the_exercises_that_do_not_depend_on_them(processes):
    result, _ = processes
    for exercise_id in ("u1.1.q1", "u1.3.q2", "u1.4.q1", "u1.5.q1", "u1.6.q1", "u1.6.q2"):
        graded = exercise(result, exercise_id)
        assert graded.points == graded.max_points > 0, f"{exercise_id}: {graded.summary}"
    notes = " | ".join(exercise(result, "u1.6.q1").notes)
    assert "SystemExit" in notes
    notes = " | ".join(exercise(result, "u1.6.q2").notes)
    assert "ended the process" in notes and "left out" in notes


def test_flood_of_output_is_capped(processes, course):
    result, _ = processes
    graded = exercise(result, "u1.4.q1")
    assert graded.points == graded.max_points, graded.summary
    cap = PROCESS_LIMITS.get("output_kib", course.config.limits.output_kib) * 1024
    restarts = course.config.limits.restarts
    assert "START-OF-FLOOD" in result.output and "END-OF-FLOOD" in result.output  # head and tail are kept
    assert "bytes of output left out" in result.output
    assert len(result.output) <= (restarts + 1) * (2 * cap + 200)


def test_flood_of_output_is_capped_across_restarts(processes, course):
    result, _ = processes
    cap = course.config.limits.output_kib * 1024
    assert len(result.output) <= 2 * cap + 200, len(result.output)


# -- reduced isolation -------------------------------------------------------------------------

def test_plain_subprocess_grades_the_solution_and_says_reduced_isolation(module_grade, solution_unit1, hidden_unit1):
    plain = LocalSandbox("none")
    assert plain.reduced
    assert "reduced isolation" in plain.isolation
    result = module_grade(solution_unit1, hidden_unit1, plain, only=["u1.1.q1", "u1.3.q2", "u1.5.q1", "u1.6.q2"],
                          **dict(SMALL, exercise_seconds=30))
    assert result.score == result.max_score == 40, [e.summary for e in result.exercises]
    assert "reduced isolation" in result.environment.isolation
    assert result.environment.reduced_isolation


ROOT_RUNS_UNPRIVILEGED_PYTHON = (world_traversable(Path(sys.executable).resolve().parent)
                                 and world_traversable(PACKAGE_DIR))


@pytest.mark.xfail(os.geteuid() == 0 and not ROOT_RUNS_UNPRIVILEGED_PYTHON, strict=True,
                   reason="gap: without bubblewrap a root judge runs the worker as root when the Python "
                          "installation is not world-traversable, and neither the isolation line nor the "
                          "report says so")
def test_plain_subprocess_worker_is_not_root():
    worker = LocalSandbox("none").start(Limits(**SMALL))
    try:
        assert run_cell(worker, "import os\nUID = os.getuid()\n").error is None
        uid = read_global(worker, "UID")
    finally:
        worker.close()
    assert uid != 0


@pytest.mark.skipif(os.geteuid() != 0, reason="forked workers need a root judge")
def test_workers_forked_for_a_batch_have_private_scratch_space():
    pool = LocalSandbox("bwrap", pool=True)
    first, second = pool.start(Limits(**SMALL)), pool.start(Limits(**SMALL))
    try:
        assert run_cell(first, "import os\nopen('secret.txt', 'w').write('mine')\nWHERE = os.getcwd()\n").error is None
        assert read_global(first, "WHERE") == "/tmp/work"
        probe = ("import os\nSEEN = os.listdir('.')\ntry:\n    open('/tmp/shared.txt', 'w')\n    SHARED = 'written'\n"
                 "except OSError as exc:\n    SHARED = type(exc).__name__\nimport torch\nUID = os.getuid()\n")
        assert run_cell(second, probe).error is None
        assert read_global(second, "SEEN") == []
        assert read_global(second, "SHARED") == "OSError"
        assert read_global(second, "UID") != 0
    finally:
        first.close()
        second.close()
        pool.close()


def test_a_worker_that_fails_to_start_is_started_again(sandbox, course):
    """Start-up can fail outside the notebook's control (memory pressure from a neighbour);
    no student code has run yet, so the session tries again instead of giving up."""
    import time

    import nbformat

    from autograder.judge.session import WorkerSession
    from autograder.notebook.plan import analyse
    from autograder.notebook.reading import code_cells
    from autograder.sandbox.base import SandboxError

    class FlakyStart:
        def __init__(self, real):
            self.real, self.failures = real, 0

        def spawn(self, limits):
            return self.real.spawn(limits)

        def wait_ready(self, worker):
            if self.failures == 0:
                self.failures += 1
                worker.close()
                raise SandboxError("the worker did not start (PeerClosed): exit status 70")
            return self.real.wait_ready(worker)

    cells = [analyse(c) for c in code_cells(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 41 + 1")]))]
    flaky = FlakyStart(sandbox)
    session = WorkerSession(flaky, course.config.limits, cells, time.monotonic() + 60)
    try:
        steps, tensors = _read_x()
        observed = session.run_case(steps, tensors, seed=1, timeout=10)
    finally:
        session.close()
    assert flaky.failures == 1
    assert observed.failure is None and observed.result() == 42


def _read_x():
    from autograder.exercises import spec as S

    plan, tensors = S.output("x", "x", [S.Case((S.Call(read_only=True),), label="")]).plan(seed=1)
    return plan.cases[0].steps, tensors
