"""A fault-injection Jobs API for tests: real sockets, scripted failures, nothing else.

Test-only. It lives under tests/ and nothing in hfjobs_cli imports it or can reach it: the
CLI talks to it only because a test points HF_ENDPOINT at its address.

The server answers a small, honest slice of the Jobs API (whoami, hardware, list/create/get
jobs, logs, cancel, labels) from an in-memory store. Each route has a script: a queue of
actions consumed one per request, after which the honest default answers again. Actions:

    Respond(503, headers={"Retry-After": "2"})    any status, headers and body (raw or JSON)
    Reset()                                        read the request, then RST the connection
    Hangup()                                       read the request, then close with no answer
    Delay(2.0, then=...)                           wait, then answer (default or `then`)
    Apply(then=Respond(500))                       do the real work (create the job ...), then
                                                   answer `then` instead of the real answer
    Redirect("http://elsewhere/x", status=307)     a redirect
    Stream(upto=N, end="cut"|"reset"|"silent"|"keepalive"|"close", partial=True, hold=...)
                                                   the log replay, cut or stalled after N events
    Trickle(every=0.05, then=...)                  the answer (default or `then`), status line
                                                   and headers included, one byte at a time

`server.endless_pages = "same-url" | "new-url" | "other-origin"` makes every page of the job
list carry a `Link: rel="next"` that never ends (the same URL again, a new URL with the same
jobs, or a URL on another host).

Every answer carries `X-Request-Id: req-<n>` and `Connection: close`, so each request uses a
fresh connection and a fault never leaks into the next request through a pooled socket.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from tests.payloads import TOKEN, make_job, whoami

# -- actions ---------------------------------------------------------------------------


@dataclass
class Respond:
    status: int = 200
    body: Any = None  # dict or list: JSON; str or bytes: sent as they are
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = None
    request_id: bool = True  # False: no X-Request-Id header


@dataclass
class Reset:
    """Read the request, then reset the connection (TCP RST): the client sees ECONNRESET."""


@dataclass
class Hangup:
    """Read the request, then close the connection without a word."""


@dataclass
class Delay:
    seconds: float
    then: Any = None  # an action, or None for the default answer


@dataclass
class Apply:
    """Do what the request asks (create the job, cancel it ...), then answer `then` instead."""

    then: Any


@dataclass
class Trickle:
    """The answer (the default one, or `then`), every byte of it sent `every` s apart."""

    every: float = 0.05
    then: Any = None


@dataclass
class Redirect:
    location: str
    status: int = 302


@dataclass
class Stream:
    """The `/logs` replay (the whole log, or its tail), ended in one of several ways.

    upto:     events sent (the `===== Job started` banner is event 0) before the end.
    end:      close (clean end of the chunked body), cut (FIN without the last chunk),
              reset (RST), silent (nothing at all for `hold` s, then `then`),
              keepalive (`: keep-alive` every `every` s for `hold` s, then the rest, then close).
    partial:  with cut/reset: the first half of the next event goes out before the end.
    then:     after a silent hold: "close" (a clean end, as if the log were complete) or "cut".
    """

    upto: int | None = None
    end: str = "close"
    partial: bool = False
    hold: float = 0.0
    every: float = 0.2
    then: str = "close"
    live: list[str] = field(default_factory=list)  # lines written after the replay was sent


# -- the store -------------------------------------------------------------------------

BASE_MS = 1_753_200_000_000  # 2025-07-22T16:00:00Z


def timestamp(index: int) -> str:
    """A distinct, increasing ISO timestamp for log event `index` (10 ms apart)."""
    ms = BASE_MS + index * 10
    secs, milli = divmod(ms, 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(secs)) + f".{milli:03d}Z"


def encode_events(lines: list[str]) -> list[bytes]:
    """SSE events for a log: the banner, then one `data: {...}` event per line."""
    texts = ["===== Job started at 2025-07-22 16:00:00 =====", *lines]
    return [
        b"data: "
        + json.dumps({"data": text, "timestamp": timestamp(i)}, ensure_ascii=False).encode()
        + b"\n\n"
        for i, text in enumerate(texts)
    ]


@dataclass
class FakeJob:
    data: dict[str, Any]
    events: list[bytes]
    stages: list[str]  # one popped per GET of the job; the last one sticks
    final_after_logs: int | None = None  # RUNNING until this many /logs connections, then stages
    live: bool = False  # RUNNING while one of its log streams is open (the Hub ends both together)
    log_connections: int = 0
    open_streams: int = 0

    @property
    def id(self) -> str:
        return self.data["id"]

    def next_stage(self) -> str:
        """The stage a GET of the job reports now (and puts in `data`)."""
        if self.final_after_logs is not None and self.log_connections < self.final_after_logs:
            stage = "RUNNING"
        elif self.live and self.open_streams:
            stage = "RUNNING"
        else:
            stage = self.stages.pop(0) if len(self.stages) > 1 else self.stages[0]
        self.data["status"] = {**self.data["status"], "stage": stage}
        return stage


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    route: str

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


ROUTES = [
    ("whoami", "GET", r"/api/whoami-v2"),
    ("hardware", "GET", r"/api/jobs/hardware"),
    ("list", "GET", r"/api/jobs/(?P<ns>[^/]+)"),
    ("create", "POST", r"/api/jobs/(?P<ns>[^/]+)"),
    ("get", "GET", r"/api/jobs/(?P<ns>[^/]+)/(?P<id>[^/]+)"),
    ("logs", "GET", r"/api/jobs/(?P<ns>[^/]+)/(?P<id>[^/]+)/logs"),
    ("cancel", "POST", r"/api/jobs/(?P<ns>[^/]+)/(?P<id>[^/]+)/cancel"),
    ("duplicate", "POST", r"/api/jobs/(?P<ns>[^/]+)/(?P<id>[^/]+)/duplicate"),
    ("labels", "PUT", r"/api/jobs/(?P<ns>[^/]+)/(?P<id>[^/]+)/labels"),
]
_COMPILED = [(name, method, re.compile(pattern + r"/?")) for name, method, pattern in ROUTES]

HARDWARE = [
    {
        "name": "cpu-basic",
        "prettyName": "CPU basic",
        "cpu": "2 vCPU",
        "ram": "16 GB",
        "accelerator": None,
        "unitCostMicroUSD": 167,
        "unitCostUSD": 0.000167,
        "unitLabel": "minute",
    }
]


def route_of(method: str, path: str) -> tuple[str, dict[str, str]]:
    for name, verb, pattern in _COMPILED:
        match = pattern.fullmatch(path)
        if match and verb == method:
            return name, match.groupdict()
    return f"{method} {path}", {}


class FaultServer:
    """The server and its state; see the module docstring. Use `serve()` or the fixtures."""

    def __init__(self) -> None:
        self.jobs: dict[str, FakeJob] = {}
        self.requests: list[Seen] = []
        self.page_size: int | None = None  # paginate the job list with Link headers
        self.filter_labels = True  # False: the list ignores ?label= (the client must check)
        self.newest_first = True  # False: the list comes oldest first
        self.endless_pages: str | None = None  # see the module docstring
        # What a POST /api/jobs/{ns} creates: its log lines and the stages its GETs return.
        self.create_lines: list[str] = ["hello"]
        self.create_stages: list[str] = ["COMPLETED"]
        self.create_final_after_logs: int | None = None
        self._scripts: dict[str, list[Any]] = {}
        self._forever: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(0xF00D0000)
        self._request_ids = itertools.count(1)
        self.stopping = threading.Event()
        self.arrived = threading.Condition(self._lock)
        handler = type("Handler", (_Handler,), {"fault": self})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.httpd.handle_error = lambda request, address: None  # clients hang up on purpose
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    # -- lifecycle -------------------------------------------------------------------
    def start(self) -> FaultServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)

    # -- scripting -------------------------------------------------------------------
    def script(self, route: str, *actions: Any, forever: bool = False) -> None:
        """Queue actions for a route (one per request); `forever`: the last one never ends."""
        with self._lock:
            if forever:
                *queued, last = actions
                self._scripts.setdefault(route, []).extend(queued)
                self._forever[route] = last
            else:
                self._scripts.setdefault(route, []).extend(actions)

    def _next_action(self, route: str) -> Any:
        with self._lock:
            queue = self._scripts.get(route)
            if queue:
                return queue.pop(0)
            return self._forever.get(route)

    def add_job(
        self,
        *,
        lines: list[str] | None = None,
        stages: list[str] | tuple[str, ...] = ("COMPLETED",),
        final_after_logs: int | None = None,
        live: bool = False,
        labels: dict[str, str] | None = None,
        namespace: str = "alice",
        **fields: Any,
    ) -> FakeJob:
        with self._lock:
            job = self._new_job(lines, stages, final_after_logs, labels, namespace, **fields)
            job.live = live
            return job

    def _new_job(self, lines, stages, final_after_logs, labels, namespace, **fields) -> FakeJob:
        ident = f"{next(self._ids):024x}"
        data = make_job(id=ident, stage=stages[0], labels=dict(labels or {}), **fields)
        data["owner"] = {**data["owner"], "name": namespace}
        job = FakeJob(data, encode_events(list(lines or [])), list(stages), final_after_logs)
        self.jobs[ident] = job
        return job

    # -- what happened ---------------------------------------------------------------
    def seen(self, route: str | None = None) -> list[Seen]:
        with self._lock:
            return [r for r in self.requests if route is None or r.route == route]

    def wait_for(self, route: str, count: int = 1, timeout: float = 20.0) -> None:
        """Block until `count` requests to `route` have arrived (for signals in subprocess tests)."""
        deadline = time.monotonic() + timeout
        with self.arrived:
            while sum(1 for r in self.requests if r.route == route) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {count} request(s) to {route} within {timeout}s")
                self.arrived.wait(left)

    def _record(self, seen: Seen) -> None:
        with self.arrived:
            self.requests.append(seen)
            self.arrived.notify_all()

    def sleep(self, seconds: float) -> bool:
        """Wait, unless the server stops first; True when the full time passed."""
        return not self.stopping.wait(seconds)

    # -- the honest answers ------------------------------------------------------------
    def default(self, route: str, params: dict[str, str], seen: Seen) -> Respond | Stream:
        with self._lock:
            return self._default(route, params, seen)

    def _default(self, route: str, params: dict[str, str], seen: Seen) -> Respond | Stream:
        if route == "whoami":
            return Respond(200, whoami())
        if route == "hardware":
            return Respond(200, HARDWARE)
        if route == "create":
            body = seen.json or {}
            job = self._new_job(
                self.create_lines,
                self.create_stages,
                self.create_final_after_logs,
                body.get("labels") or {},
                params["ns"],
            )
            for key in ("dockerImage", "spaceId", "command", "flavor", "environment"):
                if key in body:
                    job.data[key] = body[key]
            if body.get("secrets"):
                job.data["secrets"] = sorted(body["secrets"])  # names only, as the Hub does
            return Respond(200, job.data)
        if route == "list":
            return self._list(params["ns"], seen)
        job = self.jobs.get(params.get("id", ""))
        if job is None:
            return Respond(404, {"error": "Job not found"})
        if route == "get":
            job.next_stage()
            return Respond(200, job.data)
        if route == "logs":
            return Stream()
        if route == "cancel":
            job.stages = ["CANCELED"]
            job.final_after_logs = None
            job.data["status"] = {"stage": "CANCELED", "message": None}
            return Respond(200, job.data)
        if route == "labels":
            job.data["labels"] = (seen.json or {}).get("labels", {})
            return Respond(200, job.data)
        if route == "duplicate":
            copy = dict(job.data)
            copy["id"] = f"{next(self._ids):024x}"
            self.jobs[copy["id"]] = FakeJob(copy, job.events, ["COMPLETED"])
            return Respond(200, copy)
        return Respond(404, {"error": f"no route {route}"})

    def _list(self, namespace: str, seen: Seen) -> Respond:
        wanted = [v.partition("=") for v in seen.query.get("label", [])]
        stages = set(seen.query.get("stage", []))
        items = [
            job.data
            for job in (reversed if self.newest_first else iter)(list(self.jobs.values()))
            if job.data["owner"]["name"] == namespace
            and (not stages or job.data["status"]["stage"] in stages)
            and (
                not self.filter_labels or all(job.data["labels"].get(k) == v for k, _, v in wanted)
            )
        ]
        if self.endless_pages:
            page = int(seen.query.get("page", ["0"])[0])
            base = "http://elsewhere.test" if self.endless_pages == "other-origin" else self.url
            following = page if self.endless_pages == "same-url" else page + 1
            link = f'<{base}{seen.path}?page={following}>; rel="next"'
            return Respond(200, items, headers={"Link": link})
        if not self.page_size:
            return Respond(200, items)
        page = int(seen.query.get("page", ["0"])[0])
        size = self.page_size
        headers = {}
        if (page + 1) * size < len(items):
            query = {k: v for k, v in seen.query.items() if k != "page"}
            query["page"] = [str(page + 1)]
            link = f"{self.url}{seen.path}?{urlencode(query, doseq=True)}"
            headers["Link"] = f'<{link}>; rel="next"'
        return Respond(200, items[page * size : (page + 1) * size], headers=headers)


class _Handler(BaseHTTPRequestHandler):
    fault: FaultServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_GET

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        route, params = route_of(self.command, parts.path)
        seen = Seen(
            self.command,
            parts.path,
            parse_qs(parts.query, keep_blank_values=True),
            {k.lower(): v for k, v in self.headers.items()},
            body,
            route,
        )
        self.fault._record(seen)
        self.close_connection = True
        self.request_id = f"req-{next(self.fault._request_ids)}"
        with contextlib.suppress(OSError):
            self._perform(self.fault._next_action(route), route, params, seen)

    # -- actions ---------------------------------------------------------------------
    def _perform(self, action: Any, route: str, params: dict[str, str], seen: Seen) -> None:
        if action is None:
            action = self.fault.default(route, params, seen)
        if isinstance(action, Apply):
            self.fault.default(route, params, seen)
            action = action.then
        if isinstance(action, Delay):
            if not self.fault.sleep(action.seconds):
                return
            return self._perform(action.then, route, params, seen)
        if isinstance(action, Respond):
            return self._respond(action)
        if isinstance(action, Redirect):
            return self._respond(Respond(action.status, b"", {"Location": action.location}))
        if isinstance(action, Reset):
            return self._reset()
        if isinstance(action, Hangup):
            return self.connection.shutdown(socket.SHUT_RDWR)
        if isinstance(action, Stream):
            return self._stream(action, params, seen)
        if isinstance(action, Trickle):
            return self._trickle(action, route, params, seen)
        raise TypeError(f"unknown action {action!r}")

    def _respond(self, answer: Respond) -> None:
        body = answer.body
        ctype = answer.content_type
        if isinstance(body, dict | list):
            data = json.dumps(body).encode()
            ctype = ctype or "application/json"
        elif isinstance(body, str):
            data = body.encode()
            ctype = ctype or "text/plain; charset=utf-8"
        else:
            data = body or b""
        self.send_response(answer.status)
        if ctype:
            self.send_header("Content-Type", ctype)
        if answer.request_id and "X-Request-Id" not in answer.headers:
            self.send_header("X-Request-Id", self.request_id)
        for key, value in answer.headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _trickle(self, plan: Trickle, route: str, params: dict[str, str], seen: Seen) -> None:
        answer = plan.then or self.fault.default(route, params, seen)
        real = self.wfile
        buffer = __import__("io").BytesIO()
        self.wfile = buffer  # type: ignore[assignment]
        try:
            self._respond(answer)
            self.flush_headers()
        finally:
            self.wfile = real
        for byte in buffer.getvalue():
            if not self.fault.sleep(plan.every):
                return
            real.write(bytes([byte]))
            real.flush()

    def _reset(self) -> None:
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()

    def _chunk(self, data: bytes) -> None:
        if data:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def _stream(self, plan: Stream, params: dict[str, str], seen: Seen) -> None:
        with self.fault._lock:
            job = self.fault.jobs.get(params.get("id", ""))
            if job is not None:
                job.log_connections += 1
                job.open_streams += 1
        if job is None:
            return self._respond(Respond(404, {"error": "Job not found"}))
        try:
            ended = self._stream_events(plan, job, seen)
        finally:
            with self.fault._lock:
                job.open_streams -= 1
        if ended:  # after open_streams dropped: a client that saw the end sees the job over
            self.wfile.write(b"0\r\n\r\n")

    def _stream_events(self, plan: Stream, job: FakeJob, seen: Seen) -> bool:
        """Send the replay as `plan` says; True when the body should end cleanly."""
        events = job.events
        tail = seen.query.get("tail")
        if tail:
            events = events[-int(tail[0]) :] if int(tail[0]) else []
        upto = len(events) if plan.upto is None else min(plan.upto, len(events))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Request-Id", self.request_id)
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Connection", "close")
        self.end_headers()
        for start in range(0, upto, 2000):  # many events per write: 100,000 lines stay fast
            self._chunk(b"".join(events[start : min(start + 2000, upto)]))
        if plan.end in ("cut", "reset"):
            if plan.partial and upto < len(events):
                self._chunk(events[upto][: len(events[upto]) // 2])
            if plan.end == "reset":
                self._reset()
            return False  # a cut: FIN without the final zero-length chunk
        if plan.end == "silent":
            return self.fault.sleep(plan.hold) and plan.then == "close"
        if plan.end == "keepalive":
            deadline = time.monotonic() + plan.hold
            while time.monotonic() < deadline:
                if not self.fault.sleep(plan.every):
                    return False
                self._chunk(b": keep-alive\n\n")
            self._chunk(b"".join(events[upto:]))
        if plan.live:
            start = len(job.events)
            extra = encode_events(["x"] * (start - 1) + plan.live)[start:]
            self._chunk(b"".join(extra))
        return True


# -- fixtures and helpers ----------------------------------------------------------------


@contextlib.contextmanager
def serve() -> Iterator[FaultServer]:
    server = FaultServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fault_server() -> Iterator[FaultServer]:
    with serve() as server:
        yield server


@pytest.fixture
def hub(fault_server: FaultServer, monkeypatch: pytest.MonkeyPatch) -> FaultServer:
    """The fault server as the configured endpoint, with the test token set."""
    monkeypatch.setenv("HF_ENDPOINT", fault_server.url)
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    return fault_server


def log_lines(count: int) -> list[str]:
    """A log of `count` lines with repeats, empty lines, tabs, `\\r` and non-ASCII text."""
    specials = ["", "same", "same", "tab\there", "progress 10%\rprogress 90%", "héllo ✓ 日本"]
    return [specials[i % 997] if i % 997 < len(specials) else f"line {i}" for i in range(count)]


HFJOBS = str(Path(sys.executable).parent / "hfjobs")


def child_env(server: FaultServer, **knobs: str) -> dict[str, str]:
    """The environment of an `hfjobs` subprocess pointed at `server` (with small knobs)."""
    return {**os.environ, "HF_ENDPOINT": server.url, "HF_TOKEN": TOKEN, **knobs}


def spawn(args: list[str], env: dict[str, str], **kwargs: Any) -> subprocess.Popen:
    """`hfjobs ARGS` as a child whose SIGINT is the default one (a background shell ignores
    it, and a child that ignores SIGINT would make every Ctrl-C test pass)."""
    return subprocess.Popen(
        [HFJOBS, *args],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=kwargs.pop("stdout", subprocess.PIPE),
        stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        **kwargs,
    )


def finish(proc: subprocess.Popen, timeout: float = 30.0) -> tuple[int, str, str]:
    """Wait for a child (killing it and failing the test past `timeout`): code, out, err."""
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        raise AssertionError(
            f"hfjobs did not end within {timeout}s; stderr: {err.decode(errors='replace')}"
        ) from None
    return proc.returncode, out.decode(errors="replace"), err.decode(errors="replace")
