"""`hfjobs cancel` at the HTTP boundary: ids, selectors, unknown and ended jobs, output modes."""

import json

import pytest
from responses import matchers

from tests.commands.helpers import JOBS
from tests.conftest import auth_header
from tests.payloads import ENDPOINT, make_job, whoami


def test_bulk_cancel_by_label_needs_yes_without_a_terminal(cli, api, logged_in):
    jobs = [make_job(labels={"sweep": "lr"}), make_job(labels={"sweep": "lr"})]
    api.get(f"{ENDPOINT}/api/whoami-v2", json=whoami())
    api.get(
        JOBS,
        json=jobs,
        match=[matchers.query_string_matcher("stage=RUNNING&stage=SCHEDULING&label=sweep%3Dlr")],
    )
    refused = cli("cancel", "-l", "sweep=lr")
    assert refused.exit_code == 2 and "-y" in refused.stderr
    assert not any(c.request.method == "POST" for c in api.calls)
    api.get(JOBS, json=jobs)
    for job in jobs:
        api.post(f"{JOBS}/{job['id']}/cancel", json=job)
    done = cli("cancel", "-l", "sweep=lr", "-y", "-q")
    assert done.exit_code == 0
    assert done.stdout.split() == [j["id"] for j in jobs]


def test_cancel_ids_and_selector_together_is_a_usage_error(cli, api, logged_in):
    assert cli("cancel", "--all", "abc").exit_code == 2
    assert cli("cancel").exit_code == 2


def test_bulk_cancel_asks_on_a_terminal_and_declining_cancels_nothing(
    cli, api, logged_in, monkeypatch
):
    monkeypatch.setattr("hfjobs_cli.invocation.stdin_is_terminal", lambda: True)
    api.get(JOBS, json=[make_job(labels={"sweep": "lr"})])
    result = cli("cancel", "--namespace", "alice", "-l", "sweep=lr", input="n\n")
    assert result.exit_code == 1
    assert "Cancel 1 job?" in result.stderr and "Nothing cancelled" in result.stderr
    assert not any(c.request.method == "POST" for c in api.calls)


def test_cancel_posts_and_continues_after_unknown_ids(cli, api, logged_in):
    a, b = make_job(), make_job()
    api.get(f"{JOBS}/{a['id']}", json=a)
    api.post(
        f"{JOBS}/{a['id']}/cancel",
        json={**a, "status": {"stage": "CANCELED"}},
        match=[auth_header()],
    )
    api.get(f"{JOBS}/{'0' * 24}", status=404, json={"error": "Job not found"})
    api.get(f"{ENDPOINT}/api/jobs/acme/{b['id']}", json=b)
    api.post(f"{ENDPOINT}/api/jobs/acme/{b['id']}/cancel", body=b"")
    api.get(f"{ENDPOINT}/api/whoami-v2", json=whoami())
    result = cli("cancel", a["id"], "0" * 24, f"acme/{b['id']}")
    assert result.exit_code == 5
    assert result.stdout.splitlines() == [
        f"✓ Job {a['id']} cancelled",
        f"✓ Job {b['id']} cancelled",
    ]
    assert f"alice/{'0' * 24} not found" in result.stderr


def test_cancel_quiet_and_json(cli, api, logged_in):
    a = make_job()
    api.get(f"{JOBS}/{a['id']}", json=a)
    api.post(f"{JOBS}/{a['id']}/cancel", json=a)
    assert cli("cancel", "-q", f"alice/{a['id']}").stdout == f"{a['id']}\n"
    api.get(f"{JOBS}/{a['id']}", json=a)
    api.post(f"{JOBS}/{a['id']}/cancel", json=a)
    assert json.loads(cli("cancel", "--json", f"alice/{a['id']}").stdout) == [a]


@pytest.mark.parametrize("stage", ["COMPLETED", "ERROR", "CANCELED", "DELETED"])
def test_cancel_of_a_job_that_already_ended_says_so_and_sends_no_cancel(cli, api, logged_in, stage):
    """Never "✓ cancelled" for a job that ended on its own: named with its stage, left alone,
    exit 1 (the others are still cancelled)."""
    done, running = make_job(stage=stage, message="done"), make_job()
    api.get(f"{JOBS}/{done['id']}", json=done)
    api.get(f"{JOBS}/{running['id']}", json=running)
    api.post(f"{JOBS}/{running['id']}/cancel", json={**running, "status": {"stage": "CANCELED"}})
    result = cli("cancel", f"alice/{done['id']}", f"alice/{running['id']}")
    assert not [c for c in api.calls if c.request.url.endswith(f"{done['id']}/cancel")]
    if stage == "CANCELED":  # already in the stage asked for
        assert result.exit_code == 0, result.stderr
        return
    assert result.exit_code == 1, result.stderr
    assert result.stdout == f"✓ Job {running['id']} cancelled\n"
    assert f"Job {done['id']} had already ended with stage {stage}: done: not cancelled" in (
        result.stderr
    )


def test_cancel_quiet_prints_only_the_jobs_it_cancelled(cli, api, logged_in):
    done = make_job(stage="COMPLETED")
    api.get(f"{JOBS}/{done['id']}", json=done)
    result = cli("cancel", "-q", f"alice/{done['id']}")
    assert (result.exit_code, result.stdout) == (1, "")


def test_cancel_by_label_reports_a_job_that_ended_in_between(cli, api, logged_in):
    job = make_job(labels={"sweep": "a"})
    api.get(JOBS, json=[job])
    api.post(f"{JOBS}/{job['id']}/cancel", json={**job, "status": {"stage": "COMPLETED"}})
    result = cli("cancel", "-y", "-l", "sweep=a", "--namespace", "alice")
    assert result.exit_code == 1, result.stderr
    assert "had already ended with stage COMPLETED: not cancelled" in result.stderr
    assert "cancelled\n" not in result.stdout
