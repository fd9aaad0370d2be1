"""`hfjobs cancel`: cancel jobs by id, or in bulk by label, name or --all."""

from __future__ import annotations

from typing import Annotated

import typer

from hfjobs_cli.api.errors import NotFoundError
from hfjobs_cli.api.models import ACTIVE_STAGES
from hfjobs_cli.commands._common import app_context, confirm, ref_text, resolve_refs
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
from hfjobs_cli.views import JOB_COLUMNS, job_row


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
        jobs = list(client.list_jobs(ns, stages=list(ACTIVE_STAGES), labels=labels))
        if not jobs:
            out.info("No running or scheduling job matches")
            if out.mode == "json":
                out.json([])
            return
        if out.mode == "human" or not yes:
            out.info(f"{len(jobs)} job{'s' if len(jobs) > 1 else ''} to cancel:")
            out.table(JOB_COLUMNS, [job_row(j, human=True) for j in jobs], stderr=True)
        confirm(
            f"Cancel {len(jobs)} job{'s' if len(jobs) > 1 else ''}?",
            yes=yes,
            action="cancel",
            declined="Nothing cancelled",
        )
        targets = [(j.owner or ns, j.id) for j in jobs]
    else:
        targets = resolve_refs(app, list(job_ids or []), namespace)
    shown = []
    missing = 0
    ended = 0
    for ns, ident in targets:
        try:
            job = _cancel_one(client, ns, ident, listed=selector)
        except NotFoundError:
            out.error(f"Job {ref_text(ns, ident)} not found")
            missing += 1
            continue
        shown.append(job.raw if job else {"id": ident})
        if job is not None and job.is_terminal and job.stage != "CANCELED":
            # It ended on its own before the cancel: say so, never claim to have cancelled it.
            ended += 1
            message = f": {job.message}" if job.message else ""
            out.warn(
                f"Job {ident} had already ended with stage {job.stage}{message}: not cancelled"
            )
            continue
        if out.mode == "human":
            out.result(f"Job {ident} cancelled")
        elif out.mode == "quiet":
            out.ids([ident])
    if out.mode == "json":
        out.json(shown)
    if missing:
        raise typer.Exit(ExitCode.NOT_FOUND)
    if ended:
        raise typer.Exit(ExitCode.FAILURE)


def _cancel_one(client, ns: str, ident: str, *, listed: bool):
    """Cancel a job that is still going; a job already over is returned as it is, untouched.

    Ids named by the user are read first (a COMPLETED job is not cancelled, whatever the
    server would do with the request); jobs just listed as running go straight to the cancel,
    whose answer still tells a job that ended in between."""
    if not listed:
        job = client.get_job(ns, ident)
        if job.is_terminal:
            return job
    return client.cancel_job(ns, ident)


def register(app: typer.Typer) -> None:
    app.command("cancel")(cancel)
