"""Helpers shared by the command tests: canned endpoints and stubs."""

from tests.payloads import ENDPOINT

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
