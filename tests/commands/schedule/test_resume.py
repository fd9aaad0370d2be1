"""`hfjobs schedule resume` at the HTTP boundary: resumes scheduled jobs."""

from __future__ import annotations

import json

from tests.commands.schedule.helpers import SJ, make_scheduled_job, stub_whoami
from tests.conftest import auth_header
from tests.payloads import job_id


def test_resume_prints_the_next_run(cli, api, logged_in):
    stub_whoami(api)
    sj = make_scheduled_job()
    api.post(f"{SJ}/{sj['id']}/resume", json=sj, match=[auth_header()])
    result = cli("schedule", "resume", sj["id"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(
        f"✓ Scheduled job {sj['id']} resumed; next run 2025-07-22 17:00 UTC ("
    )


def test_resume_with_an_empty_answer(cli, api, logged_in):
    ident = job_id()
    api.post(f"{SJ}/{ident}/resume", body="")
    api.post(f"{SJ}/{ident}/resume", body="")
    result = cli("schedule", "resume", "--namespace", "alice", ident)
    assert result.stdout == f"✓ Scheduled job {ident} resumed\n"
    as_json = cli("schedule", "resume", "--json", "--namespace", "alice", ident)
    assert json.loads(as_json.stdout) == [{"id": ident, "suspend": False}]
