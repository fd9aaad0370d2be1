"""`hfjobs schedule inspect`: show scheduled jobs in full."""

from __future__ import annotations

import typer

from hfjobs_cli.commands._common import act_on_each, app_context, resolve_refs
from hfjobs_cli.commands.schedule._shared import WHAT, ScheduleIdsArg, scheduled_api
from hfjobs_cli.commands.schedule.ls import last_job
from hfjobs_cli.options import JsonOpt, NamespaceOpt, TokenOpt
from hfjobs_cli.views.scheduled import scheduled_detail


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
    view = scheduled_detail(lambda ns, sj: last_job(api.client, ns, sj))
    act_on_each(
        app,
        refs,
        lambda ns, ident: (ns, api.get(ns, ident)),
        lambda found: out.details(view, found),
        what="Scheduled job",
    )


def register(app: typer.Typer) -> None:
    app.command("inspect")(inspect)
