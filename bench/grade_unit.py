"""Grading one complete submission of a unit with the hidden checks: time and memory.

Issue budget: at most 3 minutes and 4 GiB for a complete unit-2 or unit-3 submission on a
2-core CPU machine. This grades the reference notebook (a complete, correct submission)
with the hidden checks (as `autograder check UNIT --hidden` does), samples the memory of the whole process tree (judge
and workers) every 0.1 s, and prints the per-exercise time table. The baseline, measured
in the same run, is a fresh Jupyter kernel executing the same notebook with nbclient: the
cost of only running the student's code, with no checks at all.

    python bench/grade_unit.py unit2 [--no-baseline]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder.sandbox.process import descendants, resident_bytes  # noqa: E402

BUDGET_SECONDS = 180
BUDGET_BYTES = 4 * 2**30


def run_measured(command: list[str], env: dict | None = None) -> tuple[subprocess.CompletedProcess, float, int]:
    """Run `command`; (completed process, wall seconds, peak PSS of its process tree)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    peak = 0
    stop = threading.Event()

    def sample():
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, resident_bytes(descendants(process.pid)))
            stop.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    stop.set()
    sampler.join()
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr), time.perf_counter() - started, peak


GRADE = """
import json, sys
from pathlib import Path
from autograder.cli.check import check_notebook
result = check_notebook(sys.argv[1], Path(sys.argv[2]), hidden=True)
print(json.dumps({"score": result.score, "max_score": result.max_score,
                  "exercises": [[e.id, e.points, e.max_points, e.seconds] for e in result.exercises]}))
"""


def grade(unit: str) -> tuple[dict, float, int]:
    """The reference notebook graded with the hidden checks, as `autograder check --hidden` does."""
    notebook = ROOT / "solutions" / unit / f"{unit}.ipynb"
    run, seconds, peak = run_measured([sys.executable, "-c", GRADE, unit, str(notebook)])
    if run.returncode != 0:
        raise SystemExit(f"grading failed:\n{run.stderr[-3000:]}")
    return json.loads(run.stdout.strip().splitlines()[-1]), seconds, peak


def baseline(unit: str) -> tuple[float, int]:
    notebook = ROOT / "solutions" / unit / f"{unit}.ipynb"
    code = ("import sys, nbformat, nbclient\nnb = nbformat.read(sys.argv[1], as_version=4)\n"
            "nbclient.NotebookClient(nb, timeout=900, kernel_name='python3', allow_errors=True,"
            " resources={'metadata': {'path': sys.argv[2]}}).execute()\n")
    from autograder.config.loader import find_course

    # check() cells do nothing; the kernel works in a scratch folder (the notebook's own cells
    # write files, such as u2.5.q1's picture folder) and finds the data through the variable
    env = dict(os.environ, AUTOGRADER_IN_WORKER="1", AUTOGRADER_DATA=str(find_course(ROOT).data_dir))
    with tempfile.TemporaryDirectory(prefix="autograder-bench-") as scratch:
        run, seconds, peak = run_measured([sys.executable, "-c", code, str(notebook), scratch], env)
    if run.returncode != 0:
        raise SystemExit(f"nbclient failed:\n{run.stderr[-3000:]}")
    return seconds, peak


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("unit")
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    result, seconds, peak = grade(args.unit)
    print(f"{'exercise':<12} {'points':>13} {'seconds':>8}")
    for exercise_id, points, maximum, spent in result["exercises"]:
        print(f"{exercise_id:<12} {points:>6g} / {maximum:<4g} {spent:8.2f}")
    print()
    print(f"{'':<28} {'seconds':>8} {'peak GiB':>9} {'of budget (time)':>17} {'of budget (memory)':>19}")
    print(f"{'autograder check --hidden':<28} {seconds:8.1f} {peak / 2**30:9.2f} "
          f"{seconds / BUDGET_SECONDS:17.2f} {peak / BUDGET_BYTES:19.2f}")
    if not args.no_baseline:
        base_seconds, base_peak = baseline(args.unit)
        print(f"{'nbclient, no checks':<28} {base_seconds:8.1f} {base_peak / 2**30:9.2f} "
              f"{base_seconds / BUDGET_SECONDS:17.2f} {base_peak / BUDGET_BYTES:19.2f}")
        print(f"\nratio autograder / nbclient: time {seconds / base_seconds:.2f}, memory {peak / max(base_peak, 1):.2f}")
    print(f"score {result['score']:g} / {result['max_score']:g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
