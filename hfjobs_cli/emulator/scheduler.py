"""Scheduled jobs fire on time, in UTC, honouring `suspend` and `concurrency`.

The clock is injected so the firing rules are tested without waiting: `tick(now)` fires every
schedule that is due at `now`. A due firing is skipped (not queued) while the previous run is
still active and `concurrency` is false; either way the next run is computed from `now`, so
firings missed while the emulator was stopped collapse into a single catch-up run.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from hfjobs_cli.emulator.errors import ApiError
from hfjobs_cli.emulator.store import Store
from hfjobs_cli.emulator.util import from_epoch, to_epoch

Launch = Callable[[str, dict[str, Any], dict[str, str], dict[str, Any]], dict[str, Any]]


def utcnow() -> datetime:
    return datetime.now(UTC)


def next_run(schedule: str, after: datetime) -> datetime:
    """The first firing time strictly after `after`, in UTC."""
    from croniter import croniter

    if after.tzinfo is None:
        after = after.replace(tzinfo=UTC)
    return croniter(schedule, after.astimezone(UTC)).get_next(datetime)


class Scheduler:
    def __init__(
        self, store: Store, launch: Launch, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.store = store
        self.launch = launch
        self.clock = clock
        self._lock = threading.Lock()  # a tick and a manual trigger never race past `concurrency`

    def next_run_epoch(self, schedule: str, now: datetime | None = None) -> float:
        return to_epoch(next_run(schedule, now or self.clock()))

    def _start(self, row: dict[str, Any], at: datetime) -> dict[str, Any]:
        initiator = {"type": "scheduled-job", "id": row["id"]}
        job = self.launch(row["namespace"], row["spec"], row["secrets"], initiator)
        self.store.update(
            "scheduled_jobs", row["id"], {"last_job_id": job["id"], "last_job_at": to_epoch(at)}
        )
        return job

    def busy(self, row: dict[str, Any]) -> bool:
        return not row["concurrency"] and self.store.has_active_job_from(row["id"])

    def trigger(self, sj_id: str) -> dict[str, Any]:
        """Run a scheduled job now (`POST .../run`); 409 while it runs and concurrency is off."""
        with self._lock:
            row = self.store.get("scheduled_jobs", sj_id)
            if row is None:
                raise ApiError(f"Scheduled job {sj_id} not found", status=404)
            if self.busy(row):
                raise ApiError(
                    f"Scheduled job {sj_id} is already running and concurrency is disabled",
                    status=409,
                )
            return self._start(row, self.clock())

    def tick(self, now: datetime | None = None) -> list[str]:
        """Fire every due, unsuspended schedule; return the ids of the jobs started."""
        now = now or self.clock()
        started = []
        with self._lock:
            due = self.store.select(
                "scheduled_jobs",
                "suspend = 0 AND next_run_at IS NOT NULL AND next_run_at <= ?",
                (to_epoch(now),),
                order="next_run_at ASC",
            )
            for row in due:
                if not self.busy(row):
                    started.append(self._start(row, now)["id"])
                self.store.update(
                    "scheduled_jobs",
                    row["id"],
                    {"next_run_at": self.next_run_epoch(row["schedule"], now)},
                )
        return started

    def seconds_until_due(self, now: datetime | None = None) -> float | None:
        rows = self.store.select(
            "scheduled_jobs",
            "suspend = 0 AND next_run_at IS NOT NULL",
            order="next_run_at ASC",
            limit=1,
        )
        if not rows:
            return None
        return (from_epoch(rows[0]["next_run_at"]) - (now or self.clock())).total_seconds()

    def run_forever(self, stop: threading.Event, poll: float = 1.0) -> None:
        while not stop.is_set():
            try:
                self.tick()
            except Exception as exc:  # a broken schedule must not stop the others
                print(f"scheduler: {exc!r}", file=sys.stderr)
            wait = self.seconds_until_due()
            stop.wait(poll if wait is None else min(poll, max(0.05, wait)))
