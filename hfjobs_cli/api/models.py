"""Plain data classes parsed leniently from the API's JSON, keeping the raw dict for `--json`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, NamedTuple, overload


class Stage(StrEnum):
    """A job's stage (api-reference §3, "Stage values"). Members are strings equal to what the
    server sends; `Job.stage` stays a plain string, since an unknown stage (`UPDATING`, a
    Space stage) is shown as it came."""

    SCHEDULING = "SCHEDULING"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    CANCELED = "CANCELED"
    ERROR = "ERROR"
    DELETED = "DELETED"


TERMINAL_STAGES = frozenset({Stage.COMPLETED, Stage.CANCELED, Stage.ERROR, Stage.DELETED})
ACTIVE_STAGES = (Stage.RUNNING, Stage.SCHEDULING)
ALL_STAGES = tuple(Stage)


def parse_time(value: Any) -> datetime | None:
    """An ISO-8601 timestamp from the API (with `Z` or an offset) as an aware datetime."""
    if not isinstance(value, str) or not value:
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    # Python 3.11 parses up to 6 fractional digits; the Hub may send up to 9.
    if "." in text:
        head, _, rest = text.partition(".")
        digits = ""
        while rest and rest[0].isdigit():
            digits, rest = digits + rest[0], rest[1:]
        text = f"{head}.{digits[:6].ljust(6, '0')}{rest}"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _str_dict(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): "" if v is None else str(v) for k, v in value.items()}


def secret_names(value: Any) -> list[str]:
    """Secret names from a list of names or an object (values are never kept)."""
    if isinstance(value, dict):
        return sorted(str(k) for k in value)
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, str)]
    return []


def _str_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, str):
        return [value]
    return []


@dataclass
class JobSpec:
    """What a job runs: shared by jobs, scheduled jobs and job webhooks."""

    docker_image: str | None
    space_id: str | None
    command: list[str]
    environment: dict[str, str]
    secrets: list[str]
    flavor: str | None
    timeout: int | None
    labels: dict[str, str]

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> JobSpec:
        timeout = data.get("timeoutSeconds", data.get("timeout"))
        return cls(
            docker_image=data.get("dockerImage") or None,
            space_id=data.get("spaceId") or None,
            command=_str_list(data.get("command")) + _str_list(data.get("arguments")),
            environment=_str_dict(data.get("environment")),
            secrets=secret_names(data.get("secrets")),
            flavor=data.get("flavor"),
            timeout=int(timeout) if isinstance(timeout, int | float) else None,
            labels=_str_dict(data.get("labels")),
        )

    @property
    def image(self) -> str:
        """The Docker image, or `hf.co/spaces/<id>` for a Space job."""
        if self.docker_image:
            return self.docker_image
        if self.space_id:
            return f"hf.co/spaces/{self.space_id}"
        return ""

    @property
    def name(self) -> str | None:
        return self.labels.get("name") or None


@dataclass
class Job:
    id: str
    stage: str
    message: str | None
    spec: JobSpec
    owner: str
    created_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    running_secs: float | None
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Job:
        status, owner, durations = data.get("status"), data.get("owner"), data.get("durations")
        if not isinstance(status, dict):
            status = {}
        if not isinstance(owner, dict):
            owner = {}
        if not isinstance(durations, dict):
            durations = {}
        running = durations.get("runningSecs")
        return cls(
            id=str(data.get("id", "")),
            stage=str(status.get("stage") or "UNKNOWN").upper(),  # as sent: see `Stage`
            message=status.get("message") or None,
            spec=JobSpec.from_api(data),
            owner=str(owner.get("name") or ""),
            created_at=parse_time(data.get("createdAt")),
            started_at=parse_time(data.get("startedAt")),
            finished_at=parse_time(data.get("finishedAt")),
            running_secs=float(running) if isinstance(running, int | float) else None,
            raw=data,
        )

    @property
    def is_terminal(self) -> bool:
        return self.stage in TERMINAL_STAGES

    @property
    def name(self) -> str | None:
        return self.spec.name

    @property
    def initiator(self) -> dict[str, Any]:
        value = self.raw.get("initiator")
        return value if isinstance(value, dict) else {}

    @property
    def expose_urls(self) -> list[str]:
        status = self.raw.get("status") or {}
        return _str_list(status.get("exposeUrls")) if isinstance(status, dict) else []

    @property
    def ssh_url(self) -> str | None:
        status = self.raw.get("status") or {}
        return status.get("sshUrl") if isinstance(status, dict) else None

    def running_seconds(self, now: datetime | None = None) -> float | None:
        """Seconds spent running: the server's figure, else computed from the timestamps."""
        if self.running_secs is not None:
            return self.running_secs
        if not self.started_at:
            return None
        end = self.finished_at or now or datetime.now(UTC)
        return max(0.0, (end - self.started_at).total_seconds())


BANNER = "===== Job started"  # the system line that opens every job's log


class LogEvent(NamedTuple):
    """One line of a job's log, as the SSE stream carries it (a tuple: a million are cheap)."""

    data: str
    timestamp: str

    @property
    def is_banner(self) -> bool:
        return self.data.startswith(BANNER)


class LogBatch(Sequence[LogEvent]):
    """The log lines of one chunk of the stream, in two columns (`texts`, `stamps`): no object
    per line (building a `LogEvent` per line was a fifth of `logs`'s time). It reads as a
    sequence of `LogEvent`s (index, slice, iterate, compare with a list), built on demand."""

    __slots__ = ("stamps", "texts")

    def __init__(self, texts: list[str], stamps: list[str]):
        self.texts = texts
        self.stamps = stamps

    @classmethod
    def of(cls, events: Iterable[LogEvent]) -> LogBatch:
        events = list(events)
        return cls([e.data for e in events], [e.timestamp for e in events])

    def __len__(self) -> int:
        return len(self.texts)

    def __iter__(self) -> Iterator[LogEvent]:
        return map(_new_event, zip(self.texts, self.stamps, strict=True))

    @overload
    def __getitem__(self, index: int) -> LogEvent: ...
    @overload
    def __getitem__(self, index: slice) -> LogBatch: ...
    def __getitem__(self, index: int | slice) -> LogEvent | LogBatch:
        if isinstance(index, slice):
            return LogBatch(self.texts[index], self.stamps[index])
        return _new_event((self.texts[index], self.stamps[index]))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LogBatch | list | tuple):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"LogBatch({list(self)!r})"

    def without_banner(self) -> LogBatch:
        """The batch without the system line that opens a log (tested once per batch: the
        line-by-line filter runs only when the batch's text contains the banner)."""
        texts = self.texts
        if BANNER not in "\n".join(texts):
            return self
        keep = [i for i, text in enumerate(texts) if not text.startswith(BANNER)]
        if len(keep) == len(texts):
            return self
        return LogBatch([texts[i] for i in keep], [self.stamps[i] for i in keep])


def _new_event(pair: tuple[str, str]) -> LogEvent:
    return tuple.__new__(LogEvent, pair)  # skips NamedTuple's Python-level __new__


def without_banner(batch: Iterable[LogEvent]) -> Sequence[LogEvent]:
    """A batch (a LogBatch or a list of events) without the banner lines."""
    if isinstance(batch, LogBatch):
        return batch.without_banner()
    return [e for e in batch if not e.data.startswith(BANNER)]


@dataclass
class WhoAmI:
    name: str
    type: str
    orgs: list[str]
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> WhoAmI:
        orgs = [o.get("name") for o in data.get("orgs") or [] if isinstance(o, dict)]
        return cls(
            name=str(data.get("name", "")),
            type=str(data.get("type", "user")),
            orgs=[str(o) for o in orgs if o],
            raw=data,
        )


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def masked(raw: dict[str, Any]) -> dict[str, Any]:
    """An object of the API (a job spec, a scheduled job's, a webhook) as it may be shown:
    secret values and a webhook's signing secret as `***`, the names kept."""
    shown = dict(raw)
    if shown.get("secret"):
        shown["secret"] = "***"
    job = shown.get("job")
    if isinstance(job, dict) and isinstance(job.get("secrets"), dict):
        shown["job"] = {**job, "secrets": {k: "***" for k in job["secrets"]}}
    if isinstance(shown.get("secrets"), dict):
        shown["secrets"] = {k: "***" for k in shown["secrets"]}
    return shown


def _number(data: dict[str, Any], key: str) -> float | None:
    value = data.get(key)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


@dataclass
class EmulatorHealth:
    """The local emulator's `GET /api/emulator/health` (public; the Hub has no such route)."""

    runtime: str | None  # None when the answer names none: not the emulator
    features: list[str]  # what its runtime offers beyond the basics, e.g. `ssh`

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> EmulatorHealth:
        features = data.get("features")
        return cls(
            runtime=str(data["runtime"] or "") if "runtime" in data else None,
            features=[str(f) for f in features] if isinstance(features, list) else [],
        )


# -- scheduled jobs (api-reference §4) -----------------------------------------------------


@dataclass
class ScheduledJob:
    id: str
    schedule: str
    suspend: bool
    concurrency: bool
    spec: JobSpec
    owner: str
    created_at: datetime | None
    last_job_id: str | None
    last_job_at: datetime | None
    next_run_at: datetime | None
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> ScheduledJob:
        spec = _dict(data.get("jobSpec", data.get("job_spec")))
        status = _dict(data.get("status"))
        last = _dict(status.get("lastJob", status.get("last_job")))
        return cls(
            id=str(data.get("id", "")),
            schedule=str(data.get("schedule") or ""),
            suspend=data.get("suspend") is True,
            concurrency=data.get("concurrency") is True,
            spec=JobSpec.from_api(spec),
            owner=str(_dict(data.get("owner")).get("name") or ""),
            created_at=parse_time(data.get("createdAt")),
            last_job_id=str(last["id"]) if last.get("id") else None,
            last_job_at=parse_time(last.get("at")),
            next_run_at=parse_time(status.get("nextJobRunAt", status.get("next_job_run_at"))),
            raw=data,
        )

    @property
    def name(self) -> str | None:
        return self.spec.name


# -- webhooks (api-reference §5) -----------------------------------------------------------


@dataclass
class WatchedItem:
    type: str
    name: str

    def __str__(self) -> str:
        return f"{self.type}:{self.name}"


@dataclass
class Webhook:
    id: str
    url: str | None
    job: JobSpec | None
    job_source_id: str | None
    watched: list[WatchedItem]
    domains: list[str]
    disabled: bool
    has_secret: bool
    created_at: datetime | None
    updated_at: datetime | None
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Webhook:
        job = data.get("job")
        watched = data.get("watched") if isinstance(data.get("watched"), list) else []
        domains = data.get("domains") if isinstance(data.get("domains"), list) else []
        source = data.get("jobSourceId")
        return cls(
            id=str(data.get("id", "")),
            url=data.get("url") if isinstance(data.get("url"), str) and data["url"] else None,
            job=JobSpec.from_api(job) if isinstance(job, dict) else None,
            job_source_id=str(source) if source else None,
            watched=[
                WatchedItem(str(w.get("type", "")), str(w.get("name", "")))
                for w in watched or []
                if isinstance(w, dict)
            ],
            domains=[str(d) for d in domains or []],
            disabled=bool(data.get("disabled", False)),
            has_secret=bool(data.get("secret")),
            created_at=parse_time(data.get("createdAt")),
            updated_at=parse_time(data.get("updatedAt")),
            raw=data,
        )

    @property
    def enabled(self) -> bool:
        return not self.disabled

    @property
    def secret_names(self) -> list[str]:
        """Names of the secrets the started jobs get (never their values)."""
        return list(self.job.secrets) if self.job else []


# -- hardware (api-reference §3.8) ---------------------------------------------------------


@dataclass
class Accelerator:
    quantity: str
    model: str
    vram: str

    def __str__(self) -> str:
        return f"{self.quantity}x {self.model} ({self.vram})"


@dataclass
class Flavor:
    """A hardware flavor and its price; `raw` is the object as the API sent it (`--json`,
    and the completion cache). A key the API left out reads None."""

    name: str
    pretty_name: str | None
    cpu: str | None
    ram: str | None
    storage: str | None
    accelerator: Accelerator | None
    price_per_minute: float | None  # USD per minute of running time, whatever the unit
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Flavor:
        acc = data.get("accelerator")
        return cls(
            name=str(data.get("name")),
            pretty_name=_text(data, "prettyName"),
            cpu=_text(data, "cpu"),
            ram=_text(data, "ram"),
            storage=str(data["ephemeralStorage"]) if data.get("ephemeralStorage") else None,
            accelerator=(
                Accelerator(
                    str(acc.get("quantity", "?")),
                    str(acc.get("model", "?")),
                    str(acc.get("vram", "?")),
                )
                if isinstance(acc, dict)
                else None
            ),
            price_per_minute=_price_per_minute(data),
            raw=data,
        )


def _text(data: dict[str, Any], key: str) -> str | None:
    """The value of `key` as text, None when the key is absent (a null reads `None`)."""
    return str(data[key]) if key in data else None


def _price_per_minute(data: dict[str, Any]) -> float | None:
    micro = data.get("unitCostMicroUSD")
    if isinstance(micro, int | float):
        per_unit = micro / 1_000_000
    elif isinstance(data.get("unitCostUSD"), int | float):
        per_unit = float(data["unitCostUSD"])
    else:
        return None
    unit = str(data.get("unitLabel") or "minute").lower()
    return per_unit * {"second": 60, "minute": 1, "hour": 1 / 60}.get(unit, 1)


# -- resource metrics (api-reference §3.6: the one snake_case object) -----------------------


@dataclass
class GpuSample:
    utilization: float | None
    memory_used_bytes: float | None
    memory_total_bytes: float | None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> GpuSample:
        return cls(
            _number(data, "utilization"),
            _number(data, "memory_used_bytes"),
            _number(data, "memory_total_bytes"),
        )


@dataclass
class MetricSample:
    """One sample of a job's metrics stream; a figure the server did not send reads None.
    `gpus` is sorted by GPU id and empty for CPU flavors; `raw` is the object as sent."""

    cpu_usage_pct: float | None
    cpu_millicores: float | None
    memory_used_bytes: float | None
    memory_total_bytes: float | None
    rx_bps: float | None
    tx_bps: float | None
    gpus: list[tuple[str, GpuSample]]
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> MetricSample:
        gpus = data.get("gpus")
        return cls(
            cpu_usage_pct=_number(data, "cpu_usage_pct"),
            cpu_millicores=_number(data, "cpu_millicores"),
            memory_used_bytes=_number(data, "memory_used_bytes"),
            memory_total_bytes=_number(data, "memory_total_bytes"),
            rx_bps=_number(data, "rx_bps"),
            tx_bps=_number(data, "tx_bps"),
            gpus=[
                (str(k), GpuSample.from_api(v))
                for k, v in sorted(gpus.items())
                if isinstance(v, dict)
            ]
            if isinstance(gpus, dict)
            else [],
            raw=data,
        )
