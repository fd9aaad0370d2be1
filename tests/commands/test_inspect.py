"""`hfjobs inspect` at the HTTP boundary: the panel, --json, unknown and malformed ids."""

import json

import pytest

from tests.commands.helpers import JOBS
from tests.payloads import ENDPOINT, make_job


def test_inspect_human_panel(cli, api, logged_in):
    job = make_job(
        stage="ERROR", message="Job timeout", environment={"MODE": "fast"}, secrets=["HF_TOKEN"],
        labels={"name": "demo", "team": "ml"}, timeoutSeconds=5400,
    )  # fmt: skip
    api.get(f"{JOBS}/{job['id']}", json=job)
    result = cli("inspect", f"alice/{job['id']}")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    for text in (
        "ERROR: Job timeout",
        "demo",
        "MODE=fast",
        "HF_TOKEN",
        "team=ml",
        "1h 30m",
        f"{ENDPOINT}/jobs/alice/{job['id']}",
    ):
        assert text in out, text


def test_inspect_json_array_and_missing_ids(cli, api, logged_in):
    job = make_job()
    api.get(f"{JOBS}/{job['id']}", json=job)
    api.get(f"{JOBS}/{'f' * 24}", status=404, json={"error": "Job not found"})
    result = cli("inspect", "--json", "--namespace", "alice", job["id"], "f" * 24)
    assert result.exit_code == 5
    assert json.loads(result.stdout) == [job]
    assert f"alice/{'f' * 24} not found" in result.stderr


@pytest.mark.parametrize("ref", ["a/b/c", "ns/", "/id"])
def test_malformed_job_ids_are_usage_errors(cli, api, logged_in, ref):
    for command in ("inspect", "cancel", "logs"):
        result = cli(command, ref)
        assert result.exit_code == 2, (command, result.output)
        assert "Invalid job id" in result.stderr


def test_namespace_conflict_is_a_usage_error(cli, api, logged_in):
    result = cli("inspect", "--namespace", "bob", "alice/abc")
    assert result.exit_code == 2
    assert "names namespace 'alice' but --namespace is 'bob'" in result.stderr
