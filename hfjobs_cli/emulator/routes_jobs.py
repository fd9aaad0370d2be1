"""Routes for jobs, hardware, whoami and the emulator's health (api-reference §3, §6, §7)."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlencode

from hfjobs_cli import __version__
from hfjobs_cli.emulator import metrics, render
from hfjobs_cli.emulator.errors import ApiError
from hfjobs_cli.emulator.hardware import HARDWARE
from hfjobs_cli.emulator.logstore import stream
from hfjobs_cli.emulator.routing import Request, Response, Stream, route
from hfjobs_cli.emulator.store import TERMINAL_STAGES
from hfjobs_cli.emulator.validation import (
    require_object,
    validate_expose,
    validate_job_spec,
    validate_labels,
)

DEFAULT_PAGE = 50
MAX_PAGE = 1000


def check_namespace(namespace: str) -> str:
    if namespace not in render.NAMESPACES:
        raise ApiError(
            f"You don't have the rights to run or see jobs in namespace '{namespace}'", status=403
        )
    return namespace


def find_job(req: Request, namespace: str, job_id: str) -> dict[str, Any]:
    check_namespace(namespace)
    row = req.app.store.get("jobs", job_id)
    if row is None or row["namespace"] != namespace:
        raise ApiError(f"Job {job_id} not found in namespace '{namespace}'", status=404)
    return row


def hardware(req: Request) -> list[dict[str, Any]]:
    return HARDWARE


def whoami(req: Request) -> dict[str, Any]:
    return render.whoami()


def health(req: Request) -> dict[str, Any]:
    app = req.app
    return {
        "status": "ok",
        "version": __version__,
        "pid": os.getpid(),
        "runtime": app.runtime.name,
        # What this runtime really does beyond recording (the client warns about the rest).
        "features": [] if app.runtime.name == "process" else ["volumes", "expose"],
        "jobsRunning": app.jobs.running_count(),
    }


def create_job(req: Request, namespace: str) -> dict[str, Any]:
    check_namespace(namespace)
    spec, secrets = validate_job_spec(req.json())
    row = req.app.jobs.create(namespace, spec, secrets, render.user_initiator())
    return render.job_view(row)


def _int_param(
    req: Request, name: str, default: int | None, lo: int, hi: int | None = None
) -> int | None:
    raw = req.param(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(f"'{name}' must be an integer", status=400) from None
    if value < lo or (hi is not None and value > hi):
        raise ApiError(
            f"'{name}' must be between {lo} and {hi}" if hi else f"'{name}' must be >= {lo}",
            status=400,
        )
    return value


def list_jobs(req: Request, namespace: str) -> Response:
    check_namespace(namespace)
    limit = _int_param(req, "limit", DEFAULT_PAGE, 1, MAX_PAGE)
    cursor = _int_param(req, "cursor", None, 0)
    stages = [s.upper() for s in req.params("stage") if s]
    wanted: list[tuple[str, str]] = []
    for label in req.params("label"):
        key, sep, value = label.partition("=")
        if not sep or not key:
            raise ApiError(f"Invalid label filter {label!r}: use key=value", status=400)
        wanted.append((key, value))
    page: list[dict[str, Any]] = []
    more = False
    for row in req.app.store.iter_jobs(namespace, stages, cursor):
        labels = row["spec"].get("labels") or {}
        if all(labels.get(k) == v for k, v in wanted):
            if len(page) == limit:
                more = True
                break
            page.append(row)
    headers = {}
    if more:
        query = [(k, v) for k, v in req.query if k != "cursor"] + [("cursor", str(page[-1]["seq"]))]
        headers["Link"] = f'<{req.base_url}{req.path}?{urlencode(query)}>; rel="next"'
    return Response(200, [render.job_view(r) for r in page], headers)


def inspect_job(req: Request, namespace: str, job_id: str) -> dict[str, Any]:
    return render.job_view(find_job(req, namespace, job_id))


def job_logs(req: Request, namespace: str, job_id: str) -> Stream:
    find_job(req, namespace, job_id)
    tail = _int_param(req, "tail", None, 0)
    app = req.app
    return Stream(stream(app.logs.get(job_id), tail, app.keepalive, app.stopping))


def job_metrics(req: Request, namespace: str, job_id: str) -> Stream:
    row = find_job(req, namespace, job_id)
    if row["stage"] != "RUNNING":
        raise ApiError(f"Job {job_id} is not running: no metrics", status=406)
    return Stream(metrics.stream(req.app, job_id, row["spec"]["flavor"]))


def cancel_job(req: Request, namespace: str, job_id: str) -> dict[str, Any]:
    find_job(req, namespace, job_id)
    req.app.jobs.cancel(job_id)
    return render.job_view(req.app.store.get("jobs", job_id))  # type: ignore[arg-type]


def duplicate_job(req: Request, namespace: str, job_id: str) -> dict[str, Any]:
    row = find_job(req, namespace, job_id)
    initiator = {"type": "duplicated-job", "id": job_id}
    new = req.app.jobs.create(namespace, row["spec"], row["secrets"], initiator)
    return render.job_view(new)


def _update_spec(req: Request, namespace: str, job_id: str, key: str, value: Any) -> dict[str, Any]:
    row = find_job(req, namespace, job_id)
    spec = {**row["spec"], key: value}
    req.app.store.update("jobs", job_id, {"spec": spec})
    return render.job_view(req.app.store.get("jobs", job_id))  # type: ignore[arg-type]


def put_labels(req: Request, namespace: str, job_id: str) -> dict[str, Any]:
    body = require_object(req.json())
    if "labels" not in body:
        raise ApiError("'labels' is required: an object, {} clears every label", status=400)
    return _update_spec(req, namespace, job_id, "labels", validate_labels(body["labels"]))


def put_expose(req: Request, namespace: str, job_id: str) -> dict[str, Any]:
    row = find_job(req, namespace, job_id)
    if row["stage"] in TERMINAL_STAGES:
        raise ApiError(
            f"Job {job_id} has finished ({row['stage']}): its ports can no longer be exposed",
            status=400,
        )
    return _update_spec(req, namespace, job_id, "expose", validate_expose(req.json()))


ROUTES = [
    route("GET", "/api/jobs/hardware", hardware, public=True),
    route("GET", "/api/emulator/health", health, public=True),
    route("GET", "/api/whoami-v2", whoami),
    route("POST", "/api/jobs/{namespace}", create_job),
    route("GET", "/api/jobs/{namespace}", list_jobs),
    route("GET", "/api/jobs/{namespace}/{job_id}", inspect_job),
    route("GET", "/api/jobs/{namespace}/{job_id}/logs", job_logs),
    route("GET", "/api/jobs/{namespace}/{job_id}/metrics", job_metrics),
    route("POST", "/api/jobs/{namespace}/{job_id}/cancel", cancel_job),
    route("POST", "/api/jobs/{namespace}/{job_id}/duplicate", duplicate_job),
    route("PUT", "/api/jobs/{namespace}/{job_id}/labels", put_labels),
    route("PUT", "/api/jobs/{namespace}/{job_id}/expose", put_expose),
]
