"""Load a unit's hidden check file (trusted instructor code) as a Python module."""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path

from autograder.exercises.spec import Exercise

CHECKS_FILE = "checks.py"


class SpecError(Exception):
    """A unit's check file is missing or inconsistent; an instructor problem."""


def load_exercises(path: Path) -> list[Exercise]:
    if not path.is_file():
        raise SpecError(f"{path}: no hidden check file for this unit")
    name = f"autograder_unit_checks_{hashlib.sha1(str(path).encode()).hexdigest()[:12]}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise SpecError(f"{path}: cannot be loaded as a module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    exercises = getattr(module, "EXERCISES", None)
    if not isinstance(exercises, list) or not all(isinstance(e, Exercise) for e in exercises):
        raise SpecError(f"{path}: must define EXERCISES, a list of Exercise")
    ids = [e.id for e in exercises]
    if len(set(ids)) != len(ids):
        raise SpecError(f"{path}: exercise ids repeat")
    for exercise in exercises:
        names = [c.name for c in exercise.checks]
        if len(set(names)) != len(names):
            raise SpecError(f"{path}: {exercise.id} has two checks with one name")
        for mistake in exercise.mistakes:
            unknown = set(mistake.fails) - set(names)
            if unknown:
                raise SpecError(f"{path}: mistake {mistake.name!r} of {exercise.id} names unknown checks {sorted(unknown)}")
    return exercises
