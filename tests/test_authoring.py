"""Authoring a unit: one folder per exercise, errors at load time that name the file and line,
a check that breaks costs only itself, and one definition of "a mistake is caught"."""

from __future__ import annotations

import textwrap
from pathlib import Path

import nbformat
import pytest

from autograder.authoring.validate import mistake_caught
from autograder.config.loader import Course, load_config
from autograder.exercises.loader import SpecError, load_unit
from autograder.exercises.spec import Mistake
from autograder.judge.checkset import HiddenCheckSet
from autograder.judge.grader import GradingOptions, grade_notebook
from autograder.report.models import CheckResult, ExerciseResult
from conftest import ROOT

EXERCISE = '''\
"""u9.1.q1: Double a tensor."""

import torch

from autograder.exercises import Exercise, call, case, made, mistake, output, prop, sequence

EXERCISE = Exercise(
    "u9.1.q1", "Double a tensor", ["double"],
    checks=[
        output("values", "double", [case(torch.arange(3.0)), case(torch.ones(2, 2))], weight=3),
        {extra}
    ],
    mistakes=[mistake("adds_one", fails=["values"], says="values differ")],{options}
)
'''
MISTAKE = '"""adds one instead"""\n\ndef double(x):\n    return x + 1\n'
REFERENCE = "def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION\n"


def make_course(root: Path, extra: str = "", points: str = '"u9.1.q1" = 10', public: str = "",
                options: str = "") -> Course:
    """A course with one unit (`unit9`) of one exercise, its reference notebook and grader.toml."""
    (root / "grader.toml").write_text(textwrap.dedent(f"""\
        [course]
        name = "test"
        [units.unit9]
        title = "Test unit"
        [units.unit9.points]
        {points}
        """))
    folder = root / "solutions" / "unit9"
    exercise = folder / "exercises" / "u9_1_q1"
    (exercise / "mistakes").mkdir(parents=True)
    (exercise / "exercise.py").write_text(EXERCISE.replace("{extra}", extra).replace("{options}", options))
    (exercise / "mistakes" / "adds_one.py").write_text(MISTAKE)
    if public:
        (folder / "public").mkdir()
        (folder / "public" / "judging.py").write_text(public)
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("import torch\n\n" + REFERENCE)
    cell.metadata["nbgrader"] = {"grade_id": "u9.1.q1", "solution": True, "grade": False, "locked": False}
    notebook.cells.append(cell)
    nbformat.write(notebook, str(folder / "unit9.ipynb"))
    return Course(root, load_config(root / "grader.toml"))


def test_a_unit_in_folders_loads_without_a_list(tmp_path):
    course = make_course(tmp_path)
    code = load_unit(course.solutions / "unit9", "unit9")
    assert [e.id for e in code.exercises] == ["u9.1.q1"]
    assert code.exercises[0].mistakes[0].name == "adds one instead"


@pytest.mark.parametrize(("extra", "says"), [
    ('prop("spelt wrong", "double", [case(1.0)], "results_eqaul"),', "no property named 'results_eqaul'"),
    ('prop("bad parameter", "double", [case(torch.ones(4))], "fair_bits", shap=[4]),',
     "property 'fair_bits' has no parameter 'shap'"),
    ('output("not an artifact", "tripple", [case(1.0)]),', "its artifact 'tripple' is not one of the exercise's"),
    ('output("handle first", "double", [sequence(call(target="$m.weight"), '
     'call(torch.ones(1), keep_as="m"))]),', "uses the handle '$m' before a step keeps it"),
    ('output("no helper", "double", [case(made("nothing.here", label="x"))]),', "no fixture module 'nothing'"),
    ('output("values", "double", [case(1.0)]),', "has two checks named 'values'"),
])
def test_a_mistake_in_an_exercise_file_is_refused_at_load_naming_file_and_line(tmp_path, extra, says):
    course = make_course(tmp_path, extra=extra)
    with pytest.raises(SpecError) as raised:
        HiddenCheckSet(course, "unit9")
    message = str(raised.value)
    assert says in message
    assert "exercises/u9_1_q1/exercise.py:" in message  # the file and the line of the declaration


def test_points_without_an_exercise_and_an_exercise_without_points_are_refused(tmp_path):
    course = make_course(tmp_path, points='"u9.1.q1" = 10\n"u9.1.q2" = 5')
    with pytest.raises(SpecError, match='points names "u9.1.q2", which is not an exercise'):
        HiddenCheckSet(course, "unit9")
    (tmp_path / "other").mkdir()
    other = make_course(tmp_path / "other", points='')
    with pytest.raises(SpecError, match=r'points has no entry "u9.1.q1" \(declared in .*u9_1_q1/exercise.py\)'):
        HiddenCheckSet(other, "unit9")


def test_a_missing_mistake_file_is_named(tmp_path):
    course = make_course(tmp_path)
    (course.solutions / "unit9" / "exercises" / "u9_1_q1" / "mistakes" / "adds_one.py").unlink()
    with pytest.raises(SpecError, match=r"exercise.py:\d+: no mistake file .*mistakes/adds_one.py"):
        load_unit(course.solutions / "unit9", "unit9")


BROKEN_PROPERTY = '''\
from autograder.checks.registry import check_property


@check_property()
def breaks(ctx):
    """A property with a defect: it reads a key that is not there."""
    return {}["missing"]
'''


def test_a_check_that_breaks_costs_only_that_check_and_tells_the_ta(tmp_path, sandbox):
    """A KeyError inside a property is the checks' defect: that check is 'the grader could not run
    this check', the traceback goes to the TA, and the exercise's other checks still count."""
    course = make_course(tmp_path, extra='prop("broken", "double", [case(torch.ones(2))], "breaks"),',
                         public=BROKEN_PROPERTY)
    checkset = HiddenCheckSet(course, "unit9")
    notebook = course.solutions / "unit9" / "unit9.ipynb"
    result = grade_notebook(checkset, notebook, sandbox, GradingOptions(course.config.limits, seed=1))
    assert result.status == "graded" or result.status == "partial-failure"
    exercise = result.exercises[0]
    checks = {c.name: c for c in exercise.checks}
    assert checks["values"].passed and checks["values"].points == 7.5
    assert checks["broken"].status == "internal_error" and checks["broken"].points == 0
    assert "the grader could not run this check" in checks["broken"].message
    assert any("KeyError" in line and "judging.py" in line for line in exercise.internal)
    assert "Traceback" not in exercise.summary and not any("Traceback" in n for n in exercise.notes)


def _graded(*checks: CheckResult) -> ExerciseResult:
    return ExerciseResult(id="u9.1.q1", max_points=10, points=sum(c.points for c in checks), checks=list(checks))


def test_a_mistake_that_keeps_partial_points_is_not_caught():
    """`validate` and the unit tests share one definition: every point of a named check is lost."""
    mistake = Mistake("half right", "", fails=["accuracy"], says="classifies")
    partial = CheckResult(name="accuracy", kind="accuracy", weight=1, points=4, max_points=10, passed=False,
                          status="failed", message="train: the model classifies 80.0% of 200 points correctly")
    caught, detail = mistake_caught(_graded(partial), mistake)
    assert not caught and "still earn points: accuracy (4 of 10)" in detail
    lost = partial.model_copy(update={"points": 0.0})
    assert mistake_caught(_graded(lost), mistake) == (True, lost.message)


def test_the_authoring_guide_is_generated_and_current(course):
    """docs/authoring.md lists every rule kind, builder, property, experiment, transform and
    fixture from the registries; regenerate it with `autograder guide` when this fails."""
    from autograder.authoring.guide import render_guide
    from autograder.checks.registry import ENGINE
    from autograder.checks.rule import RULE_KINDS

    written = (course.root / "docs" / "authoring.md").read_text(encoding="utf-8")
    fresh = render_guide(course.solutions)
    assert written == fresh, "docs/authoring.md is stale: run `autograder guide`"
    for tag in RULE_KINDS:
        assert f"### `{tag}`" in written
    for kind in ("property", "experiment", "transform"):
        for entry in ENGINE.entries(kind):
            assert f"**`{entry.name}`**" in written
    assert "## Adding one exercise, end to end" in written


def test_an_exercise_may_give_its_cells_longer_and_the_report_says_so(tmp_path, sandbox):
    """An answer a student computes by running an experiment in its cell would hit the course's
    cell limit; an exercise with cell_seconds lets its cells run longer, and says it happened."""
    course = make_course(tmp_path, options="\n    cell_seconds=20,")
    notebook = nbformat.read(str(course.solutions / "unit9" / "unit9.ipynb"), as_version=4)
    notebook.cells[0].source = "import time\nimport torch\n\ntime.sleep(1.5)\n\n" + REFERENCE
    path = tmp_path / "slow.ipynb"
    nbformat.write(notebook, str(path))
    checkset = HiddenCheckSet(course, "unit9")
    limits = course.config.limits.model_copy(update={"cell_seconds": 1})
    result = grade_notebook(checkset, path, sandbox, GradingOptions(limits, seed=1))
    exercise = result.exercises[0]
    assert exercise.points == exercise.max_points, exercise.summary
    assert any("past the usual 1 s limit, within this exercise's 20 s" in note for note in exercise.notes)

    strict = make_course(tmp_path / "strict", options="") if (tmp_path / "strict").mkdir() is None else None
    result = grade_notebook(HiddenCheckSet(strict, "unit9"), path, sandbox, GradingOptions(limits, seed=1))
    assert result.exercises[0].points == 0 and "did not finish within 1 s" in " ".join(result.exercises[0].notes)


MEASURING_PROPERTY = '''\
from autograder.checks.registry import check_property
from autograder.checks.rule import Verdict


@check_property()
def mean_at_least(ctx, minimum: float):
    """The result's mean is at least `minimum` (and reports the mean it measured)."""
    mean = float(ctx.actual.result().data.mean())
    return Verdict.pass_(measured=mean) if mean >= minimum else Verdict.fail(f"the mean is {mean:.3f}", measured=mean)
'''


def test_calibrate_judges_the_reference_over_seeds_and_reports_what_it_measured(tmp_path):
    """`autograder calibrate` runs any check on the reference as if it were a student's, over
    seeds: how often it passes, and the spread of the number a rule or property measured."""
    from autograder.authoring.calibrate import calibrate

    course = make_course(tmp_path, extra='prop("mean", "double", lambda d: [case(d.rand(50))], "mean_at_least", '
                                          'minimum=0.9),', public=MEASURING_PROPERTY)
    (row,) = calibrate(course, "unit9", "u9.1.q1", seeds=5, checks=["mean"])
    assert row.runs == 5 and len(row.scores) == 5
    assert 0.8 < row.mean < 1.2 and row.spread > 0  # twice a uniform draw: mean 1, varying with the seed
    assert row.passed == sum(score >= 0.9 for score in row.scores)


def _code_in_strings(path: Path) -> list[str]:
    """String constants of a file that are Python code: a lambda, or a call through torch,
    __import__ or a module attribute (what judge-written code strings looked like)."""
    import ast

    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    # a label is what the feedback prints, and may show a value as PyTorch writes it
    labels = {id(k.value) for k in ast.walk(tree) if isinstance(k, ast.keyword) and k.arg == "label"}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)) or id(node) in labels:
            continue
        text = node.value.strip()
        try:
            tree = ast.parse(text, mode="eval")
        except SyntaxError:
            continue
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
        if isinstance(tree.body, ast.Lambda) or any("torch" in ast.unparse(c.func) or "__import__" in ast.unparse(c.func)
                                                     for c in calls):
            found.append(f"{path}:{node.lineno}: {text[:60]!r}")
    return found


def test_no_code_travels_as_strings_in_checks_or_the_authoring_package():
    """Code that runs where the student's code runs lives in fixture modules with real file
    names; no check writes Python source into a string."""
    files = [p for p in (ROOT / "solutions").rglob("*.py") if "mistakes" not in p.parts]
    files += list((ROOT / "autograder" / "exercises").rglob("*.py"))
    assert files
    found = [hit for path in files for hit in _code_in_strings(path)]
    assert not found, "\n".join(found)


def test_the_code_string_detector_finds_what_it_looks_for(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('A = "lambda x: x + 1"\nB = "torch.nn.Linear(2, 3)"\nC = "x**2 + x"\nD = "a label"\n'
                      'E = made("devices.cpu", label="torch.device(\'cpu\')")\n')
    assert [hit.split(": ", 1)[1] for hit in _code_in_strings(sample)] == ["'lambda x: x + 1'", "'torch.nn.Linear(2, 3)'"]


def test_an_exercise_status_comes_from_its_checks_statuses_never_from_their_words():
    """Status and fraction are fields: a failure whose text happens to start with "not graded"
    is a failure, and a check this machine could not grade is "not graded" whatever it says."""
    from autograder.judge.grader import _summarise

    def check(status: str, message: str) -> CheckResult:
        return CheckResult(name="c", kind="output", weight=1, points=0, max_points=5, passed=False, status=status,
                           message=message)

    looks_like = ExerciseResult(id="u9.1.q1", checks=[check("failed", "not graded: the student printed this")])
    _summarise(looks_like)
    assert looks_like.status == "failed"
    missing = ExerciseResult(id="u9.1.q1", checks=[check("not_graded", "the data set this check reads is missing")])
    _summarise(missing)
    assert missing.status == "not_graded"
