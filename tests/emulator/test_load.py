"""Load: 20 jobs at once, 20 followers at once, and a 1,000,000-line log to a live follower.

Timings are printed (run with `-s` to see them), never asserted tightly: the assertions are that
no line is lost or reordered and that the emulator's memory does not grow with the log's size.
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.emulator.conftest import Client, py
from tests.emulator_harness import start_emulator

LINES = 1_000_000


def memory_mb(pid: int, key: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    raise AssertionError(key)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    with start_emulator(tmp_path_factory.mktemp("load") / "data", keepalive=1.0) as emu:
        yield emu


def follow(client: Client, job_id: str) -> list[str]:
    with client.get(f"/api/jobs/local/{job_id}/logs", stream=True, timeout=(5, 60)) as response:
        assert response.status_code == 200
        return [
            json.loads(line[6:])["data"]
            for line in response.iter_lines(decode_unicode=True)
            if line.startswith("data: {")
        ][1:]


def test_twenty_jobs_run_at_once_each_with_its_own_follower(loaded, tmp_path):
    client = Client(loaded)
    go = tmp_path / "go"
    code = (
        f"import os, time\nprint('up', flush=True)\nwhile not os.path.exists({str(go)!r}): time.sleep(0.02)\n"
        "for i in range(200): print(i)"
    )
    jobs = [client.run(py(code), labels={"load": "twenty"}) for _ in range(20)]
    with ThreadPoolExecutor(max_workers=20) as pool:
        followers = [pool.submit(follow, Client(loaded), job["id"]) for job in jobs]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            running = client.get(
                "/api/jobs/local", params={"stage": "RUNNING", "label": "load=twenty"}
            ).json()
            if len(running) == 20:
                break
            time.sleep(0.05)
        assert len(running) == 20  # all twenty at the same time
        go.touch()
        logs = [f.result(timeout=60) for f in followers]
    assert all(log == ["up", *map(str, range(200))] for log in logs)
    assert all(client.job(job["id"])["status"]["stage"] == "COMPLETED" for job in jobs)


def test_twenty_followers_of_one_job_all_get_every_line(loaded, tmp_path):
    client = Client(loaded)
    go = tmp_path / "go"
    code = (
        f"import os, time\nwhile not os.path.exists({str(go)!r}): time.sleep(0.02)\n"
        "for i in range(2000):\n    print(i, flush=True)\n    time.sleep(0.0005) if i % 100 == 0 else None"
    )
    job = client.run(py(code))
    with ThreadPoolExecutor(max_workers=20) as pool:
        followers = [pool.submit(follow, Client(loaded), job["id"]) for _ in range(20)]
        time.sleep(0.3)
        go.touch()
        logs = [f.result(timeout=60) for f in followers]
    assert all(log == [str(i) for i in range(2000)] for log in logs)


def test_a_million_line_log_streams_live_with_no_line_lost_in_bounded_memory(loaded):
    client = Client(loaded)
    pid = loaded.process.pid
    before = memory_mb(pid, "VmRSS")
    code = f"import sys; sys.stdout.writelines(f'{{i}}\\n' for i in range({LINES}))"
    started = time.monotonic()
    job = client.run(["python", "-c", code])
    expected, in_order = 0, True
    with client.get(f"/api/jobs/local/{job['id']}/logs", stream=True, timeout=(5, 60)) as response:
        for line in response.iter_lines(chunk_size=1 << 16):
            if line.startswith(b'data: {"data":"'):
                value = line[15 : line.index(b'"', 15)]
                if value.startswith(b"====="):
                    continue
                in_order &= int(value) == expected
                expected += 1
    elapsed = time.monotonic() - started
    peak = memory_mb(pid, "VmHWM")
    log_mb = (loaded.data_dir / "logs" / f"{job['id']}.log").stat().st_size / 2**20
    print(
        f"\n1M-line log: {log_mb:.0f} MB streamed live in {elapsed:.1f}s; "
        f"emulator RSS {before:.0f} MB before, peak {peak:.0f} MB"
    )
    assert expected == LINES and in_order
    assert client.job(job["id"])["status"]["stage"] == "COMPLETED"
    assert log_mb > 50
    assert peak - before < 40  # far below the log's size: the log is never held in memory
    assert elapsed < 60
    tail_started = time.monotonic()
    assert client.lines(job["id"], tail=2) == [str(LINES - 2), str(LINES - 1)]
    assert time.monotonic() - tail_started < 2  # the tail is found without reading the whole file
