"""Arguments and pure formatting shared by the `schedule` commands (no I/O, no rich)."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, Annotated

import typer

from hfjobs_cli import completion, cron
from hfjobs_cli.views import iso, relative_time, spec_fields

if TYPE_CHECKING:
    from hfjobs_cli.api.models import Job
    from hfjobs_cli.api.scheduled import ScheduledJob
    from hfjobs_cli.invocation import Invocation

ScheduleIdArg = Annotated[
    str,
    typer.Argument(
        metavar="ID",
        help="Scheduled job id, or NAMESPACE/ID.",
        autocompletion=completion.complete_scheduled_id,
        show_default=False,
    ),
]
ScheduleIdsArg = Annotated[
    list[str],
    typer.Argument(
        metavar="ID...",
        help="Scheduled job ids, or NAMESPACE/ID.",
        autocompletion=completion.complete_scheduled_id,
        show_default=False,
    ),
]
ScheduleArg = Annotated[
    str,
    typer.Argument(
        metavar="SCHEDULE",
        help="@hourly, @daily, @weekly, @monthly, @yearly, @annually or five quoted cron "
        "fields 'MIN HOUR DOM MON DOW', in UTC.",
        show_default=False,
    ),
]
WHAT = "scheduled job id"


def scheduled_api(app: Invocation, token: str | None):
    from hfjobs_cli.api.scheduled import ScheduledJobs

    return ScheduledJobs(app.client(token))


def local_text(moment: datetime, zone: tzinfo | None = None) -> str:
    """`2025-07-23 11:00 CEST` in `zone` (default: this machine's zone)."""
    shown = moment.astimezone(zone) if zone is not None else moment.astimezone()
    return shown.strftime("%Y-%m-%d %H:%M %Z").strip()


def when_text(moment: datetime | None, now: datetime | None = None) -> str:
    """`2025-07-23 09:00 UTC (2025-07-23 11:00 CEST local, in 3 hours)`, or `--`."""
    if moment is None:
        return "--"
    utc = moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    local = moment.astimezone()
    parts = []
    if local.utcoffset():
        parts.append(f"{local_text(moment)} local")
    parts.append(relative_time(moment, now))
    return f"{utc} ({', '.join(parts)})"


def schedule_text(schedule: str) -> str:
    """`every Monday at 09:00 UTC (0 9 * * 1)`; the expression alone when no words fit."""
    words = cron.describe(schedule)
    return schedule if words == schedule else f"{words} ({schedule})"


def next_run(sj: ScheduledJob, now: datetime | None = None) -> datetime | None:
    """The server's next run, else one computed from the schedule; None while suspended."""
    if sj.suspend:
        return None
    if sj.next_run_at is not None:
        return sj.next_run_at
    try:
        runs = cron.next_runs(sj.schedule, 1, now)
    except Exception:  # a schedule this client does not understand: the server knows
        return None
    return runs[0] if runs else None


SCHEDULE_COLUMNS = (
    "ID",
    "NAME",
    "SCHEDULE",
    "IMAGE/SPACE",
    "COMMAND",
    "LAST RUN",
    "NEXT RUN",
    "SUSPENDED",
)


def schedule_row(
    sj: ScheduledJob, last_stage: str | None, *, human: bool, now: datetime | None = None
) -> list[str]:
    from hfjobs_cli.views import command_text

    upcoming = next_run(sj, now)
    return [
        sj.id,
        sj.name or "--",
        sj.schedule or "--",
        sj.spec.image or "--",
        command_text(sj.spec.command),
        last_stage or "--",
        relative_time(upcoming, now) if human else iso(upcoming),
        "yes" if sj.suspend else "no",
    ]


def schedule_fields(
    sj: ScheduledJob, last_job: Job | None, now: datetime | None = None
) -> list[tuple[str, str]]:
    if sj.last_job_id is None:
        last = "--"
    else:
        stage = last_job.stage if last_job is not None else "not found"
        last = f"{sj.last_job_id} {stage}, {when_text(sj.last_job_at, now)}"
    upcoming = next_run(sj, now)
    fields = [
        ("Name", sj.name or "--"),
        ("Schedule", schedule_text(sj.schedule) if sj.schedule else "--"),
        ("State", "suspended" if sj.suspend else "active"),
        ("Next run", when_text(upcoming, now) if upcoming else "--"),
        ("Last run", last),
        ("Concurrency", "allowed" if sj.concurrency else "off (one run at a time)"),
        ("Created", when_text(sj.created_at, now)),
    ]
    return fields + spec_fields(sj.spec)


HISTORY_COLUMNS = ("ID", "STATUS", "STARTED", "DURATION")


def history_row(job: Job, *, human: bool, now: datetime | None = None) -> list[str]:
    from hfjobs_cli.views import format_duration

    started = relative_time(job.started_at, now) if human else iso(job.started_at)
    return [job.id, job.stage, started, format_duration(job.running_seconds(now))]
