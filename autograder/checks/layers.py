"""Layer checks: a module's layers, run with the same weights as the reference's, give the same
outputs; the feedback names the first parameter or layer that differs.

The case's last step returns `autograder.fixtures.modules.layer_report(model, x, weights)`,
run where the module lives: the module's parameters (name, shape), whether the judge's weights
could be loaded into them in order, each leaf layer's (name, type, output) in the order it ran,
and the type of an exception that stopped the run. The reference's module makes the same
report. Where the two modules have the same number of layers they are compared one by one;
otherwise only the final outputs are, and the message says the structures differ. Every
message is built by the judge from numbers and names, never from the worker's text.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from autograder.checks.context import CaseContext, gate
from autograder.checks.rule import RuleKind
from autograder.checks.values import Tolerance, compare, kind_of
from autograder.protocol.codec import TensorData
from autograder.protocol.text import type_name


class LayersRule(RuleKind):
    """The module's parameters line up with the reference's and its layers' outputs equal the
    reference's, layer by layer, for the same weights and input; the first that differs is named."""

    kind: Literal["layers"] = "layers"
    example: ClassVar[str] = ('layers("layer by layer", "LeNet5", lambda d: [sequence(call(keep_as="net"), '
                              'using("autograder.fixtures.modules.layer_report", kept("net"), x, weights, label=...))])')
    rtol: float | None = Field(None, description="relative tolerance (default: by dtype)")
    atol: float | None = Field(None, description="absolute tolerance (default: by dtype)")
    scale: float = Field(1.0, description="multiplies both dtype defaults (deep stacks accumulate rounding)")

    def judge(self, ctx: CaseContext) -> str | None:
        failed = gate(ctx)
        if failed:
            return failed
        expected, actual = ctx.expected_ok().result(), ctx.actual.result()
        if not _is_report(actual):
            return f"{ctx.artifact}: {ctx.for_label()}the grader could not read the module's layers (got {kind_of(actual)})"
        where = f"{ctx.artifact}: {ctx.for_label()}"
        problem = (_parameter_problem(expected, actual) or
                   _layer_problem(expected["layers"], actual["layers"], Tolerance(self.rtol, self.atol, self.scale),
                                  expected["error"], actual["error"]))
        return where + problem if problem else None


def _is_report(value: Any) -> bool:
    return (isinstance(value, dict) and {"parameters", "loaded", "layers", "error"} <= set(value)
            and isinstance(value["parameters"], list) and isinstance(value["layers"], list))


def _name(value: Any) -> str:
    return type_name(value, limit=64) if isinstance(value, str) else "?"


def _parameter_problem(expected: dict, actual: dict) -> str | None:
    if actual["loaded"] is True:
        return None
    want, got = expected["parameters"], actual["parameters"]
    for (_, want_shape), (name, shape) in zip(want, got):
        if list(want_shape) != list(shape):
            return (f"its parameter {_name(name)} has shape {_shape(shape)} where the course's layer at that place has "
                    f"{_shape(want_shape)}; define the layers the exercise describes, in its order")
    return (f"it has {len(got)} parameter tensors where the course's module has {len(want)}; define the layers the "
            "exercise describes, in its order")


def _layer_problem(expected: list, actual: list, tolerance: Tolerance, expected_error: Any,
                   actual_error: Any) -> str | None:
    if len(expected) != len(actual) and actual_error is None:
        if not expected or not actual:
            return "no layer of it ran" if not actual else None
        difference = compare(expected[-1][2], actual[-1][2], tolerance)
        if difference is None:
            return None
        return (f"your module runs {len(actual)} layers where the course's runs {len(expected)}, so only the final "
                f"outputs were compared: {difference}")
    for (_, _, want), item in zip(expected, actual):
        name, kind, got = _name(item[0]), _name(item[1]), item[2]
        if isinstance(want, TensorData) and isinstance(got, TensorData) and want.data.shape != got.data.shape:
            return (f"your output first differs after layer `{name}` ({kind}): expected shape "
                    f"{tuple(want.data.shape)}, got {tuple(got.data.shape)}")
        difference = compare(want, got, tolerance)
        if difference:
            return f"your output first differs after layer `{name}` ({kind}): {difference}"
    if actual_error is not None:
        after = f"after layer `{_name(actual[-1][0])}` ({_name(actual[-1][1])})" if actual else "before its first layer"
        return f"its forward pass raised {_name(actual_error)} {after}, where the course's module ran on"
    return None


def _shape(shape: Any) -> str:
    return str(tuple(int(s) for s in shape)) if isinstance(shape, (list, tuple)) else "?"
