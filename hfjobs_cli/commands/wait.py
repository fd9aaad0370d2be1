"""`hfjobs wait`: block until jobs end; the exit code says how they ended."""

from __future__ import annotations

from typing import Annotated

import typer

from hfjobs_cli import clock
from hfjobs_cli.api.errors import ApiError, NotFoundError
from hfjobs_cli.api.models import Job
from hfjobs_cli.commands._common import (
    app_context,
    ref_text,
    resolve_refs,
    stage_exit_code,
    worst_exit_code,
)
from hfjobs_cli.errors import CliError, ExitCode, Interrupted, UsageError
from hfjobs_cli.hints import command
from hfjobs_cli.invocation import Invocation
from hfjobs_cli.options import (
    JsonOpt,
    LabelFilterOpt,
    NameFilterOpt,
    NamespaceOpt,
    OptionalJobIdsArg,
    TokenOpt,
)
from hfjobs_cli.output import Mode
from hfjobs_cli.parsing import merge_name_label, parse_duration, parse_label
from hfjobs_cli.views import format_duration
from hfjobs_cli.views.jobs import WAIT_COLUMNS, WAITED, WAITING_COLUMNS

MIN_INTERVAL = 0.5  # seconds: faster polling only loads the API


def wait(
    ctx: typer.Context,
    job_ids: OptionalJobIdsArg = None,
    label: LabelFilterOpt = None,
    name: NameFilterOpt = None,
    timeout: Annotated[
        str | None,
        typer.Option(
            "--timeout",
            metavar="DURATION",
            help="Give up after this long (90, 90s, 5m, 1.5h, 1h30m) and exit 124.",
            show_default=False,
        ),
    ] = None,
    interval: Annotated[
        str,
        typer.Option("--interval", metavar="DURATION", help="Time between status checks."),
    ] = "2s",
    namespace: NamespaceOpt = None,
    token: TokenOpt = None,
    json: JsonOpt = False,
    quiet: Annotated[
        bool, typer.Option("-q", "--quiet", help="Print nothing: only the exit code tells.")
    ] = False,
) -> None:
    """Wait until jobs end: exit 0 if all completed, 1 if any failed, 3 if any was cancelled.

    Jobs are given by id, or selected with -l/--label and --name: then every matching job,
    those already ended included (they count with their outcome); no match exits 5.
    Exit 124 when --timeout runs out.

    Examples:

      hfjobs wait 6650a1b2c3d4e5f60718293a && echo "done"

      hfjobs wait -l sweep=lr-search --timeout 2h

      hfjobs run -d -q python:3.12 python train.py | xargs hfjobs wait -q
    """
    app = app_context(ctx)
    out = app.set_output(json=json, quiet=quiet)
    selected = bool(label) or name is not None
    if not job_ids and not selected:
        raise UsageError(
            "Give the jobs to wait for: job ids, or -l/--label KEY=VALUE or --name NAME"
        )
    if job_ids and selected:
        raise UsageError("Use either job ids or -l/--label/--name, not both")
    limit = parse_duration(timeout, what="--timeout") if timeout is not None else None
    every = parse_duration(interval, what="--interval")
    if every < MIN_INTERVAL:
        raise UsageError(f"Invalid --interval '{interval}': it must be at least {MIN_INTERVAL}s")
    labels = merge_name_label(
        dict(parse_label(item, require_value=True) for item in label or []), name
    )
    refs = dict.fromkeys(resolve_refs(app, job_ids, namespace)) if job_ids else {}
    client = app.client(token)
    start = clock.monotonic()
    if selected:
        ns = app.namespace(namespace)
        # Every matching job, ended ones too: a sweep whose jobs already failed must not
        # exit 0 because nothing was left running.
        jobs = {(ns, j.id): j for j in client.jobs.list(ns, labels=labels)}
        if not jobs:
            filters = ", ".join(f"{k}={v}" for k, v in labels.items())
            out.empty()
            raise CliError(
                f"No job in {ns} matches {filters}: nothing to wait for",
                hint="Check the label and the namespace: "
                + command(
                    "ps",
                    "-a",
                    *[w for k, v in labels.items() for w in ("-l", f"{k}={v}")],
                    namespace=ns,
                ),
                code=ExitCode.NOT_FOUND,
            )
    else:
        jobs = _first_look(app, list(refs))
    code = _wait(app, jobs, start=start, limit=limit, every=every)
    if code:
        raise typer.Exit(code)


def _first_look(app: Invocation, refs: list[tuple[str, str]]) -> dict[tuple[str, str], Job]:
    """Every job as it is now; unknown ids are reported together before any waiting (exit 5)."""
    client = app.client()
    jobs: dict[tuple[str, str], Job] = {}
    missing = []
    for ns, ident in refs:
        try:
            jobs[(ns, ident)] = client.jobs.get(ns, ident)
        except NotFoundError:
            missing.append(ref_text(ns, ident))
    if missing:
        for ref in missing:
            app.output.error(f"Job {ref} not found")
        raise CliError(
            f"Not waiting: {len(missing)} of {len(refs)} jobs not found",
            hint="Check the ids and the namespace (ids may be written NAMESPACE/ID)",
            code=ExitCode.NOT_FOUND,
        )
    return jobs


def _wait(
    app: Invocation,
    jobs: dict[tuple[str, str], Job],
    *,
    start: float,
    limit: float | None,
    every: float,
) -> int:
    out = app.output
    client = app.client()
    # Off a terminal, a person's table grows as jobs finish (a CI log shows each one).
    stream_rows = out.mode is Mode.HUMAN and not out.stdout_is_terminal
    finished: set[tuple[str, str]] = set()
    timed_out = False
    try:
        if stream_rows:
            out.table_line(WAIT_COLUMNS)
        with out.live_table(transient=True) as live:
            first = True
            while True:
                for key, job in jobs.items():
                    if key in finished:
                        continue
                    if not first and not job.is_terminal:
                        job = jobs[key] = _poll(client, key, job)
                    if job.is_terminal:
                        finished.add(key)
                        if stream_rows:
                            out.table_line(WAITED.row(job, human=False))
                first = False
                elapsed = clock.monotonic() - start
                live.update(
                    WAITING_COLUMNS,
                    jobs.values(),
                    note=_note(len(finished), len(jobs), elapsed, limit),
                )
                if len(finished) == len(jobs):
                    break
                if limit is not None and elapsed >= limit:
                    timed_out = True
                    break
                pause = every if limit is None else max(0.0, min(every, limit - elapsed))
                clock.sleep(pause)
    except KeyboardInterrupt:
        out.warn("Stopped waiting: the jobs keep running")
        raise Interrupted() from None
    except ApiError as exc:
        if not exc.transient:
            raise
        # A poll outlived the retry budget: the outcome is unknown and nothing was touched.
        running = [ref_text(*key) for key, job in jobs.items() if not job.is_terminal]
        raise CliError(
            f"Stopped waiting, {len(running)} job{'s' if len(running) != 1 else ''} not "
            f"finished and not cancelled: {exc}",
            hint=f"Wait again: {command('wait', *running)}",
            code=ExitCode.UNREACHABLE,
        ) from exc
    return _report(app, list(jobs.values()), timed_out=timed_out, limit=limit)


def _poll(client, key: tuple[str, str], last: Job) -> Job:
    """The job now (through the client's retries); a job that vanished counts as DELETED."""
    try:
        return client.jobs.get(*key)
    except NotFoundError:
        raw = dict(last.raw)
        raw["status"] = {**(raw.get("status") or {}), "stage": "DELETED"}
        raw["status"]["message"] = "the job no longer exists"
        return Job.from_api(raw)


def _note(done: int, total: int, elapsed: float, limit: float | None) -> str:
    text = f"{done} of {total} finished; waiting {format_duration(elapsed)}"
    if limit is not None:
        text += f" of {format_duration(limit)}"
    return text + " (Ctrl-C stops waiting, the jobs keep running)"


def _report(app: Invocation, jobs: list[Job], *, timed_out: bool, limit: float | None) -> int:
    from hfjobs_cli.commands._ci import report_to_ci

    out = app.output
    report_to_ci(app, app.client(), jobs, namespace=jobs[0].owner if jobs else "")
    if timed_out:
        app.ci.annotate(
            "error", "Timed out waiting", f"hfjobs wait gave up after {format_duration(limit)}"
        )
    if out.mode is Mode.JSON:
        out.records(WAITED, jobs)
    elif out.mode is Mode.HUMAN and out.stdout_is_terminal:  # in a pipe, the rows grew already
        out.table(WAIT_COLUMNS, jobs)
    if timed_out:
        running = [job for job in jobs if not job.is_terminal]
        if out.mode is not Mode.QUIET:
            listed = ", ".join(f"{job.id} ({job.stage})" for job in running)
            out.error(
                f"Timed out after {format_duration(limit)}: {len(running)} of {len(jobs)} "
                f"jobs still running: {listed}"
            )
            out.hint(
                f"The jobs keep running; wait again or cancel them with `{command('cancel')} ID...`"
            )
        return ExitCode.WAIT_TIMEOUT
    failed = [job for job in jobs if job.stage != "COMPLETED"]
    if out.mode is not Mode.QUIET:
        if not failed:
            what = f"Job {jobs[0].id}" if len(jobs) == 1 else f"All {len(jobs)} jobs"
            out.info(f"{what} completed")
        else:
            listed = ", ".join(
                f"{job.id} ({job.stage}{': ' + job.message if job.message else ''})"
                for job in failed
            )
            out.error(f"{len(failed)} of {len(jobs)} jobs did not complete: {listed}")
    return worst_exit_code([stage_exit_code(job.stage) for job in jobs])


def register(app: typer.Typer) -> None:
    app.command("wait")(wait)
