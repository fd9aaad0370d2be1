"""Scheduled jobs: `schedule ls|inspect|next|history` and the changes' results (no I/O, no rich)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, Any

from hfjobs_cli import cron
from hfjobs_cli.output import Column, View
from hfjobs_cli.views.format import command_text, iso, relative_time, timed
from hfjobs_cli.views.jobs import DURATION, ID, STATUS, spec_fields, stage_style

if TYPE_CHECKING:
    from hfjobs_cli.api.models import Job, ScheduledJob


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


# -- the list (`schedule ls`) ------------------------------------------------------------------


def scheduled_list(last_stage: Callable[[ScheduledJob], str | None]) -> View:
    """Scheduled jobs with the stage of their last run (`last_stage`, fetched for the table)."""
    return View(
        columns=(
            Column("ID", lambda sj: sj.id),
            Column("NAME", lambda sj: sj.name or "--", priority=2, flexible=True),
            Column("SCHEDULE", lambda sj: sj.schedule or "--", priority=2, flexible=True),
            Column("IMAGE/SPACE", lambda sj: sj.spec.image or "--", priority=3, flexible=True),
            Column("COMMAND", lambda sj: command_text(sj.spec.command), priority=4, flexible=True),
            Column(
                "LAST RUN",
                lambda sj: last_stage(sj) or "--",
                style=lambda sj: stage_style(last_stage(sj)),
                priority=1,
            ),
            timed("NEXT RUN", next_run, priority=4),
            Column("SUSPENDED", lambda sj: "yes" if sj.suspend else "no", priority=5),
        )
    )


# -- one in full (`schedule inspect`) ----------------------------------------------------------


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


def scheduled_detail(last_job: Callable[[str, ScheduledJob], Job | None]) -> View:
    """`schedule inspect`: records (namespace, scheduled job) with their last run (`last_job`,
    fetched for the fields only)."""
    return View(
        ident=lambda found: found[1].id,
        data=lambda found: found[1].raw,
        title=lambda found: f"Scheduled job {found[1].id}",
        fields=lambda found: schedule_fields(found[1], last_job(*found)),
    )


# -- changes (`schedule delete|suspend|resume|reschedule|labels|trigger`) ----------------------


def _ref_data(result: tuple[str, ScheduledJob | None, dict[str, Any]]) -> Any:
    ident, sj, stand_in = result
    return sj.raw if sj is not None else {"id": ident, **stand_in}


# A scheduled job as the server answered a change.
SCHEDULED = View()

# A scheduled job acted on by its id: (the id given, the scheduled job the server answered
# with if any, the fields that stand for it in the JSON when the server answered nothing).
SCHEDULED_BY_ID = View(ident=lambda result: result[0], data=_ref_data)


# -- the runs it started (`schedule history`) --------------------------------------------------
HISTORY = View(
    columns=(ID, STATUS, timed("STARTED", lambda job: job.started_at, priority=5), DURATION)
)
HISTORY_COLUMNS = HISTORY.columns


def history_row(job: Job, *, human: bool) -> list[str]:
    return HISTORY.row(job, human=human)


# -- when it will run (`schedule next`): one run time a row ----------------------------------


def next_columns(zone: tzinfo | None, zone_name: str | None, now: datetime) -> tuple[Column, ...]:
    """UTC, the zone (`--tz`, else LOCAL) and how far off from `now`: a pipe gets RFC 3339."""

    def in_zone(run: datetime) -> datetime:
        return run.astimezone(zone) if zone is not None else run.astimezone()

    return (
        Column("UTC", lambda run: run.strftime("%Y-%m-%d %H:%M UTC"), piped=iso),
        Column(
            zone_name.upper() if zone_name else "LOCAL",
            lambda run: local_text(run, zone),
            piped=lambda run: in_zone(run).isoformat(),
        ),
        Column("IN", lambda run: relative_time(run, now), priority=2),
    )
