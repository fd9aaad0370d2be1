"""Routes for scheduled jobs (api-reference §4)."""

from __future__ import annotations

import time
from typing import Any

from hfjobs_cli.emulator import render
from hfjobs_cli.emulator.errors import ApiError
from hfjobs_cli.emulator.routes_jobs import check_namespace
from hfjobs_cli.emulator.routing import Request, route
from hfjobs_cli.emulator.util import new_id
from hfjobs_cli.emulator.validation import (
    optional_bool,
    require_object,
    validate_job_spec,
    validate_labels,
    validate_schedule,
)


def find(req: Request, namespace: str, sj_id: str) -> dict[str, Any]:
    check_namespace(namespace)
    row = req.app.store.get("scheduled_jobs", sj_id)
    if row is None or row["namespace"] != namespace:
        raise ApiError(f"Scheduled job {sj_id} not found in namespace '{namespace}'", status=404)
    return row


def _save(req: Request, sj_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    req.app.store.update("scheduled_jobs", sj_id, {**fields, "updated_at": time.time()})
    return render.scheduled_view(req.app.store.get("scheduled_jobs", sj_id))  # type: ignore[arg-type]


def create(req: Request, namespace: str) -> dict[str, Any]:
    check_namespace(namespace)
    body = require_object(req.json())
    if "jobSpec" not in body:
        raise ApiError("'jobSpec' is required", status=400)
    spec, secrets = validate_job_spec(body["jobSpec"], scheduled=True)
    schedule = validate_schedule(body.get("schedule"))
    suspend = optional_bool(body, "suspend")
    now = time.time()
    row = {
        "id": new_id(),
        "namespace": namespace,
        "spec": spec,
        "secrets": secrets,
        "schedule": schedule,
        "suspend": suspend,
        "concurrency": optional_bool(body, "concurrency"),
        "created_at": now,
        "updated_at": now,
        "next_run_at": None if suspend else req.app.scheduler.next_run_epoch(schedule),
    }
    req.app.store.insert("scheduled_jobs", row)
    return render.scheduled_view(req.app.store.get("scheduled_jobs", row["id"]))  # type: ignore[arg-type]


def list_all(req: Request, namespace: str) -> list[dict[str, Any]]:
    check_namespace(namespace)
    wanted = []
    for label in req.params("label"):
        key, sep, value = label.partition("=")
        if not sep or not key:
            raise ApiError(f"Invalid label filter {label!r}: use key=value", status=400)
        wanted.append((key, value))
    rows = req.app.store.select("scheduled_jobs", "namespace = ?", (namespace,))
    return [
        render.scheduled_view(r)
        for r in rows
        if all((r["spec"].get("labels") or {}).get(k) == v for k, v in wanted)
    ]


def inspect(req: Request, namespace: str, sj_id: str) -> dict[str, Any]:
    return render.scheduled_view(find(req, namespace, sj_id))


def delete(req: Request, namespace: str, sj_id: str) -> dict[str, Any]:
    find(req, namespace, sj_id)
    req.app.store.delete("scheduled_jobs", sj_id)
    return {}


def suspend(req: Request, namespace: str, sj_id: str) -> dict[str, Any]:
    find(req, namespace, sj_id)
    return _save(req, sj_id, {"suspend": True, "next_run_at": None})


def resume(req: Request, namespace: str, sj_id: str) -> dict[str, Any]:
    row = find(req, namespace, sj_id)
    return _save(
        req,
        sj_id,
        {"suspend": False, "next_run_at": req.app.scheduler.next_run_epoch(row["schedule"])},
    )


def reschedule(req: Request, namespace: str, sj_id: str) -> dict[str, Any]:
    row = find(req, namespace, sj_id)
    schedule = validate_schedule(require_object(req.json()).get("schedule"))
    next_at = None if row["suspend"] else req.app.scheduler.next_run_epoch(schedule)
    return _save(req, sj_id, {"schedule": schedule, "next_run_at": next_at})


def trigger(req: Request, namespace: str, sj_id: str) -> dict[str, Any]:
    find(req, namespace, sj_id)
    return render.job_view(req.app.scheduler.trigger(sj_id))


def put_labels(req: Request, namespace: str, sj_id: str) -> dict[str, Any]:
    row = find(req, namespace, sj_id)
    body = require_object(req.json())
    if "labels" not in body:
        raise ApiError("'labels' is required: an object, {} clears every label", status=400)
    return _save(req, sj_id, {"spec": {**row["spec"], "labels": validate_labels(body["labels"])}})


ROUTES = [
    route("POST", "/api/scheduled-jobs/{namespace}", create),
    route("GET", "/api/scheduled-jobs/{namespace}", list_all),
    route("GET", "/api/scheduled-jobs/{namespace}/{sj_id}", inspect),
    route("DELETE", "/api/scheduled-jobs/{namespace}/{sj_id}", delete),
    route("POST", "/api/scheduled-jobs/{namespace}/{sj_id}/suspend", suspend),
    route("POST", "/api/scheduled-jobs/{namespace}/{sj_id}/resume", resume),
    route("POST", "/api/scheduled-jobs/{namespace}/{sj_id}/schedule", reschedule),
    route("POST", "/api/scheduled-jobs/{namespace}/{sj_id}/run", trigger),
    route("PUT", "/api/scheduled-jobs/{namespace}/{sj_id}/labels", put_labels),
]
