"""`hfjobs schedule delete` (hidden alias `rm`): delete scheduled jobs."""

from __future__ import annotations

import typer

from hfjobs_cli.commands._common import act_on_each, app_context, confirm, resolve_refs
from hfjobs_cli.commands.schedule._shared import WHAT, ScheduleIdsArg, scheduled_api
from hfjobs_cli.options import JsonOpt, NamespaceOpt, QuietOpt, TokenOpt, YesOpt
from hfjobs_cli.parsing import parse_job_ref
from hfjobs_cli.views.scheduled import SCHEDULED_BY_ID


def _confirm_delete(ids: list[str]) -> None:
    what = f"scheduled job {ids[0]}" if len(ids) == 1 else f"{len(ids)} scheduled jobs"
    confirm(
        f"Delete {what}? (jobs already started are kept)",
        yes=False,
        action="delete",
        declined="Nothing deleted",
    )


def delete(
    ctx: typer.Context,
    ids: ScheduleIdsArg,
    yes: YesOpt = False,
    namespace: NamespaceOpt = None,
    token: TokenOpt = None,
    json: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Delete scheduled jobs; the jobs they started are kept.

    Asks first on a terminal; elsewhere pass -y.

    Examples:

      hfjobs schedule delete 6650b0c1d2e3f4a5b6c7d8e9

      hfjobs schedule ls -q -a -l team=old | xargs hfjobs schedule delete -y
    """
    app = app_context(ctx)
    out = app.set_output(json=json, quiet=quiet)
    for ref in ids:
        parse_job_ref(ref, namespace=namespace, what=WHAT)
    if not yes:
        _confirm_delete(ids)
    api = scheduled_api(app, token)

    def act(ns: str, ident: str):
        api.delete(ns, ident)
        return ident, None, {"deleted": True}

    act_on_each(
        app,
        resolve_refs(app, ids, namespace, what=WHAT),
        act,
        lambda results: out.changed(
            SCHEDULED_BY_ID, results, lambda result: f"Scheduled job {result[0]} deleted"
        ),
        what="Scheduled job",
    )


def register(app: typer.Typer) -> None:
    app.command("delete")(delete)
    app.command("rm", hidden=True)(delete)
