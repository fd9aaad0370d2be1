"""`hfjobs schedule ls` (hidden aliases `ps`, `list`): list scheduled jobs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from hfjobs_cli.api.errors import NotFoundError
from hfjobs_cli.commands._common import app_context
from hfjobs_cli.commands.schedule._shared import scheduled_api
from hfjobs_cli.options import (
    JsonOpt,
    LabelFilterOpt,
    NameFilterOpt,
    NamespaceOpt,
    NoTruncOpt,
    QuietOpt,
    TokenOpt,
)
from hfjobs_cli.parsing import merge_name_label, parse_label
from hfjobs_cli.views.scheduled import scheduled_list

if TYPE_CHECKING:
    from hfjobs_cli.api.client import JobsClient
    from hfjobs_cli.api.models import Job, ScheduledJob


def last_job(client: JobsClient, namespace: str, sj: ScheduledJob) -> Job | None:
    """The job of the last run (None if it never ran or the job is gone)."""
    if not sj.last_job_id:
        return None
    try:
        return client.jobs.get(sj.owner or namespace, sj.last_job_id)
    except NotFoundError:
        return None


def ls(
    ctx: typer.Context,
    all_: Annotated[
        bool, typer.Option("-a", "--all", help="Include suspended scheduled jobs.")
    ] = False,
    label: LabelFilterOpt = None,
    name: NameFilterOpt = None,
    namespace: NamespaceOpt = None,
    token: TokenOpt = None,
    json: JsonOpt = False,
    quiet: QuietOpt = False,
    no_trunc: NoTruncOpt = False,
) -> None:
    """List scheduled jobs (active ones unless -a), with their last and next run.

    Examples:

      hfjobs schedule ls

      hfjobs schedule ls -a -l team=ml

      hfjobs schedule ls -q --name nightly | xargs hfjobs schedule suspend
    """
    app = app_context(ctx)
    out = app.set_output(json=json, quiet=quiet, no_trunc=no_trunc)
    labels = dict(parse_label(item, require_value=True) for item in label or [])
    labels = merge_name_label(labels, name)
    api = scheduled_api(app, token)
    ns = app.namespace(namespace)
    items = [sj for sj in api.list(ns, labels) if all_ or not sj.suspend]
    stages: dict[str, str | None] = {}

    def last_stage(sj: ScheduledJob) -> str | None:
        """The stage of its last run: fetched once, when the table needs it."""
        if sj.id not in stages:
            job = last_job(api.client, ns, sj)
            stages[sj.id] = job.stage if job else None
        return stages[sj.id]

    filters = ", ".join(f"{k}={v}" for k, v in labels.items())
    what = "scheduled jobs" if all_ else "active scheduled jobs"
    out.records(
        scheduled_list(last_stage),
        items,
        empty=f"No {what} in {ns}" + (f" matching {filters}" if filters else ""),
        empty_hint="Use -a to include suspended ones" if not all_ else "",
    )


def register(app: typer.Typer) -> None:
    app.command("ls")(ls)
    app.command("ps", hidden=True)(ls)
    app.command("list", hidden=True)(ls)
