"""Jobs over HTTP: lifecycle, the job object, cancel, timeout, secrets, list, duplicate, labels."""

from __future__ import annotations

import re
import time
from pathlib import Path

from tests.emulator.conftest import Client, py

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def test_a_job_runs_to_completed_with_the_hub_job_shape(client: Client):
    job = client.run(
        py("print('hello')"), labels={"name": "greet", "team": "ml"}, timeoutSeconds=60
    )
    assert re.fullmatch(r"[0-9a-f]{24}", job["id"])
    assert (
        job["status"] == {"stage": "SCHEDULING", "message": "Waiting for hardware"}
        or job["status"]["stage"]
    )
    done = client.wait(job["id"])
    assert done["status"] == {"stage": "COMPLETED", "message": None}  # as on the Hub
    for key in ("createdAt", "startedAt", "finishedAt", "updatedAt"):
        assert ISO.match(done[key]), done[key]
    assert done["command"] == py("print('hello')") and done["arguments"] == []
    assert done["labels"] == {"name": "greet", "team": "ml"} and done["timeoutSeconds"] == 60
    assert done["owner"]["name"] == "local" and done["initiator"]["type"] == "user"
    assert set(done["durations"]) == {"schedulingSecs", "runningSecs", "totalSecs"}
    assert "secrets" not in done
    assert client.lines(job["id"]) == ["hello"]


def test_a_failing_command_ends_in_error_with_its_exit_code(client: Client):
    job = client.run(py("import sys; print('bye'); sys.exit(3)"))
    done = client.wait(job["id"])
    assert done["status"]["stage"] == "ERROR"
    assert done["status"]["message"] == "Process exited with code 3"
    assert client.lines(job["id"]) == ["bye"]


def test_an_unknown_command_ends_in_error_saying_so(client: Client):
    done = client.wait(client.run(["no-such-command-hfjobs", "x"])["id"])
    assert done["status"]["stage"] == "ERROR"
    assert "Command not found: 'no-such-command-hfjobs'" in done["status"]["message"]


def test_the_status_message_is_null_while_running(client: Client):
    job = client.run(py("import time; print('up'); time.sleep(30)"))
    running = client.wait(job["id"], ("RUNNING",))
    assert running["status"] == {"stage": "RUNNING", "message": None}
    assert running["durations"]["runningSecs"] is not None and running["finishedAt"] is None
    assert (
        client.post(f"/api/jobs/local/{job['id']}/cancel").json()["status"]["stage"] == "CANCELED"
    )


def test_cancel_returns_the_canceled_job_and_cancelling_again_changes_nothing(client: Client):
    job = client.run(["sleep", "30"])
    client.wait(job["id"], ("RUNNING",))
    canceled = client.post(f"/api/jobs/local/{job['id']}/cancel")
    assert canceled.status_code == 200 and canceled.json()["status"]["stage"] == "CANCELED"
    again = client.post(f"/api/jobs/local/{job['id']}/cancel")
    assert again.status_code == 200 and again.json()["status"] == canceled.json()["status"]
    assert again.json()["finishedAt"] == canceled.json()["finishedAt"]


def test_cancel_while_scheduling_never_starts_the_command(client: Client, tmp_path):
    # A second emulator with a long scheduling delay, so the job is still SCHEDULING.
    from tests.emulator_harness import start_emulator

    with start_emulator(tmp_path / "slow", scheduling_delay=30) as slow:
        c = Client(slow)
        marker = tmp_path / "ran"
        job = c.run(py(f"open({str(marker)!r}, 'w')"))
        assert c.job(job["id"])["status"]["stage"] == "SCHEDULING"
        assert c.post(f"/api/jobs/local/{job['id']}/cancel").json()["status"]["stage"] == "CANCELED"
        assert c.lines(job["id"]) == []
        time.sleep(0.3)
        assert not marker.exists()
        assert c.job(job["id"])["startedAt"] is None


def test_cancel_kills_the_whole_process_group(client: Client):
    code = (
        "import subprocess, time, os; child = subprocess.Popen(['sleep', '60']);"
        "print(os.getpid(), child.pid); time.sleep(60)"
    )
    job = client.run(py(code))
    pids = [int(p) for p in client.read_lines(job["id"], 1)[0].split()]
    assert all(alive(p) for p in pids)
    start = time.monotonic()
    client.post(f"/api/jobs/local/{job['id']}/cancel")
    deadline = start + 10
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(p) for p in pids)
    assert time.monotonic() - start < 5  # SIGTERM was enough: no wait for the SIGKILL grace


def alive(pid: int) -> bool:
    """Alive and not a zombie (psutil: the same check on Linux and macOS)."""
    from hfjobs_cli.emulator.procs import alive as process_alive

    return process_alive(pid)


def test_timeout_ends_the_job_in_error_job_timeout(client: Client):
    start = time.monotonic()
    job = client.run(["sleep", "30"], timeoutSeconds=1)
    done = client.wait(job["id"], timeout=15)
    assert done["status"] == {"stage": "ERROR", "message": "Job timeout"}
    assert time.monotonic() - start < 10


def test_environment_secrets_and_job_id_reach_the_process(client: Client):
    code = "import os; print(os.environ['MODE'], os.environ['JOB_ID'], os.environ['TOKEN'] == 's3cr3t-value')"
    job = client.run(py(code), environment={"MODE": "fast"}, secrets={"TOKEN": "s3cr3t-value"})
    assert client.wait(job["id"])["status"]["stage"] == "COMPLETED"
    assert client.lines(job["id"]) == [f"fast {job['id']} True"]


def test_secret_values_never_leave_the_server(client: Client, emu):
    job = client.run(py("print('done')"), secrets={"HF_TOKEN": "hf_supersecretvalue"})
    assert job["secrets"] == ["HF_TOKEN"]
    client.wait(job["id"])
    for response in (
        client.get(f"/api/jobs/local/{job['id']}"),
        client.get("/api/jobs/local"),
        client.get(f"/api/jobs/local/{job['id']}/logs"),
    ):
        assert "hf_supersecretvalue" not in response.text
    log = (emu.data_dir / "logs" / f"{job['id']}.log").read_text()
    assert "done" in log and "hf_supersecretvalue" not in log
    assert "hf_supersecretvalue" not in (emu.data_dir / "serve.stderr").read_text()


def test_jobs_run_in_their_own_working_folder_outside_the_data_folder(client: Client, emu):
    code = "import os; open('out.txt', 'w').write('x'); print(os.getcwd() == os.environ['HOME'], os.getcwd())"
    job = client.run(py(code))
    client.wait(job["id"])
    same, cwd = client.lines(job["id"])[0].split()
    assert same == "True" and Path(cwd).name == job["id"]
    data = emu.data_dir.resolve()
    assert data not in Path(cwd).resolve().parents  # `../token` does not lead to the token
    assert not Path(cwd).exists()  # like a container's filesystem, gone with the job


def test_stdout_and_stderr_lines_are_logged_with_carriage_returns_kept(client: Client):
    code = (
        "import sys; print('out'); print('err', file=sys.stderr); sys.stdout.write('a\\rb\\nlast')"
    )
    job = client.run(py(code))
    client.wait(job["id"])
    lines = client.lines(job["id"])
    assert sorted(lines) == sorted(["out", "err", "a\rb", "last"])


def test_a_space_job_runs_its_command_as_a_process(client: Client):
    job = client.run(py("print('space')"), spaceId="local/duckdb")
    done = client.wait(job["id"])
    assert done["spaceId"] == "local/duckdb" and done["dockerImage"] is None
    assert done["status"] == {"stage": "COMPLETED", "message": None}


def test_flavors_are_recorded(client: Client):
    job = client.run(["true"], flavor="a100-large")
    assert client.wait(job["id"])["flavor"] == "a100-large"


def test_list_filters_by_stage_and_label_newest_first(client: Client):
    tag = f"t{time.time_ns()}"
    a = client.run(["true"], labels={"suite": tag, "kind": "a"})
    b = client.run(["false"], labels={"suite": tag, "kind": "b"})
    c = client.run(["sleep", "30"], labels={"suite": tag, "kind": "a"})
    client.wait(a["id"]), client.wait(b["id"]), client.wait(c["id"], ("RUNNING",))

    def ids(response):
        return [j["id"] for j in response.json()]

    assert ids(client.get("/api/jobs/local", params={"label": f"suite={tag}"})) == [
        c["id"],
        b["id"],
        a["id"],
    ]
    both = client.get("/api/jobs/local", params=[("label", f"suite={tag}"), ("label", "kind=a")])
    assert ids(both) == [c["id"], a["id"]]
    running = client.get(
        "/api/jobs/local", params=[("label", f"suite={tag}"), ("stage", "RUNNING")]
    )
    assert ids(running) == [c["id"]]
    ended = client.get(
        "/api/jobs/local",
        params=[("label", f"suite={tag}"), ("stage", "ERROR"), ("stage", "COMPLETED")],
    )
    assert ids(ended) == [b["id"], a["id"]]
    assert client.get("/api/jobs/local", params={"label": "novalue"}).status_code == 400
    client.post(f"/api/jobs/local/{c['id']}/cancel")


def test_list_paginates_with_a_link_header(client: Client):
    tag = f"p{time.time_ns()}"
    made = [client.run(["true"], labels={"page": tag})["id"] for _ in range(5)]
    seen, url, pages = [], None, 0
    response = client.get("/api/jobs/local", params={"label": f"page={tag}", "limit": 2})
    while True:
        pages += 1
        seen += [j["id"] for j in response.json()]
        url = response.links.get("next", {}).get("url")
        if not url:
            break
        assert url.startswith(client.url) and f"page%3D{tag}" in url and "limit=2" in url
        response = client.session.get(url, timeout=10)
    assert seen == made[::-1] and pages == 3
    assert client.get("/api/jobs/local", params={"limit": 0}).status_code == 400
    assert client.get("/api/jobs/local", params={"limit": 1001}).status_code == 400


def test_duplicate_runs_the_same_spec_with_the_stored_secrets(client: Client):
    job = client.run(
        py("import os; print(os.environ['S'])"), secrets={"S": "kept"}, labels={"name": "dup"}
    )
    client.wait(job["id"])
    response = client.post(f"/api/jobs/local/{job['id']}/duplicate")
    assert response.status_code == 200
    copy = response.json()
    assert (
        copy["id"] != job["id"]
        and copy["command"] == job["command"]
        and copy["labels"] == job["labels"]
    )
    assert copy["initiator"] == {"type": "duplicated-job", "id": job["id"]}
    assert client.wait(copy["id"])["status"]["stage"] == "COMPLETED"
    assert client.lines(copy["id"]) == ["kept"]


def test_labels_put_replaces_all_labels(client: Client):
    job = client.run(["true"], labels={"a": "1", "b": "2"})
    assert client.put(f"/api/jobs/local/{job['id']}/labels", json={"labels": {"c": "3"}}).json()[
        "labels"
    ] == {"c": "3"}
    assert (
        client.put(f"/api/jobs/local/{job['id']}/labels", json={"labels": {}}).json()["labels"]
        == {}
    )
    assert (
        client.put(f"/api/jobs/local/{job['id']}/labels", json={"labels": {"x y": "1"}}).status_code
        == 400
    )
    assert client.put(f"/api/jobs/local/{job['id']}/labels", json={}).status_code == 400


def test_expose_put_replaces_the_ports(client: Client):
    job = client.run(["sleep", "30"])
    updated = client.put(
        f"/api/jobs/local/{job['id']}/expose", json={"ports": [8000, 9000], "portsPublic": [9000]}
    )
    assert updated.json()["expose"] == {"ports": [8000, 9000], "portsPublic": [9000]}
    assert len(updated.json()["status"]["exposeUrls"]) == 2
    bad = client.put(f"/api/jobs/local/{job['id']}/expose", json={"ports": [], "portsPublic": [1]})
    assert bad.status_code == 400
    client.post(f"/api/jobs/local/{job['id']}/cancel")
