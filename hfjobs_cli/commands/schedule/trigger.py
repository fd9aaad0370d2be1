"""`hfjobs schedule trigger`: start a run of a scheduled job now."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from hfjobs_cli.api.errors import ConflictError
from hfjobs_cli.commands._common import app_context, ref_text, resolve_refs
from hfjobs_cli.commands.schedule._shared import WHAT, ScheduleIdArg, scheduled_api
from hfjobs_cli.errors import CliError
from hfjobs_cli.hints import command
from hfjobs_cli.options import JsonOpt, NamespaceOpt, QuietOpt, TokenOpt
from hfjobs_cli.views.jobs import JOBS

if TYPE_CHECKING:
    from hfjobs_cli.api.models import Job


def trigger(
    ctx: typer.Context,
    sj_id: ScheduleIdArg,
    namespace: NamespaceOpt = None,
    token: TokenOpt = None,
    json: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Start a run of a scheduled job now and print the new job's id.

    The schedule and its next run are unchanged. A run still going blocks a new one unless
    the scheduled job allows concurrency (exit 1).

    Examples:

      hfjobs schedule trigger 6650b0c1d2e3f4a5b6c7d8e9

      hfjobs logs -f "$(hfjobs schedule trigger -q 6650b0c1d2e3f4a5b6c7d8e9)"
    """
    app = app_context(ctx)
    out = app.set_output(json=json, quiet=quiet)
    api = scheduled_api(app, token)
    ((ns, ident),) = resolve_refs(app, [sj_id], namespace, what=WHAT)
    try:
        job = api.trigger(ns, ident)
    except ConflictError:
        raise CliError(
            f"Scheduled job {ident} has a run still going and its concurrency is off: "
            "no new run was started",
            hint=f"See its runs with `{command('schedule', 'history', ref_text(ns, ident))}`",
        ) from None

    def where(job: Job) -> None:
        owner = job.owner or ns
        out.line(f"{api.client.endpoint}/jobs/{owner}/{job.id}")
        out.hint(f"Follow its log: {command('logs', '-f', f'{owner}/{job.id}')}")

    out.change(
        JOBS, job, lambda job: f"Job {job.id} started from scheduled job {ident}", then=where
    )


def register(app: typer.Typer) -> None:
    app.command("trigger")(trigger)
