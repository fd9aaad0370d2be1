"""`hfjobs schedule next`: when a scheduled job (or a schedule) will run."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Annotated

import typer

from hfjobs_cli import completion, cron
from hfjobs_cli.commands._common import app_context, resolve_refs
from hfjobs_cli.commands.schedule._shared import WHAT, scheduled_api
from hfjobs_cli.errors import CliError, UsageError
from hfjobs_cli.options import JsonOpt, NamespaceOpt, TokenOpt
from hfjobs_cli.views import iso
from hfjobs_cli.views.scheduled import next_columns, schedule_text

MAX_COUNT = 1000


def _now() -> datetime:
    return datetime.now(UTC)  # one place for tests to fix the clock


def _in_zone(moment: datetime, zone: tzinfo | None) -> datetime:
    return moment.astimezone(zone) if zone is not None else moment.astimezone()


def is_schedule(text: str) -> bool:
    """A schedule has spaces or starts with `@`; anything else is taken as an id."""
    return text.strip().startswith("@") or len(text.split()) > 1


def next_runs(
    ctx: typer.Context,
    target: Annotated[
        str,
        typer.Argument(
            metavar="ID|SCHEDULE",
            help="A scheduled job id (NAMESPACE/ID too), or a quoted schedule to try out.",
            autocompletion=completion.complete_scheduled_id,
            show_default=False,
        ),
    ],
    count: Annotated[
        int, typer.Option("-n", "--count", metavar="N", help="How many run times to show.")
    ] = 5,
    tz: Annotated[
        str | None,
        typer.Option(
            "--tz",
            metavar="ZONE",
            help="Also show the times in this IANA zone, e.g. Europe/Paris (default: local).",
            show_default=False,
        ),
    ] = None,
    namespace: NamespaceOpt = None,
    token: TokenOpt = None,
    json: JsonOpt = False,
) -> None:
    """Preview the next run times of a schedule or a scheduled job.

    Try a schedule out before creating it, or check an existing one. Schedules run in UTC;
    each time is also shown in your zone (or in --tz ZONE).

    Examples:

      hfjobs schedule next '0 9 * * 1-5'

      hfjobs schedule next --count 3 --tz America/New_York 6650b0c1d2e3f4a5b6c7d8e9
    """
    app = app_context(ctx)
    out = app.set_output(json=json)
    if not 1 <= count <= MAX_COUNT:
        raise UsageError(f"Invalid --count {count}: use a number from 1 to {MAX_COUNT}")
    zone = cron.resolve_zone(tz)
    sj = None
    if is_schedule(target):
        schedule = cron.validate(target)
    else:
        api = scheduled_api(app, token)
        ((ns, ident),) = resolve_refs(app, [target], namespace, what=WHAT)
        sj = api.get(ns, ident)
        schedule = sj.schedule
    now = _now()
    try:
        runs = cron.next_runs(schedule, count, now)
    except ValueError as exc:  # a schedule from the server that croniter refuses
        raise CliError(f"Cannot compute the runs of schedule '{schedule}': {exc}") from None
    zone_name = tz or "local"
    preview = {
        "id": sj.id if sj else None,
        "schedule": schedule,
        "description": cron.describe(schedule),
        "suspended": sj.suspend if sj else False,
        "timeZone": zone_name,
        "runs": [{"utc": iso(run), "local": _in_zone(run, zone).isoformat()} for run in runs],
    }

    def show() -> None:
        out.info(f"Schedule: {schedule_text(schedule)}")
        if sj is not None and sj.suspend:
            out.warn(
                f"Scheduled job {sj.id} is suspended: it runs at these times only once resumed"
            )
        out.table(next_columns(zone, tz, now), runs)

    out.report(preview, show)


def register(app: typer.Typer) -> None:
    app.command("next")(next_runs)
