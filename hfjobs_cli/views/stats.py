"""Resource metrics (`hfjobs stats`): a sample's rows and its trend lines (no I/O, no rich).

A sample gives one row per GPU, so these tables are rows of cells, not one record a row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hfjobs_cli.output import Column
from hfjobs_cli.views.format import format_bytes

if TYPE_CHECKING:
    from hfjobs_cli.api.models import MetricSample

STATS_COLUMNS = (
    Column("JOB ID"),
    Column("CPU %", priority=3),
    Column("NUM CPU"),
    Column("MEM %", priority=4),
    Column("MEM USAGE"),
    Column("NET I/O"),
    Column("GPU UTIL %"),
    Column("GPU MEM %"),
    Column("GPU MEM USAGE"),
)
HISTORY = 12  # samples per sparkline: the last dozen seconds
TREND_COLUMNS = (
    Column("JOB ID"),
    Column(f"CPU % (last {HISTORY}s)"),
    Column("MEM %", priority=4),
    Column("GPU UTIL %"),
)


def _percent(value: float | None) -> str:
    return "--" if value is None else f"{value:.1f}%"


def _ratio(used: float | None, total: float | None) -> float | None:
    if used is None or not total:
        return None
    return 100.0 * used / total


def _usage(used: float | None, total: float | None) -> str:
    return f"{format_bytes(used)} / {format_bytes(total)}"


def metric_series(sample: MetricSample) -> dict[str, float]:
    """The percentages worth a trend line: `cpu`, `mem` and `gpu:<id>` (utilisation)."""
    series: dict[str, float] = {}
    if sample.cpu_usage_pct is not None:
        series["cpu"] = sample.cpu_usage_pct
    mem = _ratio(sample.memory_used_bytes, sample.memory_total_bytes)
    if mem is not None:
        series["mem"] = mem
    for gpu_id, gpu in sample.gpus:
        if gpu.utilization is not None:
            series[f"gpu:{gpu_id}"] = gpu.utilization
    return series


def metrics_rows(job_id: str, sample: MetricSample, *, repeat_id: bool = False) -> list[list[str]]:
    """The STATS_COLUMNS cells of one sample: one row per GPU, `N/A` in the GPU cells without.

    Rows after the first (one per extra GPU) leave the job's cells blank, except the job id
    when `repeat_id` (off a terminal every row must stand on its own).
    """
    used, total = sample.memory_used_bytes, sample.memory_total_bytes
    millicores = sample.cpu_millicores
    rx, tx = sample.rx_bps, sample.tx_bps
    job_cells = [
        job_id,
        _percent(sample.cpu_usage_pct),
        "--" if millicores is None else f"{millicores / 1000:g}",
        _percent(_ratio(used, total)),
        _usage(used, total),
        f"{format_bytes(rx, suffix='B/s')} / {format_bytes(tx, suffix='B/s')}",
    ]
    if not sample.gpus:
        return [job_cells + ["N/A", "N/A", "N/A"]]
    rows = []
    for index, (_gpu_id, gpu) in enumerate(sample.gpus):
        gpu_cells = [
            _percent(gpu.utilization),
            _percent(_ratio(gpu.memory_used_bytes, gpu.memory_total_bytes)),
            _usage(gpu.memory_used_bytes, gpu.memory_total_bytes),
        ]
        if index == 0:
            rows.append(job_cells + gpu_cells)
        else:
            blank = [job_id if repeat_id else ""] + [""] * (len(job_cells) - 1)
            rows.append(blank + gpu_cells)
    return rows


def waiting_rows(job_id: str, note: str = "--") -> list[list[str]]:
    """A placeholder row for a job whose first sample has not arrived yet."""
    return [[job_id, note] + ["--"] * (len(STATS_COLUMNS) - 2)]
