"""`control`: serve, start_background (detached, idempotent, locked), status and stop."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from hfjobs_cli.emulator import control
from hfjobs_cli.emulator.control import EmulatorInfo, default_data_dir, is_loopback
from tests.emulator_harness import REPO_ROOT, emulator_env, start_emulator

START = (
    "import sys; from hfjobs_cli.emulator.control import start_background;"
    "i = start_background(sys.argv[1], runtime='process'); print(i.pid, i.already_running, i.url)"
)


@pytest.fixture
def data(tmp_path):
    folder = tmp_path / "bg"
    yield folder
    info = control.stop(folder, timeout=5)
    if info is not None and control._alive(info.pid):
        os.kill(info.pid, signal.SIGKILL)


def start_in_subprocess(folder) -> tuple[int, bool, str]:
    """Call start_background from another process that captures its output (as a script would)."""
    result = subprocess.run(
        [sys.executable, "-c", START, str(folder)],
        capture_output=True,
        text=True,
        timeout=30,
        env=emulator_env(),
        cwd=REPO_ROOT,
    )
    assert result.returncode == 0, result.stderr
    pid, already, url = result.stdout.split()
    return int(pid), already == "True", url


def test_start_status_stop(data):
    info = control.start_background(data, runtime="process")
    assert isinstance(info, EmulatorInfo) and info.already_running is False
    assert info.data_dir == data.resolve() and info.token == (data / "token").read_text().strip()
    me = requests.get(
        f"{info.url}/api/whoami-v2", headers={"authorization": f"Bearer {info.token}"}, timeout=10
    )
    assert me.json()["name"] == "local"
    found = control.status(data)
    assert found is not None and (found.url, found.pid, found.jobs_running) == (
        info.url,
        info.pid,
        0,
    )
    again = control.start_background(data, runtime="process")
    assert again.already_running is True and again.pid == info.pid
    stopped = control.stop(data)
    assert stopped is not None and stopped.pid == info.pid
    assert not control._alive(info.pid)
    assert control.status(data) is None and control.stop(data) is None
    assert not (data / "emulator.json").exists()


def test_status_counts_running_jobs(data):
    info = control.start_background(data, runtime="process")
    headers = {"authorization": f"Bearer {info.token}"}
    body = {"dockerImage": "python:3.12", "command": ["sleep", "30"], "flavor": "cpu-basic"}
    job = requests.post(f"{info.url}/api/jobs/local", json=body, headers=headers, timeout=10).json()
    deadline = time.monotonic() + 10
    while control.status(data).jobs_running != 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert control.status(data).jobs_running == 1
    requests.post(f"{info.url}/api/jobs/local/{job['id']}/cancel", headers=headers, timeout=10)


def test_a_caller_capturing_output_does_not_hang(data):
    started = time.monotonic()
    pid, already, url = start_in_subprocess(data)
    assert time.monotonic() - started < 15 and not already
    assert control._alive(pid)  # it outlived the process that started it
    assert os.getsid(pid) == pid  # in a session of its own
    assert control.status(data).pid == pid


def test_concurrent_starts_start_one_emulator(data):
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda _: start_in_subprocess(data), range(3)))
    assert len({pid for pid, _, _ in results}) == 1
    assert sorted(already for _, already, _ in results) == [False, True, True]


def test_a_stale_state_file_is_cleaned(tmp_path):
    folder = tmp_path / "stale"
    folder.mkdir()
    (folder / "emulator.json").write_text(
        json.dumps({"url": "http://127.0.0.1:9", "pid": 2**22 + 7})
    )
    assert control.status(folder) is None
    assert not (folder / "emulator.json").exists()


def test_status_ignores_a_live_pid_that_is_not_the_emulator(tmp_path):
    folder = tmp_path / "other"
    folder.mkdir()
    (folder / "emulator.json").write_text(
        json.dumps({"url": "http://127.0.0.1:9", "pid": os.getpid()})
    )
    assert control.status(folder) is None


def test_serve_refuses_a_remote_address_unless_allowed():
    with pytest.raises(ValueError, match="loopback"):
        control.serve(host="0.0.0.0")
    assert all(map(is_loopback, ["127.0.0.1", "127.5.6.7", "::1", "[::1]", "localhost"]))
    assert not any(map(is_loopback, ["0.0.0.0", "192.168.1.10", "example.com", "::"]))


def test_naming_a_remote_host_explicitly_warns(tmp_path):
    with start_emulator(tmp_path / "d", extra_args=("--host", "0.0.0.0")) as emu:
        port = emu.url.rsplit(":", 1)[1]
        assert (
            requests.get(f"http://127.0.0.1:{port}/api/jobs/hardware", timeout=10).status_code
            == 200
        )
    assert "warning: listening on 0.0.0.0" in (tmp_path / "d" / "serve.stderr").read_text()


def test_ipv6_loopback(tmp_path):
    with start_emulator(tmp_path / "d", extra_args=("--host", "::1")) as emu:
        assert emu.url.startswith("http://[::1]:")
        assert requests.get(f"{emu.url}/api/jobs/hardware", timeout=10).status_code == 200


def test_serve_prints_the_two_export_lines_first(tmp_path):
    with start_emulator(tmp_path / "d") as emu:
        assert emu.url.startswith("http://127.0.0.1:") and emu.token.startswith("hf_emu_")


def test_default_data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("HFJOBS_DATA_DIR", str(tmp_path / "custom"))
    assert default_data_dir() == tmp_path / "custom"
    monkeypatch.delenv("HFJOBS_DATA_DIR")
    import platformdirs

    assert default_data_dir() == Path(platformdirs.user_data_dir("hfjobs")) / "emulator"


def test_main_start_status_stop(tmp_path):
    folder = tmp_path / "cli"
    env = emulator_env()

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "hfjobs_cli.emulator", *args, "--data-dir", str(folder)],
            capture_output=True,
            text=True,
            timeout=30,
            env=env,
            cwd=REPO_ROOT,
        )

    try:
        started = run("start", "--runtime", "process")
        assert started.returncode == 0 and started.stdout.startswith(
            "export HF_ENDPOINT=http://127.0.0.1:"
        )
        assert "running" in run("status").stdout
        assert "stopped" in run("stop").stdout
        assert run("status").returncode == 1
    finally:
        control.stop(folder, timeout=5)


def test_a_second_emulator_refuses_a_data_folder_already_served(tmp_path):
    data = tmp_path / "d"
    with start_emulator(data) as first:
        headers = first.headers
        body = {"dockerImage": "python:3.12", "command": ["sleep", "30"], "flavor": "cpu-basic"}
        job = requests.post(
            f"{first.url}/api/jobs/local", json=body, headers=headers, timeout=10
        ).json()
        second = subprocess.run(
            [sys.executable, "-m", "hfjobs_cli.emulator", "serve", "--data-dir", str(data)],
            capture_output=True,
            text=True,
            timeout=30,
            env=emulator_env(),
            cwd=REPO_ROOT,
        )
        assert second.returncode != 0 and "already serving" in second.stderr
        assert first.url in second.stderr and second.stdout == ""
        still = requests.get(f"{first.url}/api/jobs/local/{job['id']}", headers=headers, timeout=10)
        assert still.json()["status"]["stage"] in ("SCHEDULING", "RUNNING")  # untouched


def test_the_cli_on_windows_says_in_one_line_what_the_emulator_needs(cli, monkeypatch):
    monkeypatch.setattr(sys, "platform", "win32")
    line = "The local emulator needs Linux, macOS or WSL: it does not run on native Windows"
    for args in (["emulator", "status"], ["emulator", "start"], ["--local", "ps"]):
        result = cli(*args)
        assert result.exit_code == 1, (args, result.output)
        assert result.stdout == "" and result.stderr == f"Error: {line}\n", args


def test_data_apart_from_config_where_the_platform_puts_them_together(monkeypatch, tmp_path):
    """macOS: user_data_dir and user_config_dir are both ~/Library/Application Support/hfjobs."""
    import platformdirs

    monkeypatch.delenv("HFJOBS_DATA_DIR")
    support = tmp_path / "Library" / "Application Support"
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda name, *a, **k: str(support / name))
    monkeypatch.setattr(platformdirs, "user_config_dir", lambda name, *a, **k: str(support / name))
    assert default_data_dir() == support / "hfjobs-emulator"
    legacy = support / "hfjobs" / "emulator"
    legacy.mkdir(parents=True)
    (legacy / "emulator.db").write_bytes(b"")
    assert default_data_dir() == legacy  # the jobs an older version kept are not lost
    # Linux: two folders, and the data stays where it always was
    monkeypatch.setattr(platformdirs, "user_config_dir", lambda name, *a, **k: str(tmp_path / "c"))
    assert default_data_dir() == support / "hfjobs" / "emulator"


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_address_stays_the_same_across_restarts(data, monkeypatch, cli):
    port = free_port()
    monkeypatch.setenv("HFJOBS_EMULATOR_PORT", str(port))
    first = control.start_background(data, runtime="process")
    assert first.url == f"http://127.0.0.1:{port}" and first.moved_from is None
    exported = cli("emulator", "env", "--data-dir", str(data)).stdout
    control.stop(data)
    monkeypatch.delenv("HFJOBS_EMULATOR_PORT")  # the data folder remembers its port
    second = control.start_background(data, runtime="process")
    assert second.url == first.url and second.pid != first.pid
    assert cli("emulator", "env", "--data-dir", str(data)).stdout == exported
    me = requests.get(
        f"{first.url}/api/whoami-v2", headers={"authorization": f"Bearer {first.token}"}, timeout=10
    )
    assert me.status_code == 200  # what `eval "$(hfjobs emulator env)"` set earlier still works


def test_a_taken_port_is_said_and_the_port_taken_instead_is_kept(data, monkeypatch, cli):
    import socket

    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        monkeypatch.setenv("HFJOBS_EMULATOR_PORT", str(taken))
        started = cli("emulator", "start", "--data-dir", str(data), "--runtime", "process")
        assert started.exit_code == 0, started.stderr
        info = control.status(data)
        assert info.moved_from == taken and not info.url.endswith(f":{taken}")
        assert (
            f"Warning: Port {taken} is in use: the emulator listens on {info.url} instead, and "
            "keeps that address across restarts" in started.stderr
        )
        assert cli("emulator", "stop", "--data-dir", str(data)).exit_code == 0
        monkeypatch.delenv("HFJOBS_EMULATOR_PORT")
        again = control.start_background(data, runtime="process")
        assert again.url == info.url and again.moved_from is None
        control.stop(data)
        # A port asked for with --port is not moved: it is an error, said in one line
        refused = cli("emulator", "start", "--data-dir", str(data), "--port", str(taken))
        assert refused.exit_code == 1
        assert refused.stderr.startswith("Error: Cannot start the emulator: the emulator did not")
        assert "Address already in use" in refused.stderr
        assert control.status(data) is None


def test_start_port_is_kept_for_the_next_starts(data, cli):
    port = free_port()
    started = cli(
        "emulator", "start", "--data-dir", str(data), "--port", str(port), "--runtime", "process"
    )
    assert started.exit_code == 0, started.stderr
    assert f"Emulator started at http://127.0.0.1:{port}" in started.stdout + started.stderr
    control.stop(data)
    assert control.start_background(data, runtime="process").url == f"http://127.0.0.1:{port}"


def test_a_bad_emulator_port_variable_is_a_usage_error(data, monkeypatch, cli):
    for bad in ("abc", "0", "70000", "-1"):
        monkeypatch.setenv("HFJOBS_EMULATOR_PORT", bad)
        result = cli("emulator", "start", "--data-dir", str(data))
        assert result.exit_code == 2
        assert result.stderr.startswith("Error: HFJOBS_EMULATOR_PORT must be a port number")
    assert control.status(data) is None
