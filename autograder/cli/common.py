"""What the commands share: finding the course, its settings and a unit's checks."""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

from autograder.config.loader import DATA_ENV, Course, find_course
from autograder.config.models import GraderConfig

UNIT_NAME = re.compile(r"^unit\d+$")


class UsageError(Exception):
    """The command was called wrongly; the message says how to call it."""


def check_unit_name(unit: str) -> str:
    if not UNIT_NAME.match(unit):
        raise UsageError(f"{unit!r} is not a unit name; use unit1, unit2, ... unit7")
    return unit


def require_course(start: Path | None = None) -> Course:
    course = find_course(start)
    if course is None:
        raise UsageError("no grader.toml here or in any parent folder; run this inside the course folder "
                         "(or pass --course DIR)")
    return course


def course_at(path: Path | None, near: Path | None = None) -> Course | None:
    if path is not None:
        return require_course(path)
    if near is not None:
        found = find_course(near)
        if found is not None:
            return found
    return find_course()


def settings(course: Course | None) -> GraderConfig:
    return course.config if course is not None else GraderConfig()


def data_folder(course: Course | None) -> Path | None:
    """The data sets: the course's, or, for a student without the course checkout, the folder
    named by AUTOGRADER_DATA."""
    if course is not None:
        return course.data_dir
    named = os.environ.get(DATA_ENV)
    return Path(named) if named else None


def public_checks(unit: str, notebook: Path, course: Course | None):
    """The public check data: beside the notebook, else in the working folder (Colab keeps
    the notebook elsewhere), else in the course's assignments."""
    from autograder.exercises.public import JSON_NAME, PublicDataError

    candidates = list(dict.fromkeys([notebook.absolute().parent / "checks", Path.cwd() / "checks"]))
    if course is not None:
        candidates.append(course.assignments / unit / "checks")
    for folder in candidates:
        if (folder / JSON_NAME).is_file():
            try:
                checkset = _load_public_checks(folder.resolve(), _stamp(folder))
            except PublicDataError as exc:
                raise UsageError(str(exc)) from None
            if checkset.unit == unit:
                return checkset
    where = " or ".join(str(c) for c in candidates)
    raise UsageError(f"no public checks for {unit} found (looked in {where}); "
                     "keep the 'checks' folder that came with the notebook next to it")


@functools.lru_cache(maxsize=8)
def _load_public_checks(folder: Path, stamp: tuple):
    """A unit's public checks, read once per version of its files: a kernel checks the same
    unit again and again, and validating the data takes a good part of a warm check."""
    from autograder.judge.checkset import PublicCheckSet

    return PublicCheckSet(folder)


def _stamp(folder: Path) -> tuple:
    """What changes when the check data is replaced: each file's size and modification time."""
    return tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.rglob("*")) if p.is_file())
