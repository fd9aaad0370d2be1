"""The container runtimes, for real: podman (with runc), and the docker client through podman's
Docker API (`podman system service`). `.ci/run` installs and configures podman; the test image
is built here from scratch with the machine's static busybox (there is no registry).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.emulator.conftest import Client
from tests.emulator_harness import RunningEmulator, start_emulator

pytestmark = pytest.mark.containers

IMAGE = "localhost/hfjobs-test-busybox:1"
PODMAN = shutil.which("podman") or "podman"


def podman(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([PODMAN, *args], capture_output=True, text=True, timeout=120, check=check)


@pytest.fixture(scope="session")
def image(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A busybox image built FROM scratch (tests share it; building it again is a no-op)."""
    assert shutil.which("podman"), "these tests need podman and runc: see .ci/run"
    if podman("image", "exists", IMAGE, check=False).returncode == 0:
        return IMAGE
    busybox = shutil.which("busybox")
    assert busybox, "these tests need a static busybox (Debian: busybox-static): see .ci/run"
    context = tmp_path_factory.mktemp("image")
    shutil.copy(busybox, context / "busybox")
    (context / "Containerfile").write_text(
        "FROM scratch\n"
        "COPY busybox /bin/busybox\n"
        'RUN ["/bin/busybox", "--install", "-s", "/bin"]\n'
        "ENV PATH=/bin\n"
    )
    podman("build", "-q", "-t", IMAGE, str(context))
    return IMAGE


def containers_of(job_id: str) -> list[str]:
    return podman("ps", "-a", "-q", "--filter", f"label=hfjobs.job-id={job_id}").stdout.split()


def wait_gone(job_id: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while containers_of(job_id):
        assert time.monotonic() < deadline, f"the container of job {job_id} is still there"
        time.sleep(0.2)


def make_hf_cache(root: Path) -> Path:
    """A Hugging Face cache holding local/tiny at main, laid out as huggingface_hub lays it."""
    repo = root / "models--local--tiny"
    (repo / "blobs").mkdir(parents=True)
    (repo / "blobs" / "b1").write_text('{"hidden_size": 8}\n')
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("c0ffee")
    snapshot = repo / "snapshots" / "c0ffee"
    (snapshot / "sub").mkdir(parents=True)
    (snapshot / "config.json").symlink_to("../../blobs/b1")
    (snapshot / "sub" / "config.json").symlink_to("../../../blobs/b1")
    return root


@pytest.fixture(scope="module")
def hf_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_hf_cache(tmp_path_factory.mktemp("hf-cache"))


@pytest.fixture(scope="module")
def podman_emu(image, hf_cache, tmp_path_factory) -> Iterator[RunningEmulator]:
    previous = os.environ.get("HF_HUB_CACHE")
    os.environ["HF_HUB_CACHE"] = str(hf_cache)
    try:
        with start_emulator(
            tmp_path_factory.mktemp("podman") / "data",
            keepalive=0.5,
            extra_args=("--runtime", "podman"),
        ) as running:
            yield running
    finally:
        if previous is None:
            os.environ.pop("HF_HUB_CACHE", None)
        else:
            os.environ["HF_HUB_CACHE"] = previous


@pytest.fixture(scope="session")
def docker_host(tmp_path_factory) -> Iterator[str]:
    """Podman's Docker API: the one CI started ($HFJOBS_TEST_DOCKER_HOST), or one of our own."""
    if os.environ.get("HFJOBS_TEST_DOCKER_HOST"):
        yield os.environ["HFJOBS_TEST_DOCKER_HOST"]
        return
    sock = tmp_path_factory.mktemp("docker-api") / "podman.sock"
    service = subprocess.Popen(
        [PODMAN, "system", "service", "--time=0", f"unix://{sock}"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while not sock.exists():
            assert service.poll() is None and time.monotonic() < deadline, "no podman service"
            time.sleep(0.1)
        yield f"unix://{sock}"
    finally:
        service.terminate()
        service.wait(10)


@pytest.fixture(scope="module")
def docker_emu(image, docker_host, tmp_path_factory) -> Iterator[RunningEmulator]:
    assert shutil.which("docker"), "the docker runtime tests need the docker client"
    previous = os.environ.get("DOCKER_HOST")
    os.environ["DOCKER_HOST"] = docker_host
    try:
        with start_emulator(
            tmp_path_factory.mktemp("docker") / "data",
            keepalive=0.5,
            extra_args=("--runtime", "docker"),
        ) as running:
            yield running
    finally:
        if previous is None:
            os.environ.pop("DOCKER_HOST", None)
        else:
            os.environ["DOCKER_HOST"] = previous


@pytest.fixture(params=["podman", "docker"])
def engine_client(request) -> Iterator[Client]:
    """The same assertions through podman, and through the docker client on podman's API."""
    emu = request.getfixturevalue(f"{request.param}_emu")
    c = Client(emu)
    yield c
    c.session.close()


@pytest.fixture
def client(podman_emu) -> Iterator[Client]:
    c = Client(podman_emu)
    yield c
    c.session.close()


def sh(script: str, **spec) -> dict:
    return {"dockerImage": IMAGE, "command": ["sh", "-c", script], **spec}


def run(client: Client, script: str, **spec) -> dict:
    body = {"arguments": [], "environment": {}, "flavor": "cpu-basic", **sh(script, **spec)}
    response = client.post("/api/jobs/local", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def test_health_names_the_runtime(podman_emu, docker_emu):
    for emu, name in ((podman_emu, "podman"), (docker_emu, "docker")):
        health = requests.get(f"{emu.url}/api/emulator/health", timeout=10).json()
        assert health["runtime"] == name and health["features"] == ["volumes", "expose"]


def test_logs_stream_line_by_line_and_the_exit_code_comes_from_the_engine(engine_client):
    job = run(engine_client, "echo one; sleep 2; echo two >&2; exit 5")
    assert engine_client.read_lines(job["id"], 1) == ["one"]
    # The first line arrived while the container still ran (it sleeps before the second).
    assert engine_client.job(job["id"])["status"]["stage"] == "RUNNING"
    done = engine_client.wait(job["id"])
    assert done["status"] == {"stage": "ERROR", "message": "Process exited with code 5"}
    assert engine_client.lines(job["id"]) == ["one", "two"]
    wait_gone(job["id"])
    ok = engine_client.wait(run(engine_client, "echo fine")["id"])
    assert ok["status"] == {"stage": "COMPLETED", "message": None}


def test_environment_and_secrets_reach_the_container_but_never_an_argv(engine_client):
    secret = "hf_ct_" + secrets.token_hex(8)
    job = run(
        engine_client,
        'echo "$MODE $TOKEN $JOB_ID"; sleep 3',
        environment={"MODE": "m"},
        secrets={"TOKEN": secret},
    )
    assert engine_client.read_lines(job["id"], 1) == [f"m {secret} {job['id']}"]
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            assert secret.encode() not in cmdline.read_bytes(), cmdline
        except OSError:
            continue  # the process ended meanwhile
    assert engine_client.wait(job["id"])["status"]["stage"] == "COMPLETED"
    assert secret not in json.dumps(engine_client.job(job["id"]))


def test_cancel_ends_the_container_and_removes_it(engine_client):
    job = run(engine_client, "echo up; sleep 120")
    assert engine_client.read_lines(job["id"], 1) == ["up"]
    assert containers_of(job["id"])
    canceled = engine_client.post(f"/api/jobs/local/{job['id']}/cancel").json()
    assert canceled["status"]["stage"] == "CANCELED"
    wait_gone(job["id"])
    assert engine_client.job(job["id"])["status"]["stage"] == "CANCELED"


def test_timeout_ends_the_container(client):
    job = run(client, "echo up; sleep 120", timeoutSeconds=2)
    done = client.wait(job["id"], timeout=30)
    assert done["status"] == {"stage": "ERROR", "message": "Job timeout"}
    wait_gone(job["id"])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_exposed_ports_are_reachable_on_loopback(client):
    port = free_port()
    job = run(
        client,
        f"mkdir /w && echo hello-port > /w/index.html && echo serving && httpd -f -p {port} -h /w",
        expose={"ports": [port], "portsPublic": []},
    )
    assert client.read_lines(job["id"], 1) == ["serving"]
    assert client.job(job["id"])["status"]["exposeUrls"] == [f"http://127.0.0.1:{port}"]
    deadline = time.monotonic() + 20
    while True:
        try:
            answer = requests.get(f"http://127.0.0.1:{port}/index.html", timeout=5)
            break
        except requests.ConnectionError:
            assert time.monotonic() < deadline
            time.sleep(0.2)
    assert answer.status_code == 200 and answer.text == "hello-port\n"
    client.post(f"/api/jobs/local/{job['id']}/cancel")
    wait_gone(job["id"])


def test_the_flavor_becomes_cpu_and_memory_limits(client):
    script = (
        "cat /sys/fs/cgroup/memory.max 2>/dev/null || "
        "cat /sys/fs/cgroup/memory/memory.limit_in_bytes; "
        "cat /sys/fs/cgroup/cpu.max 2>/dev/null || cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us"
    )
    job = run(client, script, flavor="cpu-upgrade")  # 8 vCPU, 32 GB
    assert client.wait(job["id"])["status"]["stage"] == "COMPLETED"
    memory, cpu = client.lines(job["id"])
    assert int(memory) == 32 * 10**9
    cpus = min(8, os.cpu_count() or 8)
    assert int(cpu.split()[0]) == cpus * 100_000  # quota per 100 ms period


def test_a_gpu_flavor_fails_saying_why_when_gpus_cannot_pass_through(client):
    job = run(client, "echo never", flavor="a10g-small")
    done = client.wait(job["id"])
    message = done["status"]["message"]
    assert done["status"]["stage"] == "ERROR" and done["startedAt"] is None
    assert message.startswith("The flavor a10g-small needs 1 GPU, and podman cannot pass GPUs")
    assert "nvidia.com/gpu" in message
    assert client.lines(job["id"]) == [message]


def test_hf_volumes_mount_read_only_from_the_local_cache(client):
    volumes = [
        {"type": "model", "source": "local/tiny", "mountPath": "/m"},
        {"type": "model", "source": "local/tiny", "mountPath": "/s", "path": "sub"},
    ]
    job = run(
        client,
        "cat /m/config.json /s/config.json; touch /m/x 2>/dev/null || echo read-only",
        volumes=volumes,
    )
    done = client.wait(job["id"])
    assert done["status"]["stage"] == "COMPLETED", done
    assert client.lines(job["id"]) == ['{"hidden_size": 8}', '{"hidden_size": 8}', "read-only"]
    assert done["volumes"] == volumes  # echoed as sent


def test_an_hf_volume_missing_from_the_cache_says_what_is_missing(client, hf_cache):
    volume = {"type": "dataset", "source": "local/absent", "mountPath": "/d", "revision": "v2"}
    done = client.wait(run(client, "true", volumes=[volume])["id"])
    assert done["status"]["stage"] == "ERROR"
    assert done["status"]["message"] == (
        f"The volume hf://datasets/local/absent (revision v2) is not in the local Hugging Face "
        f"cache ({hf_cache}): download it first with "
        "`hf download local/absent --repo-type dataset --revision v2`"
    )


def test_a_missing_image_fails_with_the_engine_s_reason(client):
    job = run(client, "true")
    body = {**sh("true"), "dockerImage": "localhost/hfjobs-no-such-image:0", "arguments": []}
    missing = client.post("/api/jobs/local", json=body).json()
    done = client.wait(missing["id"])
    assert done["status"]["stage"] == "ERROR" and done["status"]["message"].startswith(
        "Process exited with code 125"
    )
    assert any("no-such-image" in line for line in client.lines(missing["id"]))
    assert client.wait(job["id"])["status"]["stage"] == "COMPLETED"


def test_a_restarted_emulator_ends_the_containers_it_left(image, tmp_path):
    data = tmp_path / "data"
    with start_emulator(data, extra_args=("--runtime", "podman")) as first:
        c = Client(first)
        job = run(c, "echo up; sleep 120")
        assert c.read_lines(job["id"], 1) == ["up"]
        assert containers_of(job["id"])
        first.kill()  # SIGKILL: nothing of the emulator cleans up
        assert containers_of(job["id"])
    with start_emulator(data, extra_args=("--runtime", "podman")) as second:
        after = Client(second).job(job["id"])
        assert after["status"] == {
            "stage": "ERROR",
            "message": "The emulator stopped while this job was running",
        }
        wait_gone(job["id"])
