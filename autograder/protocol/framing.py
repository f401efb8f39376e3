"""Length-prefixed frames on a pipe: `AGF1`, header length, payload length, header, payload.

The header is a JSON message (a pydantic model); the payload holds the message's tensors
as safetensors bytes. Both lengths are checked against caps before anything is read, so a
hostile or broken peer can neither make the reader allocate without bound nor block it
past its deadline.
"""

from __future__ import annotations

from builtins import bytes, len, max, memoryview, min  # noqa: A004
import os
import select
import struct
import time

from pydantic import BaseModel, TypeAdapter, ValidationError

MAGIC = b"AGF1"
_PREFIX = struct.Struct(">4sIQ")
MAX_HEADER = 16 * 2**20
MAX_PAYLOAD = 512 * 2**20


class ProtocolError(Exception):
    """The peer sent something that is not a valid frame or message."""


class PeerClosed(ProtocolError):
    """The peer's end of the pipe is closed (it exited or closed the channel)."""


class Timeout(Exception):
    """No complete frame arrived before the deadline."""


def encode_frame(message: BaseModel, payload: bytes = b"") -> bytes:
    header = message.model_dump_json().encode()
    return _PREFIX.pack(MAGIC, len(header), len(payload)) + header + payload


def raw_frame(header: bytes, payload: bytes = b"") -> bytes:
    """A frame around an already encoded header (for passing a message on unchanged)."""
    return _PREFIX.pack(MAGIC, len(header), len(payload)) + header + payload


def write_frame(fd: int, message: BaseModel, payload: bytes = b"") -> None:
    write_all(fd, encode_frame(message, payload))


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        try:
            written = os.write(fd, view)
        except (BrokenPipeError, ConnectionResetError):
            raise PeerClosed("the other side closed the channel") from None
        view = view[written:]


class FrameReader:
    """Reads whole frames from a file descriptor, with deadlines and size caps."""

    def __init__(self, fd: int, max_header: int = MAX_HEADER, max_payload: int = MAX_PAYLOAD):
        self.fd = fd
        self.max_header = max_header
        self.max_payload = max_payload
        self._buffer = bytearray()

    def read(self, deadline: float | None = None) -> tuple[bytes, bytes]:
        """Return (header bytes, payload bytes) of the next frame."""
        prefix = self._take(_PREFIX.size, deadline)
        magic, header_len, payload_len = _PREFIX.unpack(prefix)
        if magic != MAGIC:
            raise ProtocolError("the channel carried bytes that are not a frame")
        if header_len > self.max_header or payload_len > self.max_payload:
            raise ProtocolError(f"a frame of {header_len + payload_len} bytes is over the limit")
        header = self._take(header_len, deadline)
        payload = self._take(payload_len, deadline)
        return header, payload

    def _take(self, n: int, deadline: float | None) -> bytes:
        while len(self._buffer) < n:
            self._fill(deadline, n - len(self._buffer))
        out = bytes(self._buffer[:n])
        del self._buffer[:n]
        return out

    def _fill(self, deadline: float | None, wanted: int) -> None:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise Timeout()
            ready, _, _ = select.select([self.fd], [], [], remaining)
            if not ready:
                raise Timeout()
        try:
            chunk = os.read(self.fd, max(65536, min(wanted, 16 * 2**20)))
        except ConnectionResetError:  # a container's socket, reset as the container died
            chunk = b""
        if not chunk:
            raise PeerClosed("the other side closed the channel")
        self._buffer += chunk


def parse_message(adapter: TypeAdapter, header: bytes):
    try:
        return adapter.validate_json(header)
    except ValidationError as exc:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise ProtocolError(f"invalid message ({where}: {first.get('msg', 'malformed')})") from None
    except (ValueError, RecursionError):
        raise ProtocolError("invalid message (not JSON)") from None
