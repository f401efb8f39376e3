"""Grade one notebook: locate each exercise, run the cells it needs, run its checks."""

from __future__ import annotations

import os
import re
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from autograder.checks import CaseContext, ReferenceFailed, Verdict, evaluate
from autograder.checks.observed import Observed
from autograder.protocol import codec
from autograder.protocol.messages import Step
from autograder.protocol.values import TensorV
from autograder.config.models import Limits
from autograder.exercises.data import DataMissing
from autograder.exercises.info import ExerciseInfo
from autograder.judge.checkset import CheckSet, PreparedCheck, case_seed
from autograder.judge.proxies import ProxyServer
from autograder.judge.reference import ReferenceBroken
from autograder.judge.session import WorkerSession
from autograder.notebook.plan import CellInfo, ExerciseCells, analyse, locate
from autograder.notebook.reading import NotebookError, code_cells, read_notebook
from autograder.notebook.units import foreign_unit
from autograder.report.models import CheckResult, Environment, ExerciseResult, NotebookResult
from autograder.sandbox.base import Sandbox, Worker

INTERNAL_ERROR = "the grader could not run this check (a problem with the checks, not your code); please tell your TA"


@dataclass
class GradingOptions:
    limits: Limits
    only: list[str] | None = None
    seed: int | None = None
    pending: Worker | None = None  # a worker already spawned for this notebook


def grade_notebook(checkset: CheckSet, notebook: Path, sandbox: Sandbox, options: GradingOptions) -> NotebookResult:
    started = time.monotonic()
    seed = options.seed if options.seed is not None else int.from_bytes(os.urandom(4), "big") & 0x7FFFFFFF
    exercises = [e for e in checkset.exercises if not options.only or e.id in options.only]
    result = NotebookResult(
        unit=checkset.unit, notebook=str(notebook), mode=checkset.mode,  # type: ignore[arg-type]
        seed=seed if checkset.mode == "hidden" else None, checks_version=checkset.version,
        environment=Environment(isolation=sandbox.isolation, reduced_isolation=sandbox.reduced),
    )
    try:
        cells = [analyse(c) for c in code_cells(read_notebook(notebook))]
    except NotebookError as exc:
        return _not_gradable(result, exercises, str(exc), started, options.pending)
    if not cells:
        return _not_gradable(result, exercises, f"{notebook} has no code cells; is it the right notebook?", started,
                             options.pending)
    code_bytes = sum(len(c.cell.source.encode()) for c in cells)
    if code_bytes > options.limits.code_kib * 1024:
        return _not_gradable(result, exercises, (
            f"{notebook}: its code cells hold {code_bytes // 1024} KiB, over the {options.limits.code_kib} KiB "
            "limit; remove pasted data or long generated code and submit again"), started, options.pending)

    # issue 11: the notebook's own exercise ids tell its unit (notebook/units.py), not a shared name
    foreign = foreign_unit(cells, checkset.unit)
    if exercises and foreign is not None:
        result.other_unit = foreign.unit
        return _not_gradable(result, exercises, foreign.message(notebook, checkset.unit), started, options.pending)
    located = {e.id: locate(cells, e.id, e.artifacts) for e in exercises}
    if exercises and not any(any(d is not None for d in loc.definitions.values()) or loc.tagged
                             for loc in located.values()):
        return _not_gradable(result, exercises, _wrong_notebook(notebook, checkset.unit, cells), started,
                             options.pending)
    needed = sorted(set().union(*(loc.needed for loc in located.values())))
    deadline = started + options.limits.notebook_seconds
    session = WorkerSession(sandbox, options.limits, [cells[i] for i in needed], deadline, options.pending,
                            modules=checkset.fixtures, cell_limits=_cell_limits(exercises, located, cells, options.limits))
    try:
        for info in exercises:
            earlier = {e.id: e for e in result.exercises}
            result.exercises.append(_grade_exercise(info, located[info.id], cells, session, checkset, seed, options,
                                                    deadline, earlier))
    finally:
        session.close()
    if session.ready is not None:
        result.environment.python = session.ready.python
        result.environment.torch = session.ready.torch
        result.environment.device = session.ready.device_name
        result.environment.precision = session.ready.precision
    skipped = len(cells) - len(needed)
    if skipped:
        result.warnings.append(f"{skipped} code cell(s) that no exercise depends on were not run")
    result.output = session.output()
    result.incidents = [p.text for p in session.problems.values() if p.incident]
    result.incidents += [f"{e.id}: {incident}" for e in result.exercises for incident in e.incidents]
    return _finish(result, started)


def _grade_exercise(info: ExerciseInfo, located: ExerciseCells, cells: list[CellInfo], session: WorkerSession,
                    checkset: CheckSet, seed: int, options: GradingOptions, deadline: float,
                    earlier: dict[str, ExerciseResult] | None = None) -> ExerciseResult:
    started = time.monotonic()
    result = ExerciseResult(id=info.id, title=info.title, max_points=info.points,
                            manual=info.manual, manual_points=info.manual_points)
    defined = [where for where in located.definitions.values() if where is not None] or located.tagged
    if defined:
        result.cell_index = cells[max(defined)].cell.index
    missing = [a for a, where in located.definitions.items() if where is None]
    if missing:
        result.status = "not_found"
        result.summary = _missing_message(missing, located, cells)
        return result
    try:
        prepared = checkset.prepare(info.id, seed)
    except (ReferenceBroken, ReferenceFailed) as exc:
        result.status = "not_graded"
        result.summary = INTERNAL_ERROR
        result.internal.append(str(exc))
        return result
    except (DataMissing, FileNotFoundError) as exc:  # the grading machine lacks a data set: the TA's to fix
        result.status = "not_graded"
        result.summary = "not graded: a data set the checks need is missing on the grading machine; the TA will grade it again"
        result.internal.append(str(exc))
        return result
    except Exception:  # noqa: BLE001 - a defect in the checks must not cost the other exercises
        result.status = "not_graded"
        result.summary = INTERNAL_ERROR
        result.internal.append("the checks could not be prepared: " + traceback.format_exc(limit=8))
        return result
    total_weight = sum(p.plan.weight for p in prepared) or 1.0
    clock = ExerciseClock(min(deadline, time.monotonic() + options.limits.exercise_seconds), deadline)
    stopped: Verdict | None = None
    for check in prepared:
        max_points = info.points * check.plan.weight / total_weight
        verdict = stopped
        if verdict is None:
            run = _run_check(check, session, clock, info.group)
            verdict = run.verdict
            if run.stop:
                stopped = verdict
            if run.incident and run.incident not in result.incidents:
                result.incidents.append(run.incident)
            if run.internal:
                result.internal.append(f"{check.plan.name}: {run.internal}")
        result.checks.append(_check_result(check, verdict, max_points))
    if stopped is None:
        _credit_despite_dependencies(info, result, prepared, session, clock, checkset, earlier or {})
    _withhold_secondary_credit(result, prepared)
    _credit_accuracy_only_with_trajectory(result, prepared)
    earned = sum(c.weight * (c.points / c.max_points if c.max_points else 0.0) for c in result.checks)
    result.points = round(info.points * earned / total_weight, 4)
    _hold_for_the_ta(result)
    numbers = {cells[i].cell.number for i in located.needed}
    result.notes += [p.text for p in session.problems_in(numbers)]
    result.notes += _long_cells(info, numbers, cells, session, options.limits)
    _summarise(result)
    result.seconds = round(time.monotonic() - started, 3)
    return result


def _cell_limits(exercises: list[ExerciseInfo], located: dict[str, ExerciseCells], cells: list[CellInfo],
                 limits: Limits) -> dict[int, float]:
    """Cell number -> a limit longer than the course's, for cells of exercises that allow it."""
    longer: dict[int, float] = {}
    for info in exercises:
        if info.cell_seconds is None or info.cell_seconds <= limits.cell_seconds:
            continue
        for position in located[info.id].needed:
            number = cells[position].cell.number
            longer[number] = max(longer.get(number, 0.0), info.cell_seconds)
    return longer


def _long_cells(info: ExerciseInfo, numbers: set[int], cells: list[CellInfo], session: WorkerSession,
                limits: Limits) -> list[str]:
    """Say when a cell ran past the course's cell limit within this exercise's longer one."""
    if info.cell_seconds is None:
        return []
    described = {c.cell.number: c.cell.describe() for c in cells}
    return [f"{described[n]} ran for {session.cell_seconds[n]:.0f} s, past the usual {limits.cell_seconds:g} s "
            f"limit, within this exercise's {info.cell_seconds:g} s for a cell that runs an experiment"
            for n in sorted(numbers) if session.cell_seconds.get(n, 0.0) > limits.cell_seconds]


def _credit_despite_dependencies(info: ExerciseInfo, result: ExerciseResult, prepared: list[PreparedCheck],
                                 session: WorkerSession, clock: "ExerciseClock", checkset: CheckSet,
                                 earlier: dict[str, ExerciseResult]) -> None:
    """When this exercise may call earlier artifacts that lost points in their own exercise,
    run its failed checks again with the course's versions of those artifacts standing in
    (hidden grading), so that one mistake is not counted twice. Public checks have no
    reference to stand in: they say which exercise to fix first."""
    own_wrong = {check.plan.artifact for check, row in zip(prepared, result.checks) if not row.passed}
    broken = {name: owner for name, owner in info.uses.items()
              if (owner == info.id and name in own_wrong)
              or (owner in earlier and earlier[owner].status in ("failed", "partial"))}
    failed = [(check, row) for check, row in zip(prepared, result.checks)
              if row.status == "failed" and not check.plan.rule.is_secondary() and not check.plan.rule.reads_constants
              and check.plan.artifact not in broken]  # never stand in for the function under check
    if not broken or not failed:
        return
    names = ", ".join(sorted(broken))
    owners = ", ".join(sorted(set(broken.values())))
    reference = getattr(checkset, "reference", None)
    if reference is None:
        result.notes.append(f"this exercise may use your {names}, which lost points in {owners}: fix that first, "
                            "then check again; the TA's grading does not count the same mistake twice")
        return
    proxy = reference.stand_ins(sorted(broken))
    if not proxy.functions:
        return
    regraded = []
    for check, row in failed:
        calls_before = proxy.calls
        run = _run_check(check, session, clock, f"{info.id}~proxied", proxy)
        if proxy.calls == calls_before:
            continue  # the checked code does not use the earlier artifact: nothing to say
        if run.verdict.passed:
            row.passed, row.status, row.points = True, "passed", row.max_points
            row.message = (f"passed when graded again with the course's {names} in place of yours "
                           f"(yours lost points in {owners}, and is not counted twice)")
            regraded.append(row.name)
        else:
            row.message += f" (also with the course's {names} standing in for yours: the mistake is here too)"
    if regraded:
        result.notes.append(f"{', '.join(repr(n) for n in regraded)} passed with the course's {names} standing in "
                            f"for yours: the mistake in {owners} is counted once, there")


def _check_result(check: PreparedCheck, verdict: Verdict, max_points: float) -> CheckResult:
    return CheckResult(
        name=check.plan.name, kind=check.plan.rule.kind, weight=check.plan.weight,
        points=round(max_points * verdict.fraction, 4), max_points=round(max_points, 4),
        passed=verdict.passed, status=verdict.status, message=verdict.message, held_for_ta=verdict.held,
    )


def _hold_for_the_ta(result: ExerciseResult) -> None:
    """Checks not graded on this machine by design (a GPU timing where the worker has no GPU)
    earn nothing here and lose nothing: their points move from the exercise's automatic
    points to its manual ones, and their message says so. Never a silent zero."""
    for check in result.checks:
        if check.held_for_ta:
            result.max_points = round(result.max_points - check.max_points, 4)
            result.manual_points = round(result.manual_points + check.max_points, 4)
            check.message = f"{check.message} ({check.max_points:g} points held for your TA)"
            check.points = check.max_points = 0.0


# Secondary checks (a rule kind's `secondary`) test how a function behaves besides its
# results: `return X` is fast, loop-free and leaves its input alone; a constant is
# reproducible; a function that always raises passes every "raises" check.

def _withhold_secondary_credit(result: ExerciseResult, prepared: list[PreparedCheck]) -> None:
    """A secondary check of an artifact earns its points only when every other check of
    that artifact (its values, gradients, properties) passed as well."""
    plans = [check.plan for check in prepared]
    for check, plan in zip(result.checks, plans):
        if not plan.rule.is_secondary() or not check.passed:
            continue
        wrong = [c for c, p in zip(result.checks, plans)
                 if p.artifact == plan.artifact and p.rule.gates_secondary() and not c.passed]
        if wrong:
            _withhold(check, f"{plan.artifact}: not credited until its {wrong[0].name!r} check passes")


def _credit_accuracy_only_with_trajectory(result: ExerciseResult, prepared: list[PreparedCheck]) -> None:
    """Accuracy earns points only when the same exercise's trajectory checks (the parameters
    after the first steps from the judge's start, compared with the reference's) pass: weights
    trained elsewhere and pasted into the notebook have no training loop to show."""
    plans = [check.plan for check in prepared]
    trajectories = [(c, p) for c, p in zip(result.checks, plans) if p.trajectory]
    if not trajectories:
        return
    wrong = [c for c, _ in trajectories if not c.passed]
    if not wrong:
        return
    for check, plan in zip(result.checks, plans):
        if plan.rule.kind == "accuracy" and check.points > 0:
            _withhold(check, f"{plan.artifact}: accuracy is not credited until its {wrong[0].name!r} check passes "
                             "(the grader must see your training loop train the model)")


def _withhold(check: CheckResult, message: str) -> None:
    check.passed, check.status, check.points = False, "failed", 0.0
    check.message = message


class ExerciseClock:
    """An exercise's time limit, not charged for (re)starting the worker and its cells."""

    def __init__(self, deadline: float, notebook_deadline: float):
        self.deadline = deadline
        self.notebook_deadline = notebook_deadline

    def remaining(self) -> float:
        return min(self.deadline, self.notebook_deadline) - time.monotonic()

    def forgive(self, seconds: float) -> None:
        self.deadline += seconds


@dataclass
class CheckRun:
    verdict: Verdict
    stop: bool = False            # the exercise's other checks are not run (its time is up, the worker lost)
    incident: str | None = None   # for the TA: a limit the case hit, a crash
    internal: str | None = None   # for the TA: why the grader could not run the check (a traceback)


def _run_check(check: PreparedCheck, session: WorkerSession, clock: ExerciseClock,
               group: str, proxy: ProxyServer | None = None) -> CheckRun:
    """Run every case of a check until one does not pass."""
    plan = check.plan
    if check.missing_data is not None:
        return CheckRun(Verdict.not_graded(DATA_MISSING), internal=check.missing_data)
    verdict = Verdict.pass_()
    for index, case in enumerate(plan.cases):
        remaining = clock.remaining()
        if remaining <= 0:
            message = "not checked: the time limit for this exercise was reached"
            return CheckRun(Verdict.fail(message), stop=True, incident=message)
        expected = check.expected[index] if check.expected is not None else None
        timeout = min(case_limit(plan, expected), remaining)
        retries, busy_retry = plan.rule.retries(), plan.reference_factor is not None
        attempt = 0
        while True:
            started = time.monotonic()
            actual = session.run_case(case.steps, check.tensors, case_seed(plan, index), timeout, group, proxy)
            startup = session.take_startup_seconds()
            clock.forgive(startup)
            spent = max(0.0, time.monotonic() - started - startup)
            if attempt:  # a measurement taken again because the machine was busy is the grader's choice
                clock.forgive(spent)
            if busy_retry and _timed_out(actual) and machine_busy():
                # a whole-data-set call that ran out of time while the machine was busy: not the
                # student's doing; taken again with twice the time, neither attempt charged
                busy_retry = False
                clock.forgive(spent if not attempt else 0.0)
                timeout = min(2 * timeout, max(clock.remaining(), 0.5))
                attempt += 1
                continue
            if _data_missing_where_it_ran(case.steps, actual):
                return CheckRun(Verdict.not_graded(DATA_MISSING))
            if actual.not_graded:
                return CheckRun(Verdict.not_graded(actual.failure or "not graded"), stop=True)
            context = CaseContext(plan.artifact, case.label, expected, actual, timeout,
                                  tuple(case.step_labels), _arguments(case.steps[0], check.tensors),
                                  check.tensors.get(case.held) if case.held else None, check.registry)
            try:
                verdict = evaluate(plan.rule, context)
            except ReferenceFailed:
                return CheckRun(Verdict.internal_error(INTERNAL_ERROR), internal="the reference failed on this case")
            except Exception:  # noqa: BLE001 - a defect in the checks costs this check only
                return CheckRun(Verdict.internal_error(INTERNAL_ERROR), internal=traceback.format_exc(limit=8))
            if verdict.passed or actual.failure or actual.first_error() or clock.remaining() <= 0 or attempt >= retries:
                break  # only a measurement that ran, and was slow, is worth taking again
            attempt += 1
        if not verdict.passed:
            return CheckRun(verdict, stop=_ends_exercise(actual), incident=_incident(actual))
    return CheckRun(verdict)


def case_limit(plan, expected: Observed | None) -> float:
    """A case's time limit: the check's `case_seconds`, or, for a check that scales with the
    reference (a whole data set loaded, say), that many times the reference's own time when
    that is longer, since a correct way can be much slower than the reference's."""
    if plan.reference_factor is None or expected is None:
        return plan.case_seconds
    reference = sum(outcome.seconds or 0.0 for outcome in expected.outcomes)
    return max(plan.case_seconds, plan.reference_factor * reference)


def machine_busy() -> bool:
    """More runnable processes than cores over the last minute (where the system says)."""
    try:
        return os.getloadavg()[0] >= (os.cpu_count() or 1)
    except (AttributeError, OSError):  # no load average on this platform
        return False


def _timed_out(actual: Observed) -> bool:
    error = actual.first_error()
    return (error is not None and error[1].kind == "timeout") or (
        actual.failure is not None and actual.failure.startswith("did not finish"))


DATA_MISSING = ("not graded: the data set this check reads (Fashion-MNIST) is not on this machine; set "
                "AUTOGRADER_DATA to the folder that holds FashionMNIST/raw/ and check again")


def _data_missing_where_it_ran(steps: list[Step], actual: Observed) -> bool:
    """Whether an input the check builds where the code runs (a loader of the course's data)
    could not find the data: the machine's set-up, not the student's code."""
    return any(step.make is not None and outcome.error is not None and outcome.error.type == "DataMissing"
               for step, outcome in zip(steps, actual.outcomes))


def _incident(actual: Observed) -> str | None:
    """A case that hung, crashed or ran out of memory: worth a TA's look."""
    if actual.failure:
        return actual.failure
    found = actual.first_error()
    if found is not None and found[1].kind in ("timeout", "memory"):
        return "a call ran out of memory" if found[1].kind == "memory" else "a call did not finish in time"
    return None


def _ends_exercise(actual: Observed) -> bool:
    """After the worker was lost or memory ran out, this exercise's other checks are not run:
    they would cost a restart each and say nothing new. (A checking process that hung or
    crashed is replaced at no cost, so the next check still runs.)"""
    if actual.fatal:
        return True
    error = actual.first_error()
    return error is not None and error[1].kind == "memory"


def _arguments(step: Step, tensors: dict) -> tuple:
    """The judge's own view of a call's arguments (inert data; views as their base)."""
    decoder = codec.Decoder(tensors, trusted=False, drawn=True)  # the judge's own plan: drawn inputs rebuilt
    return tuple(decoder.decode(a.model_copy(update={"view": None}) if isinstance(a, TensorV) else a)
                 for a in step.args)


def _missing_message(missing: list[str], located: ExerciseCells, cells: list[CellInfo]) -> str:
    names = ", ".join(missing)
    for position in located.tagged:
        info = cells[position]
        if info.syntax_error:
            return (f"{names} is not defined: {info.cell.describe()} has a syntax error at line "
                    f"{info.syntax_line} ({info.syntax_error})")
    if located.tagged:
        return f"{names} is not defined: {cells[located.tagged[-1]].cell.describe()} does not define it; check the name"
    return f"no cell defines {names}; did you delete or rename the exercise's cell?"


def _summarise(result: ExerciseResult) -> None:
    failed = [c for c in result.checks if not c.passed and not c.held_for_ta]
    if not failed:
        held = [c.message for c in result.checks if c.held_for_ta]
        result.status = "passed"
        result.summary = "; ".join(["all checks passed", *held[:1]])
        return
    result.status = "failed" if len(failed) == len([c for c in result.checks if not c.held_for_ta]) else "partial"
    result.summary = failed[0].message
    if any(c.status == "not_graded" for c in failed):
        result.status = "not_graded"


def not_gradable_result(checkset: CheckSet, message: str, sandbox: Sandbox, notebook: str = "") -> NotebookResult:
    """The result for a submission with nothing to grade (no notebook, say): a row anyway."""
    result = NotebookResult(unit=checkset.unit, notebook=notebook, mode=checkset.mode,  # type: ignore[arg-type]
                            checks_version=checkset.version,
                            environment=Environment(isolation=sandbox.isolation, reduced_isolation=sandbox.reduced))
    return _not_gradable(result, checkset.exercises, message, time.monotonic())


def _not_gradable(result: NotebookResult, exercises: list[ExerciseInfo], message: str, started: float,
                  pending: Worker | None = None) -> NotebookResult:
    if pending is not None:
        pending.close()
    result.status = "not-gradable"
    result.message = message
    for info in exercises:
        result.exercises.append(ExerciseResult(
            id=info.id, title=info.title, max_points=info.points, manual=info.manual,
            manual_points=info.manual_points, status="not_graded", summary=message,
        ))
    return _finish(result, started)


def _wrong_notebook(notebook: Path, unit: str, cells: list[CellInfo]) -> str:
    tagged_units = sorted({f"unit{m.group(1)}" for info in cells if info.cell.grade_id
                           for m in [re.match(r"^u(\d+)\.", info.cell.grade_id)] if m} - {unit})
    hint = f"; it looks like the notebook for {', '.join(tagged_units)}" if tagged_units else ""
    return f"{notebook} has none of {unit}'s exercises: is it the right notebook{hint}?"


def _finish(result: NotebookResult, started: float) -> NotebookResult:
    result.total()
    if result.status != "not-gradable" and (result.incidents or any(e.status == "not_graded" for e in result.exercises)):
        result.status = "partial-failure"
    result.seconds = round(time.monotonic() - started, 3)
    return result
