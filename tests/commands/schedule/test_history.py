"""`hfjobs schedule history` at the HTTP boundary: lists the runs of a scheduled job."""

from __future__ import annotations

import json

from responses import matchers

from tests.commands.schedule.helpers import JOBS, SJ, make_scheduled_job, run_by, stub_whoami
from tests.conftest import auth_header
from tests.payloads import job_id, make_job

# -- history ---------------------------------------------------------------------------------


def test_history_lists_the_runs_of_the_schedule_newest_first(cli, api, logged_in):
    stub_whoami(api)
    sj_id = job_id()
    old = run_by(sj_id, stage="COMPLETED", createdAt="2025-07-22T15:00:00.000Z",
                 startedAt="2025-07-22T15:00:05.000Z",
                 durations={"runningSecs": 92})  # fmt: skip
    new = run_by(sj_id, stage="RUNNING", createdAt="2025-07-22T16:00:00.000Z",
                 startedAt="2025-07-22T16:00:04.000Z")  # fmt: skip
    queued = run_by(sj_id, stage="SCHEDULING", createdAt="2025-07-22T16:30:00.000Z", durations={})
    other_schedule = run_by(job_id())
    manual = make_job()
    duplicate = make_job(initiator={"type": "duplicated-job", "id": sj_id})
    api.get(
        JOBS,
        json=[manual, old, other_schedule, new, duplicate, queued],
        match=[auth_header(), matchers.query_string_matcher("")],
    )
    result = cli("schedule", "history", sj_id)
    assert result.exit_code == 0, result.stderr
    assert [line.split("\t") for line in result.stdout.splitlines()] == [
        ["ID", "STATUS", "STARTED", "DURATION"],
        [queued["id"], "SCHEDULING", "--", "--"],
        [new["id"], "RUNNING", "2025-07-22T16:00:04Z", "12s"],
        [old["id"], "COMPLETED", "2025-07-22T15:00:05Z", "1m 32s"],
    ]


def test_history_follows_pages(cli, api, logged_in):
    sj_id = job_id()
    first, second = run_by(sj_id), run_by(sj_id, createdAt="2025-07-21T00:00:00.000Z")
    api.get(JOBS, json=[first], headers={"Link": f'<{JOBS}?cursor=2>; rel="next"'},
            match=[matchers.query_string_matcher("")])  # fmt: skip
    api.get(JOBS, json=[second], match=[matchers.query_string_matcher("cursor=2")])
    result = cli("schedule", "history", "-q", "--namespace", "alice", sj_id)
    assert result.stdout == f"{first['id']}\n{second['id']}\n"


def test_history_json_and_limit(cli, api, logged_in):
    sj_id = job_id()
    runs = [run_by(sj_id, createdAt=f"2025-07-22T1{n}:00:00.000Z") for n in (5, 4, 3)]
    api.get(JOBS, json=runs)
    api.get(JOBS, json=runs)
    result = cli("schedule", "history", "--json", "--limit", "2", f"alice/{sj_id}")
    assert json.loads(result.stdout) == runs[:2]
    assert "Showing the 2 newest runs; use --limit 0 to see all" in result.stderr
    everything = cli("schedule", "history", "--json", "--limit", "0", f"alice/{sj_id}")
    assert json.loads(everything.stdout) == runs


def test_history_without_runs(cli, api, logged_in):
    sj = make_scheduled_job()
    api.get(JOBS, json=[make_job()])
    api.get(f"{SJ}/{sj['id']}", json=sj)
    result = cli("schedule", "history", "--namespace", "alice", sj["id"])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert f"Scheduled job {sj['id']} has not started any job yet" in result.stderr
    assert f"hfjobs schedule trigger alice/{sj['id']}" in result.stderr


def test_history_of_an_unknown_id_exits_5(cli, api, logged_in):
    api.get(JOBS, json=[])
    api.get(f"{SJ}/nope", status=404, json={"error": "Scheduled job nope not found"})
    result = cli("schedule", "history", "--namespace", "alice", "nope")
    assert result.exit_code == 5
    assert "Scheduled job nope not found" in result.stderr
