"""State survives a restart, crashes are recovered, concurrent writers lose nothing, files are private."""

from __future__ import annotations

import json
import stat
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.emulator.conftest import Client, job_body, py
from tests.emulator.test_jobs import alive
from tests.emulator_harness import start_emulator

STOPPED = "The emulator stopped while this job was running"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_everything_survives_a_sigkill_and_the_running_job_is_recovered(tmp_path):
    data = tmp_path / "data"
    with start_emulator(data) as first:
        c = Client(first)
        done = c.run(py("print('kept')"), secrets={"S": "survives"})
        c.wait(done["id"])
        running = c.run(py("import os, time; print(os.getpid()); time.sleep(60)"))
        pid = int(c.read_lines(running["id"], 1)[0])
        sj = c.post(
            "/api/scheduled-jobs/local", json={"jobSpec": job_body(["true"]), "schedule": "@daily"}
        ).json()
        hook = c.post(
            "/api/settings/webhooks",
            json={"watched": [{"type": "user", "name": "local"}], "jobSourceId": done["id"]},
        ).json()["webhook"]
        first.kill()
        assert alive(pid)  # the crash left the job's process behind
        token = first.token
        # Restart inside the first block: its teardown (which kills orphans) has not run yet.
        with start_emulator(data) as second:
            c = Client(second)
            assert second.token == token
            assert c.job(done["id"])["status"]["stage"] == "COMPLETED"
            assert c.lines(done["id"]) == ["kept"]
            recovered = c.job(running["id"])
            assert recovered["status"] == {"stage": "ERROR", "message": STOPPED}
            assert recovered["finishedAt"] is not None
            deadline = time.monotonic() + 5
            while alive(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert not alive(pid)  # ... and the restart killed it
            assert c.lines(running["id"]) == [str(pid)]  # its log is intact and the stream ends
            assert c.get(f"/api/scheduled-jobs/local/{sj['id']}").json()["schedule"] == "@daily"
            assert (
                c.get(f"/api/settings/webhooks/{hook['id']}").json()["webhook"]["job"]["command"]
                == done["command"]
            )
            again = c.post(f"/api/jobs/local/{done['id']}/duplicate").json()
            c.wait(again["id"])
            assert c.lines(again["id"]) == ["kept"]


def test_a_clean_stop_ends_running_jobs_in_error(tmp_path):
    data = tmp_path / "data"
    with start_emulator(data) as emu:
        c = Client(emu)
        job = c.run(py("import os, time; print(os.getpid()); time.sleep(60)"))
        pid = int(c.read_lines(job["id"], 1)[0])
        assert (data / "emulator.json").exists()
        started = time.monotonic()
        assert emu.stop() == 0
        assert time.monotonic() - started < 10
        assert not alive(pid)
        assert not (data / "emulator.json").exists()
    with start_emulator(data) as emu:
        assert Client(emu).job(job["id"])["status"] == {"stage": "ERROR", "message": STOPPED}


def test_concurrent_clients_lose_no_write(tmp_path):
    with start_emulator(tmp_path / "data") as emu:

        def create(i: int) -> str:
            c = Client(emu)
            job_id = c.run(["true"], labels={"batch": "x", "i": str(i)})["id"]
            c.put(
                f"/api/jobs/local/{job_id}/labels",
                json={"labels": {"batch": "x", "i": str(i), "done": "1"}},
            )
            c.post(
                "/api/scheduled-jobs/local",
                json={"jobSpec": job_body(["true"]), "schedule": "@daily"},
            )
            return job_id

        with ThreadPoolExecutor(max_workers=16) as pool:
            made = list(pool.map(create, range(48)))
        c = Client(emu)
        listed = c.get("/api/jobs/local", params={"label": "done=1", "limit": 1000}).json()
        assert sorted(j["id"] for j in listed) == sorted(made) and len(set(made)) == 48
        assert len(c.get("/api/scheduled-jobs/local").json()) == 48


def test_files_are_private_and_the_state_file_holds_no_token(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    data.chmod(0o751)  # a folder that exists already (a shared one) is not ours to change
    with start_emulator(data) as emu:
        c = Client(emu)
        job = c.run(["true"])
        c.wait(job["id"])
        assert mode(data) == 0o751
        for name in ("token", "emulator.db", "emulator.json"):
            assert mode(data / name) == 0o600, name
        assert mode(data / "logs") == 0o700 and mode(data / "logs" / f"{job['id']}.log") == 0o600
        state = json.loads((data / "emulator.json").read_text())
        assert state["url"] == emu.url and emu.token not in json.dumps(state)
        assert (data / "token").read_text().strip() == emu.token and emu.token.startswith("hf_emu_")


def test_a_data_folder_the_emulator_creates_is_private(tmp_path):
    from hfjobs_cli.emulator.state import Emulator

    app = Emulator(tmp_path / "new" / "data", "process")
    try:
        assert mode(tmp_path / "new" / "data") == 0o700
        assert mode(tmp_path / "new" / "data" / "logs") == 0o700
    finally:
        app.close()
