"""Fixtures for the emulator tests: a running emulator and a small HTTP client for it."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.emulator_harness import RunningEmulator, start_emulator

TERMINAL = ("COMPLETED", "CANCELED", "ERROR", "DELETED")


class Client:
    """requests, pointed at one emulator, with the helpers every test needs."""

    def __init__(self, emu: RunningEmulator) -> None:
        self.emu = emu
        self.url = emu.url
        self.session = requests.Session()
        self.session.headers["authorization"] = f"Bearer {emu.token}"

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", 30)
        return self.session.request(method, self.url + path, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, json=json, **kwargs)

    def put(self, path: str, json: Any = None, **kwargs: Any) -> requests.Response:
        return self.request("PUT", path, json=json, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("DELETE", path, **kwargs)

    def run(self, command: list[str], namespace: str = "local", **spec: Any) -> dict[str, Any]:
        body = job_body(command, **spec)
        response = self.post(f"/api/jobs/{namespace}", json=body)
        assert response.status_code == 200, response.text
        return response.json()

    def job(self, job_id: str, namespace: str = "local") -> dict[str, Any]:
        response = self.get(f"/api/jobs/{namespace}/{job_id}")
        assert response.status_code == 200, response.text
        return response.json()

    def wait(
        self,
        job_id: str,
        stages: tuple[str, ...] = TERMINAL,
        timeout: float = 30,
        namespace: str = "local",
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            job = self.job(job_id, namespace)
            if job["status"]["stage"] in stages:
                return job
            if time.monotonic() > deadline:
                raise AssertionError(f"job {job_id} still {job['status']} after {timeout}s")
            time.sleep(0.05)

    def events(self, job_id: str, namespace: str = "local", **params: Any) -> list[dict[str, Any]]:
        """Read a whole log stream (it closes when the job ends); return the events."""
        with self.get(
            f"/api/jobs/{namespace}/{job_id}/logs", params=params, stream=True
        ) as response:
            assert response.status_code == 200, response.text
            return parse_events(response.iter_lines(decode_unicode=True))

    def read_lines(
        self, job_id: str, count: int, namespace: str = "local", **params: Any
    ) -> list[str]:
        """Follow a live log until `count` job lines arrived (the stream stays open while it runs)."""
        found: list[str] = []
        with self.get(
            f"/api/jobs/{namespace}/{job_id}/logs", params=params, stream=True, timeout=(5, 20)
        ) as response:
            assert response.status_code == 200, response.text
            for line in response.iter_lines(decode_unicode=True):
                if line.startswith("data: {"):
                    text = json.loads(line[len("data: ") :])["data"]
                    if not text.startswith("===== Job"):
                        found.append(text)
                        if len(found) >= count:
                            break
        return found

    def lines(self, job_id: str, **params: Any) -> list[str]:
        return [
            e["data"]
            for e in self.events(job_id, **params)
            if not e["data"].startswith("===== Job")
        ]


def job_body(command: list[str], **spec: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "command": command,
        "arguments": [],
        "environment": {},
        "flavor": "cpu-basic",
    }
    if "spaceId" not in spec:
        body["dockerImage"] = "python:3.12"
    body.update(spec)
    return body


def parse_events(lines: Iterator[str]) -> list[dict[str, Any]]:
    return [json.loads(line[len("data: ") :]) for line in lines if line.startswith("data: {")]


def py(code: str) -> list[str]:
    """A job command running Python code, unbuffered so its lines reach the log as printed."""
    return ["python", "-u", "-c", code]


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningEmulator]:
    with start_emulator(tmp_path_factory.mktemp("emulator") / "data", keepalive=0.5) as running:
        yield running


@pytest.fixture
def client(emu: RunningEmulator) -> Iterator[Client]:
    c = Client(emu)
    yield c
    c.session.close()
