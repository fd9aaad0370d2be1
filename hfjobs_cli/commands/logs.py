"""`hfjobs logs`: print or follow the log of one job, or of several at once."""

from __future__ import annotations

from typing import Annotated

import typer

from hfjobs_cli.commands._attach import follow_to_end, print_batch, report_final
from hfjobs_cli.commands._common import app_context, ref_text, resolve_refs, stage_exit_code
from hfjobs_cli.errors import CliError, ExitCode, Interrupted, UsageError
from hfjobs_cli.options import (
    LabelFilterOpt,
    NameFilterOpt,
    NamespaceOpt,
    OptionalJobIdsArg,
    TokenOpt,
)
from hfjobs_cli.output import Mode

MAX_JOBS = 100  # jobs followed at once


def line_filter(since: str | None, until: str | None, grep: str | None):
    """The test a log line must pass (`--since`, `--until`, `--grep`), or None for all."""
    if since is None and until is None and grep is None:
        return None
    import re

    from hfjobs_cli.api.models import parse_time
    from hfjobs_cli.parsing import parse_since

    start = parse_since(since, option="--since") if since is not None else None
    end = parse_since(until, option="--until") if until is not None else None
    try:
        pattern = re.compile(grep) if grep is not None else None
    except re.error as exc:
        raise UsageError(f"Invalid --grep '{grep}': {exc}") from None

    def keep(event) -> bool:
        if pattern is not None and not pattern.search(event.data):
            return False
        if start is None and end is None:
            return True
        stamp = parse_time(event.timestamp)
        if stamp is None:
            return True  # no time to judge by: keep it rather than lose it
        return (start is None or stamp >= start) and (end is None or stamp <= end)

    return keep


def logs(
    ctx: typer.Context,
    job_ids: OptionalJobIdsArg = None,
    follow: Annotated[
        bool,
        typer.Option("-f", "--follow", help="Stream until the jobs end; exit with their outcome."),
    ] = False,
    tail: Annotated[
        int | None,
        typer.Option(
            "-n",
            "--tail",
            min=0,
            max=100_000_000,
            metavar="N",
            help="Start from the last N lines (of each job).",
            show_default=False,
        ),
    ] = None,
    timestamps: Annotated[
        bool,
        typer.Option("-t", "--timestamps", help="Prefix each line with its RFC 3339 timestamp."),
    ] = False,
    label: LabelFilterOpt = None,
    name: NameFilterOpt = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="DURATION|TIME",
            help="Only lines from this time on: 10m back, or an RFC 3339 time.",
            show_default=False,
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(
            "--until",
            metavar="DURATION|TIME",
            help="Only lines up to this time: 10m back, or an RFC 3339 time.",
            show_default=False,
        ),
    ] = None,
    grep: Annotated[
        str | None,
        typer.Option(
            "--grep",
            metavar="REGEX",
            help="Only lines matching this regular expression (Python syntax).",
            show_default=False,
        ),
    ] = None,
    no_prefix: Annotated[
        bool, typer.Option("--no-prefix", help="With several jobs: no tag before each line.")
    ] = False,
    prefix_format: Annotated[
        str | None,
        typer.Option(
            "--prefix-format",
            metavar="FORMAT",
            help="The tag before each line: {tag}, {name}, {id}, {short}, {ns} (default '{tag} | ').",
            show_default=False,
        ),
    ] = None,
    namespace: NamespaceOpt = None,
    token: TokenOpt = None,
    json: Annotated[
        bool, typer.Option("--json", help="One JSON object per line: {timestamp, data}.")
    ] = False,
) -> None:
    """Print the log lines a job has written so far, or follow them with -f.

    With -f the command ends when the job does, with its exit code (0 COMPLETED,
    1 ERROR, 3 CANCELED); Ctrl-C stops following and leaves the job running. Several ids,
    or -l/--name, follow several jobs at once, each line behind the job's tag; the exit code
    is then 1 if any job ended in ERROR, else 3 if any was cancelled, else 0.

    Examples:

      hfjobs logs 6650a1b2c3d4e5f60718293a

      hfjobs logs -f -n 20 -t alice/6650a1b2c3d4e5f60718293a

      hfjobs logs -f -l sweep=3f9a2c1d --grep 'loss'
    """
    from hfjobs_cli.commands._multilog import DEFAULT_PREFIX, check_prefix_format

    app = app_context(ctx)
    out = app.set_output(json=json)
    keep = line_filter(since, until, grep)
    if prefix_format is not None:
        check_prefix_format(prefix_format)
        if no_prefix:
            raise UsageError("Use either --no-prefix or --prefix-format, not both")
    selected = bool(label) or name is not None
    if selected and job_ids:
        raise UsageError("Use either job ids or -l/--label/--name, not both")
    if not selected and not job_ids:
        raise UsageError(
            "Give the jobs whose log to show: job ids, or -l/--label KEY=VALUE or --name NAME"
        )
    client = app.client(token)
    targets = _targets(app, client, job_ids or [], label or [], name, namespace)
    if len(targets) == 1 and not selected and prefix_format is None:
        _one(app, client, targets[0], follow, tail, timestamps, keep)
        return
    fmt = None if no_prefix else (prefix_format if prefix_format is not None else DEFAULT_PREFIX)
    if follow:
        from hfjobs_cli.commands._ci import log_section, report_to_ci
        from hfjobs_cli.commands._multilog import follow_many, summary

        with log_section(app, f"Logs of {len(targets)} jobs", to_stderr=False):
            code, finals = follow_many(
                app, client, targets, tail=tail, keep=keep, timestamps=timestamps, prefix_format=fmt
            )
        if out.mode is Mode.HUMAN:
            summary(app, targets, finals)
        report_to_ci(app, client, list(finals.values()), namespace=targets[0].namespace)
        if code:
            raise typer.Exit(code)
        return
    from hfjobs_cli.commands._ci import log_section

    with log_section(app, f"Logs of {len(targets)} jobs", to_stderr=False):
        _snapshots(app, client, targets, tail, timestamps, keep, fmt)


def _targets(app, client, job_ids, label, name, namespace):
    from hfjobs_cli.commands._multilog import Target
    from hfjobs_cli.parsing import merge_name_label, parse_label

    if job_ids:
        refs = resolve_refs(app, job_ids, namespace)
        if len(refs) == 1:
            return [Target(ns, ident) for ns, ident in refs]
        return [_named_target(client, ns, ident) for ns, ident in refs]
    labels = merge_name_label(dict(parse_label(i, require_value=True) for i in label), name)
    ns = app.namespace(namespace)
    jobs = []
    for job in client.jobs.list(ns, labels=labels):
        jobs.append(job)
        if len(jobs) > MAX_JOBS:
            raise UsageError(
                f"More than {MAX_JOBS} jobs match: following them all at once is refused",
                hint="Narrow the selection with more -l KEY=VALUE labels",
            )
    if not jobs:
        filters = ", ".join(f"{k}={v}" for k, v in labels.items())
        raise CliError(f"No job in {ns} matches {filters}", code=ExitCode.NOT_FOUND)
    jobs.reverse()  # oldest first: tags and summaries in the order the jobs started
    return [Target(job.owner or ns, job.id, job.name or "") for job in jobs]


def _named_target(client, ns: str, ident: str):
    """A job given by id, with its name for the tag (and a clear error when it is unknown)."""
    from hfjobs_cli.api.errors import NotFoundError
    from hfjobs_cli.commands._multilog import Target

    try:
        job = client.jobs.get(ns, ident)
    except NotFoundError:
        raise CliError(f"Job {ref_text(ns, ident)} not found", code=ExitCode.NOT_FOUND) from None
    return Target(ns, ident, job.name or "")


def _one(app, client, target, follow, tail, timestamps, keep) -> None:
    out = app.output
    ns, ident = target.namespace, target.job_id
    if follow:
        job = follow_to_end(
            app, client, ns, ident, tail=tail, timestamps=timestamps, wait_scheduling=False,
            keep=keep,
        )  # fmt: skip
        if out.mode is Mode.HUMAN:
            code = report_final(app, job, ref=ref_text(ns, ident))
        else:
            from hfjobs_cli.commands._ci import report_to_ci

            report_to_ci(app, client, [job], namespace=ns)
            code = stage_exit_code(job.stage)
        if code:
            raise typer.Exit(code)
        return
    from hfjobs_cli.api.logs import snapshot
    from hfjobs_cli.commands._ci import log_section

    try:
        with log_section(app, f"Log of job {ref_text(ns, ident)}", to_stderr=False) as fold:
            for batch in snapshot(client, ns, ident, tail=tail):
                if keep is not None:
                    batch = [event for event in batch if keep(event)]
                if batch:
                    print_batch(app, batch, timestamps=timestamps, fold=fold)
    except KeyboardInterrupt:
        raise Interrupted() from None


def _snapshots(app, client, targets, tail, timestamps, keep, fmt) -> None:
    """What each job has written so far, one job after the other, each line tagged."""
    from hfjobs_cli.api.logs import snapshot
    from hfjobs_cli.commands._multilog import prefixes, print_lines, stdout_colour

    out = app.output
    tags = prefixes(targets, fmt or "", colour=stdout_colour(out) and out.mode is not Mode.JSON)
    try:
        for target, tag in zip(targets, tags, strict=True):
            for batch in snapshot(client, target.namespace, target.job_id, tail=tail):
                print_lines(app, batch, tag, target, timestamps=timestamps, keep=keep)
    except KeyboardInterrupt:
        raise Interrupted() from None


def register(app: typer.Typer) -> None:
    app.command("logs")(logs)
