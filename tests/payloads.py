"""Payload builders: API objects as the Hub returns them, with overrides per test."""

from __future__ import annotations

import itertools
import json
from typing import Any

ENDPOINT = "http://hub.test"
TOKEN = "hf_testtokenvalue1234567890"
USER = "alice"
_ids = itertools.count(1)


def job_id(n: int | None = None) -> str:
    return f"{n if n is not None else next(_ids):024x}"


def make_job(**overrides: Any) -> dict[str, Any]:
    ident = overrides.pop("id", None) or job_id()
    stage = overrides.pop("stage", "RUNNING")
    message = overrides.pop("message", None)
    job: dict[str, Any] = {
        "id": ident,
        "type": "job",
        "createdAt": "2025-07-22T16:06:25.079Z",
        "startedAt": "2025-07-22T16:06:31.120Z" if stage != "SCHEDULING" else None,
        "finishedAt": None,
        "dockerImage": "python:3.12",
        "spaceId": None,
        "command": ["python", "-c", "print(42)"],
        "arguments": [],
        "environment": {},
        "flavor": "cpu-basic",
        "labels": {},
        "status": {"stage": stage, "message": message},
        "durations": {"schedulingSecs": 6, "runningSecs": 12, "totalSecs": 18},
        "owner": {"id": "5e9ecfc04957053f60648a3e", "name": USER, "type": "user"},
        "initiator": {"type": "user", "id": "5e9ecfc04957053f60648a3e", "name": USER},
    }
    job.update(overrides)
    return job


def whoami(name: str = USER, orgs: tuple[str, ...] = ("acme",)) -> dict[str, Any]:
    return {
        "type": "user",
        "id": "5e9ecfc04957053f60648a3e",
        "name": name,
        "fullname": name.title(),
        "orgs": [{"type": "org", "id": f"org{i}", "name": o} for i, o in enumerate(orgs)],
        "auth": {"type": "access_token", "accessToken": {"displayName": "t", "role": "write"}},
    }


def sse_lines(
    lines: list[tuple[str, str]], *, banner: bool = True, keepalive: bool = True
) -> bytes:
    """A `/logs` body: one `data: {...}` event per (timestamp, text)."""
    events = []
    if banner:
        events.append(
            ("2025-07-22T16:06:31.120Z", "===== Job started at 2025-07-22 16:06:31 =====")
        )
    events += lines
    out = []
    for i, (ts, text) in enumerate(events):
        out.append("data: " + json.dumps({"data": text, "timestamp": ts}) + "\n\n")
        if keepalive and i == 1:
            out.append(": keep-alive\n\n")
    return "".join(out).encode()


def ts(second: int) -> str:
    return f"2025-07-22T16:07:{second:02d}.000Z"
