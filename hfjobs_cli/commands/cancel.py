"""`hfjobs cancel`: cancel jobs by id, or in bulk by label, name or --all."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, TypeGuard

import typer

from hfjobs_cli.api.models import ACTIVE_STAGES
from hfjobs_cli.commands._common import act_on_each, app_context, confirm, resolve_refs
from hfjobs_cli.errors import ExitCode, UsageError
from hfjobs_cli.options import (
    JsonOpt,
    LabelFilterOpt,
    NameFilterOpt,
    NamespaceOpt,
    OptionalJobIdsArg,
    QuietOpt,
    TokenOpt,
    YesOpt,
)
from hfjobs_cli.parsing import merge_name_label, parse_label

if TYPE_CHECKING:
    from hfjobs_cli.api.models import Job
from hfjobs_cli.output import Mode
from hfjobs_cli.views.jobs import JOB_BY_ID, JOBS


def cancel(
    ctx: typer.Context,
    job_ids: OptionalJobIdsArg = None,
    label: LabelFilterOpt = None,
    name: NameFilterOpt = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Every running or scheduling job of the namespace.")
    ] = False,
    yes: YesOpt = False,
    namespace: NamespaceOpt = None,
    token: TokenOpt = None,
    json: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Cancel jobs; an unknown id is reported and the others are still cancelled.

    With -l, --name or --all, the running and scheduling jobs that match are listed and
    cancelled after a confirmation (-y skips it; without a terminal, -y is required).
    A job that had already ended is named with its stage and left alone: exit 1 when
    any had (5 when any id is unknown), 0 when every job given was cancelled.

    Examples:

      hfjobs cancel 6650a1b2c3d4e5f60718293a

      hfjobs ps -q | xargs hfjobs cancel

      hfjobs cancel -l sweep=lr-search -y
    """
    app = app_context(ctx)
    out = app.set_output(json=json, quiet=quiet)
    selector = bool(label or name or all_)
    if job_ids and selector:
        raise UsageError("Give job ids, or a selector (-l, --name, --all), not both")
    if not job_ids and not selector:
        raise UsageError("Give the jobs to cancel: ids, -l KEY=VALUE, --name NAME or --all")
    labels = merge_name_label(dict(parse_label(i, require_value=True) for i in label or []), name)
    client = app.client(token)
    if selector:
        ns = app.namespace(namespace)
        jobs = list(client.jobs.list(ns, stages=list(ACTIVE_STAGES), labels=labels))
        if not jobs:
            out.info("No running or scheduling job matches")
            out.changed(JOB_BY_ID, [], str)
            return
        if out.mode is Mode.HUMAN or not yes:  # what will go, for the person who confirms
            out.info(f"{len(jobs)} job{'s' if len(jobs) > 1 else ''} to cancel:")
            out.table(JOBS.columns, jobs, human=True, stderr=True)
        confirm(
            f"Cancel {len(jobs)} job{'s' if len(jobs) > 1 else ''}?",
            yes=yes,
            action="cancel",
            declined="Nothing cancelled",
        )
        targets = [(j.owner or ns, j.id) for j in jobs]
    else:
        targets = resolve_refs(app, list(job_ids or []), namespace)
    ended = []

    def act(ns: str, ident: str) -> tuple[str, Job | None]:
        job = _cancel_one(client, ns, ident, listed=selector)
        if _ended_before(job):
            # It ended on its own before the cancel: say so, never claim to have cancelled it.
            ended.append(ident)
            message = f": {job.message}" if job.message else ""
            out.warn(
                f"Job {ident} had already ended with stage {job.stage}{message}: not cancelled"
            )
        return ident, job

    def cancelled(result: tuple[str, Job | None]) -> str | None:
        ident, job = result
        return None if _ended_before(job) else f"Job {ident} cancelled"

    act_on_each(app, targets, act, lambda results: out.changed(JOB_BY_ID, results, cancelled))
    if ended:
        raise typer.Exit(ExitCode.FAILURE)


def _ended_before(job: Job | None) -> TypeGuard[Job]:
    return job is not None and job.is_terminal and job.stage != "CANCELED"


def _cancel_one(client, ns: str, ident: str, *, listed: bool):
    """Cancel a job that is still going; a job already over is returned as it is, untouched.

    Ids named by the user are read first (a COMPLETED job is not cancelled, whatever the
    server would do with the request); jobs just listed as running go straight to the cancel,
    whose answer still tells a job that ended in between."""
    if not listed:
        job = client.jobs.get(ns, ident)
        if job.is_terminal:
            return job
    return client.jobs.cancel(ns, ident)


def register(app: typer.Typer) -> None:
    app.command("cancel")(cancel)
