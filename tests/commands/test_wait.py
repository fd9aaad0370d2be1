"""`hfjobs wait` at the HTTP boundary: polled stages, exit codes, output modes, CI summary."""

import json

import pytest
from responses import matchers

from tests.commands.helpers import JOB_ID, JOBS, OTHER_ID, outputs
from tests.conftest import auth_header
from tests.payloads import ENDPOINT, make_job, whoami

pytestmark = pytest.mark.usefixtures("no_sleeping")

JOB_ID2 = "7750a1b2c3d4e5f60718293b"

# -- wait -------------------------------------------------------------------------------------


def stub_job(api, job_id=JOB_ID, stage="RUNNING", message=None, **kw):
    api.get(
        f"{JOBS}/{job_id}",
        json=make_job(id=job_id, stage=stage, message=message, **kw),
        match=[auth_header()],
    )


def test_wait_for_a_completed_job_exits_0(cli, api, logged_in):
    stub_job(api, stage="COMPLETED")
    result = cli("wait", f"alice/{JOB_ID}")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"ID\tSTAGE\tMESSAGE\n{JOB_ID}\tCOMPLETED\t\n"
    assert result.stderr == f"Job {JOB_ID} completed\n"


def test_wait_polls_until_the_job_fails_and_exits_1(cli, api, logged_in, no_sleeping):
    stub_job(api, stage="SCHEDULING")
    stub_job(api, stage="RUNNING")
    stub_job(api, stage="ERROR", message="Process exited with code 2")
    result = cli("wait", f"alice/{JOB_ID}")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[1] == f"{JOB_ID}\tERROR\tProcess exited with code 2"
    assert (
        f"1 of 1 jobs did not complete: {JOB_ID} (ERROR: Process exited with code 2)"
        in result.stderr
    )
    assert no_sleeping == [2.0, 2.0]  # the default interval, between the three reads


@pytest.mark.parametrize(
    "stages,code",
    [
        (("COMPLETED", "COMPLETED"), 0),
        (("CANCELED", "COMPLETED"), 3),
        (("DELETED", "COMPLETED"), 3),
        (("CANCELED", "ERROR"), 1),
    ],
)
def test_wait_exit_code_is_the_worst_outcome(cli, api, logged_in, stages, code):
    stub_job(api, JOB_ID, stages[0])
    stub_job(api, OTHER_ID, stages[1])
    result = cli("wait", f"alice/{JOB_ID}", f"alice/{OTHER_ID}")
    assert result.exit_code == code
    assert [line.split("\t")[1] for line in result.stdout.splitlines()[1:]] == list(stages)


def test_wait_prints_each_job_as_it_finishes(cli, api, logged_in):
    stub_job(api, JOB_ID, "RUNNING")
    stub_job(api, OTHER_ID, "CANCELED")
    stub_job(api, JOB_ID, "COMPLETED")
    result = cli("wait", "--interval", "1", f"alice/{JOB_ID}", f"alice/{OTHER_ID}")
    assert result.exit_code == 3
    assert [line.split("\t")[:2] for line in result.stdout.splitlines()] == [
        ["ID", "STAGE"],
        [OTHER_ID, "CANCELED"],
        [JOB_ID, "COMPLETED"],
    ]


def test_wait_timeout_exits_124_and_names_the_running_jobs(cli, api, logged_in, monkeypatch):
    now = [100.0]
    monkeypatch.setattr("hfjobs_cli.clock.monotonic", lambda: now[0])
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    monkeypatch.setattr("hfjobs_cli.clock.sleep", sleep)
    api.get(f"{JOBS}/{JOB_ID}", json=make_job(id=JOB_ID, stage="RUNNING"))
    stub_job(api, OTHER_ID, "COMPLETED")
    result = cli("wait", "--timeout", "5", f"alice/{JOB_ID}", f"alice/{OTHER_ID}")
    assert result.exit_code == 124
    assert slept == [2.0, 2.0, 1.0]  # the last pause ends at the deadline, then one more look
    assert len([c for c in api.calls if JOB_ID in c.request.url]) == 4
    assert result.stdout.splitlines()[1:] == [f"{OTHER_ID}\tCOMPLETED\t"]
    assert f"Timed out after 5s: 1 of 2 jobs still running: {JOB_ID} (RUNNING)" in result.stderr


def test_wait_json_after_a_timeout_prints_every_job_as_it_is(cli, api, logged_in, monkeypatch):
    now = [0.0]
    monkeypatch.setattr("hfjobs_cli.clock.monotonic", lambda: now[0])
    monkeypatch.setattr("hfjobs_cli.clock.sleep", lambda s: now.__setitem__(0, now[0] + s))
    api.get(f"{JOBS}/{JOB_ID}", json=make_job(id=JOB_ID, stage="SCHEDULING"))
    result = cli("wait", "--json", "--timeout", "1m", "--interval", "30", f"alice/{JOB_ID}")
    assert result.exit_code == 124
    assert [j["status"]["stage"] for j in json.loads(result.stdout)] == ["SCHEDULING"]
    assert "Timed out after 1m" in result.stderr
    assert len(api.calls) == 3


def test_wait_json_prints_the_final_objects(cli, api, logged_in):
    stub_job(api, JOB_ID, "RUNNING")
    stub_job(api, JOB_ID, "COMPLETED", labels={"team": "ml"})
    result = cli("wait", "--json", f"alice/{JOB_ID}")
    assert result.exit_code == 0
    jobs = json.loads(result.stdout)
    assert [j["status"]["stage"] for j in jobs] == ["COMPLETED"]
    assert jobs[0]["labels"] == {"team": "ml"}


def test_wait_quiet_prints_nothing(cli, api, logged_in):
    stub_job(api, JOB_ID, "ERROR", message="boom")
    result = cli("wait", "-q", f"alice/{JOB_ID}")
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", "")


def test_wait_by_label_counts_every_matching_job_ended_ones_included(cli, api, logged_in):
    """A sweep whose jobs already failed does not exit 0: every matching job counts with its
    outcome, running or ended."""
    api.get(
        JOBS,
        json=[
            make_job(id=JOB_ID, stage="RUNNING", labels={"sweep": "lr"}),
            make_job(id=JOB_ID2, stage="ERROR", labels={"sweep": "lr"}),
            make_job(id="f" * 24, stage="COMPLETED", labels={"sweep": "other"}),
        ],
        match=[matchers.query_string_matcher("label=sweep%3Dlr")],
    )
    stub_job(api, JOB_ID, "COMPLETED")
    result = cli("wait", "-l", "sweep=lr", "--namespace", "alice")
    assert result.exit_code == 1, result.stderr
    rows = sorted(result.stdout.splitlines()[1:])
    assert [r.split("\t")[:2] for r in rows] == sorted([[JOB_ID, "COMPLETED"], [JOB_ID2, "ERROR"]])
    assert "1 of 2 jobs did not complete" in result.stderr


def test_wait_by_label_with_only_ended_jobs_exits_with_their_outcome(cli, api, logged_in):
    api.get(JOBS, json=[make_job(id=JOB_ID, stage="CANCELED", labels={"sweep": "lr"})])
    result = cli("wait", "-q", "-l", "sweep=lr", "--namespace", "alice")
    assert (result.exit_code, result.stdout, result.stderr) == (3, "", "")


def test_wait_by_name_with_no_matching_job_exits_5(cli, api, logged_in):
    api.get(f"{ENDPOINT}/api/whoami-v2", json=whoami())
    api.get(JOBS, json=[], match=[matchers.query_string_matcher("label=name%3Dnightly")])
    result = cli("wait", "--name", "nightly")
    assert result.exit_code == 5
    assert result.stdout == ""
    assert "Error: No job in alice matches name=nightly: nothing to wait for" in result.stderr
    assert "Hint: Check the label and the namespace: hfjobs ps -a -l name=nightly" in result.stderr


def test_wait_survives_a_flaky_network(cli, api, logged_in):
    stub_job(api, JOB_ID, "RUNNING")
    api.get(f"{JOBS}/{JOB_ID}", status=503, body="upstream unavailable")
    stub_job(api, JOB_ID, "COMPLETED")
    result = cli("wait", f"alice/{JOB_ID}")
    assert result.exit_code == 0, result.stderr
    assert "HTTP 503; retrying" in result.stderr


def test_wait_for_a_job_that_cannot_be_read_exits_6(cli, api, logged_in, monkeypatch):
    monkeypatch.setenv("HFJOBS_RETRIES", "2")
    stub_job(api, JOB_ID, "RUNNING")
    api.get(f"{JOBS}/{JOB_ID}", status=503, body="upstream unavailable")
    result = cli("wait", f"alice/{JOB_ID}")
    assert result.exit_code == 6
    assert "Traceback" not in result.stderr


def test_wait_for_a_job_that_vanishes_counts_it_deleted(cli, api, logged_in):
    stub_job(api, JOB_ID, "RUNNING")
    api.get(f"{JOBS}/{JOB_ID}", status=404, json={"error": "Job not found"})
    result = cli("wait", f"alice/{JOB_ID}")
    assert result.exit_code == 3
    assert result.stdout.splitlines()[1] == f"{JOB_ID}\tDELETED\tthe job no longer exists"


def test_wait_for_an_unknown_job_exits_5_before_waiting(cli, api, logged_in, no_sleeping):
    stub_job(api, JOB_ID, "RUNNING")
    api.get(f"{JOBS}/{OTHER_ID}", status=404, json={"error": "Job not found"})
    result = cli("wait", f"alice/{JOB_ID}", f"alice/{OTHER_ID}")
    assert result.exit_code == 5
    assert f"Job alice/{OTHER_ID} not found" in result.stderr
    assert no_sleeping == []


def test_wait_ctrl_c_exits_130_and_leaves_the_jobs(cli, api, logged_in, monkeypatch):
    def interrupt(seconds):
        raise KeyboardInterrupt

    monkeypatch.setattr("hfjobs_cli.clock.sleep", interrupt)
    stub_job(api, JOB_ID, "RUNNING")
    result = cli("wait", f"alice/{JOB_ID}")
    assert result.exit_code == 130
    assert "the jobs keep running" in result.stderr
    assert "Traceback" not in result.stderr
    assert all(c.request.method == "GET" for c in api.calls)  # nothing cancelled


@pytest.mark.parametrize(
    "args,message",
    [
        ((), "Give the jobs to wait for"),
        ((JOB_ID, "-l", "a=b"), "Use either job ids or -l/--label/--name, not both"),
        ((JOB_ID, "--name", "x"), "Use either job ids or -l/--label/--name, not both"),
        (("--timeout", "soon", JOB_ID), "Invalid --timeout 'soon'"),
        (("--interval", "0.1", JOB_ID), "Invalid --interval '0.1': it must be at least 0.5s"),
        (("-l", "novalue"), "Invalid --label 'novalue': expected KEY=VALUE"),
        (("--json", "-q", JOB_ID), "Use either --json or -q/--quiet"),
    ],
)
def test_wait_bad_input_exits_2_and_sends_nothing(cli, api, logged_in, args, message):
    result = cli("wait", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {message}")
    assert len(result.stderr.splitlines()) == 1
    assert len(api.calls) == 0


def test_wait_in_ci_summarises_every_job(cli, api, logged_in, github):
    one, two = make_job(stage="COMPLETED"), make_job(stage="ERROR", message="oom")
    api.get(f"{JOBS}/{one['id']}", json=one)
    api.get(f"{JOBS}/{two['id']}", json=two)
    result = cli("wait", f"alice/{one['id']}", f"alice/{two['id']}")
    assert result.exit_code == 1
    values = outputs(github)
    assert json.loads(values["job-id"]) == [one["id"], two["id"]]
    assert json.loads(values["stage"]) == ["COMPLETED", "ERROR"]
    summary = (github / "summary").read_text()
    assert summary.count("| [") == 2 and "ERROR: oom" in summary
    assert f"::error title=Job alice/{two['id']} failed::oom." in result.stderr
