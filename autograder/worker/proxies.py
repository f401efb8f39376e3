"""Stand-ins for notebook functions while an exercise is graded again with the course's own
version of an earlier artifact (dependency-isolating credit).

A proxy sends its arguments to the judge, which calls the course's function in its own
process and sends back the result: nothing of that function (code, bytecode, error text)
enters this process. When an argument requires grad, the call becomes one node of the
autograd graph, and the backward pass asks the judge for the input gradients.
"""

from __future__ import annotations

from builtins import all, any, isinstance, len, tuple, zip  # noqa: A004
from contextlib import contextmanager
from typing import Any, Iterator

import torch
from pydantic import TypeAdapter

from autograder.protocol import codec, framing
from autograder.protocol.messages import ProxyCall, ProxyReply

_REPLY = TypeAdapter(ProxyReply)


class ProxyFailed(RuntimeError):
    """The judge gave no result for a proxied call (the reason is the judge's own text)."""


class Channel:
    """How a proxy reaches the judge from the process that runs the checked code."""

    def __init__(self, reader: framing.FrameReader, out_fd: int, nonce: str, deadline: float):
        self.reader = reader
        self.out_fd = out_fd
        self.nonce = nonce
        self.deadline = deadline
        self.calls = 0

    def ask(self, name: str, args: tuple, kwargs: dict, backward_of: int | None = None) -> tuple[ProxyReply, codec.Decoder]:
        encoder = codec.Encoder()
        number = self.calls
        self.calls += 1
        message = ProxyCall(call=number, name=name, args=[encoder.encode(a) for a in args],
                            kwargs={k: encoder.encode(v) for k, v in kwargs.items()},
                            backward_of=backward_of, nonce=self.nonce)
        framing.write_frame(self.out_fd, message, encoder.payload())
        header, payload = self.reader.read(self.deadline)
        reply = framing.parse_message(_REPLY, header)
        if reply.call != number or reply.nonce != self.nonce:
            raise ProxyFailed("the grader's answer did not match the call")
        if reply.error:
            raise ProxyFailed(reply.error)
        return reply, codec.Decoder(codec.load_payload(payload, framing.MAX_PAYLOAD), trusted=True)


@contextmanager
def installed(namespace: dict, names: list[str], channel: Channel) -> Iterator[None]:
    """Replace `names` in the notebook's namespace by proxies for the duration of a case."""
    saved = {name: namespace[name] for name in names if name in namespace}
    for name in names:
        namespace[name] = _proxy(name, channel)
    try:
        yield
    finally:
        for name in names:
            if name in saved:
                namespace[name] = saved[name]
            else:
                namespace.pop(name, None)


def _proxy(name: str, channel: Channel):
    def proxy(*args: Any, **kwargs: Any) -> Any:
        reply, decoder = channel.ask(name, args, kwargs)
        result = decoder.decode(reply.result) if reply.result is not None else None
        if not (torch.is_grad_enabled() and any(isinstance(a, torch.Tensor) and a.requires_grad for a in args)):
            return result
        outputs = result if isinstance(result, tuple) else (result,)
        if not outputs or not all(isinstance(o, torch.Tensor) and o.is_floating_point() for o in outputs):
            return result
        link = _Link(name, channel, reply.call, len(outputs))
        joined = _Remote.apply(link, tuple(outputs), *args)
        return joined if isinstance(result, tuple) else joined[0]

    proxy.__name__ = proxy.__qualname__ = name
    proxy.__doc__ = f"{name} as the course wrote it, computed by the grader"
    return proxy


class _Link:
    """What a proxied call's backward needs: which call it was and how to reach the judge."""

    def __init__(self, name: str, channel: Channel, call: int, outputs: int):
        self.name, self.channel, self.call, self.outputs = name, channel, call, outputs

    def input_grads(self, grads: tuple, count: int) -> list:
        reply, decoder = self.channel.ask(self.name, grads, {}, backward_of=self.call)
        found = [decoder.decode(g) if g is not None else None for g in reply.grads]
        return (found + [None] * count)[:count]


class _Remote(torch.autograd.Function):
    """The judge's result, attached to the inputs so that gradients flow back through it."""

    @staticmethod
    def forward(ctx, link: _Link, outputs: tuple, *args: Any):
        ctx.link, ctx.kinds = link, [isinstance(a, torch.Tensor) for a in args]
        return tuple(o.clone() for o in outputs)

    @staticmethod
    def backward(ctx, *grads: Any):
        zeros = tuple(g if g is not None else torch.zeros(()) for g in grads)
        found = ctx.link.input_grads(zeros, len(ctx.kinds))
        return (None, None, *[g if kind else None for g, kind in zip(found, ctx.kinds)])

