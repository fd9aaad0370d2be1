"""Routes for webhooks (api-reference §5) and the simulated repository events."""

from __future__ import annotations

import time
from typing import Any

from hfjobs_cli.emulator import render, webhooks
from hfjobs_cli.emulator.errors import ApiError
from hfjobs_cli.emulator.routing import Request, route
from hfjobs_cli.emulator.util import new_id
from hfjobs_cli.emulator.validation import (
    optional_bool,
    require_object,
    str_map,
    validate_domains,
    validate_url,
    validate_watched,
)


def find(req: Request, wh_id: str) -> dict[str, Any]:
    row = req.app.store.get("webhooks", wh_id)
    if row is None:
        raise ApiError(f"Webhook {wh_id} not found", status=404)
    return row


def _source_job(req: Request, job_ref: Any) -> dict[str, Any]:
    if not isinstance(job_ref, str) or not job_ref:
        raise ApiError("'jobSourceId' must be a job id", status=400)
    namespace, _, job_id = job_ref.rpartition("/")
    row = req.app.store.get("jobs", job_id)
    if (
        row is None
        or row["namespace"] not in render.NAMESPACES
        or namespace not in ("", row["namespace"])
    ):
        raise ApiError(f"Job {job_ref} not found", status=404)
    return row


def _apply_source(req: Request, fields: dict[str, Any], body: dict[str, Any]) -> None:
    """Set either `url` or the job copied from `jobSourceId` (never the source's secrets)."""
    if "url" in body and "jobSourceId" in body:
        raise ApiError("Set 'url' or 'jobSourceId', not both", status=400)
    if body.get("url") is not None:
        fields.update(
            url=validate_url(body["url"]),
            job_spec=None,
            job_namespace=None,
            job_source_id=None,
            job_secrets={},
        )
    elif body.get("jobSourceId") is not None:
        job = _source_job(req, body["jobSourceId"])
        spec = {k: v for k, v in job["spec"].items() if k != "volumes"}  # webhook runs drop volumes
        fields.update(
            url=None, job_spec=spec, job_namespace=job["namespace"], job_source_id=job["id"]
        )


def create(req: Request) -> dict[str, Any]:
    body = require_object(req.json())
    if ("url" in body) == ("jobSourceId" in body):
        raise ApiError("Exactly one of 'url' and 'jobSourceId' is required", status=400)
    secrets = str_map(body.get("secrets"), "secrets", env=True)
    if secrets and "jobSourceId" not in body:
        raise ApiError("'secrets' can only be set on a webhook with 'jobSourceId'", status=400)
    secret = body.get("secret")
    if secret is not None and not isinstance(secret, str):
        raise ApiError("'secret' must be a string", status=400)
    now = time.time()
    row: dict[str, Any] = {
        "id": new_id(),
        "owner": render.USER["name"],
        "watched": validate_watched(body.get("watched")),
        "domains": validate_domains(body.get("domains")),
        "job_secrets": secrets,
        "secret": secret or None,
        "disabled": optional_bool(body, "disabled"),
        "created_at": now,
        "updated_at": now,
    }
    _apply_source(req, row, body)
    req.app.store.insert("webhooks", row)
    return {"webhook": render.webhook_view(find(req, row["id"]))}


def list_all(req: Request) -> list[dict[str, Any]]:
    return [render.webhook_view(r) for r in req.app.store.select("webhooks", order="seq ASC")]


def get(req: Request, wh_id: str) -> dict[str, Any]:
    return {"webhook": render.webhook_view(find(req, wh_id))}


def update(req: Request, wh_id: str) -> dict[str, Any]:
    row = find(req, wh_id)
    body = require_object(req.json())
    fields: dict[str, Any] = {}
    if body.get("watched"):  # the official client sends `[]` when the user changed nothing
        fields["watched"] = validate_watched(body["watched"])
    if body.get("domains") is not None:
        fields["domains"] = validate_domains(body["domains"])
    if "secret" in body:
        if body["secret"] is not None and not isinstance(body["secret"], str):
            raise ApiError("'secret' must be a string", status=400)
        fields["secret"] = body["secret"] or None
    _apply_source(req, fields, body)
    if body.get("secrets") is not None:
        if fields.get("job_spec", row["job_spec"]) is None:
            raise ApiError("'secrets' can only be set on a webhook with 'jobSourceId'", status=400)
        merged = dict(fields.get("job_secrets", row["job_secrets"]))
        for key, value in str_map(body["secrets"], "secrets", env=True).items():
            if value == "":
                merged.pop(key, None)
            else:
                merged[key] = value
        fields["job_secrets"] = merged
    req.app.store.update("webhooks", wh_id, {**fields, "updated_at": time.time()})
    return get(req, wh_id)


def _set_disabled(req: Request, wh_id: str, disabled: bool) -> dict[str, Any]:
    find(req, wh_id)
    req.app.store.update("webhooks", wh_id, {"disabled": disabled, "updated_at": time.time()})
    return get(req, wh_id)


def enable(req: Request, wh_id: str) -> dict[str, Any]:
    return _set_disabled(req, wh_id, False)


def disable(req: Request, wh_id: str) -> dict[str, Any]:
    return _set_disabled(req, wh_id, True)


def delete(req: Request, wh_id: str) -> dict[str, Any]:
    find(req, wh_id)
    req.app.store.delete("webhooks", wh_id)
    return {}


def simulate_event(req: Request) -> dict[str, Any]:
    """Start the job of every matching job webhook; deliver to matching URL webhooks."""
    event = webhooks.parse_event(req.json())
    started, delivered = [], []
    for hook in req.app.store.select("webhooks", order="seq ASC"):
        if not webhooks.matches(hook, event):
            continue
        body = webhooks.payload(hook["id"], event, req.base_url)
        if hook["job_spec"] is None:
            webhooks.deliver(hook["url"], body, hook["secret"])
            delivered.append(hook["id"])
            continue
        env, secrets = webhooks.job_variables(hook, event, body)
        spec = {
            **hook["job_spec"],
            "environment": {**hook["job_spec"].get("environment", {}), **env},
        }
        initiator = {"type": "webhook", "id": hook["id"]}
        job = req.app.jobs.create(hook["job_namespace"], spec, secrets, initiator)
        started.append(render.job_view(job))
    return {"jobs": started, "deliveries": delivered}


ROUTES = [
    route("POST", "/api/settings/webhooks", create),
    route("GET", "/api/settings/webhooks", list_all),
    route("GET", "/api/settings/webhooks/{wh_id}", get),
    route("POST", "/api/settings/webhooks/{wh_id}", update),
    route("DELETE", "/api/settings/webhooks/{wh_id}", delete),
    route("POST", "/api/settings/webhooks/{wh_id}/enable", enable),
    route("POST", "/api/settings/webhooks/{wh_id}/disable", disable),
    route("POST", "/api/emulator/webhook-events", simulate_event),
]
