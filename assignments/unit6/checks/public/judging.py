"""Unit 6's own judging: properties of a student's results that need no reference, and a
transform. Public: shipped with the release for `autograder check`.

- `outputs_agree`: calls that must give the same output do (a permuted sentence for a model
  that sums its embeddings; one sentence before and after another for an RNN that resets).
- `glove_coverage` and `all_in_glove`: tokens a tokeniser returns, looked up in the course's
  GloVe word list (read where the judge runs, from the data folder).
- `overfits`: a model trained on a few sentences classifies them (almost) all right, and the
  held-out dev sentences clearly worse; the labels stay with the judge.
- `never_below`: bounds a student's function gives are at least the true values the judge
  computed with autograd.
- `one_number`: a one-element tensor read as a Python float.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import torch

from autograder.checks.context import CaseContext
from autograder.checks.registry import check_property, transform
from autograder.checks.rule import Verdict
from autograder.checks.values import Policy, Tolerance, compare, kind_of
from autograder.protocol.codec import TensorData


def _sent(ctx: CaseContext) -> list[int]:
    """The steps whose results came back (not the quiet ones that build things)."""
    return [i for i, outcome in enumerate(ctx.actual.outcomes) if outcome.result is not None]


@check_property(secondary=True, example='prop("order does not matter", "EmbedSumClassify", cases, "outputs_agree")')
def outputs_agree(ctx: CaseContext) -> str | None:
    """Every result the case's steps sent back equals the first, within the float32 tolerance
    (calls that must not differ: a permuted sentence, or the same sentence after another)."""
    sent = _sent(ctx)
    if len(sent) < 2:
        return "the grader could not read two outputs to compare"
    first = ctx.actual.result(sent[0])
    for index in sent[1:]:
        difference = compare(first, ctx.actual.result(index), Tolerance(), Policy())
        if difference:
            return (f"the output for {ctx.step_labels[index]} differs from the output for "
                    f"{ctx.step_labels[sent[0]]}, where both must be the same: {difference}")
    return None


@functools.lru_cache(maxsize=2)
def glove_words(relative: str) -> frozenset[str]:
    """The words of the GloVe file `relative` (to the data folder the judge reads)."""
    from autograder.exercises.data import DataMissing, data_dir

    path = data_dir() / relative
    try:
        with open(path, encoding="utf-8") as handle:
            return frozenset(line.split(" ", 1)[0] for line in handle if line.strip())
    except FileNotFoundError:
        raise DataMissing(f"GloVe is missing: {path}") from None


def _token_lists(ctx: CaseContext) -> list[list[str]] | str:
    lists = []
    for index in _sent(ctx):
        tokens = ctx.actual.result(index)
        if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
            return f"for {ctx.step_labels[index] if ctx.step_labels else 'a sentence'}, expected a list of strings, " \
                   f"got {kind_of(tokens)}"
        lists.append(tokens)
    return lists


@check_property(example='prop("GloVe coverage", "glove_tokenize", raw_sentences, "glove_coverage", '
                        'glove="glove/glove.6B.50d.10k.txt", margin=0.01)')
def glove_coverage(ctx: CaseContext, glove: str, margin: float) -> Verdict | str:
    """The tokens of all the case's sentences are GloVe words at least as often as the
    sentences' own SST-2 tokens are (the judge holds that rate), minus `margin`."""
    lists = _token_lists(ctx)
    if isinstance(lists, str):
        return lists
    words = glove_words(glove)
    tokens = [t for tokens in lists for t in tokens]
    if not tokens:
        return "no tokens came back"
    coverage = sum(t in words for t in tokens) / len(tokens)
    baseline = float(ctx.held.reshape(-1)[0])
    if coverage < baseline - margin:
        return Verdict.fail(f"{coverage:.1%} of your {len(tokens)} tokens are GloVe words, where a GloVe-style "
                            f"tokenisation of these {len(lists)} sentences reaches {baseline:.1%}: lower-case, and "
                            "split off punctuation and clitics as the exercise describes", measured=coverage - baseline)
    return Verdict.pass_(measured=coverage - baseline)


@check_property(example='prop("every token has a vector", "glove_tokenize", [case("It\'s cool")], "all_in_glove", '
                        'glove="glove/glove.6B.50d.10k.txt")')
def all_in_glove(ctx: CaseContext, glove: str) -> str | None:
    """Every token returned is a GloVe word (so every token gets a non-zero vector)."""
    lists = _token_lists(ctx)
    if isinstance(lists, str):
        return lists
    words = glove_words(glove)
    for index, tokens in zip(_sent(ctx), lists):
        if not tokens:
            return "it returned no tokens"
        missing = [t for t in tokens if t not in words]
        if missing:
            return (f"the token {missing[0][:40]!r} is not a GloVe word, so it would get GloVe's all-zero vector "
                    f"(tokens: {[t[:40] for t in tokens][:12]})")
    return None


def _predicted(value: Any, count: int) -> torch.Tensor | str:
    if not isinstance(value, TensorData) or tuple(value.data.shape) != (count, 2) or not value.data.is_floating_point():
        return f"expected log-probabilities of shape ({count}, 2), got {kind_of(value)}"
    if not bool(torch.isfinite(value.data).all()):
        return "the model's outputs contain NaN or inf"
    return value.data.argmax(dim=1)


@check_property(example='prop("it overfits", "train_rnn", cases, "overfits", min_train=0.95, min_gap=0.15)')
def overfits(ctx: CaseContext, min_train: float, min_gap: float) -> Verdict | str:
    """The last two results are the trained model's outputs for its training sentences and for
    held-out sentences; with the labels the judge holds (training first), the training accuracy
    is at least `min_train` and the held-out accuracy at least `min_gap` lower."""
    sent = _sent(ctx)
    if len(sent) < 2:
        return "the grader could not read the model's predictions"
    train_value, test_value = ctx.actual.result(sent[-2]), ctx.actual.result(sent[-1])
    labels = ctx.held.reshape(-1)
    counts = [train_value.data.shape[0] if isinstance(train_value, TensorData) and train_value.data.ndim else 0]
    counts.append(len(labels) - counts[0])
    train, test = _predicted(train_value, counts[0]), _predicted(test_value, counts[1])
    for predicted in (train, test):
        if isinstance(predicted, str):
            return predicted
    train_acc = (train == labels[: counts[0]]).double().mean().item()
    test_acc = (test == labels[counts[0]:]).double().mean().item()
    said = (f"after training, the model classifies {train_acc:.1%} of its {counts[0]} training sentences and "
            f"{test_acc:.1%} of {counts[1]} held-out dev sentences correctly")
    if train_acc < min_train:
        return Verdict.fail(f"{said}; it should fit its training sentences (at least {min_train:.0%})",
                            measured=train_acc - test_acc)
    if train_acc - test_acc < min_gap:
        return Verdict.fail(f"{said}; an overfitted model does at least {min_gap:.0%} worse on held-out sentences",
                            measured=train_acc - test_acc)
    return Verdict.pass_(measured=train_acc - test_acc)


def _number(value: Any) -> float | None:
    if isinstance(value, TensorData) and value.data.numel() == 1 and not value.data.is_complex():
        return float(value.data.reshape(-1)[0])
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


@check_property(secondary=True, example='prop("a true bound", "bptt_bound", cases, "never_below")')
def never_below(ctx: CaseContext) -> str | None:
    """Each result is a number at least the matching value the judge holds (true gradient
    sizes computed with autograd): the bound holds."""
    truth = ctx.held.reshape(-1).tolist()
    for position, index in enumerate(_sent(ctx)):
        bound = _number(ctx.actual.result(index))
        if bound is None or math.isnan(bound):
            return f"for {ctx.step_labels[index]}, expected a number, got {kind_of(ctx.actual.result(index))}"
        if bound < truth[position] * (1 - 1e-9):
            return (f"for {ctx.step_labels[index]}, the bound is {bound:.6g}, but the true |dh_T/dw| of a scalar RNN "
                    f"with that w and T is {truth[position]:.6g}: a bound must never be smaller")
    return None


@transform(example='transforms={"": "one_number"}')
def one_number(value: Any) -> Any:
    """A one-element tensor as the Python float it holds (other values unchanged)."""
    if isinstance(value, TensorData) and value.data.numel() == 1 and value.data.is_floating_point():
        return float(value.data.reshape(-1)[0])
    return value
