"""`JobsClient`: the API over one `Transport`, one attribute per resource.

    client.jobs        Jobs           api/jobs.py
    client.scheduled   ScheduledJobs  api/scheduled.py
    client.webhooks    Webhooks       api/webhooks.py
    client.hardware    Hardware       api/hardware.py

The client itself answers who the token is (`whoami`, `namespace`) and sends the calls the
resources build (`get_json`, `send_json`, `pages`, `stream_response`). Reading a stream of
logs or metrics is in api/logs.py and api/metrics.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from hfjobs_cli.api.errors import ApiError, AuthError, ResponseError
from hfjobs_cli.api.hardware import Hardware
from hfjobs_cli.api.jobs import Jobs
from hfjobs_cli.api.models import EmulatorHealth, WhoAmI
from hfjobs_cli.api.resource import REQUEST_ID_LABEL
from hfjobs_cli.api.scheduled import ScheduledJobs
from hfjobs_cli.api.webhooks import Webhooks

if TYPE_CHECKING:  # the transport imports requests: commands import this module for free
    from hfjobs_cli.api.http import Transport

WHOAMI = "/api/whoami-v2"
EMULATOR_HEALTH = "/api/emulator/health"

EMPTY_PAGES = 5  # empty pages in a row that end a page chain


def new_request_id() -> str:
    """A client-generated id sent as the `REQUEST_ID_LABEL` label of what a command creates,
    so that a create whose outcome is unknown can be looked up (`resource.create_once`)."""
    return uuid.uuid4().hex


class JobsClient:
    def __init__(self, transport: Transport, *, token_source: str = ""):
        self.http = transport
        self.token_source = token_source
        self._whoami: WhoAmI | None = None
        self.jobs = Jobs(self)
        self.scheduled = ScheduledJobs(self)
        self.webhooks = Webhooks(self)
        self.hardware = Hardware(self)

    @property
    def endpoint(self) -> str:
        return self.http.endpoint

    # -- identity ----------------------------------------------------------------------
    def whoami(self) -> WhoAmI:
        """The token's user, fetched at most once per process (the Hub rate-limits it)."""
        if self._whoami is None:
            try:
                data = self.get_json(WHOAMI)
            except AuthError as exc:
                source = f" from {self.token_source}" if self.token_source else ""
                exc.message = f"The token{source} was rejected: {exc.message}"
                raise
            if not isinstance(data, dict) or not data.get("name"):
                raise ResponseError(f"Unexpected answer from {WHOAMI}: no user name")
            self._whoami = WhoAmI.from_api(data)
        return self._whoami

    def namespace(self, explicit: str | None = None) -> str:
        return explicit or self.whoami().name

    def emulator_health(self) -> EmulatorHealth | None:
        """What the local emulator runs (None when the answer is not an object); the Hub has
        no such route and answers an error, raised as usual."""
        data = self.get_json(EMULATOR_HEALTH)
        return EmulatorHealth.from_api(data) if isinstance(data, dict) else None

    # -- plumbing ----------------------------------------------------------------------
    def get_json(self, path: str, params: Any = None) -> Any:
        response = self.http.request("GET", self.http.url(path), params=params)
        self.answered(response)
        return self.http.json(response)

    def send_json(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        timeout: tuple[float, float] | None = None,
        retry: bool | None = None,
    ) -> Any:
        """The decoded answer of a call with a JSON body, None when it has no body. `retry`:
        resend it on a transient failure (default: only idempotent methods)."""
        response = self.http.request(
            method, self.http.url(path), json_body=body, timeout=timeout, retry=retry
        )
        self.answered(response)
        if not response.content:
            return None
        return self.http.json(response)

    def grace(self) -> dict[str, Any]:
        """How `create_once` waits between lookups: announced, stubbable, within the budget."""
        return {"wait": self.http.wait, "window": self.http.retry.budget}

    def answered(self, response: Any) -> None:
        """Remember the status and request id of the last answer, for `unexpected`."""
        from hfjobs_cli.api.http import request_id

        self._last_answer = (response.status_code, request_id(response), response.url)

    def unexpected(self, message: str) -> ResponseError:
        """A ResponseError about the last answer's shape, with its status and request id."""
        status, rid, url = getattr(self, "_last_answer", (None, None, None))
        return ResponseError(message, status=status, request_id=rid, url=url)

    def paginate(self, path: str, params: Any = None) -> Iterator[dict[str, Any]]:
        """Items of a list endpoint, page by page, following `Link: <...>; rel="next"`."""
        for page in self.pages(path, params):
            yield from page

    def pages(self, path: str, params: Any = None) -> Iterator[list[dict[str, Any]]]:
        """The object items of a list endpoint, one list per page, following
        `Link: <...>; rel="next"`.

        The chain ends when there is no next link, when a next URL comes again, when a page
        holds only items seen before (a server looping over the same pages: an item already
        yielded is not yielded again), or after `EMPTY_PAGES` empty pages in a row (a cursor
        may skip a page the server filtered empty, not forever); a next link to another
        origin is refused (the token goes only to the endpoint).
        """
        url: str | None = self.http.url(path)
        visited: set[str] = set()
        ids: set[str] = set()
        empty = 0
        while url:
            visited.add(url)
            response = self.http.request("GET", url, params=params)
            self.answered(response)
            page = self.http.json(response)
            if not isinstance(page, list):
                raise self.unexpected("Unexpected answer from the server: expected a list")
            items = []
            for item in page:
                if not isinstance(item, dict):
                    continue
                ident = item.get("id")
                if isinstance(ident, str):
                    if ident in ids:
                        continue
                    ids.add(ident)
                items.append(item)
            if items:
                yield items
            stale = bool(page) and not items  # every item seen before: a loop
            empty = 0 if page else empty + 1
            url = response.links.get("next", {}).get("url")
            params = None  # the next URL carries every query parameter
            if not url or url in visited or stale or empty >= EMPTY_PAGES:
                return
            if not self.http.same_origin(url):
                raise self.unexpected(
                    "The server's next page is on another host; hfjobs sends your token only "
                    "to the configured endpoint and stopped listing there"
                )

    # -- streams ---------------------------------------------------------------------
    def stream_response(
        self,
        path: str,
        *,
        params: Any = None,
        read_timeout: float,
        retry_statuses: frozenset[int] | None = None,
    ):
        """A streaming GET (the caller reads and closes it); `read_timeout` is the longest
        silence between bytes. Opening it is retried like any GET (transient answers,
        `Retry-After`, the budget); what happens once it is open is the reader's business."""
        return self.http.request(
            "GET",
            self.http.url(path),
            params=params,
            stream=True,
            timeout=(self.http.timeout[0], read_timeout),
            retry_statuses=retry_statuses,
        )


__all__ = ["REQUEST_ID_LABEL", "ApiError", "JobsClient", "new_request_id"]
