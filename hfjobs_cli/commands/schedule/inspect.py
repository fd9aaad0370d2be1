"""`hfjobs schedule inspect`: show scheduled jobs in full."""

from __future__ import annotations

import typer

from hfjobs_cli.api.errors import NotFoundError
from hfjobs_cli.commands._common import app_context, ref_text, resolve_refs
from hfjobs_cli.commands.schedule._shared import (
    WHAT,
    ScheduleIdsArg,
    schedule_fields,
    scheduled_api,
)
from hfjobs_cli.commands.schedule.ls import last_job
from hfjobs_cli.errors import ExitCode
from hfjobs_cli.options import JsonOpt, NamespaceOpt, TokenOpt


def inspect(
    ctx: typer.Context,
    ids: ScheduleIdsArg,
    namespace: NamespaceOpt = None,
    token: TokenOpt = None,
    json: JsonOpt = False,
) -> None:
    """Show scheduled jobs: schedule, next and last run, job spec.

    Examples:

      hfjobs schedule inspect 6650b0c1d2e3f4a5b6c7d8e9

      hfjobs schedule inspect --json alice/6650b0c1d2e3f4a5b6c7d8e9 | jq '.[0].status'
    """
    app = app_context(ctx)
    out = app.set_output(json=json)
    api = scheduled_api(app, token)
    refs = resolve_refs(app, ids, namespace, what=WHAT)
    found = []
    missing = 0
    for ns, ident in refs:
        try:
            sj = api.get(ns, ident)
        except NotFoundError:
            out.error(f"Scheduled job {ref_text(ns, ident)} not found")
            missing += 1
            continue
        found.append(sj)
        if out.mode != "json":
            out.fields(f"Scheduled job {sj.id}", schedule_fields(sj, last_job(api.client, ns, sj)))
    if out.mode == "json":
        out.json([sj.raw for sj in found])
    if missing:
        raise typer.Exit(ExitCode.NOT_FOUND)


def register(app: typer.Typer) -> None:
    app.command("inspect")(inspect)
