"""Canned webhooks, request bodies and stubs shared by the `webhook` tests."""

from __future__ import annotations

from typing import Any

from responses import matchers

from tests.conftest import auth_header
from tests.payloads import ENDPOINT, job_id, make_job, whoami

HOOKS = f"{ENDPOINT}/api/settings/webhooks"

JOBS = f"{ENDPOINT}/api/jobs"

SOURCE = job_id(0xA1)

HOOK = job_id(0xB1)

URL = "https://example.com/hook"

BOTH = ["repo", "discussion"]


def make_webhook(**overrides: Any) -> dict[str, Any]:
    """A job webhook as `/api/settings/webhooks` returns it (unwrapped)."""
    hook: dict[str, Any] = {
        "id": overrides.pop("id", HOOK),
        "url": None,
        "job": {
            "dockerImage": "python:3.12",
            "command": ["python", "-c", "print(1)"],
            "arguments": [],
            "environment": {},
            "secrets": [],
            "flavor": "cpu-basic",
        },
        "jobSourceId": SOURCE,
        "watched": [{"type": "model", "name": "alice/my-model"}],
        "domains": BOTH,
        "secret": None,
        "disabled": False,
    }
    hook.update(overrides)
    return hook


def url_webhook(**overrides: Any) -> dict[str, Any]:
    return make_webhook(**{"url": URL, "job": None, "jobSourceId": None, **overrides})


def body(expected: Any) -> list:
    return [auth_header(), matchers.json_params_matcher(expected)]


def stub_source(api, job: dict[str, Any] | None = None, ns: str = "alice", whoami_too=True):
    job = job or make_job(id=SOURCE)
    if whoami_too:
        api.get(f"{ENDPOINT}/api/whoami-v2", json=whoami())
    api.get(f"{JOBS}/{ns}/{job['id']}", json=job, match=[auth_header()])
    return job


def one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if not line.startswith("Hint:")]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("Error: "), stderr
    return lines[0]
