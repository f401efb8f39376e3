"""One notebook's worker over its lifetime: start, run the needed cells, answer cases,
and recover when the student's code kills or hangs the worker.

A cell that hangs or ends the process is remembered and left out when the worker is
restarted, so the exercises that do not depend on it are still graded. Restarts are
bounded; after that every remaining case fails with the reason.
"""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass

import torch

from autograder.checks.observed import Observed
from autograder.config.models import Limits
from autograder.notebook.plan import CellInfo
from autograder.protocol import codec, framing
from autograder.protocol import values as V
from autograder.judge.proxies import Envelope, ProxyServer
from autograder.probes.helpers import WORKER_PACKAGE
from autograder.protocol.messages import (
    CaseDone, CaseFailed, CellDone, ErrorInfo, LoadModules, ModuleSource, ModulesLoaded, ProxyCall, Ready, RunCase,
    RunCell, Step,
)
from autograder.sandbox.base import Sandbox, SandboxError, Worker

GRACE_SECONDS = 5.0
STARTUP_ATTEMPTS = 3
STARTUP_SECONDS = 30.0  # installing the checks' helper modules


@dataclass
class CellProblem:
    """What went wrong in a cell, for the feedback of exercises that need it."""

    cell: CellInfo
    text: str
    fatal: bool = False     # it hung or ended the worker, so it is no longer run
    incident: bool = False  # it hit a limit (time, memory) or crashed: for the TA's attention


class SessionOver(Exception):
    """No worker can be (re)started: the restart budget or the notebook's time is spent."""


class WorkerSession:
    def __init__(self, sandbox: Sandbox, limits: Limits, cells: list[CellInfo], deadline: float,
                 pending: Worker | None = None, modules: list[ModuleSource] | None = None,
                 cell_limits: dict[int, float] | None = None):
        self.sandbox = sandbox
        # cell number -> its time limit where an exercise that needs it allows longer than the
        # course's cell_seconds (a cell that runs an experiment to compute an answer)
        self.cell_limits = cell_limits or {}
        self.cell_seconds: dict[int, float] = {}  # cell number -> how long it ran (the last time)
        self.modules = modules or []  # the checks' helper modules, installed in every worker started
        self.limits = limits
        self.cells = cells
        self.deadline = deadline
        self.problems: dict[int, CellProblem] = {}   # by cell number
        self.ready: Ready | None = None
        self.restarts = -1
        self._worker: Worker | None = None
        self._pending = pending  # a worker spawned early, so its start-up overlapped the judge's
        self._outputs: list[str] = []
        self._over: str | None = None
        self._startup_seconds = 0.0
        self._proxied: str | None = None  # the group whose code called a proxy in this worker

    # -- public -------------------------------------------------------------------

    def run_case(self, steps: list[Step], tensors: dict[str, torch.Tensor], seed: int, timeout: float,
                 group: str = "", proxy: ProxyServer | None = None) -> Observed:
        """Run one case; with `proxy`, its names are stood in for by the course's functions."""
        started = time.monotonic()
        if self._proxied is not None and group != self._proxied:
            self._fresh_worker()
        try:
            worker = self._ensure_worker()
        except SessionOver as exc:
            return Observed([], failure=str(exc), fatal=True, not_graded=True)
        finally:
            self._startup_seconds += time.monotonic() - started
        timeout = max(min(timeout, self.deadline - time.monotonic()), 0.5)
        payload = codec.Encoder().payload() if not tensors else _payload(steps, tensors)
        nonce = secrets.token_hex(8)
        if proxy is not None:
            proxy.begin(Envelope.of_inputs(_case_tensors(steps, tensors)))
        try:
            worker.send(RunCase(steps=steps, seed=seed, timeout=timeout, group=group, nonce=nonce,
                                proxies=proxy.names if proxy else []), payload)
            case_deadline = time.monotonic() + timeout
            deadline = case_deadline + GRACE_SECONDS
            reply, reply_payload = worker.receive(deadline)
            while isinstance(reply, ProxyCall):
                _check_nonce(reply, nonce)
                if proxy is None:
                    raise framing.ProtocolError("a proxy call in a case without proxies")
                self._proxied = group  # what the course's function answered must not reach another exercise
                # answered in a process of its own, within this case's time (see judge/proxies.py)
                worker.send(*proxy.answer(reply, reply_payload, case_deadline))
                reply, reply_payload = worker.receive(deadline)
            _check_nonce(reply, nonce)
        except framing.Timeout:
            self._retire(kill=True)
            return Observed([], failure=f"did not finish within {timeout:g} s", fatal=True)
        except framing.PeerClosed:
            return Observed([], failure=self._retire(kill=False), fatal=True)
        except framing.ProtocolError:
            self._retire(kill=True)
            return Observed([], failure="the notebook's code sent the grader data it cannot read", fatal=True)
        finally:
            if proxy is not None:
                proxy.end()
        if isinstance(reply, CaseFailed):
            return Observed([], failure=reply.message or "the checking process failed")
        if not isinstance(reply, CaseDone) or len(reply.outcomes) != len(steps):
            self._retire(kill=True)
            return Observed([], failure="the notebook's code sent the grader an unexpected reply", fatal=True)
        try:
            received = codec.load_payload(reply_payload, framing.MAX_PAYLOAD)
        except codec.DecodeError:
            self._retire(kill=True)
            return Observed([], failure="the notebook's code sent the grader data it cannot read", fatal=True)
        return Observed(reply.outcomes, received)

    def take_startup_seconds(self) -> float:
        """Seconds spent (re)starting workers and running cells since the last call."""
        spent, self._startup_seconds = self._startup_seconds, 0.0
        return spent

    def problems_in(self, numbers: set[int]) -> list[CellProblem]:
        """The problems of the cells `numbers` (an exercise's cells) that concern it: a cell
        that hung or crashed first (the root cause of the NameErrors after it), then the
        others in notebook order. A failed cell is left out when the exercise needs from it
        only names that an earlier cell also provides (`import torch` before a memory bomb)."""
        cells = {info.cell.number: info for info in self.cells}
        found = [p for n, p in sorted(self.problems.items()) if n in numbers and _concerns(n, numbers, cells)]
        return sorted(found, key=lambda p: not p.fatal)

    def output(self) -> str:
        """What the notebook printed, over all its workers, capped like one worker's."""
        if self._worker is not None:
            self._outputs.append(self._worker.output())
        text = "\n".join(o for o in self._outputs if o)
        cap = self.limits.output_kib * 1024
        if len(text) > 2 * cap:
            text = f"{text[:cap]}\n[... {len(text) - 2 * cap} bytes of output left out ...]\n{text[-cap:]}"
        return text

    def close(self) -> None:
        if self._pending is not None:
            self._pending.close()
            self._pending = None
        if self._worker is not None:
            self._worker.close()
            self._outputs.append(self._worker.output())
            self._worker = None

    # -- worker lifecycle -----------------------------------------------------------

    def _fresh_worker(self) -> None:
        """After a regrade whose code called the course's functions, a new worker for the
        next exercise: files it saved in the sandbox's /tmp (the course's answers on the
        course's inputs) or processes it left are gone with the old one. The restart is the
        grader's choice: it does not count against the notebook's restarts."""
        self._proxied = None
        if self._worker is not None:
            self._retire(kill=True)
            self.restarts -= 1

    def _ensure_worker(self) -> Worker:
        while self._worker is None or not self._worker.alive():
            if self._worker is not None:
                self._retire(kill=False)
            self._start()
        return self._worker

    def _start(self) -> None:
        if self._over:
            raise SessionOver(self._over)
        self.restarts += 1
        if self.restarts > self.limits.restarts:
            self._over = (f"not graded: the notebook's code stopped the grader's worker {self.restarts} times; "
                          "see the messages about your cells")
            raise SessionOver(self._over)
        if time.monotonic() >= self.deadline:
            self._over = f"not graded: the notebook's time limit ({self.limits.notebook_seconds:g} s) was reached"
            raise SessionOver(self._over)
        self._worker = self._spawn_ready()
        self.ready = getattr(self._worker, "ready", None)
        if not self._load_modules():
            return
        for info in self.cells:
            if info.cell.number in self.problems and self.problems[info.cell.number].fatal:
                continue
            if not self._run_cell(info):
                return  # the worker is gone; the caller's loop restarts without this cell

    def _spawn_ready(self) -> Worker:
        """A started worker. Start-up can fail for reasons outside the notebook (a machine
        short of memory while a neighbour's memory bomb is killed): no student code has run
        yet, so it is tried again before the session gives up."""
        pending, self._pending = self._pending, None
        for attempt in range(STARTUP_ATTEMPTS):
            try:
                return self.sandbox.wait_ready(pending or self.sandbox.spawn(self.limits))
            except SandboxError as exc:
                pending = None
                if attempt + 1 == STARTUP_ATTEMPTS or time.monotonic() >= self.deadline:
                    self._over = f"not graded: the grader could not start a sandbox ({exc})"
                    raise SessionOver(self._over) from None
                time.sleep(0.5 * (attempt + 1))
        raise AssertionError("unreachable")

    def _load_modules(self) -> bool:
        """Install the checks' helpers in the new worker; False when the worker is gone."""
        if not self.modules:
            return True
        nonce = secrets.token_hex(8)
        try:
            self._worker.send(LoadModules(package=WORKER_PACKAGE, modules=self.modules, nonce=nonce))
            reply, _ = self._worker.receive(time.monotonic() + STARTUP_SECONDS)
            _check_nonce(reply, nonce)
        except (framing.Timeout, framing.PeerClosed, framing.ProtocolError):
            self._retire(kill=True)
            return False
        if isinstance(reply, ModulesLoaded) and reply.error is not None:
            # a defect in the course's helpers, not the student's: nothing can be checked
            self._over = (f"not graded: the checks' helper modules could not be loaded ({reply.error.type}: "
                          f"{reply.error.message}); please tell your TA")
            self._retire(kill=True)
            return False
        return True

    def _run_cell(self, info: CellInfo) -> bool:
        """Run one cell; False when it cost the worker (it is then never run again)."""
        if info.python is None:
            return True
        if info.syntax_error:
            self._note(info, f"has a syntax error at line {info.syntax_line}: {info.syntax_error}")
            return True
        worker = self._worker
        limit = self.cell_limits.get(info.cell.number, self.limits.cell_seconds)
        timeout = max(min(limit, self.deadline - time.monotonic()), 0.5)
        nonce = secrets.token_hex(8)
        try:
            worker.send(RunCell(index=info.cell.number, source=info.python, timeout=timeout, nonce=nonce))
            reply, _ = worker.receive(time.monotonic() + timeout + GRACE_SECONDS)
            _check_nonce(reply, nonce)
        except framing.Timeout:
            self._retire(kill=True)
            self._note(info, f"did not finish within {timeout:g} s, so it was stopped and left out", fatal=True)
            return False
        except framing.PeerClosed:
            reason = self._retire(kill=False)
            self._note(info, f"stopped the grader's worker ({reason}), so it was left out", fatal=True)
            return False
        except framing.ProtocolError:
            self._retire(kill=True)
            self._note(info, "disturbed the grader's channel, so it was left out", fatal=True)
            return False
        if isinstance(reply, CellDone):
            self.cell_seconds[info.cell.number] = reply.seconds
        if isinstance(reply, CellDone) and reply.error is not None:
            self._note(info, _cell_error_text(reply.error, timeout), fatal=False,
                       incident=reply.error.kind in ("memory", "timeout"))
        return True

    def _note(self, info: CellInfo, text: str, fatal: bool = False, incident: bool = False) -> None:
        if info.cell.number not in self.problems or fatal:
            self.problems[info.cell.number] = CellProblem(info, f"{info.cell.describe()} {text}", fatal,
                                                          incident or fatal)

    def _retire(self, kill: bool) -> str:
        """Stop the current worker; return why it ended, for the report."""
        worker, self._worker = self._worker, None
        if worker is None:
            return "the worker stopped"
        if kill:
            worker.kill()
        else:
            worker.wait(timeout=2)
        reason = worker.exit().reason
        worker.close()
        self._outputs.append(worker.output())
        return reason


def _concerns(number: int, numbers: set[int], cells: dict[int, CellInfo]) -> bool:
    """Whether the problem of cell `number` concerns the exercise whose cells are `numbers`:
    the exercise's own code is there (the last of its cells, or one no later cell of it reads
    from), or a later cell reads a name that only this cell provides."""
    problem = cells.get(number)
    later = [cells[n] for n in sorted(numbers) if n > number and n in cells]
    if problem is None or not later:
        return True
    wanted = {name for info in later for name in info.needs & problem.binds
              if _provider(name, info.cell.number, cells) == number}
    if not wanted:
        return True
    earlier = set().union(*(info.binds for n, info in cells.items() if n < number))
    return bool(wanted - earlier)


def _provider(name: str, before: int, cells: dict[int, CellInfo]) -> int | None:
    """The cell that last binds `name` before cell `before`."""
    return max((n for n, info in cells.items() if n < before and name in info.binds), default=None)


def _cell_error_text(error: ErrorInfo, timeout: float) -> str:
    if error.kind == "timeout":
        return f"did not finish within {timeout:g} s"
    if error.kind == "memory":
        return "ran out of memory (memory limit exceeded)"
    download = _download_attempt(error)
    if download is not None:
        return download
    where = f" at line {error.line}" if error.line else ""
    message = f": {error.message}" if error.message else ""
    return f"raised {error.type}{where}{message}"


NETWORK_ERRORS = {"URLError", "HTTPError", "gaierror", "ConnectionError", "ConnectTimeout", "ProxyError"}
NETWORK_WORDS = ("error downloading", "urlopen error", "name or service not known", "temporary failure in name resolution",
                 "network is unreachable", "failed to establish a new connection", "nodename nor servname")


def _download_attempt(error: ErrorInfo) -> str | None:
    """A cell that tried to download (torchvision's `download=True` outside the data folder,
    `urllib`, `requests`): the grader has no network, and the data sets are already there."""
    text = error.message.lower()
    if not (NETWORK_ERRORS & set(error.classes) or any(word in text for word in NETWORK_WORDS)):
        return None
    what = re.search(r"error downloading ([\w.\-]+)", error.message, re.I)
    tried = f"tried to download {what.group(1).rstrip(':.')}" if what else "tried to reach the network"
    where = f" at line {error.line}" if error.line else ""
    return (f"{tried}{where}, but the grader has no network. The course's data sets are already on the grading "
            f"machine, in the folder named by the environment variable AUTOGRADER_DATA: load them from there, e.g. "
            f"datasets.FashionMNIST(os.environ.get('AUTOGRADER_DATA', 'data'), download=False)")


def _payload(steps: list[Step], tensors: dict[str, torch.Tensor]) -> bytes:
    """Only the tensors these steps refer to."""
    keys: set[str] = set()
    for step in steps:
        for value in [*step.args, *step.kwargs.values(), *([step.make] if step.make is not None else [])]:
            _collect_keys(value, keys)
        if step.observe.grads and step.observe.grads.upstream is not None:
            _collect_keys(step.observe.grads.upstream, keys)
    encoder = codec.Encoder()
    encoder.tensors = {k: tensors[k] for k in sorted(keys) if k in tensors}
    return encoder.payload()


def _collect_keys(value: V.Value, keys: set[str]) -> None:
    if isinstance(value, V.TensorV):
        keys.add(value.key)
    elif isinstance(value, (V.ListV, V.TupleV)):
        for item in value.items:
            _collect_keys(item, keys)
    elif isinstance(value, V.DictV):
        for item in value.values:
            _collect_keys(item, keys)
    elif isinstance(value, V.HelperV):
        for item in [*value.args, *value.kwargs.values()]:
            _collect_keys(item, keys)


def _case_tensors(steps: list[Step], tensors: dict[str, torch.Tensor]) -> list[torch.Tensor]:
    """The tensors a case sends: what its proxied calls are measured against."""
    keys: set[str] = set()
    for step in steps:
        for value in [*step.args, *step.kwargs.values()]:
            _collect_keys(value, keys)
    return [tensors[k] for k in sorted(keys) if k in tensors]


def _check_nonce(reply, nonce: str) -> None:
    if getattr(reply, "nonce", None) != nonce:
        raise framing.ProtocolError("a reply to a request the grader did not send")
