"""Throughput of `autograder grade` against one fresh Jupyter kernel per notebook.

Grades N copies (with small variations) of a complete unit-1 submission with --jobs 2,
and in the same run measures the baseline that nbgrader and Otter pay per notebook: a
fresh kernel executing the notebook with nbclient, sequentially and 2 at a time (on a
subset, reported per notebook). Prints submissions per minute and the ratios, then where
autograder's time goes.

    python bench/grade_batch.py [--copies 40] [--baseline 8]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


def make_copies(folder: Path, copies: int) -> list[Path]:
    from classgen import submission

    base = nbformat.reads(submission().decode(), as_version=4)
    paths = []
    for i in range(copies):
        nb = nbformat.from_dict(json.loads(json.dumps(base)))
        nb.cells.append(nbformat.v4.new_code_cell(f"# my notes, version {i}\nprint('student {i} was here')"))
        nb.cells[1].source += f"\nMY_STUDENT_NUMBER = {1000 + i}\n"
        path = folder / f"student{i:03d}" / "unit1.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(nb, str(path))
        paths.append(path)
    return paths


def run_autograder(submissions: Path, out: Path, jobs: int) -> float:
    started = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "autograder", "grade", "unit1", str(submissions), "--out", str(out),
                          "--jobs", str(jobs), "--seed", "1"], cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if run.returncode != 0:
        raise SystemExit(f"autograder grade failed:\n{run.stderr[-3000:]}")
    return elapsed


def run_nbclient(notebook: Path) -> float:
    code = ("import sys, nbformat, nbclient\n"
            "nb = nbformat.read(sys.argv[1], as_version=4)\n"
            "nbclient.NotebookClient(nb, timeout=600, kernel_name='python3').execute()\n")
    started = time.perf_counter()
    run = subprocess.run([sys.executable, "-c", code, str(notebook)], cwd=notebook.parent, capture_output=True,
                         text=True, env=dict(os.environ, AUTOGRADER_IN_WORKER="1"))
    if run.returncode != 0:
        raise SystemExit(f"nbclient failed:\n{run.stderr[-3000:]}")
    return time.perf_counter() - started


def per_minute(count: int, seconds: float) -> float:
    return count / seconds * 60


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=40)
    parser.add_argument("--baseline", type=int, default=8, help="notebooks the baseline runs (each way)")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        tmp = Path(tmp)
        paths = make_copies(tmp / "class", args.copies)
        ours = run_autograder(tmp / "class", tmp / "out", args.jobs)
        subset = paths[: args.baseline]
        started = time.perf_counter()
        for path in subset:
            run_nbclient(path)
        sequential = time.perf_counter() - started
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(run_nbclient, subset))
        parallel = time.perf_counter() - started
        records = [json.loads(p.read_text())["result"] for p in (tmp / "out" / ".autograder" / "records").glob("*.json")]

    ours_rate = per_minute(args.copies, ours)
    seq_rate = per_minute(len(subset), sequential)
    par_rate = per_minute(len(subset), parallel)
    print(f"\n{args.copies} copies of a complete unit-1 submission; baseline on {len(subset)} of them\n")
    print(f"| {'what':50} | {'seconds':>8} | {'subs/min':>9} | {'ours / it':>9} |")
    print(f"|{'-' * 52}|{'-' * 10}|{'-' * 11}|{'-' * 11}|")
    print(f"| {f'autograder grade --jobs {args.jobs} (hidden checks)':50} | {ours:8.1f} | {ours_rate:9.1f} | {1:9.2f} |")
    print(f"| {'nbclient fresh kernel, sequential (no checks)':50} | {sequential:8.1f} | {seq_rate:9.1f} | "
          f"{ours_rate / seq_rate:9.2f} |")
    print(f"| {'nbclient fresh kernel, 2 in parallel (no checks)':50} | {parallel:8.1f} | {par_rate:9.1f} | "
          f"{ours_rate / par_rate:9.2f} |")

    per_submission = [r["seconds"] for r in records]
    exercise_times: dict[str, list[float]] = {}
    for record in records:
        for exercise in record["exercises"]:
            exercise_times.setdefault(exercise["id"], []).append(exercise["seconds"])
    checks_total = statistics.mean(sum(e["seconds"] for e in r["exercises"]) for r in records)
    print("\nwhere autograder's time goes (mean seconds per submission, inside one grading job):\n")
    print(f"| {'whole submission (cells, checks, outputs)':50} | {statistics.mean(per_submission):8.3f} |")
    print(f"| {'  worker fork, needed cells (outside exercises)':50} | "
          f"{statistics.mean(per_submission) - checks_total:8.3f} |")
    print(f"| {'  checks of all exercises':50} | {checks_total:8.3f} |")
    for exercise_id, times in sorted(exercise_times.items(), key=lambda kv: -statistics.mean(kv[1]))[:4]:
        print(f"| {f'    {exercise_id}':50} | {statistics.mean(times):8.3f} |")
    fixed = ours - sum(per_submission) / args.jobs
    print(f"| {'start-up and reporting for the whole batch':50} | {fixed:8.3f} |")


if __name__ == "__main__":
    main()
