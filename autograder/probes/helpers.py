"""The checks' helpers where a case's steps run: found by name, never evaluated from text.

A check hands the student's code things it builds where that code runs: a model with a
seeded start, a loader with a fixed order, a layer that records how it was called. Those
builders are ordinary functions in modules: the engine's own (`autograder.fixtures.*`,
importable everywhere) and a unit's fixture modules (`solutions/<unit>/public/fixtures/`,
shipped with the release). The judge sends a unit's fixture modules to the worker once
(`LoadModules`); `install` makes them an importable package there, compiled under their real
file names so tracebacks and coverage name the file. A step refers to a helper by module and
name (`protocol.values.HelperV`); `HelperModules` resolves it on either side.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
from types import ModuleType
from typing import Any, Sequence

from autograder.protocol.messages import ModuleSource

ENGINE_PREFIX = "autograder.fixtures"
WORKER_PACKAGE = "autograder_fixtures"  # the unit's fixture modules, as the worker installs them


class HelperNotFound(LookupError):
    pass


class HelperModules:
    """(module, name) -> the helper: `module` is an engine module (`autograder.fixtures.x`) or
    a module of the unit's fixture package `package` (None where the unit has none)."""

    def __init__(self, package: str | None = None):
        self.package = package

    def module(self, module: str) -> ModuleType:
        if module == ENGINE_PREFIX or module.startswith(ENGINE_PREFIX + "."):
            return importlib.import_module(module)
        if self.package is None:
            raise HelperNotFound(f"no fixture module {module!r}: this unit has no fixtures")
        try:
            return importlib.import_module(f"{self.package}.{module}")
        except ModuleNotFoundError as exc:
            raise HelperNotFound(f"no fixture module {module!r} ({exc})") from None

    def __call__(self, module: str, name: str) -> Any:
        found = getattr(self.module(module), name, None)
        if found is None or name.startswith("_"):
            raise HelperNotFound(f"fixture module {module!r} has no helper {name!r}")
        return found


class _SourceLoader(importlib.abc.InspectLoader):
    def __init__(self, sources: dict[str, ModuleSource]):
        self.sources = sources

    def create_module(self, spec):  # the default module object
        return None

    def get_source(self, fullname: str) -> str:
        source = self.sources.get(fullname)
        return source.source if source is not None else ""

    def exec_module(self, module: ModuleType) -> None:
        source = self.sources.get(module.__name__)
        if source is not None:
            exec(compile(source.source, source.filename, "exec"), module.__dict__)  # noqa: S102 - the course's code


class _SourceFinder(importlib.abc.MetaPathFinder):
    """Serves `package` and `package.<name>` from the sources the judge sent."""

    def __init__(self, package: str, modules: Sequence[ModuleSource]):
        self.package = package
        self.loader = _SourceLoader({f"{package}.{m.name}": m for m in modules})

    def find_spec(self, fullname, path=None, target=None):
        if fullname == self.package:
            spec = importlib.machinery.ModuleSpec(fullname, self.loader, is_package=True)
            spec.submodule_search_locations = []
            return spec
        source = self.loader.sources.get(fullname)
        if source is None:
            return None
        spec = importlib.machinery.ModuleSpec(fullname, self.loader, origin=source.filename)
        spec.has_location = True  # __file__ is the real file name: tracebacks and coverage
        return spec


def install(package: str, modules: Sequence[ModuleSource]) -> None:
    """Make `package` and its `modules` importable (replacing an earlier install), and import
    each now, so that a broken helper module is reported before any cell runs."""
    sys.meta_path[:] = [f for f in sys.meta_path if not (isinstance(f, _SourceFinder) and f.package == package)]
    for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
        del sys.modules[name]
    sys.meta_path.insert(0, _SourceFinder(package, modules))
    for module in modules:
        importlib.import_module(f"{package}.{module.name}")
