"""Following a job to its end: spinner while scheduling, logs, then the final stage's exit code.

Used by attached `run`, `rerun`, `attach` and `logs -f`. Ctrl-C detaches: the job keeps
running and stderr says how to follow it again or cancel it; in CI or with --cancel-on-exit,
SIGINT and SIGTERM cancel it (commands/_ci.py).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from hfjobs_cli.api.errors import ApiError
from hfjobs_cli.api.models import Job
from hfjobs_cli.commands._common import stage_exit_code
from hfjobs_cli.errors import CliError, ExitCode, Interrupted
from hfjobs_cli.hints import command
from hfjobs_cli.invocation import Invocation
from hfjobs_cli.output import Mode
from hfjobs_cli.views.jobs import JOBS

if TYPE_CHECKING:
    from hfjobs_cli.api.client import JobsClient


def print_batch(
    app: Invocation, batch, *, timestamps: bool, to_stderr: bool = False, fold=None
) -> None:
    """A batch of log lines (a LogBatch's columns, or LogEvents) in one write; `fold` (CI)
    filters the lines of a log group."""
    texts = getattr(batch, "texts", None)
    stamps = getattr(batch, "stamps", None)
    if texts is None or stamps is None:
        texts, stamps = [e.data for e in batch], [e.timestamp for e in batch]
    if app.output.mode is Mode.JSON and not to_stderr:
        # json.dumps({"timestamp": t, "data": d}, ensure_ascii=False), without a dict per line
        from json.encoder import encode_basestring

        lines = [
            '{"timestamp": ' + encode_basestring(t) + ', "data": ' + encode_basestring(d) + "}"
            for t, d in zip(stamps, texts, strict=True)
        ]
        if app.ci.active:
            from hfjobs_cli.ci import json_line_safe

            lines = [json_line_safe(line) for line in lines]
        app.output.write_log_lines(lines)
        return
    lines = [f"{t} {d}" for t, d in zip(stamps, texts, strict=True)] if timestamps else texts
    if fold is not None:
        lines = fold.lines(lines)
    if to_stderr:
        import sys

        sys.stderr.write("\n".join(lines) + "\n")
        sys.stderr.flush()
    else:
        app.output.write_log_lines(lines)


def follow_to_end(
    app: Invocation,
    client: JobsClient,
    namespace: str,
    job_id: str,
    *,
    tail: int | None = None,
    timestamps: bool = False,
    logs_to_stderr: bool = False,
    wait_scheduling: bool = True,
    keep=None,
    cancel_on_signal: bool = False,
) -> Job:
    """Stream the job's log until it is final and return the final job. `keep`, when
    given, chooses the lines to print (`logs --since/--until/--grep`)."""
    from hfjobs_cli.api.logs import Follower, wait_not_scheduling
    from hfjobs_cli.commands._ci import log_section, on_signal

    out = app.output
    ref = f"{namespace}/{job_id}"
    with on_signal(app, client, namespace, job_id, cancel=cancel_on_signal):
        try:
            if wait_scheduling:
                start = time.monotonic()
                with out.status("Scheduling") as status:

                    def show(job: Job) -> None:
                        elapsed = int(time.monotonic() - start)
                        status.update(
                            f"{job.stage.title()}: {job.message or 'waiting'} ({elapsed}s)"
                        )

                    wait_not_scheduling(client, namespace, job_id, on_status=show)
            follower = Follower(
                client,
                namespace,
                job_id,
                tail=tail,
                read_timeout=app.stream_timeout,
                on_reconnect=lambda message: out.info(f"({message})") if out.interactive else None,
            )
            with log_section(app, f"Log of job {ref}", to_stderr=logs_to_stderr) as fold:
                for batch in follower:
                    if keep is not None:
                        batch = [event for event in batch if keep(event)]
                        if not batch:
                            continue
                    print_batch(
                        app, batch, timestamps=timestamps, to_stderr=logs_to_stderr, fold=fold
                    )
        except ApiError as exc:
            if not exc.transient:
                raise
            # The budget ran out on a transient failure: the job's outcome is unknown, and it
            # was not touched. Say what was tried and how to pick it up again (exit 6).
            raise CliError(
                f"Stopped following job {ref}, which was not cancelled: {exc}",
                hint=f"Follow it again: {command('logs', '-f', ref)}",
                code=ExitCode.UNREACHABLE,
            ) from exc
    assert follower.job is not None
    return follower.job


def report_final(app: Invocation, job: Job, *, ref: str) -> int:
    """Say how the job ended (stderr), report it to the CI, and return its exit code."""
    from hfjobs_cli.commands._ci import report_to_ci

    report_to_ci(app, app.client(), [job], namespace=ref.split("/", 1)[0])
    code = stage_exit_code(job.stage)
    message = f": {job.message}" if job.message else ""
    if code == ExitCode.OK:
        app.output.info(f"Job {ref} completed")
    elif code == ExitCode.CANCELED:
        app.output.error(f"Job {ref} was {job.stage.lower()}{message}")
    else:
        app.output.error(f"Job {ref} ended with stage {job.stage}{message}")
        app.output.hint(f"Details: {command('inspect', ref)}")
    return code


def present_started_job(
    app: Invocation,
    client: JobsClient,
    job: Job,
    namespace: str,
    *,
    detach: bool,
    what: str = "",
    verb: str = "started",
) -> int:
    """After a job was created: print it (detached) or follow it; return the exit code."""
    from hfjobs_cli import completion
    from hfjobs_cli.commands._ci import job_url, on_signal, report_to_ci

    completion.forget("jobs")  # so that Tab offers the new job at once

    out = app.output
    owner = job.owner or namespace
    ref = f"{owner}/{job.id}"
    url = job_url(client, job, namespace)
    app.ci.job_started(ref, url)
    if detach:

        def where(job: Job) -> None:
            out.line(url)
            for exposed in job.expose_urls:
                out.line(exposed)
            if job.ssh_url:
                out.hint(f"Connect: {command('ssh', ref)}")
            out.hint(f"Follow its log: {command('logs', '-f', ref)}")

        out.change(JOBS, job, lambda job: f"Job {job.id} {verb}{what}", then=where)
        report_to_ci(app, client, [job], namespace=namespace)
        return ExitCode.OK
    if out.mode is Mode.QUIET:  # the id first: the log follows on stderr
        out.ids([job.id])
    cancel = app.cancels_on_signal
    with on_signal(app, client, owner, job.id, cancel=cancel):
        out.note(f"Job {job.id} {verb}{what}: {url}")
        for exposed in job.expose_urls:
            out.note(f"Exposed: {exposed}")
        final = follow_to_end(
            app,
            client,
            owner,
            job.id,
            logs_to_stderr=out.logs_to_stderr,
            cancel_on_signal=cancel,
        )
    if out.mode is Mode.JSON:  # the job as it ended, after its log
        out.json(final.raw)
    return report_final(app, final, ref=ref)


def start_job(
    app: Invocation,
    spec: dict,
    *,
    namespace: str | None,
    token: str | None,
    detach: bool,
    if_running: str | None = None,
) -> int:
    """Create the job (after a one-line summary with its maximum cost), then present it.

    With `if_running` (skip, replace, fail), a running job of the same name is looked for first.
    """
    from hfjobs_cli.ci import signals_deferred
    from hfjobs_cli.commands._ci import cancel_after_signal, check_if_running, running_named
    from hfjobs_cli.commands._emulator_gaps import warn_emulator_gaps
    from hfjobs_cli.commands._hardware import launch_summary

    check_if_running(if_running, spec)
    client = app.client(token)
    ns = app.namespace(namespace)
    if if_running:
        existing = running_named(app, client, ns, spec, if_running)
        if existing is not None:
            return present_started_job(
                app, client, existing, ns, detach=detach, verb=f"is already {existing.stage}"
            )
    app.output.note(lambda: launch_summary(app, client, spec))
    warn_emulator_gaps(app, client, spec)
    if detach or not app.cancels_on_signal:
        job = client.jobs.create(ns, spec)
    else:  # a signal during the create must not leave a job running that nobody cancels
        with signals_deferred() as noted:
            job = client.jobs.create(ns, spec)
        if noted:
            owner = job.owner or ns
            app.ci.job_started(f"{owner}/{job.id}", app.client().jobs.url(job))
            cancel_after_signal(app, client, owner, job.id, noted[0])
            raise Interrupted(terminated=noted[0] == "SIGTERM")
    return present_started_job(app, client, job, ns, detach=detach)
