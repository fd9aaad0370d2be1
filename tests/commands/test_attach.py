"""`hfjobs attach` at the HTTP boundary."""

from __future__ import annotations

from tests.commands.helpers import JOBS, RUN, attached, outputs
from tests.payloads import ENDPOINT, make_job, sse_lines, ts


def test_attached_run_in_github_folds_the_log_and_writes_the_files(cli, api, logged_in, github):
    job = attached(api, final_stage="COMPLETED", lines=[(ts(1), "::error::fake"), (ts(2), "ok")])
    result = cli(*RUN)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    token = lines[1].removeprefix("::stop-commands::")
    assert lines == [
        f"::group::Log of job alice/{job['id']}",
        f"::stop-commands::{token}",
        "::error::fake",
        "ok",
        f"::{token}::",
        "::endgroup::",
    ]
    assert f"Job {job['id']} started" in result.stderr  # outside the group (stderr)
    url = f"{ENDPOINT}/jobs/alice/{job['id']}"
    assert outputs(github) == {"job-id": job["id"], "job-url": url, "stage": "COMPLETED"}
    assert (
        f"| [{job['id']}]({url}) | `python:3.12` | cpu-basic | COMPLETED |"
        in (github / "summary").read_text()
    )
    assert (github / "hfjobs-job-ids").read_text() == f"alice/{job['id']}\n"
    assert "::error" not in result.stderr and result.stdout.endswith("::endgroup::\n")


# -- attach, logs, wait -------------------------------------------------------------------
def test_attach_follows_a_running_job_to_its_end(cli, api, logged_in, github):
    job = make_job(stage="RUNNING")
    url = f"{JOBS}/{job['id']}"
    api.get(url, json=job)
    api.get(url, json=job)
    api.get(f"{url}/logs", body=sse_lines([(ts(1), "step 1")]), content_type="text/event-stream")
    api.get(url, json=make_job(id=job["id"], stage="ERROR", message="exit 2"))
    result = cli("attach", f"alice/{job['id']}")
    assert result.exit_code == 1
    assert "step 1\n" in result.stdout and result.stdout.startswith("::group::")
    assert f"::error title=Job alice/{job['id']} failed::exit 2." in result.stdout
    assert outputs(github)["stage"] == "ERROR"


def test_attach_to_a_finished_job_shows_its_log_and_exits_with_its_code(cli, api, logged_in):
    job = make_job(stage="CANCELED")
    url = f"{JOBS}/{job['id']}"
    api.get(url, json=job)
    api.get(url, json=job)
    api.get(f"{url}/logs", body=sse_lines([(ts(1), "partial")]), content_type="text/event-stream")
    result = cli("attach", "-q", f"alice/{job['id']}")
    assert result.exit_code == 3
    assert result.stdout == f"{job['id']}\n"
    assert "partial" in result.stderr  # -q: the log goes to stderr


def test_attach_unknown_job_exits_5(cli, api, logged_in):
    api.get(f"{JOBS}/nope", status=404, json={"error": "Job not found"})
    assert cli("attach", "alice/nope").exit_code == 5
