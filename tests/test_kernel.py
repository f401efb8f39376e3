"""`check()` inside a real Jupyter kernel, run through nbclient by an unprivileged user, as a
student's kernel runs: the portable mode (forced by the folder's grader.toml), the notebook
found through the Jupyter session's file name, and a second check after the student saved an
edit, answered by the worker the kernel started ahead.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT

NOBODY = 65534
DRIVER = '''
import json, sys, nbformat, nbclient
notebook = nbformat.read(sys.argv[1], as_version=4)
client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                 resources={"metadata": {"path": sys.argv[2]}})
client.execute()
print(json.dumps([[o.get("text", "") or json.dumps(o.get("data", {})) for o in cell.outputs] for cell in notebook.cells]))
'''


def closed_folders(paths: set[Path]) -> dict[Path, list[Path]]:
    """The outermost folders other users may not enter, each with the given paths below it."""
    closed: dict[Path, list[Path]] = {}
    for path in sorted(paths):
        gate = next((f for f in reversed((path, *path.parents)) if not f.stat().st_mode & stat.S_IXOTH), None)
        if gate is not None:
            closed.setdefault(gate, []).append(path)
    return closed


def as_unprivileged(command: list[str]) -> list[str]:
    """`command` run as `nobody` when the tests run as root. Where the Python installation
    or the checkout lies in a folder only root may enter (/root), bubblewrap shows that
    folder as empty but for those paths; the user's rights are otherwise its own."""
    if os.geteuid() != 0:
        return command
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("setpriv (util-linux) is needed to run the kernel as an unprivileged user")
    drop = [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "--"]
    closed = closed_folders({Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(), ROOT})
    if not closed:
        return drop + command
    from autograder.sandbox.local import bwrap_usable

    if not bwrap_usable():
        pytest.skip(f"{', '.join(map(str, closed))} is closed to other users and bubblewrap cannot open a view")
    view = [shutil.which("bwrap"), "--dev-bind", "/", "/"]
    for folder, inside in closed.items():
        view += ["--perms", "0755", "--tmpfs", str(folder)]
        for path in inside:  # bubblewrap would create the folders between as 0700
            for between in reversed(path.relative_to(folder).parents[:-1]):
                view += ["--perms", "0755", "--dir", str(folder / between)]
            view += ["--ro-bind", str(path), str(path)]
    return view + ["--"] + drop + command


@pytest.fixture
def student_folder():
    """A folder the unprivileged user owns: a renamed copy of the unit-1 notebook, its checks,
    and a grader.toml that asks for the portable backend."""
    folder = Path(tempfile.mkdtemp(prefix="autograder-kernel-test-"))
    shutil.copytree(ROOT / "assignments" / "unit1" / "checks", folder / "checks")
    shutil.copy(ROOT / "assignments" / "unit1" / "unit1.ipynb", folder / "unit1 (my copy).ipynb")
    (folder / "grader.toml").write_text('[sandbox]\nbackend = "portable"\n')
    solved = nbformat.read(ROOT / "assignments" / "unit1" / "unit1.ipynb", as_version=4)
    reference = nbformat.read(ROOT / "solutions" / "unit1" / "unit1.ipynb", as_version=4)
    for cell, answer in zip(solved.cells, reference.cells):
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "u1.3.q1":
            cell.source = answer.source
    nbformat.write(solved, str(folder / "solved.ipynb"))
    if os.geteuid() == 0:
        for path in (folder, *folder.rglob("*")):
            os.chown(path, NOBODY, NOBODY)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_check_in_a_kernel_run_by_an_unprivileged_user(student_folder):
    probe = nbformat.v4.new_notebook()
    probe.cells = [nbformat.v4.new_code_cell(source) for source in (
        "import os\nprint('uid', os.getuid())\nfrom autograder import check",
        'check("u1.3.q1")',
        "import shutil\nshutil.copy('solved.ipynb', 'unit1 (my copy).ipynb')  # the student saves an edit",
        'check("u1.3.q1")',
    )]
    probe_path = student_folder / "probe.ipynb"
    nbformat.write(probe, str(probe_path))
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(student_folder), "COLUMNS": "200",
           "PYTHONPATH": str(ROOT), "JPY_SESSION_NAME": str(student_folder / "unit1 (my copy).ipynb")}
    run = subprocess.run(as_unprivileged([sys.executable, "-c", DRIVER, str(probe_path), str(student_folder)]),
                         env=env, cwd=student_folder, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    outputs = ["".join(cell) for cell in json.loads(run.stdout.splitlines()[-1])]
    assert "uid 0" not in outputs[0] and "uid" in outputs[0]
    first, second = outputs[1], outputs[3]
    for shown in (first, second):
        assert "unit1 (my copy).ipynb" in shown and "Traceback" not in shown
        assert "reduced isolation: no sandbox on this platform; your TA grades in one" in " ".join(shown.split())
    assert "negatives_to_inf is not implemented yet" in first
    assert "not implemented" not in second and "10 / 10" in second, second
