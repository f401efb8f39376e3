"""Grading one submission of a batch, as a callable an executor can run here or ship away.

`GradeSubmission` holds what a judge needs to grade any submission of the run: the
course, the unit, the run's seed and the sandbox backend. On this machine it uses the
batch's check set and sandbox. Pickled (for a Ray task) it travels without them, and
`on_node` builds a judge of its own from the node's copy of the course: the hidden
checks and the reference are loaded in the judge process on that node, never sent to a
worker.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from autograder.batch.ingest import Submission
from autograder.config.loader import Course
from autograder.config.models import CourseConfig
from autograder.judge.checkset import HiddenCheckSet
from autograder.judge.grader import GradingOptions, grade_notebook, not_gradable_result
from autograder.report.models import NotebookResult
from autograder.sandbox.base import Sandbox


class NodeMismatch(Exception):
    """A node's copy of the unit's checks is not the one the driver graded with."""


@dataclass
class GradeSubmission:
    course: Course
    unit: str
    seed: int
    backend: str
    checks_version: str
    checkset: HiddenCheckSet | None = field(default=None, repr=False, compare=False)
    sandbox: Sandbox | None = field(default=None, repr=False, compare=False)

    @classmethod
    def here(cls, course: Course, checkset: HiddenCheckSet, sandbox: Sandbox, seed: int) -> "GradeSubmission":
        return cls(course, checkset.unit, seed, sandbox.name, checkset.version, checkset, sandbox)

    def __call__(self, submission: Submission) -> NotebookResult:
        assert self.checkset is not None and self.sandbox is not None, "on_node() builds a shipped task's judge"
        if submission.notebook is None:
            return not_gradable_result(self.checkset, submission.problem or "nothing to grade", self.sandbox)
        # one seed for the whole run: every student meets the same fresh inputs, and the
        # reference's outcomes are computed once per exercise, not once per student
        result = grade_notebook(self.checkset, submission.notebook, self.sandbox,
                                GradingOptions(self.course.config.limits, seed=self.seed))
        result.warnings = submission.notes + result.warnings
        return result

    def __getstate__(self) -> dict:
        # a judge's check set and sandbox (processes, sockets, a zygote) stay where they were made
        return {**self.__dict__, "checkset": None, "sandbox": None}

    def on_node(self, course_root: Path, data_dir: Path | None, relocated: bool) -> "GradeSubmission":
        """This task with a judge and a sandbox of its own, on a node whose copy of the course
        is at `course_root` (`relocated`: laid out as solutions/ and assignments/ there)."""
        from autograder.sandbox import create_sandbox

        config = self.course.config
        if relocated:
            config = config.model_copy(update={"course": CourseConfig(
                name=config.course.name, solutions="solutions", assignments="assignments")})
        course = Course(course_root, config)
        checkset = HiddenCheckSet(course, self.unit, threads=config.limits.threads)
        if checkset.version != self.checks_version:
            raise NodeMismatch(f"this node's copy of {self.unit}'s checks ({course_root}) is version "
                               f"{checkset.version}, not the driver's {self.checks_version}; update it on every node")
        sandbox = create_sandbox(config.sandbox, self.backend, pool=True, data_dir=data_dir, hidden=True)
        sandbox.warm_up(config.limits)
        return replace(self, course=course, checkset=checkset, sandbox=sandbox)

    def close(self) -> None:
        if self.sandbox is not None:
            self.sandbox.close()
