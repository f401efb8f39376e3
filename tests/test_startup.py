"""A cold `autograder check` overlaps the judge's and the worker's imports of torch (a second
or more each): nothing the command imports before it spawns the worker may import torch.
bench/check_unit1.py measures the time; this test keeps the order."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

PROBE = '''
import sys
from autograder.sandbox.portable import PortableSandbox

class Spawned(Exception):
    pass

def spawn(self, limits):
    raise Spawned("torch imported" if "torch" in sys.modules else "torch not imported")

PortableSandbox.spawn = spawn
from autograder.cli.main import main
try:
    main(["check", "unit1", "solutions/unit1/unit1.ipynb", "--backend", "portable"])
except Spawned as exc:
    print("at spawn:", exc)
'''


def test_check_spawns_its_worker_before_the_judge_imports_torch():
    run = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert "at spawn: torch not imported" in run.stdout, run.stdout + run.stderr
