"""Scheduled jobs end to end: the installed `hfjobs` against the emulator's scheduled-jobs API."""

from __future__ import annotations

import time

from tests.e2e.conftest import wait_for_stage

PY = "python:3.12"
YEARLY = "0 0 1 1 *"  # never fires during a test: runs come from triggers


def create(hfjobs, *args: str) -> str:
    result = hfjobs("schedule", "run", "-q", *args)
    assert result.returncode == 0, result.stderr
    sj_id = result.stdout.strip()
    assert len(sj_id) == 24
    return sj_id


def wait_for_history(hfjobs, sj_id: str, count: int, timeout: float = 30) -> list[dict]:
    deadline = time.monotonic() + timeout
    while True:
        runs = hfjobs("schedule", "history", "--json", sj_id).json()
        if len(runs) >= count:
            return runs
        if time.monotonic() > deadline:
            raise AssertionError(f"{sj_id}: {len(runs)} runs, expected {count}")
        time.sleep(0.2)


def test_a_triggered_run_fires_and_shows_in_history_ls_and_inspect(hfjobs):
    script = "import os; print(os.environ['GREETING'], 'from cron')"
    sj_id = create(hfjobs, "--name", "e2e-nightly", "-l", "suite=e2e-fire", "-e", "GREETING=hi",
                   YEARLY, PY, "python", "-c", script)  # fmt: skip
    listed = hfjobs("schedule", "ls", "--json", "-l", "suite=e2e-fire").json()
    assert [sj["id"] for sj in listed] == [sj_id]
    assert listed[0]["jobSpec"]["labels"]["name"] == "e2e-nightly"
    assert listed[0]["status"]["nextJobRunAt"].startswith(
        f"{time.gmtime().tm_year + 1}-01-01T00:00"
    )

    triggered = hfjobs("schedule", "trigger", sj_id)
    assert triggered.returncode == 0, triggered.stderr
    first_line = triggered.stdout.splitlines()[0]
    assert first_line.startswith("✓ Job ") and first_line.endswith(f"from scheduled job {sj_id}")
    job_id = first_line.split()[2]
    job = wait_for_stage(hfjobs, job_id, ("COMPLETED", "ERROR"))
    assert job["status"]["stage"] == "COMPLETED", job
    assert (job["initiator"]["type"], job["initiator"]["id"]) == ("scheduled-job", sj_id)
    assert hfjobs("logs", job_id).stdout == "hi from cron\n"

    history = hfjobs("schedule", "history", sj_id)
    assert history.returncode == 0, history.stderr
    rows = [line.split("\t") for line in history.stdout.splitlines()]
    assert rows[0] == ["ID", "STATUS", "STARTED", "DURATION"]
    assert [row[:2] for row in rows[1:]] == [[job_id, "COMPLETED"]]
    assert rows[1][2].endswith("Z")

    table = hfjobs("schedule", "ls", "-l", "suite=e2e-fire").stdout.splitlines()
    row = table[1].split("\t")
    assert row[:3] == [sj_id, "e2e-nightly", YEARLY]
    assert row[5:] == ["COMPLETED", f"{time.gmtime().tm_year + 1}-01-01T00:00:00Z", "no"]

    inspected = hfjobs("schedule", "inspect", "--json", sj_id).json()
    assert inspected[0]["status"]["lastJob"]["id"] == job_id
    panel = hfjobs("schedule", "inspect", sj_id).stdout
    assert f"{job_id} COMPLETED" in panel
    assert "every year on January 1 at 00:00 UTC (0 0 1 1 *)" in panel


def test_trigger_while_a_run_goes_on_is_a_conflict_unless_concurrency(hfjobs):
    command = ("python", "-c", "import time; print('up', flush=True); time.sleep(60)")
    single = create(hfjobs, "--no-concurrency", "-l", "suite=e2e-409", YEARLY, PY, *command)
    many = create(hfjobs, "--concurrency", "-l", "suite=e2e-409", YEARLY, PY, *command)
    started = []
    try:
        started.append(hfjobs("schedule", "trigger", "-q", single).stdout.strip())
        conflict = hfjobs("schedule", "trigger", single)
        assert conflict.returncode == 1
        assert conflict.stdout == ""
        assert "has a run still going and its concurrency is off" in conflict.stderr
        assert f"hfjobs schedule history local/{single}" in conflict.stderr

        for _ in range(2):
            result = hfjobs("schedule", "trigger", "-q", many)
            assert result.returncode == 0, result.stderr
            started.append(result.stdout.strip())
        runs = wait_for_history(hfjobs, many, 2)
        assert [run["id"] for run in runs] == started[:0:-1]  # newest first
        assert hfjobs("schedule", "history", "-q", single).stdout.split() == started[:1]
    finally:
        for job_id in started:
            hfjobs("cancel", job_id)


def test_suspend_resume_reschedule_labels_and_delete(hfjobs):
    sj_id = create(hfjobs, "--suspend", "-l", "suite=e2e-manage", "@daily", PY, "true")
    assert hfjobs("schedule", "ls", "-q", "-l", "suite=e2e-manage").stdout == ""
    assert hfjobs("schedule", "ls", "-a", "-q", "-l", "suite=e2e-manage").stdout == f"{sj_id}\n"

    resumed = hfjobs("schedule", "resume", sj_id)
    assert resumed.returncode == 0, resumed.stderr
    assert resumed.stdout.startswith(f"✓ Scheduled job {sj_id} resumed; next run ")
    assert hfjobs("schedule", "ls", "-q", "-l", "suite=e2e-manage").stdout == f"{sj_id}\n"

    moved = hfjobs("schedule", "reschedule", sj_id, "30 6 * * 1-5")
    assert moved.returncode == 0, moved.stderr
    assert "every Monday to Friday at 06:30 UTC (30 6 * * 1-5)" in moved.stdout
    inspected = hfjobs("schedule", "inspect", "--json", sj_id).json()[0]
    assert inspected["schedule"] == "30 6 * * 1-5"
    assert inspected["status"]["nextJobRunAt"][11:16] == "06:30"
    upcoming = hfjobs("schedule", "next", "--json", "-n", "3", sj_id).json()
    assert upcoming["runs"][0]["utc"] == inspected["status"]["nextJobRunAt"][:19] + "Z"

    renamed = hfjobs("schedule", "labels", "--json", sj_id, "--name", "renamed")
    assert renamed.json()["jobSpec"]["labels"]["suite"] == "e2e-manage"
    assert renamed.json()["jobSpec"]["labels"]["name"] == "renamed"
    replaced = hfjobs("schedule", "labels", "--json", sj_id, "-l", "suite=e2e-manage2").json()
    assert replaced["jobSpec"]["labels"] == {"suite": "e2e-manage2"}

    assert hfjobs("schedule", "suspend", "-q", sj_id).stdout == f"{sj_id}\n"
    assert hfjobs("schedule", "inspect", "--json", sj_id).json()[0]["suspend"] is True

    refused = hfjobs("schedule", "delete", sj_id)
    assert refused.returncode == 2
    assert "Pass -y/--yes" in refused.stderr
    deleted = hfjobs("schedule", "delete", "-y", sj_id)
    assert deleted.returncode == 0 and deleted.stdout == f"✓ Scheduled job {sj_id} deleted\n"
    gone = hfjobs("schedule", "inspect", sj_id)
    assert gone.returncode == 5
    assert f"Scheduled job local/{sj_id} not found" in gone.stderr
    assert hfjobs("schedule", "trigger", sj_id).returncode == 5
    assert hfjobs("schedule", "history", sj_id).returncode == 5


def test_a_bad_schedule_creates_nothing(hfjobs):
    for schedule in ("61 * * * *", "* * *", "@fortnightly"):
        result = hfjobs("schedule", "run", "-l", "suite=e2e-bad", schedule, PY, "true")
        assert result.returncode == 2
        assert result.stderr.startswith(f"Error: Invalid schedule '{schedule}'")
    assert hfjobs("schedule", "ls", "-a", "--json", "-l", "suite=e2e-bad").json() == []
