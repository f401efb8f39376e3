"""Resuming a class run grades again whatever was graded under other settings."""

from __future__ import annotations

import re
import shutil

from conftest import ROOT

def test_a_change_of_points_or_limits_grades_everyone_again(tmp_path):
    """Resuming kept every finished submission's old points and maximum after a points entry
    changed in grader.toml; the resume key now covers the unit's checks and reference, its
    points, the limits, the engine and the seed, and a record graded under other settings is
    graded again."""
    from autograder.batch.run import BatchOptions, _needs_grading
    from autograder.batch.store import GradeRecord, OutputFolder
    from autograder.config.loader import find_course
    from autograder.judge.checkset import HiddenCheckSet
    from autograder.report.models import NotebookResult

    course = tmp_path / "course"
    shutil.copytree(ROOT / "solutions" / "unit1", course / "solutions" / "unit1")
    shutil.copy(ROOT / "grader.toml", course / "grader.toml")
    before = HiddenCheckSet(find_course(course), "unit1")
    toml = course / "grader.toml"
    toml.write_text(toml.read_text().replace('"u1.1.q1" = 10', '"u1.1.q1" = 20'))
    after_points = HiddenCheckSet(find_course(course), "unit1")
    toml.write_text(re.sub(r"(?m)^cell_seconds = .*$", "cell_seconds = 11", toml.read_text()))
    after_limits = HiddenCheckSet(find_course(course), "unit1")
    keys = {before.grading_key, after_points.grading_key, after_limits.grading_key}
    assert len(keys) == 3 and before.version == after_points.version  # the checks themselves are unchanged

    out = OutputFolder(tmp_path / "out")
    notebook = tmp_path / "alice.ipynb"
    notebook.write_text("{}")
    out.save_record(GradeRecord(student="alice", notebook_sha256="abc", unit="unit1", checks_version=before.version,
                                grading_key=before.grading_key, seed=7,
                                result=NotebookResult(unit="unit1", notebook="alice.ipynb", mode="hidden")))
    submission = type("S", (), {"student": "alice"})()
    options = BatchOptions(unit="unit1", submissions=tmp_path, out=tmp_path / "out")
    assert not _needs_grading(submission, out, "abc", before.grading_key, 7, options)
    assert _needs_grading(submission, out, "abc", after_points.grading_key, 7, options)
    assert _needs_grading(submission, out, "abc", before.grading_key, 8, options)  # another seed
