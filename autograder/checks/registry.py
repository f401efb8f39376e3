"""Named pieces of judging a check can refer to: properties, experiments and transforms.

Public check data names these pieces instead of shipping code, so each is a function
registered under a name with a decorator:

- `@check_property` — a fact about the student's results that needs no reference
  (`fair_bits`, `results_equal`); it receives the case's context and returns None or what
  is wrong.
- `@experiment` — a trusted computation the judge runs from a student's setting (an answer
  constant): it receives the value, the entries read from it, and the check's parameters.
- `@transform` — puts a value into a canonical form before comparing (`sort_complex_last`).

The engine's general pieces register here when their modules are imported. A unit's own
pieces live in that unit's public modules (`solutions/<unit>/public/*.py`, shipped with the
release) and register into the unit's `Registry` while the loader imports them, so adding one
never edits the engine. Lookups fall back from the unit's registry to the engine's.
"""

from __future__ import annotations

import inspect
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Literal

Kind = Literal["property", "experiment", "transform"]


@dataclass(frozen=True)
class Entry:
    kind: Kind
    name: str
    function: Callable[..., Any]
    secondary: bool = False  # properties comparing two of the student's own results
    timing: bool = False     # properties measured with the clock
    example: str = ""        # one line for docs/authoring.md

    @property
    def summary(self) -> str:
        doc = inspect.getdoc(self.function) or ""
        return " ".join(doc.split("\n\n")[0].split())

    @property
    def module(self) -> str:
        return getattr(self.function, "__module__", "") or ""

    def parameters(self) -> list[inspect.Parameter]:
        """The parameters a check sets (those after the ones the judge passes)."""
        skip = {"property": 1, "experiment": 2, "transform": 1}[self.kind]
        return list(inspect.signature(self.function).parameters.values())[skip:]

    def bind(self, params: dict[str, Any]) -> str | None:
        """None when `params` fit the function's signature, else what does not."""
        names = {p.name: p for p in self.parameters()}
        for key in params:
            if key not in names and not any(p.kind is p.VAR_KEYWORD for p in names.values()):
                return f"{self.kind} {self.name!r} has no parameter {key!r} (it takes {', '.join(names) or 'none'})"
        for name, parameter in names.items():
            required = parameter.default is parameter.empty and parameter.kind in (
                parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY)
            if required and name not in params:
                return f"{self.kind} {self.name!r} needs the parameter {name!r}"
        return None


class RegistryError(LookupError):
    pass


class Registry:
    """Entries by kind and name; a unit's registry falls back to the engine's."""

    def __init__(self, label: str, parent: "Registry | None" = None):
        self.label = label
        self.parent = parent
        self._entries: dict[tuple[Kind, str], Entry] = {}

    def add(self, entry: Entry) -> None:
        key = (entry.kind, entry.name)
        known = self._entries.get(key) or (self.parent.find(entry.kind, entry.name) if self.parent else None)
        if known is not None and known.function is not entry.function:
            raise RegistryError(f"{entry.kind} {entry.name!r} is registered twice ({known.module}, {entry.module})")
        self._entries[key] = entry

    def find(self, kind: Kind, name: str) -> Entry | None:
        entry = self._entries.get((kind, name))
        if entry is None and self.parent is not None:
            return self.parent.find(kind, name)
        return entry

    def get(self, kind: Kind, name: str) -> Entry:
        entry = self.find(kind, name)
        if entry is None:
            known = ", ".join(sorted(self.names(kind))) or "none"
            raise RegistryError(f"no {kind} named {name!r} (known: {known})")
        return entry

    def names(self, kind: Kind) -> set[str]:
        own = {name for (k, name) in self._entries if k == kind}
        return own | (self.parent.names(kind) if self.parent else set())

    def entries(self, kind: Kind, own_only: bool = False) -> list[Entry]:
        own = [e for (k, _), e in self._entries.items() if k == kind]
        if own_only or self.parent is None:
            return sorted(own, key=lambda e: e.name)
        inherited = [e for e in self.parent.entries(kind) if (kind, e.name) not in self._entries]
        return sorted(own + inherited, key=lambda e: e.name)


ENGINE = Registry("the engine")
_registering: ContextVar[Registry] = ContextVar("autograder_registering", default=ENGINE)


@contextmanager
def registering_into(registry: Registry) -> Iterator[Registry]:
    """Decorators used while a unit's public modules are imported register into `registry`."""
    token = _registering.set(registry)
    try:
        yield registry
    finally:
        _registering.reset(token)


def _register(kind: Kind, name: str | None, **flags: Any) -> Callable[[Callable], Callable]:
    def decorate(function: Callable) -> Callable:
        _registering.get().add(Entry(kind, name or function.__name__, function, **flags))
        return function
    return decorate


def check_property(name: str | None = None, *, secondary: bool = False, timing: bool = False,
                   example: str = "") -> Callable[[Callable], Callable]:
    """Register a property: `f(ctx, **params) -> str | None` (None when the results have it).

    `secondary`: it compares two of the student's own results (reproducible, fresh draws),
    so it earns points only when the artifact's other checks pass. `timing`: it is measured
    with the clock (retried on a busy machine, never withholding other credit)."""
    return _register("property", name, secondary=secondary, timing=timing, example=example)


def experiment(name: str | None = None, *, example: str = "") -> Callable[[Callable], Callable]:
    """Register an experiment: `f(value, lookups, **params) -> str | None`, run in the judge
    from the student's setting `value` (and the entries `lookups` read from it)."""
    return _register("experiment", name, example=example)


def transform(name: str | None = None, *, example: str = "") -> Callable[[Callable], Callable]:
    """Register a transform: `f(value) -> value`, a canonical form compared instead."""
    return _register("transform", name, example=example)
