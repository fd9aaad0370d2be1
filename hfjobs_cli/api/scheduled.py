"""Scheduled jobs (api-reference §4): the `ScheduledJob` object and every call on them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

from hfjobs_cli.api.client import REQUEST_ID_LABEL, JobsClient, create_once, hint_on_ambiguous
from hfjobs_cli.api.errors import ResponseError
from hfjobs_cli.api.models import Job, JobSpec, parse_time
from hfjobs_cli.hints import command


def _seg(value: str) -> str:
    return quote(value, safe="")


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


@dataclass
class ScheduledJob:
    id: str
    schedule: str
    suspend: bool
    concurrency: bool
    spec: JobSpec
    owner: str
    created_at: datetime | None
    last_job_id: str | None
    last_job_at: datetime | None
    next_run_at: datetime | None
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> ScheduledJob:
        spec = _dict(data.get("jobSpec", data.get("job_spec")))
        status = _dict(data.get("status"))
        last = _dict(status.get("lastJob", status.get("last_job")))
        return cls(
            id=str(data.get("id", "")),
            schedule=str(data.get("schedule") or ""),
            suspend=data.get("suspend") is True,
            concurrency=data.get("concurrency") is True,
            spec=JobSpec.from_api(spec),
            owner=str(_dict(data.get("owner")).get("name") or ""),
            created_at=parse_time(data.get("createdAt")),
            last_job_id=str(last["id"]) if last.get("id") else None,
            last_job_at=parse_time(last.get("at")),
            next_run_at=parse_time(status.get("nextJobRunAt", status.get("next_job_run_at"))),
            raw=data,
        )

    @property
    def name(self) -> str | None:
        return self.spec.name


class ScheduledJobs:
    """The `/api/scheduled-jobs/{namespace}` routes."""

    def __init__(self, client: JobsClient):
        self.client = client

    @staticmethod
    def path(namespace: str, sj_id: str | None = None, action: str | None = None) -> str:
        path = f"/api/scheduled-jobs/{_seg(namespace)}"
        if sj_id is not None:
            path += f"/{_seg(sj_id)}"
        if action:
            path += f"/{action}"
        return path

    @staticmethod
    def _parse(data: Any) -> ScheduledJob:
        if not isinstance(data, dict) or not data.get("id"):
            raise ResponseError("Unexpected answer from the server: not a scheduled job object")
        return ScheduledJob.from_api(data)

    @staticmethod
    def _maybe(data: Any) -> ScheduledJob | None:
        """Routes whose body the official clients ignore: parse it when it is an object."""
        return ScheduledJob.from_api(data) if isinstance(data, dict) and data.get("id") else None

    def create(self, namespace: str, body: dict[str, Any]) -> ScheduledJob:
        """Create a scheduled job; never create a second one after an ambiguous failure.

        `jobSpec.labels` carries the `hfjobs-request-id` label: when the POST fails after it
        may have reached the server (timeout, reset, 5xx, an unreadable success), the
        scheduled job is looked up by that label over a grace window, never posted again.
        """
        rid = _dict(_dict(body.get("jobSpec")).get("labels")).get(REQUEST_ID_LABEL)
        return create_once(
            lambda: self._parse(self.client.send_json("POST", self.path(namespace), body)),
            lambda: self.find_by_label(namespace, REQUEST_ID_LABEL, rid),
            rid,
            what="scheduled job",
            check=command(
                "schedule", "ls", "-a", "-l", f"{REQUEST_ID_LABEL}={rid}", namespace=namespace
            ),
            **self.client.grace(),
        )

    def list_all(self, namespace: str, labels: dict[str, str] | None = None) -> list[ScheduledJob]:
        """Every scheduled job having all `labels`: the server filters on the first one only."""
        params = None
        if labels:
            key, value = next(iter(labels.items()))
            params = {"label": f"{key}={value}"}
        data = self.client.get_json(self.path(namespace), params)
        if not isinstance(data, list):
            raise ResponseError("Unexpected answer from the server: expected a list")
        found = [ScheduledJob.from_api(item) for item in data if isinstance(item, dict)]
        return [
            sj for sj in found if all(sj.spec.labels.get(k) == v for k, v in (labels or {}).items())
        ]

    def find_by_label(self, namespace: str, key: str, value: str) -> ScheduledJob | None:
        found = self.list_all(namespace, {key: value})
        return found[0] if found else None

    def get(self, namespace: str, sj_id: str) -> ScheduledJob:
        return self._parse(self.client.get_json(self.path(namespace, sj_id)))

    def delete(self, namespace: str, sj_id: str) -> None:
        self.client.send_json("DELETE", self.path(namespace, sj_id))

    def _post(self, namespace: str, sj_id: str, action: str, body: Any = None) -> Any:
        """A POST on one scheduled job; when its outcome is unknown, the hint says how to look."""
        check = command("schedule", "inspect", sj_id, namespace=namespace)
        with hint_on_ambiguous(f"Check it with `{check}` before trying again"):
            return self.client.send_json("POST", self.path(namespace, sj_id, action), body)

    def suspend(self, namespace: str, sj_id: str) -> ScheduledJob | None:
        return self._maybe(self._post(namespace, sj_id, "suspend"))

    def resume(self, namespace: str, sj_id: str) -> ScheduledJob | None:
        return self._maybe(self._post(namespace, sj_id, "resume"))

    def reschedule(self, namespace: str, sj_id: str, schedule: str) -> ScheduledJob | None:
        return self._maybe(self._post(namespace, sj_id, "schedule", {"schedule": schedule}))

    def trigger(self, namespace: str, sj_id: str) -> Job:
        """Start one run now; ConflictError (409) while a run goes on and concurrency is off."""
        data = self.client.send_json("POST", self.path(namespace, sj_id, "run"))
        if not isinstance(data, dict) or not data.get("id"):
            raise ResponseError("Unexpected answer from the server: not a job object")
        return Job.from_api(data)

    def set_labels(self, namespace: str, sj_id: str, labels: dict[str, str]) -> ScheduledJob:
        path = self.path(namespace, sj_id, "labels")
        return self._parse(self.client.send_json("PUT", path, {"labels": labels}))


def started_by(job: Job, sj_id: str) -> bool:
    """True when `job` is a run of the scheduled job `sj_id` (a cron firing or a trigger)."""
    initiator = job.initiator
    return initiator.get("type") == "scheduled-job" and initiator.get("id") == sj_id
