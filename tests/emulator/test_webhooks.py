"""Webhooks (api-reference §5) and the simulated repository events that start their jobs."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from hfjobs_cli.emulator.errors import ApiError
from hfjobs_cli.emulator.webhooks import matches, parse_event
from tests.emulator.conftest import Client, py

ECHO = (
    "import json, os; p = json.loads(os.environ['WEBHOOK_PAYLOAD']);"
    "print(p['event']['action'], p['repo']['name'], p['repo']['type'], p['webhook']['id']);"
    "print(os.environ['WEBHOOK_REPO_ID'], os.environ['WEBHOOK_REPO_TYPE'], len(os.environ['WEBHOOK_ID']));"
    "print(os.environ.get('WEBHOOK_SECRET'), os.environ.get('HF_TOKEN'), os.environ['MODE'])"
)


@pytest.fixture(autouse=True)
def no_webhooks_left(client: Client):
    """Each test starts and ends with no webhook, so events only fire the test's own."""
    yield
    for hook in client.get("/api/settings/webhooks").json():
        client.delete(f"/api/settings/webhooks/{hook['id']}")


@pytest.fixture
def source(client: Client) -> dict:
    job = client.run(
        py(ECHO), environment={"MODE": "m"}, secrets={"SOURCE_ONLY": "x"}, labels={"name": "hook"}
    )
    client.wait(job["id"])
    return job


def create(client: Client, **body) -> dict:
    response = client.post("/api/settings/webhooks", json=body)
    assert response.status_code == 200, response.text
    return response.json()["webhook"]


def event(client: Client, name: str = "local/my-model", kind: str = "model", **extra):
    body = {
        "repo": {"type": kind, "name": name, "headSha": "abc"},
        "event": {"action": "update", "scope": "repo.content"},
        **extra,
    }
    response = client.post("/api/emulator/webhook-events", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_job_webhook_copies_the_job_spec_but_not_its_secrets(client: Client, source):
    hook = create(
        client,
        watched=[{"type": "model", "name": "local/my-model"}],
        jobSourceId=source["id"],
        secret="shh",
        secrets={"HF_TOKEN": "hf_hooksecret"},
    )
    assert (
        hook["url"] is None
        and hook["disabled"] is False
        and hook["domains"] == ["repo", "discussion"]
    )
    assert hook["job"]["command"] == source["command"] and hook["job"]["environment"] == {
        "MODE": "m"
    }
    assert hook["job"]["secrets"] == ["HF_TOKEN"] and hook["secret"] == "shh"
    assert "hf_hooksecret" not in json.dumps(hook)
    assert client.get(f"/api/settings/webhooks/{hook['id']}").json() == {"webhook": hook}
    listed = client.get("/api/settings/webhooks").json()
    assert isinstance(listed, list) and hook["id"] in [w["id"] for w in listed]


def test_a_repository_event_starts_the_job_with_the_webhook_payload(client: Client, source):
    hook = create(
        client,
        watched=[{"type": "model", "name": "local/my-model"}],
        jobSourceId=source["id"],
        secret="shh",
        secrets={"HF_TOKEN": "hf_hooksecret"},
        domains=["repo"],
    )
    started = event(client)["jobs"]
    assert len(started) == 1
    job = started[0]
    assert job["initiator"] == {"type": "webhook", "id": hook["id"]}
    assert sorted(job["secrets"]) == ["HF_TOKEN", "WEBHOOK_SECRET"]
    assert "WEBHOOK_PAYLOAD" in job["environment"]
    assert client.wait(job["id"])["status"]["stage"] == "COMPLETED"
    assert client.lines(job["id"]) == [
        f"update local/my-model model {hook['id']}",
        "local/my-model model 24",
        "shh hf_hooksecret m",
    ]


def test_only_matching_enabled_webhooks_fire(client: Client, source):
    by_repo = create(
        client, watched=[{"type": "dataset", "name": "local/data"}], jobSourceId=source["id"]
    )
    by_owner = create(
        client,
        watched=[{"type": "org", "name": "acme"}],
        jobSourceId=source["id"],
        domains=["repo"],
    )
    discussions = create(
        client,
        watched=[{"type": "org", "name": "acme"}],
        jobSourceId=source["id"],
        domains=["discussion"],
    )

    def fired(result):
        return {j["initiator"]["id"] for j in result["jobs"]}

    assert fired(event(client, "local/data", "dataset")) >= {by_repo["id"]}
    assert by_repo["id"] not in fired(event(client, "local/data", "model"))  # same name, other type
    assert fired(event(client, "acme/anything", "space")) >= {by_owner["id"]}
    assert discussions["id"] not in fired(event(client, "acme/anything", "space"))
    assert discussions["id"] in fired(event(client, "acme/x", "model", domain="discussion"))
    disabled = client.post(f"/api/settings/webhooks/{by_owner['id']}/disable").json()["webhook"]
    assert disabled["disabled"] is True
    assert by_owner["id"] not in fired(event(client, "acme/anything", "space"))
    assert (
        client.post(f"/api/settings/webhooks/{by_owner['id']}/enable").json()["webhook"]["disabled"]
        is False
    )
    assert by_owner["id"] in fired(event(client, "acme/anything", "space"))
    for job_id in [
        j["id"] for j in client.get("/api/jobs/local").json() if j["status"]["stage"] == "RUNNING"
    ]:
        client.post(f"/api/jobs/local/{job_id}/cancel")


def test_update_merges_secrets_and_keeps_watched_when_empty(client: Client, source):
    hook = create(
        client,
        watched=[{"type": "user", "name": "local"}],
        jobSourceId=source["id"],
        secrets={"A": "1", "B": "2"},
    )
    response = client.post(
        f"/api/settings/webhooks/{hook['id']}",
        json={"watched": [], "secrets": {"A": "", "C": "3"}, "domains": ["repo"]},
    )
    updated = response.json()["webhook"]
    assert updated["watched"] == hook["watched"] and updated["domains"] == ["repo"]
    assert updated["job"]["secrets"] == ["B", "C"]
    moved = client.post(
        f"/api/settings/webhooks/{hook['id']}", json={"url": "http://127.0.0.1:9/x"}
    ).json()["webhook"]
    assert moved["url"] == "http://127.0.0.1:9/x" and moved["job"] is None
    assert (
        client.post(
            f"/api/settings/webhooks/{hook['id']}", json={"secrets": {"A": "1"}}
        ).status_code
        == 400
    )
    assert client.delete(f"/api/settings/webhooks/{hook['id']}").status_code == 200
    assert client.get(f"/api/settings/webhooks/{hook['id']}").status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"watched": [{"type": "model", "name": "a/b"}]},
        {"watched": [{"type": "model", "name": "a/b"}], "url": "http://x", "jobSourceId": "0" * 24},
        {"watched": [], "url": "http://127.0.0.1/x"},
        {"watched": [{"type": "galaxy", "name": "a/b"}], "url": "http://127.0.0.1/x"},
        {"watched": [{"type": "model", "name": "a/b"}], "url": "ftp://x"},
        {
            "watched": [{"type": "model", "name": "a/b"}],
            "url": "http://127.0.0.1/x",
            "secrets": {"A": "1"},
        },
        {
            "watched": [{"type": "model", "name": "a/b"}],
            "url": "http://127.0.0.1/x",
            "domains": ["issues"],
        },
    ],
)
def test_invalid_webhooks_are_400(client: Client, body):
    assert client.post("/api/settings/webhooks", json=body).status_code == 400


def test_a_webhook_on_an_unknown_job_is_404(client: Client):
    response = client.post(
        "/api/settings/webhooks",
        json={"watched": [{"type": "user", "name": "local"}], "jobSourceId": "0" * 24},
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"repo": {"type": "model", "name": "a/b"}},
        {"repo": {"type": "model", "name": "nope"}, "event": {"action": "update"}},
        {"repo": {"type": "rocket", "name": "a/b"}, "event": {"action": "update"}},
        {"repo": {"type": "model", "name": "a/b"}, "event": {"action": "explode"}},
        {
            "repo": {"type": "model", "name": "a/b"},
            "event": {"action": "update"},
            "domain": "issues",
        },
    ],
)
def test_invalid_events_are_400(client: Client, body):
    assert client.post("/api/emulator/webhook-events", json=body).status_code == 400
    with pytest.raises(ApiError):
        parse_event(body)


def test_event_defaults():
    parsed = parse_event({"repo": {"type": "model", "name": "a/b"}, "event": {"action": "create"}})
    assert parsed["domain"] == "repo" and parsed["event"]["scope"] == "repo.content"
    parsed = parse_event(
        {
            "repo": {"type": "model", "name": "a/b"},
            "event": {"action": "create", "scope": "discussion.comment"},
        }
    )
    assert parsed["domain"] == "discussion"
    hook = {"disabled": False, "domains": ["repo"], "watched": [{"type": "user", "name": "a"}]}
    assert matches(
        hook,
        parse_event({"repo": {"type": "bucket", "name": "a/b"}, "event": {"action": "update"}}),
    )


def test_url_webhooks_receive_the_payload(client: Client):
    received = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(
                (
                    self.headers.get("X-Webhook-Secret"),
                    json.loads(self.rfile.read(int(self.headers["Content-Length"]))),
                )
            )
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    try:
        hook = create(
            client,
            watched=[{"type": "space", "name": "local/app"}],
            url=f"http://127.0.0.1:{server.server_address[1]}/hook",
            secret="sig",
        )
        result = event(client, "local/app", "space")
        assert result["deliveries"] == [hook["id"]] and result["jobs"] == []
        thread.join(10)
        assert received and received[0][0] == "sig"
        assert (
            received[0][1]["repo"]["name"] == "local/app"
            and received[0][1]["webhook"]["id"] == hook["id"]
        )
    finally:
        server.server_close()
        client.delete(f"/api/settings/webhooks/{hook['id']}")
