"""Under --local, what the emulator cannot do for a job is said in one line before it starts."""

from __future__ import annotations

import pytest

from hfjobs_cli.commands import _emulator_gaps as gaps_module
from hfjobs_cli.commands._emulator_gaps import gaps, uses_uv
from tests.conftest import auth_header
from tests.payloads import ENDPOINT, TOKEN, make_job

HEALTH = f"{ENDPOINT}/api/emulator/health"


@pytest.fixture
def local(monkeypatch):
    """--local against the stubbed endpoint: no real emulator is started."""
    monkeypatch.setattr(
        "hfjobs_cli.invocation.Invocation._start_emulator", lambda self: (ENDPOINT, TOKEN)
    )


def test_uses_uv():
    assert uses_uv(["uv", "run", "x.py"])
    assert uses_uv(["sh", "-c", 'echo "$S" | base64 -d > s.py && uv run s.py'])
    assert not uses_uv(["python", "-c", "print('uv')"])
    assert not uses_uv([])


def test_uv_missing_under_the_process_runtime_is_said_with_the_fix(monkeypatch):
    monkeypatch.setattr(gaps_module, "uv_installed", lambda: False)
    (gap,) = gaps("process", {"command": ["uv", "run", "x.py"]})
    assert "uv is not installed here: `pip install uv`" in gap
    assert gaps("docker", {"command": ["uv", "run", "x.py"]}) == []  # the image brings it
    monkeypatch.setattr(gaps_module, "uv_installed", lambda: True)
    assert gaps("process", {"command": ["uv", "run", "x.py"]}) == []


def test_ssh_expose_volumes_and_networks():
    spec = {
        "command": ["true"],
        "ssh": {"enabled": True},
        "expose": [{"port": 8000}],
        "volumes": [{"type": "model", "source": "a/b", "mountPath": "/m"}],
        "network": {"group": "g"},
    }
    found = gaps("process", spec)
    assert [g.split(":")[0] for g in found] == [
        "--ssh", "--expose", "-v/--volume", "--network-group/--network-alias"
    ]  # fmt: skip
    container = gaps("podman", spec, ["volumes", "expose"])  # what the containers advertise
    assert [g.split(":")[0] for g in container] == ["--ssh", "--network-group/--network-alias"]
    assert gaps("process", spec, ["ssh", "expose", "volumes", "network"]) == []


def test_the_warning_comes_before_the_job_is_created(cli, api, local, monkeypatch):
    monkeypatch.setattr(gaps_module, "uv_installed", lambda: False)
    api.get(HEALTH, json={"status": "ok", "runtime": "process"})
    api.get(f"{ENDPOINT}/api/whoami-v2", json={"name": "local", "type": "user", "orgs": []})
    job = make_job(stage="SCHEDULING", owner={"id": "x", "name": "local", "type": "user"})
    api.post(f"{ENDPOINT}/api/jobs/local", json=job, match=[auth_header()])
    result = cli("--local", "run", "-d", "python:3.12", "uv", "run", "x.py")
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning:")]
    assert warnings == [
        "Warning: Local emulator: the emulator's process runtime runs the job's `uv` on this "
        "machine, and uv is not installed here: `pip install uv` (or start Docker, and the "
        "emulator runs the image)"
    ]
    assert [c.request.method for c in api.calls][-1] == "POST"


def test_nothing_is_asked_off_the_emulator(cli, api, logged_in):
    job = make_job(stage="SCHEDULING")
    api.post(f"{ENDPOINT}/api/jobs/alice", json=job)
    result = cli("run", "-d", "--ssh", "--namespace", "alice", "python:3.12", "true")
    assert result.exit_code == 0, result.stderr
    assert "Local emulator" not in result.stderr  # and no request to /api/emulator/health
