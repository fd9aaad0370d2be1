"""`hfjobs schedule suspend`: pause scheduled jobs (and the state change `resume` shares)."""

from __future__ import annotations

import typer

from hfjobs_cli.commands._common import act_on_each, app_context, resolve_refs
from hfjobs_cli.commands.schedule._shared import WHAT, ScheduleIdsArg, scheduled_api
from hfjobs_cli.options import JsonOpt, NamespaceOpt, QuietOpt, TokenOpt
from hfjobs_cli.views.scheduled import SCHEDULED_BY_ID, next_run, when_text


def _set_state(ctx: typer.Context, ids, namespace, token, json, quiet, *, suspend: bool) -> None:
    app = app_context(ctx)
    out = app.set_output(json=json, quiet=quiet)
    api = scheduled_api(app, token)
    verb = "suspended" if suspend else "resumed"

    def act(ns: str, ident: str):
        sj = api.suspend(ns, ident) if suspend else api.resume(ns, ident)
        return ident, sj, {"suspend": suspend}

    def said(result) -> str:
        ident, sj, _ = result
        upcoming = next_run(sj) if sj and not suspend else None
        return f"Scheduled job {ident} {verb}" + (
            f"; next run {when_text(upcoming)}" if upcoming else ""
        )

    act_on_each(
        app,
        resolve_refs(app, ids, namespace, what=WHAT),
        act,
        lambda results: out.changed(SCHEDULED_BY_ID, results, said),
        what="Scheduled job",
    )


def suspend(
    ctx: typer.Context,
    ids: ScheduleIdsArg,
    namespace: NamespaceOpt = None,
    token: TokenOpt = None,
    json: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Pause scheduled jobs: no run starts until they are resumed.

    Examples:

      hfjobs schedule suspend 6650b0c1d2e3f4a5b6c7d8e9

      hfjobs schedule ls -q -l team=ml | xargs hfjobs schedule suspend
    """
    _set_state(ctx, ids, namespace, token, json, quiet, suspend=True)


def register(app: typer.Typer) -> None:
    app.command("suspend")(suspend)
