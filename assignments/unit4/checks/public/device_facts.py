"""Unit 4's judging of the device checks (u4.4.q1, u4.5.q1): what a call did with its devices,
reported as facts where it ran (public/fixtures/devices.py), against the facts a device-aware
version gives. Public: shipped with the release.

The facts are read under `torch.cuda.is_available()` patched to False and to True (then with
the stand-in accelerator, which raises the same-device error a GPU raises and notes it), and on
a real GPU where the worker has one. Devices are compared by type: `cuda` and `cuda:0` are the
same GPU (`torch.device('cuda') == torch.device('cuda:0')` is False in PyTorch).
"""

from __future__ import annotations

from typing import Any

from autograder.checks.context import CaseContext
from autograder.checks.registry import check_property
from autograder.checks.values import Policy, Tolerance, compare, kind_of


@check_property(example='prop("follows is_available", "get_device", cases, "device_type", expected="cuda")')
def device_type(ctx: CaseContext, said_step: int) -> str | None:
    """The case's last step describes what get_device() returned (`devices.describe_device`);
    step `said_step` (`devices.restore`) says what torch.cuda.is_available() said meanwhile
    (patched to False, to True, or the worker's own answer): a torch.device of type 'cuda'
    exactly when it said True, else 'cpu'."""
    described = ctx.actual.result()
    said = ctx.actual.result(said_step)
    expected = "cuda" if isinstance(said, dict) and said.get("is_available() said") is True else "cpu"
    if not isinstance(described, dict):
        return f"expected a description of the device, got {kind_of(described)}"
    if described.get("a torch.device") is not True:
        return f"get_device() should return a torch.device, got a {described.get('type')}"
    if described.get("type") != expected:
        return (f"get_device() returned a {described.get('type')} device; expected {expected} (decide when the "
                f"function is called, from torch.cuda.is_available())")
    return None


@check_property(example='prop("moves everything", "train_classifier", cases, "reported_facts", steps=[6, 7], '
                        'expected=[{...}, {...}])')
def reported_facts(ctx: CaseContext, steps: list[int], expected: list[dict[str, Any]],
                   unless: dict[str, Any] | None = None) -> str | None:
    """The results of `steps` (facts dicts reported where the code ran) equal `expected`, one
    dict per step; when the case's first step returns `unless`, there is nothing to judge here
    (a real-GPU case in a worker without a GPU)."""
    if unless is not None and ctx.actual.result(0) == unless:
        return None
    reported = [ctx.actual.result(i) for i in steps]
    for facts, wanted in zip(reported, expected):
        if not isinstance(facts, dict):
            return f"expected a report of facts, got {kind_of(facts)}"
        difference = compare(wanted, {k: facts.get(k) for k in wanted}, Tolerance(), Policy())
        if difference:
            return difference
    return None


@check_property(example='prop("no device given", "train_classifier", cases, "facts_by_availability", step=6, said_step=5, '
                        'when_available={...}, when_not={...})')
def facts_by_availability(ctx: CaseContext, step: int, said_step: int, when_available: dict[str, Any],
                          when_not: dict[str, Any]) -> str | None:
    """The facts step `step` reports equal `when_available` if torch.cuda.is_available() said True
    meanwhile (step `said_step`, `devices.restore`), else `when_not`."""
    said = ctx.actual.result(said_step)
    available = isinstance(said, dict) and said.get("is_available() said") is True
    facts = ctx.actual.result(step)
    if not isinstance(facts, dict):
        return f"expected a report of facts, got {kind_of(facts)}"
    wanted = when_available if available else when_not
    difference = compare(wanted, {k: facts.get(k) for k in wanted}, Tolerance(), Policy())
    if difference:
        return f"with torch.cuda.is_available() {available} and no device given: {difference}"
    return None
