"""Scheduled jobs (api-reference §4): `client.scheduled`, every call on
`/api/scheduled-jobs/{namespace}[/{id}...]`."""

from __future__ import annotations

import builtins
from typing import Any

from hfjobs_cli.api.errors import ResponseError
from hfjobs_cli.api.models import Job, ScheduledJob, _dict
from hfjobs_cli.api.resource import (
    REQUEST_ID_LABEL,
    Resource,
    create_once,
    hint_on_ambiguous,
    path,
)
from hfjobs_cli.hints import command

ROUTE = "/api/scheduled-jobs"


class ScheduledJobs(Resource):
    """The `/api/scheduled-jobs/{namespace}` routes."""

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
            lambda: self._parse(self.client.send_json("POST", path(ROUTE, namespace), body)),
            lambda: self.find_by_label(namespace, REQUEST_ID_LABEL, rid or ""),
            rid,
            what="scheduled job",
            check=command(
                "schedule", "ls", "-a", "-l", f"{REQUEST_ID_LABEL}={rid}", namespace=namespace
            ),
            **self.client.grace(),
        )

    def list(
        self, namespace: str, labels: dict[str, str] | None = None
    ) -> builtins.list[ScheduledJob]:
        """Every scheduled job having all `labels`: the server filters on the first one only."""
        params = None
        if labels:
            key, value = next(iter(labels.items()))
            params = {"label": f"{key}={value}"}
        data = self.client.get_json(path(ROUTE, namespace), params)
        if not isinstance(data, builtins.list):
            raise ResponseError("Unexpected answer from the server: expected a list")
        found = [ScheduledJob.from_api(item) for item in data if isinstance(item, dict)]
        return [
            sj for sj in found if all(sj.spec.labels.get(k) == v for k, v in (labels or {}).items())
        ]

    def find_by_label(self, namespace: str, key: str, value: str) -> ScheduledJob | None:
        found = self.list(namespace, {key: value})
        return found[0] if found else None

    def get(self, namespace: str, sj_id: str) -> ScheduledJob:
        return self._parse(self.client.get_json(path(ROUTE, namespace, sj_id)))

    def delete(self, namespace: str, sj_id: str) -> None:
        self.client.send_json("DELETE", path(ROUTE, namespace, sj_id))

    def _post(self, namespace: str, sj_id: str, action: str, body: Any = None) -> Any:
        """A POST on one scheduled job; when its outcome is unknown, the hint says how to look."""
        check = command("schedule", "inspect", sj_id, namespace=namespace)
        with hint_on_ambiguous(f"Check it with `{check}` before trying again"):
            return self.client.send_json("POST", path(ROUTE, namespace, sj_id, action), body)

    def suspend(self, namespace: str, sj_id: str) -> ScheduledJob | None:
        return self._maybe(self._post(namespace, sj_id, "suspend"))

    def resume(self, namespace: str, sj_id: str) -> ScheduledJob | None:
        return self._maybe(self._post(namespace, sj_id, "resume"))

    def reschedule(self, namespace: str, sj_id: str, schedule: str) -> ScheduledJob | None:
        return self._maybe(self._post(namespace, sj_id, "schedule", {"schedule": schedule}))

    def trigger(self, namespace: str, sj_id: str) -> Job:
        """Start one run now; ConflictError (409) while a run goes on and concurrency is off."""
        data = self.client.send_json("POST", path(ROUTE, namespace, sj_id, "run"))
        if not isinstance(data, dict) or not data.get("id"):
            raise ResponseError("Unexpected answer from the server: not a job object")
        return Job.from_api(data)

    def set_labels(self, namespace: str, sj_id: str, labels: dict[str, str]) -> ScheduledJob:
        return self._parse(
            self.client.send_json(
                "PUT", path(ROUTE, namespace, sj_id, "labels"), {"labels": labels}
            )
        )


def started_by(job: Job, sj_id: str) -> bool:
    """True when `job` is a run of the scheduled job `sj_id` (a cron firing or a trigger)."""
    initiator = job.initiator
    return initiator.get("type") == "scheduled-job" and initiator.get("id") == sj_id
