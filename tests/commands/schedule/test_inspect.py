"""`hfjobs schedule inspect` at the HTTP boundary: shows scheduled jobs: the panel and --json."""

from __future__ import annotations

import json

from tests.commands.schedule.helpers import JOBS, SJ, make_scheduled_job
from tests.conftest import auth_header
from tests.payloads import make_job

# -- schedule inspect ------------------------------------------------------------------------


def test_inspect_shows_a_readable_panel(cli, api, logged_in):
    last = make_job(stage="ERROR")
    sj = make_scheduled_job(
        schedule="30 9 * * 1-5",
        concurrency=True,
        jobSpec={"secrets": ["HF_TOKEN"], "environment": {"MODE": "fast"}, "timeoutSeconds": 600},
        status={
            "lastJob": {"id": last["id"], "at": "2025-07-22T09:30:00.000Z"},
            "nextJobRunAt": "2025-07-23T09:30:00.000Z",
        },
    )
    api.get(f"{SJ}/{sj['id']}", json=sj, match=[auth_header()])
    api.get(f"{JOBS}/{last['id']}", json=last)
    result = cli("schedule", "inspect", f"alice/{sj['id']}")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"Scheduled job {sj['id']}"
    fields = {line.split()[0]: line.strip() for line in lines[1:]}
    assert fields["Name"] == "Name         hourly-task"
    assert fields["Schedule"].endswith("every Monday to Friday at 09:30 UTC (30 9 * * 1-5)")
    assert fields["State"].endswith("active")
    assert "2025-07-23 09:30 UTC" in fields["Next"]
    assert f"{last['id']} ERROR, 2025-07-22 09:30 UTC" in fields["Last"]
    assert fields["Concurrency"].endswith("allowed")
    assert fields["Secrets"].endswith("HF_TOKEN")
    assert fields["Timeout"].split(None, 1)[1].startswith("10m")
    assert fields["Env"].endswith("MODE=fast")


def test_inspect_json_is_an_array_and_unknown_ids_exit_5(cli, api, logged_in):
    sj = make_scheduled_job()
    api.get(f"{SJ}/{sj['id']}", json=sj)
    api.get(f"{SJ}/nope", status=404, json={"error": "not found"})
    result = cli("schedule", "inspect", "--json", "--namespace", "alice", sj["id"], "nope")
    assert result.exit_code == 5
    assert json.loads(result.stdout) == [sj]
    assert "Error: Scheduled job alice/nope not found" in result.stderr


def test_inspect_of_a_suspended_one(cli, api, logged_in):
    sj = make_scheduled_job(suspend=True, status={"lastJob": None, "nextJobRunAt": None})
    api.get(f"{SJ}/{sj['id']}", json=sj)
    result = cli("schedule", "inspect", "--namespace", "alice", sj["id"])
    assert "  State        suspended" in result.stdout
    assert "  Next run     --" in result.stdout
    assert "  Last run     --" in result.stdout
