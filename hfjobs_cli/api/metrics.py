"""Reading a job's resource metrics: the current sample, or following them until the job ends.

The `/metrics` stream has no history (its first event is the current sample), sends one
`event: metric` a second while the job runs, and does not end when the job does: a read
timeout followed by a stage check tells. A job that is not running answers 406 (500 on older
servers); both mean "no metrics", reported as `NotRunning`, never as a failure.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Generator, Iterator
from typing import TYPE_CHECKING

from hfjobs_cli import clock
from hfjobs_cli.api.errors import NotAvailable, NotRunning, ServerError
from hfjobs_cli.api.models import Job, MetricSample, Stage
from hfjobs_cli.api.reader import StreamEnd, read_chunks
from hfjobs_cli.api.streaming import SseEvent, iter_sse_batches

if TYPE_CHECKING:
    from hfjobs_cli.api.client import JobsClient

READ_TIMEOUT = 10.0  # ten missed one-second samples: the job is over or its hardware not ready


def metric_event(event: SseEvent) -> MetricSample | None:
    """The sample carried by an SSE event, or None for anything that is not one."""
    if event.event not in ("metric", "message") or not event.data.startswith("{"):
        return None
    try:
        payload = json.loads(event.data)
    except ValueError:
        return None
    return MetricSample.from_api(payload) if isinstance(payload, dict) else None


def stream(
    client: JobsClient, namespace: str, job_id: str, *, read_timeout: float = READ_TIMEOUT
) -> Generator[MetricSample, None, None]:
    """Samples as they arrive; ends quietly when the stream ends or stays silent too long."""
    try:
        response = client.jobs.metrics_response(namespace, job_id, read_timeout=read_timeout)
    except NotAvailable as exc:
        raise NotRunning(exc.message, status=exc.status, url=exc.url) from None
    except ServerError as exc:
        if exc.status != 500:
            raise
        raise NotRunning(exc.message, status=exc.status, url=exc.url) from None
    try:
        for batch in iter_sse_batches(read_chunks(response, StreamEnd())):
            for event in batch:
                sample = metric_event(event)
                if sample is not None:
                    yield sample
    finally:
        response.close()


def current(
    client: JobsClient, namespace: str, job_id: str, *, read_timeout: float = READ_TIMEOUT
) -> MetricSample | None:
    """The current sample (the stream's first event), or None if none came within the timeout."""
    samples = stream(client, namespace, job_id, read_timeout=read_timeout)
    try:
        return next(samples, None)
    finally:
        samples.close()


class MetricsFollower:
    """Samples of a job until it reaches a final stage; `job` then holds it.

    Reconnects when the stream ends or goes silent while the job is still active (a job marked
    RUNNING may send nothing until its hardware is ready, and SCHEDULING answers 406).
    """

    def __init__(
        self,
        client: JobsClient,
        namespace: str,
        job_id: str,
        *,
        read_timeout: float = READ_TIMEOUT,
        max_failures: int = 5,
        sleep: Callable[[float], None] | None = None,
    ):
        self.client = client
        self.namespace = namespace
        self.job_id = job_id
        self.read_timeout = read_timeout
        self.max_failures = max_failures
        self._sleep = sleep
        self.job: Job | None = None
        self.samples = 0

    def __iter__(self) -> Iterator[MetricSample]:
        """Opening each stream is retried by the transport (transient answers, resets and
        timeouts, within the retry budget); past that budget its error (exit 6) ends this."""
        while True:
            try:
                for sample in stream(
                    self.client, self.namespace, self.job_id, read_timeout=self.read_timeout
                ):
                    self.samples += 1
                    yield sample
            except NotRunning:
                pass
            job = self.client.jobs.get(self.namespace, self.job_id)
            if job.is_terminal:
                self.job = job
                return
            (self._sleep or clock.sleep)(1.0 if job.stage == Stage.RUNNING else 2.0)


__all__ = ["READ_TIMEOUT", "MetricsFollower", "current", "stream"]
