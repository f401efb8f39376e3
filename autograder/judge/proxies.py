"""The judge's side of dependency-isolating credit: answer a case's proxy calls with the
course's own functions.

When an exercise's code calls an earlier artifact that lost points (a training loop that
uses the student's cost function), the exercise's failed checks are run again with that
name replaced in the worker by a proxy (worker/proxies.py). Each call arrives here as
inert data; the reference function runs in this process and only its result (tensors,
numbers) goes back. Its code never travels, and when it fails the worker gets a fixed
sentence, never the reference's error text. Backward calls recompute the function with
autograd and return the input gradients for the worker's upstream gradients.
"""

from __future__ import annotations

import contextlib
import io
from collections import OrderedDict
from typing import Any, Callable

import torch

from autograder.protocol import codec
from autograder.protocol.messages import ProxyCall, ProxyReply

MAX_CALLS = 200_000  # per case: a loop of proxied calls cannot keep the judge busy forever
KEPT_CALLS = 64      # calls whose inputs are kept for a backward pass


class ProxyServer:
    def __init__(self, functions: dict[str, Callable[..., Any]], run: Callable[[Callable[[], Any]], Any] | None = None):
        """`functions`: the proxied names and the reference's callables; `run` wraps each
        call (the reference's lock and thread settings)."""
        self.functions = functions
        self.run = run or (lambda thunk: thunk())
        self.calls = 0
        self._kept: OrderedDict[int, tuple[str, tuple, dict]] = OrderedDict()

    @property
    def names(self) -> list[str]:
        return sorted(self.functions)

    def answer(self, call: ProxyCall, payload: bytes) -> tuple[ProxyReply, bytes]:
        self.calls += 1
        if self.calls > MAX_CALLS:
            return self._refuse(call, f"more than {MAX_CALLS} calls of the course's functions in one check")
        if call.name not in self.functions:
            return self._refuse(call, f"{call.name} is not a function the grader stands in for")
        try:
            tensors = codec.load_payload(payload, 512 * 2**20)
            decoder = codec.Decoder(tensors, trusted=False)
            args = tuple(_live(decoder.decode(a)) for a in call.args)
            kwargs = {k: _live(decoder.decode(v)) for k, v in call.kwargs.items()}
        except (codec.DecodeError, ValueError):
            return self._refuse(call, f"the arguments of {call.name} could not be read")
        if call.backward_of is not None:
            return self._backward(call, args)
        try:
            result = self.run(lambda: _quietly(self.functions[call.name], args, kwargs))
        except Exception:  # noqa: BLE001 - the reference's error text must not reach the worker
            return self._refuse(call, f"the course's {call.name} could not be computed for these arguments")
        self._keep(call.call, call.name, args, kwargs)
        encoder = codec.Encoder()
        return ProxyReply(call=call.call, result=encoder.encode(_detached(result)), nonce=call.nonce), encoder.payload()

    def _backward(self, call: ProxyCall, upstream: tuple) -> tuple[ProxyReply, bytes]:
        kept = self._kept.pop(call.backward_of, None)
        if kept is None or kept[0] != call.name:
            return self._refuse(call, f"the gradient of {call.name} was asked for a call the grader no longer holds")
        name, args, kwargs = kept
        try:
            grads = self.run(lambda: _input_grads(self.functions[name], args, kwargs, upstream))
        except Exception:  # noqa: BLE001
            return self._refuse(call, f"the gradient of the course's {name} could not be computed for these arguments")
        encoder = codec.Encoder()
        encoded = [encoder.encode(g) if g is not None else None for g in grads]
        return ProxyReply(call=call.call, grads=encoded, nonce=call.nonce), encoder.payload()

    def _keep(self, number: int, name: str, args: tuple, kwargs: dict) -> None:
        if any(isinstance(a, torch.Tensor) and a.is_floating_point() for a in args):
            self._kept[number] = (name, args, kwargs)
            while len(self._kept) > KEPT_CALLS:
                self._kept.popitem(last=False)

    @staticmethod
    def _refuse(call: ProxyCall, why: str) -> tuple[ProxyReply, bytes]:
        return ProxyReply(call=call.call, error=why, nonce=call.nonce), codec.Encoder().payload()


def _live(value: Any) -> Any:
    """Inert worker data as ordinary values the reference can take."""
    if isinstance(value, codec.TensorData):
        if value.is_numpy:
            return value.data.clone().numpy()
        return value.data.clone()
    if isinstance(value, (codec.Opaque, codec.Handle)):
        raise ValueError("an object the grader cannot rebuild")
    if isinstance(value, list):
        return [_live(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_live(v) for v in value)
    if isinstance(value, dict):
        return {k: _live(v) for k, v in value.items()}
    return value


def _detached(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return value.detach()
    if isinstance(value, (list, tuple)):
        return type(value)(_detached(v) for v in value)
    return value


def _quietly(function: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
    with contextlib.redirect_stdout(io.StringIO()):
        return function(*args, **kwargs)


def _input_grads(function: Callable[..., Any], args: tuple, kwargs: dict, upstream: tuple) -> list:
    leaves = [a.detach().clone().requires_grad_(True) if isinstance(a, torch.Tensor) and a.is_floating_point() else a
              for a in args]
    with contextlib.redirect_stdout(io.StringIO()), torch.enable_grad():
        result = function(*leaves, **kwargs)
    outputs = list(result) if isinstance(result, (tuple, list)) else [result]
    pairs = [(o, g) for o, g in zip(outputs, upstream) if isinstance(o, torch.Tensor) and o.requires_grad]
    wanted = [leaf for leaf in leaves if isinstance(leaf, torch.Tensor) and leaf.requires_grad]
    if not pairs or not wanted:
        return [None] * len(args)
    found = iter(torch.autograd.grad([o for o, _ in pairs], wanted,
                                     [g.to(o.dtype).expand_as(o) for o, g in pairs], allow_unused=True))
    return [next(found) if isinstance(leaf, torch.Tensor) and leaf.requires_grad else None for leaf in leaves]
