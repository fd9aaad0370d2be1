"""`hfjobs schedule run` at the HTTP boundary: creates a scheduled job: the body sent, the schedule, options, output modes, bad input."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
import requests
from responses import matchers

from tests.commands.schedule.helpers import SJ, make_scheduled_job, stub_whoami
from tests.conftest import auth_header


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


def stub_create(api, body, sj, status=200):
    api.post(SJ, json=sj, status=status, match=[auth_header(), matchers.json_params_matcher(body)])


def _label_lookup(api, found):
    api.get(
        SJ,
        json=found,
        match=[auth_header(), matchers.query_param_matcher({"label": "hfjobs-request-id=rid0"})],
    )


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


@pytest.mark.parametrize("args,message", BAD_INPUTS)
def test_bad_input_exits_2_with_one_line_and_sends_nothing(cli, api, logged_in, args, message):
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert result.stderr.splitlines()[0].startswith("Error:")
    assert len(api.calls) == 0
