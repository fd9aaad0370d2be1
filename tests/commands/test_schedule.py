"""`hfjobs schedule ...` at the HTTP boundary: every subcommand and output mode."""

from __future__ import annotations

import json
import os
import time
from datetime import UTC, datetime
from typing import Any

import pytest
import requests
from responses import matchers

from tests.conftest import auth_header
from tests.payloads import ENDPOINT, TOKEN, USER, job_id, make_job, whoami

SJ = f"{ENDPOINT}/api/scheduled-jobs/alice"
JOBS = f"{ENDPOINT}/api/jobs/alice"
NOW = datetime(2025, 7, 25, 10, 0, tzinfo=UTC)  # a Friday


def make_scheduled_job(**overrides: Any) -> dict[str, Any]:
    """A ScheduledJob as the Hub returns it; `jobSpec` overrides merge into the default spec."""
    spec = {
        "dockerImage": "python:3.12",
        "spaceId": None,
        "command": ["python", "-c", "print('hourly')"],
        "arguments": [],
        "environment": {},
        "secrets": [],
        "flavor": "cpu-basic",
        "timeoutSeconds": None,
        "labels": {"name": "hourly-task"},
    }
    spec.update(overrides.pop("jobSpec", {}))
    sj: dict[str, Any] = {
        "id": overrides.pop("id", None) or job_id(),
        "type": "scheduled-job",
        "createdAt": "2025-07-22T16:00:00.000Z",
        "updatedAt": "2025-07-22T16:00:00.000Z",
        "schedule": "@hourly",
        "suspend": False,
        "concurrency": False,
        "jobSpec": spec,
        "status": {"lastJob": None, "nextJobRunAt": "2025-07-22T17:00:00.000Z"},
        "owner": {"id": "5e9ecfc04957053f60648a3e", "name": USER, "type": "user"},
    }
    sj.update(overrides)
    return sj


def spec_body(**overrides: Any) -> dict[str, Any]:
    spec = {
        "dockerImage": "python:3.12",
        "command": ["python", "-c", "print(42)"],
        "arguments": [],
        "environment": {},
        "flavor": "cpu-basic",
        "labels": {"hfjobs-request-id": "rid0"},
    }
    spec.update(overrides)
    return spec


def run_by(sj_id: str, **overrides: Any) -> dict[str, Any]:
    return make_job(initiator={"type": "scheduled-job", "id": sj_id}, **overrides)


@pytest.fixture(autouse=True)
def utc_machine():
    """Local time is UTC unless a test says otherwise (TZ restored afterwards)."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if old is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = old
    time.tzset()


@pytest.fixture
def paris():
    os.environ["TZ"] = "Europe/Paris"
    time.tzset()


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr("hfjobs_cli.commands.schedule.next._now", lambda: NOW)


def stub_whoami(api):
    api.get(f"{ENDPOINT}/api/whoami-v2", json=whoami(), match=[auth_header()])


def stub_create(api, body, sj, status=200):
    api.post(SJ, json=sj, status=status, match=[auth_header(), matchers.json_params_matcher(body)])


# -- schedule run ----------------------------------------------------------------------------


def test_run_creates_and_prints_schedule_and_next_run(cli, api, logged_in):
    stub_whoami(api)
    sj = make_scheduled_job(schedule="0 9 * * 1")
    sj["status"]["nextJobRunAt"] = "2025-07-28T09:00:00.000Z"
    stub_create(api, {"jobSpec": spec_body(), "schedule": "0 9 * * 1"}, sj)
    result = cli("schedule", "run", "0 9 * * 1", "python:3.12", "python", "-c", "print(42)")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"✓ Scheduled job {sj['id']} created"
    assert lines[1] == "Schedule: every Monday at 09:00 UTC (0 9 * * 1)"
    assert lines[2].startswith("Next run: 2025-07-28 09:00 UTC (")
    assert len(lines) == 3
    assert f"hfjobs schedule trigger alice/{sj['id']}" in result.stderr


def test_run_shows_the_next_run_in_local_time_too(cli, api, logged_in, paris):
    sj = make_scheduled_job()
    stub_create(api, {"jobSpec": spec_body(), "schedule": "@hourly"}, sj)
    result = cli(
        "schedule", "run", "--namespace", "alice", "@hourly", "python:3.12", "python", "-c",
        "print(42)",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "Next run: 2025-07-22 17:00 UTC (2025-07-22 19:00 CEST local, " in result.stdout


def test_run_every_option_lands_in_the_job_spec(cli, api, logged_in, monkeypatch, tmp_path):
    monkeypatch.setenv("MY_SECRET", "s3cr3t")
    env_file = tmp_path / "job.env"
    env_file.write_text("A=1\nMODE=slow\n")
    body = {
        "jobSpec": spec_body(
            command=["python", "eval.py", "--flavor", "x", "-d"],
            environment={"A": "1", "MODE": "fast"},
            secrets={"MY_SECRET": "s3cr3t"},
            flavor="a10g-small",
            timeoutSeconds=5400,
            attempts=3,
            volumes=[{"type": "dataset", "source": "org/ds", "mountPath": "/data"}],
            expose={"ports": [8000, 9000], "portsPublic": [9000]},
            labels={"team": "ml", "name": "nightly", "hfjobs-request-id": "rid0"},
        ),
        "schedule": "0 3 * * *",
        "suspend": True,
        "concurrency": True,
    }
    stub_create(api, body, make_scheduled_job(suspend=True))
    result = cli(
        "schedule", "run", "--namespace", "alice", "--env-file", str(env_file), "-e", "MODE=fast",
        "-s", "MY_SECRET", "--flavor", "a10g-small", "--timeout", "1.5h", "-l", "team=ml",
        "--name", "nightly", "--suspend", "--concurrency", "--attempts", "3",
        "-v", "hf://datasets/org/ds:/data", "--expose", "8000", "--expose-public", "9000",
        "0 3 * * *", "python:3.12", "python", "eval.py", "--flavor", "x", "-d",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "s3cr3t" not in result.output


def test_run_takes_options_between_schedule_and_image(cli, api, logged_in):
    body = {
        "jobSpec": spec_body(
            command=["ls", "-l", "--flavor", "y"],
            flavor="t4-small",
            labels={"a": "b", "hfjobs-request-id": "rid0"},
        ),
        "schedule": "@daily",
        "concurrency": False,
    }
    stub_create(api, body, make_scheduled_job(schedule="@daily"))
    result = cli(
        "schedule", "run", "--namespace", "alice", "@daily", "--flavor", "t4-small", "-l", "a=b",
        "--no-concurrency", "python:3.12", "--", "ls", "-l", "--flavor", "y",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr


def test_run_a_double_dash_after_the_schedule(cli, api, logged_in):
    body = {"jobSpec": spec_body(command=["echo", "hi"]), "schedule": "@daily"}
    stub_create(api, body, make_scheduled_job(schedule="@daily"))
    result = cli(
        "schedule", "run", "--namespace", "alice", "@daily", "--", "python:3.12", "echo", "hi"
    )
    assert result.exit_code == 0, result.stderr


def test_run_normalizes_the_schedule_it_sends(cli, api, logged_in):
    stub_create(api, {"jobSpec": spec_body(), "schedule": "@weekly"}, make_scheduled_job())
    stub_create(api, {"jobSpec": spec_body(), "schedule": "*/5 * * * *"}, make_scheduled_job())
    for schedule in ("@Weekly", "  */5  * * * * "):
        result = cli(
            "schedule", "run", "-q", "--namespace", "alice", schedule, "python:3.12", "python",
            "-c", "print(42)",
        )  # fmt: skip
        assert result.exit_code == 0, result.stderr


def test_run_quiet_prints_the_id_and_json_the_object(cli, api, logged_in):
    sj = make_scheduled_job()
    stub_create(api, {"jobSpec": spec_body(), "schedule": "@hourly"}, sj)
    stub_create(api, {"jobSpec": spec_body(), "schedule": "@hourly"}, sj)
    args = ("--namespace", "alice", "@hourly", "python:3.12", "python", "-c", "print(42)")
    quiet = cli("schedule", "run", "-q", *args)
    assert quiet.exit_code == 0 and quiet.stdout == f"{sj['id']}\n"
    assert quiet.stderr == ""
    as_json = cli("schedule", "create", "--json", *args)
    assert as_json.exit_code == 0 and json.loads(as_json.stdout) == sj


def test_run_suspended_says_when_it_will_run(cli, api, logged_in):
    sj = make_scheduled_job(suspend=True, status={"lastJob": None, "nextJobRunAt": None})
    stub_create(api, {"jobSpec": spec_body(), "schedule": "@hourly", "suspend": True}, sj)
    result = cli(
        "schedule", "run", "--suspend", "--namespace", "alice", "@hourly", "python:3.12",
        "python", "-c", "print(42)",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[2] == "Next run: none while suspended"
    assert f"hfjobs schedule resume alice/{sj['id']}" in result.stderr


def test_run_computes_the_next_run_when_the_server_omits_it(cli, api, logged_in):
    sj = make_scheduled_job(schedule="@yearly", status={})
    stub_create(api, {"jobSpec": spec_body(), "schedule": "@yearly"}, sj)
    result = cli(
        "schedule", "run", "--namespace", "alice", "@yearly", "python:3.12", "python", "-c",
        "print(42)",
    )  # fmt: skip
    next_year = datetime.now(UTC).year + 1
    assert f"Next run: {next_year}-01-01 00:00 UTC (" in result.stdout


def test_run_dry_run_prints_the_body_masked_and_sends_nothing(cli, api, monkeypatch):
    monkeypatch.setenv("API_KEY", "abcdef-secret")
    result = cli(
        "schedule", "run", "--dry-run", "-s", "API_KEY", "--suspend", "@daily", "python:3.12",
        "python", "-c", "print(42)",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {
        "jobSpec": spec_body(secrets={"API_KEY": "***"}),
        "schedule": "@daily",
        "suspend": True,
    }
    assert "Dry run: nothing sent. POST /api/scheduled-jobs/<your user>" in result.stderr
    assert "abcdef-secret" not in result.output
    assert len(api.calls) == 0


def test_run_server_refusal_exits_2(cli, api, logged_in):
    api.post(SJ, status=400, json={"error": "Invalid schedule"})
    result = cli(
        "schedule", "run", "--namespace", "alice", "@daily", "python:3.12", "python", "-c",
        "print(42)",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "Invalid schedule" in result.stderr


def _label_lookup(api, found):
    api.get(
        SJ,
        json=found,
        match=[auth_header(), matchers.query_param_matcher({"label": "hfjobs-request-id=rid0"})],
    )


@pytest.mark.parametrize(
    "failure",
    [
        {"status": 503, "json": {"error": "upstream timeout"}},
        {"body": requests.exceptions.ConnectionError("Connection reset by peer")},
    ],
)
def test_run_is_not_resent_when_the_scheduled_job_exists(cli, api, logged_in, failure):
    """After an ambiguous failure, the scheduled job is looked up by its request-id label."""
    api.post(SJ, **failure)
    other = make_scheduled_job(jobSpec={"labels": {"hfjobs-request-id": "other"}})
    existing = make_scheduled_job(jobSpec={"labels": {"hfjobs-request-id": "rid0"}})
    _label_lookup(api, [other, existing])
    result = cli(
        "schedule", "run", "-q", "--namespace", "alice", "@daily", "python:3.12", "python", "-c",
        "print(42)",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{existing['id']}\n"
    assert sum(1 for c in api.calls if c.request.method == "POST") == 1


def test_run_is_never_resent_when_nothing_was_found(cli, api, logged_in):
    """At most one scheduled job per invocation: looked up over the grace window (another
    scheduled job without the label does not count), never posted again; exit 6 names the
    command that tells."""
    api.post(SJ, status=503, json={"error": "upstream timeout"})
    _label_lookup(api, [make_scheduled_job(jobSpec={"labels": {}})])
    result = cli(
        "schedule", "run", "-q", "--namespace", "alice", "@daily", "python:3.12", "python", "-c",
        "print(42)",
    )  # fmt: skip
    assert result.exit_code == 6, result.stderr
    assert sum(1 for c in api.calls if c.request.method == "POST") == 1
    assert "upstream timeout" in result.stderr
    assert "hfjobs schedule ls -a -l hfjobs-request-id=rid0 --namespace alice" in result.stderr


def test_run_with_an_unreadable_answer_is_found_and_reported_created(cli, api, logged_in):
    api.post(SJ, status=200, body="<html>ok</html>", content_type="text/html")
    sj = make_scheduled_job(jobSpec={"labels": {"hfjobs-request-id": "rid0"}})
    _label_lookup(api, [sj])
    result = cli(
        "schedule", "run", "-q", "--namespace", "alice", "@daily", "python:3.12", "python", "-c",
        "print(42)",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{sj['id']}\n"
    assert sum(1 for c in api.calls if c.request.method == "POST") == 1


BAD_INPUTS = [
    # the schedule
    (["schedule", "run", "61 * * * *", "python:3.12", "true"], "minute field '61'"),
    (["schedule", "run", "* * *", "python:3.12", "true"], "expected 5 fields"),
    (["schedule", "run", "@fortnightly", "python:3.12", "true"], "unknown alias"),
    (["schedule", "run", "0 24 * * *", "python:3.12", "true"], "hour field '24'"),
    (["schedule", "run", "0 0 32 * *", "python:3.12", "true"], "day-of-month field '32'"),
    (["schedule", "run", "0 0 * 13 *", "python:3.12", "true"], "month field '13'"),
    (["schedule", "run", "0 0 * * 8", "python:3.12", "true"], "day-of-week field '8'"),
    (["schedule", "run", "0 0 31 2 *", "python:3.12", "true"], "never fires"),
    (["schedule", "run", "* * * * * *", "python:3.12", "true"], "got 6"),
    # the image and command
    (["schedule", "run"], "Missing argument 'SCHEDULE'"),
    (["schedule", "run", "@daily"], "Missing IMAGE"),
    (["schedule", "run", "--flavor", "x", "@daily"], "Missing IMAGE"),
    (["schedule", "run", "@daily", "python:3.12"], "Missing COMMAND"),
    # every bad input of `hfjobs run`
    (["schedule", "run", "--bogus", "@daily", "python:3.12", "true"], "No such option: --bogus"),
    (["schedule", "run", "@daily", "--bogus", "python:3.12", "true"], "No such option: --bogus"),
    (["schedule", "run", "--timeout", "5x", "@daily", "python:3.12", "true"], "Invalid timeout"),
    (["schedule", "run", "@daily", "--timeout", "0", "python:3.12", "true"], "greater than zero"),
    (["schedule", "run", "-e", "UNSET_VAR_X", "@daily", "ubuntu", "true"], "UNSET_VAR_X is not"),
    (["schedule", "run", "-s", "UNSET_VAR_X", "@daily", "ubuntu", "true"], "UNSET_VAR_X is not"),
    (["schedule", "run", "--env-file", "/nonexistent.env", "@daily", "ubuntu", "true"], "no such"),
    (["schedule", "run", "-l", "=x", "@daily", "python:3.12", "true"], "Invalid --label '=x'"),
    (["schedule", "run", "-l", "a b=c", "@daily", "python:3.12", "true"], "Invalid --label"),
    (["schedule", "run", "--name", "x", "-l", "name=y", "@daily", "ubuntu", "true"], "--name"),
    (["schedule", "run", "-e", "1BAD=x", "@daily", "python:3.12", "true"], "not a valid variable"),
    (["schedule", "run", "--json", "-q", "@daily", "python:3.12", "true"], "--json or -q"),
    (["schedule", "run", "-d", "@daily", "python:3.12", "true"], "No such option: -d"),
    (["schedule", "run", "--ssh", "@daily", "python:3.12", "true"], "No such option: --ssh"),
    (["schedule", "run", "--attempts", "0", "@daily", "ubuntu", "true"], "Invalid --attempts 0"),
    (["schedule", "run", "-v", "./dir:/mnt", "@daily", "ubuntu", "true"], "Invalid"),
    (["schedule", "run", "--expose", "99999", "@daily", "ubuntu", "true"], "--expose '99999'"),
    # the other subcommands
    (["schedule", "reschedule", "abc", "61 * * * *"], "minute field '61'"),
    (["schedule", "reschedule", "abc", "@fortnightly"], "unknown alias"),
    (["schedule", "next", "61 * * * *"], "minute field '61'"),
    (["schedule", "next", "* * *"], "expected 5 fields"),
    (["schedule", "next", "--count", "0", "@daily"], "Invalid --count 0"),
    (["schedule", "next", "-n", "-3", "@daily"], "Invalid --count -3"),
    (["schedule", "next", "--tz", "Mars/Olympus_Mons", "@daily"], "Unknown time zone"),
    (["schedule", "labels", "abc"], "Nothing to change"),
    (["schedule", "labels", "abc", "--clear", "--name", "x"], "Use --clear alone"),
    (["schedule", "labels", "abc", "-l", "a b"], "Invalid --label"),
    (["schedule", "ls", "-l", "team"], "expected KEY=VALUE"),
    (["schedule", "inspect", "a/b/c"], "Invalid scheduled job id 'a/b/c'"),
    (["schedule", "delete", "abc"], "Refusing to delete without confirmation"),
    (["schedule", "delete", "-y", "x/abc", "--namespace", "y"], "names namespace 'x'"),
    (["schedule", "trigger", "/abc"], "namespace before '/' is empty"),
    (["schedule", "history", "--limit", "-1", "abc"], "--limit"),
]


@pytest.mark.parametrize("args,message", BAD_INPUTS)
def test_bad_input_exits_2_with_one_line_and_sends_nothing(cli, api, logged_in, args, message):
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert result.stderr.splitlines()[0].startswith("Error:")
    assert len(api.calls) == 0


def test_delete_without_terminal_hints_at_yes(cli, api, logged_in):
    result = cli("schedule", "delete", "abc")
    assert result.stderr.splitlines() == [
        "Error: Refusing to delete without confirmation",
        "Hint: Pass -y/--yes",
    ]


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


# -- delete, suspend, resume -----------------------------------------------------------------


def test_delete_with_yes(cli, api, logged_in):
    a, b = job_id(), job_id()
    api.delete(f"{SJ}/{a}", json={}, match=[auth_header()])
    api.delete(f"{SJ}/{b}", body="")
    result = cli("schedule", "delete", "-y", "--namespace", "alice", a, b)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"✓ Scheduled job {a} deleted",
        f"✓ Scheduled job {b} deleted",
    ]


def test_delete_asks_on_a_terminal(cli, api, logged_in, monkeypatch):
    monkeypatch.setattr("hfjobs_cli.invocation.stdin_is_terminal", lambda: True)
    ident = job_id()
    api.delete(f"{SJ}/{ident}", json={})
    result = cli("schedule", "delete", "--namespace", "alice", ident, input="y\n")
    assert result.exit_code == 0, result.stderr
    assert f"Delete scheduled job {ident}?" in result.stderr
    # CliRunner echoes the typed answer to stdout; a real terminal shows it on the tty.
    assert result.stdout.endswith(f"\n✓ Scheduled job {ident} deleted\n")


def test_delete_declined_deletes_nothing(cli, api, logged_in, monkeypatch):
    monkeypatch.setattr("hfjobs_cli.invocation.stdin_is_terminal", lambda: True)
    result = cli("schedule", "delete", "--namespace", "alice", "a1", "b2", input="n\n")
    assert result.exit_code == 1
    assert "Delete 2 scheduled jobs?" in result.stderr
    assert "Nothing deleted" in result.stderr
    assert len(api.calls) == 0


def test_delete_reports_unknown_ids_and_deletes_the_others(cli, api, logged_in):
    ident = job_id()
    api.delete(f"{SJ}/nope", status=404, json={"error": "not found"})
    api.delete(f"{SJ}/{ident}", json={})
    result = cli("schedule", "delete", "-y", "-q", "--namespace", "alice", "nope", ident)
    assert result.exit_code == 5
    assert result.stdout == f"{ident}\n"
    assert "Scheduled job alice/nope not found" in result.stderr


def test_delete_json(cli, api, logged_in):
    ident = job_id()
    api.delete(f"{SJ}/{ident}", json={})
    result = cli("schedule", "delete", "-y", "--json", "--namespace", "alice", ident)
    assert json.loads(result.stdout) == [{"id": ident, "deleted": True}]


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


def test_labels_replace_all(cli, api, logged_in):
    sj = make_scheduled_job(jobSpec={"labels": {"team": "ml", "name": "nightly"}})
    api.put(
        f"{SJ}/{sj['id']}/labels",
        json=sj,
        match=[
            auth_header(),
            matchers.json_params_matcher({"labels": {"team": "ml", "name": "nightly"}}),
        ],
    )
    result = cli(
        "schedule", "labels", "--namespace", "alice", sj["id"], "-l", "team=ml", "--name",
        "nightly",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"✓ Scheduled job {sj['id']} labels: team=ml, name=nightly\n"


def test_labels_name_alone_keeps_the_others(cli, api, logged_in):
    before = make_scheduled_job(jobSpec={"labels": {"team": "ml", "name": "old"}})
    after = make_scheduled_job(
        id=before["id"], jobSpec={"labels": {"team": "ml", "name": "new-name"}}
    )
    api.get(f"{SJ}/{before['id']}", json=before)
    api.put(
        f"{SJ}/{before['id']}/labels",
        json=after,
        match=[matchers.json_params_matcher({"labels": {"team": "ml", "name": "new-name"}})],
    )
    result = cli("schedule", "labels", "--json", f"alice/{before['id']}", "--name", "new-name")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == after


def test_labels_clear(cli, api, logged_in):
    sj = make_scheduled_job(jobSpec={"labels": {}})
    api.put(
        f"{SJ}/{sj['id']}/labels", json=sj, match=[matchers.json_params_matcher({"labels": {}})]
    )
    api.put(f"{SJ}/{sj['id']}/labels", json=sj)
    result = cli("schedule", "labels", f"alice/{sj['id']}", "--clear")
    assert result.stdout == f"✓ Scheduled job {sj['id']}: labels cleared\n"
    assert cli("schedule", "labels", "-q", f"alice/{sj['id']}", "--clear").stdout == (
        f"{sj['id']}\n"
    )


# -- next ------------------------------------------------------------------------------------


def test_next_of_a_schedule_lists_times_without_any_request(cli, api, frozen):
    result = cli("schedule", "next", "0 9 * * 1-5", "--count", "3")
    assert result.exit_code == 0, result.stderr
    assert [line.split("\t") for line in result.stdout.splitlines()] == [
        ["UTC", "LOCAL", "IN"],
        ["2025-07-28T09:00:00Z", "2025-07-28T09:00:00+00:00", "in 3 days"],
        ["2025-07-29T09:00:00Z", "2025-07-29T09:00:00+00:00", "in 4 days"],
        ["2025-07-30T09:00:00Z", "2025-07-30T09:00:00+00:00", "in 5 days"],
    ]
    assert "Schedule: every Monday to Friday at 09:00 UTC (0 9 * * 1-5)" in result.stderr
    assert len(api.calls) == 0


def test_next_defaults_to_five_in_the_local_zone(cli, frozen, paris):
    result = cli("schedule", "next", "@hourly")
    rows = [line.split("\t") for line in result.stdout.splitlines()[1:]]
    assert len(rows) == 5
    assert rows[0] == ["2025-07-25T11:00:00Z", "2025-07-25T13:00:00+02:00", "in 1 hour"]


def test_next_in_another_zone(cli, frozen):
    result = cli("schedule", "next", "@daily", "-n", "1", "--tz", "America/New_York")
    assert result.stdout.splitlines() == [
        "UTC\tAMERICA/NEW_YORK\tIN",
        "2025-07-26T00:00:00Z\t2025-07-25T20:00:00-04:00\tin 14 hours",
    ]


def test_next_json(cli, frozen):
    result = cli("schedule", "next", "--json", "-n", "2", "--tz", "Asia/Tokyo", "@weekly")
    assert json.loads(result.stdout) == {
        "id": None,
        "schedule": "@weekly",
        "description": "every Sunday at 00:00 UTC",
        "suspended": False,
        "timeZone": "Asia/Tokyo",
        "runs": [
            {"utc": "2025-07-27T00:00:00Z", "local": "2025-07-27T09:00:00+09:00"},
            {"utc": "2025-08-03T00:00:00Z", "local": "2025-08-03T09:00:00+09:00"},
        ],
    }


def test_next_of_a_scheduled_job_uses_its_schedule(cli, api, logged_in, frozen):
    sj = make_scheduled_job(schedule="*/20 * * * *", suspend=True)
    api.get(f"{SJ}/{sj['id']}", json=sj, match=[auth_header()])
    api.get(f"{SJ}/{sj['id']}", json=sj)
    result = cli("schedule", "next", "-n", "2", f"alice/{sj['id']}")
    assert result.exit_code == 0, result.stderr
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == [
        "UTC",
        "2025-07-25T10:20:00Z",
        "2025-07-25T10:40:00Z",
    ]
    assert f"Scheduled job {sj['id']} is suspended" in result.stderr
    as_json = json.loads(cli("schedule", "next", "--json", "-n", "1", f"alice/{sj['id']}").stdout)
    assert as_json["id"] == sj["id"] and as_json["suspended"] is True


def test_next_of_a_schedule_this_client_cannot_read_exits_1(cli, api, logged_in):
    sj = make_scheduled_job(schedule="every tuesday")
    api.get(f"{SJ}/{sj['id']}", json=sj)
    result = cli("schedule", "next", f"alice/{sj['id']}")
    assert result.exit_code == 1
    assert "Cannot compute the runs of schedule 'every tuesday'" in result.stderr
    assert "Traceback" not in result.stderr


def test_next_of_an_unknown_scheduled_job_exits_5(cli, api, logged_in):
    api.get(f"{SJ}/nope", status=404, json={"error": "not found"})
    assert cli("schedule", "next", "--namespace", "alice", "nope").exit_code == 5


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


# -- the group -------------------------------------------------------------------------------


def test_every_subcommand_has_an_example_in_its_help(cli):
    names = ["run", "ls", "inspect", "next", "history", "trigger", "suspend", "resume",
             "reschedule", "labels", "delete"]  # fmt: skip
    group = cli("schedule", "--help")
    assert group.exit_code == 0
    for name in names:
        assert f"\n  {name} " in group.stdout
        result = cli("schedule", name, "--help")
        assert result.exit_code == 0
        assert "Examples:" in result.stdout and f"hfjobs schedule {name}" in result.stdout


def test_not_logged_in_exits_4(cli, api):
    result = cli("schedule", "ls")
    assert result.exit_code == 4
    assert TOKEN not in result.output
