"""The routing primitives: the request a handler receives, the answers it returns, and `route()`.

The route modules (routes_jobs, routes_scheduled, routes_webhooks, pages) import these; the
server imports the route modules and serves what they return: no module imports the server.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hfjobs_cli.emulator.errors import ApiError
from hfjobs_cli.emulator.validation import check_text

if TYPE_CHECKING:
    from hfjobs_cli.emulator.state import Emulator


@dataclass
class Stream:
    """A `text/event-stream` response body, written with chunked transfer encoding."""

    chunks: Iterator[bytes]
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Response:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Page:
    """An HTML page (or another non-JSON body: set Content-Type in headers)."""

    status: int
    body: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Request:
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: Any
    raw_body: bytes
    app: Emulator

    def json(self) -> Any:
        if not self.raw_body.strip():
            raise ApiError("A JSON body is required", status=400)
        try:
            body = json.loads(self.raw_body)
        except ValueError as exc:
            raise ApiError(f"Invalid JSON body: {exc}", status=400) from None
        check_text(body)
        return body

    def params(self, name: str) -> list[str]:
        return [v for k, v in self.query if k == name]

    def param(self, name: str) -> str | None:
        values = self.params(name)
        return values[-1] if values else None

    @property
    def base_url(self) -> str:
        host = self.headers.get("Host") or "127.0.0.1"
        return f"http://{host}"


Handler = Callable[..., Any]
Route = tuple[str, "re.Pattern[str]", Handler, bool]


def route(method: str, pattern: str, handler: Handler, public: bool = False) -> Route:
    regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern)
    return (method, re.compile(f"^{regex}/?$"), handler, public)
