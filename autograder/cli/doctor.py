"""`autograder doctor`: is this machine ready to grade? Each line says what to fix."""

from __future__ import annotations

import argparse
import platform
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.text import Text

from autograder import __version__
from autograder.cli.common import course_at

@dataclass
class Finding:
    what: str
    ok: bool
    fix: str = ""
    essential: bool = True


def run_doctor(args: argparse.Namespace) -> int:
    course = course_at(args.course)
    findings = diagnose(course, args.backend)
    console = Console()
    for finding in findings:
        mark = ("✔", "green") if finding.ok else (("✘", "red") if finding.essential else ("!", "yellow"))
        line = Text.assemble(mark, " ", finding.what)  # paths and messages are text, never markup
        if finding.fix and not finding.ok:
            line.append(f"\n    {finding.fix}", style="dim")
        console.print(line, highlight=False)
    return 0 if all(f.ok for f in findings if f.essential) else 1


def diagnose(course, backend: str | None = None) -> list[Finding]:
    findings = [Finding(f"autograder {__version__} on Python {platform.python_version()}", True)]
    findings.append(_torch())
    if course is None:
        findings.append(Finding("course folder", False, "run inside the course folder (where grader.toml is) or pass --course"))
        return findings
    findings.append(Finding(f"course configuration {course.root / 'grader.toml'}", True))
    config = course.config.sandbox
    chosen = backend or config.backend
    findings += _local() if chosen == "local" else _docker(config)
    findings += _datasets(course.data_dir)
    findings += _units(course)
    return findings


def _torch() -> Finding:
    try:
        import torch
    except ImportError:
        return Finding("PyTorch", False, "pip install torch")
    return Finding(f"PyTorch {torch.__version__}", True)


def _local() -> list[Finding]:
    from autograder.sandbox.local import bwrap_usable

    if bwrap_usable():
        return [Finding("local sandbox: bubblewrap works here", True)]
    return [Finding("local sandbox: bubblewrap is missing or cannot create namespaces", False,
                    "apt-get install bubblewrap (without it grading runs with reduced isolation)", essential=False)]


def _docker(config) -> list[Finding]:
    from autograder.sandbox.base import SandboxError
    from autograder.deploy.image import SOURCE_LABEL
    from autograder.sandbox.docker import VERSION_LABEL, docker_client, gpus_available

    try:
        client = docker_client()
    except SandboxError as exc:
        return [Finding("Docker reachable", False, str(exc))]
    found = [Finding(f"Docker reachable (server {client.version().get('Version', '?')})", True)]
    try:
        image = client.images.get(config.image)
    except Exception:  # noqa: BLE001
        found.append(Finding(f"image {config.image}", False, f"docker build -t {config.image} ."))
        image = None
    if image is not None:
        label = (image.labels or {}).get(VERSION_LABEL)
        if config.host_python:
            found.append(Finding(f"image {config.image} (this machine's Python is mounted into it)", True))
        else:
            found.append(_image_current(config.image, label, (image.labels or {}).get(SOURCE_LABEL)))
    gpus = gpus_available(client)
    if config.gpu == "required" and not gpus:
        found.append(Finding("GPUs visible to Docker", False,
                             "install the NVIDIA container toolkit and restart Docker, or set sandbox.gpu = 'auto'"))
    else:
        found.append(Finding("GPUs visible to Docker" if gpus else "no GPUs visible to Docker (training checks "
                             "run on the CPU)", True))
    return found


def _image_current(name: str, version: str | None, source: str | None) -> Finding:
    """Current: built from this autograder's code (the digest scripts/build-image.sh labels it with)."""
    from autograder.deploy.image import source_digest

    rebuild = f"rebuild it: scripts/build-image.sh {name}"
    if version != __version__:
        return Finding(f"image {name} was built for autograder {version or 'an unknown version'}", False, rebuild)
    if source != source_digest():
        return Finding(f"image {name} holds other code than this autograder's (or does not say which)", False, rebuild)
    return Finding(f"image {name} is current: built from this autograder {__version__}'s code", True)


def _datasets(root: Path) -> list[Finding]:
    from autograder.exercises.data import DATA_SETS, split_copies

    found = []
    for dataset in DATA_SETS:
        missing = [p for p in dataset.required if not (root / p).exists()]
        found.append(Finding(f"data set {dataset.name} in {root}", not missing,
                             f"missing {', '.join(missing)}; put the data there or set AUTOGRADER_DATA",
                             essential=False))
    for name, copies in split_copies(root).items():
        shown = ", ".join(copies[:4]) + (f" and {len(copies) - 4} more" if len(copies) > 4 else "")
        found.append(Finding(
            f"{name}: other copies of a split whose held-out labels hidden grading scrambles: {shown}", False,
            "hidden grading leaves them out of the worker's view (only the allowlisted files are copied), but "
            "remove them from the data folder (torchvision's download keeps raw/*.gz) so no other copy of the "
            "folder carries the labels", essential=False))
    return found


def _units(course) -> list[Finding]:
    from autograder.exercises.public import PublicDataError
    from autograder.judge.checkset import HiddenCheckSet, PublicCheckSet

    found = []
    for unit in sorted(course.config.units):
        try:
            hidden = HiddenCheckSet(course, unit)
        except Exception as exc:  # noqa: BLE001 - report any instructor-side problem as a finding
            found.append(Finding(f"{unit}: hidden checks", False, str(exc)))
            continue
        try:
            public = PublicCheckSet(course.assignments / unit / "checks")
            current = public.version == hidden.version
            found.append(Finding(f"{unit}: {len(hidden.exercises)} exercises, public checks "
                                 f"{'up to date' if current else 'out of date'}", current,
                                 f"autograder assign {unit}"))
        except PublicDataError as exc:
            found.append(Finding(f"{unit}: public checks", False, f"{exc}; run autograder assign {unit}"))
    return found


def add_parser(sub) -> None:
    doctor = sub.add_parser("doctor", help="check that this machine is ready to grade, and say what to fix")
    doctor.add_argument("--course", type=Path)
    doctor.add_argument("--backend", choices=["local", "docker"])
