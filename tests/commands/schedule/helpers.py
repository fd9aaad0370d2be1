"""Canned scheduled jobs, job specs and stubs shared by the `schedule` tests."""

from __future__ import annotations

from typing import Any

from tests.conftest import auth_header
from tests.payloads import ENDPOINT, USER, job_id, make_job, whoami

SJ = f"{ENDPOINT}/api/scheduled-jobs/alice"

JOBS = f"{ENDPOINT}/api/jobs/alice"


def make_scheduled_job(**overrides: Any) -> dict[str, Any]:
    """A ScheduledJob as the Hub returns it; `jobSpec` overrides merge into the default spec."""
    spec = {
        "dockerImage": "python:3.12",
        "spaceId": None,
        "command": ["python", "-c", "print('hourly')"],
        "arguments": [],
        "environment": {},
        "secrets": [],
        "flavor": "cpu-basic",
        "timeoutSeconds": None,
        "labels": {"name": "hourly-task"},
    }
    spec.update(overrides.pop("jobSpec", {}))
    sj: dict[str, Any] = {
        "id": overrides.pop("id", None) or job_id(),
        "type": "scheduled-job",
        "createdAt": "2025-07-22T16:00:00.000Z",
        "updatedAt": "2025-07-22T16:00:00.000Z",
        "schedule": "@hourly",
        "suspend": False,
        "concurrency": False,
        "jobSpec": spec,
        "status": {"lastJob": None, "nextJobRunAt": "2025-07-22T17:00:00.000Z"},
        "owner": {"id": "5e9ecfc04957053f60648a3e", "name": USER, "type": "user"},
    }
    sj.update(overrides)
    return sj


def run_by(sj_id: str, **overrides: Any) -> dict[str, Any]:
    return make_job(initiator={"type": "scheduled-job", "id": sj_id}, **overrides)


def stub_whoami(api):
    api.get(f"{ENDPOINT}/api/whoami-v2", json=whoami(), match=[auth_header()])
