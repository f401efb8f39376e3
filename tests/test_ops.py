"""The operation tracer: a hand-written convolution must not call the library's, by any route,
and an honest loop (or vectorised slicing) is never flagged."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from autograder.exercises import spec as S
from test_rules import grade, verdict

FORBID = ["convolution", "im2col", "unfold"]


def loop_conv(x, k):
    """An honest convolution: a loop over output positions, products and sums."""
    out_h, out_w = x.shape[0] - k.shape[0] + 1, x.shape[1] - k.shape[1] + 1
    out = torch.empty(out_h, out_w, dtype=x.dtype)
    for i in range(out_h):
        for j in range(out_w):
            out[i, j] = (x[i:i + k.shape[0], j:j + k.shape[1]] * k).sum()
    return out


def sliced_conv(x, k):
    """Honest and vectorised: one shifted slice per kernel entry."""
    out_h, out_w = x.shape[0] - k.shape[0] + 1, x.shape[1] - k.shape[1] + 1
    return sum(k[a, b] * x[a:a + out_h, b:b + out_w] for a in range(k.shape[0]) for b in range(k.shape[1]))


def library(x, k):
    return F.conv2d(x[None, None], k[None, None])[0, 0]


conv = F.conv2d  # an alias


def aliased(x, k):
    return conv(x[None, None], k[None, None])[0, 0]


def by_getattr(x, k):
    return getattr(F, "con" + "v2d")(x[None, None], k[None, None])[0, 0]


def by_aten(x, k):
    return torch.ops.aten.convolution(x[None, None], k[None, None], None, [1, 1], [0, 0], [1, 1], False, [0, 0],
                                      1)[0, 0]


def by_module(x, k):
    layer = torch.nn.Conv2d(1, 1, k.shape, bias=False)
    with torch.no_grad():
        layer.weight.copy_(k[None, None])
    return layer(x[None, None])[0, 0]


def by_tensor_unfold(x, k):
    windows = x.unfold(0, k.shape[0], 1).unfold(1, k.shape[1], 1)
    return (windows * k).sum(dim=(-1, -2))


def by_f_unfold(x, k):
    columns = F.unfold(x[None, None], k.shape)
    return (k.reshape(1, -1) @ columns[0]).reshape(x.shape[0] - k.shape[0] + 1, -1)


CHECK = S.ops("no library convolution", "conv", [S.case(torch.randn(6, 7), torch.randn(3, 2))], forbid=FORBID,
              reason="compute the sums yourself")


@pytest.mark.parametrize("honest", [loop_conv, sliced_conv])
def test_an_honest_convolution_is_not_flagged(honest):
    assert torch.allclose(honest(torch.ones(4, 4), torch.ones(2, 2)), library(torch.ones(4, 4), torch.ones(2, 2)))
    assert grade(CHECK, None, {"conv": honest}) is None


@pytest.mark.parametrize(("route", "op"), [
    (library, "aten.convolution"), (aliased, "aten.convolution"), (by_getattr, "aten.convolution"),
    (by_aten, "aten.convolution"), (by_module, "aten.convolution"), (by_tensor_unfold, "aten.unfold"),
    (by_f_unfold, "aten.im2col"),
])
def test_each_route_to_the_library_is_caught(route, op):
    outcome = verdict(CHECK, None, {"conv": route})
    assert outcome.status == "failed"
    assert f"it calls the operation {op}, which this exercise asks you not to use (compute the sums yourself)" \
        in outcome.message


def test_calls_of_a_notebook_name_are_counted_during_the_call():
    """How often a decoder calls the student's attention function: counted by name, and the
    notebook's function is restored afterwards."""
    from autograder.probes.run import Prober
    from autograder.protocol.messages import Observe, Step

    def attention(q):
        return q * 2

    def decode(steps):
        return [namespace["attention"](i) for i in range(steps)]

    namespace = {"attention": attention, "decode": decode}
    from autograder.protocol import values as V

    step = Step(target="decode", args=[V.IntV(v=5)], observe=Observe(count_calls=["attention"]))
    outcomes, _ = Prober(namespace).run_case([step], 1, {})
    assert outcomes[0].calls == {"attention": 5}
    assert namespace["attention"] is attention


# --- vectorisation judged by the operations dispatched -------------------------------------------

def batch_gradients(X, W):
    """Vectorised: a dict comprehension over two names, tensor operations over the batch."""
    grads = {"W": X.T @ (X @ W), "X": (X @ W) @ W.T}
    return {name: value / len(X) for name, value in grads.items()}


def looped_gradients(X, W):
    total = torch.zeros_like(W)
    for x in X:
        total += torch.outer(x, x @ W)
    return {"W": total / len(X)}


def batches(d):
    W = d.randn(5, 3)
    return [S.sequence(S.call(d.randn(4, 5), W), S.call(d.randn(64, 5), W), label="batches of 4 and 64")]


VECTORISED = S.vectorised("no loop over the batch", "grads", batches)


def test_a_loop_over_a_few_names_is_not_a_loop_over_the_batch():
    assert grade(VECTORISED, None, {"grads": batch_gradients}) is None


def test_a_loop_over_the_samples_is_caught_whatever_the_machine_load():
    message = grade(VECTORISED, None, {"grads": looped_gradients})
    assert "the number of operations it runs grows with the batch" in message and "loops over the samples" in message
