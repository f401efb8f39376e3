"""Which unit a notebook belongs to, told by the notebook's own exercise ids.

Units share function names (`train_classifier` is in units 2 and 3), so a name the
notebook defines says little. Its exercise ids say more: the nbgrader `grade_id` of its
cells (`u3.2.q1`, `u3.2.q1.check`) and the answer constants it binds (`ans_u3_2_q3`).
Evidence for another unit and none for the graded one means the wrong notebook was given;
evidence for both (a cell copied from another unit) is graded, with a note when the other
unit's ids are the majority.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from autograder.notebook.plan import CellInfo, analyse, locate
from autograder.notebook.reading import code_cells, read_notebook

GRADE_ID = re.compile(r"^u(\d+)\.(\d+)\.q(\d+)(?:\..*)?$")
ANSWER_CONSTANT = re.compile(r"^ans_u(\d+)_(\d+)_q(\d+)$")


@dataclass(frozen=True)
class UnitEvidence:
    """The exercise ids a notebook carries, by unit ("unit3": {"u3.2.q1", ...})."""

    ids: dict[str, frozenset[str]]

    def count(self, unit: str) -> int:
        return len(self.ids.get(unit, ()))

    def likeliest(self) -> str | None:
        if not self.ids:
            return None
        counts = Counter({unit: len(ids) for unit, ids in self.ids.items()})
        return counts.most_common(1)[0][0]


@dataclass(frozen=True)
class ForeignUnit:
    """A notebook whose exercise ids all belong to another unit."""

    unit: str
    examples: tuple[str, ...]

    def message(self, notebook: Path | str, graded_unit: str) -> str:
        shown = ", ".join(self.examples)
        return (f"{notebook} has none of {graded_unit}'s exercises: it is the notebook for {self.unit} (its exercise "
                f"ids are {self.unit}'s: {shown}); check it as {self.unit} (autograder check {self.unit} {Path(notebook).name}), "
                f"or submit your {graded_unit} notebook")


def evidence(cells: list[CellInfo]) -> UnitEvidence:
    found: dict[str, set[str]] = {}
    for info in cells:
        grade_id = info.cell.grade_id or ""
        match = GRADE_ID.match(grade_id)
        if match:
            found.setdefault(f"unit{int(match.group(1))}", set()).add(_exercise(match))
        for name in info.binds:
            match = ANSWER_CONSTANT.match(name)
            if match:
                found.setdefault(f"unit{int(match.group(1))}", set()).add(_exercise(match))
    return UnitEvidence({unit: frozenset(ids) for unit, ids in found.items()})


def _exercise(match: re.Match) -> str:
    return f"u{int(match.group(1))}.{int(match.group(2))}.q{int(match.group(3))}"


def foreign_unit(cells: list[CellInfo], unit: str) -> ForeignUnit | None:
    """The unit the notebook belongs to, when its ids name another unit and none of `unit`."""
    seen = evidence(cells)
    other = seen.likeliest()
    if other is None or other == unit or seen.count(unit):
        return None
    return ForeignUnit(other, tuple(sorted(seen.ids[other], key=_natural))[:3])


def mostly_other_unit(cells: list[CellInfo], unit: str) -> str | None:
    """Another unit whose ids outnumber `unit`'s in a notebook that has some of both."""
    seen = evidence(cells)
    other = seen.likeliest()
    if other is not None and other != unit and seen.count(unit) and seen.count(other) > seen.count(unit):
        return other
    return None


def exercises_found(path: Path, unit: str, artifacts: dict[str, list[str]]) -> int:
    """How many of `unit`'s exercises (id -> artifact names) the notebook at `path` holds:
    tagged with their id, or defining every artifact. 0 for a notebook that cannot be read."""
    cells = [analyse(c) for c in code_cells(read_notebook(path))]
    if foreign_unit(cells, unit) is not None:
        return 0
    tagged = evidence(cells).ids.get(unit, frozenset())
    count = 0
    for exercise_id, names in artifacts.items():
        located = locate(cells, exercise_id, names)
        if exercise_id in tagged or all(where is not None for where in located.definitions.values()):
            count += 1
    return count


def _natural(exercise_id: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", exercise_id))
