"""End-to-end: the installed `hfjobs` command against a real emulator over real sockets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.emulator_harness import start_emulator

HFJOBS = str(Path(sys.executable).parent / "hfjobs")


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    def json(self):
        return json.loads(self.stdout)


@pytest.fixture(scope="module")
def emulator(tmp_path_factory):
    with start_emulator(
        tmp_path_factory.mktemp("emulator"), keepalive=1.0, scheduling_delay=0.2
    ) as emu:
        yield emu


@pytest.fixture
def hfjobs(emulator, tmp_path):
    """Run the installed `hfjobs` with HF_ENDPOINT/HF_TOKEN pointing at the emulator."""

    def env() -> dict[str, str]:
        values = dict(os.environ)
        values.update(emulator.env())
        values.update(
            HFJOBS_CONFIG_DIR=str(tmp_path / "cfg"),
            HFJOBS_STREAM_TIMEOUT="10",
            PYTHONUNBUFFERED="1",
        )
        return values

    def run(*args: str, input: str | None = None, timeout: float = 60, extra_env=None) -> Run:
        proc = subprocess.run(
            [HFJOBS, *args],
            input=input,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**env(), **(extra_env or {})},
            stdin=None if input is not None else subprocess.DEVNULL,
        )
        assert emulator.token not in proc.stderr or "HF_TOKEN" in " ".join(args)
        return Run(proc.returncode, proc.stdout, proc.stderr)

    def popen(*args: str) -> subprocess.Popen:
        return subprocess.Popen(
            [HFJOBS, *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env(),
        )

    run.popen = popen  # type: ignore[attr-defined]
    run.env = env  # type: ignore[attr-defined]
    return run


def wait_for_stage(hfjobs, job_id: str, stages: tuple[str, ...], timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        job = hfjobs("inspect", "--json", job_id).json()[0]
        if job["status"]["stage"] in stages:
            return job
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id} still {job['status']['stage']}")
        time.sleep(0.2)
