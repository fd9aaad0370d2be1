"""Dynamic Tab completion: job, scheduled-job and webhook ids, namespaces and flavors.

Completion runs on every Tab press, so it is fast and quiet: candidates come from a cache in
`platformdirs.user_cache_dir("hfjobs")`; a stale cache is served at once and refreshed by a
detached background process; a missing one is fetched within about a second with no retries.
Nothing is printed but candidates, nothing prompts, and without a token nothing is offered.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

TTL = 60.0  # seconds before a cache is refreshed in the background
BUDGET = (0.5, 1.0)  # connect and read timeouts of a synchronous fetch
KINDS = ("jobs", "scheduled", "webhooks", "whoami", "hardware")

FALLBACK_FLAVORS = (
    "cpu-basic", "cpu-upgrade", "cpu-performance", "cpu-xl", "t4-small", "t4-medium", "l4x1",
    "l4x4", "l40sx1", "l40sx4", "l40sx8", "a10g-small", "a10g-large", "a10g-largex2",
    "a10g-largex4", "a100-large", "a100x4", "a100x8", "h200", "h200x2", "h200x4", "h200x8",
    "rtx-pro-6000", "rtx-pro-6000x2", "rtx-pro-6000x4", "rtx-pro-6000x8",
)  # fmt: skip


def _target(params: dict[str, Any]) -> tuple[str, str | None, str] | None:
    """(endpoint, token, namespace-or-empty) for the command being completed, without network."""
    from hfjobs_cli import config

    if config.is_truthy(os.environ.get("HFJOBS_LOCAL")):
        return None  # the emulator's own token is not read on a Tab press
    values = config.load_config() if config.config_path().exists() else {}
    token = config.resolve_token(params.get("token"), values).token
    if not token:
        return None
    endpoint = config.endpoint_from(config.resolve_setting("endpoint", None, values).value)
    namespace = params.get("namespace") or config.resolve_setting("namespace", None, values).value
    return endpoint, token, namespace or ""


def cache_path(kind: str, endpoint: str, namespace: str) -> Path:
    from hfjobs_cli.config import cache_dir

    digest = hashlib.sha256(f"{endpoint}\0{namespace}".encode()).hexdigest()[:16]
    return cache_dir() / f"complete-{kind}-{digest}.json"


def read_cache(path: Path) -> tuple[list[Any] | None, float]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data["items"], time.time() - float(data["at"])
    except (OSError, ValueError, KeyError, TypeError):
        return None, float("inf")


def write_cache(path: Path, items: list[Any]) -> None:
    from hfjobs_cli.config import write_private_file

    write_private_file(path, json.dumps({"at": time.time(), "items": items}))


def fetch(kind: str, endpoint: str, token: str, namespace: str) -> list[Any]:
    """Candidates from the API, bounded in time: one attempt, short timeouts."""
    from hfjobs_cli.api.client import JobsClient
    from hfjobs_cli.api.http import RetryPolicy, Transport
    from hfjobs_cli.context import user_agent

    transport = Transport(
        endpoint, token, user_agent=user_agent(), timeout=BUDGET, retry=RetryPolicy(attempts=1)
    )
    client = JobsClient(transport)
    if kind == "whoami":
        me = client.whoami()
        return [[me.name, "you"]] + [[org, "organisation"] for org in me.orgs]
    if kind == "hardware":
        return [[h["name"], h.get("prettyName", "")] for h in client.hardware()]
    if kind == "webhooks":
        data = client.get_json("/api/settings/webhooks")
        return [
            [w.get("id"), _webhook_help(w)] for w in data if isinstance(w, dict) and w.get("id")
        ]
    ns = namespace or client.namespace()
    if kind == "scheduled":
        data = client.get_json(f"/api/scheduled-jobs/{ns}")
        return [
            [s.get("id"), f"{(s.get('jobSpec') or {}).get('labels', {}).get('name') or ''} {s.get('schedule', '')}".strip()]
            for s in data if isinstance(s, dict) and s.get("id")
        ]  # fmt: skip
    items = []
    for job in client.list_jobs(ns):
        items.append([job.id, f"{job.name or job.spec.image} ({job.stage.lower()})"])
        if len(items) >= 50:
            break
    return items


def _webhook_help(webhook: dict[str, Any]) -> str:
    watched = ", ".join(f"{w.get('type')}:{w.get('name')}" for w in webhook.get("watched") or [])
    return watched or "webhook"


def _refresh_in_background(kind: str, namespace: str) -> None:
    try:
        subprocess.Popen(
            [sys.executable, "-m", "hfjobs_cli.completion", kind, namespace],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
        )
    except OSError:
        pass


def candidates(kind: str, params: dict[str, Any], *, background: bool = True) -> list[Any]:
    """Cached candidates of one kind; never raises, never prints."""
    try:
        target = _target(params)
        if target is None:
            return []
        endpoint, token, namespace = target
        path = cache_path(kind, endpoint, namespace)
        items, age = read_cache(path)
        if items is not None:
            if age > TTL and background:
                _refresh_in_background(kind, namespace)
            return items
        items = fetch(kind, endpoint, token or "", namespace)
        write_cache(path, items)
        return items
    except Exception:  # completion must never break the shell
        return []


def _filter(items: list[Any], incomplete: str, prefix: str = "") -> list[tuple[str, str]]:
    out = []
    for value, help_text in items:
        full = f"{prefix}{value}"
        if full.startswith(incomplete):
            out.append((full, help_text))
    return out


def _params(ctx: Any) -> dict[str, Any]:
    return dict(getattr(ctx, "params", None) or {})


def complete_job_id(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    params = _params(ctx)
    prefix = ""
    if "/" in incomplete:
        prefix = incomplete.split("/", 1)[0] + "/"
        params["namespace"] = prefix[:-1]
    return _filter(candidates("jobs", params), incomplete, prefix)


def complete_scheduled_id(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    return _filter(candidates("scheduled", _params(ctx)), incomplete)


def complete_webhook_id(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    params = _params(ctx)
    params.pop("namespace", None)
    return _filter(candidates("webhooks", params), incomplete)


def complete_namespace(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    params = _params(ctx)
    params.pop("namespace", None)
    return _filter(candidates("whoami", params), incomplete)


def complete_flavor(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    params = _params(ctx)
    params.pop("namespace", None)
    items = candidates("hardware", params) or [[f, ""] for f in FALLBACK_FLAVORS]
    return _filter(items, incomplete)


def _main(argv: list[str]) -> int:
    """`python -m hfjobs_cli.completion KIND [NAMESPACE]`: refresh one cache (background use)."""
    if not argv or argv[0] not in KINDS:
        return 2
    try:
        target = _target({"namespace": argv[1] if len(argv) > 1 else None})
        if target is None:
            return 0
        endpoint, token, namespace = target
        write_cache(
            cache_path(argv[0], endpoint, namespace),
            fetch(argv[0], endpoint, token or "", namespace),
        )
    except Exception:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
