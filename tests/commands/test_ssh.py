"""`hfjobs ssh` at the HTTP boundary, the hand-over to ssh replaced by a recorder."""

import subprocess

import pytest

from tests.commands.helpers import JOB_ID, JOBS
from tests.payloads import ENDPOINT, make_job

pytestmark = pytest.mark.usefixtures("no_sleeping")

# -- ssh --------------------------------------------------------------------------------------

SSH_URL = f"ssh://{JOB_ID}@ssh.hf.jobs"


def ssh_job(stage="RUNNING", ssh_url=SSH_URL, **kw):
    status = {"stage": stage, "message": None}
    if ssh_url:
        status["sshUrl"] = ssh_url
    return make_job(id=JOB_ID, status=status, ssh={"enabled": bool(ssh_url)}, **kw)


@pytest.fixture
def fake_ssh(monkeypatch):
    """`ssh` on PATH, and exec recorded instead of replacing the test process."""
    calls = []
    monkeypatch.setattr("shutil.which", lambda name: "/usr/bin/ssh" if name == "ssh" else None)

    def execvp(program, argv):
        calls.append((program, argv))
        raise SystemExit(0)

    monkeypatch.setattr("os.execvp", execvp)
    return calls


def test_ssh_waits_for_the_job_to_run_then_hands_over(cli, api, logged_in, fake_ssh, no_sleeping):
    api.get(f"{JOBS}/{JOB_ID}", json=ssh_job("SCHEDULING"))
    api.get(f"{JOBS}/{JOB_ID}", json=ssh_job("RUNNING"))
    result = cli("ssh", f"alice/{JOB_ID}")
    assert result.exit_code == 0, result.stderr
    assert fake_ssh == [("/usr/bin/ssh", ["ssh", f"{JOB_ID}@ssh.hf.jobs"])]
    assert no_sleeping == [2.0]
    assert f"Running: ssh {JOB_ID}@ssh.hf.jobs" in result.stderr


def test_ssh_dry_run_prints_the_command_with_port_and_key(
    cli, api, logged_in, tmp_path, monkeypatch
):
    monkeypatch.setattr("shutil.which", lambda name: None)  # not needed for a dry run
    key = tmp_path / "id_ed25519"
    key.write_text("key")
    api.get(f"{JOBS}/{JOB_ID}", json=ssh_job(ssh_url="ssh://user1@jobs.example:2222"))
    result = cli("ssh", "--dry-run", "-i", str(key), f"alice/{JOB_ID}")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"ssh -i {key} -p 2222 user1@jobs.example\n"


def test_ssh_returns_the_exit_code_of_ssh_when_exec_is_not_possible(
    cli, api, logged_in, monkeypatch
):
    monkeypatch.setattr("shutil.which", lambda name: "/usr/bin/ssh")

    def execvp(program, argv):
        raise OSError(8, "Exec format error")

    monkeypatch.setattr("os.execvp", execvp)
    ran = []
    monkeypatch.setattr(
        "subprocess.run", lambda argv: ran.append(argv) or subprocess.CompletedProcess(argv, 255)
    )
    api.get(f"{JOBS}/{JOB_ID}", json=ssh_job())
    result = cli("ssh", f"alice/{JOB_ID}")
    assert result.exit_code == 255
    assert ran == [["/usr/bin/ssh", f"{JOB_ID}@ssh.hf.jobs"]]


def test_ssh_to_a_job_without_ssh_is_a_one_line_error(cli, api, logged_in, fake_ssh):
    api.get(f"{JOBS}/{JOB_ID}", json=ssh_job(ssh_url=None))
    result = cli("ssh", f"alice/{JOB_ID}")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"Error: SSH is not enabled for job alice/{JOB_ID}"
    assert "hfjobs run --ssh" in result.stderr
    assert fake_ssh == []


def test_ssh_to_an_emulator_job_started_with_ssh_says_the_emulator_has_no_ssh_server(
    cli, api, logged_in, fake_ssh
):
    job = make_job(id=JOB_ID, status={"stage": "RUNNING", "message": None}, ssh={"enabled": True})
    for args in ([], ["--dry-run"]):
        api.get(f"{JOBS}/{JOB_ID}", json=job)
        api.get(f"{ENDPOINT}/api/emulator/health", json={"status": "ok", "runtime": "process"})
        result = cli("ssh", *args, f"alice/{JOB_ID}")
        assert result.exit_code == 1 and result.stdout == ""
        assert result.stderr.splitlines() == [
            f"Error: Job alice/{JOB_ID} was started with --ssh, but the local emulator has no SSH "
            "server: there is nothing to connect to",
            f"Hint: Follow its log with hfjobs logs -f alice/{JOB_ID}; run the job on Hugging "
            "Face to use SSH",
        ]
    assert fake_ssh == []


def test_ssh_dry_run_of_a_job_still_starting_says_it_has_no_address_yet(cli, api, logged_in):
    job = make_job(
        id=JOB_ID, status={"stage": "SCHEDULING", "message": None}, ssh={"enabled": True}
    )
    api.get(f"{JOBS}/{JOB_ID}", json=job)
    api.get(f"{ENDPOINT}/api/emulator/health", status=404, json={"error": "Not found"})
    result = cli("ssh", "--dry-run", f"alice/{JOB_ID}")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.splitlines()[0] == (
        f"Error: Job alice/{JOB_ID} has no SSH address yet (SCHEDULING): the server gives it "
        "once the job runs"
    )
    assert f"hfjobs ssh alice/{JOB_ID}" in result.stderr


def test_ssh_to_a_finished_job_is_an_error(cli, api, logged_in, fake_ssh):
    api.get(f"{JOBS}/{JOB_ID}", json=ssh_job("COMPLETED"))
    result = cli("ssh", f"alice/{JOB_ID}")
    assert result.exit_code == 1
    assert f"Error: Job alice/{JOB_ID} has finished (COMPLETED)" in result.stderr
    assert fake_ssh == []


def test_ssh_to_a_job_that_fails_while_starting(cli, api, logged_in, fake_ssh):
    api.get(f"{JOBS}/{JOB_ID}", json=ssh_job("SCHEDULING"))
    api.get(f"{JOBS}/{JOB_ID}", json=ssh_job("ERROR"))
    result = cli("ssh", f"alice/{JOB_ID}")
    assert result.exit_code == 1
    assert "ended before it ran (ERROR)" in result.stderr
    assert fake_ssh == []


def test_ssh_without_an_ssh_client_says_so_and_sends_nothing(cli, api, logged_in, monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    result = cli("ssh", f"alice/{JOB_ID}")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ssh is not installed")
    assert len(api.calls) == 0


def test_ssh_with_a_missing_key_file_is_a_usage_error(cli, api, logged_in, fake_ssh, tmp_path):
    result = cli("ssh", "-i", str(tmp_path / "nope"), f"alice/{JOB_ID}")
    assert result.exit_code == 2
    assert "no such file" in result.stderr
    assert len(api.calls) == 0
