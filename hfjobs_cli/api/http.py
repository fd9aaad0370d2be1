"""The transport: one requests.Session, the token sent only to the endpoint's origin, timeouts
on every call, retries with backoff for idempotent calls, and typed errors.
"""

from __future__ import annotations

import ipaddress
import json
import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from requests.auth import AuthBase

from hfjobs_cli import clock
from hfjobs_cli.api.errors import (
    TRANSIENT_STATUSES,
    AmbiguousSend,
    ApiError,
    ConnectionFailure,
    ResponseError,
    error_class_for,
)
from hfjobs_cli.api.reader import wait_for

RETRY_STATUSES = TRANSIENT_STATUSES  # one classification for every path
IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})


def origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:  # a port that is not a number: no origin matches it
        port = -1
    port = port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


def without_userinfo(url: str) -> str:
    """The URL with any `user:password@` removed: it is never sent (the token is) nor shown."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()


def host_of(url: str) -> str:
    """`host[:port]` of a URL, for messages (never the userinfo)."""
    return urlsplit(url).netloc.rpartition("@")[2]


def is_loopback(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class BearerAuth(AuthBase):
    """`authorization: Bearer <token>`, only for requests to the configured origin.

    Passed as `auth=` (never `headers=`) so `~/.netrc` cannot replace it.
    """

    def __init__(self, token: str | None, endpoint: str):
        self._token = token
        self._origin = origin(endpoint)

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers.pop("authorization", None)
        if self._token and origin(request.url or "") == self._origin:
            request.headers["authorization"] = f"Bearer {self._token}"
        return request

    def __repr__(self) -> str:
        return "BearerAuth(***)"


@dataclass
class RetryPolicy:
    """Retries of idempotent calls: exponential backoff with jitter inside a time budget."""

    attempts: int = 5  # tries in all, the first included
    base: float = 0.5
    cap: float = 8.0
    retry_after_cap: float = 30.0
    budget: float = 60.0  # seconds one call may take in all, its retries and waits included

    def backoff(self, retry: int) -> float:
        delay = min(self.cap, self.base * (2 ** (retry - 1)))
        return delay * (0.5 + random.random() / 2)  # jitter: 50-100 % of the step

    def retry_after(self, response: requests.Response) -> float | None:
        value = response.headers.get("Retry-After")
        if not value:
            return None
        try:
            seconds = float(value)
        except ValueError:
            try:
                seconds = parsedate_to_datetime(value).timestamp() - time.time()
            except (TypeError, ValueError):
                return None
        return max(0.0, min(seconds, self.retry_after_cap))


def request_id(response: requests.Response) -> str | None:
    headers = response.headers
    return (
        headers.get("X-Request-Id") or headers.get("X-Amzn-Trace-Id") or headers.get("X-Amz-Cf-Id")
    )


def error_message(response: requests.Response) -> str:
    """The server's words: X-Error-Message, else the JSON error, else the text."""
    header = response.headers.get("X-Error-Message")
    if header:
        return header
    text = response.text or ""
    ctype = response.headers.get("Content-Type", "")
    if text.strip().startswith(("{", "[")):
        try:
            body = json.loads(text)
        except ValueError:
            body = None
        if isinstance(body, dict):
            error = body.get("error") or body.get("message")
            if isinstance(error, list):
                error = "; ".join(str(e) for e in error)
            if body.get("error_description"):
                error = (
                    f"{error}: {body['error_description']}" if error else body["error_description"]
                )
            if not error and isinstance(body.get("errors"), list):
                error = "; ".join(
                    str(e.get("message", e)) if isinstance(e, dict) else str(e)
                    for e in body["errors"]
                )
            if error:
                return " ".join(str(error).split())  # one line, whatever the server sent
    if "html" in ctype or text.lstrip()[:15].lower().startswith(("<!doctype", "<html")):
        return f"the server answered with an HTML page ({response.reason or 'no reason given'})"
    line = " ".join(text.split())
    if line:
        return line[:200] + ("..." if len(line) > 200 else "")
    return response.reason or "no details from the server"


def _never_sent(exc: Exception) -> bool:
    """True when the connection was never established, so even a POST is safe to resend."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    text = repr(exc)
    return any(
        marker in text
        for marker in ("NewConnectionError", "NameResolutionError", "Connection refused")
    )


class Transport:
    def __init__(
        self,
        endpoint: str,
        token: str | None,
        *,
        user_agent: str,
        timeout: tuple[float, float] = (5.0, 30.0),
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] | None = None,
        on_wait: Callable[[str], None] | None = None,
        local: bool = False,
    ):
        self.endpoint = without_userinfo(endpoint.rstrip("/"))
        self.local = local  # the endpoint is the local emulator: hints say how to start it
        self._abandoned: list[threading.Thread] = []
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self.on_wait = on_wait
        self.session = requests.Session()
        self.session.headers["user-agent"] = user_agent
        self.auth = BearerAuth(token, self.endpoint)

    def url(self, path: str) -> str:
        return f"{self.endpoint}{path}"

    def widen_pool(self, connections: int) -> None:
        """Keep up to `connections` open at once (log streams followed in threads), instead
        of urllib3's 10, past which it drops connections with a logged warning."""
        from requests.adapters import HTTPAdapter

        if connections > 10:
            for prefix in ("http://", "https://"):
                self.session.mount(prefix, HTTPAdapter(pool_maxsize=connections))

    def same_origin(self, url: str) -> bool:
        return origin(url) == origin(self.endpoint)

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Any = None,
        json_body: Any = None,
        stream: bool = False,
        timeout: tuple[float, float] | None = None,
        retry: bool | None = None,
        attempts: int | None = None,
        retry_statuses: frozenset[int] | None = None,
    ) -> requests.Response:
        """Send one call, retrying idempotent ones; raise a typed `ApiError` on failure.

        The whole call (every attempt, every wait, and every byte of every answer) fits in the
        policy's budget: a server that trickles its answer cannot hold it longer. With
        `stream`, the budget covers the answer's head; the caller bounds the body.
        """
        idempotent = method in IDEMPOTENT if retry is None else retry
        statuses = RETRY_STATUSES if retry_statuses is None else retry_statuses
        policy = self.retry
        if attempts is not None:
            policy = RetryPolicy(**{**policy.__dict__, "attempts": attempts})
        waited = 0.0
        started = clock.monotonic()
        attempt = 0
        tried: list[str] = []

        def spent() -> float:  # wall time, or the planned waits when sleeping is stubbed out
            return max(waited, clock.monotonic() - started)

        while True:
            attempt += 1
            try:
                response = self._send_within(
                    method, url, params, json_body, stream, timeout, policy.budget - spent()
                )
            except requests.exceptions.RequestException as exc:
                reason = _describe(exc)
                tried.append(reason)
                hint = _hint_for(exc, url, self.local)
                if _final(exc, url):  # TLS refused, or nothing listening on this machine
                    raise ConnectionFailure(
                        _gave_up(url, tried, attempt), url=without_userinfo(url), hint=hint
                    ) from exc
                safe = idempotent or _never_sent(exc)
                if not safe and method in IDEMPOTENT:  # a read with retries turned off
                    raise ConnectionFailure(
                        _gave_up(url, tried, attempt), url=without_userinfo(url), hint=hint
                    ) from exc
                if not safe:
                    raise AmbiguousSend(
                        f"{method} {_shown(url)} failed after it was sent ({reason})",
                        url=without_userinfo(url),
                    ) from exc
                delay = policy.backoff(attempt)
                if (
                    attempt >= policy.attempts
                    or spent() + delay > policy.budget
                    or isinstance(exc, Overdue)
                ):
                    raise ConnectionFailure(
                        _gave_up(url, tried, attempt), url=without_userinfo(url), hint=hint
                    ) from exc
                self._wait(delay, f"{reason}; retrying in {delay:.1f}s")
                waited += delay
                continue
            status = response.status_code
            if status in statuses and idempotent and attempt < policy.attempts:
                after = policy.retry_after(response)
                delay = policy.backoff(attempt) if after is None else after
                if spent() + delay <= policy.budget:
                    tried.append(f"HTTP {status}")
                    response.close()
                    label = "rate limited" if status == 429 else f"HTTP {status}"
                    self._wait(delay, f"{label}; retrying in {delay:.1f}s")
                    waited += delay
                    continue
            if status >= 400:
                raise self.error(response, tried=tried if len(tried) else None)
            return response

    def _send_within(self, method, url, params, json_body, stream, timeout, budget: float):
        """`_send`, abandoned when it has not finished within `budget` seconds.

        The read timeout bounds each wait for a byte, not the whole answer: a server sending
        one byte every few seconds would hold a plain call forever. The call runs in a
        helper thread (which also reads the whole body unless `stream`) and this one waits
        at most `budget`; an overdue answer raises `Overdue` and its socket is dropped.
        """
        budget = max(budget, 0.5)  # what is left; the backoff check keeps it from running out
        outcome: list[Any] = []
        done = threading.Event()

        def work() -> None:
            try:
                response = self._send(method, url, params, json_body, stream, timeout)
                outcome.append(response)
            except BaseException as exc:  # handed to the caller's thread
                outcome.append(exc)
            finally:
                done.set()

        worker = threading.Thread(target=work, name="hfjobs-http", daemon=True)
        worker.start()
        if not wait_for(done, budget):  # in slices: Ctrl-C ends it at once on Windows too
            self._abandoned.append(worker)
            raise Overdue(
                f"no complete answer within the {self.retry.budget:g}s budget "
                "(the server answered too slowly)"
            )
        result = outcome[0]
        if isinstance(result, BaseException):
            raise result
        return result

    def _send(self, method, url, params, json_body, stream, timeout) -> requests.Response:
        for _hop in range(5):
            response = self.session.request(
                method,
                url,
                params=params,
                json=json_body,
                auth=self.auth,
                timeout=timeout or self.timeout,
                stream=stream,
                allow_redirects=False,
            )
            if not response.is_redirect:
                return response
            target = urljoin(url, response.headers.get("location", ""))
            response.close()
            if method != "GET":
                raise ResponseError(
                    f"The server redirected a {method} request to {target}; "
                    "hfjobs does not follow redirects that change data",
                    status=response.status_code,
                    url=url,
                )
            if origin(target) != origin(self.endpoint):
                raise ResponseError(
                    f"The server redirected to another host ({urlsplit(target).netloc}); "
                    "hfjobs sends your token only to the configured endpoint",
                    status=response.status_code,
                    url=url,
                )
            url, params = target, None
        raise ResponseError("Too many redirects", url=url)

    def wait(self, delay: float, message: str) -> None:
        """Announce a wait (`on_wait`; an empty message is not), then sleep it."""
        if self.on_wait and message:
            self.on_wait(message)
        (self.sleep or clock.sleep)(delay)

    _wait = wait

    def error(self, response: requests.Response, *, tried: list[str] | None = None) -> ApiError:
        status = response.status_code
        message = error_message(response)
        if tried:
            message = f"{message} (after {len(tried) + 1} attempts)"
        hint = None
        if self.local and status >= 500:
            hint = "The local emulator failed: `hfjobs emulator status` says whether it still runs"
        return error_class_for(status)(
            message,
            hint=hint,
            status=status,
            request_id=request_id(response),
            url=without_userinfo(response.url or ""),
            retry_after=self.retry.retry_after(response),
        )

    def json(self, response: requests.Response) -> Any:
        """The decoded body, or a ResponseError naming the status and request id."""
        try:
            return response.json()
        except ValueError:
            text = response.text.strip()
            what = "an empty body" if not text else "a body that is not JSON"
            if text.lower().startswith(("<!doctype", "<html")):
                what = "an HTML page"
            raise ResponseError(
                f"The server answered {what} where JSON was expected",
                status=response.status_code,
                request_id=request_id(response),
                url=response.url,
            ) from None


class Overdue(requests.exceptions.Timeout):
    """The answer did not finish within the call's time budget."""


def _tls_reason(exc: Exception) -> str | None:
    text = str(exc)
    match = re.search(r"certificate verify failed: ([^(\]'\"]+)", text)
    if match:
        return f"certificate verify failed: {match.group(1).strip()}"
    match = re.search(r"\[SSL: [A-Z0-9_]+\] ([^(\]'\"]+)", text)
    if match:
        return match.group(1).strip()
    match = re.search(r"hostname '[^']*' doesn't match[^)\]'\"]*", text)
    return match.group(0).strip() if match else None


def _refused(exc: Exception) -> bool:
    text = repr(exc)
    return "Connection refused" in text or "ConnectionRefusedError" in text or "Errno 111" in text


def _tls_verify(exc: Exception) -> bool:
    return isinstance(exc, requests.exceptions.SSLError) and (
        "certificate verify failed" in str(exc) or "doesn't match" in str(exc)
    )


def _final(exc: Exception, url: str) -> bool:
    """Failures that asking again cannot fix: a certificate the client refuses, and a refused
    connection on this machine (nothing listens there; retrying only delays the news)."""
    return _tls_verify(exc) or (_refused(exc) and is_loopback(url))


def _hint_for(exc: Exception, url: str, local: bool) -> str | None:
    if local and (_refused(exc) or isinstance(exc, requests.exceptions.ConnectionError)):
        return (
            "The local emulator is not running (or stopped answering): "
            "start it with `hfjobs emulator start`"
        )
    if _tls_verify(exc):
        return (
            "The server's certificate is not trusted: if it is signed by your own CA, point "
            "REQUESTS_CA_BUNDLE at that CA's certificate file (PEM)"
        )
    if isinstance(exc, requests.exceptions.SSLError):
        return "Check the endpoint's TLS setup, or REQUESTS_CA_BUNDLE if you use your own CA"
    if _refused(exc) and is_loopback(url):
        return f"Nothing listens at {host_of(url)}: start the server there, or check HF_ENDPOINT"
    return None


def _describe(exc: Exception) -> str:
    if isinstance(exc, Overdue):
        return str(exc)
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return "connection timed out"
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return "no answer within the read timeout"
    if isinstance(exc, requests.exceptions.SSLError):
        reason = _tls_reason(exc)
        return f"TLS error: {reason}" if reason else "TLS error"
    text = repr(exc)
    if "NameResolutionError" in text or "Name or service not known" in text:
        return "the host name could not be resolved"
    if _refused(exc):
        return "connection refused"
    if "reset" in text.lower() or "RemoteDisconnected" in text or "aborted" in text.lower():
        return "the connection was reset"
    return exc.__class__.__name__


def _shown(url: str) -> str:
    return without_userinfo(url)


def _gave_up(url: str, tried: list[str], attempts: int) -> str:
    host = host_of(url)
    last = tried[-1] if tried else "no answer"
    return f"Could not reach {host}: {last} ({attempts} attempt{'s' if attempts > 1 else ''})"
