"""`hfjobs schedule suspend` at the HTTP boundary: suspends scheduled jobs."""

from __future__ import annotations

import json

from tests.commands.schedule.helpers import SJ, make_scheduled_job
from tests.conftest import auth_header


def test_suspend_posts_and_reports(cli, api, logged_in):
    sj = make_scheduled_job(suspend=True)
    api.post(f"{SJ}/{sj['id']}/suspend", json=sj, match=[auth_header()])
    api.post(f"{SJ}/nope/suspend", status=404, json={"error": "not found"})
    result = cli("schedule", "suspend", "--namespace", "alice", sj["id"], "nope")
    assert result.exit_code == 5
    assert result.stdout == f"✓ Scheduled job {sj['id']} suspended\n"
    assert "Scheduled job alice/nope not found" in result.stderr


def test_suspend_json_and_quiet(cli, api, logged_in):
    sj = make_scheduled_job(suspend=True)
    api.post(f"{SJ}/{sj['id']}/suspend", json=sj)
    api.post(f"{SJ}/{sj['id']}/suspend", body="")
    assert json.loads(cli("schedule", "suspend", "--json", f"alice/{sj['id']}").stdout) == [sj]
    assert cli("schedule", "suspend", "-q", f"alice/{sj['id']}").stdout == f"{sj['id']}\n"
