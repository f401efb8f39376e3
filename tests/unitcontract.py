"""What every unit's exercises must satisfy, shared by test_unit1.py, test_unit2.py, ...

A unit's test module calls `contract(unit)` and binds what it returns at module level:
the fixtures that grade the reference, the stubs and every catalogued mistake once per
module, and the three contract tests (reference full marks, stub zero with a kind message,
each mistake loses the points of the check that names it), parametrised for that unit.
"""

from __future__ import annotations

import pytest

from autograder.authoring.validate import append_after_exercises, mistake_caught
from autograder.exercises.loader import load_exercises
from conftest import ROOT, exercise, needs_fashion_mnist

MODES = ["hidden", "public"]


def contract(unit: str, seed: int = 11, mistake_limits: dict | None = None,
             needs_data: frozenset[str] = frozenset()) -> dict:
    """`needs_data`: exercises whose checks read Fashion-MNIST (skipped where it is absent)."""
    specs = load_exercises(ROOT / "solutions" / unit)

    def param(exercise_id, *rest):
        marks = [needs_fashion_mnist] if exercise_id in needs_data else []
        return pytest.param(exercise_id, *rest, marks=marks, id=f"{exercise_id}:{rest[0].name}" if rest else exercise_id)

    ids = [param(s.id) for s in specs]
    mistakes = [param(s.id, m) for s in specs for m in s.mistakes]
    hidden, public, solution = f"hidden_{unit}", f"public_{unit}", f"solution_{unit}"

    @pytest.fixture(scope="module")
    def module_grade(course, sandbox, tmp_path_factory):
        import nbformat

        from autograder.judge.grader import GradingOptions, grade_notebook

        folder = tmp_path_factory.mktemp(unit)

        def _grade(notebook, checkset, only=None, **limits):
            path = notebook
            if isinstance(notebook, nbformat.NotebookNode):
                path = folder / f"nb-{len(list(folder.iterdir()))}.ipynb"
                nbformat.write(notebook, str(path))
            options = GradingOptions(course.config.limits.model_copy(update=limits), only=only, seed=seed)
            return grade_notebook(checkset, path, sandbox, options)

        return _grade

    def _both(module_grade, notebook, request):
        return {mode: module_grade(notebook, request.getfixturevalue(f"{mode}_{unit}")) for mode in MODES}

    @pytest.fixture(scope="module")
    def reference_results(module_grade, course, request):
        return _both(module_grade, course.solutions / unit / f"{unit}.ipynb", request)

    @pytest.fixture(scope="module")
    def stub_results(module_grade, course, request):
        return _both(module_grade, course.assignments / unit / f"{unit}.ipynb", request)

    @pytest.fixture(scope="module")
    def mistake_results(module_grade, request):
        """Round k appends the k-th mistake of every exercise (each exercise graded alone)."""
        results = {}
        for k in range(max((len(s.mistakes) for s in specs), default=0)):
            chosen = {s.id: s.mistakes[k] for s in specs if len(s.mistakes) > k}
            notebook = append_after_exercises(request.getfixturevalue(solution), {i: m.code for i, m in chosen.items()})
            graded = module_grade(notebook, request.getfixturevalue(hidden), only=list(chosen), **(mistake_limits or {}))
            for exercise_id, mistake in chosen.items():
                results[(exercise_id, mistake.name)] = graded
        return results

    @pytest.mark.parametrize("mode", MODES)
    @pytest.mark.parametrize("exercise_id", ids)
    def test_reference_scores_full_marks(reference_results, mode, exercise_id):
        result = exercise(reference_results[mode], exercise_id)
        assert result.points == result.max_points > 0, result.summary
        assert result.status == "passed"

    @pytest.mark.parametrize("mode", MODES)
    @pytest.mark.parametrize("exercise_id", ids)
    def test_stub_scores_zero_with_a_kind_message(stub_results, mode, exercise_id):
        result = exercise(stub_results[mode], exercise_id)
        assert result.points == 0
        assert "not implemented yet" in result.summary or "has no answer yet" in result.summary, result.summary
        assert "Traceback" not in result.summary

    @pytest.mark.parametrize(("exercise_id", "mistake"), mistakes)
    def test_mistake_loses_the_points_of_its_check(mistake_results, exercise_id, mistake):
        graded = exercise(mistake_results[(exercise_id, mistake.name)], exercise_id)
        caught, detail = mistake_caught(graded, mistake)  # the definition `autograder validate` uses
        assert caught, detail

    def test_public_checks_store_answers_only_as_hashes(request):
        """Answer constants ship as salted hashes: the release does not give them away."""
        public = request.getfixturevalue(f"public_{unit}")
        answers = 0
        for info in public.exercises:
            for check in public.prepare(info.id, seed=0):
                if check.plan.rule.kind != "answer":
                    continue
                answers += 1
                stored = check.expected[0].result()
                leaves = stored.values() if isinstance(stored, dict) else [stored]
                assert all(isinstance(v, str) and v.startswith("sha256:") for v in leaves), stored
        expected = sum(c.rule.kind == "answer" for s in specs for c in s.checks if c.public)
        assert answers == expected > 0

    def test_public_release_is_small():
        """A unit's public data (check plans, expected values, public code) stays at most 1 MB:
        drawn inputs travel as recipes, rebuilt where they are used."""
        folder = ROOT / "assignments" / unit / "checks"
        size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        assert size <= 1_000_000, f"{folder} holds {size / 1e6:.2f} MB"

    return {name: value for name, value in locals().items()
            if name.startswith("test_") or name in ("module_grade", "reference_results", "stub_results",
                                                    "mistake_results")}
