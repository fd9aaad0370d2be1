"""The metrics stream of a running job: `event: metric` with snake_case data, every second.

CPU and memory are those of every process of the job (through psutil, see `procs`); the CPU
percentage comes from two samples, so even the first event of a stream measures something. The
network counters are zero and the GPUs (for GPU flavors) are reported idle: this machine is not
the flavor's hardware.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from hfjobs_cli.emulator.hardware import flavor_resources
from hfjobs_cli.emulator.util import dumps

if TYPE_CHECKING:
    from hfjobs_cli.emulator.state import Emulator


def sample(job_id: str, flavor: str, usage: tuple[float, int] | None) -> dict[str, Any]:
    """One `metric` event's data from (CPU %, resident bytes) of the job's processes."""
    cpus, ram, gpus = flavor_resources(flavor)
    pct, rss = usage or (0.0, 0)
    data: dict[str, Any] = {
        "cpu_usage_pct": pct,
        "cpu_millicores": cpus * 1000,
        "memory_used_bytes": rss,
        "memory_total_bytes": ram,
        "rx_bps": 0,
        "tx_bps": 0,
        "gpus": {},
        "replica": job_id[-5:],
    }
    if gpus is not None:
        count, vram = gpus
        data["gpus"] = {
            f"{job_id[:6]}{i:02x}": {
                "utilization": 0,
                "memory_used_bytes": 0,
                "memory_total_bytes": vram,
            }
            for i in range(count)
        }
    return data


def stream(app: Emulator, job_id: str, flavor: str, interval: float = 1.0) -> Iterator[bytes]:
    while not app.stopping.is_set():
        row = app.store.get("jobs", job_id)
        if row is None or row["stage"] != "RUNNING":
            return
        data = sample(job_id, flavor, app.jobs.usage(job_id))
        yield f"event: metric\ndata: {dumps(data)}\n\n".encode()
        if app.stopping.wait(interval):
            return
