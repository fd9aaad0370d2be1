"""Reading a job's log stream: a snapshot of what is there now, or following it to the end.

The Hub replays the whole log on every connection and may close a stream before the job is
over, so following means: read, and when the stream ends check the job's stage; if it is not
final, reconnect and skip what was already shown. No line is lost and none is doubled.
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from hfjobs_cli import clock
from hfjobs_cli.api.errors import ConnectionFailure
from hfjobs_cli.api.models import Job, LogEvent, Stage, parse_time, without_banner
from hfjobs_cli.api.reader import StreamEnd, read_chunks
from hfjobs_cli.api.streaming import iter_log_batches

if TYPE_CHECKING:
    from hfjobs_cli.api.client import JobsClient


def _is_live(timestamp: str, cutoff: datetime, cutoff_text: str) -> bool:
    """Later than the cut-off? A plain `...THH:MM:SS[.fff]Z` compares as text, to the second."""
    if len(timestamp) >= 20 and timestamp[10] == "T" and timestamp[-1] == "Z":
        return timestamp[:19] > cutoff_text
    stamp = parse_time(timestamp)
    return bool(stamp and stamp > cutoff)


def snapshot(
    client: JobsClient,
    namespace: str,
    job_id: str,
    *,
    tail: int | None = None,
    read_timeout: float = 5.0,
) -> Iterator[Sequence[LogEvent]]:
    """The log lines available now; never blocks on a running job past `read_timeout`.

    Opening the stream is retried like any GET (transient answers, `Retry-After`, within the
    budget). With `tail`, exactly the last `tail` lines are yielded, running job or not: the
    stream goes on with live lines after the tail, which are not part of the snapshot.
    """
    if tail is not None:
        last: deque[LogEvent] = deque(maxlen=tail)
        for batch in _snapshot(client, namespace, job_id, tail=tail, read_timeout=read_timeout):
            last.extend(batch)
        if last:
            yield list(last)
        return
    yield from _snapshot(client, namespace, job_id, tail=None, read_timeout=read_timeout)


def _snapshot(
    client: JobsClient, namespace: str, job_id: str, *, tail: int | None, read_timeout: float
) -> Iterator[Sequence[LogEvent]]:
    response = client.jobs.logs_response(namespace, job_id, tail=tail, read_timeout=read_timeout)
    cutoff = None
    with contextlib.suppress(KeyError, TypeError, ValueError):
        cutoff = (
            parsedate_to_datetime(response.headers["Date"]) + timedelta(seconds=1)
        ).astimezone(UTC)
    cutoff_text = cutoff.strftime("%Y-%m-%dT%H:%M:%S") if cutoff else ""
    ended = StreamEnd()
    shown = 0
    for batch in iter_log_batches(read_chunks(response, ended)):
        live_at = None
        # Timestamps grow: when a batch's last line is history, all of it is.
        if cutoff and _is_live(batch[-1].timestamp, cutoff, cutoff_text):
            live_at = next(
                i for i, e in enumerate(batch) if _is_live(e.timestamp, cutoff, cutoff_text)
            )
            batch = batch[:live_at]
        out = without_banner(batch)
        if out:
            shown += len(out)
            yield out
        if live_at is not None:
            response.close()
            return  # a live line: everything before it was the history
    if not ended.clean and not ended.timed_out:  # a timeout means drained; a cut loses lines
        raise ConnectionFailure(
            f"The log stream of {namespace}/{job_id} broke off after {shown} "
            f"line{'' if shown == 1 else 's'}: the log above is incomplete",
            url=getattr(response, "url", None),
        )


class Follower:
    """Follows a job's log until the job reaches a final stage; `job` then holds it."""

    def __init__(
        self,
        client: JobsClient,
        namespace: str,
        job_id: str,
        *,
        tail: int | None = None,
        read_timeout: float = 75.0,
        max_failures: int = 5,
        sleep: Callable[[float], None] | None = None,
        on_reconnect: Callable[[str], None] | None = None,
    ):
        self.client = client
        self.namespace = namespace
        self.job_id = job_id
        self.tail = tail
        self.read_timeout = read_timeout
        self.max_failures = max_failures
        self._sleep = sleep
        self.on_reconnect = on_reconnect
        self.job: Job | None = None
        # Position in the full replay: `seen` events so far (None while unknown, after a tail).
        self._seen: int | None = None if tail is not None else 0
        self._last: LogEvent | None = None

    def __iter__(self) -> Iterator[Sequence[LogEvent]]:
        """Batches of new lines until the job is final.

        Opening each connection is retried by the transport (transient answers such as 408,
        429 with `Retry-After`, 5xx, resets and timeouts, within the retry budget); when that
        budget runs out the error (exit 6) says what was tried. Nothing else ends it early.
        """
        first = True
        stalls = 0  # connections in a row that broke off after the job ended, with nothing new
        delay = 0.5
        while True:
            ended = StreamEnd()
            got_data = False
            response = self.client.jobs.logs_response(
                self.namespace,
                self.job_id,
                tail=self.tail if first else None,
                read_timeout=self.read_timeout,
            )
            chunks = read_chunks(
                response, ended, quiet_after=self.read_timeout, job_ended=self._job_ended
            )
            for batch in self._dedup(iter_log_batches(chunks), first):
                got_data = True
                yield batch
            if got_data:
                stalls, delay = 0, 0.5
            first = False
            job = self.client.jobs.get(self.namespace, self.job_id)
            if job.is_terminal and ended.clean:
                self.job = job
                return
            if job.is_terminal and not got_data:
                stalls += 1
                if stalls > self.max_failures:
                    raise ConnectionFailure(
                        f"The log of job {self.namespace}/{self.job_id} could not be read to "
                        f"its end: the stream broke off {stalls} times in a row. The job ended "
                        f"with stage {job.stage}; the log above may be incomplete"
                    )
                self.sleep(delay)
                delay = min(delay * 2, 10.0)
            if not job.is_terminal:
                self.sleep(delay)
                delay = min(delay * 2, 10.0)
            # The job is over but the stream was cut (drain what is left), or it still runs.
            if not ended.clean:
                self._notify("log stream interrupted; reconnecting")

    def sleep(self, seconds: float) -> None:
        (self._sleep or clock.sleep)(seconds)

    def _job_ended(self) -> bool:
        return self.client.jobs.get(self.namespace, self.job_id).is_terminal

    def _notify(self, message: str) -> None:
        if self.on_reconnect:
            self.on_reconnect(message)

    def _dedup(
        self, batches: Iterator[Sequence[LogEvent]], first: bool
    ) -> Iterator[Sequence[LogEvent]]:
        tail_connection = first and self.tail is not None
        index = 0
        for batch in batches:
            if not tail_connection and self._seen is not None:
                # The common case, a whole batch at once: skip what the replay repeats.
                start = index
                index += len(batch)
                if index <= self._seen:
                    continue
                new = batch[self._seen - start :] if self._seen > start else batch
                self._seen += len(new)
                self._last = new[-1]
                fresh = without_banner(new)
                if fresh:
                    yield fresh
                continue
            out: list[LogEvent] = []
            for event in batch:
                if tail_connection:
                    pass
                elif self._seen is None:  # after a tail: find where we were in the replay
                    index += 1
                    last = self._last
                    if last is None or (event.data, event.timestamp) == (last.data, last.timestamp):
                        self._seen = index if last is not None else index - 1
                        if last is not None:
                            continue
                    else:
                        stamp, last_stamp = parse_time(event.timestamp), parse_time(last.timestamp)
                        if not (stamp and last_stamp and stamp > last_stamp):
                            continue
                        self._seen = index - 1
                    self._seen += 1
                else:
                    index += 1
                    if index <= self._seen:
                        continue
                    self._seen += 1
                self._last = event
                if not event.is_banner:
                    out.append(event)
            if out:
                yield out


def wait_not_scheduling(
    client: JobsClient,
    namespace: str,
    job_id: str,
    *,
    interval: float = 2.0,
    sleep: Callable[[float], None] | None = None,
    on_status: Callable[[Job], None] | None = None,
) -> Job:
    """Poll the job while it is SCHEDULING; return it once it is not.

    The first polls come quickly (a job often leaves SCHEDULING within a second, and at once on
    the local emulator), then at the Hub's 2 s cadence. `on_status` is called with the last job every half second in between,
    so a spinner's elapsed time keeps moving.
    """
    pause = sleep or clock.sleep
    waits = [0.05, 0.1, 0.35, 0.5, 1.0]
    while True:
        job = client.jobs.get(namespace, job_id)
        if on_status:
            on_status(job)
        if job.stage != Stage.SCHEDULING:
            return job
        wait = waits.pop(0) if waits else interval
        while wait > 0:
            step = min(0.5, wait)
            pause(step)
            wait -= step
            if on_status:
                on_status(job)


__all__ = ["Follower", "snapshot", "wait_not_scheduling"]
