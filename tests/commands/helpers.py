"""Helpers shared by the command tests: canned endpoints and stubs."""

from responses import matchers

from tests.conftest import auth_header
from tests.payloads import ENDPOINT, make_job, sse_lines, ts

JOBS = f"{ENDPOINT}/api/jobs/alice"

HARDWARE = [
    {"name": "cpu-basic", "prettyName": "CPU Basic", "cpu": "2 vCPU", "ram": "16 GB", "ephemeralStorage": "50 GB",
     "accelerator": None, "unitCostMicroUSD": 167, "unitCostUSD": 0.000167, "unitLabel": "minute"},
    {"name": "t4-small", "prettyName": "Nvidia T4 - small", "cpu": "4 vCPU", "ram": "15 GB", "ephemeralStorage": "50 GB",
     "accelerator": {"type": "gpu", "model": "T4", "quantity": "1", "vram": "16 GB", "manufacturer": "Nvidia"},
     "unitCostMicroUSD": 6667, "unitCostUSD": 0.006667, "unitLabel": "minute"},
    {"name": "a100-large", "prettyName": "Nvidia A100 - large", "cpu": "12 vCPU", "ram": "142 GB",
     "accelerator": {"type": "gpu", "model": "A100", "quantity": "1", "vram": "80 GB", "manufacturer": "Nvidia"},
     "unitCostMicroUSD": 41667, "unitCostUSD": 0.041667, "unitLabel": "minute"},
]  # fmt: skip


def stub_hardware(api):
    api.get(f"{ENDPOINT}/api/jobs/hardware", json=HARDWARE)


JOB_ID = "6650a1b2c3d4e5f60718293a"

OTHER_ID = "6650a1b2c3d4e5f60718293b"


RUN = ("run", "--namespace", "alice", "python:3.12", "python", "-c", "print(42)")


def outputs(files) -> dict[str, str]:
    return dict(line.split("=", 1) for line in (files / "output").read_text().splitlines())


def stub_running(api, jobs):
    api.get(JOBS, json=jobs)


def body(**overrides):
    spec = {
        "dockerImage": "python:3.12",
        "command": ["python", "-c", "print(42)"],
        "arguments": [],
        "environment": {},
        "flavor": "cpu-basic",
        "labels": {"hfjobs-request-id": "rid0"},
    }
    spec.update(overrides)
    return spec


def stub_create(api, spec, job):
    api.post(JOBS, json=job, match=[auth_header(), matchers.json_params_matcher(spec)])


def attached(api, *, final_stage, message=None, lines=None):
    job = make_job(stage="SCHEDULING")
    stub_create(api, body(), job)
    url = f"{JOBS}/{job['id']}"
    api.get(url, json=make_job(id=job["id"], stage="SCHEDULING", message="Waiting for hardware"))
    api.get(url, json=make_job(id=job["id"], stage="RUNNING"))
    lines = lines if lines is not None else [(ts(1), "hello"), (ts(2), "world")]
    api.get(f"{url}/logs", body=sse_lines(lines), content_type="text/event-stream")
    api.get(url, json=make_job(id=job["id"], stage=final_stage, message=message))
    return job
