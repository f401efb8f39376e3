"""How an instructor declares a unit's exercises: artifacts, checks, common mistakes.

A unit's hidden check file (`solutions/<unit>/checks.py`) defines `EXERCISES`, a list of
`Exercise`. Each check names its artifact, a function that draws its cases from a seeded
`Draw`, and a rule. Building a check for a seed gives a `CheckPlan` (pure data) plus the
tensors its inputs refer to; the judge runs that plan against the student's worker and,
for hidden checks, against the live reference.
"""

from __future__ import annotations

import hashlib
import os
import random
import sys
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import torch

from autograder.checks.accuracy import AccuracyRule
from autograder.checks.answer import AnswerRule
from autograder.checks.grads import GradRule
from autograder.checks.memory import MemoryRule
from autograder.checks.layers import LayersRule
from autograder.checks.ops import OpsRule
from autograder.checks.output import OutputRule
from autograder.checks.perf import PerfRule
from autograder.checks.plan import CasePlan, CheckPlan, Rule
from autograder.checks.properties import PropertyRule
from autograder.checks.raises import RaisesRule
from autograder.checks.rerun import RerunRule
from autograder.checks.source import SourceRule
from autograder.checks.values import describe_tensor
from autograder.checks.vectorised import VectorisedRule
from autograder.protocol import codec, drawn
from autograder.protocol import values as V
from autograder.protocol.messages import GradRequest, Observe, Step, Timing


# --- inputs ---------------------------------------------------------------------------

BUDGET_ENV = "AUTOGRADER_BUDGET"


def quick_budget() -> bool:
    """Whether training checks run their small calibrated budget (the test suite) instead of
    the exercise's full one (grading and `autograder validate`)."""
    return os.environ.get(BUDGET_ENV, "full") == "quick"


class Draw:
    """The randomness for one check: a torch generator and a Python RNG, both seeded; which
    training budget its cases should use (`quick`); and whether the cases are for the public
    release (`release`).

    For a release, `randn`, `rand` and `randint` give tensors that travel as their recipe and
    are rebuilt exactly where they are used (protocol/drawn.py), so the release stays small;
    a tensor computed from them, or changed in place, travels as its bytes. Hidden grading
    draws with torch's generator."""

    def __init__(self, seed: int, release: bool = False):
        self.seed = seed
        self.g = torch.Generator().manual_seed(seed)
        self.py = random.Random(seed)
        self.quick = quick_budget()
        self.release = release

    def randn(self, *shape: int, dtype: torch.dtype = torch.float32, mean: float = 0.0,
              std: float = 1.0) -> torch.Tensor:
        """Normal draws (`mean + std * N(0, 1)`; in a release, a bell-shaped exact draw)."""
        if self.release:
            return self._recorded("normal", shape, dtype, float(mean), float(std))
        values = torch.randn(*shape, generator=self.g, dtype=dtype)
        if std != 1:
            values = values * std
        return values + mean if mean else values

    def rand(self, *shape: int, dtype: torch.dtype = torch.float32, low: float = 0.0,
             high: float = 1.0) -> torch.Tensor:
        """Uniform draws on [low, high)."""
        if self.release:
            return self._recorded("uniform", shape, dtype, float(low), float(high))
        values = torch.rand(*shape, generator=self.g, dtype=dtype)
        if (low, high) == (0.0, 1.0):
            return values
        return values * (high - low) + low

    def randint(self, low: int, high: int, shape: Sequence[int]) -> torch.Tensor:
        if self.release:
            return self._recorded("integers", tuple(shape), torch.int64, float(low), float(high))
        return torch.randint(low, high, tuple(shape), generator=self.g)

    def _recorded(self, kind: str, shape: tuple, dtype: torch.dtype, low: float, high: float) -> torch.Tensor:
        shape = tuple(int(s) for s in (shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape))
        seed = self.py.randrange(2**31)
        tensor = drawn.rebuild(kind, seed, shape, dtype, low, high)
        tensor._autograder_recipe = (V.DrawnV(kind=kind, seed=seed, shape=list(shape),  # type: ignore[attr-defined]
                                              dtype=str(dtype).removeprefix("torch."), low=low, high=high),
                                     tensor._version)
        return tensor

    def child_seed(self) -> int:
        return self.py.randrange(2**31)


@dataclass(frozen=True)
class GeneratorArg:
    """Pass a fresh `torch.Generator` seeded with `seed` to the checked function."""

    seed: int


@dataclass(frozen=True)
class HelperArg:
    """One of the checks' helpers, found by name where the checked code runs: the function
    itself, or (`call`) what it returns for `args` and `kwargs` there."""

    module: str
    name: str
    label: str
    call: bool = False
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)

    @property
    def ref(self) -> str:
        return f"{self.module}.{self.name}"

    def __hash__(self) -> int:
        return hash((self.module, self.name, self.label, self.call))


def _split_ref(ref: str) -> tuple[str, str]:
    module, _, name = ref.rpartition(".")
    if not module or not name:
        raise ValueError(f"a helper is named 'module.function', got {ref!r}")
    return module, name


def helper(ref: str, label: str = "") -> HelperArg:
    """Pass the helper `ref` itself ("module.function" of the unit's fixtures, or
    "autograder.fixtures.module.function"): a function the student's code calls."""
    module, name = _split_ref(ref)
    return HelperArg(module, name, label or name)


def made(ref: str, *args: Any, label: str = "", **kwargs: Any) -> HelperArg:
    """Pass what the helper `ref` returns for these arguments, built where the checked code
    runs (a loss with constants in it, the grader's training device)."""
    module, name = _split_ref(ref)
    return HelperArg(module, name, label or name, call=True, args=args, kwargs=kwargs)


@dataclass(frozen=True)
class HandleArg:
    """Pass the object an earlier call of the same case kept with `keep_as=name` (it stays
    in the process that built it: the worker, or the judge for the reference)."""

    name: str
    label: str = ""


def kept(name: str, label: str = "") -> HandleArg:
    return HandleArg(name, label or name)


@dataclass(frozen=True)
class StridedArg:
    """Pass `base.as_strided(size, stride, offset)`: a view whose base can be inspected."""

    base: torch.Tensor
    size: tuple[int, ...]
    stride: tuple[int, ...]
    offset: int = 0


def generator(seed: int) -> GeneratorArg:
    return GeneratorArg(seed)


def every_other(base: torch.Tensor) -> StridedArg:
    """A 1-D view of every second element of a 1-D `base`."""
    return StridedArg(base, ((base.numel() + 1) // 2,), (2,), 0)


@dataclass(frozen=True)
class Call:
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    target: str | None = None   # None: the check's artifact
    read_only: bool = False     # read the target instead of calling it
    keep_as: str | None = None
    label: str | None = None    # how feedback names this call in a case of several calls
    upstream: Any = None        # grad checks: the upstream gradient for this call's result (default ones)
    quiet: bool = False         # do not send the result back (a large data set, a model kept as a handle)
    make: "HelperArg | None" = None  # call this helper of the checks instead of a target


@dataclass(frozen=True)
class Case:
    calls: tuple[Call, ...]
    label: str | None = None
    held: torch.Tensor | None = None  # kept by the judge, never sent (an accuracy check's labels)


def case(*args: Any, label: str | None = None, **kwargs: Any) -> Case:
    """One call of the artifact with these arguments."""
    return Case((Call(args, kwargs),), label)


def sequence(*calls: Call, label: str | None = None) -> Case:
    """Several calls in one worker round trip (e.g. call twice, compare the results)."""
    return Case(tuple(calls), label)


def call(*args: Any, target: str | None = None, **kwargs: Any) -> Call:
    return Call(args, kwargs, target)


def fixture(ref: str, *args: Any, keep_as: str, label: str, **kwargs: Any) -> Call:
    """A call of the helper `ref` with these arguments, run where the checked code runs, its
    result kept for later calls of the case (pass `kept(keep_as)`): a model with a seeded
    start, a data loader with a fixed order."""
    return Call(args, kwargs, target=keep_as, keep_as=keep_as, label=label, quiet=True, make=helper(ref, label))


def using(ref: str, *args: Any, label: str, **kwargs: Any) -> Call:
    """A call of the helper `ref` whose result is sent back (reading facts about a kept
    object: `using("schedulers.rates", kept("made"), label=...)`)."""
    return Call(args, kwargs, target=_split_ref(ref)[1], label=label, make=helper(ref, label))


def describe_args(args: tuple, kwargs: dict) -> str:
    """How feedback refers to an input, without printing its values."""
    parts = [_describe(a) for a in args] + [f"{k}={_describe(v)}" for k, v in kwargs.items()]
    if len(args) == 1 and isinstance(args[0], torch.Tensor) and not kwargs:
        return f"an input of {describe_tensor(args[0])}"
    return "the arguments " + ", ".join(parts) if parts else "a call without arguments"


def _describe(value: Any) -> str:
    if isinstance(value, torch.Tensor):
        return f"a tensor of {describe_tensor(value)}"
    if isinstance(value, StridedArg):
        return f"a strided view of shape {tuple(value.size)}"
    if isinstance(value, GeneratorArg):
        return "a seeded generator"
    if isinstance(value, (HelperArg, HandleArg)):
        return value.label
    text = repr(value)
    return text if len(text) <= 40 else f"a {type(value).__name__} of length {len(value) if hasattr(value, '__len__') else '?'}"


def drawn_recipe(value: torch.Tensor) -> V.DrawnV | None:
    """The recipe of a tensor a release's Draw made, if it is still as drawn."""
    recipe = getattr(value, "_autograder_recipe", None)
    if recipe is None or recipe[1] != value._version or value.requires_grad:
        return None
    return recipe[0]


def encode_argument(value: Any, encoder: codec.Encoder) -> V.Value:
    if isinstance(value, GeneratorArg):
        return V.GeneratorV(seed=value.seed)
    if isinstance(value, HelperArg):
        return V.HelperV(module=value.module, name=value.name, call=value.call, label=value.label,
                         args=[encode_argument(a, encoder) for a in value.args],
                         kwargs={k: encode_argument(v, encoder) for k, v in value.kwargs.items()})
    if isinstance(value, HandleArg):
        return V.HandleV(name=value.name)
    if isinstance(value, torch.Tensor) and drawn_recipe(value) is not None:
        return drawn_recipe(value)
    if isinstance(value, StridedArg):
        base = encoder.encode(value.base)
        return base.model_copy(update={"view": V.StridedView(
            size=list(value.size), stride=list(value.stride), offset=value.offset)})
    return encoder.encode(value)


# --- checks ---------------------------------------------------------------------------

CaseSource = Callable[[Draw], list[Case]] | list[Case]


@dataclass
class CheckSpec:
    name: str
    artifact: str
    rule: Rule
    cases: CaseSource
    weight: float = 1.0
    observe: Observe = field(default_factory=Observe)
    case_seconds: float = 10.0
    public: bool = True
    quick_rule: Rule | None = None  # the rule under the quick budget (bars calibrated for it)
    # compares the parameters after the first training steps from the judge's start with the
    # reference's: the exercise's accuracy is credited only when such checks pass
    trajectory: bool = False
    # the case's limit is at least this many times the reference's time for it: for calls whose
    # correct forms differ widely in speed (loading a whole data set item by item, say)
    reference_factor: float | None = None
    site: str = field(default="", compare=False)  # "file:line" where the exercise file declared it

    def __post_init__(self) -> None:
        if not self.site:
            self.site = declaration_site()

    @property
    def needs_reference(self) -> bool:
        return self.rule.needs_reference

    def _observe_for(self, c: Call, encoder: codec.Encoder) -> Observe:
        if c.quiet:
            return Observe(result=False)
        if c.upstream is None or self.observe.grads is None:
            return self.observe
        grads = self.observe.grads.model_copy(update={"upstream": encode_argument(c.upstream, encoder)})
        return self.observe.model_copy(update={"grads": grads})

    def plan(self, seed: int, key_prefix: str = "", release: bool = False) -> tuple[CheckPlan, dict[str, torch.Tensor]]:
        """The check's cases for `seed` as data, and the tensors they refer to; for a public
        `release`, drawn inputs travel as recipes (see Draw)."""
        draw = Draw(seed, release=release)
        cases = self.cases(draw) if callable(self.cases) else list(self.cases)
        encoder = codec.Encoder(prefix=key_prefix)
        planned = []
        for case_ in cases:
            steps = []
            for c in case_.calls:
                steps.append(Step(
                    target=c.target or self.artifact,
                    call=not c.read_only,
                    args=[encode_argument(a, encoder) for a in c.args],
                    kwargs={k: encode_argument(v, encoder) for k, v in c.kwargs.items()},
                    keep_as=c.keep_as,
                    observe=self._observe_for(c, encoder),
                    make=encode_argument(c.make, encoder) if c.make is not None else None,
                ))
            first = case_.calls[0]
            label = case_.label if case_.label is not None else (
                "" if first.read_only else describe_args(first.args, first.kwargs))
            step_labels = ([c.label or describe_args(c.args, c.kwargs) for c in case_.calls]
                           if len(case_.calls) > 1 else [])
            held = None
            if case_.held is not None:
                held = f"{key_prefix}held{len(planned)}"
                encoder.tensors[held] = case_.held
            planned.append(CasePlan(label=label, steps=steps, step_labels=step_labels, held=held))
        rule = self.quick_rule if draw.quick and self.quick_rule is not None else self.rule
        plan = CheckPlan(
            name=self.name, weight=self.weight, artifact=self.artifact, rule=rule, cases=planned,
            seed=seed, case_seconds=self.case_seconds, needs_reference=self.needs_reference,
            trajectory=self.trajectory, reference_factor=self.reference_factor,
        )
        return plan, encoder.tensors


def declaration_site() -> str:
    """'file:line' of the first caller outside the authoring package: where an exercise file
    declared a check or a mistake (named by load-time errors)."""
    here = os.path.dirname(os.path.abspath(__file__))
    frame = sys._getframe(1)
    while frame is not None and (frame.f_code.co_filename.startswith("<")  # a dataclass's generated __init__
                                 or os.path.dirname(os.path.abspath(frame.f_code.co_filename)) == here):
        frame = frame.f_back
    return f"{frame.f_code.co_filename}:{frame.f_lineno}" if frame is not None else ""


def output(name: str, artifact: str, cases: CaseSource, weight: float = 1.0, trajectory: bool = False,
           case_seconds: float = 10.0, reference_factor: float | None = None, **rule: Any) -> CheckSpec:
    """Results equal the reference's (values, shapes, dtypes) on the same inputs; with
    `trajectory`, the results are a training run's parameters from the judge's start; with
    `reference_factor`, a case may take that many times the reference's time (at least
    `case_seconds`), and one that runs out of time on a busy machine is taken again."""
    if reference_factor is not None and not reference_factor >= 1:
        raise ValueError("reference_factor is how many times the reference's time a case may take: at least 1")
    return CheckSpec(name, artifact, OutputRule(**rule), cases, weight, trajectory=trajectory,
                     case_seconds=case_seconds, reference_factor=reference_factor)


def raises(name: str, artifact: str, cases: CaseSource, exceptions: list[str], weight: float = 1.0) -> CheckSpec:
    """The call raises one of `exceptions`."""
    return CheckSpec(name, artifact, RaisesRule(exceptions=exceptions), cases, weight)


def memory(name: str, artifact: str, cases: CaseSource, weight: float = 1.0, arg: int = 0,
           args_after_like_reference: bool = False, **expect: bool) -> CheckSpec:
    """Storage facts about the result and argument `arg` (see checks.memory.MESSAGES)."""
    return CheckSpec(name, artifact, MemoryRule(arg=arg, expect=expect, args_after_like_reference=args_after_like_reference),
                     cases, weight, observe=Observe(result=False, storage=True, args_after=args_after_like_reference))


def perf(name: str, artifact: str, cases: CaseSource, weight: float = 1.0, max_ratio: float = 5.0,
         repeats: int = 3, case_seconds: float = 10.0, hint: str | None = None) -> CheckSpec:
    """Time against the reference, both normalised by an element-wise product."""
    rule = PerfRule(max_ratio=max_ratio, **({"hint": hint} if hint else {}))
    return CheckSpec(name, artifact, rule, cases, weight, observe=Observe(result=False, timing=Timing(repeats=repeats)),
                     case_seconds=case_seconds)


def answer(name: str, constant: str, weight: float = 1.0, choices: str | None = None, digits: int = 6) -> CheckSpec:
    """A module-level answer constant (numeric, table or multiple-choice letter)."""
    return CheckSpec(name, constant, AnswerRule(choices=choices, digits=digits),
                     [Case((Call(read_only=True),), label="")], weight)


def rerun(name: str, constant: str, experiment: str, weight: float = 1.0, lookups: Sequence[Any] = (),
          **params: Any) -> CheckSpec:
    """A setting (an answer constant) from which the judge re-runs the named experiment of
    checks.rerun with `params`; `lookups` are keys read from it with `constant.get(key)`."""
    calls = (Call(read_only=True, label=constant),) + tuple(
        Call((key,), target=f"{constant}.get", label=f"{constant}.get({key!r})") for key in lookups)
    return CheckSpec(name, constant, RerunRule(experiment=experiment, params=params), [Case(calls, label="")], weight)


def accuracy(name: str, artifact: str, cases: CaseSource, full_at: float, zero_at: float, weight: float = 1.0,
             at_most: float | None = None, predictions: str = "probability", what: str = "held-out points",
             case_seconds: float = 60.0, quick: tuple[float, float] | None = None) -> CheckSpec:
    """The model a case builds classifies held-out inputs; the judge scores the predictions
    with labels it keeps (see `trained`). Bars come from calibrating the reference; `quick`
    gives (full_at, zero_at) calibrated for the cases' quick budget (`Draw.quick`)."""
    rule = AccuracyRule(full_at=full_at, zero_at=zero_at, at_most=at_most, predictions=predictions, what=what)
    quick_rule = rule.model_copy(update={"full_at": quick[0], "zero_at": quick[1]}) if quick else None
    return CheckSpec(name, artifact, rule, cases, weight, case_seconds=case_seconds, quick_rule=quick_rule)


def hidden_only(check: CheckSpec) -> CheckSpec:
    """A check the student's release leaves out: long training, large inputs, data read while
    decoding (it runs in hidden grading and `validate` only)."""
    check.public = False
    return check


def trained(*args: Any, inputs: torch.Tensor, labels: torch.Tensor, label: str | None = None,
            **kwargs: Any) -> Case:
    """Call the artifact (a trainer returning a model) with `args`, keep the model in the
    worker, and ask it for predictions on `inputs`; `labels` stay with the judge."""
    return Case((Call(args, kwargs, keep_as="model", label="training"),
                 Call((inputs,), target="$model", label="predictions")), label or "", held=labels)


def prop(name: str, artifact: str, cases: CaseSource, property: str, weight: float = 1.0,
         case_seconds: float = 10.0, grads_wrt: list[int] | None = None, **params: Any) -> CheckSpec:
    """A named property of the student's results that needs no reference; with `grads_wrt`,
    the gradients of the result with respect to those arguments are observed too."""
    observe = Observe(grads=GradRequest(wrt_args=grads_wrt)) if grads_wrt else Observe()
    rule = PropertyRule(name=property, params=params)
    return CheckSpec(name, artifact, rule, cases, weight, observe=observe, case_seconds=case_seconds)



def source(name: str, artifact: str, cases: CaseSource, weight: float = 1.0, no_loops: bool = False,
           forbid: list[str] | None = None, reason: str = "") -> CheckSpec:
    """The function's source (parsed, not run) avoids loops or forbidden names."""
    return CheckSpec(name, artifact, SourceRule(no_loops=no_loops, forbid=forbid or [], reason=reason), cases, weight,
                     observe=Observe(result=False, source=True))


def layers(name: str, artifact: str, cases: CaseSource, weight: float = 1.0, case_seconds: float = 10.0,
           **tolerance: Any) -> CheckSpec:
    """The module's layers give the reference's outputs for the same weights and input (the
    case's last step returns `autograder.fixtures.modules.layer_outputs`); the first layer
    that differs is named."""
    return CheckSpec(name, artifact, LayersRule(**tolerance), cases, weight, case_seconds=case_seconds)


def vectorised(name: str, artifact: str, cases: CaseSource, weight: float = 1.0, max_growth: float = 2.0,
               case_seconds: float = 20.0, hint: str | None = None) -> CheckSpec:
    """Each case is a sequence of calls on growing batches: the operations the function
    dispatches must not grow with the batch (a loop over its samples does), counted by the
    worker, so a busy machine cannot fail it and a loop over a few names is not a loop over the
    batch."""
    rule = VectorisedRule(max_growth=max_growth, **({"hint": hint} if hint else {}))
    return CheckSpec(name, artifact, rule, cases, weight, observe=Observe(ops=True), case_seconds=case_seconds)


def ops(name: str, artifact: str, cases: CaseSource, forbid: list[str], weight: float = 1.0, reason: str = "",
        case_seconds: float = 10.0) -> CheckSpec:
    """The call dispatches none of the aten operations `forbid` (e.g. convolution, im2col,
    unfold): proof that the exercise's forbidden library routine was not used, by any name."""
    return CheckSpec(name, artifact, OpsRule(forbid=forbid, reason=reason), cases, weight,
                     observe=Observe(ops=True), case_seconds=case_seconds)


def grad(name: str, artifact: str, cases: CaseSource, wrt_args: list[int], weight: float = 1.0,
         wrt_params: bool = False, **tolerance: Any) -> CheckSpec:
    """Gradients for the same upstream gradient (ones) equal the reference's."""
    return CheckSpec(name, artifact, GradRule(**tolerance), cases, weight,
                     observe=Observe(result=False, grads=GradRequest(wrt_args=wrt_args, wrt_params=wrt_params)))


# --- exercises ------------------------------------------------------------------------

@dataclass
class Mistake:
    """A realistic wrong answer: a cell of `code` after the exercise's cell, redefining what
    the student wrote (as a student who redefines a function does).

    `validate` proves that it loses every point of each check in `fails`, with a message
    containing `says`. Exercise files declare mistakes with `mistake(...)`: the code is a real
    Python file in the exercise's `mistakes/` folder, named by its docstring.
    """

    name: str
    code: str
    fails: list[str]
    says: str = ""
    file: str = ""
    site: str = field(default="", compare=False)


MISTAKES_FOLDER = "mistakes"


class MistakeFileError(ValueError):
    """A mistake file is missing or has no docstring naming the mistake."""


def mistake(file: str, fails: list[str], says: str = "") -> Mistake:
    """The mistake in `mistakes/<file>.py` next to the calling exercise file: it must lose the
    points of the checks `fails`, with a message containing `says`. Its docstring's first line
    names it in reports."""
    site = declaration_site()
    folder = os.path.join(os.path.dirname(site.rpartition(":")[0]), MISTAKES_FOLDER)
    path = os.path.join(folder, file if file.endswith(".py") else f"{file}.py")
    try:
        with open(path, encoding="utf-8") as handle:
            code = handle.read()
    except OSError:
        raise MistakeFileError(f"{site}: no mistake file {path}") from None
    name = _docstring_title(code)
    if not name:
        raise MistakeFileError(f"{path}: a mistake file starts with a docstring that names the mistake")
    return Mistake(name, code, list(fails), says, path, site)


def _docstring_title(code: str) -> str:
    import ast

    try:
        doc = ast.get_docstring(ast.parse(code))
    except SyntaxError:
        return ""
    return " ".join((doc or "").split("\n\n")[0].split()).rstrip(".") if doc else ""


@dataclass
class Exercise:
    """One exercise of the catalogue: its id (`u4.2.q1`), a title, the artifacts the student
    writes (functions, classes, answer constants, in the catalogue's names), its checks and
    its catalogued mistakes. Points come from grader.toml. `manual` names a part a TA grades
    (it needs manual points in grader.toml, and the reverse); `isolated` runs the exercise's
    checks in a process of their own; `uses` maps artifacts its code may call to the exercise
    each belongs to, so one mistake is not counted twice (see README); `cell_seconds` lets the
    cells the exercise needs run longer than the course's limit (an answer a student computes
    by running an experiment in its cell)."""

    id: str
    title: str
    artifacts: list[str]
    checks: list[CheckSpec]
    mistakes: list[Mistake] = field(default_factory=list)
    manual: str = ""
    # checks of an isolated exercise run in a checking process of their own, so what they
    # do to the notebook's state cannot reach other exercises (costs a fork, ~40 ms)
    isolated: bool = False
    # artifacts the exercise's code may call, with the exercise each belongs to (an earlier one,
    # {"calc_dC_analytic": "u2.3.q4"}, or this one): a mistake there is not counted again in
    # the checks of the other artifacts (see judge/proxies.py)
    uses: dict[str, str] = field(default_factory=dict)
    # cells this exercise needs may run this long (longer than the course's cell_seconds): for
    # an answer a student may compute by running the experiment in its cell
    cell_seconds: float | None = None
    site: str = field(default="", compare=False)  # "file:line" of the declaration

    def __post_init__(self) -> None:
        if not self.site:
            self.site = declaration_site()

    def check(self, name: str) -> CheckSpec:
        for c in self.checks:
            if c.name == name:
                return c
        raise KeyError(f"{self.id} has no check {name!r}")


def derive_seed(base: int, *parts: str) -> int:
    digest = hashlib.sha256(("/".join([str(base), *parts])).encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF
