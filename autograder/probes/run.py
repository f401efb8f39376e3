"""Run a check's steps against a namespace and record what happened.

The worker runs steps against the student's notebook namespace; the judge runs the very
same steps against the reference namespace. Both sides record a `StepOutcome` with the
same code, so the comparison never depends on which side produced an observation.
"""

from __future__ import annotations

# Bind the builtins this module uses now, before student code can replace them in the
# builtins module (a patched `min` or `bool` must not change what is measured).
from builtins import (  # noqa: A004
    BaseException, LookupError, bool, enumerate, getattr, isinstance, issubclass, len, list, max, min, str,
    tuple, type, zip,
)
import inspect
import math
import os
import random
import signal
import tempfile
import time
from contextlib import contextmanager
from typing import Any, Iterator

import numpy as np
import torch
from torch.utils._python_dispatch import TorchDispatchMode

from autograder.fixtures.scratch import scratch_folder
from autograder.probes.errors import StepTimeout, describe_exception
from autograder.probes.helpers import WORKER_PACKAGE, HelperModules
from autograder.protocol import codec
from autograder.protocol.messages import (
    ErrorInfo, GradOutcome, GradRequest, StepOutcome, Step, StorageFacts,
)

_Tensor = torch.Tensor
_no_torch_function = torch._C.DisableTorchFunction
_as_subclass = torch.Tensor.as_subclass
_untyped_storage = torch.Tensor.untyped_storage
_data_ptr = torch.Tensor.data_ptr
_storage_ptr = torch.UntypedStorage.data_ptr
_clone = torch.Tensor.clone
_detach = torch.Tensor.detach
_contiguous = torch.Tensor.contiguous
_reshape = torch.Tensor.reshape
_view = torch.Tensor.view
_equal = torch.equal
_grad = torch.autograd.grad
_ones_like = torch.ones_like
_ones = torch.ones
_mul = torch.mul
_perf_counter = time.perf_counter
_cpu_generator = torch.default_generator
_np_seed = np.random.seed
_py_seed = random.seed
_getsource = inspect.getsource
_unwrap = inspect.unwrap

# modules a step's target may name besides the notebook's own names (`torch.utils.data.DataLoader`):
# they resolve even where the notebook's cells that import torch were not needed, hence not run
LIBRARY_NAMES = {"torch": torch, "math": math, "np": np}
_getpid = os.getpid
_exit = os._exit


def leave_if_forked(owner: int) -> None:
    """A process the checked code forked, returning into the grader's code, ends here:
    otherwise it would read and write the judge's channel alongside its parent."""
    if _getpid() != owner:
        _exit(0)


def seed_everything(seed: int) -> None:
    _py_seed(seed)
    _np_seed(seed % 2**32)
    # not torch.manual_seed: without CUDA initialised it queues a lazy CUDA seeding call,
    # with a formatted stack trace, on every call (slow, and it grows without bound)
    _cpu_generator.manual_seed(seed)
    if torch.cuda.is_initialized():
        torch.cuda.manual_seed_all(seed)


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise `StepTimeout` in this (main) thread after `seconds`; None means no limit."""
    # issue 17: without SIGALRM (Windows) the judge enforces the limit by ending the worker
    if not seconds or seconds <= 0 or not hasattr(signal, "setitimer"):
        yield
        return

    def _alarm(signum, frame):
        raise StepTimeout(f"stopped after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class Prober:
    """Runs steps against `namespace`, keeping objects built by steps in `handles`."""

    def __init__(self, namespace: dict[str, Any], *, max_result_bytes: int = 256 * 2**20,
                 helpers: HelperModules | None = None, scratch: str | None = None):
        self.namespace = namespace
        self.owner = os.getpid()
        self.handles: dict[str, Any] = {}
        self.max_result_bytes = max_result_bytes
        self.helpers = helpers or HelperModules(WORKER_PACKAGE)
        self.scratch = scratch  # where the checks' helpers write files (None: the temporary folder)

    def run_case(self, steps: list[Step], seed: int, tensors: dict[str, torch.Tensor],
                 timeout: float | None = None, key_prefix: str = "") -> tuple[list[StepOutcome], codec.Encoder]:
        """Run the steps in order; `tensors` holds the payload their arguments refer to."""
        encoder = codec.Encoder(self.max_result_bytes, handles=self.handles, prefix=key_prefix)
        decoder = codec.Decoder(tensors, trusted=True, handles=self.handles, helpers=self._helper)
        outcomes: list[StepOutcome] = []
        deadline = None if not timeout else time.monotonic() + timeout
        with scratch_folder(self.scratch or tempfile.gettempdir()):
            for index, step in enumerate(steps):
                remaining = None if deadline is None else max(deadline - time.monotonic(), 0.001)
                outcomes.append(self._run_step(step, seed + index, encoder, decoder, remaining))
        return outcomes, encoder

    def _helper(self, module: str, name: str) -> Any:
        try:
            return self.helpers(module, name)
        except LookupError as exc:
            raise codec.DecodeError(str(exc)) from None

    def _run_step(self, step: Step, seed: int, encoder: codec.Encoder, decoder: codec.Decoder,
                  timeout: float | None) -> StepOutcome:
        try:
            target = decoder.decode(step.make) if step.make is not None else self._resolve(step.target)
        except LookupError as exc:
            return StepOutcome(error=ErrorInfo(kind="missing", type="NameError", message=str(exc)))
        except codec.DecodeError as exc:
            return StepOutcome(error=ErrorInfo(kind="transport", type="DecodeError", message=str(exc)))
        try:
            args, kwargs = self._decode_arguments(step, decoder)
        except codec.DecodeError as exc:
            return StepOutcome(error=ErrorInfo(kind="transport", type="DecodeError", message=str(exc)))
        if not step.call:
            return self._encode_outcome(StepOutcome(), step, target, encoder)
        observe = step.observe
        if observe.grads:
            args = _leaf_copies(args, observe.grads.wrt_args)
        before = _snapshot_args(args) if (observe.storage or observe.args_after) else None
        seed_everything(seed)
        outcome = StepOutcome()
        result = None
        recorder = OpRecorder() if observe.ops else None
        counters = {name: 0 for name in observe.count_calls}
        try:
            with time_limit(timeout), counting(self.namespace, counters), recording(recorder):
                started = _perf_counter()
                result = target(*args, **kwargs)
                outcome.seconds = _perf_counter() - started
                if observe.timing:
                    outcome.seconds, outcome.calibration_seconds = _paired_times(
                        target, args, kwargs, observe.timing.repeats, outcome.seconds)
        except BaseException as exc:  # noqa: BLE001 - checked code may raise anything, even SystemExit
            leave_if_forked(self.owner)
            outcome.error = describe_exception(exc)
            return outcome
        leave_if_forked(self.owner)
        if recorder is not None:
            outcome.ops = sorted(recorder.ops)[:5000]
            outcome.op_count = recorder.count
        if observe.count_calls:
            outcome.calls = dict(counters)
        if observe.storage:
            outcome.storage = _storage_facts(result, args, before)
        if step.keep_as:
            self.handles[step.keep_as] = result
        if observe.grads:
            outcome.grads = self._grads(result, args, target, observe.grads, encoder, decoder)
        if observe.source:
            outcome.source = _source_of(target)
        try:
            if observe.args_after:
                outcome.args_after = [encoder.encode(_base_or_self(a)) for a in args]
        except codec.EncodeError as exc:
            outcome.error = ErrorInfo(kind="transport", type="ResultTooLarge", message=str(exc))
        return self._encode_outcome(outcome, step, result, encoder)

    def _encode_outcome(self, outcome: StepOutcome, step: Step, value: Any, encoder: codec.Encoder) -> StepOutcome:
        if step.observe.result and outcome.error is None:
            try:
                outcome.result = encoder.encode(value)
            except codec.EncodeError as exc:
                outcome.error = ErrorInfo(kind="transport", type="ResultTooLarge", message=str(exc))
            except BaseException as exc:  # noqa: BLE001 - a hostile object may break encoding
                outcome.error = ErrorInfo(kind="transport", type=type(exc).__name__, message="the result could not be read")
        return outcome

    def _resolve(self, target: str) -> Any:
        head, *attrs = target.split(".")
        if head.startswith("$"):
            if head[1:] not in self.handles:
                raise LookupError(f"{head[1:]} was not created")
            obj = self.handles[head[1:]]
        elif head in self.namespace:
            obj = self.namespace[head]
        elif head in LIBRARY_NAMES:
            obj = LIBRARY_NAMES[head]
        else:
            raise LookupError(f"{head} is not defined")
        for attr in attrs:
            try:
                obj = getattr(obj, attr)
            except Exception:  # noqa: BLE001
                raise LookupError(f"{target} is not defined") from None
        return obj

    def _decode_arguments(self, step: Step, decoder: codec.Decoder):
        return [decoder.decode(a) for a in step.args], {k: decoder.decode(v) for k, v in step.kwargs.items()}

    def _grads(self, result, args, target, request: GradRequest, encoder: codec.Encoder,
               decoder: codec.Decoder) -> GradOutcome:
        inputs: list[torch.Tensor] = [args[i] for i in request.wrt_args if i < len(args)]
        params: dict[str, torch.Tensor] = {}
        if request.wrt_params:
            owner = getattr(target, "__self__", target)
            if isinstance(owner, torch.nn.Module):
                params = {n: p for n, p in owner.named_parameters() if p.requires_grad}
        try:
            if not (type(result) is _Tensor or isinstance(result, _Tensor)):
                raise TypeError(f"the result is a {type(result).__name__}, not a tensor")
            upstream = decoder.decode(request.upstream) if request.upstream is not None else _ones_like(result)
            everything = inputs + list(params.values())
            grads = _grad(result, everything, grad_outputs=upstream, allow_unused=True)
        except BaseException as exc:  # noqa: BLE001
            return GradOutcome(error=describe_exception(exc))
        arg_grads, param_grads = grads[: len(inputs)], grads[len(inputs):]
        return GradOutcome(
            args=[None if g is None else encoder.encode(g) for g in arg_grads],
            params={n: (None if g is None else encoder.encode(g)) for n, g in zip(params, param_grads)},
        )


class OpRecorder(TorchDispatchMode):
    """Notes the name of every aten operation dispatched while active (`convolution` for
    F.conv2d, nn.Conv2d, getattr(F, "con" + "v2d") and torch.ops.aten.convolution alike)."""

    def __init__(self) -> None:
        super().__init__()
        self.ops: set[str] = set()
        self.count = 0  # dispatches, repeats included: a loop over a batch makes it grow with the batch

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.ops.add(func.overloadpacket.__name__)
        self.count += 1
        return func(*args, **(kwargs or {}))


@contextmanager
def recording(recorder: OpRecorder | None) -> Iterator[None]:
    if recorder is None:
        yield
        return
    with recorder:
        yield


@contextmanager
def counting(namespace: dict[str, Any], counters: dict[str, int]) -> Iterator[None]:
    """While active, calls of the notebook names in `counters` are counted there."""
    saved = {name: namespace[name] for name in counters if callable(namespace.get(name))}

    def counted(name: str, function: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            counters[name] += 1
            return function(*args, **kwargs)
        return call

    for name, function in saved.items():
        namespace[name] = counted(name, function)
    try:
        yield
    finally:
        for name, function in saved.items():
            namespace[name] = function


def _is_tensor(x: Any) -> bool:
    return issubclass(type(x), _Tensor)


def _plain(x: torch.Tensor) -> torch.Tensor:
    with _no_torch_function():
        return _as_subclass(x, _Tensor)


def _leaf_copies(args: list, positions: list[int]) -> list:
    out = list(args)
    for i in positions:
        if i < len(out) and _is_tensor(out[i]) and (out[i].is_floating_point() or out[i].is_complex()):
            out[i] = _detach(_clone(out[i])).requires_grad_(True)
    return out


def _snapshot_args(args: list) -> list:
    shots = []
    for a in args:
        if _is_tensor(a):
            p = _plain(a)
            with _no_torch_function():
                shots.append((_data_ptr(p), _storage_ptr(_untyped_storage(p)), _clone(_detach(p)), tuple(p.shape)))
        else:
            shots.append(None)
    return shots


def _same_bytes(a: torch.Tensor, b: torch.Tensor) -> bool:
    if a.dtype != b.dtype or tuple(a.shape) != tuple(b.shape):
        return False
    with _no_torch_function():
        flat_a = _view(_reshape(_contiguous(_detach(a)), -1), torch.uint8) if a.numel() else a
        flat_b = _view(_reshape(_contiguous(_detach(b)), -1), torch.uint8) if b.numel() else b
        return _equal(flat_a, flat_b) is True


def _storage_facts(result: Any, args: list, before: list) -> StorageFacts:
    facts = StorageFacts(result_is_tensor=_is_tensor(result))
    result_plain = _plain(result) if facts.result_is_tensor else None
    with _no_torch_function():
        result_storage = _storage_ptr(_untyped_storage(result_plain)) if result_plain is not None else None
        result_ptr = _data_ptr(result_plain) if result_plain is not None else None
        for arg, shot in zip(args, before):
            if shot is None:
                for field in ("result_shares_storage", "result_same_data_ptr", "arg_storage_kept", "arg_unchanged"):
                    getattr(facts, field).append(False)
                continue
            data_ptr, storage_ptr, values, _shape = shot
            plain = _plain(arg)
            facts.result_shares_storage.append(result_storage is not None and result_storage == storage_ptr)
            facts.result_same_data_ptr.append(result_ptr is not None and result_ptr == data_ptr)
            facts.arg_storage_kept.append(_storage_ptr(_untyped_storage(plain)) == storage_ptr)
            facts.arg_unchanged.append(_same_bytes(values, plain) is True)
    return facts


MEASURING_SECONDS, MAX_ROUNDS = 0.2, 50  # how long a fast call and the yardstick are measured
YARDSTICK_ELEMENTS = 1 << 20  # an element-wise product of this size takes about a millisecond: measurable
_YARDSTICK: list = []  # one fixed tensor per process: the same work on every side


def _yardstick() -> torch.Tensor:
    if not _YARDSTICK:
        with _no_torch_function():
            _YARDSTICK.append(_ones(YARDSTICK_ELEMENTS))
    return _YARDSTICK[0]


def _paired_times(target, args: list, kwargs: dict, repeats: int, first: float) -> tuple[float, float | None]:
    """Best time of the call and of a yardstick (an element-wise product on a fixed tensor of a
    million float32 values), measured in alternation, so that both meet the same machine load.
    The ratio makes timings from two processes (or two machines) comparable. (A product on the
    call's own input was a few microseconds for small inputs, too short to measure: the judge's
    and the worker's came out ten times apart.) A fast call is measured again until
    MEASURING_SECONDS have passed: on a busy machine one best of three could still be a
    descheduled one, and a correct answer was judged eight times slower than itself."""
    yardstick = _yardstick()
    best_call, best_yardstick = first, math.inf
    spent, round_ = first, 0
    while round_ < max(repeats, 3) or (spent < MEASURING_SECONDS and round_ < MAX_ROUNDS):
        started = _perf_counter()
        _mul(yardstick, 2)
        took = _perf_counter() - started
        best_yardstick, spent = min(best_yardstick, took), spent + took
        if round_ < repeats - 1 or spent < MEASURING_SECONDS:
            started = _perf_counter()
            target(*args, **kwargs)
            took = _perf_counter() - started
            best_call, spent = min(best_call, took), spent + took
        round_ += 1
    return best_call, best_yardstick


def _base_or_self(arg: Any) -> Any:
    """For an argument passed as a strided view, report its whole base tensor."""
    if _is_tensor(arg) and getattr(arg, "_base", None) is not None and getattr(arg, "_ag_view", False):
        return arg._base
    return arg


def _source_of(target: Any) -> str | None:
    try:
        return _getsource(_unwrap(getattr(target, "__func__", target)))
    except (OSError, TypeError, ValueError):
        return None
