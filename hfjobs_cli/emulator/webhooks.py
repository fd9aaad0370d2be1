"""Repository events, simulated: `POST /api/emulator/webhook-events` (emulator only).

There is no Hub here, so nothing ever changes a repository: this endpoint stands in for the
event. It needs the emulator's token, like every other `/api` route. Body:

    {
      "repo": {"type": "model", "name": "local/my-model", "headSha": "abc123"},
      "event": {"action": "update", "scope": "repo.content"},
      "domain": "repo"
    }

* `repo.type` (required): `model`, `dataset`, `space` or `bucket`.
* `repo.name` (required): the repo or bucket id, `owner/name`.
* `repo.headSha` (optional, not for buckets), `repo.private` (optional, default false).
* `event.action` (required): `create`, `delete`, `move` or `update`.
* `event.scope` (optional): default `repo.content` for the repo domain, `discussion` otherwise.
* `domain` (optional): `repo` or `discussion`; default `discussion` when the scope starts with
  `discussion`, else `repo`.
* `discussion`, `comment`, `movedTo`, `updatedRefs`, `updatedFiles` (optional): copied into the
  payload as given.

For every enabled job webhook whose `domains` include the domain and whose `watched` list matches
(a `model`/`dataset`/`space`/`bucket` item matches the same type and name; a `user` or `org` item
matches every repo of that owner), a job starts from the webhook's stored spec with:

* `WEBHOOK_PAYLOAD`: the Hub-style payload as JSON (`event`, `repo`, `webhook` {id, version 3} ...);
* `WEBHOOK_REPO_ID`, `WEBHOOK_REPO_TYPE`;
* `WEBHOOK_ID`: the delivery id (a new 24-hex id per event and webhook);
* `WEBHOOK_SECRET`, as a secret, when the webhook has one;
* the webhook's `secrets`; initiator `{"type": "webhook", "id": <webhook id>}`.

URL webhooks that match get the payload POSTed to their URL (header `X-Webhook-Secret`), in the
background, best effort. The response is `{"jobs": [<job objects>], "deliveries": [<url webhook
ids>]}`.
"""

from __future__ import annotations

import sys
import threading
import urllib.request
from typing import Any

from hfjobs_cli.emulator.errors import ApiError
from hfjobs_cli.emulator.util import dumps, new_id
from hfjobs_cli.emulator.validation import DOMAINS, require_object

REPO_TYPES = ("model", "dataset", "space", "bucket")
ACTIONS = ("create", "delete", "move", "update")
PASSTHROUGH = ("discussion", "comment", "movedTo", "updatedRefs", "updatedFiles")


def parse_event(body: Any) -> dict[str, Any]:
    """Validate an event body; return it normalised (`domain` and `event.scope` filled in)."""
    body = require_object(body)
    repo = require_object(body.get("repo"), "'repo'")
    if repo.get("type") not in REPO_TYPES:
        raise ApiError(f"'repo.type' must be one of {', '.join(REPO_TYPES)}", status=400)
    name = repo.get("name")
    if not isinstance(name, str) or name.count("/") != 1 or not all(name.split("/")):
        raise ApiError("'repo.name' must be a repo id such as 'owner/name'", status=400)
    event = require_object(body.get("event"), "'event'")
    if event.get("action") not in ACTIONS:
        raise ApiError(f"'event.action' must be one of {', '.join(ACTIONS)}", status=400)
    scope = event.get("scope")
    domain = body.get("domain")
    if domain is None:
        domain = (
            "discussion" if isinstance(scope, str) and scope.startswith("discussion") else "repo"
        )
    if domain not in DOMAINS:
        raise ApiError("'domain' must be 'repo' or 'discussion'", status=400)
    if scope is None:
        scope = "repo.content" if domain == "repo" else "discussion"
    if not isinstance(scope, str):
        raise ApiError("'event.scope' must be a string", status=400)
    out = {
        "repo": dict(repo),
        "event": {"action": event["action"], "scope": scope},
        "domain": domain,
    }
    out.update({key: body[key] for key in PASSTHROUGH if key in body})
    return out


def matches(webhook: dict[str, Any], event: dict[str, Any]) -> bool:
    if webhook["disabled"] or event["domain"] not in webhook["domains"]:
        return False
    repo = event["repo"]
    owner = repo["name"].split("/")[0]
    for item in webhook["watched"]:
        if item["type"] in ("user", "org") and item["name"] == owner:
            return True
        if item["type"] == repo["type"] and item["name"] == repo["name"]:
            return True
    return False


def payload(webhook_id: str, event: dict[str, Any], base_url: str) -> dict[str, Any]:
    """The body the Hub would deliver (the `WebhookPayload` shape of huggingface_hub)."""
    repo = event["repo"]
    prefix = {"model": "", "dataset": "datasets/", "space": "spaces/", "bucket": "buckets/"}[
        repo["type"]
    ]
    owner = repo["name"].split("/")[0]
    out_repo: dict[str, Any] = {
        "type": repo["type"],
        "name": repo["name"],
        "id": repo.get("id") or new_id(),
        "private": bool(repo.get("private", False)),
        "url": {
            "web": f"{base_url}/{prefix}{repo['name']}",
            "api": f"{base_url}/api/{repo['type']}s/{repo['name']}",
        },
        "owner": {"id": owner},
    }
    if repo.get("headSha") and repo["type"] != "bucket":
        out_repo["headSha"] = repo["headSha"]
    body = {"event": event["event"], "repo": out_repo, "webhook": {"id": webhook_id, "version": 3}}
    body.update({key: event[key] for key in PASSTHROUGH if key in event})
    return body


def job_variables(
    webhook: dict[str, Any], event: dict[str, Any], body: dict[str, Any]
) -> tuple[dict, dict]:
    """(environment, secrets) added to a job a webhook starts."""
    env = {
        "WEBHOOK_PAYLOAD": dumps(body),
        "WEBHOOK_REPO_ID": event["repo"]["name"],
        "WEBHOOK_REPO_TYPE": event["repo"]["type"],
        "WEBHOOK_ID": new_id(),
    }
    secrets = dict(webhook["job_secrets"])
    if webhook["secret"]:
        secrets["WEBHOOK_SECRET"] = webhook["secret"]
    return env, secrets


def deliver(url: str, body: dict[str, Any], secret: str | None) -> None:
    """POST a payload to a URL webhook in the background; failures are only logged."""

    def send() -> None:
        headers = {"Content-Type": "application/json", "User-Agent": "hfjobs-emulator"}
        if secret:
            headers["X-Webhook-Secret"] = secret
        request = urllib.request.Request(
            url, data=dumps(body).encode(), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                response.read()
        except Exception as exc:  # the receiver's problem, not the emulator's
            print(f"webhook delivery to {url} failed: {exc}", file=sys.stderr)

    threading.Thread(target=send, daemon=True).start()
