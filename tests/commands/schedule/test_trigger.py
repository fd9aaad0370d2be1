"""`hfjobs schedule trigger` at the HTTP boundary: starts a run of a scheduled job now."""

from __future__ import annotations

import json

from tests.commands.schedule.helpers import SJ, run_by
from tests.conftest import auth_header
from tests.payloads import ENDPOINT, job_id

# -- trigger ---------------------------------------------------------------------------------


def test_trigger_prints_the_new_job(cli, api, logged_in):
    sj_id = job_id()
    job = run_by(sj_id, stage="SCHEDULING")
    api.post(f"{SJ}/{sj_id}/run", json=job, match=[auth_header()])
    result = cli("schedule", "trigger", "--namespace", "alice", sj_id)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"✓ Job {job['id']} started from scheduled job {sj_id}",
        f"{ENDPOINT}/jobs/alice/{job['id']}",
    ]
    assert f"hfjobs logs -f alice/{job['id']}" in result.stderr


def test_trigger_quiet_and_json(cli, api, logged_in):
    sj_id = job_id()
    job = run_by(sj_id)
    api.post(f"{SJ}/{sj_id}/run", json=job)
    api.post(f"{SJ}/{sj_id}/run", json=job)
    quiet = cli("schedule", "trigger", "-q", f"alice/{sj_id}")
    assert quiet.stdout == f"{job['id']}\n" and quiet.stderr == ""
    assert json.loads(cli("schedule", "trigger", "--json", f"alice/{sj_id}").stdout) == job


def test_trigger_conflict_exits_1_with_a_clear_message(cli, api, logged_in):
    sj_id = job_id()
    api.post(
        f"{SJ}/{sj_id}/run",
        status=409,
        json={"error": "Scheduled job is already running"},
    )
    result = cli("schedule", "trigger", "--namespace", "alice", sj_id)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"Error: Scheduled job {sj_id} has a run still going and its concurrency is off: "
        "no new run was started",
        f"Hint: See its runs with `hfjobs schedule history alice/{sj_id}`",
    ]


def test_trigger_unknown_exits_5(cli, api, logged_in):
    api.post(f"{SJ}/nope/run", status=404, json={"error": "Scheduled job nope not found"})
    result = cli("schedule", "trigger", "--namespace", "alice", "nope")
    assert result.exit_code == 5
    assert "Scheduled job nope not found" in result.stderr
