"""Pure presentation: API objects to table cells and detail fields (no I/O, no rich)."""

from __future__ import annotations

import shlex
from datetime import UTC, datetime

from hfjobs_cli.api.models import Job, JobSpec


def format_duration(seconds: float | None) -> str:
    """`45s`, `1m 32s`, `2h 15m`, `3d 4h`; `--` when unknown."""
    if seconds is None:
        return "--"
    total = int(seconds)
    if total < 60:
        return f"{total}s"
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        return f"{minutes}m {secs}s"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h {minutes}m"
    days, hours = divmod(hours, 24)
    return f"{days}d {hours}h"


def relative_time(moment: datetime | None, now: datetime | None = None) -> str:
    """`just now`, `5 minutes ago`, `in 3 hours`."""
    if moment is None:
        return "--"
    now = now or datetime.now(UTC)
    delta = (now - moment).total_seconds()
    future = delta < 0
    delta = abs(delta)
    if delta < 45:
        return "just now" if not future else "in a few seconds"
    for size, unit in (
        (86400 * 365, "year"),
        (86400 * 30, "month"),
        (86400, "day"),
        (3600, "hour"),
        (60, "minute"),
    ):
        if delta >= size:
            count = int(round(delta / size)) if unit != "year" else int(delta // size)
            count = max(count, 1)
            text = f"{count} {unit}{'s' if count != 1 else ''}"
            return f"in {text}" if future else f"{text} ago"
    count = int(delta)
    return f"in {count} seconds" if future else f"{count} seconds ago"


def iso(moment: datetime | None) -> str:
    """RFC 3339 in UTC with a `Z`, or `--`."""
    if moment is None:
        return "--"
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def command_text(command: list[str]) -> str:
    return shlex.join(command) if command else ""


JOB_COLUMNS = ("ID", "NAME", "IMAGE/SPACE", "COMMAND", "CREATED", "STATUS", "DURATION")


def job_row(job: Job, *, human: bool, now: datetime | None = None) -> list[str]:
    created = relative_time(job.created_at, now) if human else iso(job.created_at)
    return [
        job.id,
        job.name or "--",
        job.spec.image or "--",
        command_text(job.spec.command),
        created,
        job.stage,
        format_duration(job.running_seconds(now)),
    ]


def env_text(environment: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in environment.items()) or "--"


def labels_text(labels: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" if v else k for k, v in labels.items()) or "--"


def spec_fields(spec: JobSpec) -> list[tuple[str, str]]:
    fields = [
        ("Image" if spec.docker_image or not spec.space_id else "Space", spec.image or "--"),
        ("Command", command_text(spec.command) or "--"),
        ("Flavor", spec.flavor or "--"),
        ("Timeout", format_duration(spec.timeout) if spec.timeout else "server default (30m)"),
        ("Env", env_text(spec.environment)),
        ("Secrets", ", ".join(spec.secrets) or "--"),
        ("Labels", labels_text({k: v for k, v in spec.labels.items() if k != "name"})),
    ]
    return fields


def job_fields(job: Job, *, url: str, now: datetime | None = None) -> list[tuple[str, str]]:
    fields = [
        ("Status", job.stage + (f": {job.message}" if job.message else "")),
        ("Name", job.name or "--"),
        ("Created", _when(job.created_at, now)),
        ("Started", _when(job.started_at, now)),
        ("Finished", _when(job.finished_at, now)),
        ("Duration", format_duration(job.running_seconds(now))),
    ]
    fields += spec_fields(job.spec)
    initiator = job.initiator
    if initiator.get("type") and initiator.get("type") not in ("user", "org"):
        fields.append(("Started by", f"{initiator['type']} {initiator.get('id', '')}".strip()))
    for expose in job.expose_urls:
        fields.append(("Exposed", expose))
    if job.ssh_url:
        fields.append(("SSH", job.ssh_url))
    fields.append(("URL", url))
    return fields


def _when(moment: datetime | None, now: datetime | None) -> str:
    if moment is None:
        return "--"
    return f"{iso(moment)} ({relative_time(moment, now)})"
