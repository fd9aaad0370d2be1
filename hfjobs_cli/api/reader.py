"""Reading a stream, and waiting for an answer, so that Ctrl-C interrupts at once on every
platform.

On POSIX a signal interrupts a blocked socket read and Python raises KeyboardInterrupt at once.
On Windows it does not: the handler runs only when the read returns, with data or at the read
timeout (75 s for a log stream). So the blocking reads are done by a worker thread, a few
chunks ahead, while the main thread takes the chunks from a queue and, when none is there,
waits in short slices, between which Python runs the Ctrl-C handler. Reading ahead keeps a
long log as fast as reading in place: the main thread rarely waits. The wait for a plain
request's answer (made by a helper thread, api/http.py) is sliced the same way: `wait_for()`.

`read_chunks()` is what the log and metrics readers (api/logs.py, api/metrics.py) read a
stream with: the raw bytes, and how the stream ended (`StreamEnd`).
"""

from __future__ import annotations

import queue
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import requests
import urllib3.exceptions

from hfjobs_cli import clock

CHUNK = 256 * 1024
_READ_ERRORS = (
    urllib3.exceptions.HTTPError,
    requests.exceptions.RequestException,
    socket.timeout,
    OSError,
)
WAKE = 0.2  # seconds between two checks for Ctrl-C while a stream is silent
AHEAD = 4  # chunks the worker may read before the main thread takes them


class StreamReader:
    """`read()` returns the next bytes of `response` (b"" at its end); `close()` after use,
    and close the response only if it returns True."""

    def __init__(self, response: Any, size: int) -> None:
        self._raw = response.raw
        self._size = size
        self._chunks: queue.Queue[tuple[bool, Any]] = queue.Queue(maxsize=AHEAD)
        self._stop = threading.Event()
        self._worker: threading.Thread | None = None
        self._ended = False

    def read(self) -> bytes:
        if self._ended:
            return b""
        if self._worker is None:
            self._worker = threading.Thread(target=self._work, name="hfjobs-stream", daemon=True)
            self._worker.start()
        while True:
            try:
                ok, value = self._chunks.get(timeout=WAKE)
            except queue.Empty:
                continue  # back in Python for a moment: a pending Ctrl-C is raised here
            if not ok:
                self._ended = True
                raise value
            if not value:
                self._ended = True
            return value

    def close(self) -> bool:
        """Stop the worker; True when the response may now be closed.

        A worker still blocked in a read (the main thread was interrupted, or stopped early)
        holds the lock of the response's buffer, which closing the response would wait for:
        the socket is shut down first, which ends that read.
        """
        if self._worker is None:
            return True
        self._stop.set()
        if self._worker.is_alive():
            sock = _socket_of(self._raw)
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            self._worker.join(timeout=2.0)
        return not self._worker.is_alive()

    def _work(self) -> None:
        try:
            while not self._stop.is_set():
                chunk = self._raw.read1(self._size, decode_content=True)
                self._put((True, chunk))
                if not chunk:
                    return
        except BaseException as exc:  # handed to the main thread, which raises it
            self._put((False, exc))

    def _put(self, item: tuple[bool, Any]) -> None:
        while not self._stop.is_set():
            try:
                self._chunks.put(item, timeout=WAKE)
                return
            except queue.Full:
                continue


def _socket_of(raw: Any) -> Any:
    """The socket under a urllib3 response, or None (a test's stand-in, another library)."""
    sock = getattr(getattr(raw, "connection", None), "sock", None)
    return sock if sock is not None and hasattr(sock, "shutdown") else None


def wait_for(event: threading.Event, timeout: float) -> bool:
    """`event.wait(timeout)` in slices of WAKE seconds: a long wait (for a request's answer,
    done by a helper thread) ends at once on Ctrl-C on Windows too, where a single long wait
    would hold the handler until it ends."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return event.is_set()
        if event.wait(min(WAKE, left)):
            return True


class StreamEnd:
    """How the last connection ended: `clean` is False for cuts, resets and read timeouts;
    `timed_out` tells a read timeout (nothing more to read) from a cut."""

    clean = True
    timed_out = False


def read_chunks(
    response: requests.Response,
    ended: StreamEnd,
    *,
    quiet_after: float | None = None,
    job_ended: Callable[[], bool] | None = None,
) -> Iterator[bytes]:
    """The raw bytes of a stream. With `job_ended`: when only keep-alives came for
    `quiet_after` seconds, ask it whether the job is over, and if so end the stream cleanly
    (a failed image pull can leave a stream open forever with nothing but keep-alives)."""
    reader = StreamReader(response, CHUNK)  # Ctrl-C interrupts a silent stream on Windows too
    last_data = clock.monotonic()
    try:
        while True:
            chunk = reader.read()
            if not chunk:
                return
            yield chunk
            if job_ended is None or quiet_after is None:
                continue
            now = clock.monotonic()
            if b"data:" in chunk:
                last_data = now
            elif now - last_data >= quiet_after:
                last_data = now
                if job_ended():
                    return
    except _READ_ERRORS as exc:
        ended.clean = False
        ended.timed_out = _is_timeout(exc)
    finally:
        if reader.close():
            response.close()


def _is_timeout(exc: BaseException) -> bool:
    return isinstance(
        exc,
        urllib3.exceptions.ReadTimeoutError | requests.exceptions.ReadTimeout | TimeoutError,
    )
