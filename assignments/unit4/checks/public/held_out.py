"""Unit 4's judging of u4.2.q3: a network trained on classes 0-4 only, scored on held-out
pictures of the classes it saw and of those it never saw. Public: shipped with the release.

The judge holds the labels of the pictures it sent. A network that never saw a class cannot
name it, so its accuracy on classes 5-9 is near 0; but so is that of a network that learnt
nothing (always class 0, say), hence the floor on the classes it did see (the catalogue's
verified note): both must hold.
"""

from __future__ import annotations

import torch

from autograder.checks.context import CaseContext
from autograder.checks.registry import check_property
from autograder.checks.rule import Verdict
from autograder.checks.values import kind_of
from autograder.protocol.codec import TensorData


@check_property(example='prop("unseen classes", "filter_classes", cases, "seen_and_unseen", seen=[0, 1, 2, 3, 4], '
                        'unseen_at_most=0.1, seen_at_least=0.8)')
def seen_and_unseen(ctx: CaseContext, seen: list[int], unseen_at_most: float, seen_at_least: float) -> Verdict | str:
    """The case's last step returns class scores for pictures whose labels the judge holds; the
    accuracy on the pictures of the `seen` classes is at least `seen_at_least`, and on the others
    at most `unseen_at_most`."""
    value = ctx.actual.result()
    labels = ctx.held.reshape(-1)
    if not isinstance(value, TensorData) or value.data.dim() != 2 or len(value.data) != len(labels):
        return f"expected class scores of shape ({len(labels)}, 10), got {kind_of(value)}"
    right = value.data.argmax(dim=1) == labels
    known = torch.isin(labels, torch.tensor(seen))
    on_seen, on_unseen = right[known].double().mean().item(), right[~known].double().mean().item()
    facts = (f"the network trained on the pictures of classes {seen[0]}-{seen[-1]} your filter kept gets "
             f"{on_seen:.1%} of held-out pictures of those classes right and {on_unseen:.1%} of the other classes")
    if on_unseen > unseen_at_most:
        return f"{facts}: it must not know classes it never saw (at most {unseen_at_most:.0%}): did the filter keep other classes?"
    if on_seen < seen_at_least:
        return f"{facts}: it should learn the classes it saw (at least {seen_at_least:.0%}): did the filter keep the right pictures?"
    return Verdict.pass_(measured=on_seen)
