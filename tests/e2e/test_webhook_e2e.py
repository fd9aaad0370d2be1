"""Job webhooks end to end: the installed `hfjobs` against the emulator, with simulated events."""

from __future__ import annotations

import json

import requests

PY = "python:3.12"
CODE = (
    "import os; print('payload', os.environ.get('WEBHOOK_PAYLOAD', 'none')); "
    "print('API_KEY', 'set' if os.environ.get('API_KEY') else 'missing')"
)


def send_event(emulator, repo: str, *, domain: str = "repo", action: str = "update") -> list[str]:
    """Simulate a change of the model `repo`; the ids of the jobs the emulator started."""
    event = {
        "repo": {"type": "model", "name": repo, "headSha": "abc123"},
        "event": {"action": action},
        "domain": domain,
    }
    response = requests.post(
        f"{emulator.url}/api/emulator/webhook-events",
        json=event,
        headers={"authorization": f"Bearer {emulator.token}"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return [job["id"] for job in response.json()["jobs"]]


def job_output(hfjobs, job_id: str) -> list[str]:
    logs = hfjobs("logs", "-f", job_id)
    assert logs.returncode == 0, logs.stderr
    return logs.stdout.splitlines()


def test_a_webhook_reruns_its_source_job_with_the_event(hfjobs, emulator):
    run = hfjobs("run", "-d", "-q", "-s", "API_KEY", PY, "python", "-c", CODE,
                 extra_env={"API_KEY": "first-value"})  # fmt: skip
    assert run.returncode == 0, run.stderr
    source = run.stdout.strip()
    assert job_output(hfjobs, source) == ["payload none", "API_KEY set"]

    created = hfjobs("webhook", "create", "--watch", "model:local/my-model", "--domain", "repo",
                     "--job-id", f"local/{source}")  # fmt: skip
    assert created.returncode == 0, created.stderr
    first, second = created.stdout.splitlines()
    assert first.startswith("✓ Webhook ") and first.endswith(" created")
    hook_id = first.split()[2]
    assert second == "Watching model:local/my-model (repo events)"
    assert "API_KEY will be missing" in created.stderr and "-s API_KEY" in created.stderr

    listed = hfjobs("webhook", "ls").stdout.splitlines()
    assert listed[1].split("\t") == [
        hook_id,
        f"job {source}",
        "model:local/my-model",
        "repo",
        "yes",
    ]

    started = send_event(emulator, "local/my-model")
    assert len(started) == 1
    ps = {job["id"]: job for job in hfjobs("ps", "-a", "--json").json()}
    assert ps[started[0]]["initiator"]["type"] == "webhook"
    assert ps[started[0]]["initiator"]["id"] == hook_id
    lines = job_output(hfjobs, started[0])
    payload = json.loads(lines[0].removeprefix("payload "))
    assert payload["event"]["action"] == "update"
    assert payload["repo"]["name"] == "local/my-model" and payload["repo"]["headSha"] == "abc123"
    assert payload["webhook"]["id"] == hook_id
    assert lines[1] == "API_KEY missing"  # the source job's secrets are not copied

    # Pass the secret again; the next triggered job has it.
    updated = hfjobs("webhook", "update", hook_id, "--job-id", source, "-s", "API_KEY",
                     extra_env={"API_KEY": "second-value"})  # fmt: skip
    assert updated.returncode == 0, updated.stderr
    assert "Warning" not in updated.stderr
    inspected = hfjobs("webhook", "inspect", "--json", hook_id).json()
    assert inspected["job"]["secrets"] == ["API_KEY"]
    assert "second-value" not in json.dumps(inspected)

    assert send_event(emulator, "local/other-model") == []  # not watched
    assert send_event(emulator, "local/my-model", domain="discussion") == []  # not this domain
    assert hfjobs("webhook", "disable", hook_id).stdout == f"✓ Webhook {hook_id} disabled\n"
    assert send_event(emulator, "local/my-model") == []
    assert hfjobs("webhook", "enable", "-q", hook_id).stdout == f"{hook_id}\n"
    again = send_event(emulator, "local/my-model")
    assert len(again) == 1
    assert job_output(hfjobs, again[0])[1] == "API_KEY set"

    refused = hfjobs("webhook", "delete", hook_id)
    assert refused.returncode == 2 and "Pass -y/--yes" in refused.stderr
    deleted = hfjobs("webhook", "delete", "-y", hook_id)
    assert deleted.returncode == 0 and deleted.stdout == f"✓ Webhook {hook_id} deleted\n"
    assert hfjobs("webhook", "ls", "-q").stdout == ""
    assert send_event(emulator, "local/my-model") == []


def test_a_user_watch_matches_every_repo_of_that_user(hfjobs, emulator):
    source = hfjobs("run", "-d", "-q", PY, "python", "-c", "print('hi')").stdout.strip()
    hook_id = hfjobs("webhook", "create", "-q", "--watch", "user:local", "--job-id", source).stdout
    hook_id = hook_id.strip()
    assert len(hook_id) == 24
    try:
        started = send_event(emulator, "local/anything", domain="discussion", action="create")
        assert len(started) == 1
        assert job_output(hfjobs, started[0]) == ["hi"]
    finally:
        assert hfjobs("webhook", "delete", "-y", hook_id).returncode == 0


def test_unknown_source_job_and_webhook(hfjobs):
    missing = "0123456789abcdef01234567"
    created = hfjobs("webhook", "create", "--watch", "user:local", "--job-id", missing)
    assert created.returncode == 5
    assert f"Job local/{missing} not found" in created.stderr
    inspected = hfjobs("webhook", "inspect", missing)
    assert inspected.returncode == 5
    assert f"Webhook {missing} not found" in inspected.stderr
