"""A proxied regrade cannot reach past its own grade (issue 11, items 8 and 9).

The course's function that stands in for a student's lost dependency is computed in a
process forked per case, killed when the case's time runs out, under a memory limit of its
own and never under the reference's lock; its arguments are bounded by the case's own
inputs. And whatever the checked code saved during a proxied regrade is gone before any
other exercise runs."""

from __future__ import annotations

import threading
import time

import nbformat
import pytest
import torch

from autograder.exercises import spec as S
from autograder.judge.proxies import ProxyServer
from autograder.judge.session import WorkerSession
from autograder.notebook.plan import analyse
from autograder.notebook.reading import code_cells

NOTEBOOK = '''
import os
import torch

def through_course(x):
    return course_fn(x)

def half_precision_product(x):
    return course_fn(torch.full((3000, 3000), 3000.0, dtype=torch.float16))

def broadcast_pair(x):
    n = 4096  # arguments within the envelope whose broadcast holds 16.8 million values
    return course_pair(torch.ones(n, 1), torch.ones(1, n))

def column_and_row(x):
    n = 1000  # X (N, 1) and Y (N,): a legal call that never broadcasts them together
    return course_pair(torch.ones(n, 1), torch.ones(n))

def save_answers(x):
    y = course_fn(x)
    with open("/tmp/answers.txt", "w") as f:
        f.write(repr(y.tolist()))
    return y

def reads_answers(x):
    return torch.tensor([float(os.path.exists("/tmp/answers.txt"))])
'''


def doubled(x):
    return x * 2


def slow(x):
    time.sleep(30)
    return x


def huge_result(x):
    return torch.zeros(80_000_000)  # 320 MB: more than the grader sends back


def memory_hog(x):
    return torch.ones(500_000_000)  # 2 GB: more than a proxy host may allocate


def summed(a, b):
    return a + b


def first_sum(a, b):
    return a.sum() + b.sum()


def _case(target: str) -> tuple:
    check = S.output("values", target, [S.case(torch.arange(4.0))])
    plan, tensors = check.plan(seed=1)
    return plan.cases[0].steps, tensors


@pytest.fixture(scope="module")
def session(course, sandbox):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(NOTEBOOK)])
    cells = [analyse(c) for c in code_cells(notebook)]
    session = WorkerSession(sandbox, course.config.limits, cells, time.monotonic() + 600)
    yield session
    session.close()


def _proxied(session, target: str, timeout: float = 10, **functions):
    steps, tensors = _case(target)
    return session.run_case(steps, tensors, seed=1, timeout=timeout, group="u9.1.q1~proxied",
                            proxy=ProxyServer(functions))


def _refusal(observed) -> str:
    error = observed.error(0)
    assert error is not None, observed
    return error.message


def test_the_course_function_answers_through_the_proxy(session):
    observed = _proxied(session, "through_course", course_fn=doubled)
    assert torch.equal(observed.result(0).data, torch.arange(4.0) * 2)


def test_a_slow_course_function_is_stopped_when_the_case_time_runs_out(session):
    started = time.monotonic()
    observed = _proxied(session, "through_course", timeout=2, course_fn=slow)
    assert time.monotonic() - started < 12  # not the 30 s the call would take
    assert observed.error(0) is not None and observed.error(0).kind in ("timeout", "error"), observed


def test_arguments_outside_the_cases_envelope_are_refused(session):
    assert "float16" in _refusal(_proxied(session, "half_precision_product", course_fn=doubled))


def test_a_broadcast_of_legal_arguments_is_bounded_by_the_host_not_refused(session):
    """Arguments within the envelope may compute something large (a (4096, 1) + (1, 4096)
    broadcast): the host computes it under its own memory limit and the answer is capped at
    64 MiB, so the judge holds at most that answer, never the computation."""
    before = _peak_memory_kib()
    observed = _proxied(session, "broadcast_pair", course_pair=summed)
    assert observed.error(0) is None or "larger than the grader sends back" in _refusal(observed)
    assert _peak_memory_kib() - before < 200_000


def test_a_column_and_a_row_of_the_cases_size_are_legal_arguments(session):
    """calc_dC_analytic(w, b, X, Y) with X (N, 1) and Y (N,): refused by a rule that assumed
    every pair of tensors is broadcast together."""
    observed = _proxied(session, "column_and_row", course_pair=first_sum)
    assert observed.error(0) is None, observed.error(0)


def test_a_result_too_large_to_send_is_refused_not_a_crash(session):
    assert "larger than the grader sends back" in _refusal(_proxied(session, "through_course", course_fn=huge_result))


def _peak_memory_kib() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))


def test_a_memory_hungry_course_function_runs_out_in_its_own_process(session):
    before = _peak_memory_kib()
    message = _refusal(_proxied(session, "through_course", course_fn=memory_hog))
    assert "could not be computed" in message or "ran out of memory" in message
    assert _peak_memory_kib() - before < 1_000_000  # the judge never held the 2 GB


def test_a_proxied_call_holds_no_lock_other_students_wait_on(session, tmp_path):
    from autograder.judge.reference import Reference

    started = tmp_path / "started"
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        f"import time\n\ndef course_fn(x):\n    open({str(started)!r}, 'w').close()\n    time.sleep(4)\n"
        "    return x * 2\n")])
    path = tmp_path / "reference.ipynb"
    nbformat.write(notebook, str(path))
    reference = Reference(path, {"u9.1.q1": ["course_fn"]})
    proxy = reference.stand_ins(["course_fn"])
    steps, tensors = _case("through_course")
    done = []
    running = threading.Thread(target=lambda: done.append(
        session.run_case(steps, tensors, seed=1, timeout=20, group="u9.1.q1~proxied", proxy=proxy)))
    running.start()
    deadline = time.monotonic() + 30
    while not started.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert started.exists()  # the course's function is running now
    got_it = reference._lock.acquire(timeout=1)  # what another student's check preparation needs
    if got_it:
        reference._lock.release()
    running.join()
    assert got_it
    assert torch.equal(done[0].result(0).data, torch.arange(4.0) * 2)


def test_answers_saved_during_a_proxied_regrade_are_gone_for_the_next_exercise(session):
    restarts = session.restarts
    saved = _proxied(session, "save_answers", course_fn=doubled)
    assert torch.equal(saved.result(0).data, torch.arange(4.0) * 2)
    steps, tensors = _case("reads_answers")
    later = session.run_case(steps, tensors, seed=1, timeout=10, group="u9.2.q1")
    assert later.result(0).data.tolist() == [0.0]
    assert session.restarts == restarts  # the grader's own restart costs the notebook none of its restarts
