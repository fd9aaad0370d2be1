"""The one exception the request handlers raise: it becomes a JSON error response."""

from __future__ import annotations


class ApiError(Exception):
    """An HTTP error: `{"error": message}` with the same text in `X-Error-Message`.

    Its arguments come in the order of the client's `hfjobs_cli.api.errors.ApiError`: the
    message, then the status by keyword."""

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
