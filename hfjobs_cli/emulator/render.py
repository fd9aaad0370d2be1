"""The local user and the JSON objects of the API (api-reference §3.2, §4.3, §5.1, §7)."""

from __future__ import annotations

import time
from typing import Any

from hfjobs_cli.emulator.store import TERMINAL_STAGES
from hfjobs_cli.emulator.util import iso

USER = {"id": "6650000000000000000000aa", "name": "local", "type": "user", "fullname": "Local User"}
ORG = {
    "id": "6650000000000000000000bb",
    "name": "local-org",
    "type": "org",
    "fullname": "Local Org",
}
NAMESPACES = {USER["name"]: USER, ORG["name"]: ORG}


def owner(namespace: str) -> dict[str, str]:
    who = NAMESPACES[namespace]
    return {"id": who["id"], "name": who["name"], "type": who["type"]}


def user_initiator() -> dict[str, str]:
    return {"type": "user", "id": USER["id"], "name": USER["name"]}


def whoami() -> dict[str, Any]:
    return {
        "type": "user",
        "id": USER["id"],
        "name": USER["name"],
        "fullname": USER["fullname"],
        "email": "local@localhost",
        "emailVerified": True,
        "isPro": False,
        "canPay": True,
        "avatarUrl": "",
        "periodEnd": None,
        "orgs": [
            {
                "type": "org",
                "id": ORG["id"],
                "name": ORG["name"],
                "fullname": ORG["fullname"],
                "canPay": True,
                "avatarUrl": "",
                "roleInOrg": "admin",
            }
        ],
        "auth": {
            "type": "access_token",
            "accessToken": {"displayName": "hfjobs emulator", "role": "write"},
        },
    }


def _secs(start: float | None, end: float | None) -> int | None:
    if start is None:
        return None
    return max(0, int((end if end is not None else time.time()) - start))


def public_spec(spec: dict[str, Any], secrets: dict[str, str]) -> dict[str, Any]:
    """A stored spec as the API shows it: secret names only, never their values."""
    out = {k: v for k, v in spec.items()}
    if secrets:
        out["secrets"] = sorted(secrets)
    if "attempts" in spec:
        out["retry"] = spec["attempts"] - 1
    return out


def job_spec_view(spec: dict[str, Any], secrets: dict[str, str]) -> dict[str, Any]:
    """The job spec inside a scheduled job or a webhook: the timeout under both names.

    The Hub answers `timeoutSeconds` and `timeout` there, and the official client reads `timeout`.
    """
    out = public_spec(spec, secrets)
    out["timeout"] = spec.get("timeoutSeconds")
    return out


def job_view(row: dict[str, Any]) -> dict[str, Any]:
    spec, stage = row["spec"], row["stage"]
    terminal = stage in TERMINAL_STAGES
    end = row["finished_at"] if terminal else None
    started = row["started_at"]
    if started is not None:
        scheduling = _secs(row["created_at"], started)
    else:  # still waiting for "hardware", or ended before it ran
        scheduling = None if terminal else _secs(row["created_at"], None)
    status: dict[str, Any] = {"stage": stage, "message": row["message"]}
    ports = (spec.get("expose") or {}).get("ports") or []
    if ports:
        status["exposeUrls"] = [f"http://127.0.0.1:{port}" for port in ports]
    job = {
        "id": row["id"],
        "type": "job",
        "createdAt": iso(row["created_at"]),
        "startedAt": iso(row["started_at"]),
        "finishedAt": iso(row["finished_at"]),
        "updatedAt": iso(row["updated_at"]),
        **public_spec(spec, row["secrets"]),
        "status": status,
        "durations": {
            "schedulingSecs": scheduling,
            "runningSecs": _secs(started, end),
            "totalSecs": _secs(row["created_at"], end),
        },
        "owner": owner(row["namespace"]),
        "createdBy": {"id": USER["id"], "name": USER["name"]},
        "initiator": row["initiator"],
    }
    return job


def scheduled_view(row: dict[str, Any]) -> dict[str, Any]:
    last = None
    if row["last_job_id"]:
        last = {"id": row["last_job_id"], "at": iso(row["last_job_at"])}
    return {
        "id": row["id"],
        "type": "scheduled-job",
        "createdAt": iso(row["created_at"]),
        "updatedAt": iso(row["updated_at"]),
        "schedule": row["schedule"],
        "suspend": row["suspend"],
        "concurrency": row["concurrency"],
        "jobSpec": job_spec_view(row["spec"], row["secrets"]),
        "status": {"lastJob": last, "nextJobRunAt": iso(row["next_run_at"])},
        "owner": owner(row["namespace"]),
    }


def webhook_view(row: dict[str, Any]) -> dict[str, Any]:
    job = None
    if row["job_spec"] is not None:
        job = job_spec_view(row["job_spec"], row["job_secrets"])
    return {
        "id": row["id"],
        "url": row["url"],
        "job": job,
        "jobSourceId": row["job_source_id"],
        "watched": row["watched"],
        "domains": row["domains"],
        "secret": row["secret"],
        "disabled": row["disabled"],
        "createdAt": iso(row["created_at"]),
        "updatedAt": iso(row["updated_at"]),
    }
