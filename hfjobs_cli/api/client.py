"""`JobsClient`: every Jobs API call, over one `Transport`."""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

from hfjobs_cli.api.errors import (
    AmbiguousSend,
    ApiError,
    AuthError,
    ResponseError,
    ServerError,
)

if TYPE_CHECKING:  # the transport imports requests: commands import this module for free
    from hfjobs_cli.api.http import Transport
from hfjobs_cli.api.models import Job, WhoAmI, _str_dict
from hfjobs_cli.hints import command

REQUEST_ID_LABEL = "hfjobs-request-id"


def new_request_id() -> str:
    """A client-generated id sent as a label, so an ambiguous create can be looked up."""
    return uuid.uuid4().hex


T = TypeVar("T")


EMPTY_PAGES = 5  # empty pages in a row that end a page chain
LOOKUP_PAUSES = (1.0, 2.0, 4.0, 8.0)  # then 8 s apart, until the grace window is spent


def may_have_created(exc: ApiError) -> bool:
    """After this failure of a create, may the object exist? Yes when the bytes were sent and
    no clear refusal came back: no answer (reset, read timeout), a 5xx or 408/425 (a proxy's
    word, the server may have acted), or a success whose body cannot be read."""
    if isinstance(exc, AmbiguousSend | ServerError):
        return True
    if isinstance(exc, ResponseError):
        return exc.status is not None and 200 <= exc.status < 300
    return exc.status in (408, 425)


def create_once(
    post: Callable[[], T],
    find: Callable[[], T | None],
    rid: str | None,
    *,
    what: str,
    check: str,
    wait: Callable[[float, str], None],
    window: float,
) -> T:
    """POST a creation once; when its outcome is unknown, find it by its request id.

    The transport resends a POST only when the connection never opened. After any failure
    that may have left the object created (see `may_have_created`), the object is looked up
    by its `hfjobs-request-id` label, again and again over `window` seconds (a slow server
    can commit it after the client gave up on the answer). Found: it is the result. Not
    found: `AmbiguousSend` (exit 6) naming the command that checks. Never posted twice.
    """
    try:
        return post()
    except ApiError as exc:
        if not may_have_created(exc):
            raise
        cause = exc
    if not rid:
        raise AmbiguousSend(
            f"The {what} may have been created ({cause}); its outcome is unknown",
            url=cause.url,
            hint=_NOT_SENT_AGAIN.format(what=what),
        ) from cause
    pauses = iter(LOOKUP_PAUSES)
    waited = 0.0
    started = time.monotonic()
    lookups = 0
    while True:
        lookups += 1
        try:
            existing = find()
        except ApiError as lookup:  # the transport already retried it within its budget
            raise AmbiguousSend(
                f"The {what} may have been created ({cause}), and looking it up failed "
                f"({lookup}). Check `{check}` before trying again",
                url=cause.url,
                hint=_NOT_SENT_AGAIN.format(what=what),
            ) from lookup
        if existing is not None:
            return existing
        pause = next(pauses, LOOKUP_PAUSES[-1])
        if max(waited, time.monotonic() - started) + pause > window:
            break
        announce = (
            f"The {what} may have been created ({cause}); looking for it by its request id "
            f"for up to {window:g}s"
        )
        wait(pause, announce if lookups == 1 else "")
        waited += pause
    spent = max(waited, time.monotonic() - started)
    raise AmbiguousSend(
        f"The {what} may have been created ({cause}), but {lookups} lookup"
        f"{'s' if lookups > 1 else ''} by its request id over {spent:.0f}s did not find it. "
        f"Check `{check}` before trying again",
        url=cause.url,
        hint=_NOT_SENT_AGAIN.format(what=what),
    )


_NOT_SENT_AGAIN = (
    "The request may have reached the server, so hfjobs did not send it again: "
    "if that command lists nothing, no {what} was created"
)


@contextlib.contextmanager
def hint_on_ambiguous(hint: str) -> Iterator[None]:
    """A request whose outcome is unknown gets the hint that fits its operation (the
    default one, about `ps -a`, fits only what starts a job)."""
    try:
        yield
    except AmbiguousSend as exc:
        exc.hint = exc.hint or hint
        raise


def _seg(value: str) -> str:
    return quote(value, safe="")


class JobsClient:
    def __init__(self, transport: Transport, *, token_source: str = ""):
        self.http = transport
        self.token_source = token_source
        self._whoami: WhoAmI | None = None

    @property
    def endpoint(self) -> str:
        return self.http.endpoint

    # -- identity ----------------------------------------------------------------------
    def whoami(self) -> WhoAmI:
        """The token's user, fetched at most once per process (the Hub rate-limits it)."""
        if self._whoami is None:
            try:
                data = self.get_json("/api/whoami-v2")
            except AuthError as exc:
                source = f" from {self.token_source}" if self.token_source else ""
                exc.message = f"The token{source} was rejected: {exc.message}"
                raise
            if not isinstance(data, dict) or not data.get("name"):
                raise ResponseError("Unexpected answer from /api/whoami-v2: no user name")
            self._whoami = WhoAmI.from_api(data)
        return self._whoami

    def namespace(self, explicit: str | None = None) -> str:
        return explicit or self.whoami().name

    def job_url(self, job: Job) -> str:
        return f"{self.endpoint}/jobs/{job.owner}/{job.id}"

    # -- plumbing ----------------------------------------------------------------------
    def get_json(self, path: str, params: Any = None) -> Any:
        response = self.http.request("GET", self.http.url(path), params=params)
        self._answered(response)
        return self.http.json(response)

    def send_json(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        timeout: tuple[float, float] | None = None,
    ) -> Any:
        response = self.http.request(method, self.http.url(path), json_body=body, timeout=timeout)
        self._answered(response)
        if not response.content:
            return None
        return self.http.json(response)

    def _answered(self, response: Any) -> None:
        """Remember the status and request id of the last answer, for `_unexpected`."""
        from hfjobs_cli.api.http import request_id

        self._last_answer = (response.status_code, request_id(response), response.url)

    def _unexpected(self, message: str) -> ResponseError:
        """A ResponseError about the last answer's shape, with its status and request id."""
        status, rid, url = getattr(self, "_last_answer", (None, None, None))
        return ResponseError(message, status=status, request_id=rid, url=url)

    def _job(self, data: Any) -> Job:
        if not isinstance(data, dict) or not data.get("id"):
            raise self._unexpected("Unexpected answer from the server: not a job object")
        return Job.from_api(data)

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
            self._answered(response)
            page = self.http.json(response)
            if not isinstance(page, list):
                raise self._unexpected("Unexpected answer from the server: expected a list")
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
                raise self._unexpected(
                    "The server's next page is on another host; hfjobs sends your token only "
                    "to the configured endpoint and stopped listing there"
                )

    # -- jobs --------------------------------------------------------------------------
    def create_job(self, namespace: str, spec: dict[str, Any]) -> Job:
        """Create a job; never start a second copy after an ambiguous failure."""
        path = f"/api/jobs/{_seg(namespace)}"
        rid = (spec.get("labels") or {}).get(REQUEST_ID_LABEL)
        return create_once(
            lambda: self._job(self.send_json("POST", path, spec)),
            lambda: self.find_job_by_label(namespace, REQUEST_ID_LABEL, rid),
            rid,
            what="job",
            check=command("ps", "-a", "-l", f"{REQUEST_ID_LABEL}={rid}", namespace=namespace),
            **self.grace(),
        )

    def grace(self) -> dict[str, Any]:
        """How `create_once` waits between lookups: announced, stubbable, within the budget."""
        return {"wait": self.http.wait, "window": self.http.retry.budget}

    def find_job_by_label(self, namespace: str, key: str, value: str) -> Job | None:
        for item in self.paginate(f"/api/jobs/{_seg(namespace)}", {"label": f"{key}={value}"}):
            job = Job.from_api(item)
            if job.spec.labels.get(key) == value:
                return job
        return None

    def list_jobs(
        self,
        namespace: str,
        *,
        stages: list[str] | None = None,
        labels: dict[str, str] | None = None,
    ) -> Iterator[Job]:
        """Jobs newest first; label filters are enforced here too (AND), whatever the server does."""
        for page in self.list_job_pages(namespace, stages=stages, labels=labels):
            for item in page:
                yield Job.from_api(item)

    def list_job_pages(
        self,
        namespace: str,
        *,
        stages: list[str] | None = None,
        labels: dict[str, str] | None = None,
    ) -> Iterator[list[dict[str, Any]]]:
        """The job objects as the API sent them, one list per page, filtered as `list_jobs`
        filters them: for `--json`, which needs no `Job` (building 10,000 costs 11 %)."""
        params: list[tuple[str, str]] = [("stage", s.upper()) for s in stages or []]
        params += [("label", f"{k}={v}") for k, v in (labels or {}).items()]
        wanted = {s.upper() for s in stages or []}
        for page in self.pages(f"/api/jobs/{_seg(namespace)}", params or None):
            if wanted or labels:
                page = [item for item in page if _matches(item, wanted, labels)]
            yield page

    def get_job(self, namespace: str, job_id: str) -> Job:
        return self._job(self.get_json(f"/api/jobs/{_seg(namespace)}/{_seg(job_id)}"))

    def cancel_job(
        self, namespace: str, job_id: str, *, timeout: tuple[float, float] | None = None
    ) -> Job | None:
        """`timeout` bounds the call (a runner that cancels a step gives us 7.5 s in all)."""
        path = f"/api/jobs/{_seg(namespace)}/{_seg(job_id)}/cancel"
        with hint_on_ambiguous(
            f"Check it with `{command('inspect', f'{namespace}/{job_id}')}`; "
            "cancelling again is harmless"
        ):
            data = self.send_json("POST", path, timeout=timeout)
        return Job.from_api(data) if isinstance(data, dict) and data.get("id") else None

    def duplicate_job(self, namespace: str, job_id: str) -> Job:
        path = f"/api/jobs/{_seg(namespace)}/{_seg(job_id)}/duplicate"
        return self._job(self.send_json("POST", path))

    def set_job_labels(self, namespace: str, job_id: str, labels: dict[str, str]) -> Job:
        path = f"/api/jobs/{_seg(namespace)}/{_seg(job_id)}/labels"
        return self._job(self.send_json("PUT", path, {"labels": labels}))

    def set_job_expose(self, namespace: str, job_id: str, body: dict[str, list[int]]) -> Job:
        path = f"/api/jobs/{_seg(namespace)}/{_seg(job_id)}/expose"
        return self._job(self.send_json("PUT", path, body))

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

    def metrics_response(self, namespace: str, job_id: str, *, read_timeout: float):
        """The raw streaming response of `/metrics` (the caller reads and closes it).

        A 500 is not retried: older servers answer it for a job that is not running."""
        from hfjobs_cli.api.errors import TRANSIENT_STATUSES

        path = f"/api/jobs/{_seg(namespace)}/{_seg(job_id)}/metrics"
        return self.stream_response(
            path, read_timeout=read_timeout, retry_statuses=TRANSIENT_STATUSES - {500}
        )

    def logs_response(self, namespace: str, job_id: str, *, tail: int | None, read_timeout: float):
        """The raw streaming response of `/logs` (the caller reads and closes it)."""
        params = {"tail": str(tail)} if tail is not None else None
        path = f"/api/jobs/{_seg(namespace)}/{_seg(job_id)}/logs"
        response = self.stream_response(path, params=params, read_timeout=read_timeout)
        ctype = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if ctype and ctype != "text/event-stream":  # a proxy's page is not an empty log
            self._answered(response)
            response.close()
            what = "an HTML page" if "html" in ctype else f"a {ctype} body"
            raise self._unexpected(f"The server answered {what} where a log stream was expected")
        return response

    def hardware(self, *, quick: bool = False) -> list[dict[str, Any]]:
        """Flavors and prices; `quick`: one attempt with short timeouts (for optional extras)."""
        if quick:
            response = self.http.request(
                "GET", self.http.url("/api/jobs/hardware"), timeout=(2.0, 3.0), attempts=1
            )
            data = self.http.json(response)
        else:
            data = self.get_json("/api/jobs/hardware")
        if not isinstance(data, list):
            raise ResponseError("Unexpected answer from /api/jobs/hardware: expected a list")
        return [item for item in data if isinstance(item, dict) and item.get("name")]


__all__ = ["REQUEST_ID_LABEL", "ApiError", "JobsClient", "new_request_id"]


def _matches(item: dict[str, Any], stages: set[str], labels: dict[str, str] | None) -> bool:
    """Whether a job object is in one of `stages` (if any) and has every label: the stage
    and labels read as `Job.from_api` reads them."""
    if stages:
        status = item.get("status") if isinstance(item.get("status"), dict) else {}
        if str(status.get("stage") or "UNKNOWN").upper() not in stages:
            return False
    if labels:
        have = _str_dict(item.get("labels"))
        return all(have.get(k) == v for k, v in labels.items())
    return True
