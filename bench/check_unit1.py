"""Cold `autograder check unit1` against the per-notebook cost of nbgrader and Otter.

Baseline: a fresh Jupyter kernel executing the same notebook with nbclient, which is what
nbgrader's autograde and Otter's notebook runner pay for every notebook before any test
runs (the check() cells are made no-ops in the kernel, so the baseline only runs the
student's code: a lower bound on their cost). Both are measured in the same run.

    python bench/check_unit1.py [--repeats 3] [--notebook PATH]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def time_autograder_check(notebook: Path) -> float:
    started = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "autograder", "check", "unit1", str(notebook)],
                         cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if run.returncode != 0 or "95 / 95" not in run.stdout:
        raise SystemExit(f"autograder check failed:\n{run.stdout}\n{run.stderr}")
    return elapsed


def time_nbclient(notebook: Path) -> float:
    code = (
        "import sys, nbformat, nbclient\n"
        "nb = nbformat.read(sys.argv[1], as_version=4)\n"
        "nbclient.NotebookClient(nb, timeout=600, kernel_name='python3', resources={'metadata': {'path': sys.argv[2]}}).execute()\n"
    )
    env = dict(os.environ, AUTOGRADER_IN_WORKER="1")  # check() cells do nothing
    started = time.perf_counter()
    run = subprocess.run([sys.executable, "-c", code, str(notebook), str(notebook.parent)], cwd=ROOT,
                         capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - started
    if run.returncode != 0:
        raise SystemExit(f"nbclient failed:\n{run.stderr[-3000:]}")
    return elapsed


def phases(notebook: Path) -> dict[str, float]:
    """Where a check's time goes, measured in this process (judge side)."""
    started = time.perf_counter()
    from autograder.cli.check import check_notebook

    imported = time.perf_counter()
    result = check_notebook("unit1", notebook)
    done = time.perf_counter()
    exercises = sum(e.seconds for e in result.exercises)
    slowest = max(result.exercises, key=lambda e: e.seconds)
    return {
        "import the CLI (no torch yet)": imported - started,
        "judge imports torch, loads checks; worker starts": (done - imported) - exercises,
        "cells and checks, all exercises": exercises,
        f"  of which the slowest exercise, {slowest.id}": slowest.seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--notebook", type=Path, default=ROOT / "solutions" / "unit1" / "unit1.ipynb")
    args = parser.parse_args()
    ours = [time_autograder_check(args.notebook) for _ in range(args.repeats)]
    baseline = [time_nbclient(args.notebook) for _ in range(args.repeats)]
    a, b = statistics.median(ours), statistics.median(baseline)
    print(f"\nunit 1 solution notebook, {args.repeats} runs each (median seconds)\n")
    print(f"| {'what':48} | {'seconds':>8} |")
    print(f"|{'-' * 50}|{'-' * 10}|")
    print(f"| {'autograder check unit1 (cold, all checks)':48} | {a:8.2f} |")
    print(f"| {'nbclient: fresh kernel runs the notebook':48} | {b:8.2f} |")
    print(f"| {'ratio baseline / autograder':48} | {b / a:8.2f} |")
    print("\nwhere autograder's time goes (one in-process run):\n")
    for name, seconds in phases(args.notebook).items():
        print(f"| {name:48} | {seconds:8.2f} |")


if __name__ == "__main__":
    main()
