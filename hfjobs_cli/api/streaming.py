"""Server-sent events parsed from raw byte chunks, in batches (one batch per chunk read).

Batching lets the log printer write once per chunk instead of once per line, which is what
keeps a million-line log fast. The parser is pure, so it is tested on canned bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from hfjobs_cli.api.models import LogEvent


@dataclass
class SseEvent:
    event: str
    data: str


class SseParser:
    """Incremental SSE parser (WHATWG rules: `\\r\\n`, `\\n` or `\\r` line ends, `:` comments)."""

    def __init__(self) -> None:
        self._buffer = b""
        self._data: list[str] = []
        self._event = ""
        self._pending_cr = False

    def feed(self, chunk: bytes) -> list[SseEvent]:
        if self._pending_cr and chunk.startswith(b"\n"):
            chunk = chunk[1:]  # the \n of a \r\n split across two chunks
        self._pending_cr = chunk.endswith(b"\r")
        if b"\r" in chunk:
            chunk = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        data = self._buffer + chunk
        lines = data.split(b"\n")
        self._buffer = lines.pop()
        events: list[SseEvent] = []
        for raw in lines:
            if not raw:
                if self._data:
                    events.append(SseEvent(self._event or "message", "\n".join(self._data)))
                self._data = []
                self._event = ""
                continue
            if raw[0] == 58:  # b":" comment, e.g. keep-alive
                continue
            name, _, value = raw.partition(b":")
            if value[:1] == b" ":
                value = value[1:]
            if name == b"data":
                self._data.append(value.decode("utf-8", "replace"))
            elif name == b"event":
                self._event = value.decode("utf-8", "replace")
        return events

    def close(self) -> list[SseEvent]:
        """Flush at end of stream: a final event without its blank line still counts."""
        events = self.feed(b"\n\n") if (self._buffer or self._data) else []
        self._buffer = b""
        return events


def iter_sse_batches(chunks: Iterable[bytes]) -> Iterator[list[SseEvent]]:
    parser = SseParser()
    for chunk in chunks:
        events = parser.feed(chunk)
        if events:
            yield events
    tail = parser.close()
    if tail:
        yield tail


def log_event(event: SseEvent) -> LogEvent | None:
    """A log line from an SSE event, or None for anything that is not one."""
    if event.event != "message" or not event.data.startswith("{"):
        return None
    try:
        payload = json.loads(event.data)
    except ValueError:
        return None
    if not isinstance(payload, dict):
        return None
    return LogEvent(str(payload.get("data", "")), str(payload.get("timestamp", "")))


def iter_log_batches(chunks: Iterable[bytes]) -> Iterator[list[LogEvent]]:
    """Batches of log events from the raw bytes of a `/logs` response."""
    for batch in iter_sse_batches(chunks):
        events = [e for e in map(log_event, batch) if e is not None]
        if events:
            yield events
