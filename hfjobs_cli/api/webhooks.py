"""Webhook API calls (api-reference §5): `/api/settings/webhooks[/{id}]`, no namespace in the path.

Webhooks belong to the token's user. Every answer but the list is wrapped in `{"webhook": ...}`;
the functions here unwrap it and hand back `Webhook` objects that keep the raw dict for `--json`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from hfjobs_cli.api.errors import ResponseError
from hfjobs_cli.api.models import JobSpec, parse_time
from hfjobs_cli.hints import command

if TYPE_CHECKING:
    from hfjobs_cli.api.client import JobsClient

WEBHOOKS_PATH = "/api/settings/webhooks"
WATCH_TYPES = ("model", "dataset", "space", "user", "org", "bucket")
DOMAINS = ("repo", "discussion")


@dataclass
class WatchedItem:
    type: str
    name: str

    def __str__(self) -> str:
        return f"{self.type}:{self.name}"


@dataclass
class Webhook:
    id: str
    url: str | None
    job: JobSpec | None
    job_source_id: str | None
    watched: list[WatchedItem]
    domains: list[str]
    disabled: bool
    has_secret: bool
    created_at: datetime | None
    updated_at: datetime | None
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Webhook:
        job = data.get("job")
        watched = data.get("watched") if isinstance(data.get("watched"), list) else []
        domains = data.get("domains") if isinstance(data.get("domains"), list) else []
        source = data.get("jobSourceId")
        return cls(
            id=str(data.get("id", "")),
            url=data.get("url") if isinstance(data.get("url"), str) and data["url"] else None,
            job=JobSpec.from_api(job) if isinstance(job, dict) else None,
            job_source_id=str(source) if source else None,
            watched=[
                WatchedItem(str(w.get("type", "")), str(w.get("name", "")))
                for w in watched
                if isinstance(w, dict)
            ],
            domains=[str(d) for d in domains],
            disabled=bool(data.get("disabled", False)),
            has_secret=bool(data.get("secret")),
            created_at=parse_time(data.get("createdAt")),
            updated_at=parse_time(data.get("updatedAt")),
            raw=data,
        )

    @property
    def enabled(self) -> bool:
        return not self.disabled

    @property
    def is_job(self) -> bool:
        return self.job is not None or (self.url is None and self.job_source_id is not None)

    @property
    def secret_names(self) -> list[str]:
        """Names of the secrets the started jobs get (never their values)."""
        return list(self.job.secrets) if self.job else []


def _path(webhook_id: str | None = None, action: str | None = None) -> str:
    path = WEBHOOKS_PATH
    if webhook_id is not None:
        path += "/" + quote(webhook_id, safe="")
    if action:
        path += "/" + action
    return path


def _unwrap(data: Any) -> Webhook:
    """`{"webhook": {...}}`, or (leniently) the bare object, as a `Webhook`."""
    if isinstance(data, dict) and isinstance(data.get("webhook"), dict):
        data = data["webhook"]
    if not isinstance(data, dict) or not data.get("id"):
        raise ResponseError("Unexpected answer from the server: not a webhook object")
    return Webhook.from_api(data)


def _post(client: JobsClient, path: str, body: Any = None, *, retry: bool = False) -> Any:
    http = client.http
    response = http.request("POST", http.url(path), json_body=body, retry=retry)
    return http.json(response) if response.content else None


def list_webhooks(client: JobsClient) -> list[Webhook]:
    data = client.get_json(_path())
    if isinstance(data, dict) and isinstance(data.get("webhooks"), list):
        data = data["webhooks"]  # lenient: the documented answer is a bare list
    if not isinstance(data, list):
        raise ResponseError(f"Unexpected answer from {WEBHOOKS_PATH}: expected a list")
    return [Webhook.from_api(item) for item in data if isinstance(item, dict) and item.get("id")]


def get_webhook(client: JobsClient, webhook_id: str) -> Webhook:
    return _unwrap(client.get_json(_path(webhook_id)))


def create_webhook(client: JobsClient, body: dict[str, Any]) -> Webhook:
    """Create a webhook; never resent after it may have reached the server (not idempotent).

    Webhooks carry no labels, so a create whose outcome is unknown is resolved by looking
    for a webhook created since this call began with the same target (source job or URL),
    watch list and domains: one found is the result; several, or none within the grace
    window, is reported as unknown (exit 6) with the command that lists them.
    """
    from hfjobs_cli.api.client import create_once

    started = time.time()

    def find() -> Webhook | None:
        matches = [
            hook
            for hook in list_webhooks(client)
            if _same_webhook(hook, body)
            and (hook.created_at is None or hook.created_at.timestamp() >= started - CLOCK_SLACK)
        ]
        if len(matches) > 1:
            ids = ", ".join(hook.id for hook in matches)
            raise ResponseError(
                f"{len(matches)} webhooks with the same target and watch list were created "
                f"meanwhile ({ids}): hfjobs cannot tell which one is its own"
            )
        return matches[0] if matches else None

    return create_once(
        lambda: _unwrap(_post(client, _path(), body)),
        find,
        "same-target",
        what="webhook",
        check=command("webhook", "ls"),
        **client.grace(),
    )


CLOCK_SLACK = 120.0  # seconds of clock difference tolerated between this machine and the Hub


def _same_webhook(hook: Webhook, body: dict[str, Any]) -> bool:
    """Does `hook` have the target, watch list and domains that `body` asked for?"""
    watched = {(str(w.get("type")), str(w.get("name"))) for w in body.get("watched") or []}
    if {(w.type, w.name) for w in hook.watched} != watched:
        return False
    if body.get("domains") and set(hook.domains) != set(body["domains"]):
        return False
    if body.get("jobSourceId"):
        return hook.job_source_id == body["jobSourceId"]
    return hook.url == body.get("url")


def update_webhook(client: JobsClient, webhook_id: str, body: dict[str, Any]) -> Webhook:
    """Change only the keys in `body` (sending the same update twice changes nothing more)."""
    return _unwrap(_post(client, _path(webhook_id), body, retry=True))


def enable_webhook(client: JobsClient, webhook_id: str) -> Webhook:
    return _unwrap(_post(client, _path(webhook_id, "enable"), retry=True))


def disable_webhook(client: JobsClient, webhook_id: str) -> Webhook:
    return _unwrap(_post(client, _path(webhook_id, "disable"), retry=True))


def delete_webhook(client: JobsClient, webhook_id: str) -> None:
    client.send_json("DELETE", _path(webhook_id))


def masked(raw: dict[str, Any]) -> dict[str, Any]:
    """A webhook object as it may be shown: the signing secret and secret values as `***`."""
    shown = dict(raw)
    if shown.get("secret"):
        shown["secret"] = "***"
    job = shown.get("job")
    if isinstance(job, dict) and isinstance(job.get("secrets"), dict):
        shown["job"] = {**job, "secrets": {k: "***" for k in job["secrets"]}}
    if isinstance(shown.get("secrets"), dict):
        shown["secrets"] = {k: "***" for k in shown["secrets"]}
    return shown
