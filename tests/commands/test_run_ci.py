"""`hfjobs run` in CI and its job guards (--if-running, --cancel-on-exit, signals)."""

from __future__ import annotations

import json

import pytest

from hfjobs_cli.ci import Terminated
from tests.commands.helpers import JOBS, RUN, attached, body, outputs, stub_create, stub_running
from tests.payloads import ENDPOINT, make_job, sse_lines, ts


def signal_while_attached(monkeypatch, exc):
    def interrupt(*args, **kwargs):
        raise exc

    monkeypatch.setattr("hfjobs_cli.api.logs.wait_not_scheduling", interrupt)


# -- --if-running -----------------------------------------------------------------------
NAMED = ("run", "--namespace", "alice", "--name", "nightly")


def test_a_failed_job_gets_an_error_annotation_with_message_and_url(cli, api, logged_in, github):
    job = attached(api, final_stage="ERROR", message="Process exited with code 3")
    result = cli(*RUN)
    assert result.exit_code == 1
    url = f"{ENDPOINT}/jobs/alice/{job['id']}"
    assert (
        f"::error title=Job alice/{job['id']} failed::Process exited with code 3. {url}"
        in result.stdout.splitlines()
    )
    assert outputs(github)["stage"] == "ERROR"


def test_a_timeout_and_a_cancel_get_their_own_titles(cli, api, logged_in, github):
    job = attached(api, final_stage="ERROR", message="Job timeout")
    assert f"::error title=Job alice/{job['id']} timed out::Job timeout." in cli(*RUN).stdout
    job = attached(api, final_stage="CANCELED")
    result = cli(*RUN)
    assert result.exit_code == 3
    assert f"::warning title=Job alice/{job['id']} was cancelled::" in result.stdout


def test_ci_off_changes_nothing(cli, api, logged_in, github):
    attached(api, final_stage="COMPLETED")
    result = cli("--ci", "off", *RUN)
    assert result.exit_code == 0
    assert result.stdout == "hello\nworld\n"
    assert list(github.iterdir()) == []


def test_json_mode_keeps_stdout_one_object_and_folds_stderr(cli, api, logged_in, github):
    job = attached(api, final_stage="COMPLETED")
    result = cli("run", "--json", *RUN[1:])
    assert json.loads(result.stdout)["id"] == job["id"]
    assert "::group::" in result.stderr and "hello\nworld\n::" in result.stderr


def test_gitlab_by_config_key_and_a_dotenv_report(cli, api, logged_in, tmp_path):
    assert cli("config", "set", "ci", "GitLab").exit_code == 0
    job = attached(api, final_stage="COMPLETED")
    report = tmp_path / "hfjobs.env"
    result = cli("--ci-dotenv", str(report), *RUN)
    assert result.exit_code == 0
    assert result.stdout.startswith("\x1b[0Ksection_start:")
    assert "hello\nworld\n\x1b[0Ksection_end:" in result.stdout
    assert report.read_text() == (
        f"HFJOBS_JOB_ID={job['id']}\nHFJOBS_JOB_URL={ENDPOINT}/jobs/alice/{job['id']}\n"
        "HFJOBS_STAGE=COMPLETED\n"
    )


def test_bad_ci_values_are_usage_errors(cli):
    assert cli("--ci", "jenkins", "ps").exit_code == 2
    result = cli("config", "set", "ci", "jenkins")
    assert result.exit_code == 2 and "auto, github, gitlab, off" in result.stderr


@pytest.mark.parametrize("exc,code,name", [(Terminated, 143, "SIGTERM"), (KeyboardInterrupt, 130, "SIGINT")])  # fmt: skip
def test_in_ci_a_signal_cancels_the_job(cli, api, logged_in, github, monkeypatch, exc, code, name):
    job = make_job(stage="RUNNING")
    stub_create(api, body(), job)
    api.post(f"{JOBS}/{job['id']}/cancel", json=make_job(id=job["id"], stage="CANCELED"))
    signal_while_attached(monkeypatch, exc)
    result = cli(*RUN)
    assert result.exit_code == code
    assert result.stdout == f"✓ Job {job['id']} cancelled ({name})\n"
    assert f"::warning title=Job alice/{job['id']} was cancelled on {name}::" in result.stderr
    assert outputs(github)["stage"] == "CANCELED"


def test_cancel_on_exit_outside_ci(cli, api, logged_in, monkeypatch):
    job = make_job(stage="RUNNING")
    stub_create(api, body(), job)
    api.post(f"{JOBS}/{job['id']}/cancel", json=make_job(id=job["id"], stage="CANCELED"))
    signal_while_attached(monkeypatch, KeyboardInterrupt)
    result = cli("run", "--cancel-on-exit", *RUN[1:])
    assert result.exit_code == 130
    assert f"Job {job['id']} cancelled (SIGINT)" in result.stdout
    assert "::" not in result.output


def test_sigterm_outside_ci_detaches_with_143(cli, api, logged_in, monkeypatch):
    job = make_job(stage="RUNNING")
    stub_create(api, body(), job)
    signal_while_attached(monkeypatch, Terminated)
    result = cli(*RUN)
    assert result.exit_code == 143
    assert f"hfjobs cancel alice/{job['id']}" in result.stderr
    assert not any("/cancel" in call.request.url for call in api.calls)


def test_a_cancel_that_fails_says_the_job_may_still_run(cli, api, logged_in, github, monkeypatch):
    job = make_job(stage="RUNNING")
    stub_create(api, body(), job)
    api.post(f"{JOBS}/{job['id']}/cancel", status=500, json={"error": "boom"})
    signal_while_attached(monkeypatch, Terminated)
    result = cli(*RUN)
    assert result.exit_code == 143
    assert "could not cancel job" in result.stderr and "may still be running" in result.stderr
    assert f"hfjobs cancel alice/{job['id']}" in result.stderr


def test_if_running_needs_a_name(cli, api, logged_in):
    result = cli("run", "--if-running", "skip", *RUN[1:])
    assert result.exit_code == 2 and "--if-running needs --name" in result.stderr
    result = cli(*NAMED, "--if-running", "maybe", "python:3.12", "true")
    assert result.exit_code == 2 and "skip, replace, fail" in result.stderr


def test_if_running_fail_names_the_running_job(cli, api, logged_in):
    running = make_job(stage="RUNNING", labels={"name": "nightly"})
    stub_running(api, [running])
    result = cli(*NAMED, "--if-running", "fail", "python:3.12", "true")
    assert result.exit_code == 1
    assert f"already running: alice/{running['id']}" in result.stderr
    assert f"hfjobs attach alice/{running['id']}" in result.stderr
    assert [c.request.method for c in api.calls] == ["GET"]


def test_if_running_skip_with_detach_prints_it_and_starts_nothing(cli, api, logged_in):
    running = make_job(stage="RUNNING", labels={"name": "nightly"})
    stub_running(api, [running])
    result = cli(*NAMED, "--if-running", "skip", "-d", "python:3.12", "true")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == f"✓ Job {running['id']} is already RUNNING"
    assert [c.request.method for c in api.calls] == ["GET"]


def test_if_running_skip_attaches_to_the_running_job(cli, api, logged_in):
    running = make_job(stage="RUNNING", labels={"name": "nightly"})
    stub_running(api, [running])
    url = f"{JOBS}/{running['id']}"
    api.get(url, json=running)
    api.get(
        f"{url}/logs", body=sse_lines([(ts(1), "still going")]), content_type="text/event-stream"
    )
    api.get(url, json=make_job(id=running["id"], stage="COMPLETED"))
    result = cli(*NAMED, "--if-running", "skip", "python:3.12", "true")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "still going\n"
    assert not any(c.request.method == "POST" for c in api.calls)


def test_if_running_replace_cancels_then_starts(cli, api, logged_in):
    running = make_job(stage="RUNNING", labels={"name": "nightly"})
    stub_running(api, [running])
    api.post(f"{JOBS}/{running['id']}/cancel", json=make_job(id=running["id"], stage="CANCELED"))
    new = make_job(stage="SCHEDULING")
    spec = body(command=["true"], labels={"hfjobs-request-id": "rid0", "name": "nightly"})
    stub_create(api, spec, new)
    result = cli(*NAMED, "--if-running", "replace", "-d", "python:3.12", "true")
    assert result.exit_code == 0, result.stderr
    assert f"Job {running['id']} cancelled: replaced" in result.stdout
    assert f"Job {new['id']} started" in result.stdout
    posts = [c.request.url for c in api.calls if c.request.method == "POST"]
    assert posts == [f"{JOBS}/{running['id']}/cancel", JOBS]


def test_if_running_with_nothing_running_starts_the_job(cli, api, logged_in):
    stub_running(api, [make_job(stage="RUNNING", labels={"name": "other"})])
    new = make_job(stage="SCHEDULING")
    spec = body(command=["true"], labels={"hfjobs-request-id": "rid0", "name": "nightly"})
    stub_create(api, spec, new)
    result = cli(*NAMED, "--if-running", "fail", "-d", "-q", "python:3.12", "true")
    assert result.exit_code == 0 and result.stdout == f"{new['id']}\n"


def test_if_running_is_refused_on_a_sweep(cli, api, logged_in):
    result = cli(*NAMED, "--if-running", "skip", "--matrix", "n=1,2", "python:3.12", "true")
    assert result.exit_code == 2 and "not to a --matrix sweep" in result.stderr


def test_a_signal_during_the_create_cancels_the_job_once_it_exists(
    cli, api, logged_in, github, monkeypatch
):
    """A real SIGTERM to this process while the POST is in flight: noted, not acted on, then
    the job the POST made is cancelled (exit 143)."""
    import os
    import signal

    from hfjobs_cli.api.jobs import Jobs

    job = make_job(stage="SCHEDULING")
    stub_create(api, body(), job)
    api.post(f"{JOBS}/{job['id']}/cancel", json=make_job(id=job["id"], stage="CANCELED"))
    real_create = Jobs.create

    def create_then_signal(self, namespace, spec):
        os.kill(os.getpid(), signal.SIGTERM)
        return real_create(self, namespace, spec)

    monkeypatch.setattr(Jobs, "create", create_then_signal)
    result = cli(*RUN)
    assert result.exit_code == 143
    assert result.stdout == f"✓ Job {job['id']} cancelled (SIGTERM)\n"
    assert outputs(github)["job-id"] == job["id"] and outputs(github)["stage"] == "CANCELED"
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # handlers restored
