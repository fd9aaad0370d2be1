"""The emulator keeps its truth: about itself (status/stop never forget a live emulator) and about
its jobs (no process outlives a stop, a stage is written once the processes are gone, a full
disk ends the job, crash recovery records what it saw). Real emulators, real processes."""

from __future__ import annotations

import errno
import json
import os
import signal
import sys
import threading
import time

import pytest
import requests

from hfjobs_cli.emulator import control, logstore
from hfjobs_cli.emulator import jobs as jobs_module
from hfjobs_cli.emulator.procs import alive
from tests.emulator.conftest import Client, py
from tests.emulator.test_runtime import manager, run, wait  # noqa: F401 (fixture)
from tests.emulator_harness import start_emulator

# A job whose grandchild leaves the job's session and parent (a daemon's double fork): it is no
# longer in the job's process group, nor a descendant of the job's process. It prints its pid.
DAEMON = """
import os, sys, time
r, w = os.pipe()
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.write(w, str(os.getpid()).encode())
        time.sleep(120)
    os._exit(0)
print(os.read(r, 32).decode(), flush=True)
"""


def file_lines(m, job_id: str) -> list[str]:
    """The job's log lines so far, read from its file (a live stream would wait for the end)."""
    text = m.logs.path(job_id).read_text()
    events = [json.loads(b[6:])["data"] for b in text.split("\n\n") if b.startswith("data: ")]
    return [e for e in events if not e.startswith("===== Job")]


def gone(pids, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not any(alive(p) for p in pids)


# -- the emulator itself ---------------------------------------------------------------------


@pytest.fixture
def data(tmp_path):
    folder = tmp_path / "bg"
    yield folder
    info = control.stop(folder, timeout=5)
    if info is not None and control._alive(info.pid):
        os.kill(info.pid, signal.SIGKILL)


def test_status_start_and_stop_never_forget_a_busy_emulator(data, cli):
    info = control.start_background(data, runtime="process")
    state = (data / "emulator.json").read_text()
    log_size = (data / "emulator.log").stat().st_size
    os.kill(info.pid, signal.SIGSTOP)  # busy: its health endpoint answers nothing for a while
    try:
        busy = control.status(data)
        assert busy is not None and busy.pid == info.pid and busy.url == info.url
        assert busy.answering is False
        assert (data / "emulator.json").read_text() == state  # its state is untouched
        again = control.start_background(data, runtime="process")
        assert again.already_running and again.pid == info.pid  # no second emulator
        shown = cli("emulator", "status", "--data-dir", str(data))
        assert shown.exit_code == 0 and "running, not answering (busy?)" in shown.stdout
        assert (data / "emulator.log").stat().st_size >= log_size  # its log not truncated
    finally:
        os.kill(info.pid, signal.SIGCONT)
    assert control.status(data).answering is True
    stopped = control.stop(data)
    assert stopped is not None and stopped.pid == info.pid and not control._alive(info.pid)
    assert not (data / "emulator.json").exists()


def test_a_stopped_emulator_that_was_killed_is_forgotten(data):
    info = control.start_background(data, runtime="process")
    os.kill(info.pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while control._alive(info.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert control.status(data) is None and not (data / "emulator.json").exists()


# -- its jobs' processes ---------------------------------------------------------------------


def test_cancel_ends_children_that_left_the_process_group(client: Client):
    code = (
        "import subprocess, os, time; c = subprocess.Popen(['sleep', '120'], start_new_session=True);"
        + "print(os.getpid(), c.pid, flush=True); time.sleep(120)"
    )
    job = client.run(py(code))
    pids = [int(p) for p in client.read_lines(job["id"], 1)[0].split()]
    assert all(alive(p) for p in pids)
    answer = client.post(f"/api/jobs/local/{job['id']}/cancel").json()
    assert answer["status"]["stage"] == "CANCELED"
    assert not any(alive(p) for p in pids)  # gone when the cancel answered


def test_timeout_ends_a_daemon_that_left_the_job(client: Client):
    job = client.run(py(DAEMON + "time.sleep(120)"), timeoutSeconds=2)
    daemon = int(client.read_lines(job["id"], 1)[0])
    assert alive(daemon)
    done = client.wait(job["id"], timeout=30)
    assert done["status"] == {"stage": "ERROR", "message": "Job timeout"}
    assert not alive(daemon)


def test_a_daemon_does_not_outlive_a_job_that_completed(client: Client):
    job = client.run(py(DAEMON))
    daemon = int(client.read_lines(job["id"], 1)[0])
    assert client.wait(job["id"])["status"]["stage"] == "COMPLETED"
    assert gone([daemon], 5)


def test_the_stage_changes_only_once_the_processes_are_gone(manager, monkeypatch):  # noqa: F811
    monkeypatch.setattr(jobs_module, "CANCEL_GRACE", 1.0)
    ignore = "import signal; signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    code = ignore + DAEMON + "time.sleep(120)"
    job = run(manager, [sys.executable, "-c", code])
    wait(manager, job, ("RUNNING",))
    deadline = time.monotonic() + 10
    while not file_lines(manager, job) and time.monotonic() < deadline:
        time.sleep(0.02)
    pid = manager.store.get("jobs", job)["pid"]
    daemon = int(file_lines(manager, job)[0])
    canceller = threading.Thread(target=manager.cancel, args=(job,))
    canceller.start()
    seen = []
    while canceller.is_alive():
        stage = manager.store.get("jobs", job)["stage"]
        seen.append((stage, alive(pid) or alive(daemon)))
        time.sleep(0.02)
    assert not [s for s in seen if s[0] == "CANCELED" and s[1]], "CANCELED while a process lived"
    assert ("RUNNING", True) in seen  # the grace period did pass with the job still RUNNING
    row = manager.store.get("jobs", job)
    assert row["stage"] == "CANCELED" and not alive(pid) and not alive(daemon)


def test_a_full_disk_ends_the_job_in_error_and_stops_it(manager, monkeypatch):  # noqa: F811
    real_write = logstore._write
    full = threading.Event()

    def write(fd, data):
        if full.is_set():
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(logstore, "_write", write)
    code = "import os\nprint(os.getpid(), flush=True)\nwhile True: print('x' * 1000, flush=True)"
    job = run(manager, [sys.executable, "-u", "-c", code])
    deadline = time.monotonic() + 10
    while not file_lines(manager, job) and time.monotonic() < deadline:
        time.sleep(0.02)
    pid = int(file_lines(manager, job)[0])
    full.set()
    row = wait(manager, job, timeout=30)
    assert row["stage"] == "ERROR"
    assert (
        "could not write this job's log: No space left on device (the disk is full)"
        in (row["message"])
    )
    assert "the job was stopped" in row["message"] and not alive(pid)
    text = manager.logs.path(job).read_text()
    assert text.endswith("\n\n")  # no half-written event for readers to stall on


def test_a_bug_in_the_runner_never_leaves_the_process_running(manager, monkeypatch):  # noqa: F811
    from hfjobs_cli.emulator.procs import JobProcesses

    calls = []

    def broken(self):
        calls.append(1)
        if len(calls) > 1:
            raise RuntimeError("boom")

    monkeypatch.setattr(JobProcesses, "sample", broken)
    job = run(
        manager,
        [sys.executable, "-c", "import os, time; print(os.getpid(), flush=True); time.sleep(60)"],
    )
    row = wait(manager, job, timeout=20)
    assert row["stage"] == "ERROR" and "Internal emulator error: boom" in row["message"]
    assert not alive(row["pid"])
    manager.cancel(job)  # a cancel now changes nothing, and says nothing of success
    assert manager.store.get("jobs", job)["stage"] == "ERROR"


# -- what it stores ---------------------------------------------------------------------------


def test_an_absurd_timeout_is_refused_with_400_json(client: Client):
    for timeout in (10**20, 366 * 24 * 3600 + 1):
        answer = client.post("/api/jobs/local", json={**_body(), "timeoutSeconds": timeout})
        assert answer.status_code == 400
        assert "'timeoutSeconds' must be at most 31622400" in answer.json()["error"]
    assert client.post("/api/jobs/local", json={**_body(), "attempts": 10**9}).status_code == 400


def test_text_that_is_not_latin_1_gets_a_400_json_answer(client: Client):
    answer = client.post("/api/jobs/local", json={**_body(), "flavor": "日本-gpu"})
    assert answer.status_code == 400
    assert "'日本-gpu'" in answer.json()["error"]
    assert "\\u65e5\\u672c" in answer.headers["X-Error-Message"]


def test_text_that_is_not_unicode_or_holds_nul_is_400(client: Client):
    raw = b'{"dockerImage": "python:3.12", "command": ["echo", "\\ud800"]}'
    answer = client.post("/api/jobs/local", data=raw, headers={"content-type": "application/json"})
    assert answer.status_code == 400 and "lone surrogate" in answer.json()["error"]
    nul = client.post("/api/jobs/local", json={**_body(), "arguments": ["a\x00b"]})
    assert nul.status_code == 400 and "NUL" in nul.json()["error"]
    # The connection still serves the next request
    assert client.get("/api/whoami-v2").status_code == 200


def _body() -> dict:
    return {"dockerImage": "python:3.12", "command": ["true"], "flavor": "cpu-basic"}


# -- crash recovery ---------------------------------------------------------------------------


def test_recovery_records_when_the_job_was_last_seen_alive(tmp_path):
    data = tmp_path / "data"
    with start_emulator(data) as first:
        c = Client(first)
        job = c.run(py("import os, time; print(os.getpid(), flush=True); time.sleep(120)"))
        pid = int(c.read_lines(job["id"], 1)[0])
        time.sleep(2.5)  # long enough for a "seen alive" beat
        first.kill()
        os.kill(pid, signal.SIGKILL)  # the job dies with the machine, as it were
        died = time.time()
        assert gone([pid])
        time.sleep(3)
        with start_emulator(data) as second:
            restarted = time.time()
            recovered = Client(second).job(job["id"])
    assert recovered["status"]["stage"] == "ERROR"
    finished = _epoch(recovered["finishedAt"])
    assert finished <= died + 0.1 and finished < restarted - 2
    assert finished >= _epoch(recovered["startedAt"]) + 1.5


def test_recovery_ends_processes_that_left_the_job(tmp_path):
    data = tmp_path / "data"
    with start_emulator(data) as first:
        c = Client(first)
        job = c.run(py(DAEMON + "print(os.getpid(), flush=True); time.sleep(120)"))
        daemon, main = (int(x) for x in c.read_lines(job["id"], 2))
        first.kill()
        assert alive(daemon) and alive(main)  # the crash left them behind
        with start_emulator(data) as second:
            assert Client(second).job(job["id"])["status"]["stage"] == "ERROR"
            assert gone([daemon, main], 5)


def _epoch(stamp: str) -> float:
    from datetime import datetime

    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()


def test_health_never_waits_for_the_database(tmp_path):
    """A second process holding the database's write lock does not slow the health check."""
    import sqlite3

    data = tmp_path / "data"
    with start_emulator(data) as emu:
        holder = sqlite3.connect(data / "emulator.db", isolation_level=None, timeout=1)
        holder.execute("BEGIN EXCLUSIVE")
        try:  # the database waits up to 30 s for a lock: the health check must not
            health = requests.get(f"{emu.url}/api/emulator/health", timeout=10).json()
            assert health["pid"] == emu.process.pid and health["jobsRunning"] == 0
        finally:
            holder.execute("ROLLBACK")
            holder.close()
