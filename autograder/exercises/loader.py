"""Load a unit's checks from its folder, and refuse an inconsistent one at load time.

A unit's folder (`solutions/<unit>/`) holds

    <unit>.ipynb                    the reference notebook
    common.py                       (optional) case builders the unit's exercises share
    exercises/<u1_3_q1>/exercise.py one exercise: `EXERCISE = Exercise(...)` and its cases
    exercises/<u1_3_q1>/mistakes/   its catalogued mistakes, one Python file each
    public/*.py                     (optional) the unit's own properties and experiments
    public/fixtures/*.py            (optional) helpers run where the student's code runs

The folder is imported as the package `autograder_units.<unit>` (so exercise files write
`from autograder_units.unit2.common import blobs`). `public/` is shipped with the release
(`assignments/<unit>/checks/public/`), where the public check set loads it as
`autograder_release.<unit>.public`. The loader finds the exercises itself: there is no list to
keep. Every name a check uses (properties, experiments, transforms, helpers, handles,
artifacts of `uses`, mistakes' checks) is validated here, and an error names the file and line.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.machinery
import importlib.util
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from autograder.checks.registry import Registry, RegistryError, ENGINE, registering_into
from autograder.exercises.spec import Exercise, MistakeFileError
from autograder.protocol.messages import ModuleSource

HIDDEN_ROOT = "autograder_units"
RELEASE_ROOT = "autograder_release"
EXERCISES = "exercises"
EXERCISE_FILE = "exercise.py"
PUBLIC = "public"
FIXTURES = "fixtures"
ID_FOLDER = re.compile(r"^u(\d+)_(\d+)_q(\d+)$")


class SpecError(Exception):
    """A unit's checks are missing or inconsistent; an instructor problem."""


@dataclass
class UnitCode:
    """What loading a unit's folder gives: its exercises (hidden mode), its registry of
    properties/experiments/transforms, and its fixture modules for the worker."""

    unit: str
    folder: Path
    package: str
    exercises: list[Exercise] = field(default_factory=list)
    registry: Registry = ENGINE
    fixtures: list[ModuleSource] = field(default_factory=list)

    @property
    def fixture_package(self) -> str | None:
        """Where the judge finds the unit's fixture modules (None: the unit has none)."""
        return f"{self.package}.{PUBLIC}.{FIXTURES}" if self.fixtures else None


def load_unit(folder: Path, unit: str) -> UnitCode:
    """A unit's hidden checks: its public code first (registrations, fixtures), then every
    exercise under `exercises/`, in id order."""
    folder = Path(folder)
    if not (folder / EXERCISES).is_dir():
        raise SpecError(f"{folder / EXERCISES}: no exercises folder for {unit} (one folder per exercise, each "
                        f"with an {EXERCISE_FILE})")
    package = f"{HIDDEN_ROOT}.{unit}"
    _fresh_package(package, folder)
    code = load_public(folder / PUBLIC, unit, package)
    code.folder = folder
    code.exercises = [_load_exercise(package, path) for path in _exercise_files(folder)]
    _check_unique_ids(code.exercises, folder)
    return code


def load_exercises(folder: Path) -> list[Exercise]:
    """The exercises of the unit in `folder` (named by the folder), e.g. for tests and tools."""
    return load_unit(Path(folder), Path(folder).name).exercises


def load_unit_public(folder: Path, unit: str) -> UnitCode:
    """Only the public code of the unit in `folder` (its registry and fixtures)."""
    package = f"{HIDDEN_ROOT}.{unit}"
    _fresh_package(package, folder)
    return load_public(Path(folder) / PUBLIC, unit, package)


def load_release_code(checks_folder: Path, unit: str) -> UnitCode:
    """The public code shipped in a release (`assignments/<unit>/checks/public/`)."""
    package = f"{RELEASE_ROOT}.{unit}"
    _fresh_package(package, checks_folder)
    return load_public(Path(checks_folder) / PUBLIC, unit, package)


def load_public(public: Path, unit: str, package: str) -> UnitCode:
    """Import a unit's public modules (they register into the unit's registry) and read its
    fixture modules (sent to the worker, importable in the judge for the reference)."""
    registry = Registry(unit, parent=ENGINE)
    code = UnitCode(unit, public.parent, package, registry=registry)
    if not public.is_dir():
        return code
    with registering_into(registry):
        for path in sorted(public.glob("*.py")):
            _import(f"{package}.{PUBLIC}.{path.stem}", path)
    fixtures = public / FIXTURES
    code.fixtures = [ModuleSource(name=p.stem, filename=str(p.resolve()), source=p.read_text(encoding="utf-8"))
                     for p in sorted(fixtures.glob("*.py")) if p.stem != "__init__"]
    for module in code.fixtures:
        _import(f"{package}.{PUBLIC}.{FIXTURES}.{module.name}", Path(module.filename))
    return code


def unit_digest(folder: Path, *extra: Path) -> str:
    """A digest of every file that decides how the unit grades: the notebook, the exercise
    files and their mistakes, shared and public code (and `extra` files)."""
    h = hashlib.sha256()
    files = sorted(p for p in Path(folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts
                   and p.suffix in (".py", ".ipynb"))
    for path in [*files, *extra]:
        h.update(str(path.relative_to(folder) if path.is_relative_to(folder) else path.name).encode())
        h.update(b"\0")
        h.update(path.read_bytes() if path.is_file() else b"")
        h.update(b"\0")
    return h.hexdigest()[:16]


def exercise_folder_name(exercise_id: str) -> str:
    return exercise_id.replace(".", "_")


# --- importing --------------------------------------------------------------------------

def _fresh_package(package: str, folder: Path) -> None:
    """`package` as a package whose modules are the files under `folder`, forgetting modules
    an earlier load of it imported (a unit loaded again runs its files again)."""
    for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
        del sys.modules[name]
    root = package.split(".")[0]
    if root not in sys.modules:
        sys.modules[root] = _package_module(root, [])
    sys.modules[package] = _package_module(package, [str(Path(folder).resolve())])


def _package_module(name: str, paths: list[str]) -> ModuleType:
    spec = importlib.machinery.ModuleSpec(name, None, is_package=True)
    spec.submodule_search_locations = paths
    return importlib.util.module_from_spec(spec)


def _import(name: str, path: Path) -> ModuleType:
    try:
        return importlib.import_module(name)
    except (SpecError, MistakeFileError, RegistryError) as exc:
        raise SpecError(str(exc)) from None
    except SyntaxError as exc:
        raise SpecError(f"{exc.filename}:{exc.lineno}: {exc.msg}") from None
    except Exception as exc:  # noqa: BLE001 - an instructor's file may raise anything; say where
        raise SpecError(f"{path}: cannot be loaded ({_where(exc, path)}{type(exc).__name__}: {exc})") from None


def _where(exc: BaseException, path: Path) -> str:
    """'line N: ' of the deepest frame in the course's files, where an import failed."""
    line = None
    trace = exc.__traceback__
    while trace is not None:
        if Path(trace.tb_frame.f_code.co_filename).resolve().is_relative_to(path.resolve().parents[1]):
            line = f"{trace.tb_frame.f_code.co_filename}:{trace.tb_lineno}: "
        trace = trace.tb_next
    return line or ""


def _exercise_files(folder: Path) -> list[Path]:
    found = []
    for sub in sorted((folder / EXERCISES).iterdir()):
        if not sub.is_dir() or sub.name.startswith(("_", ".")):
            continue
        if not ID_FOLDER.match(sub.name):
            raise SpecError(f"{sub}: an exercise folder is named by its id with '_' for '.', e.g. u4_2_q1")
        if not (sub / EXERCISE_FILE).is_file():
            raise SpecError(f"{sub}: no {EXERCISE_FILE} in this exercise folder")
        found.append(sub / EXERCISE_FILE)
    return sorted(found, key=lambda p: tuple(int(n) for n in ID_FOLDER.match(p.parent.name).groups()))


def _load_exercise(package: str, path: Path) -> Exercise:
    module = _import(f"{package}.{EXERCISES}.{path.parent.name}.{path.stem}", path)
    exercise = getattr(module, "EXERCISE", None)
    if not isinstance(exercise, Exercise):
        raise SpecError(f"{path}: must define EXERCISE = Exercise(...)")
    if exercise_folder_name(exercise.id) != path.parent.name:
        raise SpecError(f"{path}: the exercise's id {exercise.id!r} does not match its folder {path.parent.name!r}")
    return exercise


def _check_unique_ids(exercises: list[Exercise], folder: Path) -> None:
    seen: set[str] = set()
    for exercise in exercises:
        if exercise.id in seen:
            raise SpecError(f"{folder}: exercise id {exercise.id} repeats")
        seen.add(exercise.id)
