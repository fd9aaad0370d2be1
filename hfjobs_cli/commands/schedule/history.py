"""`hfjobs schedule history`: the runs a scheduled job started."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from hfjobs_cli.commands._common import app_context, ref_text, resolve_refs
from hfjobs_cli.commands.schedule._shared import WHAT, ScheduleIdArg, scheduled_api
from hfjobs_cli.hints import command
from hfjobs_cli.options import JsonOpt, NamespaceOpt, QuietOpt, TokenOpt
from hfjobs_cli.views.scheduled import HISTORY

if TYPE_CHECKING:
    from hfjobs_cli.api.models import Job


def history(
    ctx: typer.Context,
    sj_id: ScheduleIdArg,
    limit: Annotated[
        int,
        typer.Option(
            "--limit", min=0, max=1_000_000, metavar="N", help="Show at most N runs; 0 for all."
        ),
    ] = 20,
    namespace: NamespaceOpt = None,
    token: TokenOpt = None,
    json: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """List the jobs a scheduled job started, newest first.

    Each run shows its status, start time and duration.

    Examples:

      hfjobs schedule history 6650b0c1d2e3f4a5b6c7d8e9

      hfjobs schedule history --limit 1 -q 6650b0c1d2e3f4a5b6c7d8e9 | xargs hfjobs logs
    """
    from hfjobs_cli.api.scheduled import started_by

    app = app_context(ctx)
    out = app.set_output(json=json, quiet=quiet)
    api = scheduled_api(app, token)
    ((ns, ident),) = resolve_refs(app, [sj_id], namespace, what=WHAT)
    runs: list[Job] = []
    truncated = False
    for job in api.client.jobs.list(ns):
        if not started_by(job, ident):
            continue
        if limit and len(runs) == limit:
            truncated = True
            break
        runs.append(job)
    oldest = datetime.min.replace(tzinfo=UTC)
    runs.sort(key=lambda job: job.created_at or oldest, reverse=True)
    if not runs:
        api.get(ns, ident)  # an unknown id is a 404 (exit 5), not an empty history
    out.records(
        HISTORY,
        runs,
        empty=f"Scheduled job {ident} has not started any job yet",
        empty_hint=f"Run it now: {command('schedule', 'trigger', ref_text(ns, ident))}",
    )
    if truncated:
        out.hint(f"Showing the {limit} newest runs; use --limit 0 to see all")


def register(app: typer.Typer) -> None:
    app.command("history")(history)
