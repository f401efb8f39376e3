"""Grading a class on a Ray cluster: one Ray task per submission.

The driver (the `autograder grade` process) ships what judges need once per run, each as
one object in Ray's object store: grader.toml with the unit's folders (solutions/<unit>/,
assignments/<unit>/) and the course's data sets, unless grader.toml's [batch.ray] names a
path where every node already has them. Each task lands on a node with the CPU, memory and
GPU share the unit declares; there it unpacks the shipment once per node, builds a judge
(hidden checks, reference, sandbox) once per Ray worker process, grades one notebook
(whose bytes travel with the task) and returns the result as JSON. The driver writes every
result as it arrives, exactly as the local executor's.

A task whose node or Ray worker process dies is run again by Ray, `retries` times; after
that the submission's row says so. Nothing of the hidden checks or the reference leaves a
judge process: the worker sandbox on each node sees what it sees on one machine.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import tempfile
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, TypeVar

from autograder.batch.ingest import Submission
from autograder.config.loader import CONFIG_NAME, DATA_ENV
from autograder.config.models import Limits, RayConfig, TaskResources
from autograder.report.models import NotebookResult
from autograder.sandbox.base import Sandbox, SandboxError, Worker

if TYPE_CHECKING:  # issue 17: batch.task imports torch; `autograder check` must not before its worker starts
    from autograder.batch.task import GradeSubmission

T = TypeVar("T")
SHIP_LIMIT_BYTES = 2 * 2**30  # beyond this, a shared path ([batch.ray] data_path) is the way
NODE_CACHE = "autograder-ray"  # below the node's temporary folder, readable by the judge's user only


class RayUnavailable(Exception):
    """Ray is not installed, or no cluster answers at the address; the message says what to do."""


class GradingLost(Exception):
    """A submission whose task never finished: the node or Ray worker process grading it died every time."""


class ReducedIsolation(Exception):
    """A node that cannot sandbox student code, where the TA did not allow that."""


@dataclass(frozen=True)
class Shipment:
    """Where a node finds the course and the data sets: shipped objects (in a list, so that
    a task fetches them only when its node has no copy yet) or paths every node has."""

    token: str
    allow_reduced: bool
    course: list | None
    course_digest: str
    course_path: str
    data: list | None
    data_digest: str
    data_path: str


@dataclass(frozen=True)
class NodeSubmission:
    """A submission as a task carries it: the notebook's bytes, not a path on the driver."""

    submission: Submission
    content: bytes | None


class RayExecutor:
    """Runs `grade` (a GradeSubmission) for every item as a Ray task; yields as they finish."""

    def __init__(self, config: RayConfig, resources: TaskResources, address: str | None = None,
                 allow_reduced: bool = False):
        self.config = config
        self.resources = resources
        self.address = config.address if address is None else address
        self.allow_reduced = allow_reduced
        self._pending: list = []

    def run(self, items: Iterable[Submission],
            grade: Callable) -> Iterator[tuple[Submission, NotebookResult | BaseException]]:
        from autograder.batch.task import GradeSubmission

        if not isinstance(grade, GradeSubmission):
            raise TypeError("the Ray executor ships a GradeSubmission to the nodes, not an arbitrary callable")
        ray = connect(self.address)
        try:
            shipment = self._ship(ray, grade)
            task = ray.remote(grade_on_node)
            share = dict(num_cpus=self.resources.cpus, num_gpus=self.resources.gpus,
                         memory=self.resources.memory_bytes(grade.course.config.limits),
                         max_retries=self.config.retries, retry_exceptions=False)
            grade_ref = ray.put(grade)
            submitted = {}
            for item in items:
                # the name shows in the node's process list: ray::grade:<student>
                ref = task.options(**share, name=f"grade:{item.student}").remote(grade_ref, shipment, _carry(item))
                submitted[ref] = item
            self._pending = list(submitted)
            while self._pending:
                done, self._pending = ray.wait(self._pending, num_returns=1)
                for ref in done:
                    yield submitted[ref], self._outcome(ray, ref, submitted[ref])
        finally:
            self.cancel()
            ray.shutdown()

    def cancel(self) -> None:
        """Stop the tasks not yet finished (an interrupted driver); a re-run grades them. The
        tasks are interrupted, not killed: each ends its sandboxed worker (a killed one would leave
        it behind), and a forced cancel racing with a reply aborted the driver inside Ray."""
        if not self._pending:
            return
        import ray

        for ref in self._pending:
            try:
                ray.cancel(ref)
            except Exception:  # noqa: BLE001 - finished or gone meanwhile
                pass
        self._pending = []

    def _outcome(self, ray, ref, item: Submission) -> NotebookResult | BaseException:
        from ray import exceptions as rx

        try:
            return NotebookResult.model_validate_json(ray.get(ref))
        except rx.RayTaskError as error:  # the grading itself raised: the grader's bug, in the row
            cause = getattr(error, "cause", None)
            return cause if isinstance(cause, Exception) else RuntimeError(str(error).splitlines()[-1])
        except (rx.WorkerCrashedError, rx.NodeDiedError, rx.OutOfMemoryError, rx.ObjectLostError,
                rx.TaskUnschedulableError, rx.RaySystemError) as error:
            tries = self.config.retries + 1
            return GradingLost(f"the Ray node or worker process grading it died {tries} time(s) "
                               f"({type(error).__name__}); grade it again with --only {item.student}")

    def _ship(self, ray, grade: GradeSubmission) -> Shipment:
        course = grade.course
        course_ref = course_digest = data_ref = data_digest = None
        if not self.config.course_path:
            bundle = pack({CONFIG_NAME: course.root / CONFIG_NAME,
                           f"solutions/{grade.unit}": course.solutions / grade.unit,
                           f"assignments/{grade.unit}": course.assignments / grade.unit})
            course_ref, course_digest = [ray.put(bundle)], hashlib.sha256(bundle).hexdigest()
        if not self.config.data_path and course.data_dir.is_dir():
            data = pack({"data": course.data_dir})
            data_ref, data_digest = [ray.put(data)], hashlib.sha256(data).hexdigest()
        return Shipment(uuid.uuid4().hex, self.allow_reduced, course_ref, course_digest or "",
                        self.config.course_path, data_ref, data_digest or "", self.config.data_path)


class NodeSandboxes(Sandbox):
    """The driver's stand-in for the sandboxes the nodes build: it starts no worker."""

    def __init__(self, backend: str):
        self.name = backend

    @property
    def isolation(self) -> str:
        return f"{self.name} sandbox on each Ray node"

    def spawn(self, limits: Limits) -> Worker:
        raise SandboxError("on Ray, workers start on the nodes")

    def wait_ready(self, worker: Worker) -> Worker:
        raise SandboxError("on Ray, workers start on the nodes")


def connect(address: str):
    """The ray module, connected to the cluster at `address` (empty: Ray's own choice)."""
    try:
        import ray
    except ImportError:
        raise RayUnavailable("the ray executor needs Ray: pip install 'torchcourse-autograder[ray]' "
                             "(or '.[ray]' in the course's checkout)") from None
    if ray.is_initialized():
        return ray
    try:
        ray.init(address=address or None, log_to_driver=False, logging_level="WARNING")
    except (ConnectionError, RuntimeError, ValueError) as error:
        raise RayUnavailable(f"no Ray cluster answers at {address or 'this machine'} ({error}); start one with "
                             "`ray start --head` or give --address HOST:PORT") from None
    return ray


def pack(parts: dict[str, Path]) -> bytes:
    """A tar of the named files and folders (links followed), for the object store."""
    buffer = io.BytesIO()
    total = 0
    with tarfile.open(fileobj=buffer, mode="w", dereference=True) as tar:
        for name, path in parts.items():
            if path.exists():
                tar.add(str(path), arcname=name, filter=_without_caches)
            total = buffer.tell()
            if total > SHIP_LIMIT_BYTES:
                raise RayUnavailable(f"{path} is over {SHIP_LIMIT_BYTES >> 30} GiB: put it where every node can read "
                                     "it and name that path in grader.toml's [batch.ray]")
    return buffer.getvalue()


def _without_caches(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
    return None if "__pycache__" in info.name.split("/") else info


def _carry(submission: Submission) -> NodeSubmission:
    content = None
    if submission.notebook is not None:
        try:
            content = submission.notebook.read_bytes()
        except OSError:
            content = None  # the node finds no file and says so in the row, as on this machine
    return NodeSubmission(submission, content)


# -- on the node ----------------------------------------------------------------------

# per Ray worker process: the judge of the current run, built for the GPUs Ray gave this task
# (a sandbox hands its workers the CUDA_VISIBLE_DEVICES it was built with)
_JUDGE: dict[tuple[str, str | None], GradeSubmission] = {}


def grade_on_node(grade: GradeSubmission, shipment: Shipment, carried: NodeSubmission) -> str:
    """A Ray task: grade one submission with this process's judge; the result as JSON."""
    judge = _judge_for(grade, shipment)
    submission = carried.submission
    if submission.notebook is None:
        return judge(submission).model_dump_json()
    with tempfile.TemporaryDirectory(prefix="autograder-submission-") as folder:
        local = Path(folder) / submission.notebook.name
        if carried.content is not None:
            local.write_bytes(carried.content)
        result = judge(replace(submission, notebook=local))
        # messages name the notebook by the path it was graded at: the driver's, as on one machine
        return _relocated(result.model_dump_json(), str(local), str(submission.notebook))


def _judge_for(grade: GradeSubmission, shipment: Shipment) -> GradeSubmission:
    key = (shipment.token, os.environ.get("CUDA_VISIBLE_DEVICES"))
    judge = _JUDGE.get(key)
    if judge is not None:
        return judge
    for old in _JUDGE.values():
        old.close()
    _JUDGE.clear()
    if shipment.course is not None:
        course_root, relocated = _unpacked(shipment.course, shipment.course_digest), True
    else:
        course_root, relocated = Path(shipment.course_path), False
    data_dir = None
    if shipment.data is not None:
        data_dir = _unpacked(shipment.data, shipment.data_digest) / "data"
    elif shipment.data_path:
        data_dir = Path(shipment.data_path)
    if data_dir is not None:
        os.environ[DATA_ENV] = str(data_dir)  # the judge's reference and loaders read the data there
    judge = grade.on_node(course_root, data_dir or _course_data(grade, course_root, relocated), relocated)
    if judge.sandbox.reduced and not shipment.allow_reduced:
        judge.close()
        raise ReducedIsolation(f"the Ray node {os.uname().nodename} cannot sandbox student code "
                               f"({judge.sandbox.isolation}): install bubblewrap there, use the docker backend, "
                               "or pass --allow-reduced-isolation")
    _JUDGE[key] = judge
    return judge


def _course_data(grade: GradeSubmission, root: Path, relocated: bool) -> Path:
    override = os.environ.get(DATA_ENV)
    return Path(override) if override else (root / grade.course.config.data.root).resolve()


def _unpacked(shipped: list, digest: str) -> Path:
    """The node's copy of a shipped tar: fetched and unpacked by the first task on the node."""
    import fcntl  # issue 17: imported here, so that `autograder check` imports on Windows

    import ray

    cache = Path(tempfile.gettempdir()) / NODE_CACHE
    cache.mkdir(mode=0o700, exist_ok=True)
    target = cache / digest
    if target.is_dir():
        return target
    with open(cache / f"{digest}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not target.is_dir():
            staging = Path(tempfile.mkdtemp(prefix=f"{digest}.", dir=cache))
            with tarfile.open(fileobj=io.BytesIO(ray.get(shipped[0])), mode="r") as tar:
                if hasattr(tarfile, "data_filter"):
                    tar.extractall(staging, filter="data")
                else:  # Python before 3.11.4; the tar is the driver's own
                    tar.extractall(staging)
            os.replace(staging, target)
    return target


def _relocated(text: str, here: str, there: str) -> str:
    return text.replace(json.dumps(here)[1:-1], json.dumps(there)[1:-1])

