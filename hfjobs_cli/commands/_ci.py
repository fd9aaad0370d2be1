"""What attached commands do for CI and for signals: fold the log, report jobs to the runner,
cancel the job on SIGINT/SIGTERM when asked, and `--if-running` before a named job starts.

The runner-facing formats live in `hfjobs_cli/ci.py`; this module joins them to the client.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

from hfjobs_cli.api.models import ACTIVE_STAGES, Job
from hfjobs_cli.errors import CliError, ExitCode, Interrupted, UsageError
from hfjobs_cli.hints import command
from hfjobs_cli.invocation import Invocation
from hfjobs_cli.output import Mode

if TYPE_CHECKING:
    from hfjobs_cli.api.client import JobsClient
    from hfjobs_cli.ci import Fold, JobReport

IF_RUNNING = ("skip", "replace", "fail")
CANCEL_TIMEOUT = (3.0, 4.0)  # connect, read: well inside the runner's 7.5 s before SIGTERM


def job_url(client: JobsClient, job: Job, namespace: str) -> str:
    return client.jobs.url(job) if job.owner else f"{client.endpoint}/jobs/{namespace}/{job.id}"


@contextlib.contextmanager
def log_section(app: Invocation, title: str, *, to_stderr: bool) -> Iterator[Fold | None]:
    """The job's log inside a CI group (JSON lines on stdout stay lines: no markers there)."""
    if app.output.mode is Mode.JSON and not to_stderr:
        yield None
        return
    with app.ci.fold(title, sys.stderr if to_stderr else sys.stdout) as fold:
        yield fold


@contextlib.contextmanager
def on_signal(
    app: Invocation, client: JobsClient, namespace: str, job_id: str, *, cancel: bool
) -> Iterator[None]:
    """SIGINT (130) and SIGTERM (143) while attached: cancel the job when `cancel`, else
    detach and say how to follow or cancel it."""
    from hfjobs_cli.ci import Terminated, signal_name, terminate_raises

    try:
        with terminate_raises():
            yield
    except KeyboardInterrupt as exc:
        terminated = isinstance(exc, Terminated)
        if cancel:
            cancel_after_signal(app, client, namespace, job_id, signal_name(exc))
        else:
            ref = f"{namespace}/{job_id}"
            out = app.output
            out.warn(f"Detached: job {ref} keeps running (it was not cancelled)")
            out.hint(f"Follow it again: {command('logs', '-f', ref)}")
            out.hint(f"Cancel it:       {command('cancel', ref)}")
        raise Interrupted(terminated=terminated) from None


def cancel_after_signal(
    app: Invocation, client: JobsClient, namespace: str, job_id: str, signame: str
) -> None:
    """Cancel at once (a second signal cannot interrupt it), confirm in one line, report."""
    from hfjobs_cli.ci import signals_ignored

    out = app.output
    ref = f"{namespace}/{job_id}"
    with signals_ignored():
        try:
            job = client.jobs.cancel(namespace, job_id, timeout=CANCEL_TIMEOUT)
        except Exception as exc:  # any failure: say the job may still run, and how to end it
            out.error(f"{signame}: could not cancel job {ref}, it may still be running: {exc}")
            out.hint(f"Cancel it: {command('cancel', ref)}")
            app.ci.annotate(
                "error", f"Job {ref} may still be running", f"{signame}: cancelling failed: {exc}"
            )
            return
        if out.mode is Mode.HUMAN:
            out.result(f"Job {job_id} cancelled ({signame})")
        elif out.mode is Mode.JSON and job is not None:
            out.json(job.raw)
        if job is not None:
            report_to_ci(app, client, [job], namespace=namespace, why=signame)


def report_to_ci(
    app: Invocation,
    client: JobsClient,
    jobs: list[Job],
    *,
    namespace: str,
    why: str | None = None,
) -> None:
    """Annotations for jobs that did not complete, then the summary, outputs and dotenv."""
    ci = app.ci
    if not ci.active and ci.dotenv is None:
        return
    reports = [_report(client, job, namespace) for job in jobs]
    for job, report in zip(jobs, reports, strict=True):
        ref = f"{job.owner or namespace}/{job.id}"
        detail = f"{job.message}. " if job.message else ""
        if job.stage == "ERROR" and "time" in (job.message or "").lower():
            ci.annotate("error", f"Job {ref} timed out", f"{detail}{report.url}")
        elif job.stage == "ERROR":
            ci.annotate(
                "error", f"Job {ref} failed", f"{detail or 'It ended in ERROR. '}{report.url}"
            )
        elif job.stage in ("CANCELED", "DELETED"):
            what = "cancelled" if job.stage == "CANCELED" else "deleted"
            cause = f" on {why}" if why else ""
            ci.annotate("warning", f"Job {ref} was {what}{cause}", f"{detail}{report.url}")
    ci.jobs_ended(reports)


def _report(client: JobsClient, job: Job, namespace: str) -> JobReport:
    from hfjobs_cli.ci import JobReport
    from hfjobs_cli.commands._hardware import job_cost

    seconds = job.running_seconds()
    try:
        cost = job_cost(client, job.spec.flavor, seconds)
    except Exception:  # a price is a nicety: never fail a report for it
        cost = None
    return JobReport(
        ref=f"{job.owner or namespace}/{job.id}",
        job_id=job.id,
        url=job_url(client, job, namespace),
        image=job.spec.image,
        flavor=job.spec.flavor or "cpu-basic",
        stage=job.stage,
        message=job.message,
        duration=seconds,
        cost=cost,
    )


def check_if_running(if_running: str | None, spec: dict) -> None:
    if if_running is None:
        return
    if if_running not in IF_RUNNING:
        raise UsageError(f"Invalid --if-running '{if_running}': use one of {', '.join(IF_RUNNING)}")
    if not (spec.get("labels") or {}).get("name"):
        raise UsageError("--if-running needs --name NAME: it looks for a running job of that name")


def running_named(
    app: Invocation, client: JobsClient, namespace: str, spec: dict, if_running: str
) -> Job | None:
    """Apply --if-running: the job to attach to instead (skip), or None to start one.

    `fail` raises (exit 1, naming the jobs); `replace` cancels them first.
    """
    name = spec["labels"]["name"]
    running = list(client.jobs.list(namespace, stages=list(ACTIVE_STAGES), labels={"name": name}))
    if not running:
        return None
    refs = [f"{job.owner or namespace}/{job.id}" for job in running]
    if if_running == "fail":
        raise CliError(
            f"A job named '{name}' is already running: {', '.join(refs)}",
            hint=f"Follow it: {command('attach', refs[0])}  (or pass --if-running replace)",
            code=ExitCode.FAILURE,
        )
    out = app.output
    if if_running == "skip":
        out.info(f"Not starting another job named '{name}' (--if-running skip)")
        return running[0]
    for job, ref in zip(running, refs, strict=True):
        client.jobs.cancel(job.owner or namespace, job.id)
        if out.mode is Mode.HUMAN:
            out.result(f"Job {job.id} cancelled: replaced by a new '{name}' (--if-running replace)")
        else:
            out.info(f"Cancelled job {ref}: replaced by a new '{name}' (--if-running replace)")
    return None
