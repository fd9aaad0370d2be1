"""`hfjobs doctor` at the HTTP boundary: one report, its exit codes."""

from __future__ import annotations

import json

from tests.commands.helpers import JOBS
from tests.payloads import ENDPOINT, whoami


# -- doctor -------------------------------------------------------------------------------
def test_doctor_all_good(cli, api, logged_in):
    api.get(f"{ENDPOINT}/api/whoami-v2", json=whoami())
    api.get(JOBS, json=[])
    api.get(f"{ENDPOINT}/api/jobs/hardware", json=[{"name": "cpu-basic"}, {"name": "t4-small"}])
    result = cli("doctor", "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True
    assert report["token"] == {
        "source": "HF_TOKEN environment variable", "works": True, "user": "alice",
        "orgs": ["acme"], "role": "write",
    }  # fmt: skip
    assert report["namespace"]["canStartJobs"] is True
    assert report["hardware"] == {"reachable": True, "flavors": ["cpu-basic", "t4-small"]}
    assert report["endpoint"] == {"url": ENDPOINT, "source": "HF_ENDPOINT environment variable"}
    assert report["emulator"]["running"] is False and report["ci"] is None


def test_doctor_with_a_read_token_exits_4(cli, api, logged_in):
    reader = whoami()
    reader["auth"]["accessToken"]["role"] = "read"
    api.get(f"{ENDPOINT}/api/whoami-v2", json=reader)
    api.get(f"{ENDPOINT}/api/jobs/hardware", json=[{"name": "cpu-basic"}])
    result = cli("doctor")
    assert result.exit_code == 4
    assert "may NOT start jobs: a read token cannot start jobs" in result.stdout


def test_doctor_in_another_namespace_exits_4(cli, api, logged_in):
    api.get(f"{ENDPOINT}/api/whoami-v2", json=whoami())
    api.get(f"{ENDPOINT}/api/jobs/hardware", json=[{"name": "cpu-basic"}])
    result = cli("doctor", "--json", "--namespace", "stranger")
    assert result.exit_code == 4
    assert json.loads(result.stdout)["namespace"]["canStartJobs"] is False


def test_doctor_rejected_token_exits_4(cli, api, logged_in):
    api.get(f"{ENDPOINT}/api/whoami-v2", status=401, json={"error": "Invalid token"})
    api.get(f"{ENDPOINT}/api/jobs/hardware", json=[{"name": "cpu-basic"}])
    result = cli("doctor")
    assert result.exit_code == 4
    assert "FAILED" in result.stdout and "HF_TOKEN environment variable" in result.stdout


def test_doctor_without_a_token_exits_4(cli, api):
    api.get(f"{ENDPOINT}/api/jobs/hardware", json=[{"name": "cpu-basic"}])
    result = cli("doctor", "--json")
    assert result.exit_code == 4
    assert json.loads(result.stdout)["token"] == {
        "source": "none", "works": False, "error": "no token found"
    }  # fmt: skip


def test_doctor_unreachable_exits_6(cli, api, logged_in):
    api.get(f"{ENDPOINT}/api/whoami-v2", status=503, json={"error": "down"})
    result = cli("doctor", "--json")
    assert result.exit_code == 6
    assert json.loads(result.stdout)["hardware"]["reachable"] is False


def test_doctor_says_which_ci(cli, api, logged_in, github):
    api.get(f"{ENDPOINT}/api/whoami-v2", json=whoami())
    api.get(JOBS, json=[])
    api.get(f"{ENDPOINT}/api/jobs/hardware", json=[{"name": "cpu-basic"}])
    result = cli("doctor")
    assert result.exit_code == 0
    assert "GitHub Actions" in result.stdout


def test_doctor_with_a_fine_grained_token(cli, api, logged_in):
    granted = whoami()
    granted["auth"]["accessToken"] = {
        "role": "fineGrained",
        "fineGrained": {
            "scoped": [{"entity": {"type": "org", "name": "acme"}, "permissions": ["job.write"]}]
        },
    }
    api.get(f"{ENDPOINT}/api/whoami-v2", json=granted)
    api.get(f"{ENDPOINT}/api/jobs/acme", json=[])
    api.get(f"{ENDPOINT}/api/jobs/hardware", json=[{"name": "cpu-basic"}])
    result = cli("doctor", "--json", "--namespace", "acme")
    assert result.exit_code == 0, result.stdout
    assert json.loads(result.stdout)["namespace"]["canStartJobs"] is True
