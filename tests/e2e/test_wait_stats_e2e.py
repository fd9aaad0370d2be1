"""`hfjobs wait` and `hfjobs stats` end to end: the installed command against the emulator."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import uuid

from tests.e2e.conftest import HFJOBS, wait_for_stage

PY = "python:3.12"
SLEEP_60 = "import time; print('up', flush=True); time.sleep(60)"


def start(hfjobs, code: str, *extra: str) -> str:
    result = hfjobs("run", "-d", "-q", *extra, PY, "python", "-c", code)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@contextlib.contextmanager
def running_job(hfjobs, *extra: str):
    """A job that runs for a minute, cancelled when the block ends."""
    job_id = start(hfjobs, SLEEP_60, *extra)
    try:
        wait_for_stage(hfjobs, job_id, ("RUNNING",))
        yield job_id
    finally:
        hfjobs("cancel", job_id)


def test_wait_for_a_completed_job_exits_0(hfjobs):
    job_id = start(hfjobs, "import time; time.sleep(0.5); print('done')")
    result = hfjobs("wait", "--interval", "0.5", job_id)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "ID\tSTAGE\tMESSAGE"
    assert lines[1].split("\t")[:2] == [job_id, "COMPLETED"]
    assert f"Job {job_id} completed" in result.stderr


def test_wait_for_a_failing_job_exits_1(hfjobs):
    job_id = start(hfjobs, "import sys; sys.exit(3)")
    result = hfjobs("wait", "--interval", "0.5", "--json", job_id)
    assert result.returncode == 1
    [job] = result.json()
    assert job["id"] == job_id and job["status"]["stage"] == "ERROR"
    assert "did not complete" in result.stderr and "code 3" in result.stderr


def test_wait_for_a_cancelled_job_exits_3(hfjobs):
    with running_job(hfjobs) as job_id:
        waiter = hfjobs.popen("wait", "--interval", "0.5", job_id)
        try:
            assert hfjobs("cancel", job_id).returncode == 0
            out, err = waiter.communicate(timeout=30)
        finally:
            waiter.kill()
    assert waiter.returncode == 3, err
    assert out.splitlines()[1].split("\t")[:2] == [job_id, "CANCELED"]


def test_wait_timeout_exits_124_and_the_job_keeps_running(hfjobs):
    with running_job(hfjobs) as job_id:
        result = hfjobs("wait", "--timeout", "1", "--interval", "0.5", job_id)
        assert result.returncode == 124
        assert result.stdout == "ID\tSTAGE\tMESSAGE\n"
        assert f"Timed out after 1s: 1 of 1 jobs still running: {job_id} (RUNNING)" in (
            result.stderr
        )
        assert hfjobs("inspect", "--json", job_id).json()[0]["status"]["stage"] == "RUNNING"


def test_wait_ctrl_c_exits_130_and_the_job_keeps_running(hfjobs):
    with running_job(hfjobs) as job_id:
        waiter = subprocess.Popen(
            [HFJOBS, "wait", "--interval", "0.5", job_id],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env=hfjobs.env(), preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )  # fmt: skip
        try:
            assert waiter.stdout.readline() == "ID\tSTAGE\tMESSAGE\n"  # it is waiting
            waiter.send_signal(signal.SIGINT)
            _out, err = waiter.communicate(timeout=20)
        finally:
            waiter.kill()
        assert waiter.returncode == 130
        assert "Traceback" not in err and "the jobs keep running" in err
        assert hfjobs("inspect", "--json", job_id).json()[0]["status"]["stage"] == "RUNNING"


def test_wait_by_label_waits_for_the_whole_batch(hfjobs):
    batch = f"batch-{uuid.uuid4().hex[:8]}"
    ids = {start(hfjobs, f"import time; time.sleep({s})", "-l", f"sweep={batch}") for s in (3, 4)}
    result = hfjobs("wait", "-l", f"sweep={batch}", "--interval", "0.5", "--json")
    assert result.returncode == 0, result.stderr
    jobs = result.json()
    assert {j["id"] for j in jobs} == ids
    assert {j["status"]["stage"] for j in jobs} == {"COMPLETED"}
    again = hfjobs("wait", "-l", f"sweep={batch}")  # ended jobs count with their outcome
    assert again.returncode == 0, again.stderr
    assert "All 2 jobs completed" in again.stderr
    none = hfjobs("wait", "-l", f"sweep={batch}-none")
    assert none.returncode == 5
    assert "nothing to wait for" in none.stderr


def test_stats_of_a_running_job_then_of_the_finished_job(hfjobs):
    with running_job(hfjobs) as job_id:
        snapshot = hfjobs("stats", job_id)
        assert snapshot.returncode == 0, snapshot.stderr
        header, row = snapshot.stdout.splitlines()
        assert header.split("\t")[:3] == ["JOB ID", "CPU %", "NUM CPU"]
        cells = row.split("\t")
        assert cells[0] == job_id and cells[1].endswith("%") and cells[2] == "2"
        assert cells[6:] == ["N/A", "N/A", "N/A"]  # cpu-basic has no GPU
        [sample] = hfjobs("stats", "--json", job_id).json()
        assert sample["job_id"] == job_id and sample["cpu_millicores"] == 2000
        assert sample["memory_total_bytes"] > 0
        every = hfjobs("stats")
        assert job_id in every.stdout
    wait_for_stage(hfjobs, job_id, ("CANCELED",))
    finished = hfjobs("stats", job_id)
    assert finished.returncode == 1
    assert finished.stdout == ""
    assert f"Job local/{job_id} has finished (CANCELED): no metrics" in finished.stderr
    assert "Traceback" not in finished.stderr


def test_stats_follow_prints_samples_until_the_job_ends(hfjobs):
    job_id = start(hfjobs, "import time; time.sleep(5)")
    wait_for_stage(hfjobs, job_id, ("RUNNING", "COMPLETED"))
    result = hfjobs("stats", "-f", job_id, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("JOB ID\tCPU %")
    assert len(lines) >= 2 and all(line.startswith(f"{job_id}\t") for line in lines[1:])
    assert f"Job local/{job_id} has finished (COMPLETED" in result.stderr


def test_stats_snapshot_of_a_busy_job_reports_its_cpu(hfjobs):
    job_id = start(hfjobs, "import time\nwhile True: pass")
    try:
        wait_for_stage(hfjobs, job_id, ("RUNNING",))
        [sample] = hfjobs("stats", "--json", job_id).json()
        assert sample["cpu_usage_pct"] > 10, sample
        row = hfjobs("stats", job_id).stdout.splitlines()[1].split("\t")
        assert row[0] == job_id and float(row[1].rstrip("%")) > 10
    finally:
        hfjobs("cancel", job_id)


def test_ssh_to_a_job_started_with_ssh_says_the_emulator_has_no_ssh_server(hfjobs):
    with running_job(hfjobs, "--ssh") as job_id:
        for args in (["--dry-run"], []):
            result = hfjobs("ssh", *args, job_id)
            assert result.returncode == 1 and result.stdout == ""
            assert "SSH is not enabled" not in result.stderr
            assert (
                f"Error: Job local/{job_id} was started with --ssh, but the local emulator has no "
                "SSH server" in result.stderr
            )
            assert f"hfjobs logs -f local/{job_id}" in result.stderr
