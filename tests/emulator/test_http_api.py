"""The HTTP surface: auth, errors, whoami, hardware, validation (api-reference §7, §8, §11)."""

from __future__ import annotations

from email.utils import parsedate_to_datetime

import pytest
import requests

from tests.emulator.conftest import Client, job_body


def assert_error(response: requests.Response, status: int, fragment: str = "") -> None:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    message = response.json()["error"]
    assert response.headers["X-Error-Message"] == message
    assert len(response.headers["X-Request-Id"]) == 24
    assert parsedate_to_datetime(response.headers["Date"])
    assert fragment.lower() in message.lower()


def test_no_token_is_401(emu):
    assert_error(requests.get(f"{emu.url}/api/jobs/local", timeout=10), 401, "authorization")
    assert_error(requests.get(f"{emu.url}/api/whoami-v2", timeout=10), 401)


def test_wrong_token_is_401_with_the_hub_message(emu):
    response = requests.get(
        f"{emu.url}/api/whoami-v2", headers={"authorization": "Bearer hf_nope"}, timeout=10
    )
    assert_error(response, 401, "Invalid credentials in Authorization header")


def test_every_api_route_needs_the_token(emu):
    for method, path in [
        ("POST", "/api/jobs/local"),
        ("GET", "/api/scheduled-jobs/local"),
        ("GET", "/api/settings/webhooks"),
        ("POST", "/api/emulator/webhook-events"),
    ]:
        assert requests.request(method, emu.url + path, json={}, timeout=10).status_code == 401


def test_whoami_is_the_local_user(client: Client):
    me = client.get("/api/whoami-v2").json()
    assert me["name"] == "local" and me["type"] == "user"
    assert [org["name"] for org in me["orgs"]] == ["local-org"]
    assert me["auth"]["accessToken"]["role"] == "write"


def test_hardware_is_public_with_26_priced_flavors(emu):
    response = requests.get(f"{emu.url}/api/jobs/hardware", timeout=10)
    assert response.status_code == 200
    flavors = {h["name"]: h for h in response.json()}
    assert len(flavors) == 26
    assert (
        flavors["cpu-basic"]["unitCostMicroUSD"] == 167
        and flavors["cpu-basic"]["accelerator"] is None
    )
    assert flavors["a10g-small"]["accelerator"] == {
        "type": "gpu",
        "model": "A10G",
        "quantity": "1",
        "vram": "24 GB",
        "manufacturer": "Nvidia",
    }
    assert (
        flavors["h200x8"]["unitCostUSD"] == 0.666667 and flavors["h200x8"]["unitLabel"] == "minute"
    )


def test_health_is_public_and_reveals_no_secret(emu):
    health = requests.get(f"{emu.url}/api/emulator/health", timeout=10).json()
    assert health["status"] == "ok" and health["runtime"] == "process"
    assert emu.token not in str(health) and str(emu.data_dir) not in str(health)


def test_foreign_namespace_is_403(client: Client):
    assert_error(
        client.post("/api/jobs/someone-else", json=job_body(["true"])), 403, "someone-else"
    )
    assert_error(client.get("/api/jobs/someone-else"), 403)
    assert_error(client.get("/api/scheduled-jobs/someone-else"), 403)


def test_org_namespace_is_allowed(client: Client):
    job = client.run(["true"], namespace="local-org")
    assert job["owner"] == {"id": job["owner"]["id"], "name": "local-org", "type": "org"}
    assert client.wait(job["id"], namespace="local-org")["status"]["stage"] == "COMPLETED"
    assert_error(client.get(f"/api/jobs/local/{job['id']}"), 404)


@pytest.mark.parametrize(
    "path",
    [
        "/api/jobs/local/0123456789abcdef01234567",
        "/api/jobs/local/0123456789abcdef01234567/logs",
        "/api/jobs/local/0123456789abcdef01234567/cancel",
        "/api/scheduled-jobs/local/0123456789abcdef01234567",
        "/api/settings/webhooks/0123456789abcdef01234567",
        "/api/no/such/route",
    ],
)
def test_unknown_ids_are_404(client: Client, path):
    method = "POST" if path.endswith("cancel") else "GET"
    assert_error(client.request(method, path), 404)


def test_cancel_is_post_only(client: Client):
    job = client.run(["true"])
    assert_error(client.get(f"/api/jobs/local/{job['id']}/cancel"), 405, "POST")


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"dockerImage": None}, "exactly one"),
        ({"spaceId": "local/space"}, "exactly one"),
        ({"command": []}, "command"),
        ({"command": "echo hi"}, "command"),
        ({"command": ["echo", 3]}, "command"),
        ({"flavor": "tpu-huge"}, "flavor"),
        ({"timeoutSeconds": 0}, "timeoutSeconds"),
        ({"timeoutSeconds": "60"}, "timeoutSeconds"),
        ({"labels": {"bad key": "v"}}, "label"),
        ({"labels": {"k": "spaces are bad"}}, "label"),
        ({"labels": {"k" * 101: "v"}}, "label"),
        ({"environment": {"A": 1}}, "environment"),
        ({"environment": {"A=B": "x"}}, "environment"),
        ({"secrets": ["A"]}, "secrets"),
        ({"expose": {"ports": [8000], "portsPublic": [9000]}}, "subset"),
        ({"attempts": 0}, "attempts"),
        ({"volumes": [{"type": "model", "source": "a/b", "mountPath": "data"}]}, "mountPath"),
    ],
)
def test_invalid_job_bodies_are_400(client: Client, change, fragment):
    body = job_body(["true"])
    body.update(change)
    if change.get("dockerImage", "x") is None:
        del body["dockerImage"]
    assert_error(client.post("/api/jobs/local", json=body), 400, fragment)


def test_bad_json_is_400(client: Client):
    response = client.post(
        "/api/jobs/local", data=b"{not json", headers={"content-type": "application/json"}
    )
    assert_error(response, 400, "json")
    assert_error(client.post("/api/jobs/local", data=b""), 400)
    assert_error(client.post("/api/jobs/local", json=["a", "list"]), 400, "object")
