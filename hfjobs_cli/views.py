"""Pure presentation: API objects to table cells and detail fields (no I/O, no rich)."""

from __future__ import annotations

import re
import shlex
from datetime import UTC, datetime

from hfjobs_cli.api.models import Job, JobSpec


def format_duration(seconds: float | None) -> str:
    """`45s`, `1m 32s`, `2h 15m`, `3d 4h`; `--` when unknown."""
    if seconds is None:
        return "--"
    total = int(seconds)
    if total < 60:
        return f"{total}s"
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        return f"{minutes}m {secs}s" if secs else f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    days, hours = divmod(hours, 24)
    return f"{days}d {hours}h" if hours else f"{days}d"


def relative_time(moment: datetime | None, now: datetime | None = None) -> str:
    """`just now`, `5 minutes ago`, `in 3 hours`."""
    if moment is None:
        return "--"
    now = now or datetime.now(UTC)
    delta = (now - moment).total_seconds()
    future = delta < 0
    delta = abs(delta)
    if delta < 45:
        return "just now" if not future else "in a few seconds"
    for size, unit in (
        (86400 * 365, "year"),
        (86400 * 30, "month"),
        (86400, "day"),
        (3600, "hour"),
        (60, "minute"),
    ):
        if delta >= size:
            count = int(round(delta / size)) if unit != "year" else int(delta // size)
            count = max(count, 1)
            text = f"{count} {unit}{'s' if count != 1 else ''}"
            return f"in {text}" if future else f"{text} ago"
    count = int(delta)
    return f"in {count} seconds" if future else f"{count} seconds ago"


def iso(moment: datetime | None) -> str:
    """RFC 3339 in UTC with a `Z`, or `--`."""
    if moment is None:
        return "--"
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_PLAIN = re.compile(r"^[A-Za-z0-9_@%+=:,./-]+$")


def _shown_arg(arg: str) -> str:
    """An argument as a person would type it: bare, in double quotes, or shell-quoted."""
    if _PLAIN.match(arg):
        return arg
    if not any(ch in arg for ch in '"$`\\\n'):
        return f'"{arg}"'
    return shlex.quote(arg)


def command_text(command: list[str]) -> str:
    """The command as one line that pastes back into a shell."""
    return " ".join(_shown_arg(arg) for arg in command)


# The display name has its own field; the request id is hfjobs' own bookkeeping.
HIDDEN_LABELS = frozenset({"name", "hfjobs-request-id"})

JOB_COLUMNS = ("ID", "NAME", "IMAGE/SPACE", "COMMAND", "CREATED", "STATUS", "DURATION")


def job_row(job: Job, *, human: bool, now: datetime | None = None) -> list[str]:
    created = relative_time(job.created_at, now) if human else iso(job.created_at)
    return [
        job.id,
        job.name or "--",
        job.spec.image or "--",
        command_text(job.spec.command),
        created,
        job.stage,
        format_duration(job.running_seconds(now)),
    ]


def env_text(environment: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in environment.items()) or "--"


def labels_text(labels: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" if v else k for k, v in labels.items()) or "--"


def spec_fields(spec: JobSpec) -> list[tuple[str, str]]:
    fields = [
        ("Image" if spec.docker_image or not spec.space_id else "Space", spec.image or "--"),
        ("Command", command_text(spec.command) or "--"),
        ("Flavor", spec.flavor or "--"),
        ("Timeout", format_duration(spec.timeout) if spec.timeout else "server default (30m)"),
        ("Env", env_text(spec.environment)),
        ("Secrets", ", ".join(spec.secrets) or "--"),
        ("Labels", labels_text({k: v for k, v in spec.labels.items() if k not in HIDDEN_LABELS})),
    ]
    return fields


def job_fields(job: Job, *, url: str, now: datetime | None = None) -> list[tuple[str, str]]:
    fields = [
        ("Status", job.stage + (f": {job.message}" if job.message else "")),
        ("Name", job.name or "--"),
        ("Created", _when(job.created_at, now)),
        ("Started", _when(job.started_at, now)),
        ("Finished", _when(job.finished_at, now)),
        ("Duration", format_duration(job.running_seconds(now))),
    ]
    fields += spec_fields(job.spec)
    initiator = job.initiator
    if initiator.get("type") and initiator.get("type") not in ("user", "org"):
        fields.append(("Started by", f"{initiator['type']} {initiator.get('id', '')}".strip()))
    for expose in job.expose_urls:
        fields.append(("Exposed", expose))
    if job.ssh_url:
        fields.append(("SSH", job.ssh_url))
    fields.append(("URL", url))
    return fields


def _when(moment: datetime | None, now: datetime | None) -> str:
    if moment is None:
        return "--"
    return f"{iso(moment)} ({relative_time(moment, now)})"


def format_usd(amount: float | None) -> str:
    """`$0.01`, `$12.50`, `$0.0042` (small amounts keep their significant digits); `--`."""
    if amount is None:
        return "--"
    if amount == 0:
        return "$0.00"
    if amount < 0.01:
        return f"${amount:.4f}"
    return f"${amount:,.2f}"


# -- resource metrics (`hfjobs stats`) -------------------------------------------------------

STATS_COLUMNS = (
    "JOB ID",
    "CPU %",
    "NUM CPU",
    "MEM %",
    "MEM USAGE",
    "NET I/O",
    "GPU UTIL %",
    "GPU MEM %",
    "GPU MEM USAGE",
)


def format_bytes(value: float | None, *, suffix: str = "B") -> str:
    """`812B`, `1.5KiB`, `2.0GiB` (binary units, as memory is sized); `--` when unknown."""
    if value is None:
        return "--"
    size = float(value)
    for unit in ("", "Ki", "Mi", "Gi", "Ti"):
        if abs(size) < 1024 or unit == "Ti":
            return f"{size:.0f}{unit}{suffix}" if unit == "" else f"{size:.1f}{unit}{suffix}"
        size /= 1024
    return f"{size:.1f}Ti{suffix}"  # pragma: no cover - the loop returns


def _number(data: dict, key: str) -> float | None:
    value = data.get(key)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _percent(value: float | None) -> str:
    return "--" if value is None else f"{value:.1f}%"


def _ratio(used: float | None, total: float | None) -> float | None:
    if used is None or not total:
        return None
    return 100.0 * used / total


def _usage(used: float | None, total: float | None) -> str:
    return f"{format_bytes(used)} / {format_bytes(total)}"


def metric_gpus(metrics: dict) -> list[tuple[str, dict]]:
    """(GPU id, its metrics), sorted by id; empty for CPU flavors (`gpus` empty, null or missing)."""
    gpus = metrics.get("gpus")
    if not isinstance(gpus, dict):
        return []
    return [(str(k), v) for k, v in sorted(gpus.items()) if isinstance(v, dict)]


def metric_series(metrics: dict) -> dict[str, float]:
    """The percentages worth a trend line: `cpu`, `mem` and `gpu:<id>` (utilisation)."""
    series: dict[str, float] = {}
    cpu = _number(metrics, "cpu_usage_pct")
    if cpu is not None:
        series["cpu"] = cpu
    mem = _ratio(_number(metrics, "memory_used_bytes"), _number(metrics, "memory_total_bytes"))
    if mem is not None:
        series["mem"] = mem
    for gpu_id, gpu in metric_gpus(metrics):
        util = _number(gpu, "utilization")
        if util is not None:
            series[f"gpu:{gpu_id}"] = util
    return series


def metrics_rows(job_id: str, metrics: dict, *, repeat_id: bool = False) -> list[list[str]]:
    """The STATS_COLUMNS cells of one sample: one row per GPU, `N/A` in the GPU cells without.

    Rows after the first (one per extra GPU) leave the job's cells blank, except the job id
    when `repeat_id` (off a terminal every row must stand on its own).
    """
    cpu = _number(metrics, "cpu_usage_pct")
    millicores = _number(metrics, "cpu_millicores")
    used = _number(metrics, "memory_used_bytes")
    total = _number(metrics, "memory_total_bytes")
    rx, tx = _number(metrics, "rx_bps"), _number(metrics, "tx_bps")
    job_cells = [
        job_id,
        _percent(cpu),
        "--" if millicores is None else f"{millicores / 1000:g}",
        _percent(_ratio(used, total)),
        _usage(used, total),
        f"{format_bytes(rx, suffix='B/s')} / {format_bytes(tx, suffix='B/s')}",
    ]
    gpus = metric_gpus(metrics)
    if not gpus:
        return [job_cells + ["N/A", "N/A", "N/A"]]
    rows = []
    for index, (_gpu_id, gpu) in enumerate(gpus):
        gpu_used, gpu_total = _number(gpu, "memory_used_bytes"), _number(gpu, "memory_total_bytes")
        gpu_cells = [
            _percent(_number(gpu, "utilization")),
            _percent(_ratio(gpu_used, gpu_total)),
            _usage(gpu_used, gpu_total),
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


WAIT_COLUMNS = ("ID", "STAGE", "MESSAGE")


def wait_row(job: Job) -> list[str]:
    return [job.id, job.stage, job.message or ""]
