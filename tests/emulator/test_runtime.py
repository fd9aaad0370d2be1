"""Runtime unit tests, in-process: the job runner with the process runtime, the container argv."""

from __future__ import annotations

import json
import os
import signal
import sys
import time

import pytest

from hfjobs_cli.emulator import jobs as jobs_module
from hfjobs_cli.emulator.containers import ContainerRuntime, space_image
from hfjobs_cli.emulator.jobs import JobManager
from hfjobs_cli.emulator.logstore import LogHub, stream
from hfjobs_cli.emulator.runtime import ProcessRuntime, exit_message, select_runtime
from hfjobs_cli.emulator.store import TERMINAL_STAGES, Store
from hfjobs_cli.emulator.util import private_dir

SPEC = {
    "dockerImage": "python:3.12",
    "spaceId": None,
    "arguments": [],
    "environment": {},
    "flavor": "cpu-basic",
    "timeoutSeconds": None,
    "labels": {},
}


@pytest.fixture
def manager(tmp_path):
    store = Store(tmp_path / "db.sqlite")
    m = JobManager(
        store,
        LogHub(private_dir(tmp_path / "logs")),
        ProcessRuntime(),
        tmp_path,
        scheduling_delay=0,
    )
    yield m
    m.shutdown(timeout=10)
    store.close()


def run(manager: JobManager, command: list[str], secrets: dict | None = None, **spec) -> str:
    row = manager.create(
        "local", {**SPEC, "command": command, **spec}, secrets or {}, {"type": "user", "id": "u"}
    )
    return row["id"]


def wait(manager: JobManager, job_id: str, stages=TERMINAL_STAGES, timeout: float = 20) -> dict:
    deadline = time.monotonic() + timeout
    while (row := manager.store.get("jobs", job_id))["stage"] not in stages:
        assert time.monotonic() < deadline, row
        time.sleep(0.02)
    return row


def log_lines(manager: JobManager, job_id: str) -> list[str]:

    body = b"".join(stream(manager.logs.get(job_id), None, 1.0, manager.stopping)).decode()
    return [json.loads(b[6:])["data"] for b in body.split("\n\n") if b][1:]


def test_exit_codes_map_to_stages(manager):
    ok, bad = run(manager, ["true"]), run(manager, [sys.executable, "-c", "raise SystemExit(42)"])
    assert wait(manager, ok)["stage"] == "COMPLETED"
    row = wait(manager, bad)
    assert row["stage"] == "ERROR" and "exited with code 42" in row["message"]


def test_a_process_killed_by_a_signal_says_which(manager):
    row = wait(
        manager,
        run(
            manager,
            [sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"],
        ),
    )
    assert row["stage"] == "ERROR" and "killed by SIGKILL" in row["message"]
    assert exit_message(-15) == "Process was killed by SIGTERM (exit code 143)"
    assert exit_message(3) == "Process exited with code 3"


def test_the_command_runs_without_a_shell(manager):
    job = run(manager, ["echo", "$HOME", "*", ";", "ls"])
    wait(manager, job)
    assert log_lines(manager, job) == ["$HOME * ; ls"]


def test_environment_is_small_plus_env_secrets_and_job_id(manager, monkeypatch):
    monkeypatch.setenv("EMULATOR_PARENT_ONLY", "leak")
    code = "import os, json; print(json.dumps(dict(os.environ)))"
    job = run(manager, ["python", "-c", code], secrets={"SECRET": "v"}, environment={"PLAIN": "p"})
    assert (
        wait(manager, job)["stage"] == "COMPLETED"
    )  # `python` resolves even if only python3 exists

    env = json.loads(log_lines(manager, job)[0])
    assert env["PLAIN"] == "p" and env["SECRET"] == "v" and env["JOB_ID"] == job
    assert "EMULATOR_PARENT_ONLY" not in env
    assert env["HOME"] == str(manager.work / job)
    assert env["PATH"].split(os.pathsep)[0] == os.path.dirname(sys.executable)


def test_timeout_kills_the_process_group(manager):
    start = time.monotonic()
    row = wait(manager, run(manager, ["sleep", "30"], timeoutSeconds=1))
    assert row["stage"] == "ERROR" and row["message"] == "Job timeout"
    assert time.monotonic() - start < 5


def test_cancel_escalates_to_sigkill_when_sigterm_is_ignored(manager, monkeypatch):
    monkeypatch.setattr(jobs_module, "CANCEL_GRACE", 0.5)
    code = "import signal, time, os; signal.signal(signal.SIGTERM, signal.SIG_IGN); print(os.getpid(), flush=True); time.sleep(30)"
    job = run(manager, [sys.executable, "-c", code])
    wait(manager, job, ("RUNNING",))
    deadline = time.monotonic() + 10
    while not log_pid(manager, job) and time.monotonic() < deadline:
        time.sleep(0.02)
    pid = log_pid(manager, job)
    manager.cancel(job)
    assert manager.store.get("jobs", job)["stage"] == "CANCELED"
    deadline = time.monotonic() + 5
    while zombie_or_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not zombie_or_alive(pid)
    assert wait(manager, job)["stage"] == "CANCELED"  # the exit by SIGKILL did not overwrite it


def log_pid(manager, job_id) -> int | None:
    text = manager.logs.path(job_id).read_text()

    events = [json.loads(b[6:])["data"] for b in text.split("\n\n") if b]
    return int(events[1]) if len(events) > 1 else None


def test_leftover_children_die_with_the_main_process(manager, tmp_path):
    code = "import subprocess; p = subprocess.Popen(['sleep', '60']); print(p.pid, flush=True)"
    job = run(manager, [sys.executable, "-c", code])
    assert wait(manager, job)["stage"] == "COMPLETED"
    pid = int(log_lines(manager, job)[0])
    deadline = time.monotonic() + 5
    while zombie_or_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not zombie_or_alive(pid)


def zombie_or_alive(pid: int) -> bool:
    """Alive and not a zombie (psutil: the same check on Linux and macOS)."""
    from hfjobs_cli.emulator.procs import alive

    return alive(pid)


def test_shutdown_marks_running_jobs_error(tmp_path):
    store = Store(tmp_path / "db.sqlite")
    m = JobManager(
        store,
        LogHub(private_dir(tmp_path / "logs")),
        ProcessRuntime(),
        tmp_path,
        scheduling_delay=0,
    )
    job = run(m, ["sleep", "30"])
    wait(m, job, ("RUNNING",))
    start = time.monotonic()
    m.shutdown(timeout=10)
    row = store.get("jobs", job)
    assert (
        row["stage"] == "ERROR"
        and row["message"] == "The emulator stopped while this job was running"
    )
    assert time.monotonic() - start < 5
    store.close()


def test_container_run_args_keep_values_out_of_argv(tmp_path):
    spec = {
        **SPEC,
        "command": ["python", "-c", "print(1)"],
        "expose": {"ports": [8000], "portsPublic": []},
    }
    runtime = ContainerRuntime("docker", binary="/usr/bin/docker")
    cpus = str(min(2, os.cpu_count() or 2))
    args = runtime.run_args("0123456789abcdef01234567", spec, ["HF_TOKEN", "MODE"], tmp_path)
    assert args == [
        "--label",
        "hfjobs.job-id=0123456789abcdef01234567",
        "--cpus",
        cpus,
        "--memory",
        str(16 * 10**9),
        "-e",
        "HF_TOKEN",
        "-e",
        "MODE",
        "-p",
        "127.0.0.1:8000:8000",
        "python:3.12",
        "python",
        "-c",
        "print(1)",
    ]


def test_container_plan_passes_secrets_through_the_environment(tmp_path):
    runtime = ContainerRuntime("podman", binary="/usr/bin/podman")
    spec = {**SPEC, "command": ["env"], "environment": {"MODE": "x"}}
    plan = runtime.plan("ab" * 12, spec, {"HF_TOKEN": "hf_secret"}, tmp_path)
    assert "hf_secret" not in " ".join(plan.argv)
    assert plan.argv[:5] == [
        sys.executable,
        "-m",
        "hfjobs_cli.emulator.containers",
        "/usr/bin/podman",
        "hfjobs-" + "ab" * 12,
    ]
    assert (
        plan.env["HF_TOKEN"] == "hf_secret"
        and plan.env["MODE"] == "x"
        and plan.env["JOB_ID"] == "ab" * 12
    )
    assert ["-e", "HF_TOKEN"] == plan.argv[
        plan.argv.index("HF_TOKEN") - 1 : plan.argv.index("HF_TOKEN") + 1
    ]


def test_space_jobs_use_the_space_image_in_a_container(tmp_path):
    assert space_image("lhoestq/DuckDB_app") == "registry.hf.space/lhoestq-duckdb-app:latest"
    runtime = ContainerRuntime("docker", binary="/usr/bin/docker")
    args = runtime.run_args(
        "ab" * 12, {**SPEC, "dockerImage": None, "spaceId": "a/b", "command": ["x"]}, [], tmp_path
    )
    assert args[-2:] == ["registry.hf.space/a-b:latest", "x"]


def test_runtime_selection_prefers_docker_then_podman_then_process(monkeypatch):
    from hfjobs_cli.emulator import runtime

    answering: set[str] = set()
    monkeypatch.setattr(runtime.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(
        runtime, "engine_answers", lambda binary: binary.rsplit("/", 1)[1] in answering
    )
    assert isinstance(select_runtime("process"), ProcessRuntime)
    assert isinstance(select_runtime("auto"), ProcessRuntime)
    answering.add("podman")
    assert select_runtime("auto").name == "podman"
    answering.add("docker")
    assert select_runtime("auto").name == "docker"
    assert select_runtime("podman").name == "podman"
    with pytest.raises(ValueError):
        select_runtime("lxc")


def test_engine_answers_is_false_without_an_engine(tmp_path):
    from hfjobs_cli.emulator.containers import engine_answers

    fake = tmp_path / "docker"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    assert engine_answers(str(fake)) is False
    fake.write_text("#!/bin/sh\nexit 0\n")
    assert engine_answers(str(fake)) is True
    assert engine_answers(None) is False


def test_kill_group_ignores_dead_groups():
    from hfjobs_cli.emulator.runtime import kill_group

    assert kill_group(2**22 + 12345, signal.SIGTERM) is False
