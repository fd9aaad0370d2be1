"""Server-sent events parsed from raw byte chunks, in batches (one batch per chunk read).

Batching lets the log printer write once per chunk instead of once per line, which is what
keeps a million-line log fast. The parser is pure, so it is tested on canned bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from operator import itemgetter

from hfjobs_cli.api.models import LogBatch, LogEvent


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
    return _from_payload(payload)


def _from_payload(payload: object) -> LogEvent | None:
    if not isinstance(payload, dict):
        return None
    return LogEvent(str(payload.get("data", "")), str(payload.get("timestamp", "")))


_UNUSUAL = (b"event:", b"data:{", b"\r")  # what the fast path leaves to the general parser
_DATA, _STAMP = itemgetter("data"), itemgetter("timestamp")


class LogStreamParser(SseParser):
    """The `/logs` stream, fast: one `data: {...}` line is one event (as the Hub sends them).

    A chunk laid out as the Hub sends it (`data: {...}` lines, each followed by a blank line,
    no `\r`) is split in one pass, its JSON payloads are decoded with a single `json.loads`
    of a JSON array, and its lines are kept in two columns (a `LogBatch`). Anything else
    (comments, named events, multi-line data) is first checked for what the fast path cannot
    take, and then takes the general SSE path.
    """

    def feed_logs(self, chunk: bytes) -> LogBatch:
        data = self._buffer + chunk
        if self._data or self._event or self._pending_cr or b"\r" in data:
            return self._general(chunk)
        lines = data.split(b"\n")
        rest = lines.pop()
        payloads = [line[6:] for line in lines if line[:7] == b"data: {"]
        # The Hub's layout: every even line a payload, every odd line blank. Otherwise look
        # for what only the general parser understands (a scan of the whole chunk).
        if len(payloads) * 2 != len(lines) or any(lines[1::2]):
            if any(marker in data for marker in _UNUSUAL):
                return self._general(chunk)
        self._buffer = rest
        if not payloads:
            return LogBatch([], [])
        try:
            decoded = json.loads(b"[" + b",".join(payloads) + b"]")
        except ValueError:  # one bad payload: decode them one by one, skipping it
            decoded = []
            for payload in payloads:
                try:
                    decoded.append(json.loads(payload))
                except ValueError:
                    continue
        try:
            texts, stamps = list(map(_DATA, decoded)), list(map(_STAMP, decoded))
            "".join(texts), "".join(stamps)  # a TypeError unless all are strings (C speed)
        except (KeyError, TypeError):  # an item without both keys, not an object, not a str
            return _loose(decoded)
        return LogBatch(texts, stamps)

    def _general(self, chunk: bytes) -> LogBatch:
        return LogBatch.of(e for e in map(log_event, self.feed(chunk)) if e is not None)


def _loose(decoded: list[object]) -> LogBatch:
    """The lines of payloads that are not all `{"data": str, "timestamp": str}`: objects
    only, a missing or null value read as "", another value as its text."""
    items = [item for item in decoded if isinstance(item, dict)]
    return LogBatch(
        [_text(item.get("data")) for item in items],
        [_text(item.get("timestamp")) for item in items],
    )


def _text(value: object) -> str:
    return value if type(value) is str else ("" if value is None else str(value))


def iter_log_batches(chunks: Iterable[bytes]) -> Iterator[LogBatch]:
    """Batches of log lines from the raw bytes of a `/logs` response."""
    parser = LogStreamParser()
    for chunk in chunks:
        batch = parser.feed_logs(chunk)
        if batch:
            yield batch
    tail = LogBatch.of(e for e in map(log_event, parser.close()) if e is not None)
    if tail:
        yield tail
