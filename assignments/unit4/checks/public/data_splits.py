"""Unit 4's judging of the data splits of u4.2: `split_val_test`, `subsample` and the reported
early-stopping curves. Public: shipped with the release.

A split's randomness may come from any generator, so the judge does not compare it with the
course's: it reads the indices each returned Subset holds in the data set it was given
(`picture_sets.part_indices` where the code ran) and tests what a split must be (sizes, no
index twice, every index once), and that the same seed gives the same split while another
seed gives another (a function that ignores its seed loses that check).
"""

from __future__ import annotations

from typing import Any

import torch

from autograder.checks.context import CaseContext
from autograder.checks.registry import check_property, experiment
from autograder.checks.rerun import is_dict, plain_number
from autograder.checks.values import kind_of
from autograder.protocol.codec import TensorData


def _indices(value: Any, what: str) -> torch.Tensor | str:
    if isinstance(value, str):
        return f"{what} is {value}"
    if not isinstance(value, TensorData) or value.data.dtype != torch.int64 or value.data.dim() != 1:
        return f"{what} holds no list of indices ({kind_of(value)})"
    return value.data


@check_property(example='prop("sizes", "split_val_test", cases, "split_facts")')
def split_facts(ctx: CaseContext) -> str | None:
    """The case's last step returns the indices of each part (`picture_sets.part_indices`); the
    judge holds (data set size, size of each part): the parts have those sizes (one item more or
    less, from rounding: `random_split` with the fractions [0.8, 1 - 0.8] gives 8,001 and 1,999),
    share no index, and hold every index of the data set once."""
    parts = ctx.actual.result()
    total, *sizes = [int(v) for v in ctx.held.tolist()]
    if not isinstance(parts, list) or len(parts) != len(sizes):
        return f"expected {len(sizes)} Subsets, got {len(parts) if isinstance(parts, list) else kind_of(parts)}"
    names = ["the validation part", "the test part"] if len(sizes) == 2 else [f"part {i}" for i in range(len(sizes))]
    read = []
    for name, part, size in zip(names, parts, sizes):
        indices = _indices(part, name)
        if isinstance(indices, str):
            return indices
        if abs(len(indices) - size) > 1:
            return f"{name} holds {len(indices)} items, expected {size} (of {total})"
        read.append(indices)
    everything = torch.cat(read)
    if len(everything) != total:
        return f"the parts hold {len(everything)} items together; the data set has {total}: every item belongs to one part"
    if len(everything.unique()) != len(everything):
        return "the parts share indices (or a part holds one index twice): each item must land in exactly one part"
    if bool((everything < 0).any() or (everything >= total).any()):
        return f"the parts hold indices outside 0..{total - 1}"
    return None


@check_property(example='prop("reproducible", "split_val_test", cases, "same_seed_same_draw", steps=[2, 4, 6])')
def same_seed_same_draw(ctx: CaseContext, steps: list[int]) -> str | None:
    """The results of `steps` (indices read from three calls: the same seed twice, then another
    seed) show the first two draws equal and the third different."""
    first, again, other = (ctx.actual.result(i) for i in steps)
    for value in (first, again, other):
        if not isinstance(value, list) or not all(isinstance(v, TensorData) for v in value):
            return f"expected the indices of Subsets, got {kind_of(value)}"
    if len(first) != len(again) or not all(torch.equal(a.data, b.data) for a, b in zip(first, again)):
        return "two calls with the same seed gave different items: draw everything from a generator seeded with `seed`"
    if len(first) == len(other) and all(torch.equal(a.data, b.data) for a, b in zip(first, other)):
        return "calls with different seeds gave the same items: the result should change with the seed"
    return None


@check_property(example='prop("stratified", "subsample", cases, "stratified_sample")')
def stratified_sample(ctx: CaseContext) -> str | None:
    """The case's last step returns the indices and labels of the sample
    (`picture_sets.chosen_items`); the judge holds (data set size, then the expected count of
    every class): no index twice, all inside the data set, and those counts per class."""
    chosen = ctx.actual.result()
    total, *expected = [int(v) for v in ctx.held.tolist()]
    if not isinstance(chosen, dict):
        return f"expected the sample's items, got {kind_of(chosen)}"
    indices = _indices(chosen.get("indices"), "the sample")
    if isinstance(indices, str):
        return indices
    labels = chosen.get("labels")
    if not isinstance(labels, TensorData):
        return "the sample's labels could not be read"
    if len(indices.unique()) != len(indices):
        return "the sample holds an item twice; draw without replacement"
    if bool((indices < 0).any() or (indices >= total).any()):
        return f"the sample holds indices outside 0..{total - 1}"
    counts = torch.bincount(labels.data, minlength=len(expected))[: len(expected)].tolist()
    if counts != expected:
        wrong = next(c for c in range(len(expected)) if counts[c] != expected[c])
        return (f"a stratified sample keeps the same fraction of every class: expected {expected[wrong]} items of "
                f"class {wrong}, got {counts[wrong]} (counts per class {counts}, expected {expected})")
    return None


def _curve(value: Any, key: str) -> list[float] | str:
    if not isinstance(value, (list, tuple)) or not value:
        return f"the entry {key!r} should be a non-empty list of numbers, got {kind_of(value)}"
    numbers = []
    for position, item in enumerate(value):
        problem = plain_number(item, f"{key}[{position}]")
        if problem:
            return problem
        numbers.append(float(item))
    return numbers


@experiment(example='rerun("best epochs", "ans_u4_2_q2", "best_epochs_of_curves")')
def best_epochs_of_curves(value: Any, lookups: list) -> str | None:
    """A dict with the validation-loss curves `val_losses_full` and `val_losses_small` (lists of
    finite numbers) and `best_epoch_full`, `best_epoch_small`: for each, the 0-based index of its
    curve's smallest loss (the earliest on ties)."""
    if not is_dict(value) or not isinstance(value, dict):
        return f"expected a dict, got {kind_of(value)}"
    for size in ("full", "small"):
        curve_key, best_key = f"val_losses_{size}", f"best_epoch_{size}"
        for key in (curve_key, best_key):
            if key not in value:
                return f"the dict has no entry {key!r}"
        curve = _curve(value[curve_key], curve_key)
        if isinstance(curve, str):
            return curve
        best = value[best_key]
        if isinstance(best, bool) or not isinstance(best, int):
            return f"{best_key!r} should be an int (a 0-based epoch), got {kind_of(best)}"
        wanted = min(range(len(curve)), key=curve.__getitem__)
        if best != wanted:
            return (f"{best_key!r} is {best}, but the smallest loss of {curve_key!r} ({curve[wanted]:.4g}) is at "
                    f"0-based index {wanted}")
    return None
