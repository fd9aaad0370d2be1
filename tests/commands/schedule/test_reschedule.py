"""`hfjobs schedule reschedule` at the HTTP boundary: changes a scheduled job's schedule."""

from __future__ import annotations

import json

from responses import matchers

from tests.commands.schedule.helpers import SJ, make_scheduled_job
from tests.conftest import auth_header

# -- reschedule and labels -------------------------------------------------------------------


def test_reschedule_sends_the_new_schedule(cli, api, logged_in):
    sj = make_scheduled_job(schedule="0 9 * * 1")
    sj["status"]["nextJobRunAt"] = "2025-07-28T09:00:00.000Z"
    api.post(
        f"{SJ}/{sj['id']}/schedule",
        json=sj,
        match=[auth_header(), matchers.json_params_matcher({"schedule": "0 9 * * 1"})],
    )
    result = cli("schedule", "reschedule", "--namespace", "alice", sj["id"], " 0 9 * * 1")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        f"✓ Scheduled job {sj['id']} rescheduled: every Monday at 09:00 UTC (0 9 * * 1)"
    )
    assert lines[1].startswith("Next run: 2025-07-28 09:00 UTC (")


def test_reschedule_quiet_json_and_suspended(cli, api, logged_in):
    sj = make_scheduled_job(schedule="@weekly", suspend=True)
    url = f"{SJ}/{sj['id']}/schedule"
    for _ in range(3):
        api.post(url, json=sj, match=[matchers.json_params_matcher({"schedule": "@weekly"})])
    ref = f"alice/{sj['id']}"
    assert cli("schedule", "reschedule", "-q", ref, "@WEEKLY").stdout == f"{sj['id']}\n"
    assert json.loads(cli("schedule", "reschedule", "--json", ref, "@weekly").stdout) == sj
    assert "Next run: none while suspended" in cli("schedule", "reschedule", ref, "@weekly").stdout
