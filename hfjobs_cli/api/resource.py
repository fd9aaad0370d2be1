"""What every resource of the API shares: the `Resource` base class (its client, its escaped
paths) and the create-once protocol of the calls that create something (`create_once`).

A resource (`Jobs`, `ScheduledJobs`, `Webhooks`, `Hardware`) is reached as an attribute of the
client (`client.jobs.get(namespace, job_id)`); its methods have the same names across
resources: `list`, `get`, `create`, `delete`, then the resource's own verbs.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import quote

from hfjobs_cli import clock
from hfjobs_cli.api.errors import AmbiguousSend, ApiError, ResponseError, ServerError

if TYPE_CHECKING:
    from hfjobs_cli.api.client import JobsClient


def path(*parts: str) -> str:
    """An API path from its parts: the first is the route (`/api/jobs`), as written; every
    other part (a namespace, an id, an action) is escaped, so no value can change the route."""
    route, *rest = parts
    return "/".join([route, *map(_segment, rest)])


def _segment(part: str) -> str:
    """One escaped path segment; `.` and `..` too, which a URL would otherwise resolve."""
    return "%2E" * len(part) if part in (".", "..") else quote(part, safe="")


class Resource:
    """One kind of object of the API, reached through `client`, which sends the calls and
    resolves the namespace (`client.namespace()`)."""

    def __init__(self, client: JobsClient):
        self.client = client


REQUEST_ID_LABEL = "hfjobs-request-id"


T = TypeVar("T")


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
    started = clock.monotonic()
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
        if max(waited, clock.monotonic() - started) + pause > window:
            break
        announce = (
            f"The {what} may have been created ({cause}); looking for it by its request id "
            f"for up to {window:g}s"
        )
        wait(pause, announce if lookups == 1 else "")
        waited += pause
    spent = max(waited, clock.monotonic() - started)
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
