"""`hfjobs schedule reschedule`: change when a scheduled job runs."""

from __future__ import annotations

import typer

from hfjobs_cli import cron
from hfjobs_cli.commands._common import app_context, resolve_refs
from hfjobs_cli.commands.schedule._shared import WHAT, ScheduleArg, ScheduleIdArg, scheduled_api
from hfjobs_cli.options import JsonOpt, NamespaceOpt, QuietOpt, TokenOpt
from hfjobs_cli.views.scheduled import SCHEDULED_BY_ID, next_run, schedule_text, when_text


def reschedule(
    ctx: typer.Context,
    sj_id: ScheduleIdArg,
    schedule: ScheduleArg,
    namespace: NamespaceOpt = None,
    token: TokenOpt = None,
    json: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Change when a scheduled job runs (checked before sending).

    Examples:

      hfjobs schedule reschedule 6650b0c1d2e3f4a5b6c7d8e9 '0 9 * * 1'

      hfjobs schedule reschedule 6650b0c1d2e3f4a5b6c7d8e9 @weekly
    """
    app = app_context(ctx)
    out = app.set_output(json=json, quiet=quiet)
    schedule = cron.validate(schedule)
    api = scheduled_api(app, token)
    ((ns, ident),) = resolve_refs(app, [sj_id], namespace, what=WHAT)
    sj = api.reschedule(ns, ident, schedule)

    def when(_result) -> None:
        if sj is not None and sj.suspend:
            out.line("Next run: none while suspended")
        else:
            upcoming = next_run(sj) if sj else next(iter(cron.next_runs(schedule, 1)), None)
            out.line(f"Next run: {when_text(upcoming)}")

    out.change(
        SCHEDULED_BY_ID,
        (ident, sj, {"schedule": schedule}),
        lambda _result: f"Scheduled job {ident} rescheduled: {schedule_text(schedule)}",
        then=when,
    )


def register(app: typer.Typer) -> None:
    app.command("reschedule")(reschedule)
