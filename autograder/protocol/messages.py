"""The judge/worker conversation: one request, one reply, each a pydantic model.

Judge -> worker: `LoadModules` once after start, then `RunCell`, `RunCase`, `Bye`.
Worker -> judge: `Ready` once at start, `ModulesLoaded`, then `CellDone`, `CaseDone` or
`CaseFailed` per request.
During a case that names `proxies`, the worker may also send `ProxyCall`s, each answered by
a `ProxyReply` before the case's own reply (see judge/proxies.py).
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from autograder.protocol.text import short_message, type_name
from autograder.protocol.values import Value

MAX_MESSAGE = 2000
# a fresh random token per request, echoed by its reply: a frame that student code wrote
# ahead of time (or left behind) cannot pass for the answer to a later request
Nonce = Annotated[str, Field(max_length=64)]

# text written by the worker: scrubbed again on the judge's side (see protocol/text.py)
WorkerText = Annotated[str, Field(max_length=MAX_MESSAGE), AfterValidator(short_message)]
TypeName = Annotated[str, Field(max_length=200), AfterValidator(type_name)]


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- what a check asks the worker to do -------------------------------------------

class Timing(_M):
    """Time the call: best of `repeats`, and a reference operation of the same size."""

    repeats: int = Field(default=3, ge=1, le=50)


class GradRequest(_M):
    """Gradients of the call's result for the given upstream gradient.

    `wrt_args` lists positional arguments (float tensors) to differentiate with respect to;
    `wrt_params` adds the named parameters of the called module (or of the handle named).
    """

    wrt_args: list[int] = Field(default_factory=list, max_length=16)
    wrt_params: bool = False
    upstream: Value | None = None


class Observe(_M):
    result: bool = True
    storage: bool = False
    args_after: bool = False
    timing: Timing | None = None
    grads: GradRequest | None = None
    source: bool = False
    # record the names of the aten operations the call dispatches (a convolution written by
    # hand must not call the library's): how a check proves a forbidden operation was not used
    ops: bool = False
    # count the calls of these notebook names during the call (how often a decoder calls the
    # student's attention function, say)
    count_calls: list[str] = Field(default_factory=list, max_length=16)


class Step(_M):
    """Call `target(*args, **kwargs)` (or only read `target` when `call` is false).

    `target` is a name in the notebook's namespace, a handle kept by an earlier step, or
    either followed by attributes: `model.forward`, `$m.weight`. With `make`, `target` only
    names the step.
    """

    target: str = Field(max_length=200)
    call: bool = True
    args: list[Value] = Field(default_factory=list, max_length=64)
    kwargs: dict[str, Value] = Field(default_factory=dict)
    keep_as: str | None = Field(default=None, max_length=64)
    observe: Observe = Field(default_factory=Observe)
    # a helper of the checks (a HelperV), called instead of `target`: how a check builds
    # what it hands to the student's code (a model with a seeded start, a loader)
    make: Value | None = None


# --- what the worker saw ------------------------------------------------------------

ErrorKind = Literal["error", "not_implemented", "memory", "timeout", "missing", "transport"]


class ErrorInfo(_M):
    kind: ErrorKind = "error"
    type: TypeName = "Exception"
    classes: list[TypeName] = Field(default_factory=list, max_length=32)
    message: WorkerText = ""
    line: int | None = None


class StorageFacts(_M):
    """How the result and the tensor arguments relate in memory (one entry per argument)."""

    result_is_tensor: bool = False
    result_shares_storage: list[bool] = Field(default_factory=list)
    result_same_data_ptr: list[bool] = Field(default_factory=list)
    arg_storage_kept: list[bool] = Field(default_factory=list)
    arg_unchanged: list[bool] = Field(default_factory=list)


class GradOutcome(_M):
    args: list[Value | None] = Field(default_factory=list)
    params: dict[str, Value | None] = Field(default_factory=dict)
    error: ErrorInfo | None = None


class StepOutcome(_M):
    result: Value | None = None
    error: ErrorInfo | None = None
    seconds: float | None = None
    calibration_seconds: float | None = None
    storage: StorageFacts | None = None
    args_after: list[Value] | None = None
    grads: GradOutcome | None = None
    source: str | None = Field(default=None, max_length=200_000)
    ops: list[Annotated[str, Field(max_length=100)]] | None = Field(default=None, max_length=5000)
    op_count: int | None = None  # how many aten operations the call dispatched
    calls: dict[Annotated[str, Field(max_length=64)], int] | None = None


# --- requests -----------------------------------------------------------------------

class ModuleSource(_M):
    """One of the checks' helper modules: its name in the helper package, the file it was
    read from (for tracebacks and coverage) and its text."""

    name: str = Field(max_length=100, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    filename: str = Field(max_length=1000)
    source: str = Field(max_length=1_000_000)


class LoadModules(_M):
    """The checks' worker-side helpers (models, loaders, recording layers the checks build
    where the student's code runs), installed as the package `package` before any cell runs.
    They are the course's public code, never the reference's."""

    kind: Literal["load_modules"] = "load_modules"
    package: str = Field(max_length=100)
    modules: list[ModuleSource] = Field(max_length=200)
    nonce: Nonce = ""


class RunCell(_M):
    kind: Literal["run_cell"] = "run_cell"
    index: int
    source: str = Field(max_length=2_000_000)
    timeout: float
    nonce: Nonce = ""


class RunCase(_M):
    """Run one case. Cases of one `group` (an exercise) share a checking process."""

    kind: Literal["run_case"] = "run_case"
    steps: list[Step] = Field(max_length=1000)
    seed: int
    timeout: float
    group: str = Field(default="", max_length=64)
    nonce: Nonce = ""
    # notebook names replaced, for this case, by proxies whose calls the judge answers with
    # the course's own function (dependency-isolating credit)
    proxies: list[str] = Field(default_factory=list, max_length=16)


class ProxyReply(_M):
    """The judge's answer to a `ProxyCall`: the result, or a fixed reason it has none."""

    kind: Literal["proxy_reply"] = "proxy_reply"
    call: int
    result: Value | None = None
    grads: list[Value | None] = Field(default_factory=list, max_length=64)
    error: str = Field(default="", max_length=500)
    nonce: Nonce = ""


class Bye(_M):
    kind: Literal["bye"] = "bye"


Request = Annotated[Union[LoadModules, RunCell, RunCase, ProxyReply, Bye], Field(discriminator="kind")]


# --- replies ------------------------------------------------------------------------

class Ready(_M):
    kind: Literal["ready"] = "ready"
    python: str = Field(max_length=100)
    torch: str = Field(max_length=100)
    cuda: bool = False
    device_name: str = Field(default="cpu", max_length=200)
    precision: str = Field(default="", max_length=200)  # float settings checks ran under (TF32, cuDNN)


class ModulesLoaded(_M):
    kind: Literal["modules_loaded"] = "modules_loaded"
    error: ErrorInfo | None = None  # a helper module that could not be imported (the checks' defect)
    nonce: Nonce = ""


class CellDone(_M):
    kind: Literal["cell_done"] = "cell_done"
    index: int
    error: ErrorInfo | None = None
    seconds: float = 0.0
    nonce: Nonce = ""


class CaseDone(_M):
    kind: Literal["case_done"] = "case_done"
    outcomes: list[StepOutcome] = Field(max_length=1000)
    nonce: Nonce = ""


class CaseFailed(_M):
    """The checking process hung or ended during a case; the worker itself is fine."""

    kind: Literal["case_failed"] = "case_failed"
    reason: Literal["timeout", "crashed"]
    message: WorkerText = ""
    nonce: Nonce = ""


class ProxyCall(_M):
    """A call of a proxied name by the code under check: `args` for a forward call, or the
    gradients of the outputs of call `backward_of` (the judge answers with input gradients)."""

    kind: Literal["proxy_call"] = "proxy_call"
    call: int = Field(ge=0)
    name: str = Field(max_length=64)
    args: list[Value] = Field(default_factory=list, max_length=64)
    kwargs: dict[str, Value] = Field(default_factory=dict)
    backward_of: int | None = None
    nonce: Nonce = ""


Reply = Annotated[Union[Ready, ModulesLoaded, CellDone, CaseDone, CaseFailed, ProxyCall], Field(discriminator="kind")]
