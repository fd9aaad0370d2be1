"""`hfjobs schedule ls` at the HTTP boundary: lists scheduled jobs: last run, next run, filters and output modes."""

from __future__ import annotations

import json

from responses import matchers

from tests.commands.schedule.helpers import JOBS, SJ, make_scheduled_job, stub_whoami
from tests.conftest import auth_header
from tests.payloads import TOKEN, job_id, make_job

# -- schedule ls -----------------------------------------------------------------------------


def test_ls_shows_active_ones_with_last_run_stage_and_next_run(cli, api, logged_in):
    stub_whoami(api)
    last = make_job(stage="COMPLETED")
    active = make_scheduled_job(
        status={
            "lastJob": {"id": last["id"], "at": "2025-07-22T16:00:00.000Z"},
            "nextJobRunAt": "2025-07-22T17:00:00.000Z",
        }
    )
    never = make_scheduled_job(
        schedule="0 9 * * 1",
        jobSpec={"dockerImage": None, "spaceId": "lhoestq/duckdb", "labels": {}},
    )
    paused = make_scheduled_job(suspend=True)
    api.get(SJ, json=[active, never, paused], match=[auth_header()])
    api.get(f"{JOBS}/{last['id']}", json=last, match=[auth_header()])
    result = cli("schedule", "ls")
    assert result.exit_code == 0, result.stderr
    assert [line.split("\t") for line in result.stdout.splitlines()] == [
        ["ID", "NAME", "SCHEDULE", "IMAGE/SPACE", "COMMAND", "LAST RUN", "NEXT RUN", "SUSPENDED"],
        [
            active["id"],
            "hourly-task",
            "@hourly",
            "python:3.12",
            "python -c \"print('hourly')\"",
            "COMPLETED",
            "2025-07-22T17:00:00Z",
            "no",
        ],
        [
            never["id"],
            "--",
            "0 9 * * 1",
            "hf.co/spaces/lhoestq/duckdb",
            "python -c \"print('hourly')\"",
            "--",
            "2025-07-22T17:00:00Z",
            "no",
        ],
    ]


def test_ls_all_includes_suspended_ones(cli, api, logged_in):
    paused = make_scheduled_job(suspend=True, status={"lastJob": None, "nextJobRunAt": None})
    api.get(SJ, json=[paused])
    result = cli("schedule", "ls", "-a", "--namespace", "alice")
    assert result.exit_code == 0, result.stderr
    row = result.stdout.splitlines()[1].split("\t")
    assert row[0] == paused["id"] and row[-2:] == ["--", "yes"]


def test_ls_last_run_of_a_deleted_job_shows_dashes(cli, api, logged_in):
    gone = job_id()
    sj = make_scheduled_job(status={"lastJob": {"id": gone, "at": "2025-07-22T16:00:00.000Z"}})
    api.get(SJ, json=[sj])
    api.get(f"{JOBS}/{gone}", status=404, json={"error": "Job not found"})
    result = cli("schedule", "ls", "--namespace", "alice")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1].split("\t")[5] == "--"


def test_ls_sends_the_first_label_and_filters_the_rest(cli, api, logged_in):
    keep = make_scheduled_job(jobSpec={"labels": {"team": "ml", "name": "nightly"}})
    drop = make_scheduled_job(jobSpec={"labels": {"team": "ml"}})
    api.get(SJ, json=[keep, drop], match=[matchers.query_param_matcher({"label": "team=ml"})])
    for alias in ("ls", "ps", "list"):
        if alias != "ls":
            api.get(SJ, json=[keep, drop])
        result = cli("schedule", alias, "-q", "--namespace", "alice", "-l", "team=ml", "--name",
                     "nightly")  # fmt: skip
        assert result.exit_code == 0, result.stderr
        assert result.stdout == f"{keep['id']}\n"


def test_ls_json_prints_complete_objects(cli, api, logged_in):
    items = [make_scheduled_job(), make_scheduled_job(suspend=True)]
    api.get(SJ, json=items)
    result = cli("schedule", "ls", "--json", "-a", "--namespace", "alice")
    assert json.loads(result.stdout) == items


def test_ls_json_and_quiet_hide_suspended_by_default(cli, api, logged_in):
    items = [make_scheduled_job(), make_scheduled_job(suspend=True)]
    api.get(SJ, json=items)
    api.get(SJ, json=items)
    assert json.loads(cli("schedule", "ls", "--json", "--namespace", "alice").stdout) == items[:1]
    assert cli("schedule", "ls", "-q", "--namespace", "alice").stdout == f"{items[0]['id']}\n"


def test_ls_empty_says_so_on_stderr(cli, api, logged_in):
    api.get(SJ, json=[make_scheduled_job(suspend=True)])
    result = cli("schedule", "ls", "--namespace", "alice")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "No active scheduled jobs in alice" in result.stderr
    assert "Use -a to include suspended ones" in result.stderr
    api.get(SJ, json=[])
    assert cli("schedule", "ls", "--json", "--namespace", "alice").stdout == "[]\n"


def test_not_logged_in_exits_4(cli, api):
    result = cli("schedule", "ls")
    assert result.exit_code == 4
    assert TOKEN not in result.output
