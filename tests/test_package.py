"""The distribution a student installs: `python -m build` makes a wheel and an sdist named
torchcourse-autograder (`autograder` on the package index is someone else's), holding the
package and no solutions, hidden checks or course releases."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT

DISTRIBUTION = "torchcourse_autograder"
LEFT_OUT = (".venv", ".git", "build", "dist", "*.egg-info", "__pycache__", "out", ".data", ".pytest_cache",
            ".hypothesis")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """A wheel and an sdist built from a copy of this checkout (solutions and all)."""
    source = tmp_path_factory.mktemp("checkout") / "src"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*LEFT_OUT), symlinks=True)
    out = source.parent / "dist"
    run = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(source)],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    return {"wheel": next(out.glob(f"{DISTRIBUTION}-*.whl")), "sdist": next(out.glob(f"{DISTRIBUTION}-*.tar.gz"))}


def course_secrets() -> set[str]:
    """Distinctive lines of the course's secrets, which nothing shipped may contain: the
    reference code (the solution regions of the solution notebooks) and the hidden checks'
    cases and mistakes (solutions/<unit>/exercises/)."""
    import nbformat

    lines: list[str] = []
    for notebook in (ROOT / "solutions").glob("unit*/unit*.ipynb"):
        for cell in nbformat.read(notebook, as_version=4).cells:
            for region in cell.source.split("### BEGIN SOLUTION")[1:]:
                lines += region.split("### END SOLUTION")[0].splitlines()
    for checks in (ROOT / "solutions").glob("unit*/exercises/**/*.py"):
        lines += [line for line in checks.read_text().splitlines() if "case(" in line or "mistake(" in line]
    found = {line.strip() for line in lines}
    return {line for line in found if len(line) >= 30 and not line.startswith(("from ", "import ", "#"))}


def wheel_files(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as wheel:
        return {name: wheel.read(name) for name in wheel.namelist()}


def sdist_files(path: Path) -> dict[str, bytes]:
    with tarfile.open(path) as sdist:
        return {m.name.split("/", 1)[1]: sdist.extractfile(m).read() for m in sdist.getmembers() if m.isfile()}


def test_the_wheel_is_the_package_and_the_autograder_command(built):
    files = wheel_files(built["wheel"])
    packaged = {name for name in files if not name.startswith(f"{DISTRIBUTION}-")}
    assert all(name.startswith("autograder/") for name in packaged), sorted(packaged)
    for module in ("autograder/cli/main.py", "autograder/cli/inline.py", "autograder/sandbox/portable.py",
                   "autograder/worker/server.py", "autograder/judge/grader.py"):
        assert module in packaged
    info = f"{DISTRIBUTION}-0.1.0.dist-info"
    assert "autograder = autograder.cli.main:run" in files[f"{info}/entry_points.txt"].decode()
    metadata = files[f"{info}/METADATA"].decode()
    assert "Name: torchcourse-autograder" in metadata and "Requires-Python: >=3.10" in metadata
    assert "Requires-Dist: torch" in metadata and "Requires-Dist: psutil" in metadata


@pytest.mark.parametrize("kind", ["wheel", "sdist"])
def test_no_solutions_hidden_checks_or_releases_are_shipped(built, kind):
    files = wheel_files(built[kind]) if kind == "wheel" else sdist_files(built[kind])
    assert not [n for n in files if n.split("/")[0] in ("solutions", "assignments", "samples", "tests")]
    assert not [n for n in files if n.endswith((".ipynb", ".safetensors"))]
    secrets = course_secrets()
    leaked = {n: line for n, data in files.items() for line in secrets if line.encode() in data}
    assert leaked == {}


def test_the_sdist_builds_the_same_package(built):
    files = sdist_files(built["sdist"])
    assert {"pyproject.toml", "README.md", "autograder/cli/main.py"} <= set(files)
    wheel_modules = {n for n in wheel_files(built["wheel"]) if n.startswith("autograder/")}
    assert wheel_modules <= set(files)
