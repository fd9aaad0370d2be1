"""Typed API errors that keep the server's own message and request id."""

from __future__ import annotations

# The answers that say "not now" rather than "no": retried by every idempotent call, by a log
# snapshot and by every follower, within the retry budget (RELIABILITY.md, "Transient").
TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


class ApiError(Exception):
    """Any failure talking to the Jobs API."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        request_id: str | None = None,
        url: str | None = None,
        retry_after: float | None = None,
        hint: str | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.status = status
        self.request_id = request_id
        self.url = url
        self.retry_after = retry_after  # the server's Retry-After, in seconds (capped)
        self.hint = hint  # what to do next, when the layer that failed knows better than main

    @property
    def transient(self) -> bool:
        """A failure that may go away by itself: a transient status, or no answer at all."""
        if isinstance(self, AmbiguousSend):
            return False
        return isinstance(self, ConnectionFailure) or self.status in TRANSIENT_STATUSES

    def __str__(self) -> str:
        parts = [f"{self.status} {self.message}" if self.status else self.message]
        if self.request_id:
            parts.append(f"(request id {self.request_id})")
        return " ".join(parts)


class BadRequestError(ApiError):
    """400/422: the request was invalid (bad flavor, label, schedule ...)."""


class AuthError(ApiError):
    """401: no token, or the token was rejected."""


class ForbiddenError(ApiError):
    """403: the token may not act in that namespace."""


class NotFoundError(ApiError):
    """404: unknown job, scheduled job, webhook or namespace."""


class ConflictError(ApiError):
    """409: e.g. a scheduled job triggered while its last run is still going."""


class RateLimitError(ApiError):
    """429 after the retries ran out."""


class ServerError(ApiError):
    """5xx after the retries ran out."""


class TryLaterError(ApiError):
    """408 (request timeout) or 425 (too early) after the retries ran out."""


class ConnectionFailure(ApiError):
    """The API could not be reached (DNS, refused, reset, timeouts)."""


class AmbiguousSend(ConnectionFailure):
    """A non-idempotent request failed after it may have reached the server."""


class ResponseError(ApiError):
    """The server answered something that is not what the API returns (HTML, bad JSON ...)."""


class NotAvailable(ApiError):
    """The requested data does not exist in this state (e.g. metrics of a finished job: 406)."""


class NotRunning(ApiError):
    """The job has no metrics now (406, or 500 from older servers): it is not running."""


_BY_STATUS: dict[int, type[ApiError]] = {
    400: BadRequestError,
    401: AuthError,
    403: ForbiddenError,
    404: NotFoundError,
    406: NotAvailable,
    409: ConflictError,
    422: BadRequestError,
    408: TryLaterError,
    425: TryLaterError,
    429: RateLimitError,
}


def error_class_for(status: int) -> type[ApiError]:
    if status >= 500:
        return ServerError
    return _BY_STATUS.get(status, ApiError)
