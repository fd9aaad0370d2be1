"""Jobs: `ps`, `inspect`, `cancel`, `wait` and the sweep table (no I/O, no rich)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from hfjobs_cli.api.models import Job, JobSpec
from hfjobs_cli.output import Column, View
from hfjobs_cli.views.format import (
    command_text,
    env_text,
    format_duration,
    format_usd,
    iso,
    labels_text,
    relative_time,
    timed,
)

STAGE_STYLES = {
    "COMPLETED": "green",
    "RUNNING": "cyan",
    "SCHEDULING": "yellow",
    "ERROR": "red",
    "CANCELED": "magenta",
    "DELETED": "dim",
}


def stage_style(stage: str | None) -> str | None:
    """The colour of a stage in tables."""
    return STAGE_STYLES.get(stage or "")


def _job_stage_style(job: Job) -> str | None:
    return stage_style(job.stage)


# -- the jobs table (`ps`, and what `cancel -l` will touch) -----------------------------------
ID = Column("ID", lambda job: job.id)
NAME = Column("NAME", lambda job: job.name or "--", priority=2, flexible=True)
STATUS = Column("STATUS", lambda job: job.stage, style=_job_stage_style, priority=1)
DURATION = Column("DURATION", lambda job: format_duration(job.running_seconds()), priority=6)

JOBS = View(
    columns=(
        ID,
        NAME,
        Column("IMAGE/SPACE", lambda job: job.spec.image or "--", priority=3, flexible=True),
        Column("COMMAND", lambda job: command_text(job.spec.command), priority=4, flexible=True),
        timed("CREATED", lambda job: job.created_at, priority=5),
        STATUS,
        DURATION,
    )
)


def jobs_wide(cost: Callable[[Job], float | None]) -> View:
    """`ps --wide`: the jobs table with each job's flavor and its cost so far."""
    return JOBS.plus(
        Column("FLAVOR", lambda job: job.spec.flavor or "--", priority=4),
        Column("COST", lambda job: format_usd(cost(job)), priority=4),
    )


# -- one job in full (`inspect`) ---------------------------------------------------------------

# The display name has its own field; the request id is hfjobs' own bookkeeping.
HIDDEN_LABELS = frozenset({"name", "hfjobs-request-id"})


def spec_fields(spec: JobSpec) -> list[tuple[str, str]]:
    fields = [
        ("Image" if spec.docker_image or not spec.space_id else "Space", spec.image or "--"),
        ("Command", command_text(spec.command) or "--"),
        ("Flavor", spec.flavor or "--"),
        ("Timeout", format_duration(spec.timeout) if spec.timeout else "server default (30m)"),
        ("Env", env_text(spec.environment)),
        ("Secrets", ", ".join(spec.secrets) or "--"),
        ("Labels", labels_text({k: v for k, v in spec.labels.items() if k not in HIDDEN_LABELS})),
    ]
    return fields


def job_fields(
    job: Job, *, url: str, cost: float | None = None, now: datetime | None = None
) -> list[tuple[str, str]]:
    fields = [
        ("Status", job.stage + (f": {job.message}" if job.message else "")),
        ("Name", job.name or "--"),
        ("Created", _when(job.created_at, now)),
        ("Started", _when(job.started_at, now)),
        ("Finished", _when(job.finished_at, now)),
        ("Duration", format_duration(job.running_seconds(now))),
        ("Cost so far", format_usd(cost) if cost is not None else "--"),
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


def job_detail(url: Callable[[Job], str], cost: Callable[[Job], float | None]) -> View:
    """`inspect`: each job's fields under `Job <id>`, with its URL and its cost so far."""
    return View(
        title=lambda job: f"Job {job.id}",
        fields=lambda job: job_fields(job, url=url(job), cost=cost(job)),
    )


# -- changes to jobs (`cancel`, `labels`, `expose`) ------------------------------------------


def _ref_ident(result: tuple[str, Job | None]) -> str:
    return result[0]


def _ref_data(result: tuple[str, Job | None]) -> Any:
    ident, job = result
    return job.raw if job is not None else {"id": ident}


# A job acted on by its id: (the id given, the job the server answered with, if any).
JOB_BY_ID = View(ident=_ref_ident, data=_ref_data)


# -- waiting for jobs (`wait`) -----------------------------------------------------------------
STAGE = Column("STAGE", lambda job: job.stage, style=_job_stage_style, priority=1)
MESSAGE = Column("MESSAGE", lambda job: job.message or "", priority=2, flexible=True)

WAITED = View(columns=(ID, STAGE, MESSAGE))
WAIT_COLUMNS = WAITED.columns
# The table redrawn while waiting names the jobs too.
WAITING_COLUMNS = (ID, NAME, STAGE, MESSAGE)


def wait_row(job: Job) -> list[str]:
    return WAITED.row(job)


# -- a sweep's jobs (`run --matrix -d`): (job, its parameters) -------------------------------


def swept(keys: list[str]) -> View:
    """ID, NAME, then one column per matrix key (its value for each job); the jobs' JSON."""
    return View(
        columns=(
            Column("ID", lambda started: started[0].id),
            Column("NAME", lambda started: started[0].name or "--", priority=2, flexible=True),
            *(Column(key.upper(), _parameter(key)) for key in keys),
        ),
        ident=lambda started: started[0].id,
        data=lambda started: started[0].raw,
    )


def _parameter(key: str) -> Callable[[tuple[Job, dict[str, str]]], str]:
    return lambda started: started[1][key]
