"""Job logs: one append-only file per job, already in the SSE wire format, streamed from disk.

Each log line is stored as the exact event the client receives,
`data: {"data":"<line>","timestamp":"<iso>"}` followed by a blank line, so replaying a log is a
byte copy in large blocks and `tail` is a backwards scan for blank lines. JSON escapes every
newline, so a blank line (`\\n\\n`) only ever ends an event. Readers never hold more than one block
in memory, whatever the size of the log, and never read past the writer's last complete event.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from pathlib import Path

from hfjobs_cli.emulator.util import IsoClock

BLOCK = 256 * 1024
MAX_LINE = 1024 * 1024  # a "line" longer than this is cut, so a job cannot grow our memory
KEEPALIVE = b": keep-alive\n\n"

_clock = IsoClock()
_write = os.write  # one place for tests to make the disk full


def encode_event(text: str, timestamp: str) -> str:
    return f'data: {{"data":{encode_basestring(text)},"timestamp":"{timestamp}"}}\n\n'


class JobLog:
    """The log of one job: appended by its runner, followed by any number of readers."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        self.size = os.fstat(self._fd).st_size
        self.closed = False
        self.cond = threading.Condition()
        self.error: OSError | None = None  # why the log could not be written (a full disk)
        self.on_error: Callable[[OSError], None] | None = None

    def append(self, lines: list[str]) -> None:
        """Append lines (without their newline), timestamped now, and wake the readers.

        A failed write (ENOSPC...) is kept in `error` and reported once to `on_error`; later
        lines are dropped, so the pipes keep draining and the job never blocks on them.
        """
        if not lines:
            return
        _, ts = _clock.now()
        data = "".join(encode_event(line, ts) for line in lines).encode("utf-8")
        with self.cond:
            if self.closed or self.error is not None:
                return
            view = memoryview(data)
            try:
                while view:
                    written = _write(self._fd, view)
                    view = view[written:]
            except OSError as exc:
                self.error = exc
                if len(view) < len(data):  # never leave half an event: readers would stall on it
                    with contextlib.suppress(OSError):
                        os.ftruncate(self._fd, self.size)
            else:
                self.size += len(data)
            self.cond.notify_all()
        if self.error is not None and self.on_error is not None:
            self.on_error(self.error)

    def append_raw(self, lines: list[bytes]) -> None:
        self.append([line.decode("utf-8", errors="replace") for line in lines])

    def close(self) -> None:
        with self.cond:
            if not self.closed:
                self.closed = True
                os.close(self._fd)
            self.cond.notify_all()


def _cut(lines: list[bytes]) -> list[bytes]:
    if all(len(line) <= MAX_LINE for line in lines):
        return lines
    return [line[i : i + MAX_LINE] for line in lines for i in range(0, max(len(line), 1), MAX_LINE)]


def pump(stream_fd: int, log: JobLog) -> None:
    """Copy a pipe into the log line by line, one batch per read so a busy job costs few writes."""
    pending = b""
    while True:
        try:
            chunk = os.read(stream_fd, 65536)
        except OSError:
            chunk = b""
        if not chunk:
            break
        pending += chunk
        if b"\n" in chunk:
            *lines, pending = pending.split(b"\n")
            log.append_raw(_cut(lines))
        if len(pending) > MAX_LINE:
            log.append_raw(_cut([pending]))
            pending = b""
    if pending:
        log.append_raw(_cut([pending]))


def tail_offset(fd: int, size: int, n: int) -> int:
    """The byte offset where the last `n` events of a log of `size` bytes begin."""
    if n <= 0:
        return size
    need = n + 1  # the blank line ending the last event marks `size` itself
    pos, end = size, size
    while pos > 0:
        lo = max(0, pos - BLOCK)
        block = os.pread(fd, end - lo, lo)
        search_end = len(block)
        while (i := block.rfind(b"\n\n", 0, search_end)) >= 0:
            need -= 1
            if need == 0:
                return lo + i + 2
            search_end = i
        pos, end = lo, min(size, lo + 1)  # keep one byte: a blank line may straddle two blocks
    return 0


class ClosedLog:
    """A finished job's log, read straight from its file (after a restart, or once closed)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.size = path.stat().st_size if path.exists() else 0
        self.closed = True
        self.cond = threading.Condition()


def stream(
    log: JobLog | ClosedLog, tail: int | None, keepalive: float, stopping: threading.Event
) -> Iterator[bytes]:
    """Yield the SSE body: the history (or its last `tail` events), then live events until closed."""
    if not log.path.exists():
        return
    fd = os.open(log.path, os.O_RDONLY)
    try:
        with log.cond:
            size = log.size
        offset = tail_offset(fd, size, tail) if tail is not None else 0
        last_sent = time.monotonic()
        while True:
            with log.cond:
                if log.size <= offset and not log.closed and not stopping.is_set():
                    log.cond.wait(timeout=max(0.05, keepalive - (time.monotonic() - last_sent)))
                size, closed = log.size, log.closed
            if size > offset:
                while offset < size:
                    data = os.pread(fd, min(BLOCK, size - offset), offset)
                    if not data:
                        return
                    offset += len(data)
                    yield data
                last_sent = time.monotonic()
            elif closed or stopping.is_set():
                return
            elif time.monotonic() - last_sent >= keepalive:
                yield KEEPALIVE
                last_sent = time.monotonic()
    finally:
        os.close(fd)


class LogHub:
    """The open logs of active jobs, by job id, plus the files of every job."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._open: dict[str, JobLog] = {}
        self._lock = threading.Lock()

    def path(self, job_id: str) -> Path:
        return self.folder / f"{job_id}.log"

    def open(self, job_id: str) -> JobLog:
        with self._lock:
            log = self._open.get(job_id)
            if log is None:
                log = self._open[job_id] = JobLog(self.path(job_id))
            return log

    def get(self, job_id: str) -> JobLog | ClosedLog:
        with self._lock:
            log = self._open.get(job_id)
        return log if log is not None else ClosedLog(self.path(job_id))

    def close(self, job_id: str) -> None:
        with self._lock:
            log = self._open.pop(job_id, None)
        if log is not None:
            log.close()
