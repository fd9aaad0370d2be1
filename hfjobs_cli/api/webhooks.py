"""Webhooks (api-reference §5): `client.webhooks`, every call on `/api/settings/webhooks[/{id}]`
(no namespace in the path: webhooks belong to the token's user).

Every answer but the list is wrapped in `{"webhook": ...}`; the methods here unwrap it and hand
back `Webhook` objects that keep the raw dict for `--json`.
"""

from __future__ import annotations

import builtins
import time
from typing import Any

from hfjobs_cli.api.errors import ResponseError
from hfjobs_cli.api.models import Webhook
from hfjobs_cli.api.resource import Resource, create_once, path
from hfjobs_cli.hints import command

ROUTE = "/api/settings/webhooks"
WATCH_TYPES = ("model", "dataset", "space", "user", "org", "bucket")
DOMAINS = ("repo", "discussion")


def _unwrap(data: Any) -> Webhook:
    """`{"webhook": {...}}`, or (leniently) the bare object, as a `Webhook`."""
    if isinstance(data, dict) and isinstance(data.get("webhook"), dict):
        data = data["webhook"]
    if not isinstance(data, dict) or not data.get("id"):
        raise ResponseError("Unexpected answer from the server: not a webhook object")
    return Webhook.from_api(data)


class Webhooks(Resource):
    """The `/api/settings/webhooks` routes."""

    def list(self) -> builtins.list[Webhook]:
        data = self.client.get_json(path(ROUTE))
        if isinstance(data, dict) and isinstance(data.get("webhooks"), builtins.list):
            data = data["webhooks"]  # lenient: the documented answer is a bare list
        if not isinstance(data, builtins.list):
            raise ResponseError(f"Unexpected answer from {ROUTE}: expected a list")
        return [
            Webhook.from_api(item) for item in data if isinstance(item, dict) and item.get("id")
        ]

    def get(self, webhook_id: str) -> Webhook:
        return _unwrap(self.client.get_json(path(ROUTE, webhook_id)))

    def create(self, body: dict[str, Any]) -> Webhook:
        """Create a webhook; never resent after it may have reached the server (not idempotent).

        Webhooks carry no labels, so a create whose outcome is unknown is resolved by looking
        for a webhook created since this call began with the same target (source job or URL),
        watch list and domains: one found is the result; several, or none within the grace
        window, is reported as unknown (exit 6) with the command that lists them.
        """
        started = time.time()

        def find() -> Webhook | None:
            matches = [
                hook
                for hook in self.list()
                if _same_webhook(hook, body)
                and (
                    hook.created_at is None or hook.created_at.timestamp() >= started - CLOCK_SLACK
                )
            ]
            if len(matches) > 1:
                ids = ", ".join(hook.id for hook in matches)
                raise ResponseError(
                    f"{len(matches)} webhooks with the same target and watch list were created "
                    f"meanwhile ({ids}): hfjobs cannot tell which one is its own"
                )
            return matches[0] if matches else None

        return create_once(
            lambda: _unwrap(self.client.send_json("POST", path(ROUTE), body, retry=False)),
            find,
            "same-target",
            what="webhook",
            check=command("webhook", "ls"),
            **self.client.grace(),
        )

    def update(self, webhook_id: str, body: dict[str, Any]) -> Webhook:
        """Change only the keys in `body` (sending the same update twice changes nothing more)."""
        return _unwrap(self.client.send_json("POST", path(ROUTE, webhook_id), body, retry=True))

    def enable(self, webhook_id: str) -> Webhook:
        return _unwrap(self.client.send_json("POST", path(ROUTE, webhook_id, "enable"), retry=True))

    def disable(self, webhook_id: str) -> Webhook:
        return _unwrap(
            self.client.send_json("POST", path(ROUTE, webhook_id, "disable"), retry=True)
        )

    def delete(self, webhook_id: str) -> None:
        self.client.send_json("DELETE", path(ROUTE, webhook_id))


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
