"""A unit's checks as the grader uses them: hidden (live reference) or public (golden)."""

from __future__ import annotations

import abc
import functools
import hashlib
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import torch

from autograder.checks.observed import Observed
from autograder.checks.plan import CheckPlan
from autograder.checks.registry import ENGINE, Registry
from autograder.config.loader import DATA_ENV, Course
from autograder.exercises.info import ExerciseInfo
from autograder.exercises.data import DataMissing
from autograder.exercises.loader import SpecError, UnitCode, load_release_code, load_unit, unit_digest
from autograder.exercises.public import read_public
from autograder.exercises.spec import Exercise, derive_seed
from autograder.exercises.validation import check_points, validate_unit
from autograder.judge.reference import Reference
from autograder.probes.helpers import HelperModules
from autograder.protocol.messages import ModuleSource


@dataclass
class PreparedCheck:
    plan: CheckPlan
    tensors: dict[str, torch.Tensor]
    expected: list[Observed] | None  # one per case; None when the rule needs no reference
    missing_data: str | None = None   # its inputs need a data set this machine lacks: not graded
    registry: Registry = ENGINE       # the unit's properties, experiments and transforms


def case_seed(plan: CheckPlan, index: int) -> int:
    return plan.seed + 1000 * index


class CheckSet(abc.ABC):
    unit: str
    title: str
    mode: str
    version: str
    exercises: list[ExerciseInfo]
    code: UnitCode  # the unit's registry and its fixture modules (sent to every worker)

    @property
    def fixtures(self) -> list[ModuleSource]:
        return self.code.fixtures

    def exercise(self, exercise_id: str) -> ExerciseInfo:
        for info in self.exercises:
            if info.id == exercise_id:
                return info
        raise KeyError(exercise_id)

    @abc.abstractmethod
    def prepare(self, exercise_id: str, seed: int) -> list[PreparedCheck]: ...


class HiddenCheckSet(CheckSet):
    """Checks from `solutions/<unit>/exercises/`, expectations from the live reference."""

    mode = "hidden"

    def __init__(self, course: Course, unit: str, threads: int = 1):
        folder = course.solutions / unit
        self.unit = unit
        self.folder = folder
        # the reference notebook runs in this process and finds the data sets where the worker does
        os.environ.setdefault(DATA_ENV, str(course.data_dir))
        unit_config = course.config.units.get(unit)
        if unit_config is None:
            raise SpecError(f"{course.root / 'grader.toml'}: no [units.{unit}] table")
        self.code = load_unit(folder, unit)
        self.specs: list[Exercise] = self.code.exercises
        self.title = unit_config.title
        check_points(self.specs, unit_config.points, unit_config.manual_points, course.root / "grader.toml", unit,
                     folder)
        validate_unit(self.specs, self.code.registry, HelperModules(self.code.fixture_package))
        self.exercises = []
        for spec in self.specs:
            self.exercises.append(ExerciseInfo(
                id=spec.id, title=spec.title, artifacts=spec.artifacts, points=unit_config.points[spec.id],
                manual=spec.manual, manual_points=unit_config.manual_points.get(spec.id, 0.0),
                isolated=spec.isolated, uses=spec.uses, cell_seconds=spec.cell_seconds,
            ))
        notebook = folder / f"{unit}.ipynb"
        self.notebook = notebook
        self.reference = Reference(notebook, {s.id: s.artifacts for s in self.specs}, threads,
                                   helpers=HelperModules(self.code.fixture_package))
        self.version = unit_digest(folder)
        # everything that changes a grade besides the notebook and the seed: the unit's checks
        # and reference, its points, the limits, the engine (a batch's resume key)
        self.grading_key = settings_digest(self.version, unit_config.model_dump(mode="json"),
                                           course.config.limits.model_dump(mode="json"))
        self._prepared: dict[tuple[str, int, bool], list[PreparedCheck]] = {}
        self._lock = threading.Lock()

    def spec(self, exercise_id: str) -> Exercise:
        return next(s for s in self.specs if s.id == exercise_id)

    def prepare(self, exercise_id: str, seed: int, public_only: bool = False) -> list[PreparedCheck]:
        """The exercise's checks for this seed, with the reference's outcomes. Kept per seed:
        a batch grades every submission with the same fresh inputs and asks the reference once."""
        key = (exercise_id, seed, public_only)
        with self._lock:
            if key not in self._prepared:
                self._prepared[key] = self._prepare(exercise_id, seed, public_only)
            return self._prepared[key]

    def _prepare(self, exercise_id: str, seed: int, public_only: bool) -> list[PreparedCheck]:
        prepared = []
        for check in self.spec(exercise_id).checks:
            if public_only and not check.public:
                continue
            prefix = f"{exercise_id}/{check.name}/"
            check_seed = derive_seed(seed, exercise_id, check.name)
            try:
                plan, tensors = check.plan(check_seed, key_prefix=prefix + "in/", release=public_only)
            except DataMissing as exc:  # this check only: the exercise's other checks still run
                plan = CheckPlan(name=check.name, weight=check.weight, artifact=check.artifact, rule=check.rule,
                                 cases=[], seed=check_seed, needs_reference=False)
                prepared.append(PreparedCheck(plan, {}, None, missing_data=str(exc), registry=self.code.registry))
                continue
            expected = None
            if check.needs_reference:
                expected = [
                    self.reference.observe(c.steps, case_seed(plan, i), tensors, key_prefix=f"{prefix}out{i}/")
                    for i, c in enumerate(plan.cases)
                ]
            prepared.append(PreparedCheck(plan, tensors, expected, registry=self.code.registry))
        return prepared


def settings_digest(version: str, unit_config: dict, limits: dict) -> str:
    h = hashlib.sha256()
    for part in (version, json.dumps(unit_config, sort_keys=True), json.dumps(limits, sort_keys=True), engine_digest()):
        h.update(part.encode())
        h.update(b"\0")
    return h.hexdigest()[:16]


@functools.lru_cache(maxsize=1)
def engine_digest() -> str:
    """The grader's own code: a change to how it grades is a change of the resume key."""
    package = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        h.update(str(path.relative_to(package)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


class PublicCheckSet(CheckSet):
    """Checks shipped to students: stored plans and expected outcomes, no reference."""

    mode = "public"

    def __init__(self, folder: Path):
        data, tensors = read_public(folder)
        self.folder = folder
        self.unit = data.unit
        self.title = data.title
        self.version = data.version
        self._data = data
        self._tensors = tensors
        self.code = load_release_code(folder, data.unit)
        self.exercises = [ExerciseInfo(**e.model_dump(exclude={"checks"})) for e in data.exercises]

    def prepare(self, exercise_id: str, seed: int) -> list[PreparedCheck]:
        exercise = next(e for e in self._data.exercises if e.id == exercise_id)
        prepared = []
        for check in exercise.checks:
            expected = None
            if check.expected is not None:
                expected = [Observed(outcomes, self._tensors) for outcomes in check.expected]
            prepared.append(PreparedCheck(check.plan, self._tensors, expected, registry=self.code.registry))
        return prepared
