"""The one exception the request handlers raise: it becomes a JSON error response."""

from __future__ import annotations


class ApiError(Exception):
    """An HTTP error: `{"error": message}` with the same text in `X-Error-Message`."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def not_found(what: str, ident: str) -> ApiError:
    return ApiError(404, f"{what} {ident} not found")
