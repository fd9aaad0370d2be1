"""The HTTP layer: a threading HTTP/1.1 server, token auth, routing, JSON errors, SSE streams."""

from __future__ import annotations

import contextlib
import hmac
import ipaddress
import socket
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from hfjobs_cli.emulator import pages, routes_jobs, routes_scheduled, routes_webhooks
from hfjobs_cli.emulator.errors import ApiError
from hfjobs_cli.emulator.routing import Handler, Page, Request, Response, Route, Stream
from hfjobs_cli.emulator.state import Emulator
from hfjobs_cli.emulator.util import dumps, new_id

MAX_BODY = 10 * 1024 * 1024


def header_value(text: str) -> str:
    """Text fit for an HTTP header: one line, Latin-1 only (other characters as `\\uXXXX`)."""
    one_line = " ".join(str(text).splitlines())
    return one_line.encode("latin-1", "backslashreplace").decode("latin-1")


def _routes() -> list[Route]:
    return [*routes_jobs.ROUTES, *routes_scheduled.ROUTES, *routes_webhooks.ROUTES, *pages.ROUTES]


class EmulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], app: Emulator, quiet: bool = False) -> None:
        host = address[0]
        try:
            if ipaddress.ip_address(host).version == 6:
                self.address_family = socket.AF_INET6
        except ValueError:
            pass
        self.app = app
        self.quiet = quiet
        self.routes = _routes()
        super().__init__(address, EmulatorHandler)

    @property
    def url(self) -> str:
        host, port = str(self.server_address[0]), self.server_address[1]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}"


class EmulatorHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "hfjobs-emulator"
    server: EmulatorServer

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes: without TCP_NODELAY, Nagle's algorithm
        # and the client's delayed ACK add about 40 ms to every answer.
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if not self.server.quiet:
            super().log_request(code, size)

    def log_message(self, format: str, *args: Any) -> None:
        sys.stderr.write(
            f"{self.address_string()} - [{self.log_date_time_string()}] {format % args}\n"
        )

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            parts: list[bytes] = []
            total = 0
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(parts)
                total += size
                if total > MAX_BODY:
                    raise ApiError("Request body too large", status=413)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise ApiError("Request body too large", status=413)
        return self.rfile.read(length) if length > 0 else b""

    def _handle(self, method: str) -> None:
        request_id = new_id()
        try:
            try:
                body = self._read_body()
            except ValueError:
                self.close_connection = True
                raise ApiError("Malformed request body", status=400) from None
            parts = urlsplit(self.path)
            request = Request(
                method,
                parts.path,
                parse_qsl(parts.query, keep_blank_values=True),
                self.headers,
                body,
                self.server.app,
            )
            handler, groups = self._match(method, parts.path)
            result = handler(request, **groups)
        except ApiError as err:
            self._send_json(
                err.status, {"error": err.message}, request_id, {"X-Error-Message": err.message}
            )
            return
        except Exception as exc:  # a bug: answer 500 rather than hang the client
            self.log_error("internal error on %s %s: %r", method, self.path, exc)
            message = f"Internal emulator error: {exc.__class__.__name__}"
            self._send_json(500, {"error": message}, request_id, {"X-Error-Message": message})
            return
        if isinstance(result, Stream):
            self._send_stream(result, request_id)
        elif isinstance(result, Page):
            self._send_page(result, request_id)
        elif isinstance(result, Response):
            self._send_json(result.status, result.body, request_id, result.headers)
        else:
            self._send_json(200, result, request_id)

    def _match(self, method: str, path: str) -> tuple[Handler, dict[str, str]]:
        allowed = []
        for route_method, regex, handler, public in self.server.routes:
            found = regex.match(path)
            if not found:
                continue
            if route_method != method:
                allowed.append(route_method)
                continue
            if not public:
                self._authenticate()
            return handler, found.groupdict()
        if allowed:
            raise ApiError(
                f"Method {method} not allowed on {path}; use {', '.join(allowed)}", status=405
            )
        raise ApiError(f"Not found: {method} {path}", status=404)

    def _authenticate(self) -> None:
        header = self.headers.get("Authorization") or ""
        scheme, _, token = header.partition(" ")
        if not header:
            raise ApiError(
                "Authorization header is missing: pass the emulator's token as a Bearer token",
                status=401,
            )
        expected = self.server.app.token.encode()
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), expected):
            raise ApiError("Invalid credentials in Authorization header", status=401)

    def _send_json(
        self, status: int, body: Any, request_id: str, headers: dict[str, str] | None = None
    ) -> None:
        data = dumps(body).encode("utf-8", "backslashreplace")  # never fails, never drops
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Request-Id", request_id)
        for key, value in (headers or {}).items():
            self.send_header(key, header_value(value))
        self.end_headers()
        try:
            self.wfile.write(data)
        except OSError:
            self.close_connection = True

    def _send_page(self, page: Page, request_id: str) -> None:
        data = page.body.encode()
        headers = {
            "Content-Type": "text/html; charset=utf-8",
            "Cache-Control": "no-store",
            "X-Frame-Options": "DENY",
            "Referrer-Policy": "no-referrer",
            **page.headers,
        }
        self.send_response(page.status)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Request-Id", request_id)
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        try:
            self.wfile.write(data)
        except OSError:
            self.close_connection = True

    def _send_stream(self, stream: Stream, request_id: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("X-Request-Id", request_id)
        for key, value in stream.headers.items():
            self.send_header(key, header_value(value))
        self.end_headers()
        try:
            self.wfile.flush()
            for chunk in stream.chunks:
                if chunk:
                    self.wfile.write(b"%x\r\n%b\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")
        except OSError:  # the client went away
            self.close_connection = True
        finally:
            close = getattr(stream.chunks, "close", None)
            if close is not None:
                close()
