"""Everything about a unit's checks that can be wrong before any student is graded.

`validate_unit` runs when a unit's checks load (hidden grading, `assign`, `validate`), so a
misspelt property, a helper called with the wrong arguments, a handle used before a step
keeps it, or a points entry without an exercise is an error naming the file and line, not a
surprise in the middle of grading a class.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable

from autograder.checks.answer import AnswerRule  # noqa: F401 - (imported for the kinds' registry)
from autograder.checks.output import OutputRule
from autograder.checks.properties import PropertyRule
from autograder.checks.registry import Registry, RegistryError
from autograder.checks.rerun import RerunRule
from autograder.exercises.data import DataMissing
from autograder.exercises.loader import SpecError
from autograder.exercises.spec import CheckSpec, Exercise
from autograder.probes.helpers import HelperModules
from autograder.probes.run import LIBRARY_NAMES
from autograder.protocol import values as V
from autograder.protocol.messages import Step

VALIDATION_SEED = 2026


def validate_unit(exercises: list[Exercise], registry: Registry, helpers: HelperModules,
                  plans: bool = True) -> None:
    """Raise SpecError at the first problem; resolve what the plans record about rules (a
    property's flags). With `plans`, every check's cases are built once and their steps checked."""
    ids = {e.id: i for i, e in enumerate(exercises)}
    for exercise in exercises:
        names = [c.name for c in exercise.checks]
        for check in exercise.checks:
            if names.count(check.name) > 1:
                raise SpecError(f"{check.site}: {exercise.id} has two checks named {check.name!r}")
            _resolve_rule(check, registry)
        for mistake in exercise.mistakes:
            unknown = [n for n in mistake.fails if n not in names]
            if unknown:
                raise SpecError(f"{mistake.site}: mistake {mistake.name!r} of {exercise.id} names unknown checks "
                                f"{unknown} (its checks: {names})")
            if not mistake.fails:
                raise SpecError(f"{mistake.site}: mistake {mistake.name!r} must name the checks it fails")
        _check_uses(exercise, exercises, ids)
        if plans:
            for check in exercise.checks:
                _check_plan(exercise, check, helpers)


def check_points(exercises: list[Exercise], points: dict[str, float], manual_points: dict[str, float],
                 config: Any, unit: str, folder: Any) -> None:
    """grader.toml's points for the unit agree with its exercises, both ways, and points for
    the TA come with a part the TA is told to grade (and the reverse)."""
    declared = {e.id: e for e in exercises}
    for exercise_id in points:
        if exercise_id not in declared:
            raise SpecError(f"{config}: key units.{unit}.points names \"{exercise_id}\", which is not an exercise "
                            f"of {folder} (no folder exercises/{exercise_id.replace('.', '_')}/)")
    for exercise in exercises:
        if exercise.id not in points:
            raise SpecError(f"{config}: key units.{unit}.points has no entry \"{exercise.id}\" "
                            f"(declared in {folder}/exercises/{exercise.id.replace('.', '_')}/exercise.py)")
    for exercise_id, given in manual_points.items():
        if exercise_id not in declared:
            raise SpecError(f"{config}: key units.{unit}.manual_points names \"{exercise_id}\", which is not an "
                            f"exercise of {folder}")
        if given and not declared[exercise_id].manual:
            raise SpecError(f"{config}: key units.{unit}.manual_points gives \"{exercise_id}\" {given:g} points, but "
                            f"{folder} names no part for the TA to grade (set manual=... on the exercise)")
    for exercise in exercises:
        if exercise.manual and not manual_points.get(exercise.id):
            raise SpecError(f"{config}: key units.{unit}.manual_points has no points for \"{exercise.id}\", whose "
                            f"part for the TA ({exercise.manual}) {folder} names")


# --- rules ----------------------------------------------------------------------------------

def _resolve_rule(check: CheckSpec, registry: Registry) -> None:
    for attribute in ("rule", "quick_rule"):
        rule = getattr(check, attribute)
        if rule is None:
            continue
        try:
            setattr(check, attribute, _resolved(rule, registry))
        except RegistryError as exc:
            raise SpecError(f"{check.site}: check {check.name!r}: {exc}") from None


def _resolved(rule, registry: Registry):
    if isinstance(rule, PropertyRule):
        entry = registry.get("property", rule.name)
        _bind(entry.bind(rule.params))
        return rule.model_copy(update={"secondary_property": entry.secondary, "timed": entry.timing})
    if isinstance(rule, RerunRule):
        _bind(registry.get("experiment", rule.experiment).bind(rule.params))
    if isinstance(rule, OutputRule):
        for name in rule.transforms.values():
            registry.get("transform", name)
    return rule


def _bind(problem: str | None) -> None:
    if problem:
        raise RegistryError(problem)


# --- dependencies -----------------------------------------------------------------------------

def _check_uses(exercise: Exercise, exercises: list[Exercise], ids: dict[str, int]) -> None:
    for artifact, owner in exercise.uses.items():
        if owner not in ids:
            raise SpecError(f"{exercise.site}: {exercise.id} uses {artifact!r} of {owner!r}, which is not an exercise")
        if ids[owner] > ids[exercise.id]:
            raise SpecError(f"{exercise.site}: {exercise.id} uses {artifact!r} of the later exercise {owner}")
        if artifact not in exercises[ids[owner]].artifacts:
            raise SpecError(f"{exercise.site}: {exercise.id} uses {artifact!r}, which is not an artifact of {owner} "
                            f"({', '.join(exercises[ids[owner]].artifacts)})")


# --- plans -----------------------------------------------------------------------------------

def _check_plan(exercise: Exercise, check: CheckSpec, helpers: HelperModules) -> None:
    where = f"{check.site}: check {check.name!r} of {exercise.id}"
    if check.artifact not in exercise.artifacts:
        raise SpecError(f"{where}: its artifact {check.artifact!r} is not one of the exercise's "
                        f"({', '.join(exercise.artifacts)})")
    try:
        plan, _ = check.plan(VALIDATION_SEED)
    except DataMissing:
        return  # the cases read a data set this machine lacks: graded as "not graded" where it is missing
    except Exception as exc:  # noqa: BLE001
        raise SpecError(f"{where}: its cases cannot be built ({type(exc).__name__}: {exc})") from None
    if not plan.cases:
        raise SpecError(f"{where}: it has no cases")
    for number, case in enumerate(plan.cases, 1):
        kept: set[str] = set()
        for step in case.steps:
            problem = _step_problem(step, kept, exercise, helpers)
            if problem:
                raise SpecError(f"{where}, case {number} ({case.label or 'unlabelled'}): {problem}")
            if step.keep_as:
                kept.add(step.keep_as)


def _step_problem(step: Step, kept: set[str], exercise: Exercise, helpers: HelperModules) -> str | None:
    for value in [*step.args, *step.kwargs.values()]:
        problem = _value_problem(value, kept, helpers)
        if problem:
            return problem
    if step.make is not None:
        if not isinstance(step.make, V.HelperV):
            return "a step's `make` must name a helper"
        problem = _value_problem(step.make, kept, helpers)
        if problem:
            return problem
        return _binds(_helper(step.make, helpers), len(step.args), set(step.kwargs), step.make)
    head = step.target.split(".")[0]
    if head.startswith("$"):
        return None if head[1:] in kept else f"it uses the handle {head!r} before a step keeps it (keep_as={head[1:]!r})"
    if head not in exercise.artifacts and head not in LIBRARY_NAMES:
        return f"its target {step.target!r} is neither an artifact of {exercise.id} nor a handle"
    return None


def _value_problem(value: V.Value, kept: set[str], helpers: HelperModules) -> str | None:
    if isinstance(value, V.HandleV):
        return None if value.name in kept else f"it passes kept({value.name!r}) before a step keeps it"
    if isinstance(value, V.HelperV):
        try:
            found = _helper(value, helpers)
        except LookupError as exc:
            return str(exc)
        for item in [*value.args, *value.kwargs.values()]:
            problem = _value_problem(item, kept, helpers)
            if problem:
                return problem
        if value.call:
            return _binds(found, len(value.args), set(value.kwargs), value)
        return None
    if isinstance(value, (V.ListV, V.TupleV)):
        return next(filter(None, (_value_problem(v, kept, helpers) for v in value.items)), None)
    if isinstance(value, V.DictV):
        return next(filter(None, (_value_problem(v, kept, helpers) for v in value.values)), None)
    return None


def _helper(value: V.HelperV, helpers: HelperModules) -> Callable:
    try:
        return helpers(value.module, value.name)
    except LookupError as exc:
        raise LookupError(f"helper {value.module}.{value.name}: {exc}") from None


def _binds(function: Callable, positional: int, keywords: set[str], value: V.HelperV) -> str | None:
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return None
    try:
        signature.bind(*range(positional), **{k: None for k in keywords})
    except TypeError as exc:
        return f"helper {value.module}.{value.name} cannot take these arguments ({exc})"
    return None
