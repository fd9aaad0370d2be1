"""The job lifecycle with the installed `hfjobs` against the emulator."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from tests.e2e.conftest import HFJOBS, wait_for_stage
from tests.emulator_harness import start_emulator

PY = "python:3.12"


def test_attached_run_completed_exits_0(hfjobs):
    result = hfjobs("run", PY, "python", "-c", "print('hello from a job'); print('second')")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "hello from a job\nsecond\n"
    assert "completed" in result.stderr


def test_attached_run_error_exits_1_with_the_message(hfjobs):
    result = hfjobs("run", PY, "python", "-c", "import sys; print('failing'); sys.exit(3)")
    assert result.returncode == 1
    assert result.stdout == "failing\n"
    assert "ERROR" in result.stderr and "code 3" in result.stderr


def test_attached_run_cancelled_exits_3(hfjobs):
    proc = hfjobs.popen(
        "run", PY, "python", "-c", "import time; print('up', flush=True); time.sleep(60)"
    )
    try:
        assert proc.stdout.readline() == "up\n"
        job_id = hfjobs("ps", "-q").stdout.split()[0]
        cancel = hfjobs("cancel", job_id)
        assert cancel.returncode == 0 and f"✓ Job {job_id} cancelled" in cancel.stdout
        assert proc.wait(30) == 3
    finally:
        proc.kill()


def test_detached_run_then_ps_inspect_logs_and_follow(hfjobs):
    job_id = hfjobs("run", "-d", "-q", "--name", "e2e-demo", "-l", "suite=e2e", PY,
                    "python", "-c", "import time\nfor i in range(3):\n print('tick', i, flush=True); time.sleep(0.3)").stdout.strip()  # fmt: skip
    assert len(job_id) == 24
    ps = hfjobs("ps", "-a", "--json", "-l", "suite=e2e").json()
    assert [j["id"] for j in ps] == [job_id]
    assert ps[0]["labels"]["name"] == "e2e-demo"
    follow = hfjobs("logs", "-f", job_id)
    assert follow.returncode == 0
    assert follow.stdout == "tick 0\ntick 1\ntick 2\n"
    assert hfjobs("logs", job_id).stdout == "tick 0\ntick 1\ntick 2\n"
    assert hfjobs("logs", "-n", "1", job_id).stdout == "tick 2\n"
    stamped = hfjobs("logs", "-t", f"local/{job_id}").stdout.splitlines()
    assert stamped[0].endswith("Z tick 0") and stamped[0][:4].isdigit()
    table = hfjobs("ps", "-a", "--name", "e2e-demo").stdout.splitlines()
    assert table[0].startswith("ID\tNAME") and table[1].split("\t")[:3] == [job_id, "e2e-demo", PY]
    panel = hfjobs("inspect", job_id)
    assert "COMPLETED" in panel.stdout and "e2e-demo" in panel.stdout


def test_timeout_ends_the_job_in_error(hfjobs):
    result = hfjobs("run", "--timeout", "1", PY, "python", "-c", "import time; time.sleep(30)")
    assert result.returncode == 1
    assert "timeout" in result.stderr.lower()


def test_secrets_reach_the_job_but_never_the_api_or_the_logs(hfjobs, emulator):
    value = "s3cr3t-value-e2e"
    result = hfjobs("run", "-s", "MY_SECRET", "-e", "MODE=plain", PY, "python", "-c",
                    "import os; print('len', len(os.environ['MY_SECRET']), os.environ['MODE'])",
                    extra_env={"MY_SECRET": value})  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"len {len(value)} plain\n"
    listing = hfjobs("ps", "-a", "--json").stdout
    assert value not in listing and "MY_SECRET" in listing
    # The job database must keep secrets to run the job (like the Hub, server side); logs never.
    for root, _dirs, files in os.walk(emulator.data_dir):
        for name in files:
            if name.startswith("emulator.db"):
                continue
            with open(os.path.join(root, name), "rb") as handle:
                assert value.encode() not in handle.read(), name


def test_unknown_ids_and_flavors(hfjobs):
    missing = hfjobs("inspect", "0" * 24)
    assert missing.returncode == 5
    bad = hfjobs("run", "-d", "--flavor", "gpu-huge", PY, "true")
    assert bad.returncode == 2 and "gpu-huge" in bad.stderr
    other = hfjobs("ps", "--namespace", "someone-else")
    assert other.returncode == 4


def test_ctrl_c_detaches_with_130_and_the_job_keeps_running(hfjobs):
    proc = subprocess.Popen(
        [HFJOBS, "run", PY, "python", "-c", "import time; print('up', flush=True); time.sleep(60)"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=hfjobs.env(), preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    try:
        assert proc.stdout.readline() == "up\n"
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=20)
        assert proc.returncode == 130
        assert "Traceback" not in err
        assert "hfjobs logs -f local/" in err and "hfjobs cancel local/" in err
        job_id = err.split("hfjobs cancel local/")[1].split()[0]
        assert wait_for_stage(hfjobs, job_id, ("RUNNING",))["status"]["stage"] == "RUNNING"
        assert hfjobs("cancel", job_id).returncode == 0
    finally:
        proc.kill()


def test_jobs_and_logs_survive_a_restart(tmp_path):
    data = tmp_path / "emu"
    env = dict(os.environ, HFJOBS_CONFIG_DIR=str(tmp_path / "cfg"))

    def run(emu, *args):
        proc = subprocess.run([HFJOBS, *args], capture_output=True, text=True, timeout=60,
                              env={**env, **emu.env()}, stdin=subprocess.DEVNULL)  # fmt: skip
        return proc

    with start_emulator(data) as emu:
        done = run(emu, "run", "-q", PY, "python", "-c", "print('kept')").stdout.split()[0]
        running = run(
            emu, "run", "-d", "-q", PY, "python", "-c", "import time; time.sleep(60)"
        ).stdout.strip()
        deadline = time.monotonic() + 20
        while (
            json.loads(run(emu, "inspect", "--json", running).stdout)[0]["status"]["stage"]
            != "RUNNING"
        ):
            assert time.monotonic() < deadline
            time.sleep(0.2)
        emu.kill()  # a crash, not a clean stop
    with start_emulator(data) as emu:
        assert run(emu, "logs", done).stdout == "kept\n"
        after = json.loads(run(emu, "inspect", "--json", running).stdout)[0]
        assert after["status"]["stage"] == "ERROR"
        assert "emulator stopped" in after["status"]["message"].lower()


def test_local_flag_starts_an_emulator_in_the_background(tmp_path):
    """The README's first example, with nothing but the package installed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HFJOBS_"))}
    env.update(HFJOBS_DATA_DIR=str(tmp_path / "data"), HFJOBS_CONFIG_DIR=str(tmp_path / "cfg"))
    # Where podman answers (CI), `auto` would run python:3.12 in it, and no registry is reachable.
    env["HFJOBS_EMULATOR_RUNTIME"] = "process"
    try:
        # capture_output: a background emulator holding our pipes would hang this call
        result = subprocess.run([HFJOBS, "--local", "run", PY, "python", "-c", "print('hello from a job')"],
                                capture_output=True, text=True, timeout=60, env=env, stdin=subprocess.DEVNULL)  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert result.stdout == "hello from a job\n"
        assert "Started the local emulator at http://127.0.0.1:" in result.stderr
        assert "(process runtime)" in result.stderr  # it says which runtime it took
        status = subprocess.run(
            [HFJOBS, "emulator", "status", "--json"],
            capture_output=True,
            text=True,
            env=env,
            timeout=30,
        )
        info = json.loads(status.stdout)
        assert info["running"] is True and info["url"].startswith("http://127.0.0.1:")
        assert info["runtime"] == "process"
        exports = subprocess.run(
            [HFJOBS, "emulator", "env"], capture_output=True, text=True, env=env, timeout=30
        ).stdout
        assert exports.splitlines()[0] == f"export HF_ENDPOINT={info['url']}"
        again = subprocess.run(
            [HFJOBS, "--local", "ps", "-a", "-q"],
            capture_output=True,
            text=True,
            env=env,
            timeout=30,
        )
        assert len(again.stdout.split()) == 1 and "Started the local emulator" not in again.stderr
    finally:
        subprocess.run([HFJOBS, "emulator", "stop"], capture_output=True, env=env, timeout=30)
    gone = subprocess.run(
        [HFJOBS, "emulator", "status", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
    )
    assert gone.returncode == 1 and json.loads(gone.stdout)["running"] is False


def test_python_dash_m_works(hfjobs):
    result = subprocess.run(
        [sys.executable, "-m", "hfjobs_cli", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0 and result.stdout.startswith("hfjobs ")


def test_emulator_serve_prints_its_exports_and_stops_on_sigterm(tmp_path):
    import urllib.request

    proc = subprocess.Popen(
        [HFJOBS, "emulator", "serve", "--port", "0", "--data-dir", str(tmp_path / "d"), "--runtime", "process"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "HFJOBS_CONFIG_DIR": str(tmp_path / "cfg")},
    )  # fmt: skip
    try:
        first, second = proc.stdout.readline(), proc.stdout.readline()
        assert first.startswith("export HF_ENDPOINT=http://127.0.0.1:")
        assert second.startswith("export HF_TOKEN=hf_emu_")
        url = first.strip().split("=", 1)[1]
        with urllib.request.urlopen(f"{url}/api/emulator/health", timeout=10) as answer:
            assert json.loads(answer.read())["status"] == "ok"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0
    finally:
        proc.kill()
