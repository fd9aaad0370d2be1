"""The log stream (SSE, api-reference §3.5) and the metrics stream (§3.6), over HTTP."""

from __future__ import annotations

import json
import re
import time
from email.utils import parsedate_to_datetime

from tests.emulator.conftest import Client, py

EVENT = re.compile(r'^data: \{"data":.*,"timestamp":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"\}$')


def raw_stream(client: Client, job_id: str, **params) -> tuple[dict, str]:
    with client.get(f"/api/jobs/local/{job_id}/logs", params=params, stream=True) as response:
        assert response.status_code == 200
        return dict(response.headers), response.content.decode()


def test_the_stream_is_sse_with_the_hub_event_format(client: Client):
    job = client.run(py("print('one'); print('two \"quoted\" é')"))
    client.wait(job["id"])
    headers, body = raw_stream(client, job["id"])
    assert headers["Content-Type"].startswith("text/event-stream")
    assert parsedate_to_datetime(headers["Date"])
    blocks = body.split("\n\n")
    assert blocks[-1] == ""  # every event ends with a blank line
    assert all(EVENT.match(b) for b in blocks[:-1]), blocks
    events = [json.loads(b[len("data: ") :]) for b in blocks[:-1]]
    assert re.fullmatch(
        r"===== Job started at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d =====", events[0]["data"]
    )
    assert [e["data"] for e in events[1:]] == ["one", 'two "quoted" é']


def test_every_connection_replays_the_whole_log(client: Client):
    job = client.run(py("for i in range(5): print(i)"))
    client.wait(job["id"])
    assert client.events(job["id"]) == client.events(job["id"])
    assert client.lines(job["id"]) == ["0", "1", "2", "3", "4"]


def test_tail_returns_the_last_n_events(client: Client):
    job = client.run(py("for i in range(10): print(i)"))
    client.wait(job["id"])
    assert client.lines(job["id"], tail=3) == ["7", "8", "9"]
    assert [e["data"] for e in client.events(job["id"], tail=0)] == []
    everything = client.events(job["id"])
    assert client.events(job["id"], tail=1000) == everything
    assert client.get(f"/api/jobs/local/{job['id']}/logs", params={"tail": "x"}).status_code == 400


def test_live_lines_arrive_while_the_job_runs_and_the_stream_closes_at_the_end(
    client: Client, tmp_path
):
    go = tmp_path / "go"
    code = f"import os, time\nprint('first')\nwhile not os.path.exists({str(go)!r}): time.sleep(0.05)\nprint('second')"
    job = client.run(py(code))
    seen = []
    with client.get(f"/api/jobs/local/{job['id']}/logs", stream=True, timeout=(5, 20)) as response:
        for line in response.iter_lines(decode_unicode=True):
            if line.startswith("data: {"):
                seen.append(json.loads(line[6:])["data"])
                if seen[-1] == "first":
                    assert client.job(job["id"])["status"]["stage"] == "RUNNING"
                    go.touch()
    # The stream ended: the job's stage is already final, as the official client checks.
    assert client.job(job["id"])["status"]["stage"] == "COMPLETED"
    assert seen[1:] == ["first", "second"]


def test_keep_alive_comments_are_sent_while_the_job_is_quiet(client: Client):
    job = client.run(py("import time; print('a'); time.sleep(1.6); print('b')"))
    headers, body = raw_stream(client, job["id"])
    assert ": keep-alive\n\n" in body  # the module emulator sends one every 0.5 s
    assert body.index(": keep-alive") > body.index('"a"') and body.endswith('"}\n\n')


def test_tail_then_follow(client: Client, tmp_path):
    go = tmp_path / "go"
    code = f"import os, time\nfor i in range(5): print(i)\nwhile not os.path.exists({str(go)!r}): time.sleep(0.05)\nprint('live')"
    job = client.run(py(code))
    client.read_lines(job["id"], 5)
    seen = []
    with client.get(
        f"/api/jobs/local/{job['id']}/logs", params={"tail": 2}, stream=True, timeout=(5, 20)
    ) as r:
        for line in r.iter_lines(decode_unicode=True):
            if line.startswith("data: {"):
                seen.append(json.loads(line[6:])["data"])
                if len(seen) == 2:
                    go.touch()
    assert seen == ["3", "4", "live"]


def test_a_follower_waiting_on_a_scheduling_job_gets_everything(tmp_path):
    from tests.emulator_harness import start_emulator

    with start_emulator(tmp_path / "d", scheduling_delay=1.0, keepalive=0.3) as emu:
        client = Client(emu)
        job = client.run(py("print('late')"))
        start = time.monotonic()
        assert client.lines(job["id"]) == ["late"]
        assert time.monotonic() - start >= 0.5


def test_metrics_stream_while_running_and_406_otherwise(client: Client):
    job = client.run(
        py("import time; x = bytearray(30_000_000); print('ready'); time.sleep(30)"), flavor="l4x4"
    )
    client.read_lines(job["id"], 1)
    with client.get(
        f"/api/jobs/local/{job['id']}/metrics", stream=True, timeout=(5, 10)
    ) as response:
        assert response.status_code == 200
        lines = response.iter_lines(decode_unicode=True)
        assert next(lines) == "event: metric"
        data = json.loads(next(lines).removeprefix("data: "))
    assert data["cpu_millicores"] == 48000 and data["memory_total_bytes"] == 186 * 10**9
    assert data["memory_used_bytes"] > 30_000_000
    assert len(data["gpus"]) == 4 and {
        "utilization",
        "memory_used_bytes",
        "memory_total_bytes",
    } <= set(next(iter(data["gpus"].values())))
    assert {"cpu_usage_pct", "rx_bps", "tx_bps", "replica"} <= set(data)
    client.post(f"/api/jobs/local/{job['id']}/cancel")
    client.wait(job["id"])
    response = client.get(f"/api/jobs/local/{job['id']}/metrics")
    assert response.status_code == 406 and response.json()["error"]


def test_the_first_metrics_sample_measures_the_cpu(client: Client):
    """CPU % is a difference of two readings: the emulator keeps them, so even the first event
    of a fresh stream measures a busy job (it read 0 % before)."""
    job = client.run(py("import time\nprint('busy', flush=True)\nwhile True: pass"))
    client.read_lines(job["id"], 1)
    try:
        for _ in range(2):  # two fresh streams, each read for its first event only
            with client.get(
                f"/api/jobs/local/{job['id']}/metrics", stream=True, timeout=(5, 10)
            ) as response:
                lines = response.iter_lines(decode_unicode=True)
                assert next(lines) == "event: metric"
                data = json.loads(next(lines).removeprefix("data: "))
            assert data["cpu_usage_pct"] > 10, data
    finally:
        client.post(f"/api/jobs/local/{job['id']}/cancel")
