"""Frames between Node and a worker, on file descriptors 3 (Node -> worker) and 4 (worker -> Node).

A frame is: 4 bytes big-endian header length, 4 bytes big-endian body length, the header (UTF-8 JSON), the
body (raw bytes). stdout and stderr stay free for the script's own prints and logging.
"""
import json
import struct

_LENGTHS = struct.Struct(">II")


class Channel:
    def __init__(self, reader, writer):
        self._reader = reader
        self._writer = writer

    def _read_exactly(self, n):
        chunks = []
        while n > 0:
            chunk = self._reader.read(n)
            if not chunk:
                return None
            chunks.append(chunk)
            n -= len(chunk)
        return b"".join(chunks)

    def receive(self):
        """The next (header dict, body bytes), or None when Node closed the pipe."""
        lengths = self._read_exactly(_LENGTHS.size)
        if lengths is None:
            return None
        header_len, body_len = _LENGTHS.unpack(lengths)
        header = self._read_exactly(header_len) if header_len else b""
        body = self._read_exactly(body_len) if body_len else b""
        if header is None or body is None:
            return None
        return json.loads(header.decode("utf-8")), body

    def send(self, header, body=b""):
        try:
            data = json.dumps(header, allow_nan=False, default=str).encode("utf-8")
        except ValueError:  # NaN or infinity in a sample: Node's JSON.parse would refuse them
            data = json.dumps(_finite(header), allow_nan=False, default=str).encode("utf-8")
        # A signal (the scoring timeout's alarm may fire between runs) can cut a pipe write short once part of it
        # is out; the rest must follow, or Node would read the frames out of step.
        view = memoryview(_LENGTHS.pack(len(data), len(body)) + data + body)
        while view:
            written = self._writer.write(view)
            view = view[written if written is not None else 0 :]
        self._writer.flush()


def _finite(value):
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value
