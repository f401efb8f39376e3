"""How quickly a student hears back: `autograder check unit1` and `check("u1.3.q1")` in a
notebook, in the portable mode (Windows, macOS: a spawned worker, no sandbox) and the
bubblewrap mode, all in one run against two baselines measured in the same run:

- the floor: a bare `python -c "import torch"` (the judge and the worker both need torch;
  target: a cold `autograder check unit1` costs at most 1.5 times this);
- nbgrader's and Otter's per-notebook cost: a fresh Jupyter kernel executing the same
  notebook with nbclient (check() cells made no-ops).

In a kernel, the first check() pays for the judge's imports; the next ones use the worker the
kernel started ahead (target: at most 1 s). They are timed after a pause, as when a student
edits between checks, and back to back, when that worker may still be importing torch.

    python bench/check_unit1.py [--repeats 3] [--notebook PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXERCISE = "u1.3.q1"
PAUSE_SECONDS = 8.0
MODES = {"portable": '[sandbox]\nbackend = "portable"\n',
         "bubblewrap": '[sandbox]\nbackend = "local"\nisolation = "bwrap"\n'}
CLI_BACKEND = {"portable": "portable", "bubblewrap": "local"}


def seconds_of(command: list[str], **kwargs) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    run = subprocess.run(command, capture_output=True, text=True, **kwargs)
    return time.perf_counter() - started, run


def time_import_torch() -> float:
    elapsed, run = seconds_of([sys.executable, "-c", "import torch"])
    if run.returncode != 0:
        raise SystemExit(f"python -c 'import torch' failed:\n{run.stderr}")
    return elapsed


def time_cold_check(notebook: Path, mode: str) -> float:
    elapsed, run = seconds_of([sys.executable, "-m", "autograder", "check", "unit1", str(notebook),
                               "--backend", CLI_BACKEND[mode]], cwd=ROOT, env=dict(os.environ, COLUMNS="200"))
    isolation = "no sandbox on this platform" if mode == "portable" else "reduced isolation"
    right_mode = (isolation in " ".join(run.stdout.split())) == (mode == "portable")  # bubblewrap: not reduced
    if run.returncode != 0 or "95 / 95" not in run.stdout or not right_mode:
        raise SystemExit(f"autograder check ({mode}) failed:\n{run.stdout}\n{run.stderr}")
    return elapsed


def time_nbclient(notebook: Path) -> float:
    code = (
        "import sys, nbformat, nbclient\n"
        "nb = nbformat.read(sys.argv[1], as_version=4)\n"
        "nbclient.NotebookClient(nb, timeout=600, kernel_name='python3', resources={'metadata': {'path': sys.argv[2]}}).execute()\n"
    )
    with tempfile.TemporaryDirectory() as scratch:  # the notebook's own files land here
        elapsed, run = seconds_of([sys.executable, "-c", code, str(notebook), scratch],
                                  env=dict(os.environ, AUTOGRADER_IN_WORKER="1"))  # check() cells do nothing
    if run.returncode != 0:
        raise SystemExit(f"nbclient failed:\n{run.stderr[-3000:]}")
    return elapsed


KERNEL_CELLS = [
    "import time\nfrom autograder import check\n_times = []",
    f"_t = time.perf_counter(); check({EXERCISE!r}); _times.append(('first', time.perf_counter() - _t))",
    *[f"time.sleep({PAUSE_SECONDS}); _t = time.perf_counter(); check({EXERCISE!r}); "
      f"_times.append(('after a pause', time.perf_counter() - _t))" for _ in range(3)],
    *[f"_t = time.perf_counter(); check({EXERCISE!r}); _times.append(('back to back', time.perf_counter() - _t))"
      for _ in range(2)],
    "import json\nprint('TIMES', json.dumps(_times))",
]


def time_in_kernel(notebook: Path, mode: str) -> dict[str, float]:
    """check() timings inside one kernel: the first, then later ones (medians)."""
    driver = (
        "import sys, json, nbformat, nbclient\n"
        "nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in json.loads(sys.argv[1])])\n"
        "nbclient.NotebookClient(nb, timeout=600, kernel_name='python3', resources={'metadata': {'path': sys.argv[2]}}).execute()\n"
        "print([o.get('text', '') for o in nb.cells[-1].outputs][0])\n"
    )
    with tempfile.TemporaryDirectory() as folder:
        shutil.copy(notebook, Path(folder) / "unit1.ipynb")
        shutil.copytree(ROOT / "assignments" / "unit1" / "checks", Path(folder) / "checks")
        (Path(folder) / "grader.toml").write_text(MODES[mode])
        _, run = seconds_of([sys.executable, "-c", driver, json.dumps(KERNEL_CELLS), folder], cwd=folder)
    lines = [line for line in run.stdout.splitlines() if line.startswith("TIMES ")]
    if run.returncode != 0 or not lines:
        raise SystemExit(f"the kernel run ({mode}) failed:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}")
    times: dict[str, list[float]] = {}
    for label, seconds in json.loads(lines[0][len("TIMES "):]):
        times.setdefault(label, []).append(seconds)
    return {label: statistics.median(values) for label, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--notebook", type=Path, default=ROOT / "solutions" / "unit1" / "unit1.ipynb")
    args = parser.parse_args()
    from autograder.sandbox.local import bwrap_usable

    modes = ["portable", "bubblewrap"] if bwrap_usable() else ["portable"]
    # interleaved, so that a change in the machine's load touches every measurement alike
    samples: dict[str, list[float]] = {}
    for _ in range(args.repeats):
        samples.setdefault("floor", []).append(time_import_torch())
        for mode in modes:
            samples.setdefault(mode, []).append(time_cold_check(args.notebook, mode))
        samples.setdefault("nbclient", []).append(time_nbclient(args.notebook))
    median = {name: statistics.median(values) for name, values in samples.items()}
    fastest = {name: min(values) for name, values in samples.items()}
    kernels = {mode: time_in_kernel(args.notebook, mode) for mode in modes}

    print(f"\nunit 1 solution notebook, {args.repeats} runs each, median seconds (fastest run), "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}\n")
    print(f"| {'what':74} | {'seconds':>13} | {'vs import torch':>15} | {'vs nbclient':>11} |")
    print(f"|{'-' * 76}|{'-' * 15}|{'-' * 17}|{'-' * 13}|")

    def row(what: str, name: str | None = None, seconds: float | None = None) -> None:
        if name is not None:
            seconds = median[name]
            shown = f"{seconds:.2f} ({fastest[name]:.2f})"
            ratio = f"{seconds / median['floor']:.2f}x ({fastest[name] / fastest['floor']:.2f}x)"
        else:
            shown, ratio = f"{seconds:.2f}", ""
        print(f"| {what:74} | {shown:>13} | {ratio:>15} | {seconds / median['nbclient']:10.2f}x |")

    row("python -c 'import torch' (the floor)", "floor")
    row("nbclient: a fresh kernel runs the notebook (the baseline)", "nbclient")
    for mode in modes:
        row(f"autograder check unit1, cold, {mode} (target <= 1.5x the floor)", mode)
    for mode in modes:
        for label, seconds in kernels[mode].items():
            target = " (target <= 1 s)" if label == "after a pause" else ""
            row(f"check({EXERCISE!r}) in a kernel, {mode}, {label}{target}", seconds=seconds)
    print(f"\n'after a pause': {PAUSE_SECONDS:g} s after the previous check, as when a student edits in between; "
          "'back to back': at once, while the worker started ahead may still be importing torch.")


if __name__ == "__main__":
    main()
