"""The metrics stream of a running job: `event: metric` with snake_case data, every second.

CPU and memory come from /proc, summed over the job's process group; the network counters are
zero and the GPUs (for GPU flavors) are reported idle: this machine is not the flavor's hardware.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hfjobs_cli.emulator.hardware import flavor_resources
from hfjobs_cli.emulator.util import dumps

if TYPE_CHECKING:
    from hfjobs_cli.emulator.app import Emulator

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def group_usage(pgid: int) -> tuple[int, int]:
    """(CPU clock ticks used, resident bytes) of every process in a process group."""
    ticks = rss = 0
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else ():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 21 and int(fields[2]) == pgid:
            ticks += int(fields[11]) + int(fields[12])
            rss += int(fields[21]) * PAGE
    return ticks, rss


def sample(
    job_id: str,
    flavor: str,
    pgid: int | None,
    previous: tuple[float, int] | None,
) -> tuple[dict[str, Any], tuple[float, int]]:
    cpus, ram, gpus = flavor_resources(flavor)
    ticks, rss = group_usage(pgid) if pgid else (0, 0)
    now = time.monotonic()
    pct = 0.0
    if previous is not None and now > previous[0]:
        pct = round(100.0 * (ticks - previous[1]) / TICKS / (now - previous[0]), 1)
    data: dict[str, Any] = {
        "cpu_usage_pct": max(0.0, pct),
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
    return data, (now, ticks)


def stream(app: Emulator, job_id: str, flavor: str, interval: float = 1.0) -> Iterator[bytes]:
    previous = None
    while not app.stopping.is_set():
        row = app.store.get("jobs", job_id)
        if row is None or row["stage"] != "RUNNING":
            return
        data, previous = sample(job_id, flavor, row["pid"], previous)
        yield f"event: metric\ndata: {dumps(data)}\n\n".encode()
        if app.stopping.wait(interval):
            return
